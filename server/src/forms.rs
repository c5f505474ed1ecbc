//! Plain HTML form posts, for the core forms to work before the WASM has
//! loaded or with JavaScript off. Each answers with a 303 redirect (the
//! post/redirect/get pattern): to the result on success, back to the form
//! with `?error=<message key>` otherwise. They call the same services as
//! the JSON API.

use app::{
    backend::{Actor, auth::SessionKind, ids, web},
    model::{
        AppError, Lang, Msg,
        job::{ActionInput, NewRepair, RatingInput},
        repair::MAX_PHOTOS,
    },
};
use axum::{
    Form, Router,
    extract::{DefaultBodyLimit, Multipart, Path, State},
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Redirect, Response},
    routing::post,
};
use serde::Deserialize;

use crate::{extract::ClientAddr, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/forms/login", post(login))
        .route("/forms/logout", post(logout))
        .route("/forms/lang", post(lang))
        .route("/forms/repairs", post(report_repair).layer(DefaultBodyLimit::max(MAX_REPORT_BYTES)))
        .route("/forms/repairs/{id}/action", post(repair_action))
        .route("/forms/repairs/{id}/rating", post(rate_repair))
        .route("/forms/help", post(press_help))
        .route("/forms/help/{id}/action", post(help_action))
        .route("/forms/check-in", post(check_in))
        .route("/forms/residents/{id}/elder", post(set_elder))
        .route("/forms/elders/{id}/follow-up", post(elder_follow_up))
        .route("/forms/passes", post(create_pass))
        .route("/forms/passes/{id}/revoke", post(revoke_pass))
        .route("/forms/gate/admit", post(admit))
        .route("/forms/gate/walk-ins", post(walk_in))
        .route("/forms/walk-ins/{id}/decision", post(decide_walk_in))
        .route("/forms/notices", post(publish_notice))
        .route("/forms/events", post(create_event))
        .route("/forms/events/{id}/rsvp", post(rsvp))
}

/// Invites a visitor; the answer is the visitor's page itself, whose
/// address is the link to share.
async fn create_pass(State(state): State<AppState>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let actor = match web_actor(&state, &headers).await {
        Ok(a) => a,
        Err(redirect) => return redirect,
    };
    let fields = form_fields(&body);
    let now = chrono::Utc::now();
    let days: i64 = field(&fields, "days").and_then(|d| d.parse().ok()).unwrap_or(0).clamp(0, 7);
    let until = app::model::time::end_of_local_day(now + chrono::Duration::days(days)) + chrono::Duration::seconds(1);
    let input = app::model::pass::NewPass {
        visitor_name: field(&fields, "visitor_name").unwrap_or_default().to_string(),
        visitor_phone: field(&fields, "visitor_phone").map(str::to_string),
        purpose: field(&fields, "purpose").map(str::to_string),
        valid_from: Some(now),
        valid_until: Some(until),
        max_entries: field(&fields, "max_entries").and_then(|m| m.parse().ok()),
        plate: field(&fields, "plate").map(str::to_string),
    };
    let base = crate::rest::base_url(&state, &headers);
    match state.backend.create_pass(&actor, input, &base).await {
        Ok(created) => {
            let path = created.url.strip_prefix(&base).unwrap_or(&created.url).to_string();
            Redirect::to(&format!("{path}?new=1")).into_response()
        }
        Err(e) => back_with_error("/passes/new", &e.into(), &[]),
    }
}

async fn revoke_pass(State(state): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let actor = match web_actor(&state, &headers).await {
        Ok(a) => a,
        Err(redirect) => return redirect,
    };
    match state.backend.revoke_pass(&actor, &id).await {
        Ok(_) => Redirect::to("/passes").into_response(),
        Err(e) => back_with_error("/passes", &e.into(), &[]),
    }
}

