//! Help devices: the elder's screen as a personal alarm device.
//!
//! A personal alarm (a pendant, a bedside button) is paired once and then
//! works for years without anyone signing in. An elder's tablet left on
//! the help screen must do the same, so a session that expires after
//! weeks is the wrong credential for it. When an elder signs in on the
//! web (or a mini-program asks for one), the device gets a **help device
//! credential**: a random token (only its hash is stored) that can do
//! nothing but press help, check in and show the elder's own help screen,
//! for that one elder. It is renewed while the screen is in use (every
//! use moves its expiry [`DEVICE_LIFETIME_DAYS`] ahead, stored at most
//! hourly), and the butler of the elder's building (or the manager) sees
//! every device of an elder and can revoke one at once: a revoked or
//! expired device is refused on its next use, nothing is cached.
//!
//! The credential can never reach anything else: only the help press,
//! the check-in and the elder's home accept it (`help_caller` below and
//! the server's `HelpCaller` extractor); every other endpoint knows only
//! sessions.

use crate::record::{CommunityId, HelpDeviceId, UserId};
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;

use super::{
    Backend,
    db::{row, rows, run},
    error::Result,
    ids,
    policy::{Actor, Permission},
};
use linli_model::{
    AppError, ErrorCode, Msg,
    help::{HelpDevice, PairedDevice},
    keys::AuditAction,
};
pub(crate) mod store;

use store::*;

/// A device unused for this long stops working (an elder's tablet that is
/// in use renews itself long before).
pub const DEVICE_LIFETIME_DAYS: i64 = 180;
/// Use is recorded (and the expiry moved) at most this often: often
/// enough that the device unpaired beyond [`MAX_DEVICES`] is the one least
/// recently used (a bedside tablet pressed a minute ago is kept when
/// someone signs in on their eleventh browser), one write a minute at most.
const RENEW_EVERY: Duration = Duration::minutes(1);
/// Devices one elder may hold; the least recently used is revoked beyond it.
const MAX_DEVICES: usize = 10;

fn device_refused() -> AppError {
    AppError::new(ErrorCode::SessionExpired, Msg::ErrSessionExpired)
}

/// A short, harmless description of the device from its `User-Agent`.
pub fn device_label(user_agent: &str) -> String {
    let ua = user_agent.to_ascii_lowercase();
    let kind = if ua.contains("ipad") || ua.contains("tablet") {
        "平板 tablet"
    } else if ua.contains("micromessenger") {
        "微信 WeChat"
    } else if ua.contains("mobile") || ua.contains("android") || ua.contains("iphone") {
        "手机 phone"
    } else {
        "电脑 computer"
    };
    kind.to_string()
}

impl Backend {
    /// Issues a help device credential to an elder (a resident in elder
    /// mode) who is signed in; `None` for anyone else.
    pub async fn issue_help_device(&self, actor: &Actor, label: &str) -> Result<Option<PairedDevice>> {
        if !actor.is_elder() {
            return Ok(None);
        }
        let token = ids::new_token();
        let id = ids::new_key();
        let now = Utc::now();
        let expires_at = now + Duration::days(DEVICE_LIFETIME_DAYS);
        let label: String = linli_model::text::line(label).chars().take(40).collect();
        let mut res = run(self
            .db
            .query(store::ISSUE_HELP_DEVICE)
            .bind(("id", HelpDeviceId::record_of(id.clone())))
            .bind(("elder", UserId::record_of(&actor.user_id)))
            .bind(("community", CommunityId::record_of(actor.community_id())))
            .bind(("hash", ids::token_hash(&token)))
            .bind(("label", label))
            .bind(("now", now))
            .bind(("expires", expires_at)))
        .await?;
        let live: Vec<surrealdb::types::RecordId> = res.take(1)?;
        if live.len() > MAX_DEVICES {
            run(self
                .db
                .query(store::REVOKE_REPLACED_DEVICES)
                .bind(("old", live.into_iter().skip(MAX_DEVICES).collect::<Vec<_>>())))
            .await?;
        }
        tracing::info!(user = %actor.user_id, device = %id, "help device paired");
        Ok(Some(PairedDevice { id, token, expires_at }))
    }

    /// The device holding `token` when it is live (paired, not revoked,
    /// not expired) at `now`; `None` for anything else, a token of a
    /// length no device has included.
    async fn live_device(&self, token: &str, now: DateTime<Utc>) -> Result<Option<DeviceRow>> {
        if token.is_empty() || token.len() > 128 {
            return Ok(None);
        }
        let mut res = run(self.db.query(store::DEVICE_BY_TOKEN).bind(("hash", ids::token_hash(token)))).await?;
        let device: Option<DeviceRow> = row(&mut res, 0)?;
        Ok(device.filter(|d| d.revoked_at.is_none() && now < d.expires_at))
    }

