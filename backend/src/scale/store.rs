//! The generator's store: one row struct per table, with exactly the
//! fields the services write (`backend/src/migrations/`, and the
//! `CREATE ... SET` of each resource's store), and one batched
//! `INSERT INTO <table> $rows` per table, bound, never formatted.
//!
//! Every row the generator writes goes through [`Sink::push`] here, so a
//! field added to a table later is one edit: the struct (and, where it
//! has a `DEFAULT`, not even that).

use chrono::{DateTime, Utc};
use surrealdb::types::{RecordId, SurrealValue};

use super::super::{db::run, error::Result, state::Backend};

// ---- Rows ----

#[derive(SurrealValue, Clone)]
pub(super) struct CommunityRow {
    pub id: RecordId,
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub address: String,
    pub created_at: DateTime<Utc>,
    /// Closings no follow-up rule picked (the one-in-N sample's count).
    pub follow_up_count: i64,
}

#[derive(SurrealValue, Clone)]
pub(super) struct BuildingRow {
    pub id: RecordId,
    pub community: RecordId,
    pub number: String,
    pub name: String,
    pub butler: Option<RecordId>,
    pub created_at: DateTime<Utc>,
}

#[derive(SurrealValue, Clone)]
pub(super) struct UnitRow {
    pub id: RecordId,
    pub community: RecordId,
    pub building: RecordId,
    pub number: String,
    pub created_at: DateTime<Utc>,
}

#[derive(SurrealValue, Clone)]
pub(super) struct ContactRow {
    pub name: String,
    pub phone: String,
    pub relation: String,
}

