//! The server behind a real nginx (Debian's `nginx-light`, installed by
//! `scripts/setup.sh`), configured with the repository's own
//! `deploy/nginx-linli.conf`, and behind a second server block left at
//! nginx's defaults: a help call reaches the butler's live stream through
//! both at once, not when a proxy buffer fills.

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use linli_model::{help::HelpAction, session::LoginAnswer};
use reqwest::StatusCode;
use serde_json::json;

use crate::common::*;

/// A running nginx, stopped on drop.
struct Nginx {
    child: Child,
    _dir: tempfile::TempDir,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts nginx with the deploy file pointed at `upstream` and listening on
/// `documented`, plus a default-settings server on `plain`.
async fn nginx(upstream: &str, documented: u16, plain: u16) -> Nginx {
    let binary = ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .expect("nginx is installed (scripts/setup.sh installs Debian's nginx-light)");
    let dir = tempfile::tempdir().unwrap();
    let site = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../deploy/nginx-linli.conf"))
        .unwrap()
        .replace("server 127.0.0.1:3000;", &format!("server {upstream};"))
        .replace("listen 80;", &format!("listen 127.0.0.1:{documented};"));
    let temp = dir.path().display();
    let conf = format!(
        "pid {temp}/nginx.pid;
         error_log {temp}/error.log;
         events {{ worker_connections 256; }}
         http {{
             access_log off;
             client_body_temp_path {temp}/body;
             proxy_temp_path {temp}/proxy;
             fastcgi_temp_path {temp}/fastcgi;
             uwsgi_temp_path {temp}/uwsgi;
             scgi_temp_path {temp}/scgi;
             {site}
             server {{
                 listen 127.0.0.1:{plain};
                 location / {{ proxy_pass http://{upstream}; }}
             }}
         }}"
    );
    std::fs::write(dir.path().join("nginx.conf"), conf).unwrap();
    let child = Command::new(binary)
        .args(["-p", &dir.path().display().to_string(), "-c", "nginx.conf", "-g", "daemon off;"])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("nginx starts");
    let started = Nginx { child, _dir: dir };
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", documented)).is_err()
        || std::net::TcpStream::connect(("127.0.0.1", plain)).is_err()
    {
        assert!(Instant::now() < deadline, "nginx did not start listening");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    started
}

#[tokio::test]
async fn a_help_call_passes_the_proxy_at_once() {
    let (mut c, tmp) = config();
    c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    let s = TestServer::start_with(c, tmp).await;
    let (documented, plain) = (free_port(), free_port());
    let _proxy = nginx(&s.addr.to_string(), documented, plain).await;
    // Bounded: a proxy that holds a response back fails the test, not hangs it.
    let client = reqwest::Client::builder().timeout(Duration::from_secs(20)).build().unwrap();

    for (port, what) in [(documented, "deploy/nginx-linli.conf"), (plain, "nginx defaults")] {
        let base = format!("http://127.0.0.1:{port}");
        let login = |phone: &'static str| {
            let client = client.clone();
            let base = base.clone();
            async move {
                let res = client
                    .post(format!("{base}/api/v1/auth/login"))
                    .json(&json!({ "phone": phone, "password": PASSWORD }))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), StatusCode::OK, "{what}: sign-in through the proxy");
                res.json::<LoginAnswer>().await.unwrap().token
            }
        };
        let (butler, elder) = (login(BUTLER).await, login(ELDER).await);
        let res = client
            .get(format!("{base}/api/v1/stream"))
            .bearer_auth(&butler)
            .header("accept", "text/event-stream")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{what}");
        let mut stream = SseClient::new(res);
        // The stream is open upstream before the press.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let pressed = Instant::now();
        let res = client
            .post(format!("{base}/api/v1/help-calls"))
            .bearer_auth(&elder)
            .json(&json!({ "client_key": format!("proxy-{port}") }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED, "{what}");
        let event = stream.next_of("help_call.updated", Duration::from_secs(5)).await;
        let took = pressed.elapsed();
        assert!(event.is_some(), "{what}: the help call reached the butler's stream");
        assert!(took < Duration::from_secs(2), "{what}: it took {took:?}");
        eprintln!("{what}: press → butler's stream through nginx in {took:?}");
        // Resolve it so the next round starts from a quiet board.
        let id = event.unwrap().data["id"].as_str().unwrap().to_string();
        let staff = s.with_token(butler.as_str());
        staff.help_act(&id, HelpAction::Acknowledge).await.unwrap();
        staff.help_act_with(&id, &json!({ "action": "resolve", "outcome": "resolved" })).await.unwrap();
    }
}
