//! The server's JSON API on loopback, as the drill's phones and staff use it.

use reqwest::Method;
use serde_json::Value;

/// What one request got.
pub(crate) enum Answer {
    /// A status and the JSON body (`Null` when not JSON).
    Status(u16, Value),
    /// No answer: connection refused or reset, timeout.
    Network(String),
}

/// The server's API on loopback.
#[derive(Clone)]
pub(crate) struct Api {
    pub(crate) client: reqwest::Client,
    pub(crate) base: String,
}

impl Api {
    pub(crate) async fn send(&self, method: Method, path: &str, token: Option<&str>, body: Option<&Value>) -> Answer {
        let mut req = self.client.request(method, format!("{}/api/v1{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        match req.send().await {
            Err(e) => Answer::Network(e.to_string()),
            Ok(res) => {
                let status = res.status().as_u16();
                match res.bytes().await {
                    Ok(bytes) => Answer::Status(status, serde_json::from_slice(&bytes).unwrap_or(Value::Null)),
                    Err(e) => Answer::Network(e.to_string()),
                }
            }
        }
    }

    /// A request that must succeed (set-up): its JSON answer, or why not.
    pub(crate) async fn must(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Result<Value, String> {
        match self.send(method.clone(), path, token, body).await {
            Answer::Status(s, v) if (200..300).contains(&s) => Ok(v),
            Answer::Status(s, v) => Err(format!("{method} /api/v1{path}: {s} {v}")),
            Answer::Network(e) => Err(format!("{method} /api/v1{path}: {e}")),
        }
    }
}

pub(crate) fn text(v: &Value, key: &str) -> Result<String, String> {
    v[key].as_str().map(str::to_string).ok_or_else(|| format!("no `{key}` in {v}"))
}