#[derive(SurrealValue, Clone)]
pub(super) struct UserRow {
    pub id: RecordId,
    pub community: RecordId,
    pub name: String,
    pub phone: String,
    pub password_hash: String,
    pub role: String,
    pub unit: Option<RecordId>,
    pub elder_mode: bool,
    pub trades: Vec<String>,
    pub gate: Option<String>,
    pub on_duty: bool,
    pub active: bool,
    pub emergency_contacts: Vec<ContactRow>,
    pub elder_since: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A job of any kind (repair, complaint, suggestion): the `repair` table.
#[derive(SurrealValue, Clone)]
pub(super) struct JobRow {
    pub id: RecordId,
    pub kind: String,
    pub community: RecordId,
    pub building: RecordId,
    pub unit: RecordId,
    pub reporter: RecordId,
    pub owner: Option<RecordId>,
    pub assignee: Option<RecordId>,
    pub category: String,
    pub complaint_category: Option<String>,
    pub concerns_place: Option<String>,
    pub concerns_unit: Option<RecordId>,
    pub adopted: bool,
    pub description: String,
    pub urgency: String,
    pub status: String,
    pub open: bool,
    pub held_from: Option<String>,
    pub held_since: Option<DateTime<Utc>>,
    pub held_secs: i64,
    pub hold_reason: Option<String>,
    pub hold_code: Option<String>,
    pub resume_at: Option<DateTime<Utc>>,
    pub eta: Option<DateTime<Utc>>,
    pub photos: Vec<RecordId>,
    pub respond_secs: i64,
    pub resolve_secs: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub responded_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub reopen_count: i64,
    pub alerts: Vec<String>,
    pub version: i64,
    pub urge_count: i64,
    pub urged_at: Option<DateTime<Utc>>,
    pub urge_next_at: Option<DateTime<Utc>>,
    pub channel: String,
    pub entered_by: Option<RecordId>,
    pub follow_up_round: Option<i64>,
    pub follow_up_sample: Option<i64>,
    /// When the repairs sweep next has something to do for it (0015;
    /// `linli_model::due::next_due`).
    pub next_due: Option<DateTime<Utc>>,
}

#[derive(SurrealValue, Clone)]
pub(super) struct JobEventRow {
    pub repair: RecordId,
    /// Written by the generator: its batches of jobs and of steps are
    /// flushed separately, so the field's VALUE (the job's community,
    /// migration 0029) could find the job not yet written.
    pub community: RecordId,
    pub seq: i64,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub actor: Option<RecordId>,
    pub actor_name: String,
    pub actor_role: String,
    pub note: String,
    pub photos: Vec<RecordId>,
    pub assignee: Option<RecordId>,
    pub eta: Option<DateTime<Utc>>,
    pub hold_code: Option<String>,
    pub resume_at: Option<DateTime<Utc>>,
    pub held_secs: Option<i64>,
    pub at: DateTime<Utc>,
}

/// A photo's record; the generator writes no image files.
#[derive(SurrealValue, Clone)]
pub(super) struct PhotoRow {
    pub id: RecordId,
    pub community: RecordId,
    pub uploader: RecordId,
    pub width: i64,
    pub height: i64,
    pub bytes: i64,
    pub repair: Option<RecordId>,
    pub created_at: DateTime<Utc>,
}

#[derive(SurrealValue, Clone)]
pub(super) struct RatingRow {
    pub id: RecordId,
    pub community: RecordId,
    pub subject: String,
    pub repair: Option<RecordId>,
    pub building: RecordId,
    pub butler: Option<RecordId>,
    pub assignee: Option<RecordId>,
    pub rater: RecordId,
    pub stars: i64,
    pub tags: Vec<String>,
    pub comment: String,
    pub at: DateTime<Utc>,
}

#[derive(SurrealValue, Clone)]
pub(super) struct FollowUpRow {
    pub community: RecordId,
    pub building: RecordId,
    pub butler: Option<RecordId>,
    pub reason: String,
    pub repair: Option<RecordId>,
    pub rating: Option<RecordId>,
    pub status: String,
    pub note: String,
    pub created_at: DateTime<Utc>,
    pub due_at: Option<DateTime<Utc>>,
    pub done_at: Option<DateTime<Utc>>,
    pub done_by: Option<RecordId>,
    pub outcome: Option<String>,
    pub reopened: bool,
}

#[derive(SurrealValue, Clone)]
pub(super) struct HelpCallRow {
    pub id: RecordId,
    pub community: RecordId,
    pub building: RecordId,
    pub unit: RecordId,
    pub elder: RecordId,
    pub client_key: String,
    pub status: String,
    pub open: bool,
    pub outcome: Option<String>,
    pub escalation_level: i64,
    pub escalated_staff_at: Option<DateTime<Utc>>,
    pub notified_contacts_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<RecordId>,
    pub arrived_at: Option<DateTime<Utc>>,
    pub arrived_by: Option<RecordId>,
    pub closed_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub channel: String,
}

#[derive(SurrealValue, Clone)]
pub(super) struct HelpEventRow {
    pub call: RecordId,
    pub seq: i64,
    pub action: String,
    pub actor: Option<RecordId>,
    pub actor_name: String,
    pub note: String,
    pub at: DateTime<Utc>,
}

#[derive(SurrealValue, Clone)]
pub(super) struct CheckInRow {
    pub community: RecordId,
    pub elder: RecordId,
    pub day: String,
    pub at: DateTime<Utc>,
}

#[derive(SurrealValue, Clone)]
pub(super) struct CheckInFollowUpRow {
    pub community: RecordId,
    pub elder: RecordId,
    pub day: String,
    pub result: String,
    pub note: String,
    pub by: RecordId,
    pub at: DateTime<Utc>,
}

#[derive(SurrealValue, Clone)]
pub(super) struct CheckInAlertRow {
    pub community: RecordId,
    pub day: String,
    pub at: DateTime<Utc>,
}

#[derive(SurrealValue, Clone)]
pub(super) struct ElderVisitRow {
    pub community: RecordId,
    pub building: RecordId,
    pub elder: RecordId,
    pub by: RecordId,
    pub visited_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub mode: String,
    pub condition: String,
    pub note: String,
    pub follow_up: String,
    pub due: String,
    pub on_time: bool,
}

#[derive(SurrealValue, Clone)]
pub(super) struct PassRow {
    pub id: RecordId,
    pub community: RecordId,
    pub building: RecordId,
    pub unit: RecordId,
    pub host: RecordId,
    pub visitor_name: String,
    pub visitor_phone: Option<String>,
    pub purpose: String,
    pub plate: Option<String>,
    pub valid_from: DateTime<Utc>,
    pub valid_until: DateTime<Utc>,
    pub max_entries: i64,
    pub entries_used: i64,
    pub token_hash: String,
    pub code_hash: String,
    pub revoked_at: Option<DateTime<Utc>>,
    pub purged: bool,
    pub recurring: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(SurrealValue, Clone)]
pub(super) struct PassEntryRow {
    pub community: RecordId,
    pub pass: Option<RecordId>,
    pub walk_in: Option<RecordId>,
    pub unit: RecordId,
    pub gate: String,
    pub guard: RecordId,
    pub at: DateTime<Utc>,
}

#[derive(SurrealValue, Clone)]
pub(super) struct WalkInRow {
    pub id: RecordId,
    pub community: RecordId,
    pub building: RecordId,
    pub unit: RecordId,
    pub visitor_name: String,
    pub visitor_phone: Option<String>,
    pub purpose: String,
    pub gate: String,
    pub guard: RecordId,
    pub status: String,
    pub decided_by: Option<RecordId>,
    pub decided_at: Option<DateTime<Utc>>,
    pub purged: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(SurrealValue, Clone)]
pub(super) struct NoticeRow {
    pub id: RecordId,
    pub community: RecordId,
    pub author: RecordId,
    pub title: String,
    pub body: String,
    pub category: String,
    pub buildings: Vec<RecordId>,
    pub pinned: bool,
    pub urgent: bool,
    pub expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(SurrealValue, Clone)]
pub(super) struct NoticeReadRow {
    pub announcement: RecordId,
    pub user: RecordId,
    pub unit: Option<RecordId>,
    pub at: DateTime<Utc>,
}

#[derive(SurrealValue, Clone)]
pub(super) struct ActivityRow {
    pub id: RecordId,
    pub community: RecordId,
    pub author: RecordId,
    pub title: String,
    pub description: String,
    pub place: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub capacity: i64,
    pub rsvp_deadline: Option<DateTime<Utc>>,
    pub going: i64,
    pub created_at: DateTime<Utc>,
}

#[derive(SurrealValue, Clone)]
pub(super) struct RsvpRow {
    pub activity: RecordId,
    pub user: RecordId,
    pub unit: Option<RecordId>,
    pub headcount: i64,
    pub status: String,
    pub queued_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

// ---- Queries ----

/// The scale communities already present (`scale-...` codes).
pub(crate) const SCALE_COMMUNITY_BY_CODE: &str = "SELECT VALUE id FROM community WHERE code = $code";

/// A generated account by its phone (`after_scale`).
pub(crate) const USER_BY_PHONE: &str = "SELECT VALUE id FROM user WHERE phone = $phone";

pub(crate) const INSERT_COMMUNITY: &str = "INSERT INTO community $rows RETURN NONE";
pub(crate) const INSERT_BUILDING: &str = "INSERT INTO building $rows RETURN NONE";
pub(crate) const INSERT_UNIT: &str = "INSERT INTO unit $rows RETURN NONE";
pub(crate) const INSERT_USER: &str = "INSERT INTO user $rows RETURN NONE";
pub(crate) const INSERT_REPAIR: &str = "INSERT INTO repair $rows RETURN NONE";
pub(crate) const INSERT_REPAIR_EVENT: &str = "INSERT INTO repair_event $rows RETURN NONE";
pub(crate) const INSERT_PHOTO: &str = "INSERT INTO photo $rows RETURN NONE";
pub(crate) const INSERT_RATING: &str = "INSERT INTO rating $rows RETURN NONE";
pub(crate) const INSERT_FOLLOW_UP: &str = "INSERT INTO follow_up $rows RETURN NONE";
pub(crate) const INSERT_HELP_CALL: &str = "INSERT INTO help_call $rows RETURN NONE";
pub(crate) const INSERT_HELP_EVENT: &str = "INSERT INTO help_event $rows RETURN NONE";
pub(crate) const INSERT_CHECK_IN: &str = "INSERT INTO check_in $rows RETURN NONE";
pub(crate) const INSERT_CHECK_IN_FOLLOW_UP: &str = "INSERT INTO check_in_follow_up $rows RETURN NONE";
/// IGNORE: the check-in duty of a server running meanwhile may have
/// claimed the day already (the claim is once per community and day).
pub(crate) const INSERT_CHECK_IN_ALERT: &str = "INSERT IGNORE INTO check_in_alert $rows RETURN NONE";
pub(crate) const INSERT_ELDER_VISIT: &str = "INSERT INTO elder_visit $rows RETURN NONE";
pub(crate) const INSERT_PASS: &str = "INSERT INTO pass $rows RETURN NONE";
pub(crate) const INSERT_PASS_ENTRY: &str = "INSERT INTO pass_entry $rows RETURN NONE";
pub(crate) const INSERT_WALK_IN: &str = "INSERT INTO walk_in $rows RETURN NONE";
pub(crate) const INSERT_ANNOUNCEMENT: &str = "INSERT INTO announcement $rows RETURN NONE";
pub(crate) const INSERT_ANNOUNCEMENT_READ: &str = "INSERT INTO announcement_read $rows RETURN NONE";
pub(crate) const INSERT_ACTIVITY: &str = "INSERT INTO activity $rows RETURN NONE";
pub(crate) const INSERT_RSVP: &str = "INSERT INTO rsvp $rows RETURN NONE";

/// Every query of this store, by name, for the check that runs each
/// against a migrated database (`crate::queries_check`).
#[cfg(test)]
pub(crate) const ALL: &[(&str, &str)] = &[
    ("SCALE_COMMUNITY_BY_CODE", SCALE_COMMUNITY_BY_CODE),
    ("USER_BY_PHONE", USER_BY_PHONE),
    ("INSERT_COMMUNITY", INSERT_COMMUNITY),
    ("INSERT_BUILDING", INSERT_BUILDING),
    ("INSERT_UNIT", INSERT_UNIT),
    ("INSERT_USER", INSERT_USER),
    ("INSERT_REPAIR", INSERT_REPAIR),
    ("INSERT_REPAIR_EVENT", INSERT_REPAIR_EVENT),
    ("INSERT_PHOTO", INSERT_PHOTO),
    ("INSERT_RATING", INSERT_RATING),
    ("INSERT_FOLLOW_UP", INSERT_FOLLOW_UP),
    ("INSERT_HELP_CALL", INSERT_HELP_CALL),
    ("INSERT_HELP_EVENT", INSERT_HELP_EVENT),
    ("INSERT_CHECK_IN", INSERT_CHECK_IN),
    ("INSERT_CHECK_IN_FOLLOW_UP", INSERT_CHECK_IN_FOLLOW_UP),
    ("INSERT_CHECK_IN_ALERT", INSERT_CHECK_IN_ALERT),
    ("INSERT_ELDER_VISIT", INSERT_ELDER_VISIT),
    ("INSERT_PASS", INSERT_PASS),
    ("INSERT_PASS_ENTRY", INSERT_PASS_ENTRY),
    ("INSERT_WALK_IN", INSERT_WALK_IN),
    ("INSERT_ANNOUNCEMENT", INSERT_ANNOUNCEMENT),
    ("INSERT_ANNOUNCEMENT_READ", INSERT_ANNOUNCEMENT_READ),
    ("INSERT_ACTIVITY", INSERT_ACTIVITY),
    ("INSERT_RSVP", INSERT_RSVP),
];

// ---- Writing in batches ----

/// The rows of one table waiting to be written, and how many were.
pub(super) struct Batch<T> {
    pub table: &'static str,
    sql: &'static str,
    rows: Vec<T>,
    pub written: u64,
}

impl<T: SurrealValue + Send + 'static> Batch<T> {
    pub(super) fn new(table: &'static str, sql: &'static str) -> Self {
        Self { table, sql, rows: Vec::new(), written: 0 }
    }