/// "Admit" on the guard's screen.
async fn admit(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientAddr(client): ClientAddr,
    body: axum::body::Bytes,
) -> Response {
    let actor = match web_actor(&state, &headers).await {
        Ok(a) => a,
        Err(redirect) => return redirect,
    };
    let fields = form_fields(&body);
    let q = field(&fields, "q").unwrap_or_default();
    match state.backend.admit(&actor, q, None, &client).await {
        Ok(entry) => {
            let name = entry.visitor_name.unwrap_or_default();
            Redirect::to(&format!("/gate?admitted={}", urlencode(&name))).into_response()
        }
        Err(e) => back_with_error("/gate", &e.into(), &[]),
    }
}

async fn walk_in(State(state): State<AppState>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let actor = match web_actor(&state, &headers).await {
        Ok(a) => a,
        Err(redirect) => return redirect,
    };
    let fields = form_fields(&body);
    let outcome = state
        .backend
        .register_walk_in(
            &actor,
            field(&fields, "visitor_name").unwrap_or_default(),
            field(&fields, "visitor_phone"),
            field(&fields, "unit").unwrap_or_default(),
            field(&fields, "purpose"),
        )
        .await;
    match outcome {
        Ok(_) => Redirect::to("/gate/walk-in").into_response(),
        Err(e) => back_with_error("/gate/walk-in", &e.into(), &[]),
    }
}

async fn decide_walk_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let actor = match web_actor(&state, &headers).await {
        Ok(a) => a,
        Err(redirect) => return redirect,
    };
    let fields = form_fields(&body);
    match state.backend.decide_walk_in(&actor, &id, field(&fields, "approve") == Some("true")).await {
        Ok(_) => Redirect::to("/").into_response(),
        Err(e) => back_with_error("/", &e.into(), &[]),
    }
}

/// Elder mode and one emergency contact, from the butler's elders page.
async fn set_elder(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let actor = match web_actor(&state, &headers).await {
        Ok(a) => a,
        Err(redirect) => return redirect,
    };
    let fields = form_fields(&body);
    let contacts = match (field(&fields, "contact_name"), field(&fields, "contact_phone")) {
        (Some(name), Some(phone)) => vec![app::model::help::EmergencyContact {
            name: name.to_string(),
            phone: phone.to_string(),
            relation: field(&fields, "contact_relation").unwrap_or_default().to_string(),
        }],
        _ => Vec::new(),
    };
    let settings = app::model::help::ElderSettings {
        elder_mode: field(&fields, "elder_mode") == Some("true"),
        emergency_contacts: contacts,
    };
    match state.backend.set_elder(&actor, &id, settings).await {
        Ok(_) => Redirect::to("/elders").into_response(),
        Err(e) => back_with_error("/elders", &e.into(), &[]),
    }
}

async fn elder_follow_up(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let actor = match web_actor(&state, &headers).await {
        Ok(a) => a,
        Err(redirect) => return redirect,
    };
    let fields = form_fields(&body);
    let result = field(&fields, "result").unwrap_or_default();
    match state.backend.record_check_in_follow_up(&actor, &id, result, field(&fields, "note").unwrap_or_default()).await
    {
        Ok(()) => Redirect::to("/elders").into_response(),
        Err(e) => back_with_error("/elders", &e.into(), &[]),
    }
}

/// The help button without scripts. The page embeds a fresh `client_key`
/// in the form, so pressing twice (or the browser re-posting) is one call.
/// The call is stored before the redirect answers.
async fn press_help(State(state): State<AppState>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let actor = match web_actor(&state, &headers).await {
        Ok(a) => a,
        Err(redirect) => return redirect,
    };
    let fields = form_fields(&body);
    match state.backend.press_help(&actor, field(&fields, "client_key").unwrap_or_default()).await {
        Ok((call, _)) => Redirect::to(&format!("/?call={}", call.id)).into_response(),
        Err(e) => back_with_error("/", &e.into(), &[]),
    }
}

