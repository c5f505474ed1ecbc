//! The fake WeChat server API: code-to-session, access tokens (stable and
//! plain), subscribe messages checked by WeChat's documented rules.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{
    Router,
    body::Bytes,
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde_json::{Value, json};

use super::{endpoint::Endpoint, lock};

/// How the fake WeChat subscribe-message endpoint behaves (sign-in and
/// access-token endpoints always answer).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WeChatMode {
    /// `{"errcode":0,"errmsg":"ok"}`.
    Ok,
    /// This errcode, e.g. 43101 (the user refused), 40001 (invalid
    /// token), -1 (system busy).
    Errcode(i64),
    /// The next send answers 40001 and the current token becomes invalid:
    /// only a freshly fetched token works afterwards. Then back to `Ok`.
    InvalidateTokenOnce,
    /// Delivered (recorded as such) but answered after this delay.
    Slow(Duration),
    /// HTTP 503.
    Down,
}

impl WeChatMode {
    /// Short text for tables.
    pub fn label(&self) -> String {
        match self {
            Self::Ok => "ok".into(),
            Self::Errcode(c) => format!("errcode {c}"),
            Self::InvalidateTokenOnce => "invalidate token once".into(),
            Self::Slow(d) => format!("slow {} s", d.as_secs_f64()),
            Self::Down => "down (503)".into(),
        }
    }
}

/// One subscribe-message send received.
#[derive(Clone, Debug)]
pub struct WeChatSend {
    pub at: Instant,
    pub mode: WeChatMode,
    /// The `access_token` query parameter.
    pub token: String,
    /// Whether it was the current valid token.
    pub token_valid: bool,
    /// `{touser, template_id, data, ...}`; `Null` when not JSON.
    pub body: Value,
    pub http_status: u16,
    /// The errcode answered; `None` with a non-200 status.
    pub errcode: Option<i64>,
}

impl WeChatSend {
    pub fn touser(&self) -> Option<&str> {
        self.body["touser"].as_str()
    }

    /// WeChat took the message (HTTP 200, errcode 0).
    pub fn delivered(&self) -> bool {
        self.http_status == 200 && self.errcode == Some(0)
    }
}

/// One access-token request.
#[derive(Clone, Debug)]
pub struct TokenFetch {
    pub at: Instant,
    /// `stable_token` or `token`.
    pub endpoint: &'static str,
    pub force_refresh: bool,
    /// The token answered; `None`: refused (wrong app id or secret).
    pub token: Option<String>,
    /// A new token was issued (not the current one handed out again).
    pub fresh: bool,
}

struct WeChatInner {
    mode: WeChatMode,
    /// The one valid access token; `None` after an invalidation.
    token: Option<String>,
    issued: u64,
    sends: Vec<WeChatSend>,
    fetches: Vec<TokenFetch>,
    /// Login codes exchanged, in order (each may be used once).
    codes: Vec<String>,
}

struct WeChatState {
    appid: String,
    secret: String,
    inner: Mutex<WeChatInner>,
}

impl WeChatState {
    /// The current token, or a new one when asked or when none is valid.
    fn token(&self, endpoint: &'static str, force_refresh: bool) -> String {
        let mut inner = lock(&self.inner);
        let (token, fresh) = match (&inner.token, force_refresh) {
            (Some(t), false) => (t.clone(), false),
            _ => {
                inner.issued += 1;
                let t = format!("drill-token-{}-{:08x}", inner.issued, rand::random::<u32>());
                inner.token = Some(t.clone());
                (t, true)
            }
        };
        inner.fetches.push(TokenFetch {
            at: Instant::now(),
            endpoint,
            force_refresh,
            token: Some(token.clone()),
            fresh,
        });
        token
    }

    /// The errcode for wrong credentials, if any: 40013 invalid appid,
    /// 40125 invalid secret, 40002 invalid grant_type.
    fn credentials_error(&self, appid: &str, secret: &str, grant_type: &str, wanted_grant: &str) -> Option<i64> {
        if appid != self.appid {
            Some(40013)
        } else if secret != self.secret {
            Some(40125)
        } else if grant_type != wanted_grant {
            Some(40002)
        } else {
            None
        }
    }

    fn refused(&self, endpoint: &'static str, force_refresh: bool, errcode: i64) -> Response {
        lock(&self.inner).fetches.push(TokenFetch {
            at: Instant::now(),
            endpoint,
            force_refresh,
            token: None,
            fresh: false,
        });
        wechat_error(errcode)
    }
}

fn errmsg(errcode: i64) -> &'static str {
    match errcode {
        0 => "ok",
        -1 => "system error",
        40001 => "invalid credential, access_token is invalid or not latest",
        40002 => "invalid grant_type",
        40003 => "invalid openid",
        40013 => "invalid appid",
        40029 => "invalid code",
        40037 => "invalid template_id",
        40125 => "invalid appsecret",
        40163 => "code been used",
        43101 => "user refuse to accept the msg",
        47001 => "data format error",
        _ => "error",
    }
}

