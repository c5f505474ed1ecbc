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

use std::{
    sync::Mutex,
    time::{Duration, Instant},
};

use chrono::Utc;
use serde::Deserialize;
use serde_json::json;

use super::{
    Backend,
    auth::{Login, SessionKind},
    db::{rid, row, rows, run, thrown},
    error::{Error, Result},
    ids,
    notify::Outgoing,
    people::key,
    policy::Actor,
};
use crate::model::{AppError, ErrorCode, Msg};

/// The messages worth a consent, with the template each is sent with.
pub const TEMPLATE_KEYS: [&str; 4] = ["job_assigned", "job_resolved", "visitor_arrived", "help_acknowledged"];

/// Where and how to reach the identity provider and message API.
#[derive(Clone, Debug, Default)]
pub struct WeChatConfig {
    pub api_base: String,
    pub appid: String,
    pub secret: String,
    /// `key → template id` (keys from [`TEMPLATE_KEYS`]).
    pub templates: Vec<(String, String)>,
}

impl WeChatConfig {
    /// `job_assigned=ID1,job_resolved=ID2` as configured.
    pub fn parse_templates(spec: &str) -> Vec<(String, String)> {
        spec.split(',')
            .filter_map(|pair| pair.split_once('='))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .filter(|(k, v)| TEMPLATE_KEYS.contains(&k.as_str()) && !v.is_empty())
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

fn provider_down() -> Error {
    AppError::new(ErrorCode::Unavailable, Msg::ErrProvider).into()
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

    /// The open id behind a login code.
    async fn code_to_openid(&self, code: &str) -> Result<String> {
        if !self.config.is_configured() {
            return Err(AppError::new(ErrorCode::NotFound, Msg::ErrWeChatOff).into());
        }
        let url = format!("{}/sns/jscode2session", self.config.api_base.trim_end_matches('/'));
        let res = self
            .http
            .get(url)
            .query(&[
                ("appid", self.config.appid.as_str()),
                ("secret", self.config.secret.as_str()),
                ("js_code", code),
                ("grant_type", "authorization_code"),
            ])
            .send()
            .await
            .map_err(|e| {
                tracing::warn!(error = %e, "identity provider unreachable");
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

    /// The message API's access token, fetched when missing or stale.
    async fn access_token(&self) -> std::result::Result<String, String> {
        if let Ok(cached) = self.token.lock()
            && let Some((token, until)) = cached.as_ref()
            && Instant::now() < *until
        {
            return Ok(token.clone());
        }
        let url = format!("{}/cgi-bin/token", self.config.api_base.trim_end_matches('/'));
        let body: AccessToken = self
            .http
            .get(url)
            .query(&[
                ("grant_type", "client_credential"),
                ("appid", self.config.appid.as_str()),
                ("secret", self.config.secret.as_str()),
            ])
            .send()
            .await
            .map_err(|e| e.to_string())?
            .json()
            .await
            .map_err(|e| e.to_string())?;
        let token = body.access_token.filter(|_| body.errcode.unwrap_or(0) == 0).ok_or("no access token")?;
        // Renew a few minutes before the provider's expiry.
        let ttl = Duration::from_secs(body.expires_in.unwrap_or(7200).saturating_sub(300).max(60));
        if let Ok(mut cached) = self.token.lock() {
            *cached = Some((token.clone(), Instant::now() + ttl));
        }
        Ok(token)
    }

    /// Sends one subscribe message.
    pub async fn send(
        &self,
        openid: &str,
        template_id: &str,
        data: &serde_json::Value,
    ) -> std::result::Result<(), String> {
        let token = self.access_token().await?;
        let url = format!("{}/cgi-bin/message/subscribe/send", self.config.api_base.trim_end_matches('/'));
        let fields: serde_json::Map<String, serde_json::Value> = data
            .as_object()
            .map(|o| {
                o.iter()
                    .map(|(k, v)| {
                        (k.clone(), json!({ "value": v.as_str().map_or_else(|| v.to_string(), str::to_string) }))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let res: serde_json::Value = self
            .http
            .post(url)
            .query(&[("access_token", token.as_str())])
            .json(&json!({ "touser": openid, "template_id": template_id, "data": fields }))
            .send()
            .await
            .map_err(|e| e.to_string())?
            .json()
            .await
            .map_err(|e| e.to_string())?;
        match res["errcode"].as_i64().unwrap_or(0) {
            0 => Ok(()),
            code => Err(format!("provider answered errcode {code}")),
        }
    }
}

/// What `POST /auth/wechat` answers.
pub enum WeChatLogin {
    /// A known open id: signed in.
    Session(Box<Login>),
    /// Unknown: bind it with phone and password, using this ticket.
    BindingRequired { binding_token: String },
}

#[derive(Deserialize)]
struct Identity {
    #[serde(deserialize_with = "key::de")]
    user: String,
}

#[derive(Deserialize)]
struct Binding {
    #[serde(deserialize_with = "key::de")]
    id: String,
    openid: String,
}

#[derive(Deserialize)]
struct Recipient {
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
        let mut res =
            run(self.db.query("SELECT user FROM wechat_identity WHERE openid = $o").bind(("o", openid.clone())))
                .await?;
        if let Some(identity) = row::<Identity>(&mut res, 0)? {
            return Ok(WeChatLogin::Session(Box::new(self.session_for(&identity.user, SessionKind::Api).await?)));
        }
        let ticket = ids::new_token();
        run(self
            .db
            .query("CREATE wechat_binding SET token_hash = $h, openid = $o, expires_at = $until")
            .bind(("h", ids::token_hash(&ticket)))
            .bind(("o", openid))
            .bind(("until", Utc::now() + chrono::Duration::minutes(BINDING_MINUTES))))
        .await?;
        Ok(WeChatLogin::BindingRequired { binding_token: ticket })
    }

    /// Binds the open id behind a ticket to the account of `phone` and
    /// `password` (checked and rate-limited like any sign-in), and signs in.
    pub async fn wechat_bind(&self, ticket: &str, phone: &str, password: &str, client: &str) -> Result<Login> {
        let mut res = run(self
            .db
            .query(
                "SELECT id, openid FROM wechat_binding WHERE token_hash = $h AND used_at = NONE AND expires_at > $now",
            )
            .bind(("h", ids::token_hash(ticket)))
            .bind(("now", Utc::now())))
        .await?;
        let binding: Binding =
            row(&mut res, 0)?.ok_or_else(|| AppError::new(ErrorCode::Unauthenticated, Msg::ErrBindingExpired))?;
        let login = self.login(phone, password, SessionKind::Api, client).await?;
        let bound = run(self
            .db
            .query(
                "BEGIN TRANSACTION;
                 LET $won = (UPDATE type::record('wechat_binding', $b) SET used_at = time::now() WHERE used_at = NONE RETURN AFTER);
                 IF array::len($won) = 0 { THROW 'used' };
                 DELETE wechat_identity WHERE user = $user;
                 CREATE wechat_identity SET openid = $openid, user = $user, created_at = time::now();
                 COMMIT TRANSACTION;",
            )
            .bind(("b", binding.id))
            .bind(("openid", binding.openid))
            .bind(("user", rid("user", &login.me.id))))
        .await;
        match bound {
            Ok(_) => Ok(login),
            Err(e) if thrown(&e, "used") => {
                Err(AppError::new(ErrorCode::Unauthenticated, Msg::ErrBindingExpired).into())
            }
            Err(e) if e.is_unique_violation() => Err(AppError::conflict(Msg::ErrWeChatTaken).into()),
            Err(e) => Err(e),
        }
    }

    /// Records one consent for each accepted template (the mini-program
    /// reports what the person accepted in `wx.requestSubscribeMessage`).
    pub async fn add_consents(&self, actor: &Actor, templates: &[String]) -> Result<Vec<(String, i64)>> {
        for t in templates {
            if !TEMPLATE_KEYS.contains(&t.as_str()) {
                return Err(AppError::invalid("templates", Msg::ErrBadRequest).into());
            }
        }
        for t in templates {
            run(self
                .db
                .query(
                    "UPSERT subscription SET user = $u, template = $t, remaining = (remaining ?? 0) + 1, updated_at = time::now()
                     WHERE user = $u AND template = $t",
                )
                .bind(("u", rid("user", &actor.user_id)))
                .bind(("t", t.clone())))
            .await?;
        }
        self.consents(actor).await
    }

    pub async fn consents(&self, actor: &Actor) -> Result<Vec<(String, i64)>> {
        let mut res = run(self
            .db
            .query("SELECT template, remaining FROM subscription WHERE user = $u")
            .bind(("u", rid("user", &actor.user_id))))
        .await?;
        Ok(rows::<serde_json::Value>(&mut res, 0)?
            .into_iter()
            .filter_map(|v| Some((v["template"].as_str()?.to_string(), v["remaining"].as_i64()?)))
            .collect())
    }

    /// Queues a subscribe message to `user` when they use the mini-program,
    /// the template is configured and a consent is left (spending it).
    /// Never fails the caller's action: problems are logged.
    pub async fn subscribe_message(&self, community: &str, user: &str, key: &str, data: serde_json::Value) {
        if let Err(e) = self.try_subscribe_message(community, user, key, data).await {
            tracing::warn!(error = %e, key, "subscribe message not queued");
        }
    }

    async fn try_subscribe_message(
        &self,
        community: &str,
        user: &str,
        key: &str,
        data: serde_json::Value,
    ) -> Result<()> {
        let Some((_, template_id)) = self.wechat.config().templates.iter().find(|(k, _)| k == key).cloned() else {
            return Ok(());
        };
        let mut res = run(self
            .db
            .query(
                "SELECT openid FROM wechat_identity WHERE user = $u;
                 UPDATE subscription SET remaining = remaining - 1, updated_at = time::now()
                     WHERE user = $u AND template = $t AND remaining > 0 RETURN AFTER;",
            )
            .bind(("u", rid("user", user)))
            .bind(("t", key.to_string())))
        .await?;
        let Some(recipient) = row::<Recipient>(&mut res, 0)? else { return Ok(()) };
        if rows::<serde_json::Value>(&mut res, 1)?.is_empty() {
            return Ok(()); // no consent left: nothing is sent
        }
        self.enqueue_on(
            "wechat",
            community,
            vec![Outgoing {
                recipient: recipient.openid,
                template: key.to_string(),
                params: json!({ "template_id": template_id, "data": data }),
                subject: format!("user:{user}"),
            }],
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_parsed_and_unknown_keys_dropped() {
        let t = WeChatConfig::parse_templates("job_assigned=A1, job_resolved = B2,unknown=C3,visitor_arrived=");
        assert_eq!(t, vec![("job_assigned".into(), "A1".into()), ("job_resolved".into(), "B2".into())]);
    }
}