/// Handling a call without scripts (staff; or the elder's "pressed by mistake").
async fn help_action(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let actor = match web_actor(&state, &headers).await {
        Ok(a) => a,
        Err(redirect) => return redirect,
    };
    let fields = form_fields(&body);
    let back = safe_back(field(&fields, "back"));
    let input = app::model::help::HelpActionInput {
        action: field(&fields, "action").unwrap_or_default().to_string(),
        outcome: field(&fields, "outcome").map(str::to_string),
        note: field(&fields, "note").map(str::to_string),
    };
    match state.backend.help_action(&actor, &id, input).await {
        Ok(_) => Redirect::to(&back).into_response(),
        Err(e) => back_with_error(&back, &e.into(), &[]),
    }
}

async fn check_in(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let actor = match web_actor(&state, &headers).await {
        Ok(a) => a,
        Err(redirect) => return redirect,
    };
    match state.backend.check_in(&actor).await {
        Ok(_) => Redirect::to("/?checked_in=1").into_response(),
        Err(e) => back_with_error("/", &e.into(), &[]),
    }
}

/// A report with six full-size photos, plus the form's own fields.
const MAX_REPORT_BYTES: usize = MAX_PHOTOS * app::backend::media::MAX_BYTES + 64 * 1024;

/// The signed-in web user, or a redirect to the sign-in page.
async fn web_actor(state: &AppState, headers: &HeaderMap) -> Result<Actor, Response> {
    let token = web::session_token(headers).ok_or_else(|| Redirect::to("/login").into_response())?;
    state.backend.authenticate(&token).await.map_err(|_| Redirect::to("/login").into_response())
}

/// The fields of a `application/x-www-form-urlencoded` body, repeated
/// keys included (checkbox groups).
fn form_fields(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty())
}

/// The repair report without scripts: category, text, urgency and up to six
/// photos in one multipart post. Photos are processed one by one with the
/// same checks as the API; the first refusal sends the form back with its
/// message and nothing is reported.
async fn report_repair(State(state): State<AppState>, headers: HeaderMap, mut multipart: Multipart) -> Response {
    let actor = match web_actor(&state, &headers).await {
        Ok(a) => a,
        Err(redirect) => return redirect,
    };
    let mut input = NewRepair::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return back_with_error("/repairs/new", &crate::rest::multipart_error(&e), &[]),
        };
        let name = field.name().unwrap_or_default().to_string();
        let has_file = field.file_name().is_some_and(|f| !f.is_empty());
        let data = match field.bytes().await {
            Ok(d) => d,
            Err(e) => return back_with_error("/repairs/new", &crate::rest::multipart_error(&e), &[]),
        };
        match name.as_str() {
            "category" => input.category = String::from_utf8_lossy(&data).into_owned(),
            "description" => input.description = Some(String::from_utf8_lossy(&data).into_owned()),
            "urgency" => input.urgency = Some(String::from_utf8_lossy(&data).into_owned()),
            "photo_ids" => input.photo_ids.push(String::from_utf8_lossy(&data).into_owned()),
            "photos" if has_file && !data.is_empty() => {
                if input.photo_ids.len() >= MAX_PHOTOS {
                    return back_with_error("/repairs/new", &AppError::invalid("photos", Msg::ErrTooManyPhotos), &[]);
                }
                match state.backend.upload_photo(&actor, data.to_vec()).await {
                    Ok(photo) => input.photo_ids.push(photo.id),
                    Err(e) => return back_with_error("/repairs/new", &e.into(), &[]),
                }
            }
            _ => {}
        }
    }
    match state.backend.create_repair(&actor, input).await {
        Ok(job) => Redirect::to(&format!("/repairs/{}", job.id)).into_response(),
        Err(e) => back_with_error("/repairs/new", &e.into(), &[]),
    }
}

