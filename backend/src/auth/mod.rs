//! Sign-in, sessions and sign-out.
//!
//! A session is a random 256-bit token handed to the client once (cookie
//! for the web, bearer token for the JSON API); the database keeps only its
//! SHA-256. Sessions expire when idle and at an absolute age, and each
//! login creates a fresh one, so a token planted before login is useless.

use crate::record::{SessionId, UserId};
use std::sync::OnceLock;

use argon2::{Argon2, PasswordHash, PasswordHasher as _, PasswordVerifier as _, password_hash::SaltString};
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;

use super::{
    Backend, clean,
    db::{self, run},
    error::{Error, Result},
    ids,
    policy::Actor,
};
use linli_model::{AppError, ErrorCode, Msg, phone, session::LoginAnswer};
pub(crate) mod store;

use store::*;

/// Where a session is used; recorded for the audit trail and listings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionKind {
    /// Browser, cookie-borne.
    Web,
    /// Mini-program or other API client, bearer token.
    Api,
}

impl SessionKind {
    const fn as_str(self) -> &'static str {
        self.key().as_str()
    }

    /// Its stored key.
    pub const fn key(self) -> linli_model::keys::SessionKindKey {
        match self {
            Self::Web => linli_model::keys::SessionKindKey::Web,
            Self::Api => linli_model::keys::SessionKindKey::Api,
        }
    }
}

/// Hashes a password with Argon2id (default parameters) on a blocking thread.
pub async fn hash_password(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
        Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(Error::internal)
    })
    .await
    .map_err(Error::internal)?
}

/// Failed logins of one account (from anywhere, 15 minutes) before its
/// answers slow down.
const SLOW_DOWN_AFTER: u32 = 10;
/// The longest pause added to an answer: one second per failure past
/// [`SLOW_DOWN_AFTER`], at most this.
const MAX_PAUSE_SECS: u64 = 5;

/// A hash to verify against when the phone is unknown, so that an unknown
/// number takes as long to refuse as a wrong password.
async fn decoy_hash() -> Result<String> {
    static DECOY: OnceLock<String> = OnceLock::new();
    if let Some(h) = DECOY.get() {
        return Ok(h.clone());
    }
    let h = hash_password(ids::new_token()).await?;
    Ok(DECOY.get_or_init(|| h).clone())
}

fn invalid_credentials() -> Error {
    AppError::new(ErrorCode::InvalidCredentials, Msg::ErrInvalidCredentials).into()
}

fn expired() -> Error {
    AppError::new(ErrorCode::SessionExpired, Msg::ErrSessionExpired).into()
}

impl Backend {
    /// Signs in with phone and password. `client` identifies the caller's
    /// address for rate limiting. Failures never say whether the phone exists.
    pub async fn login(
        &self,
        phone_input: &str,
        password: &str,
        kind: SessionKind,
        client: &str,
    ) -> Result<LoginAnswer> {
        let phone = clean::mobile("phone", phone_input)?;
        if password.is_empty() {
            return Err(AppError::invalid("password", Msg::ErrPasswordRequired).into());
        }
        if password.len() > 256 {
            return Err(invalid_credentials());
        }
        // Each attempt is counted before the password is checked (one
        // atomic step per limiter), so concurrent guesses cannot slip past
        // a limit that is only updated afterwards.
        let client_key = format!("ip:{client}");
        let pair_key = format!("{phone}|{client}");
        for (limiter, key) in [(&self.login_by_client, &client_key), (&self.login_by_pair, &pair_key)] {
            if !limiter.hit(key) {
                let wait = i64::try_from(limiter.retry_after(key)).unwrap_or(i64::MAX);
                return Err(AppError::too_soon(Msg::ErrRateLimited, wait).into());
            }
        }
        // Guessing one account from many addresses is slowed down, never
        // locked out: the rightful user still gets in, just later.
        let failures = self.login_failures.count(&phone);
        if failures > SLOW_DOWN_AFTER {
            let pause = u64::from(failures - SLOW_DOWN_AFTER).min(MAX_PAUSE_SECS);
            tokio::time::sleep(std::time::Duration::from_secs(pause)).await;
        }

        let mut res = run(self.db.query(store::LOGIN).bind(("phone", phone.clone()))).await?;
        let creds: Option<Credentials> = db::row(&mut res, 0)?;
        let stored = match &creds {
            Some(c) => c.password_hash.clone(),
            None => decoy_hash().await?,
        };
        let password = password.to_string();
        let ok = self
            .hashing
            .run(move || {
                let Ok(parsed) = PasswordHash::new(&stored) else { return false };
                Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok()
            })
            .await?;
        let creds = match creds {
            Some(c) if ok && c.active => c,
            _ => {
                self.login_failures.hit(&phone);
                tracing::info!(phone = %phone::mask(&phone), client = %client, "login refused");
                return Err(invalid_credentials());
            }
        };
        self.login_by_pair.reset(&pair_key);
        self.login_by_client.refund(&client_key);

        self.session_for(creds.id.key(), kind).await
    }

