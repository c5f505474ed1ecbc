//! The outages store: the rows as stored, and the queries, each a named
//! static SurrealQL string with bound parameters (`$name`), never
//! formatted. Rules and orchestration are in the parent module.

use super::*;

/// An outage as stored, with its announcement's title and its buildings' names.
#[derive(Deserialize, Clone)]
pub(crate) struct OutageRow {
    pub(crate) id: OutageId,
    pub(crate) announcement: NoticeId,
    pub(crate) community: CommunityId,
    pub(crate) kind: OutageKind,
    #[serde(default, deserialize_with = "crate::record::list")]
    pub(crate) buildings: Vec<BuildingId>,
    pub(crate) expected_end: DateTime<Utc>,
    pub(crate) open: bool,
    #[serde(default)]
    pub(crate) ended_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub(crate) title: String,
    #[serde(default)]
    pub(crate) building_names: Vec<String>,
}

impl OutageRow {
    /// Whether it covers `building` (an empty list: the whole community).
    pub(crate) fn covers(&self, building: &str) -> bool {
        self.buildings.is_empty() || self.buildings.iter().any(|b| b.as_str() == building)
    }

    pub(crate) fn place(&self) -> String {
        self.building_names.join("、")
    }

    pub(crate) fn building_ids(&self) -> Vec<String> {
        self.buildings.iter().cloned().map(String::from).collect()
    }
}

#[derive(Deserialize)]
pub(super) struct ButlerRow {
    pub(super) butler: UserId,
    #[serde(default)]
    pub(super) phone: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct CountRow {
    #[serde(default)]
    pub(super) n: u32,
}

macro_rules! outage_select {
    () => {
        "SELECT *, announcement.title AS title, buildings.name AS building_names FROM outage"
    };
}

/// Used by `publish_notice` (notices/mod.rs), inside its transaction: the
/// outage part of an outage notice, when `$kind` is set.
macro_rules! outage_create {
    () => {
        "IF $kind != NONE {
             CREATE $o SET announcement = $n, community = $c, kind = $kind, buildings = $buildings,
                 expected_end = $expected_end, open = true, alert_pending = true, created_at = $now, version = 1;
         };"
    };
}
pub(crate) use outage_create;

/// Used by `load_outage` (outages/mod.rs).
pub(crate) const LOAD_OUTAGE: &str = concat!(outage_select!(), " WHERE id = $o");

/// Used by `open_outages` (outages/mod.rs).
pub(crate) const OPEN_OUTAGES: &str = concat!(outage_select!(), " WHERE community = $c AND open = true LIMIT 500");

/// Used by `active_outages` and `outage_info` (outages/mod.rs).
pub(crate) const AFFECTED_OF_UNIT: &str =
    "SELECT VALUE outage FROM outage_affected WHERE unit = $unit AND outage IN $outages";

/// Used by `mark_outage_affected` (outages/mod.rs).
pub(crate) const MARK_AFFECTED: &str = "CREATE outage_affected SET outage = $o, unit = $unit, user = $me, at = $now";

/// Used by `outage_info` (outages/mod.rs): households affected, open linked reports.
pub(crate) const OUTAGE_COUNTS: &str = "SELECT count() AS n FROM outage_affected WHERE outage = $o GROUP ALL;
                 SELECT count() AS n FROM repair WHERE outage = $o AND open = true GROUP ALL;";

/// Used by `link_repair_to_outage` (outages/mod.rs).
pub(crate) const LINK_REPAIR: &str = "UPDATE $job SET outage = $o";

/// Used by `end_outage` (outages/mod.rs): ends it once (the winner gets the row back).
pub(crate) const END_OUTAGE: &str =
    "UPDATE $o SET open = false, ended_at = $now, ended_by = $me, alert_pending = false,
                     version = version + 1 WHERE open = true RETURN VALUE id";

/// Used by `end_outage` (outages/mod.rs): the open reports to resolve with it.
pub(crate) const LINKED_OPEN_JOBS: &str = "SELECT VALUE id FROM repair WHERE outage = $o AND open = true";

/// Used by `extend_outage` (outages/mod.rs): a new expected end, alerting again then.
pub(crate) const EXTEND_OUTAGE: &str = "UPDATE $o SET expected_end = $end, alert_pending = true, alerted_at = NONE,
                     version = version + 1 WHERE open = true RETURN VALUE id";

/// Used by `sweep_outages` (outages/mod.rs): due alerts, through the
/// `outage_due` index.
pub(crate) const DUE_OUTAGES: &str =
    concat!(outage_select!(), " WHERE alert_pending = true AND expected_end <= $now LIMIT 100");

/// Used by `alert_overdue` (outages/mod.rs): the butlers of the affected
/// buildings (all the community's when it is community-wide).
pub(crate) const BUTLERS_OF: &str = "SELECT butler, butler.phone AS phone FROM building
                 WHERE community = $c AND butler != NONE AND (array::len($buildings) = 0 OR id IN $buildings)";

/// Used by `alert_overdue` (outages/mod.rs): claims the alert (once, across
/// processes) and queues the butlers' messages in the same transaction.
pub(crate) const ALERT_OVERDUE: &str = concat!(
    "BEGIN TRANSACTION;
                 LET $won = (UPDATE $o SET alert_pending = false, alerted_at = $now
                     WHERE alert_pending = true AND open = true AND expected_end <= $now RETURN AFTER);
                 IF array::len($won) = 0 { THROW 'lost' };",
    outbox_create!(),
    "COMMIT TRANSACTION;"
);

/// Every query of this store, by name, for the check that runs each
/// against a migrated database (`crate::queries_check`).
#[cfg(test)]
pub(crate) const ALL: &[(&str, &str)] = &[
    ("LOAD_OUTAGE", LOAD_OUTAGE),
    ("OPEN_OUTAGES", OPEN_OUTAGES),
    ("AFFECTED_OF_UNIT", AFFECTED_OF_UNIT),
    ("MARK_AFFECTED", MARK_AFFECTED),
    ("OUTAGE_COUNTS", OUTAGE_COUNTS),
    ("LINK_REPAIR", LINK_REPAIR),
    ("END_OUTAGE", END_OUTAGE),
    ("LINKED_OPEN_JOBS", LINKED_OPEN_JOBS),
    ("EXTEND_OUTAGE", EXTEND_OUTAGE),
    ("DUE_OUTAGES", DUE_OUTAGES),
    ("BUTLERS_OF", BUTLERS_OF),
    ("ALERT_OVERDUE", ALERT_OVERDUE),
];

#[cfg(test)]
mod tests {
    use crate::db::{Db, run};

    /// `DUE_OUTAGES` with `EXPLAIN`: the plan SurrealDB picks for the sweep.
    const DUE_PLAN: &str =
        concat!(outage_select!(), " WHERE alert_pending = true AND expected_end <= $now LIMIT 100 EXPLAIN");

    #[tokio::test]
    async fn the_sweep_selects_due_outages_through_its_index() {
        let Ok(db) = Db::connect("mem://", "outage_plan").await else { panic!("a migrated in-memory database") };
        let Ok(mut res) = run(db.query(DUE_PLAN).bind(("now", chrono::Utc::now()))).await else { panic!("explained") };
        let plan: Vec<serde_json::Value> = res.take(0).unwrap_or_default();
        let plan = serde_json::to_string(&plan).unwrap_or_default();
        assert!(plan.contains("outage_due"), "the sweep reads the outage_due index: {plan}");
    }
}
