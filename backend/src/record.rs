//! Typed record ids: one type per table, so that a job's key can never be
//! bound as a user's and a row of the wrong table fails to decode.
//!
//! In the database a record id is `table:key`; on the wire (the model's
//! views, URLs) it is the key alone. [`Id`] encodes the one into the other
//! in exactly one place: [`Id::record`] for binding a query parameter, and
//! its `Deserialize` for reading a row, which accepts `table:key` of its own
//! table only (SurrealDB writes keys that are not plain identifiers as
//! `table:⟨key⟩`; both forms are read).

use std::{fmt, hash::Hash, marker::PhantomData};

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};
use surrealdb::types::RecordId;

use crate::ids;

/// The most values a `field IN $list` condition may hold and still read
/// through the field's index: SurrealDB 3 expands `IN` into one index
/// lookup per value up to 32 values (`MAX_IN_EXPANSION_SIZE` in
/// surrealdb-core's index analysis) and reads a longer list by scanning the
/// whole table (on a database with three years of gate entries, 100 ms for
/// a page of 50 passes instead of 2 ms). A query binding a list that may be
/// longer runs once per `chunks(IN_LIST_MAX)` of it; an empty list is not
/// sent at all (it too would scan). `list_plans` checks the bound.
pub const IN_LIST_MAX: usize = 32;

/// A table of the schema (`backend/src/migrations/`), named as in `DEFINE TABLE`.
pub trait Table {
    /// The table's name.
    const NAME: &'static str;
}

/// The key of one record of table `T`.
pub struct Id<T> {
    key: String,
    table: PhantomData<fn() -> T>,
}

impl<T: Table> Id<T> {
    /// A fresh random key ([`ids::new_key`]).
    pub fn generate() -> Self {
        Self::from_key(ids::new_key())
    }

    /// An id from a key that came from us (a stored row, a signed-in
    /// caller, a key already checked); it is not validated again.
    pub fn from_key(key: impl Into<String>) -> Self {
        Self { key: key.into(), table: PhantomData }
    }

    /// An id from a key a client sent: `None` unless it could be one of
    /// ours ([`ids::is_plausible_key`]), so that nothing else reaches a query.
    pub fn parse(key: &str) -> Option<Self> {
        ids::is_plausible_key(key).then(|| Self::from_key(key))
    }

    /// The record id to bind as a query parameter.
    pub fn record(&self) -> RecordId {
        RecordId::new(T::NAME, self.key.clone())
    }

    /// The record id of a key, to bind as a query parameter (for keys held
    /// as text, such as the model's views and the signed-in caller's refs).
    pub fn record_of(key: impl AsRef<str>) -> RecordId {
        RecordId::new(T::NAME, key.as_ref().to_string())
    }

    /// The record ids of many keys, to bind as an array.
    pub fn records_of<K: AsRef<str>>(keys: &[K]) -> Vec<RecordId> {
        keys.iter().map(Self::record_of).collect()
    }

    /// The key, as the model's views carry it.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The key (as [`Id::key`]), for code that reads ids as text.
    pub fn as_str(&self) -> &str {
        &self.key
    }

    /// The key, by value.
    pub fn into_key(self) -> String {
        self.key
    }
}

impl<T> Clone for Id<T> {
    fn clone(&self) -> Self {
        Self { key: self.key.clone(), table: PhantomData }
    }
}

impl<T> PartialEq for Id<T> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl<T> Eq for Id<T> {}

impl<T> Hash for Id<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key.hash(state);
    }
}

impl<T: Table> fmt::Debug for Id<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", T::NAME, self.key)
    }
}

/// The key alone, as on the wire.
impl<T> fmt::Display for Id<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key)
    }
}

/// An id reads as its key wherever text is expected (the other way, text
/// to id, is [`Id::parse`] or [`Id::from_key`]).
impl<T> std::ops::Deref for Id<T> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.key
    }
}

impl<T> PartialEq<Id<T>> for String {
    fn eq(&self, other: &Id<T>) -> bool {
        *self == other.key
    }
}

impl<T> PartialEq<&str> for Id<T> {
    fn eq(&self, other: &&str) -> bool {
        self.key == *other
    }
}

impl<T> AsRef<str> for Id<T> {
    fn as_ref(&self) -> &str {
        &self.key
    }
}

impl<T> PartialEq<str> for Id<T> {
    fn eq(&self, other: &str) -> bool {
        self.key == other
    }
}

impl<T> PartialEq<String> for Id<T> {
    fn eq(&self, other: &String) -> bool {
        &self.key == other
    }
}

impl<T> From<Id<T>> for String {
    fn from(id: Id<T>) -> Self {
        id.key
    }
}

/// Serialised as the key alone (event payloads, the model's views).
impl<T> Serialize for Id<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.key)
    }
}

