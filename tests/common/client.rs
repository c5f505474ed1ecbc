//! A typed client over the JSON API: a signed-in person's handle whose
//! calls answer with the shared model's types (`linli_model`), the same
//! structs the server serialises, or with the API's error envelope as an
//! [`ApiErrorBody`]. Endpoint helpers live in the submodules, one per
//! resource. Every answer and body has its type in the model, so no shape
//! is mirrored here.
//!
//! A success whose body does not deserialize into the expected type is a
//! disagreement between the model and the server: the call panics and
//! shows the body.

mod community;
mod complaints;
mod help;
mod notices;
mod outages;
mod passes;
mod repairs;
mod staff_entry;
mod wechat;

use std::fmt;

use linli_model::{
    ErrorBody, ErrorCode, Me,
    session::{LoginAnswer, LoginBody},
};
use reqwest::{Method, StatusCode};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Value, json};

use super::{PASSWORD, TestServer};

/// The API's error envelope (`{"error": {"code", "message", "detail"}}`)
/// with the status that carried it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiErrorBody {
    /// The HTTP status of the answer.
    pub status: StatusCode,
    /// The stable machine code.
    pub code: ErrorCode,
    /// The message in the caller's language (never empty).
    pub message: String,
    /// The offending field or a reason code, when the server names one.
    pub detail: Option<String>,
    /// With `rate_limited`: seconds until the request is accepted.
    pub retry_after: Option<u64>,
}

impl fmt::Display for ApiErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {:?}: {}", self.status, self.code, self.message)?;
        if let Some(d) = &self.detail {
            write!(f, " ({d})")?;
        }
        Ok(())
    }
}

/// What a call answers: the model type on success, the envelope otherwise.
pub type ApiResult<T> = Result<T, ApiErrorBody>;

/// A person signed in over the JSON API (or a device credential), making
/// calls with their bearer token.
pub struct User<'s> {
    server: &'s TestServer,
    token: String,
}

impl TestServer {
    /// Signs `phone` in with the demo password and returns their handle.
    pub async fn user(&self, phone: &str) -> User<'_> {
        self.sign_in(phone, PASSWORD).await.unwrap_or_else(|e| panic!("login of {phone}: {e}"))
    }

    /// Signs in with `phone` and `password` (`POST /api/v1/auth/login`).
    pub async fn sign_in(&self, phone: &str, password: &str) -> ApiResult<User<'_>> {
        let body = LoginBody { phone: phone.to_string(), password: password.to_string() };
        let (status, session) = self.public::<LoginAnswer>(Method::POST, "/api/v1/auth/login", Some(&body)).await;
        let session = session?;
        assert_eq!(status, StatusCode::OK, "login of {phone}");
        Ok(self.with_token(session.token))
    }

    /// A call without a session (WeChat sign-in, public lists): the status
    /// and the typed answer. `body` is sent as JSON.
    pub async fn public<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&(impl Serialize + ?Sized)>,
    ) -> (StatusCode, ApiResult<T>) {
        let mut req = self.req(method.clone(), path, None);
        if let Some(b) = body {
            req = req.json(b);
        }
        let res = req.send().await.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        answer(&format!("{method} {path}"), res).await
    }

    /// A handle for a bearer token obtained another way (WeChat, a help
    /// device's credential).
    pub fn with_token(&self, token: impl Into<String>) -> User<'_> {
        User { server: self, token: token.into() }
    }
}

