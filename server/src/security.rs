//! Security middleware: response headers (with a per-response CSP nonce)
//! and a cross-site request guard for cookie-authenticated writes.

use app::{
    backend::web::{self, CspNonce},
    model::{ErrorCode, Msg},
};
use axum::{
    extract::Request,
    http::{HeaderMap, HeaderValue, Method, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use base64::Engine as _;

use crate::error::ApiError;

/// Adds the security headers to every response. HTML gets a strict
/// Content-Security-Policy whose script nonce is handed to the renderer
/// through the request's extensions; nothing else may run scripts.
pub async fn headers(mut req: Request, next: Next) -> Response {
    let https = web::is_https(req.headers());
    // The JSON API renders no page: its requests need no nonce (one is
    // made below if an HTML answer comes back after all).
    let nonce = (!req.uri().path().starts_with("/api/")).then(new_nonce);
    if let Some(nonce) = &nonce {
        req.extensions_mut().insert(CspNonce(nonce.clone()));
    }
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let is_html =
        h.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|ct| ct.starts_with("text/html"));
    if is_html && !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        let nonce = nonce.unwrap_or_else(new_nonce);
        let csp = format!(
            "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
             style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self'; \
             connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; \
             form-action 'self'; frame-ancestors 'none'; manifest-src 'self'"
        );
        if let Ok(v) = HeaderValue::from_str(&csp) {
            h.insert(header::CONTENT_SECURITY_POLICY, v);
        }
        h.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(self), microphone=(), geolocation=(), payment=()"),
    );
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    if https {
        // A year, as browsers' preload lists require (RFC 6797).
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    res
}

fn new_nonce() -> String {
    let bytes: [u8; 16] = rand::random();
    base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes)
}

/// Refuses state-changing requests from another site (CSRF), whatever
/// cookies they carry: a page elsewhere must not sign someone in with its
/// own account (login CSRF) nor sign an elder's tablet out. Bearer-token
/// requests cannot be forged by a page (a cross-origin `Authorization`
/// header needs a CORS preflight, which is never granted) and pass.
/// Browsers say where a request comes from in `Sec-Fetch-Site` and
/// `Origin`; when present, they must say "this site" (a sibling subdomain,
/// `same-site`, is another site here). Clients that send neither (the
/// mini-program, curl) are not browsers acting for someone and pass.
/// Together with `SameSite=Lax` cookies this is the OWASP "verify origin"
/// defence.
pub async fn csrf_guard(req: Request, next: Next) -> Response {
    if is_cross_site_write(req.method(), req.headers()) {
        tracing::warn!(method = %req.method(), "cross-site write refused");
        return ApiError::new(ErrorCode::Forbidden, Msg::ErrCsrf).into_response();
    }
    next.run(req).await
}

fn is_cross_site_write(method: &Method, headers: &HeaderMap) -> bool {
    let safe = matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
    if safe || web::bearer(headers).is_some() {
        return false;
    }
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    match (headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()), host) {
        (Some("null"), _) => true,
        (Some(origin), Some(host)) => origin_host(origin) != Some(host),
        _ => false,
    }
}

fn origin_host(origin: &str) -> Option<&str> {
    origin.split_once("://").map(|(_, rest)| rest.trim_end_matches('/'))
}

