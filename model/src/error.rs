//! The error every client sees: a stable machine code plus a message key
//! that is rendered in the caller's language at the edge (REST envelope,
//! server-function error, form page).

use serde::{Deserialize, Serialize};

use super::i18n::{Lang, Msg};

/// Stable, documented error codes. Each maps to exactly one HTTP status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 400: the request could not be parsed.
    BadRequest,
    /// 401: no session was presented.
    Unauthenticated,
    /// 401: the session expired, was revoked or never existed.
    SessionExpired,
    /// 401: phone or password is wrong (never says which).
    InvalidCredentials,
    /// 403: the caller's role may not do this.
    Forbidden,
    /// 404: the object does not exist *or is not the caller's*.
    NotFound,
    /// 405: the path exists but not with this method.
    MethodNotAllowed,
    /// 408: the request's body did not arrive in time (or the
    /// connection broke while it was read).
    RequestTimeout,
    /// 409: a duplicate or a state that no longer allows the action.
    Conflict,
    /// 413: upload or body too large, or too many pixels.
    PayloadTooLarge,
    /// 415: unsupported media type.
    UnsupportedMedia,
    /// 422: well-formed but invalid input.
    Invalid,
    /// 429: too many attempts.
    RateLimited,
    /// 503: the service (e.g. an identity provider) is unreachable.
    Unavailable,
    /// 500: a fault on our side; details are only in the server log.
    Internal,
}

impl ErrorCode {
    /// The HTTP status that carries this code.
    pub const fn status(self) -> u16 {
        match self {
            Self::BadRequest => 400,
            Self::Unauthenticated | Self::SessionExpired | Self::InvalidCredentials => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::MethodNotAllowed => 405,
            Self::RequestTimeout => 408,
            Self::Conflict => 409,
            Self::PayloadTooLarge => 413,
            Self::UnsupportedMedia => 415,
            Self::Invalid => 422,
            Self::RateLimited => 429,
            Self::Unavailable => 503,
            Self::Internal => 500,
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::BadRequest => "bad_request",
            Self::Unauthenticated => "unauthenticated",
            Self::SessionExpired => "session_expired",
            Self::InvalidCredentials => "invalid_credentials",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::Conflict => "conflict",
            Self::RequestTimeout => "request_timeout",
            Self::PayloadTooLarge => "payload_too_large",
            Self::UnsupportedMedia => "unsupported_media",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::Invalid => "invalid",
            Self::RateLimited => "rate_limited",
            Self::Unavailable => "unavailable",
            Self::Internal => "internal",
        }
    }
}

/// A user-facing error: what went wrong (`code`), how to say it (`msg`),
/// and optionally which input it concerns or a machine-readable reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{code:?}: {msg:?}")]
pub struct AppError {
    pub code: ErrorCode,
    pub msg: Msg,
    /// The offending field, or a reason code such as `used_up`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Values for the message's `{name}` placeholders (language-neutral
    /// text such as a date and time), e.g. `("when", "12-01 08:00")`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<(String, String)>,
    /// For a refusal that passes with time: seconds until it is allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

impl AppError {
    pub const fn new(code: ErrorCode, msg: Msg) -> Self {
        Self { code, msg, detail: None, args: Vec::new(), retry_after: None }
    }

    /// 429: allowed again in `secs` seconds (at least 1).
    pub fn too_soon(msg: Msg, secs: i64) -> Self {
        let mut e = Self::new(ErrorCode::RateLimited, msg);
        e.retry_after = Some(u64::try_from(secs.max(1)).unwrap_or(1));
        e
    }