impl<'s> User<'s> {
    /// The bearer token, for requests the typed client does not make.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The server this person talks to.
    pub fn server(&self) -> &'s TestServer {
        self.server
    }

    /// Any call: the status and the typed answer. `body` is sent as JSON.
    pub async fn send<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&(impl Serialize + ?Sized)>,
    ) -> (StatusCode, ApiResult<T>) {
        let mut req = self.server.req(method.clone(), path, Some(&self.token));
        if let Some(b) = body {
            req = req.json(b);
        }
        let res = req.send().await.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        answer(&format!("{method} {path}"), res).await
    }

    /// `GET path`; a success must be `200 OK`.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> ApiResult<T> {
        self.call(Method::GET, path, None::<&()>, StatusCode::OK).await
    }

    /// `GET path` read both ways: the typed answer and the JSON it was read
    /// from, for tests that also check the shape (a field left out rather
    /// than sent as `null`).
    pub async fn get_with_json<T: DeserializeOwned>(&self, path: &str) -> ApiResult<(T, Value)> {
        let json: Value = self.get(path).await?;
        let typed = serde_json::from_value(json.clone())
            .unwrap_or_else(|e| panic!("GET {path}: not a {}: {e}\n{json}", std::any::type_name::<T>()));
        Ok((typed, json))
    }

    /// `POST path` with a JSON body; any 2xx is a success.
    pub async fn post<T: DeserializeOwned>(&self, path: &str, body: &(impl Serialize + ?Sized)) -> ApiResult<T> {
        self.send(Method::POST, path, Some(body)).await.1
    }

    /// `PUT path` with a JSON body; a success must be `200 OK`.
    pub async fn put<T: DeserializeOwned>(&self, path: &str, body: &(impl Serialize + ?Sized)) -> ApiResult<T> {
        self.call(Method::PUT, path, Some(body), StatusCode::OK).await
    }

    /// `PATCH path` with a JSON body; a success must be `200 OK`.
    pub async fn patch<T: DeserializeOwned>(&self, path: &str, body: &(impl Serialize + ?Sized)) -> ApiResult<T> {
        self.call(Method::PATCH, path, Some(body), StatusCode::OK).await
    }

    /// `DELETE path`; any 2xx is a success.
    pub async fn delete<T: DeserializeOwned>(&self, path: &str) -> ApiResult<T> {
        self.send(Method::DELETE, path, None::<&()>).await.1
    }

    /// A call whose success must have status `ok` (a 201 where a 200 was
    /// expected fails the test).
    pub async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&(impl Serialize + ?Sized)>,
        ok: StatusCode,
    ) -> ApiResult<T> {
        let (status, result) = self.send(method.clone(), path, body).await;
        if result.is_ok() {
            assert_eq!(status, ok, "{method} {path}");
        }
        result
    }

    /// `GET /api/v1/me`.
    pub async fn me(&self) -> ApiResult<Me> {
        self.get("/api/v1/me").await
    }

    /// `POST /api/v1/auth/logout`: 204.
    pub async fn sign_out(&self) -> ApiResult<()> {
        self.call(Method::POST, "/api/v1/auth/logout", Some(&json!({})), StatusCode::NO_CONTENT).await
    }
}

/// The status and typed body of `res`; `what` names the call in panics.
pub async fn answer<T: DeserializeOwned>(what: &str, res: reqwest::Response) -> (StatusCode, ApiResult<T>) {
    let status = res.status();
    let text = res.text().await.unwrap_or_else(|e| panic!("{what}: reading the body: {e}"));
    if status.is_success() {
        // No body (204) reads as `null`: `()` and `Option<T>` accept it.
        let json = if text.is_empty() { "null" } else { text.as_str() };
        let body = serde_json::from_str(json).unwrap_or_else(|e| {
            panic!("{what}: {status}, but the body is not a {}: {e}\n{text}", std::any::type_name::<T>())
        });
        return (status, Ok(body));
    }
    let envelope: ErrorBody = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{what}: {status} without the error envelope: {e}\n{text}"));
    let e = envelope.error;
    let code = e.error_code().unwrap_or_else(|| panic!("{what}: {status} with an unknown code: {text}"));
    assert!(!e.message.is_empty(), "{what}: the error has a message: {text}");
    (status, Err(ApiErrorBody { status, code, message: e.message, detail: e.detail, retry_after: e.retry_after }))
}
