//! The notices store: the rows as stored and their projections, and the queries, each a named static
//! SurrealQL string with bound parameters (`$name`), never formatted.
//! Rules and orchestration are in the parent module.

use super::*;

macro_rules! notice_select {
    () => {
        "SELECT *, author.name AS author_name,
                { LET $of = id; RETURN count((SELECT id FROM announcement_read WHERE announcement = $of AND user = $me)) > 0; } AS read_by_me,
                (IF category = 'outage' THEN { LET $of = id; RETURN (SELECT kind, expected_end, ended_at FROM outage WHERE announcement = $of LIMIT 1)[0]; } ELSE NONE END) AS outage
         FROM announcement"
    };
}

#[derive(Deserialize)]
pub(super) struct NoticeRow {
    pub(super) id: NoticeId,
    pub(super) community: CommunityId,
    pub(super) title: String,
    pub(super) body: String,
    pub(super) category: NoticeCategory,
    #[serde(default, deserialize_with = "crate::record::list")]
    pub(super) buildings: Vec<BuildingId>,
    pub(super) pinned: bool,
    pub(super) urgent: bool,
    #[serde(default)]
    pub(super) expires_at: Option<DateTime<Utc>>,
    pub(super) author_name: String,
    pub(super) created_at: DateTime<Utc>,
    #[serde(default)]
    pub(super) read_by_me: bool,
    /// The outage part of an outage notice (issue 18).
    #[serde(default)]
    pub(super) outage: Option<OutageBrief>,
}

/// What a notice list shows of its outage.
#[derive(Deserialize)]
pub(super) struct OutageBrief {
    pub(super) kind: linli_model::outage::OutageKind,
    pub(super) expected_end: DateTime<Utc>,
    #[serde(default)]
    pub(super) ended_at: Option<DateTime<Utc>>,
}

#[derive(Deserialize)]
pub(super) struct ResidentRow {
    pub(super) id: UserId,
    pub(super) name: String,
    pub(super) phone: String,
    pub(super) elder_mode: bool,
    pub(super) unit: UnitId,
    pub(super) unit_number: String,
    pub(super) building: BuildingId,
    pub(super) building_number: String,
    pub(super) building_name: String,
}

#[derive(Deserialize)]
pub(super) struct ReadUnit {
    #[serde(default)]
    pub(super) unit: Option<UnitId>,
}

impl NoticeRow {
    /// Whether `actor` is in the audience.
    pub(super) fn reaches(&self, actor: &Actor) -> bool {
        actor.is_addressed_by(&self.community, &self.buildings)
    }

    /// Whether `actor` is shown this notice at `now`, in a list or by its
    /// id: addressed to them, and not expired unless they see expired
    /// notices (`Actor::sees_expired_notices`).
    pub(super) fn shown_to(&self, actor: &Actor, now: DateTime<Utc>) -> bool {
        self.reaches(actor) && (actor.sees_expired_notices() || self.expires_at.is_none_or(|e| e > now))
    }

    pub(super) fn view(&self) -> Announcement {
        Announcement {
            id: String::from(self.id.clone()),
            title: self.title.clone(),
            body: self.body.clone(),
            category: self.category,
            building_ids: self.buildings.clone().into_iter().map(String::from).collect(),
            pinned: self.pinned,
            urgent: self.urgent,
            expires_at: self.expires_at,
            author: self.author_name.clone(),
            created_at: self.created_at,
            read: self.read_by_me,
            households: None,
            households_read: None,
            outage: self.outage.as_ref().map(|o| linli_model::outage::OutageInfo {
                kind: o.kind,
                expected_end: o.expected_end,
                ended_at: o.ended_at,
                affected_by_me: false,
                affected_households: None,
                linked_jobs: None,
            }),
        }
    }
}

/// Used by `publish_notice` (notices/mod.rs).
pub(crate) const PUBLISH_NOTICE: &str = concat!(
    "BEGIN TRANSACTION;
                 CREATE $n SET community = $c, author = $me, title = $title, body = $body, category = $category,
                     buildings = $buildings, pinned = $pinned, urgent = $urgent, expires_at = $expires,
                     created_at = $now;",
    crate::outages::store::outage_create!(),
    "COMMIT TRANSACTION;"
);

/// Used by `load_notice` (notices/mod.rs).
pub(crate) const LOAD_NOTICE: &str = concat!(notice_select!(), " WHERE id = $id");

/// Used by `notices` (notices/mod.rs): the notices of one rank (`$pinned`,
/// `$urgent`), newest first, after the keyset cursor `($at, $after)` with
/// `$at` the negated instant in nanoseconds (`newest_first`); read forward
/// in the order of `announcement_rank_newest` (a backward scan costs
/// SurrealKV many times more), so a page reads the page, not the
/// community's history. The list reads the ranks in turn (pinned and
/// urgent, pinned, urgent, the rest). `$reach` (`Actor::notice_reach`;
/// NONE: every building's) and `$unexpired_at` (NONE: expired ones too)
/// leave out, before the row's projections are computed, the notices the
/// caller would not be shown; the service still checks each row.
pub(crate) const NOTICES: &str = concat!(
    notice_select!(),
    " WHERE community = $c AND pinned = $pinned AND urgent = $urgent
        AND ($at = NONE OR newest_first > $at OR (newest_first = $at AND id > $after))
        AND ($reach = NONE OR array::len(buildings) = 0 OR buildings CONTAINSANY $reach)
        AND ($unexpired_at = NONE OR expires_at = NONE OR expires_at > $unexpired_at)
      ORDER BY newest_first ASC, id ASC LIMIT $fetch"
);

/// Used by `mark_read` (notices/mod.rs).
pub(crate) const MARK_READ: &str =
    "CREATE announcement_read SET announcement = $n, user = $me, unit = $unit, at = $now";

/// Used by `reached_residents` (notices/mod.rs).
pub(crate) const REACHED_RESIDENTS: &str =
    "SELECT id, name, phone, elder_mode, unit, unit.number AS unit_number, unit.building AS building,
                        unit.building.number AS building_number, unit.building.name AS building_name
                 FROM user WITH INDEX user_community_role
                 WHERE community = $c AND role = 'resident' AND active = true AND unit != NONE";

/// Used by `read_units` (notices/mod.rs).
pub(crate) const READ_UNITS: &str = "SELECT unit FROM announcement_read WHERE announcement = $n";

/// Every query of this store, by name, for the check that runs each
/// against a migrated database (`crate::queries_check`).
#[cfg(test)]
pub(crate) const ALL: &[(&str, &str)] = &[
    ("PUBLISH_NOTICE", PUBLISH_NOTICE),
    ("LOAD_NOTICE", LOAD_NOTICE),
    ("NOTICES", NOTICES),
    ("MARK_READ", MARK_READ),
    ("REACHED_RESIDENTS", REACHED_RESIDENTS),
    ("READ_UNITS", READ_UNITS),
];
