//! The mini-program's sign-in and consents: `/auth/wechat`,
//! `/auth/wechat/bind`, `/subscriptions`.

use linli_model::session::{BindBody, CodeBody, ConsentBody, Consents, WeChatAnswer};
use reqwest::{Method, StatusCode};

use super::{ApiResult, User};
use crate::common::TestServer;

impl TestServer {
    /// Signs in with a `wx.login` code: a session, or a binding ticket.
    pub async fn wechat_login(&self, code: &str) -> (StatusCode, ApiResult<WeChatAnswer>) {
        self.public(Method::POST, "/api/v1/auth/wechat", Some(&CodeBody { code: code.to_string() })).await
    }

    /// Binds the open id behind `ticket` to the account `phone`.
    pub async fn wechat_bind(
        &self,
        ticket: &str,
        phone: &str,
        password: &str,
    ) -> (StatusCode, ApiResult<WeChatAnswer>) {
        let body =
            BindBody { binding_token: ticket.to_string(), phone: phone.to_string(), password: password.to_string() };
        self.public(Method::POST, "/api/v1/auth/wechat/bind", Some(&body)).await
    }
}

impl User<'_> {
    /// Records consents for subscribe-message templates: 200 with what is left.
    pub async fn subscribe(&self, templates: &[&str]) -> ApiResult<Consents> {
        let body = ConsentBody { templates: templates.iter().map(|t| t.to_string()).collect() };
        self.call(Method::POST, "/api/v1/subscriptions", Some(&body), StatusCode::OK).await
    }

    /// Consents left per template.
    pub async fn consents(&self) -> ApiResult<Consents> {
        self.get("/api/v1/subscriptions").await
    }
}
