//! Visitor passes and the gate: `/passes`, `/gate/*`, `/walk-ins/*`.

use app::{
    backend::{Backend, web},
    model::{
        Page, UnitRef,
        pass::{CreatedPass, Decision, Entry, GateBody, NewPass, Pass, Verdict, WalkIn, WalkInBody},
    },
};
use axum::{
    Router,
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{delete, get, post},
};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::{
    error::ApiResult,
    extract::{AuthUser, ClientAddr, Json, Query},
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/passes", post(create).get(list))
        .route("/passes/{id}", delete(revoke))
        .route("/passes/{id}/pause", post(pause))
        .route("/passes/{id}/resume", post(resume))
        .route("/passes/recurring", get(long_term))
        .route("/gate/verify", post(verify))
        .route("/gate/admit", post(admit))
        .route("/gate/expected", get(expected))
        .route("/gate/entries", get(entries))
        .route("/gate/units", get(units))
        .route("/gate/walk-ins", post(walk_in))
        .route("/walk-ins", get(walk_ins))
        .route("/walk-ins/{id}/decision", post(decide))
}

/// Where links point: the configured public address, else the address the
/// client used to reach us (behind a proxy, its forwarded host and scheme).
pub fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.config.public_url {
        return url.clone();
    }
    let host = headers
        .get("x-forwarded-host")
        .or_else(|| headers.get(header::HOST))
        .and_then(|v| v.to_str().ok())
        .filter(|h| is_host(h))
        .map_or_else(|| state.config.addr.to_string(), str::to_string);
    let scheme = if web::is_https(headers) { "https" } else { "http" };
    format!("{scheme}://{host}")
}

/// Whether `host` is a bare `host[:port]` (RFC 3986 authority without
/// user information): a name of letters, digits, dots and dashes, or an IP
/// address, and a port of digits. Anything else in a `Host` header (quotes,
/// angle brackets, `@`, paths) never reaches a link a visitor is sent.
fn is_host(host: &str) -> bool {
    let Ok(authority) = host.parse::<axum::http::uri::Authority>() else { return false };
    let name = authority.host();
    let name_ok = if name.starts_with('[') {
        name.trim_start_matches('[').trim_end_matches(']').parse::<std::net::Ipv6Addr>().is_ok()
    } else {
        !name.is_empty()
            && name.len() <= 253
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'))
    };
    let port_ok = match host.strip_prefix(name).and_then(|rest| rest.strip_prefix(':')) {
        None => host == name,
        Some(port) => !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) && port.parse::<u16>().is_ok(),
    };
    name_ok && port_ok && !host.contains('@')
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_a_bare_host_and_port_make_a_link() {
        for good in ["linli.example", "linli.example:8443", "127.0.0.1:3000", "[::1]:3000", "xn--fiq228c.example"] {
            assert!(super::is_host(good), "{good}");
        }
        for bad in ["a\"><x", "user@evil.example", "evil.example/path", "", "a b", "evil.example:port", "<x>:1"] {
            assert!(!super::is_host(bad), "{bad}");
        }
    }
}

/// Invites a visitor: the pass with its link, code and QR. Past the hour's
/// allowance (60 passes a person) 429 with `retry_after`.
#[utoipa::path(post, path = "/api/v1/passes", tag = "passes", request_body = NewPass, responses((status = 201, body = CreatedPass), crate::openapi::Errors))]
pub(crate) async fn create(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    headers: HeaderMap,
    Json(body): Json<NewPass>,
) -> ApiResult<(StatusCode, axum::Json<CreatedPass>)> {
    let base = base_url(&state, &headers);
    Ok((StatusCode::CREATED, axum::Json(state.backend.create_pass(&actor, body, &base).await?)))
}

/// The passes of the caller's home, newest first, with their entries;
/// paged by an opaque keyset cursor.
#[utoipa::path(get, path = "/api/v1/passes", tag = "passes", params(PageQuery), responses((status = 200, body = Page<Pass>), crate::openapi::Errors))]
pub(crate) async fn list(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Query(q): Query<PageQuery>,
) -> ApiResult<axum::Json<Page<Pass>>> {
    let page = super::page(q.limit.as_ref(), q.cursor.as_ref(), "passes")?;
    Ok(axum::Json(state.backend.my_passes(&actor, &page).await?))
}