    /// Queues a row; writes the batch when it holds `size` rows.
    pub(super) async fn push(&mut self, b: &Backend, size: usize, row: T) -> Result<()> {
        self.rows.push(row);
        if self.rows.len() >= size { self.flush(b).await } else { Ok(()) }
    }

    /// Writes what is queued, in one statement.
    pub(super) async fn flush(&mut self, b: &Backend) -> Result<()> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let rows = std::mem::take(&mut self.rows);
        let n = rows.len() as u64;
        run(b.db.query(self.sql).bind(("rows", rows))).await?;
        self.written += n;
        Ok(())
    }
}

/// Every table's batch for one community's rows.
pub(super) struct Sink {
    pub size: usize,
    /// Passes valid now and not used up, as (community code, token,
    /// code), a few per community, for benchmarks of the gate.
    pub live_passes: Vec<(String, String, String)>,
    pub community: Batch<CommunityRow>,
    pub building: Batch<BuildingRow>,
    pub unit: Batch<UnitRow>,
    pub user: Batch<UserRow>,
    pub repair: Batch<JobRow>,
    pub repair_event: Batch<JobEventRow>,
    pub photo: Batch<PhotoRow>,
    pub rating: Batch<RatingRow>,
    pub follow_up: Batch<FollowUpRow>,
    pub help_call: Batch<HelpCallRow>,
    pub help_event: Batch<HelpEventRow>,
    pub check_in: Batch<CheckInRow>,
    pub check_in_follow_up: Batch<CheckInFollowUpRow>,
    pub check_in_alert: Batch<CheckInAlertRow>,
    pub elder_visit: Batch<ElderVisitRow>,
    pub pass: Batch<PassRow>,
    pub pass_entry: Batch<PassEntryRow>,
    pub walk_in: Batch<WalkInRow>,
    pub announcement: Batch<NoticeRow>,
    pub announcement_read: Batch<NoticeReadRow>,
    pub activity: Batch<ActivityRow>,
    pub rsvp: Batch<RsvpRow>,
}