    /// Fills the message's `{name}` placeholder with `value`.
    pub fn with_arg(mut self, name: &str, value: impl Into<String>) -> Self {
        self.args.push((name.to_string(), value.into()));
        self
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub const fn not_found() -> Self {
        Self::new(ErrorCode::NotFound, Msg::ErrNotFound)
    }
    pub const fn forbidden() -> Self {
        Self::new(ErrorCode::Forbidden, Msg::ErrForbidden)
    }
    pub const fn unauthenticated() -> Self {
        Self::new(ErrorCode::Unauthenticated, Msg::ErrUnauthenticated)
    }
    pub const fn internal() -> Self {
        Self::new(ErrorCode::Internal, Msg::ErrInternal)
    }
    /// 422 for a bad field, naming the field.
    pub fn invalid(field: &str, msg: Msg) -> Self {
        Self::new(ErrorCode::Invalid, msg).with_detail(field)
    }
    pub const fn conflict(msg: Msg) -> Self {
        Self::new(ErrorCode::Conflict, msg)
    }

    /// The message in the caller's language.
    pub fn message(&self, lang: Lang) -> String {
        self.args
            .iter()
            .fold(self.msg.text(lang).to_string(), |text, (name, value)| text.replace(&format!("{{{name}}}"), value))
    }
}

/// The JSON API's error answer: the HTTP status plus
/// `{"error": {"code": "...", "message": "...", "detail": "..."}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// A stable snake_case code, e.g. `not_found`, `invalid`, `conflict`.
    #[cfg_attr(feature = "openapi", schema(example = "invalid"))]
    pub code: String,
    /// Human text in the caller's language (`Accept-Language`).
    pub message: String,
    /// The offending field, or a reason such as `used_up`.
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// With `rate_limited`: seconds until the request will be accepted
    /// (also sent as the `Retry-After` header).
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

impl ErrorBody {
    /// The envelope of `err`, its message in `lang`.
    pub fn new(err: &AppError, lang: Lang) -> Self {
        Self {
            error: ErrorDetail {
                code: err.code.as_str().to_string(),
                message: err.message(lang),
                detail: err.detail.clone(),
                retry_after: err.retry_after,
            },
        }
    }
}

impl ErrorDetail {
    /// The code as an [`ErrorCode`]; `None` for a code this build does not know.
    pub fn error_code(&self) -> Option<ErrorCode> {
        serde_json::from_value(serde_json::Value::String(self.code.clone())).ok()
    }
}

#[cfg(feature = "server-fn")]
mod server_fn_error {
    use server_fn::{
        codec::JsonEncoding,
        error::{FromServerFnError, ServerFnErrorErr},
    };

    use super::{AppError, ErrorCode, Msg};

    /// Lets server functions return `AppError` directly, so the browser gets
    /// the same code and message key as a REST client.
    impl FromServerFnError for AppError {
        type Encoder = JsonEncoding;

        fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
            match value {
                ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => {
                    AppError::new(ErrorCode::Unavailable, Msg::ErrNetwork)
                }
                ServerFnErrorErr::Args(_) | ServerFnErrorErr::Deserialization(_) => {
                    AppError::new(ErrorCode::BadRequest, Msg::ErrBadRequest)
                }
                _ => AppError::internal(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_the_documented_status() {
        assert_eq!(ErrorCode::NotFound.status(), 404);
        assert_eq!(ErrorCode::Conflict.status(), 409);
        assert_eq!(ErrorCode::Invalid.status(), 422);
        assert_eq!(ErrorCode::SessionExpired.status(), 401);
        assert_eq!(ErrorCode::RateLimited.status(), 429);
    }

    #[test]
    fn codes_serialize_as_snake_case_matching_as_str() {
        for code in [
            ErrorCode::BadRequest,
            ErrorCode::InvalidCredentials,
            ErrorCode::UnsupportedMedia,
            ErrorCode::PayloadTooLarge,
            ErrorCode::MethodNotAllowed,
        ] {
            let json = serde_json::to_string(&code).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }

    #[test]
    fn the_envelope_reads_back_with_its_code() {
        let err = AppError::invalid("phone", Msg::ErrPhoneInvalid);
        let json = serde_json::to_value(ErrorBody::new(&err, Lang::En)).unwrap_or_default();
        assert_eq!(json.pointer("/error/code"), Some(&serde_json::json!("invalid")));
        assert_eq!(json.pointer("/error/detail"), Some(&serde_json::json!("phone")));
        let read: Option<ErrorBody> = serde_json::from_value(json).ok();
        assert_eq!(read.and_then(|b| b.error.error_code()), Some(ErrorCode::Invalid));
        let bare = serde_json::json!({"error": {"code": "not_found", "message": "x"}});
        let body: Option<ErrorBody> = serde_json::from_value(bare).ok();
        assert_eq!(body.map(|b| (b.error.error_code(), b.error.detail)), Some((Some(ErrorCode::NotFound), None)));
    }

    #[test]
    fn placeholders_are_filled_in_both_languages() {
        let err = AppError::conflict(Msg::RefusedOutsideSchedule).with_arg("when", "2026-12-07 08:00");
        assert_eq!(err.message(Lang::Zh), "不在通行时段，下次可通行：2026-12-07 08:00");
        assert_eq!(err.message(Lang::En), "Outside the pass's schedule; the next window opens 2026-12-07 08:00.");
        assert_eq!(AppError::conflict(Msg::ErrNotFound).message(Lang::En), "Not found.", "no arguments, as before");
    }
}
