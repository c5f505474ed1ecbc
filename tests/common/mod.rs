//! The test harness: the real server (router, services, embedded
//! SurrealDB) on a real socket, driven over HTTP as a client would.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::{net::SocketAddr, path::PathBuf};

use linli_server::{Config, Server};
use reqwest::{Client, Method, RequestBuilder, StatusCode, redirect::Policy};
use serde_json::{Value, json};
use tokio::{sync::oneshot, task::JoinHandle};

pub const PASSWORD: &str = "linli-demo";
pub const RESIDENT: &str = "13800000001";
pub const RESIDENT_B2: &str = "13800000002";
pub const ELDER: &str = "13800000003";
pub const BUTLER: &str = "13900000001";
pub const BUTLER_B3: &str = "13900000002";
pub const WORKER: &str = "13700000001";
pub const GUARD: &str = "13600000001";
pub const DUTY: &str = "13500000001";
pub const ADMIN: &str = "13400000001";
/// The second demo community (翠湖苑).
pub const OTHER_RESIDENT: &str = "13800000011";
pub const OTHER_BUTLER: &str = "13900000011";
pub const OTHER_GUARD: &str = "13600000011";
pub const OTHER_ADMIN: &str = "13400000011";

pub struct TestServer {
    pub addr: SocketAddr,
    pub base: String,
    pub client: Client,
    pub backend: app::backend::Backend,
    pub media_dir: PathBuf,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
    _tmp: tempfile::TempDir,
}

/// A test configuration: in-memory database, demo data, own media folder.
pub fn config() -> (Config, tempfile::TempDir) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut c = Config::for_tests();
    c.media_dir = tmp.path().join("media");
    (c, tmp)
}

impl TestServer {
    pub async fn start() -> Self {
        let (c, tmp) = config();
        Self::start_with(c, tmp).await
    }

    pub async fn start_with(config: Config, tmp: tempfile::TempDir) -> Self {
        let media_dir = config.media_dir.clone();
        let server = Server::build(config).await.expect("server builds");
        let backend = server.backend.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(server.serve(listener, async {
            let _ = rx.await;
        }));
        let client = Client::builder().redirect(Policy::none()).build().expect("client");
        Self {
            addr,
            base: format!("http://{addr}"),
            client,
            backend,
            media_dir,
            stop: Some(tx),
            task: Some(task),
            _tmp: tmp,
        }
    }

    /// Stops serving and waits until the server has let go of everything.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn req(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let r = self.client.request(method, self.url(path));
        match token {
            Some(t) => r.bearer_auth(t),
            None => r,
        }
    }

    /// Signs in over the JSON API and returns the bearer token.
    pub async fn login(&self, phone: &str) -> String {
        let res = self
            .req(Method::POST, "/api/v1/auth/login", None)
            .json(&json!({ "phone": phone, "password": PASSWORD }))
            .send()
            .await
            .expect("login request");
        assert_eq!(res.status(), StatusCode::OK, "login of {phone}");
        let body: Value = res.json().await.expect("login json");
        body["token"].as_str().expect("token").to_string()
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        let res = self.req(Method::GET, path, Some(token)).send().await.expect("request");
        split(res).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        let res = self.req(Method::POST, path, Some(token)).json(&body).send().await.expect("request");
        split(res).await
    }

    pub async fn delete(&self, path: &str, token: &str) -> (StatusCode, Value) {
        let res = self.req(Method::DELETE, path, Some(token)).send().await.expect("request");
        split(res).await
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

/// Status and JSON body (`Value::Null` when the body is not JSON).
pub async fn split(res: reqwest::Response) -> (StatusCode, Value) {
    let status = res.status();
    let text = res.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Asserts the API's error envelope and returns its code.
pub fn error_code(body: &Value) -> &str {
    let err = &body["error"];
    assert!(err["message"].as_str().is_some_and(|m| !m.is_empty()), "error has a message: {body}");
    err["code"].as_str().unwrap_or_else(|| panic!("error envelope expected, got {body}"))
}