    /// Opens a fresh session for a user whose identity was established
    /// (password, or an identity provider).
    pub(crate) async fn session_for(&self, user_id: &str, kind: SessionKind) -> Result<LoginAnswer> {
        let token = ids::new_token();
        let session_id = ids::new_key();
        let now = Utc::now();
        let max = Duration::from_std(self.config.session_max).map_err(Error::internal)?;
        let expires_at = now + max;
        run(self
            .db
            .query(store::SESSION_FOR)
            .bind(("id", SessionId::record_of(session_id.clone())))
            .bind(("user", UserId::record_of(user_id)))
            .bind(("hash", ids::token_hash(&token)))
            .bind(("kind", kind.as_str()))
            .bind(("now", now))
            .bind(("expires", expires_at)))
        .await?;
        let actor = self.load_actor(user_id, &session_id).await?;
        tracing::info!(user = %actor.user_id, role = actor.role.as_str(), kind = kind.as_str(), "signed in");
        Ok(LoginAnswer { token, expires_at, user: actor.me() })
    }

    /// Resolves a session token to the person behind it, or 401.
    pub async fn authenticate(&self, token: &str) -> Result<Actor> {
        if token.is_empty() || token.len() > 128 {
            return Err(expired());
        }
        let hash = ids::token_hash(token);
        let ticket = match self.sessions.get(&hash) {
            Ok(actor) => return Ok(actor),
            Err(ticket) => ticket,
        };
        let mut res = run(self.db.query(store::SESSION_BY_TOKEN).bind(("hash", hash.clone()))).await?;
        let session: SessionRow = db::row(&mut res, 0)?.ok_or_else(expired)?;
        let now = Utc::now();
        let idle = Duration::from_std(self.config.session_idle).map_err(Error::internal)?;
        if session.revoked_at.is_some() || now >= session.expires_at || now - session.last_seen_at >= idle {
            return Err(expired());
        }
        // Refresh the idle clock at most once a minute: a write per request
        // would cost a synced commit on every page view.
        let mut last_seen = session.last_seen_at;
        if now - session.last_seen_at > Duration::seconds(60) {
            // Parallel requests of one session all touch it: a conflict
            // is run again, never a refusal of the request.
            db::retrying(|| {
                run(self.db.query(store::TOUCH_SESSION).bind(("id", session.id.record())).bind(("now", now)))
            })
            .await?;
            last_seen = now;
        }
        let actor = self.load_actor(&session.user, &session.id).await?;
        let valid_until = session.expires_at.min(last_seen + idle);
        self.sessions.put(ticket, hash, actor.clone(), valid_until);
        Ok(actor)
    }

    /// Revokes the caller's session; the token stops working at once.
    pub async fn logout(&self, actor: &Actor) -> Result<()> {
        run(self.db.query(store::LOGOUT).bind(("id", SessionId::record_of(actor.session_id.clone())))).await?;
        self.sessions.forget_all();
        tracing::info!(user = %actor.user_id, "signed out");
        Ok(())
    }
}
