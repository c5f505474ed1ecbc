//! The mini-program's sign-in and subscribe-message consents:
//! `/auth/wechat`, `/auth/wechat/bind`, `/subscriptions`.

use std::collections::BTreeMap;

use app::{backend::wechat::WeChatLogin, model::Me};
use axum::{Router, extract::State, routing::post};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    error::ApiResult,
    extract::{AuthUser, ClientAddr, Json},
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/wechat", post(login))
        .route("/auth/wechat/bind", post(bind))
        .route("/subscriptions", post(add_consents).get(consents))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct CodeBody {
    code: String,
}

/// A session (`token`, `user`), or `binding_required` with a ticket.
#[derive(Serialize, Default, utoipa::ToSchema)]
pub(crate) struct WeChatAnswer {
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user: Option<Me>,
    binding_required: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    binding_token: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/auth/wechat", tag = "sessions", request_body = CodeBody, responses((status = 200, body = WeChatAnswer), crate::openapi::Errors), security(()))]
pub(crate) async fn login(
    State(state): State<AppState>,
    Json(body): Json<CodeBody>,
) -> ApiResult<axum::Json<WeChatAnswer>> {
    Ok(axum::Json(match state.backend.wechat_login(&body.code).await? {
        WeChatLogin::Session(l) => WeChatAnswer {
            token: Some(l.token),
            expires_at: Some(l.expires_at),
            user: Some(l.me),
            ..WeChatAnswer::default()
        },
        WeChatLogin::BindingRequired { binding_token } => {
            WeChatAnswer { binding_required: true, binding_token: Some(binding_token), ..WeChatAnswer::default() }
        }
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct BindBody {
    binding_token: String,
    phone: String,
    password: String,
}

#[utoipa::path(post, path = "/api/v1/auth/wechat/bind", tag = "sessions", request_body = BindBody, responses((status = 200, body = WeChatAnswer), crate::openapi::Errors), security(()))]
pub(crate) async fn bind(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    Json(b): Json<BindBody>,
) -> ApiResult<axum::Json<WeChatAnswer>> {
    let l = state.backend.wechat_bind(&b.binding_token, &b.phone, &b.password, &client).await?;
    Ok(axum::Json(WeChatAnswer {
        token: Some(l.token),
        expires_at: Some(l.expires_at),
        user: Some(l.me),
        ..WeChatAnswer::default()
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct ConsentBody {
    #[serde(deserialize_with = "linli_model::bounded::at_most::<_, _, { linli_model::bounded::MAX_TEMPLATES }>")]
    #[schema(max_items = 10, value_type = Vec<linli_model::keys::TemplateKey>)]
    templates: Vec<String>,
}

/// Consents left per template (every known template, zero when none).
fn by_template(list: Vec<(String, i64)>) -> BTreeMap<String, i64> {
    let mut map: BTreeMap<String, i64> =
        linli_model::keys::TemplateKey::ALL.iter().map(|k| (k.as_str().to_string(), 0)).collect();
    map.extend(list);
    map
}

#[utoipa::path(post, path = "/api/v1/subscriptions", tag = "sessions", request_body = ConsentBody, responses((status = 200, body = BTreeMap<String, i64>, description = "Consents left per template"), crate::openapi::Errors))]
pub(crate) async fn add_consents(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Json(b): Json<ConsentBody>,
) -> ApiResult<axum::Json<BTreeMap<String, i64>>> {
    Ok(axum::Json(by_template(state.backend.add_consents(&actor, &b.templates).await?)))
}

#[utoipa::path(get, path = "/api/v1/subscriptions", tag = "sessions", responses((status = 200, body = BTreeMap<String, i64>, description = "Consents left per template"), crate::openapi::Errors))]
pub(crate) async fn consents(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
) -> ApiResult<axum::Json<BTreeMap<String, i64>>> {
    Ok(axum::Json(by_template(state.backend.consents(&actor).await?)))
}
