//! The mini-program's sign-in and subscribe-message consents:
//! `/auth/wechat`, `/auth/wechat/bind`, `/subscriptions`.

use app::{
    backend::wechat::WeChatLogin,
    model::session::{BindBody, CodeBody, ConsentBody, Consents, WeChatAnswer},
};
use axum::{Router, extract::State, routing::post};

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

#[utoipa::path(post, path = "/api/v1/auth/wechat", tag = "sessions", request_body = CodeBody, responses((status = 200, body = WeChatAnswer), crate::openapi::Errors), security(()))]
pub(crate) async fn login(
    State(state): State<AppState>,
    Json(body): Json<CodeBody>,
) -> ApiResult<axum::Json<WeChatAnswer>> {
    Ok(axum::Json(match state.backend.wechat_login(&body.code).await? {
        WeChatLogin::Session(l) => WeChatAnswer::from(*l),
        WeChatLogin::BindingRequired { binding_token } => WeChatAnswer::binding(binding_token),
    }))
}

#[utoipa::path(post, path = "/api/v1/auth/wechat/bind", tag = "sessions", request_body = BindBody, responses((status = 200, body = WeChatAnswer), crate::openapi::Errors), security(()))]
pub(crate) async fn bind(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    Json(b): Json<BindBody>,
) -> ApiResult<axum::Json<WeChatAnswer>> {
    let l = state.backend.wechat_bind(&b.binding_token, &b.phone, &b.password, &client).await?;
    Ok(axum::Json(WeChatAnswer::from(l)))
}

#[utoipa::path(post, path = "/api/v1/subscriptions", tag = "sessions", request_body = ConsentBody, responses((status = 200, body = BTreeMap<String, i64>, description = "Consents left per template"), crate::openapi::Errors))]
pub(crate) async fn add_consents(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Json(b): Json<ConsentBody>,
) -> ApiResult<axum::Json<Consents>> {
    Ok(axum::Json(state.backend.add_consents(&actor, &b.templates).await?))
}

#[utoipa::path(get, path = "/api/v1/subscriptions", tag = "sessions", responses((status = 200, body = BTreeMap<String, i64>, description = "Consents left per template"), crate::openapi::Errors))]
pub(crate) async fn consents(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
) -> ApiResult<axum::Json<Consents>> {
    Ok(axum::Json(state.backend.consents(&actor).await?))
}