/// Read from a row: `table:key` or `table:⟨key⟩` of this table; a record
/// of any other table, or a bare string, is an error, not a silent key.
impl<'de, T: Table> Deserialize<'de> for Id<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        key_of::<T>(&raw)
            .map(Self::from_key)
            .ok_or_else(|| de::Error::custom(format_args!("expected a record of table `{}`, found `{raw}`", T::NAME)))
    }
}

/// Reads a list of ids where a missing list (`NONE`, `null`) is empty.
///
/// # Errors
/// Any element that is not a record of `T`'s table.
pub fn list<'de, D: Deserializer<'de>, T: Table>(d: D) -> Result<Vec<Id<T>>, D::Error> {
    Ok(Option::<Vec<Id<T>>>::deserialize(d)?.unwrap_or_default())
}

/// The key of `table:key` when `table` is `T`'s.
fn key_of<T: Table>(raw: &str) -> Option<String> {
    let (table, key) = raw.split_once(':')?;
    let table = table.trim_matches('`');
    let key = key.strip_prefix('⟨').and_then(|k| k.strip_suffix('⟩')).unwrap_or(key);
    let key = key.strip_prefix('`').and_then(|k| k.strip_suffix('`')).unwrap_or(key);
    (table == T::NAME && !key.is_empty()).then(|| key.to_string())
}

macro_rules! tables {
    ($($(#[$meta:meta])* $alias:ident => $marker:ident = $name:literal),+ $(,)?) => {
        /// The tables that rows refer to by id.
        pub mod table {
            $(
                #[doc = concat!("The `", $name, "` table.")]
                #[derive(Debug)]
                pub enum $marker {}

                impl super::Table for $marker {
                    const NAME: &'static str = $name;
                }
            )+
        }

        $(
            $(#[$meta])*
            pub type $alias = Id<table::$marker>;
        )+
    };
}

tables! {
    /// A person with an account: resident, staff or admin.
    UserId => User = "user",
    /// A residential community (小区).
    CommunityId => Community = "community",
    /// A building of a community.
    BuildingId => Building = "building",
    /// A home in a building.
    UnitId => Unit = "unit",
    /// A repair job.
    JobId => Repair = "repair",
    /// A photo's record (the bytes are on disk).
    PhotoId => Photo = "photo",
    /// A rating of a job.
    RatingId => Rating = "rating",
    /// A visitor pass.
    PassId => Pass = "pass",
    /// A visitor's entry through a gate on a pass.
    PassEntryId => PassEntry = "pass_entry",
    /// A visitor registered at the gate without a pass.
    WalkInId => WalkIn = "walk_in",
    /// An elderly resident's help call.
    HelpCallId => HelpCall = "help_call",
    /// The mark that an elder has an open help call, keyed by the elder's
    /// user key: one per elder, so two presses at one instant conflict.
    OpenHelpCallId => OpenHelpCall = "open_help_call",
    /// An elder's paired help device (a tablet by the bed).
    HelpDeviceId => HelpDevice = "help_device",
    /// A regular visit (or phone call) to an elder (定期探访).
    ElderVisitId => ElderVisit = "elder_visit",
    /// An announcement (notice).
    NoticeId => Announcement = "announcement",
    /// The outage part of an outage notice, keyed like its announcement.
    OutageId => Outage = "outage",
    /// A household's "affected" mark on an outage.
    OutageAffectedId => OutageAffected = "outage_affected",
    /// A community event.
    ActivityId => Activity = "activity",
    /// A signed-in session.
    SessionId => Session = "session",
    /// A message waiting in the outbox.
    NotificationId => Notification = "notification",
    /// A follow-up visit (回访) to do after a job.
    FollowUpId => FollowUp = "follow_up",
    /// A pending WeChat binding ticket.
    WeChatBindingId => WeChatBinding = "wechat_binding",
    /// A line of the community's audit log (paging cursors name it).
    AuditId => Audit = "audit",
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_id_decodes_only_from_its_own_table() {
        let job: JobId = serde_json::from_value(serde_json::json!("repair:abc")).unwrap();
        assert_eq!(job.key(), "abc");
        let quoted: UserId = serde_json::from_value(serde_json::json!("user:⟨b-1⟩")).unwrap();
        assert_eq!(quoted.key(), "b-1");
        assert!(serde_json::from_value::<JobId>(serde_json::json!("user:abc")).is_err());
        assert!(serde_json::from_value::<JobId>(serde_json::json!("abc")).is_err());
        assert!(serde_json::from_value::<JobId>(serde_json::json!("repair:")).is_err());
    }

    #[test]
    fn keys_from_clients_are_checked_and_bound_with_their_table() {
        assert!(JobId::parse("x'; DELETE user").is_none());
        let Some(id) = JobId::parse("abc") else { panic!("a plausible key") };
        assert_eq!(id.record(), RecordId::new("repair", "abc".to_string()));
        assert_eq!(UnitId::record_of("u1"), RecordId::new("unit", "u1".to_string()));
        assert_eq!(id.to_string(), "abc");
        assert_eq!(serde_json::to_value(&id).unwrap(), serde_json::json!("abc"));
    }
}
