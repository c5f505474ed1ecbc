//! WeChat-style mini-program support: sign-in with a login code (exchanged
//! for an open id at the identity provider's code-to-session endpoint),
//! binding an open id to an account, and subscribe messages.
//!
//! The provider's session key is never stored nor returned: we only need
//! the open id. Provider failures become clear API errors within a few
//! seconds (the HTTP client has a timeout), never a hang.
//!
//! Subscribe messages: each time a person accepts a template in the
//! mini-program, they give one consent for one message. Consents are
//! counted per person and template; a message is queued only when one is
//! left, and spent on the stages that matter most: job assigned, job
//! resolved, visitor arrived, help call acknowledged.

use crate::record::{CommunityId, UserId, WeChatBindingId};
use std::{
    sync::Mutex,
    time::{Duration, Instant},
};

use crate::db::Query;
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;

use super::{
    Backend,
    auth::SessionKind,
    db::{row, rows, run, thrown},
    error::{Error, Result},
    ids,
    notify::{Attempt, Lane},
    policy::Actor,
};
use linli_model::{
    AppError, ErrorCode, Msg,
    keys::TemplateKey,
    session::{Consents, LoginAnswer},
};

pub(crate) mod store;

/// Where and how to reach the identity provider and message API.
#[derive(Clone, Debug, Default)]
pub struct WeChatConfig {
    pub api_base: String,
    pub appid: String,
    pub secret: String,
    /// `key → template id` (keys from [`TemplateKey`]).
    pub templates: Vec<(String, String)>,
}

impl WeChatConfig {
    /// `job_assigned=ID1,job_resolved=ID2` as configured.
    pub fn parse_templates(spec: &str) -> Vec<(String, String)> {
        spec.split(',')
            .filter_map(|pair| pair.split_once('='))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .filter(|(k, v)| TemplateKey::parse(k).is_some() && !v.is_empty())
            .collect()
    }

    pub fn is_configured(&self) -> bool {
        !self.appid.is_empty() && !self.secret.is_empty() && !self.api_base.is_empty()
    }
}

/// The provider's client, with the message API's access token cached.
pub struct WeChat {
    config: WeChatConfig,
    http: reqwest::Client,
    token: Mutex<Option<(String, Instant)>>,
}

#[derive(Deserialize)]
struct Code2Session {
    #[serde(default)]
    openid: Option<String>,
    #[serde(default)]
    errcode: Option<i64>,
}

#[derive(Deserialize)]
struct AccessToken {
    #[serde(default)]
    access_token: Option<String>,
    #[serde(default)]
    expires_in: Option<u64>,
    #[serde(default)]
    errcode: Option<i64>,
}

#[derive(Deserialize)]
struct SendAnswer {
    #[serde(default)]
    errcode: i64,
}

fn provider_down() -> Error {
    AppError::new(ErrorCode::Unavailable, Msg::ErrProvider).into()
}

/// What a subscribe-message error code means for delivery (WeChat's
/// documentation of `subscribeMessage.send`, "错误码").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendError {
    /// 40001, 40014, 42001: the access token is invalid or expired; fetch
    /// one again and retry at once.
    TokenRejected,
    /// The message can never be delivered as it is: 40003 bad open id,
    /// 40037 bad template id, 41030 bad page, 43101 the user refused
    /// (no consent), 43104 open id of another app, 43107 the app may not
    /// send subscribe messages, 45168 blocked words, 47003 bad parameter.
    Permanent,
    /// Anything else (-1 busy, 45009 quota, unknown): try again later.
    Temporary,
}

impl SendError {
    pub fn of(errcode: i64) -> Self {
        match errcode {
            40001 | 40014 | 42001 => Self::TokenRejected,
            40003 | 40037 | 41030 | 43101 | 43104 | 43107 | 45168 | 47003 => Self::Permanent,
            _ => Self::Temporary,
        }
    }
}

/// A readable reason for a send error code, for the stored error.
fn describe(errcode: i64) -> String {
    let what = match errcode {
        40003 => "invalid open id",
        40037 => "invalid template id",
        41030 => "invalid page",
        43101 => "user refused the message",
        43104 => "open id of another app",
        43107 => "subscribe messages blocked for this app",
        45168 => "blocked words",
        47003 => "template parameter not accepted",
        40001 | 40014 | 42001 => "access token rejected",
        -1 => "provider busy",
        45009 => "daily quota used up",
        _ => "provider error",
    };
    format!("errcode {errcode} ({what})")
}

