//! What the services need to know about HTTP: where the session token and
//! the language come from, and how the session cookie is written. Shared
//! by the REST handlers, the form handlers and the server functions.

use http::{HeaderMap, header};

use linli_model::Lang;

/// The per-response nonce of the Content-Security-Policy, put into the
/// request's extensions by the server's security middleware so the HTML
/// renderer can stamp it on the hydration scripts.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

/// The web session cookie (HttpOnly, SameSite=Lax). Over HTTPS it is
/// named with the `__Host-` prefix ([`SECURE_SESSION_COOKIE`]), which
/// browsers accept only with `Secure`, `Path=/` and no `Domain`, so no
/// other host or plain-HTTP page can set or shadow it (RFC 6265bis §4.1.3.2).
pub const SESSION_COOKIE: &str = "linli_session";
pub const SECURE_SESSION_COOKIE: &str = "__Host-linli_session";

/// The client's address as the server established it (the TCP peer, or
/// the address a trusted proxy forwarded), put into the request's
/// extensions by the server's edge middleware; used for rate limits.
#[derive(Clone, Debug)]
pub struct ClientIp(pub String);

/// The value of cookie `name`, if the request has one.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_string())
}

/// The bearer token, or else the session cookie.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    bearer(headers)
        .or_else(|| cookie(headers, SECURE_SESSION_COOKIE))
        .or_else(|| cookie(headers, SESSION_COOKIE))
        .filter(|t| !t.is_empty())
}

/// The `Authorization: Bearer` token, if any.
pub fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(|t| t.trim().to_string())
}

/// The web user's chosen language (cookie), else `Accept-Language`, else Chinese.
pub fn lang(headers: &HeaderMap) -> Lang {
    cookie(headers, Lang::COOKIE)
        .and_then(|c| Lang::from_code(&c))
        .or_else(|| headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).map(Lang::from_accept_language))
        .unwrap_or_default()
}

/// `Set-Cookie` for a new session. `secure` when served over HTTPS.
pub fn session_cookie(token: &str, max_age_secs: i64, secure: bool) -> String {
    if secure {
        format!("{SECURE_SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}; Secure")
    } else {
        format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}")
    }
}

/// The help device cookie of an elder's screen (`backend/src/devices/`):
/// HttpOnly, SameSite=Lax, long-lived, renewed while in use.
pub const DEVICE_COOKIE: &str = "linli_device";
/// Its name over HTTPS (see [`SECURE_SESSION_COOKIE`]).
pub const SECURE_DEVICE_COOKIE: &str = "__Host-linli_device";

/// The help device credential the request carries, if any.
pub fn device_token(headers: &HeaderMap) -> Option<String> {
    cookie(headers, SECURE_DEVICE_COOKIE).or_else(|| cookie(headers, DEVICE_COOKIE)).filter(|t| !t.is_empty())
}

/// `Set-Cookie` for a help device credential valid `max_age_secs`.
pub fn device_cookie(token: &str, max_age_secs: i64, secure: bool) -> String {
    if secure {
        format!("{SECURE_DEVICE_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}; Secure")
    } else {
        format!("{DEVICE_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}")
    }
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear_session_cookie(secure: bool) -> String {
    session_cookie("", 0, secure)
}

/// `Set-Cookie` remembering the language for a year (readable by scripts,
/// since it is a preference and not a secret).
pub fn lang_cookie(lang: Lang, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{}={}; Path=/; SameSite=Lax; Max-Age=31536000{secure}", Lang::COOKIE, lang.code())
}

/// Whether the request reached us over HTTPS, which decides the cookies'
/// `Secure` flag and HSTS. The server's edge middleware removes
/// `X-Forwarded-Proto` from anyone but a trusted proxy and sets it when the
/// public URL is `https`, so by the time this is asked the header is true.
pub fn is_https(headers: &HeaderMap) -> bool {
    headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()).is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn bearer_wins_over_cookie() {
        let h = headers(&[("authorization", "Bearer abc"), ("cookie", "linli_session=xyz")]);
        assert_eq!(session_token(&h).as_deref(), Some("abc"));
        let h = headers(&[("cookie", "a=1; linli_session=xyz; b=2")]);
        assert_eq!(session_token(&h).as_deref(), Some("xyz"));
        assert_eq!(session_token(&headers(&[])), None);
    }

    #[test]
    fn cookie_language_wins_over_accept_language() {
        let h = headers(&[("cookie", "linli_lang=en"), ("accept-language", "zh-CN")]);
        assert_eq!(lang(&h), Lang::En);
        let h = headers(&[("accept-language", "en-US,en;q=0.9")]);
        assert_eq!(lang(&h), Lang::En);
        assert_eq!(lang(&headers(&[])), Lang::Zh);
    }

    #[test]
    fn session_cookie_is_httponly_and_samesite() {
        let c = session_cookie("t", 60, true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Secure"));
        assert!(!session_cookie("t", 60, false).contains("Secure"));
    }
}