fn wechat_error(errcode: i64) -> Response {
    (StatusCode::OK, axum::Json(json!({ "errcode": errcode, "errmsg": errmsg(errcode) }))).into_response()
}

/// WeChat's server API as Linli uses it (`LINLI_WECHAT_API_BASE`):
/// code-to-session for sign-in, the access token, subscribe messages.
pub struct FakeWeChat {
    state: Arc<WeChatState>,
    endpoint: Endpoint,
}

impl FakeWeChat {
    /// Starts in [`WeChatMode::Ok`], accepting only this app id and secret.
    pub async fn start(appid: &str, secret: &str) -> Result<Self, String> {
        let state = Arc::new(WeChatState {
            appid: appid.to_string(),
            secret: secret.to_string(),
            inner: Mutex::new(WeChatInner {
                mode: WeChatMode::Ok,
                token: None,
                issued: 0,
                sends: Vec::new(),
                fetches: Vec::new(),
                codes: Vec::new(),
            }),
        });
        let router = Router::new()
            .route("/sns/jscode2session", get(code_to_session))
            .route("/cgi-bin/stable_token", post(stable_token))
            .route("/cgi-bin/token", get(plain_token))
            .route("/cgi-bin/message/subscribe/send", post(subscribe_send))
            .with_state(state.clone());
        Ok(Self { state, endpoint: Endpoint::open(router)? })
    }

    /// What Linli's `LINLI_WECHAT_API_BASE` should be.
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.endpoint.port)
    }

    /// The open id this fake gives a login code.
    pub fn openid_for(code: &str) -> String {
        format!("oid-{code}")
    }

    pub fn mode(&self) -> WeChatMode {
        lock(&self.state.inner).mode
    }

    pub fn set_mode(&self, mode: WeChatMode) {
        lock(&self.state.inner).mode = mode;
    }

    /// Every subscribe-message send received, in order.
    pub fn sends(&self) -> Vec<WeChatSend> {
        lock(&self.state.inner).sends.clone()
    }

    /// The sends WeChat took (errcode 0).
    pub fn delivered(&self) -> Vec<WeChatSend> {
        lock(&self.state.inner).sends.iter().filter(|s| s.delivered()).cloned().collect()
    }

    /// Every access-token request, in order.
    pub fn token_fetches(&self) -> Vec<TokenFetch> {
        lock(&self.state.inner).fetches.clone()
    }

    /// Login codes exchanged for an open id.
    pub fn codes(&self) -> Vec<String> {
        lock(&self.state.inner).codes.clone()
    }
}

/// `GET /sns/jscode2session?appid&secret&js_code&grant_type=authorization_code`
/// → `{openid, session_key}` (WeChat's code2Session:
/// <https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-login/code2Session.html>).
/// The open id is `oid-<js_code>`; a code works once (40163 after).
async fn code_to_session(State(state): State<Arc<WeChatState>>, Query(q): Query<HashMap<String, String>>) -> Response {
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or_default();
    if let Some(code) = state.credentials_error(get("appid"), get("secret"), get("grant_type"), "authorization_code") {
        return wechat_error(code);
    }
    let code = get("js_code");
    if code.is_empty() {
        return wechat_error(40029);
    }
    {
        let mut inner = lock(&state.inner);
        if inner.codes.iter().any(|c| c == code) {
            return wechat_error(40163);
        }
        inner.codes.push(code.to_string());
    }
    let session_key = format!("sk-{:016x}", rand::random::<u64>());
    (StatusCode::OK, axum::Json(json!({ "openid": FakeWeChat::openid_for(code), "session_key": session_key })))
        .into_response()
}

/// `POST /cgi-bin/stable_token` with JSON `{grant_type: "client_credential",
/// appid, secret, force_refresh}` → `{access_token, expires_in: 7200}`
/// (getStableAccessToken:
/// <https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-access-token/getStableAccessToken.html>).
/// A new token with `force_refresh` or when none is valid; otherwise the
/// current one.
async fn stable_token(State(state): State<Arc<WeChatState>>, body: Bytes) -> Response {
    let Ok(b) = serde_json::from_slice::<Value>(&body) else { return wechat_error(47001) };
    let force = b["force_refresh"].as_bool().unwrap_or(false);
    let s = |k: &str| b[k].as_str().unwrap_or_default().to_string();
    if let Some(code) = state.credentials_error(&s("appid"), &s("secret"), &s("grant_type"), "client_credential") {
        return state.refused("stable_token", force, code);
    }
    let token = state.token("stable_token", force);
    (StatusCode::OK, axum::Json(json!({ "access_token": token, "expires_in": 7200 }))).into_response()
}