impl WeChat {
    pub fn new(config: WeChatConfig) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .connect_timeout(Duration::from_secs(3))
            .build()
            .unwrap_or_default();
        Self { config, http, token: Mutex::new(None) }
    }

    pub fn config(&self) -> &WeChatConfig {
        &self.config
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.api_base.trim_end_matches('/'))
    }

    /// The open id behind a login code.
    async fn code_to_openid(&self, code: &str) -> Result<String> {
        if !self.config.is_configured() {
            return Err(AppError::new(ErrorCode::NotFound, Msg::ErrWeChatOff).into());
        }
        let res = self
            .http
            .get(self.url("/sns/jscode2session"))
            .query(&[
                ("appid", self.config.appid.as_str()),
                ("secret", self.config.secret.as_str()),
                ("js_code", code),
                ("grant_type", "authorization_code"),
            ])
            .send()
            .await
            .map_err(|e| {
                // The URL holds the app secret and the code: never logged.
                tracing::warn!(reason = super::notify::http_failure(&e), "identity provider unreachable");
                provider_down()
            })?;
        if res.status() == reqwest::StatusCode::TOO_MANY_REQUESTS {
            return Err(AppError::new(ErrorCode::RateLimited, Msg::ErrRateLimited).into());
        }
        let body: Code2Session = res.json().await.map_err(|_| provider_down())?;
        match (body.errcode.unwrap_or(0), body.openid) {
            (0, Some(openid)) if !openid.is_empty() && openid.len() <= 128 => Ok(openid),
            // 40029 invalid code, 40163 code already used.
            (40029 | 40163, _) => Err(AppError::new(ErrorCode::Unauthenticated, Msg::ErrWeChatCode).into()),
            (45011, _) => Err(AppError::new(ErrorCode::RateLimited, Msg::ErrRateLimited).into()),
            (code, _) => {
                tracing::warn!(errcode = code, "identity provider refused");
                Err(provider_down())
            }
        }
    }

    /// The message API's access token, from the cache or fetched.
    ///
    /// Fetched from the stable-token endpoint (`POST /cgi-bin/stable_token`,
    /// WeChat's "getStableAccessToken"): in its normal mode every process
    /// of a deployment gets the same token, and fetching one does not
    /// invalidate the token another process holds, as the older
    /// `/cgi-bin/token` does. `force_refresh` is used only after the
    /// provider rejected the very token the normal mode returns.
    async fn access_token(&self) -> std::result::Result<String, String> {
        if let Ok(cached) = self.token.lock()
            && let Some((token, until)) = cached.as_ref()
            && Instant::now() < *until
        {
            return Ok(token.clone());
        }
        self.fetch_token(false).await
    }

    async fn fetch_token(&self, force_refresh: bool) -> std::result::Result<String, String> {
        let body: AccessToken = self
            .http
            .post(self.url("/cgi-bin/stable_token"))
            .json(&json!({
                "grant_type": "client_credential", "appid": self.config.appid,
                "secret": self.config.secret, "force_refresh": force_refresh,
            }))
            .send()
            .await
            .map_err(|e| format!("token: {}", super::notify::http_failure(&e)))?
            .json()
            .await
            .map_err(|e| format!("token: {}", super::notify::http_failure(&e)))?;
        let token = match (body.errcode.unwrap_or(0), body.access_token) {
            (0, Some(token)) if !token.is_empty() => token,
            (code, _) => return Err(format!("token refused: {}", describe(code))),
        };
        // Renew a few minutes before the provider's expiry.
        let ttl = Duration::from_secs(body.expires_in.unwrap_or(7200).saturating_sub(300).max(60));
        if let Ok(mut cached) = self.token.lock() {
            *cached = Some((token.clone(), Instant::now() + ttl));
        }
        Ok(token)
    }

    /// A token to use after `rejected` was refused: the current stable
    /// token if another process already renewed it, else a forced one.
    async fn renew_token(&self, rejected: &str) -> std::result::Result<String, String> {
        if let Ok(mut cached) = self.token.lock() {
            *cached = None;
        }
        let token = self.fetch_token(false).await?;
        if token == rejected { self.fetch_token(true).await } else { Ok(token) }
    }

    async fn post_message(
        &self,
        token: &str,
        openid: &str,
        template_id: &str,
        fields: &serde_json::Value,
    ) -> std::result::Result<i64, String> {
        let res = self
            .http
            .post(self.url("/cgi-bin/message/subscribe/send"))
            .query(&[("access_token", token)])
            .json(&json!({ "touser": openid, "template_id": template_id, "data": fields }))
            .send()
            .await
            .map_err(|e| super::notify::http_failure(&e).to_string())?;
        if !res.status().is_success() {
            return Err(format!("provider answered {}", res.status().as_u16()));
        }
        let answer: SendAnswer = res.json().await.map_err(|e| super::notify::http_failure(&e).to_string())?;
        Ok(answer.errcode)
    }

    /// Sends one subscribe message (WeChat's `subscribeMessage.send`).
    pub async fn send(&self, openid: &str, template_id: &str, data: &serde_json::Value) -> Attempt {
        // Shaped here, at sending, so that messages queued by an older
        // version are shaped too.
        let fields = super::wechat_fields::shape_data(data);
        let mut token = match self.access_token().await {
            Ok(t) => t,
            Err(reason) => return Attempt::Retry(reason),
        };
        // At most one renewal per attempt: a token rejected twice in a row
        // is the provider's problem, retried later.
        for renewed in [false, true] {
            let code = match self.post_message(&token, openid, template_id, &fields).await {
                Ok(code) => code,
                Err(reason) => return Attempt::Retry(reason),
            };
            if code == 0 {
                return Attempt::Sent;
            }
            match SendError::of(code) {
                SendError::Permanent => return Attempt::Refused(describe(code)),
                SendError::Temporary => return Attempt::Retry(describe(code)),
                SendError::TokenRejected if renewed => return Attempt::Retry(describe(code)),
                SendError::TokenRejected => {
                    tracing::info!(errcode = code, "access token rejected: fetching another");
                    token = match self.renew_token(&token).await {
                        Ok(t) => t,
                        Err(reason) => return Attempt::Retry(reason),
                    };
                }
            }
        }
        Attempt::Retry("access token rejected".into())
    }
}