#[utoipa::path(delete, path = "/api/v1/passes/{id}", tag = "passes", params(("id" = String, Path, description = "The opaque id")), responses((status = 200, body = Pass), crate::openapi::Errors))]
pub(crate) async fn revoke(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Pass>> {
    Ok(axum::Json(state.backend.revoke_pass(&actor, &id).await?))
}

#[utoipa::path(post, path = "/api/v1/passes/{id}/pause", tag = "passes", params(("id" = String, Path, description = "The opaque id of a recurring pass")), responses((status = 200, body = Pass), crate::openapi::Errors))]
pub(crate) async fn pause(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Pass>> {
    Ok(axum::Json(state.backend.set_pass_paused(&actor, &id, true).await?))
}

#[utoipa::path(post, path = "/api/v1/passes/{id}/resume", tag = "passes", params(("id" = String, Path, description = "The opaque id of a recurring pass")), responses((status = 200, body = Pass), crate::openapi::Errors))]
pub(crate) async fn resume(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Pass>> {
    Ok(axum::Json(state.backend.set_pass_paused(&actor, &id, false).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct PageQuery {
    /// Rows per page, 1–200 (default 50); 422 `limit` otherwise.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// The previous page's `next_cursor` (opaque); 422 `cursor` if it is not one of this list.
    cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/passes/recurring", tag = "passes", params(PageQuery), responses((status = 200, body = Page<Pass>), crate::openapi::Errors))]
pub(crate) async fn long_term(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Query(q): Query<PageQuery>,
) -> ApiResult<axum::Json<Page<Pass>>> {
    let page = super::page(q.limit.as_ref(), q.cursor.as_ref(), "recurring_passes")?;
    Ok(axum::Json(state.backend.long_term_passes(&actor, &page).await?))
}

#[utoipa::path(post, path = "/api/v1/gate/verify", tag = "passes", request_body = GateBody, responses((status = 200, body = Verdict), crate::openapi::Errors))]
pub(crate) async fn verify(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    ClientAddr(client): ClientAddr,
    Json(body): Json<GateBody>,
) -> ApiResult<axum::Json<Verdict>> {
    Ok(axum::Json(state.backend.verify_pass(&actor, body.credential()?, &client).await?))
}

#[utoipa::path(post, path = "/api/v1/gate/admit", tag = "passes", request_body = GateBody, responses((status = 200, body = Entry), crate::openapi::Errors))]
pub(crate) async fn admit(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    ClientAddr(client): ClientAddr,
    Json(body): Json<GateBody>,
) -> ApiResult<axum::Json<Entry>> {
    Ok(axum::Json(state.backend.admit(&actor, body.credential()?, body.gate.as_deref(), &client).await?))
}

/// Today's expected visitors, soonest first; paged (a day's passes are
/// read whole, then cut: the cursor names the last row), with `total`.
#[utoipa::path(get, path = "/api/v1/gate/expected", tag = "passes", params(PageQuery), responses((status = 200, body = Page<Pass>), crate::openapi::Errors))]
pub(crate) async fn expected(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Query(q): Query<PageQuery>,
) -> ApiResult<axum::Json<Page<Pass>>> {
    let page = super::page(q.limit.as_ref(), q.cursor.as_ref(), "expected")?;
    let all = state.backend.expected_today(&actor).await?;
    Ok(axum::Json(page.page_of(all, "expected", |p| p.id.as_str())?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct EntriesQuery {
    gate: Option<String>,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    /// `csv` for the whole period as a file (not paged).
    format: Option<String>,
    /// Rows per page, 1–200 (default 50); 422 `limit` otherwise.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// The previous page's `next_cursor` (opaque); 422 `cursor` if it is not one of this list.
    cursor: Option<String>,
}

/// The entry log, newest first; JSON paged by an opaque keyset cursor.

#[utoipa::path(get, path = "/api/v1/gate/entries", tag = "passes", params(EntriesQuery), responses((status = 200, description = "JSON, or CSV (UTF-8 with BOM) with format=csv", content((Page<Entry> = "application/json"), (String = "text/csv"))), crate::openapi::Errors))]
pub(crate) async fn entries(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    headers: HeaderMap,
    Query(q): Query<EntriesQuery>,
) -> ApiResult<Response> {
    let page = super::page(q.limit.as_ref(), q.cursor.as_ref(), "entries")?;
    if q.format.as_deref() == Some("csv") {
        let list = state.backend.entry_log_all(&actor, q.gate.as_deref(), q.from, q.to).await?;
        let csv = Backend::entries_csv(&list, web::lang(&headers));
        let mut res = csv.into_response();
        res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
        res.headers_mut()
            .insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"entries.csv\""));
        return Ok(res);
    }
    Ok(axum::Json(state.backend.entry_log(&actor, q.gate.as_deref(), q.from, q.to, &page).await?).into_response())
}

#[utoipa::path(get, path = "/api/v1/gate/units", tag = "passes", responses((status = 200, body = Vec<UnitRef>), crate::openapi::Errors))]
pub(crate) async fn units(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
) -> ApiResult<axum::Json<Vec<UnitRef>>> {
    Ok(axum::Json(state.backend.gate_units(&actor).await?))
}

#[utoipa::path(post, path = "/api/v1/gate/walk-ins", tag = "passes", request_body = WalkInBody, responses((status = 201, body = WalkIn), crate::openapi::Errors))]
pub(crate) async fn walk_in(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Json(b): Json<WalkInBody>,
) -> ApiResult<(StatusCode, axum::Json<WalkIn>)> {
    let w = state
        .backend
        .register_walk_in(&actor, &b.visitor_name, b.visitor_phone.as_deref(), &b.unit, b.purpose.as_deref())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(w)))
}

/// Walk-ins of the last day (a resident's unit, or the guard's
/// community), newest first; paged (the day is read whole, then cut: the
/// cursor names the last row), with `total`.
#[utoipa::path(get, path = "/api/v1/walk-ins", tag = "passes", params(PageQuery), responses((status = 200, body = Page<WalkIn>), crate::openapi::Errors))]
pub(crate) async fn walk_ins(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Query(q): Query<PageQuery>,
) -> ApiResult<axum::Json<Page<WalkIn>>> {
    let page = super::page(q.limit.as_ref(), q.cursor.as_ref(), "walk_ins")?;
    let all = state.backend.walk_ins(&actor).await?;
    Ok(axum::Json(page.page_of(all, "walk_ins", |w| w.id.as_str())?))
}

#[utoipa::path(post, path = "/api/v1/walk-ins/{id}/decision", tag = "passes", request_body = Decision, params(("id" = String, Path, description = "The opaque id")), responses((status = 200, body = WalkIn), crate::openapi::Errors))]
pub(crate) async fn decide(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
    Json(d): Json<Decision>,
) -> ApiResult<axum::Json<WalkIn>> {
    Ok(axum::Json(state.backend.decide_walk_in(&actor, &id, d.approve).await?))
}