/// Pages that need a session send visitors without one to the sign-in
/// page with a real redirect, before anything is rendered (so it works
/// without scripts). The caller found here is handed to the renderer,
/// and the page is answered with the status decided for it
/// (`page_status`: 403 for another role's page, 404 for an item that is
/// not the caller's).
pub async fn page_session(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    let is_page = req.method() == Method::GET && !is_public_path(path);
    if !is_page {
        return next.run(req).await;
    }
    let actor = match web::session_token(req.headers()) {
        Some(token) => state.backend.authenticate(&token).await.inspect_err(linli_backend::Error::log).ok(),
        None => None,
    };
    // Without a session, an elder's paired tablet still opens the help
    // screen (the home page, and nothing else), and its pairing is renewed.
    let device = match (&actor, path, web::device_token(req.headers())) {
        (None, "/", Some(token)) => state
            .backend
            .help_device_elder(&token)
            .await
            .inspect_err(linli_backend::Error::log)
            .ok()
            .map(|d| (token, d)),
        _ => None,
    };
    if let Some((token, (actor, until))) = device {
        req.extensions_mut().insert(actor);
        let secure = web::is_https(req.headers());
        let mut res = next.run(req).await;
        let max_age = (until - chrono::Utc::now()).num_seconds().max(0);
        if let Ok(v) = HeaderValue::from_str(&web::device_cookie(&token, max_age, secure)) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
        return res;
    }
    match actor {
        Some(actor) => {
            let status = crate::page_status::decide(&state.backend, &actor, path).await;
            req.extensions_mut().insert(actor);
            let mut res = next.run(req).await;
            if let Some(status) = status
                && res.status() == axum::http::StatusCode::OK
            {
                *res.status_mut() = status;
            }
            res
        }
        None => {
            let back = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
            let target = if back == "/" { "/login".to_string() } else { format!("/login?next={}", urlencode(back)) };
            axum::response::Redirect::to(&target).into_response()
        }
    }
}

/// Paths served without a session: sign-in, the visitor's pass page,
/// APIs (which answer 401 themselves), assets.
fn is_public_path(path: &str) -> bool {
    const PREFIXES: [&str; 8] = ["/login", "/v/", "/api/", "/forms/", "/media/", "/pkg/", "/icons/", "/sounds/"];
    const FILES: [&str; 4] = ["/healthz", "/manifest.webmanifest", "/favicon.ico", "/robots.txt"];
    PREFIXES.iter().any(|p| path.starts_with(p)) || FILES.contains(&path) || path.contains('.')
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut m = HeaderMap::new();
        for (k, v) in pairs {
            m.insert(*k, HeaderValue::from_static(v));
        }
        m
    }

    #[test]
    fn cookie_writes_from_other_sites_are_refused() {
        let cookie = ("cookie", "linli_session=abc");
        assert!(is_cross_site_write(&Method::POST, &h(&[cookie, ("sec-fetch-site", "cross-site")])));
        assert!(is_cross_site_write(
            &Method::POST,
            &h(&[cookie, ("origin", "https://evil.example"), ("host", "linli.example")])
        ));
        assert!(!is_cross_site_write(
            &Method::POST,
            &h(&[cookie, ("origin", "https://linli.example"), ("host", "linli.example")])
        ));
        assert!(!is_cross_site_write(&Method::POST, &h(&[cookie, ("sec-fetch-site", "same-origin")])));
    }

    #[test]
    fn reads_and_bearer_calls_pass() {
        let evil = ("sec-fetch-site", "cross-site");
        assert!(!is_cross_site_write(&Method::GET, &h(&[("cookie", "linli_session=abc"), evil])));
        assert!(!is_cross_site_write(
            &Method::POST,
            &h(&[("authorization", "Bearer x"), ("cookie", "linli_session=abc"), evil])
        ));
        assert!(!is_cross_site_write(&Method::POST, &h(&[])), "no browser: nothing to forge");
    }

    #[test]
    fn cross_site_writes_are_refused_without_cookies_too() {
        assert!(is_cross_site_write(&Method::POST, &h(&[("sec-fetch-site", "cross-site")])), "login CSRF");
        assert!(is_cross_site_write(&Method::POST, &h(&[("sec-fetch-site", "same-site")])), "a sibling subdomain");
        assert!(is_cross_site_write(
            &Method::POST,
            &h(&[("origin", "https://evil.example"), ("host", "linli.example")])
        ));
        assert!(is_cross_site_write(&Method::POST, &h(&[("origin", "null")])));
    }
}