/// What `POST /auth/wechat` answers.
pub enum WeChatLogin {
    /// A known open id: signed in.
    Session(Box<LoginAnswer>),
    /// Unknown: bind it with phone and password, using this ticket.
    BindingRequired { binding_token: String },
}

#[derive(Deserialize)]
struct Identity {
    user: UserId,
}

#[derive(Deserialize)]
struct Binding {
    id: WeChatBindingId,
    openid: String,
}

/// How long a binding ticket stays valid.
const BINDING_MINUTES: i64 = 10;

impl Backend {
    /// Signs in with a mini-program login code.
    pub async fn wechat_login(&self, code: &str) -> Result<WeChatLogin> {
        let code = code.trim();
        if code.is_empty() || code.len() > 128 {
            return Err(AppError::invalid("code", Msg::ErrWeChatCode).into());
        }
        let openid = self.wechat.code_to_openid(code).await?;
        let mut res = run(self.db.query(store::IDENTITY_BY_OPENID).bind(("o", openid.clone()))).await?;
        if let Some(identity) = row::<Identity>(&mut res, 0)? {
            return Ok(WeChatLogin::Session(Box::new(self.session_for(identity.user.key(), SessionKind::Api).await?)));
        }
        let ticket = ids::new_token();
        run(self
            .db
            .query(store::CREATE_BINDING)
            .bind(("h", ids::token_hash(&ticket)))
            .bind(("o", openid))
            .bind(("until", Utc::now() + chrono::Duration::minutes(BINDING_MINUTES))))
        .await?;
        Ok(WeChatLogin::BindingRequired { binding_token: ticket })
    }

    /// Binds the open id behind a ticket to the account of `phone` and
    /// `password` (checked and rate-limited like any sign-in), and signs in.
    pub async fn wechat_bind(&self, ticket: &str, phone: &str, password: &str, client: &str) -> Result<LoginAnswer> {
        let mut res =
            run(self.db.query(store::BINDING_BY_TOKEN).bind(("h", ids::token_hash(ticket))).bind(("now", Utc::now())))
                .await?;
        let binding: Binding =
            row(&mut res, 0)?.ok_or_else(|| AppError::new(ErrorCode::Unauthenticated, Msg::ErrBindingExpired))?;
        let login = self.login(phone, password, SessionKind::Api, client).await?;
        let bound = run(self
            .db
            .query(store::BIND_IDENTITY)
            .bind(("b", binding.id.record()))
            .bind(("openid", binding.openid))
            .bind(("user", UserId::record_of(&login.user.id))))
        .await;
        match bound {
            Ok(_) => Ok(login),
            Err(e) if thrown(&e, "used") => {
                Err(AppError::new(ErrorCode::Unauthenticated, Msg::ErrBindingExpired).into())
            }
            Err(e) if e.violates("wechat_identity_openid") => Err(AppError::conflict(Msg::ErrWeChatTaken).into()),
            Err(e) => Err(e),
        }
    }