/// A job action without scripts (the buttons on the job page).
async fn repair_action(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let actor = match web_actor(&state, &headers).await {
        Ok(a) => a,
        Err(redirect) => return redirect,
    };
    let fields = form_fields(&body);
    let page = format!("/repairs/{}", if ids::is_plausible_key(&id) { id.as_str() } else { "" });
    let input = ActionInput {
        action: field(&fields, "action").unwrap_or_default().to_string(),
        note: field(&fields, "note").map(str::to_string),
        assignee_id: field(&fields, "assignee_id").map(str::to_string),
        eta: field(&fields, "eta").and_then(crate::forms::parse_local_datetime),
        photo_ids: fields.iter().filter(|(k, _)| k == "photo_ids").map(|(_, v)| v.clone()).collect(),
    };
    match state.backend.act(&actor, &id, input).await {
        Ok(_) => Redirect::to(&safe_back(field(&fields, "back").or(Some(page.as_str())))).into_response(),
        Err(e) => back_with_error(&page, &e.into(), &[]),
    }
}

/// The rating without scripts.
async fn rate_repair(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let actor = match web_actor(&state, &headers).await {
        Ok(a) => a,
        Err(redirect) => return redirect,
    };
    let fields = form_fields(&body);
    let page = format!("/repairs/{}", if ids::is_plausible_key(&id) { id.as_str() } else { "" });
    let input = RatingInput {
        stars: field(&fields, "stars").and_then(|s| s.parse().ok()).unwrap_or(0),
        tags: fields.iter().filter(|(k, _)| k == "tags").map(|(_, v)| v.clone()).collect(),
        comment: field(&fields, "comment").map(str::to_string),
    };
    match state.backend.rate_job(&actor, &id, input).await {
        Ok(_) => Redirect::to(&page).into_response(),
        Err(e) => back_with_error(&page, &e.into(), &[]),
    }
}

/// `2026-11-27T14:30` from an `<input type="datetime-local">`, read as
/// Shanghai time.
pub fn parse_local_datetime(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").ok()?;
    Some(app::model::time::local_instant(naive.date(), naive.time()))
}

/// A local path to go back to; anything else (another site, `//evil`)
/// becomes `/`, so a form cannot be abused as an open redirect.
pub fn safe_back(back: Option<&str>) -> String {
    match back {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') => p.to_string(),
        _ => "/".to_string(),
    }
}