/// `GET /cgi-bin/token?grant_type=client_credential&appid&secret` →
/// `{access_token, expires_in: 7200}` (getAccessToken:
/// <https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-access-token/getAccessToken.html>).
/// Served like `stable_token` without `force_refresh`: the current token,
/// or a new one when none is valid.
async fn plain_token(State(state): State<Arc<WeChatState>>, Query(q): Query<HashMap<String, String>>) -> Response {
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or_default();
    if let Some(code) = state.credentials_error(get("appid"), get("secret"), get("grant_type"), "client_credential") {
        return state.refused("token", false, code);
    }
    let token = state.token("token", false);
    (StatusCode::OK, axum::Json(json!({ "access_token": token, "expires_in": 7200 }))).into_response()
}

/// The first field of a subscribe message's `data` (`{key: {value}}`)
/// whose value WeChat would refuse with 47003, by the documented rules
/// ("参数值内容限制说明" of `subscribeMessage.send`): the type is the key
/// without its digits; values may not be empty; `thing` ≤ 20 characters,
/// `short_thing` and `phrase` ≤ 5 (`phrase` Chinese only), `name` ≤ 10
/// Chinese characters or ≤ 20 Latin letters and symbols (no digits),
/// `character_string` ≤ 32 ASCII, `car_number` ≤ 8 with Chinese only first
/// or last, `phone_number` ≤ 17 digits and symbols, `time`/`date` in the
/// `15:01` / `2019年10月1日 15:01` forms. A checker, not a shaper: Linli's
/// own shaping is what the tests hold against it.
pub fn invalid_subscribe_value(data: &Value) -> Option<String> {
    let han = |c: char| matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{20000}'..='\u{3134F}');
    let fields = data.as_object()?;
    fields.iter().find_map(|(key, v)| {
        let value = v["value"].as_str().unwrap_or("");
        let n = value.chars().count();
        let chars: Vec<char> = value.chars().collect();
        let ok = n > 0
            && match key.trim_end_matches(|c: char| c.is_ascii_digit()) {
                "thing" => n <= 20,
                "short_thing" => n <= 5,
                "phrase" => n <= 5 && chars.iter().all(|c| han(*c)),
                "name" if chars.iter().any(|c| han(*c)) => n <= 10 && chars.iter().all(|c| !c.is_ascii_digit()),
                "name" => n <= 20 && chars.iter().all(|c| c.is_ascii() && !c.is_ascii_digit()),
                "character_string" => n <= 32 && chars.iter().all(char::is_ascii_graphic),
                "car_number" => {
                    n <= 8
                        && chars
                            .iter()
                            .enumerate()
                            .all(|(i, c)| c.is_ascii_alphanumeric() || (han(*c) && (i == 0 || i + 1 == n)))
                }
                "phone_number" => n <= 17 && chars.iter().all(|c| c.is_ascii_digit() || c.is_ascii_punctuation()),
                "time" | "date" => {
                    let hm = |s: &str| chrono::NaiveTime::parse_from_str(s, "%H:%M").is_ok();
                    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y年%m月%d日").is_ok();
                    match value.split_once(' ') {
                        Some((d, t)) => day(d) && hm(t),
                        None => hm(value) || day(value),
                    }
                }
                _ => n <= 20,
            };
        (!ok).then(|| key.clone())
    })
}

/// `POST /cgi-bin/message/subscribe/send?access_token=TOKEN` with JSON
/// `{touser, template_id, data, ...}` → `{errcode, errmsg}` (sendMessage:
/// <https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/sendMessage.html>).
/// A token other than the current valid one answers 40001.
async fn subscribe_send(
    State(state): State<Arc<WeChatState>>,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let token = q.get("access_token").cloned().unwrap_or_default();
    let parsed: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let (mode, http_status, errcode) = {
        let mut inner = lock(&state.inner);
        let mode = inner.mode;
        let token_valid = inner.token.as_deref() == Some(token.as_str());
        let (status, errcode) = if mode == WeChatMode::Down {
            (503, None)
        } else if !token_valid {
            (200, Some(40001))
        } else if parsed.is_null() {
            (200, Some(47001))
        } else if !parsed["touser"].is_string() {
            (200, Some(40003))
        } else if !parsed["template_id"].is_string() {
            (200, Some(40037))
        } else if invalid_subscribe_value(&parsed["data"]).is_some() {
            (200, Some(47003))
        } else {
            match mode {
                WeChatMode::InvalidateTokenOnce => {
                    inner.token = None;
                    inner.mode = WeChatMode::Ok;
                    (200, Some(40001))
                }
                WeChatMode::Errcode(c) => (200, Some(c)),
                WeChatMode::Ok | WeChatMode::Slow(_) | WeChatMode::Down => (200, Some(0)),
            }
        };
        inner.sends.push(WeChatSend {
            at: Instant::now(),
            mode,
            token,
            token_valid,
            body: parsed,
            http_status: status,
            errcode,
        });
        (mode, status, errcode)
    };
    if let WeChatMode::Slow(delay) = mode {
        tokio::time::sleep(delay).await;
    }
    match errcode {
        Some(code) => wechat_error(code),
        None => (StatusCode::from_u16(http_status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE), "unavailable")
            .into_response(),
    }
}