/// Calls `$m!(field)` for every batch of a [`Sink`], in writing order
/// (a row's references before the row).
macro_rules! each_batch {
    ($m:ident) => {
        $m!(community);
        $m!(building);
        $m!(unit);
        $m!(user);
        $m!(photo);
        $m!(repair);
        $m!(repair_event);
        $m!(rating);
        $m!(follow_up);
        $m!(help_call);
        $m!(help_event);
        $m!(check_in);
        $m!(check_in_follow_up);
        $m!(check_in_alert);
        $m!(elder_visit);
        $m!(pass);
        $m!(walk_in);
        $m!(pass_entry);
        $m!(announcement);
        $m!(announcement_read);
        $m!(activity);
        $m!(rsvp);
    };
}

impl Sink {
    pub(super) fn new(size: usize) -> Self {
        Self {
            size: size.max(1),
            live_passes: Vec::new(),
            community: Batch::new("community", INSERT_COMMUNITY),
            building: Batch::new("building", INSERT_BUILDING),
            unit: Batch::new("unit", INSERT_UNIT),
            user: Batch::new("user", INSERT_USER),
            repair: Batch::new("repair", INSERT_REPAIR),
            repair_event: Batch::new("repair_event", INSERT_REPAIR_EVENT),
            photo: Batch::new("photo", INSERT_PHOTO),
            rating: Batch::new("rating", INSERT_RATING),
            follow_up: Batch::new("follow_up", INSERT_FOLLOW_UP),
            help_call: Batch::new("help_call", INSERT_HELP_CALL),
            help_event: Batch::new("help_event", INSERT_HELP_EVENT),
            check_in: Batch::new("check_in", INSERT_CHECK_IN),
            check_in_follow_up: Batch::new("check_in_follow_up", INSERT_CHECK_IN_FOLLOW_UP),
            check_in_alert: Batch::new("check_in_alert", INSERT_CHECK_IN_ALERT),
            elder_visit: Batch::new("elder_visit", INSERT_ELDER_VISIT),
            pass: Batch::new("pass", INSERT_PASS),
            pass_entry: Batch::new("pass_entry", INSERT_PASS_ENTRY),
            walk_in: Batch::new("walk_in", INSERT_WALK_IN),
            announcement: Batch::new("announcement", INSERT_ANNOUNCEMENT),
            announcement_read: Batch::new("announcement_read", INSERT_ANNOUNCEMENT_READ),
            activity: Batch::new("activity", INSERT_ACTIVITY),
            rsvp: Batch::new("rsvp", INSERT_RSVP),
        }
    }

    /// Writes every row still queued.
    pub(super) async fn flush(&mut self, b: &Backend) -> Result<()> {
        macro_rules! flush {
            ($f:ident) => {
                self.$f.flush(b).await?;
            };
        }
        each_batch!(flush);
        Ok(())
    }

    /// Rows written, by table, in writing order.
    pub(super) fn counts(&self) -> Vec<(&'static str, u64)> {
        let mut out = Vec::new();
        macro_rules! count {
            ($f:ident) => {
                out.push((self.$f.table, self.$f.written));
            };
        }
        each_batch!(count);
        out
    }
}

/// Writes `row` into `sink.$table`, flushing that table's batch when full.
macro_rules! put {
    ($b:expr, $sink:expr, $table:ident, $row:expr) => {{
        let size = $sink.size;
        $sink.$table.push($b, size, $row).await?
    }};
}
pub(super) use put;
