//! Signing in over the JSON API and the mini-program's consents: the
//! bodies of `/auth/login`, `/auth/wechat`, `/auth/wechat/bind` and
//! `/subscriptions`, and what they answer.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::people::Me;

/// `POST /api/v1/auth/login`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginBody {
    /// The mainland mobile number, 11 digits (spaces, dashes and a `+86`
    /// prefix are tolerated).
    pub phone: String,
    /// At most 256 bytes.
    pub password: String,
}

/// A new session: `POST /api/v1/auth/login` (a WeChat login answers the
/// same fields inside `WeChatAnswer`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginAnswer {
    /// Send as `Authorization: Bearer <token>`; shown once, never stored.
    pub token: String,
    /// When the session ends at the latest (RFC 3339, UTC).
    pub expires_at: DateTime<Utc>,
    /// The person signed in.
    pub user: Me,
}

/// `POST /api/v1/auth/wechat`: the code from `wx.login`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeBody {
    /// At most 128 characters, used once.
    pub code: String,
}

/// `POST /api/v1/auth/wechat/bind`: binds the open id behind a ticket to
/// the account that signs in with this phone and password.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BindBody {
    /// The `binding_token` of the answer that asked for binding.
    pub binding_token: String,
    /// As for `/auth/login`.
    pub phone: String,
    /// As for `/auth/login`.
    pub password: String,
}

/// The answer of `POST /api/v1/auth/wechat` and `/auth/wechat/bind`: a
/// session (`token`, `expires_at`, `user`), or `binding_required` with a
/// ticket (`binding_token`). Fields that do not apply are left out.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeChatAnswer {
    /// The bearer token, when signed in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// When that session ends at the latest (RFC 3339, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
    /// The person signed in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<Me>,
    /// The open id is bound to no one yet: sign in with `binding_token`.
    pub binding_required: bool,
    /// The ticket for `/auth/wechat/bind` (valid for 10 minutes, used once).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binding_token: Option<String>,
}

impl WeChatAnswer {
    /// Not bound yet: bind with `ticket`.
    pub fn binding(ticket: String) -> Self {
        Self { binding_required: true, binding_token: Some(ticket), ..Self::default() }
    }
}

impl From<LoginAnswer> for WeChatAnswer {
    /// Signed in.
    fn from(l: LoginAnswer) -> Self {
        Self { token: Some(l.token), expires_at: Some(l.expires_at), user: Some(l.user), ..Self::default() }
    }
}

/// `POST /api/v1/subscriptions`: consents given in the mini-program for
/// subscribe messages, one per template key (a key may repeat: each is
/// one message allowed).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsentBody {
    /// At most 10 template keys; an unknown key is refused.
    #[serde(deserialize_with = "super::bounded::at_most::<_, _, { super::bounded::MAX_TEMPLATES }>")]
    #[cfg_attr(feature = "openapi", schema(max_items = 10, value_type = Vec<crate::keys::TemplateKey>))]
    pub templates: Vec<String>,
}

/// `GET` and `POST /api/v1/subscriptions`: the messages each template may
/// still send, by template key (every known key, `0` when none).
pub type Consents = BTreeMap<String, i64>;