    /// The elder behind a help device credential, or 401 when it is
    /// unknown, revoked, expired, or the person is no longer an active
    /// elder. Renews the device (at most every [`RENEW_EVERY`]). Callers
    /// must use the answer for help presses, check-ins and the elder's
    /// home only.
    pub async fn help_device_elder(&self, token: &str) -> Result<(Actor, DateTime<Utc>)> {
        let now = Utc::now();
        let device = self.live_device(token, now).await?.ok_or_else(device_refused)?;
        let actor = self.load_actor(device.elder.key(), &format!("device:{}", device.id)).await?;
        if !actor.is_elder() {
            return Err(device_refused().into());
        }
        let mut expires_at = device.expires_at;
        if now - device.last_used_at >= RENEW_EVERY {
            expires_at = now + Duration::days(DEVICE_LIFETIME_DAYS);
            run(self
                .db
                .query(store::RENEW_DEVICE)
                .bind(("id", device.id.record()))
                .bind(("now", now))
                .bind(("expires", expires_at)))
            .await?;
        }
        Ok((actor, expires_at))
    }

    /// Whether `token` is a help device credential that is live, without
    /// renewing it: a device that asks for what only a session may do is
    /// told 403, not "sign in again".
    pub async fn help_device_is_live(&self, token: &str) -> Result<bool> {
        Ok(self.live_device(token, Utc::now()).await?.is_some())
    }

    /// The caller of a help press, check-in or the elder's home: the
    /// session when it is valid, else the help device credential. Answers
    /// the person and, when it came from a device, the device's new expiry
    /// (to renew its cookie).
    pub async fn help_caller(
        &self,
        session: Option<&str>,
        device: Option<&str>,
    ) -> Result<(Actor, Option<DateTime<Utc>>)> {
        let by_session = match session {
            Some(token) => self.authenticate(token).await,
            None => Err(device_refused().into()),
        };
        match (by_session, device) {
            (Ok(actor), _) => Ok((actor, None)),
            (Err(super::Error::App(_)), Some(device)) => {
                let (actor, until) = self.help_device_elder(device).await?;
                Ok((actor, Some(until)))
            }
            (Err(e), _) => Err(e),
        }
    }

    /// Unpairs the device holding `token` (its own sign-out).
    pub async fn unpair_help_device(&self, token: &str) -> Result<()> {
        run(self.db.query(store::UNPAIR_HELP_DEVICE).bind(("hash", ids::token_hash(token)))).await?;
        Ok(())
    }

    /// An elder's devices, newest use first (butler of the building, duty
    /// room, manager).
    pub async fn help_devices(&self, actor: &Actor, elder_id: &str) -> Result<Vec<HelpDevice>> {
        actor.require(Permission::SeeHelpDevices)?;
        self.resident_in_reach(actor, elder_id).await?;
        let mut res = run(self.db.query(store::HELP_DEVICES).bind(("elder", UserId::record_of(elder_id)))).await?;
        Ok(rows::<DeviceRow>(&mut res, 0)?.iter().map(DeviceRow::view).collect())
    }

    /// Revokes one of an elder's devices; it is refused from its next use.
    pub async fn revoke_help_device(&self, actor: &Actor, elder_id: &str, device_id: &str) -> Result<()> {
        actor.require(Permission::RevokeHelpDevice)?;
        self.resident_in_reach(actor, elder_id).await?;
        if !ids::is_plausible_key(device_id) {
            return Err(AppError::not_found().into());
        }
        let mut res = run(self
            .db
            .query(store::REVOKE_HELP_DEVICE)
            .bind(("id", HelpDeviceId::record_of(device_id)))
            .bind(("elder", UserId::record_of(elder_id))))
        .await?;
        let changed: Vec<surrealdb::types::RecordId> = res.take(0)?;
        if changed.is_empty() {
            return Err(AppError::not_found().into());
        }
        self.audit(actor, AuditAction::HelpDeviceRevoke, elder_id, device_id).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_say_what_kind_of_device_and_nothing_more() {
        assert_eq!(device_label("Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)"), "平板 tablet");
        assert_eq!(device_label("Mozilla/5.0 (Linux; Android 14; M2012K11AC) Mobile Safari"), "手机 phone");
        assert_eq!(device_label("Mozilla/5.0 MicroMessenger/8.0.47"), "微信 WeChat");
        assert_eq!(device_label("Mozilla/5.0 (X11; Linux x86_64) Chrome/156"), "电脑 computer");
    }
}
