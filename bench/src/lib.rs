//! Shared pieces of the benchmarks: starting the real server binary as a
//! child process and talking to it over HTTP; fake outside services
//! ([`fakes`]) for drills.

#![allow(
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    reason = "measurement tools: indices come from their own tables, figures are small"
)]

pub mod fakes;

use std::{
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use serde_json::{Value, json};

pub const PASSWORD: &str = "linli-demo";

/// The server binary: `--server <path>`, else the debug build.
pub fn server_binary(args: &[String]) -> PathBuf {
    if let Some(i) = args.iter().position(|a| a == "--server")
        && let Some(p) = args.get(i + 1)
    {
        return PathBuf::from(p);
    }
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
    PathBuf::from(target).join("debug/linli-server")
}

/// The value after `--name` on the command line.
pub fn arg<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> T {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// A free port on loopback.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap_or(3999)
}

/// A running server process.
pub struct ServerProcess {
    pub child: Child,
    pub base: String,
}

impl ServerProcess {
    /// Starts the binary on `db` and waits until it answers `/healthz`.
    pub async fn start(binary: &Path, db: &str, port: u16, media: &Path) -> Result<Self, String> {
        Self::start_with(binary, db, port, media, &[]).await
    }

    /// Like [`ServerProcess::start`], with extra environment variables
    /// (set after the defaults, so they may override them). The server's
    /// log (its standard output) is discarded, unless `env` sets
    /// `LINLI_LOG`: then it goes to our standard error. A process that
    /// exits or does not become healthy within 60 s is reported (and
    /// killed), not left behind.
    pub async fn start_with(
        binary: &Path,
        db: &str,
        port: u16,
        media: &Path,
        env: &[(String, String)],
    ) -> Result<Self, String> {
        let mut command = Command::new(binary);
        command
            .env("LINLI_DB", db)
            .env("LINLI_ADDR", format!("127.0.0.1:{port}"))
            .env("LINLI_DEMO", "1")
            // The demo accounts without their month of history: the drills
            // count what they create, and start-up stays quick.
            .env("LINLI_DEMO_HISTORY", "0")
            .env("LINLI_MEDIA_DIR", media)
            // Load tools file reports and passes as fast as they can.
            .env("LINLI_FILINGS_PER_HOUR", "100000000")
            .env("LINLI_LOG", "warn");
        for (k, v) in env {
            command.env(k, v);
        }
        let log =
            if env.iter().any(|(k, _)| k == "LINLI_LOG") { Stdio::from(std::io::stderr()) } else { Stdio::null() };
        let child = command
            .stdout(log)
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let mut server = Self { child, base: format!("http://127.0.0.1:{port}") };
        let client = reqwest::Client::builder().no_proxy().build().map_err(|e| e.to_string())?;
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(60) {
            if let Ok(res) = client.get(format!("{}/healthz", server.base)).send().await
                && res.status().is_success()
            {
                return Ok(server);
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(format!("the server exited before becoming healthy ({status})"));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        server.kill();
        Err("the server did not become healthy within 60 s".into())
    }

    /// SIGKILL: no shutdown, no flush, as a power cut would.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Signs in over the API.
pub async fn login(client: &reqwest::Client, base: &str, phone: &str) -> Result<String, String> {
    let res = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({ "phone": phone, "password": PASSWORD }))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let body: Value = res.json().await.map_err(|e| e.to_string())?;
    body["token"].as_str().map(str::to_string).ok_or_else(|| format!("no token: {body}"))
}