/// `path?error=<key>`: the page shows the message in the reader's language.
pub fn back_with_error(path: &str, err: &AppError, extra: &[(&str, &str)]) -> Response {
    let key = serde_json::to_value(err.msg).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    let mut url = format!("{path}?error={key}");
    for (k, v) in extra {
        url.push('&');
        url.push_str(k);
        url.push('=');
        url.push_str(&urlencode(v));
    }
    Redirect::to(&url).into_response()
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn with_cookie(mut res: Response, cookie: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

#[derive(Deserialize)]
struct LoginForm {
    phone: String,
    password: String,
    next: Option<String>,
}

async fn login(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    match state.backend.login(&form.phone, &form.password, SessionKind::Web, &client).await {
        Ok(login) => {
            let max_age = (login.expires_at - chrono::Utc::now()).num_seconds().max(0);
            let cookie = web::session_cookie(&login.token, max_age, web::is_https(&headers));
            with_cookie(Redirect::to(&safe_back(form.next.as_deref())).into_response(), &cookie)
        }
        Err(e) => back_with_error(
            "/login",
            &e.into(),
            &[("phone", form.phone.as_str()), ("next", &safe_back(form.next.as_deref()))],
        ),
    }
}

async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    // Signing out of an already expired session is not an error.
    if let Some(token) = web::session_token(&headers)
        && let Ok(actor) = state.backend.authenticate(&token).await
        && let Err(e) = state.backend.logout(&actor).await
    {
        tracing::warn!(error = %e, "logout failed");
    }
    with_cookie(Redirect::to("/login").into_response(), &web::clear_session_cookie(web::is_https(&headers)))
}

#[derive(Deserialize)]
struct LangForm {
    lang: String,
    back: Option<String>,
}

async fn lang(headers: HeaderMap, Form(form): Form<LangForm>) -> Response {
    let lang = Lang::from_code(&form.lang).unwrap_or_default();
    let res = Redirect::to(&safe_back(form.back.as_deref())).into_response();
    with_cookie(res, &web::lang_cookie(lang, web::is_https(&headers)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_paths_stay_on_this_site() {
        assert_eq!(safe_back(Some("/repairs/1")), "/repairs/1");
        assert_eq!(safe_back(Some("//evil.example")), "/");
        assert_eq!(safe_back(Some("https://evil.example")), "/");
        assert_eq!(safe_back(Some("/\\evil")), "/");
        assert_eq!(safe_back(None), "/");
    }

    #[test]
    fn urlencodes_non_ascii() {
        assert_eq!(urlencode("a b&张"), "a%20b%26%E5%BC%A0");
    }
}

/// Publishing a notice from the compose page.
async fn publish_notice(State(state): State<AppState>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let actor = match web_actor(&state, &headers).await {
        Ok(a) => a,
        Err(redirect) => return redirect,
    };
    let fields = form_fields(&body);
    let expires_at = field(&fields, "days")
        .and_then(|d| d.parse::<i64>().ok())
        .map(|d| app::model::time::end_of_local_day(chrono::Utc::now() + chrono::Duration::days(d)));
    let input = app::model::notice::NewAnnouncement {
        title: field(&fields, "title").unwrap_or_default().to_string(),
        body: field(&fields, "body").unwrap_or_default().to_string(),
        category: field(&fields, "category").unwrap_or_default().to_string(),
        building_ids: fields.iter().filter(|(k, _)| k == "building_ids").map(|(_, v)| v.clone()).collect(),
        pinned: field(&fields, "pinned") == Some("true"),
        urgent: field(&fields, "urgent") == Some("true"),
        expires_at,
    };
    match state.backend.publish_notice(&actor, input).await {
        Ok(n) => Redirect::to(&format!("/notices/{}", n.id)).into_response(),
        Err(e) => back_with_error("/notices/new", &e.into(), &[]),
    }
}

async fn create_event(State(state): State<AppState>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let actor = match web_actor(&state, &headers).await {
        Ok(a) => a,
        Err(redirect) => return redirect,
    };
    let fields = form_fields(&body);
    let (Some(starts_at), Some(ends_at)) = (
        field(&fields, "starts_at").and_then(parse_local_datetime),
        field(&fields, "ends_at").and_then(parse_local_datetime),
    ) else {
        return back_with_error("/events/new", &AppError::invalid("starts_at", Msg::ErrEventTimes), &[]);
    };
    let input = app::model::notice::NewActivity {
        title: field(&fields, "title").unwrap_or_default().to_string(),
        description: field(&fields, "description").unwrap_or_default().to_string(),
        place: field(&fields, "place").unwrap_or_default().to_string(),
        starts_at,
        ends_at,
        capacity: field(&fields, "capacity").and_then(|c| c.parse().ok()).unwrap_or(0),
        rsvp_deadline: field(&fields, "rsvp_deadline").and_then(parse_local_datetime),
    };
    match state.backend.create_activity(&actor, input).await {
        Ok(a) => Redirect::to(&format!("/events/{}", a.id)).into_response(),
        Err(e) => back_with_error("/events/new", &e.into(), &[]),
    }
}

/// RSVP (or cancel, with `cancel=true`) without scripts.
async fn rsvp(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let actor = match web_actor(&state, &headers).await {
        Ok(a) => a,
        Err(redirect) => return redirect,
    };
    let fields = form_fields(&body);
    let page = format!("/events/{}", if ids::is_plausible_key(&id) { id.as_str() } else { "" });
    let outcome = if field(&fields, "cancel") == Some("true") {
        state.backend.cancel_rsvp(&actor, &id).await
    } else {
        let n = field(&fields, "headcount").and_then(|n| n.parse().ok()).unwrap_or(1);
        state.backend.rsvp(&actor, &id, n).await.map(|_| ())
    };
    match outcome {
        Ok(()) => Redirect::to(&page).into_response(),
        Err(e) => back_with_error(&page, &e.into(), &[]),
    }
}