    /// Records one consent for each accepted template (the mini-program
    /// reports what the person accepted in `wx.requestSubscribeMessage`).
    pub async fn add_consents(&self, actor: &Actor, templates: &[String]) -> Result<Consents> {
        for t in templates {
            if TemplateKey::parse(t).is_none() {
                return Err(AppError::invalid("templates", Msg::ErrBadRequest).into());
            }
        }
        for t in templates {
            run(self
                .db
                .query(store::ADD_CONSENTS)
                .bind(("u", UserId::record_of(&actor.user_id)))
                .bind(("t", t.clone())))
            .await?;
        }
        self.consents(actor).await
    }

    /// The messages each template may still send: every known template,
    /// `0` where none.
    pub async fn consents(&self, actor: &Actor) -> Result<Consents> {
        let mut res = run(self.db.query(store::CONSENTS).bind(("u", UserId::record_of(&actor.user_id)))).await?;
        let mut left: Consents = TemplateKey::ALL.iter().map(|k| (k.as_str().to_string(), 0)).collect();
        left.extend(
            rows::<serde_json::Value>(&mut res, 0)?
                .into_iter()
                .filter_map(|v| Some((v.get("template")?.as_str()?.to_string(), v.get("remaining")?.as_i64()?))),
        );
        Ok(left)
    }

    /// Binds the parameters of [`subscribe_message_create!`] to `query`, a
    /// transaction that changes state and should also queue `message`
    /// (when the template is configured; the consent check happens in the
    /// transaction). `None` binds nothing to send.
    pub(crate) fn bind_subscribe_message<'q>(
        &self,
        query: Query<'q>,
        message: Option<SubscribeMessage<'_>>,
    ) -> Query<'q> {
        let template_id = message
            .as_ref()
            .and_then(|m| self.wechat.config().templates.iter().find(|(k, _)| k == m.key).map(|(_, id)| id.clone()));
        let (Some(m), Some(template_id)) = (message, template_id) else {
            return query.bind(("sm_template", Option::<String>::None));
        };
        query
            .bind(("sm_template", Some(template_id.clone())))
            .bind(("sm_key", m.key))
            .bind(("sm_user", UserId::record_of(m.user)))
            .bind(("sm_community", CommunityId::record_of(m.community)))
            .bind(("sm_params", json!({ "template_id": template_id, "data": m.data }).to_string()))
            .bind(("sm_subject", format!("user:{}", m.user)))
            .bind(("sm_priority", m.lane.priority()))
    }
}

/// A WeChat subscribe message that goes with a change of state.
pub struct SubscribeMessage<'a> {
    pub community: &'a str,
    /// Who receives it (when they bound WeChat and gave a consent).
    pub user: &'a str,
    /// One of [`TemplateKey`]'s keys.
    pub key: &'static str,
    /// The template's fields, e.g. `{"thing1": "...", "time2": "..."}`.
    pub data: serde_json::Value,
    pub lane: Lane,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn send_errors_are_classified_as_wechat_documents_them() {
        for code in [40001, 40014, 42001] {
            assert_eq!(SendError::of(code), SendError::TokenRejected, "{code}");
        }
        for code in [43101, 47003, 40003, 40037] {
            assert_eq!(SendError::of(code), SendError::Permanent, "{code}");
        }
        for code in [-1, 45009, 99999] {
            assert_eq!(SendError::of(code), SendError::Temporary, "{code}");
        }
        assert!(describe(43101).contains("refused"));
    }

    #[test]
    fn templates_are_parsed_and_unknown_keys_dropped() {
        let t = WeChatConfig::parse_templates("job_assigned=A1, job_resolved = B2,unknown=C3,visitor_arrived=");
        assert_eq!(t, vec![("job_assigned".into(), "A1".into()), ("job_resolved".into(), "B2".into())]);
    }
}
