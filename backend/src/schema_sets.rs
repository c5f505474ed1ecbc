//! The closed sets the database enforces (`ASSERT $value IN [...]` in the
//! migrations) are the model's enums, value for value: a test reads every
//! such assertion and compares it with the enum named for that field, and
//! fails on an assertion no enum is named for.

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use linli_model::{
        Role,
        help::{ElderCondition, HelpStatus, VisitMode},
        keys::{
            CheckInResult, FollowUpStatus, NotificationStatus, RatingSubject, RsvpState, SessionKindKey, WalkInStatus,
        },
        notice::NoticeCategory,
        repair::{Category, JobStatus, Urgency},
    };

    use crate::notify::Lane;

    /// `(table, field, values)` of every `ASSERT $value IN [...]`.
    fn assertions() -> Vec<(String, String, BTreeSet<String>)> {
        let mut found = Vec::new();
        for m in crate::db::migration_sources() {
            for stmt in m.split(';') {
                let Some(def) = stmt.split("DEFINE FIELD IF NOT EXISTS ").nth(1) else { continue };
                let Some((_, list)) = def.split_once("ASSERT $value IN") else { continue };
                let mut words = def.split_whitespace();
                let (Some(field), Some("ON"), Some(table)) = (words.next(), words.next(), words.next()) else {
                    continue;
                };
                let inner = list.trim().trim_start_matches('[').trim_end_matches(']');
                let values = inner.split(',').map(|v| v.trim().trim_matches('"').to_string()).filter(|v| !v.is_empty());
                found.push((table.to_string(), field.to_string(), values.collect()));
            }
        }
        found
    }

    fn keys<const N: usize>(all: [&'static str; N]) -> BTreeSet<String> {
        all.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn every_asserted_set_is_an_enum_value_for_value() {
        let expected = |table: &str, field: &str| -> Option<BTreeSet<String>> {
            Some(match (table, field) {
                ("user", "role") => keys(Role::ALL.map(Role::as_str)),
                ("session", "kind") => keys(SessionKindKey::ALL.map(SessionKindKey::as_str)),
                ("repair", "category") => keys(Category::ALL.map(Category::as_str)),
                ("repair", "urgency") => keys(Urgency::ALL.map(Urgency::as_str)),
                ("repair", "status") => keys(JobStatus::ALL.map(JobStatus::as_str)),
                ("repair", "hold_code") | ("repair_event", "hold_code") => {
                    let mut set =
                        keys(linli_model::repair::HoldReason::ALL.map(linli_model::repair::HoldReason::as_str));
                    set.insert("NONE".to_string());
                    set
                }
                ("repair", "channel") | ("help_call", "channel") => {
                    keys(linli_model::staff_entry::Channel::ALL.map(linli_model::staff_entry::Channel::as_str))
                }
                ("repair", "kind") => keys(linli_model::complaint::JobKind::ALL.map(|k| k.as_str())),
                ("repair", "complaint_category") => {
                    let mut set = keys(linli_model::complaint::ComplaintCategory::ALL.map(|c| c.as_str()));
                    set.insert("NONE".to_string());
                    set
                }
                ("rating", "subject") => keys(RatingSubject::ALL.map(RatingSubject::as_str)),
                ("follow_up", "status") => keys(FollowUpStatus::ALL.map(FollowUpStatus::as_str)),
                ("help_call", "status") => keys(HelpStatus::ALL.map(HelpStatus::as_str)),
                ("check_in_follow_up", "result") => keys(CheckInResult::ALL.map(CheckInResult::as_str)),
                ("notification", "status") => keys(NotificationStatus::ALL.map(NotificationStatus::as_str)),
                ("notification", "priority") => Lane::ALL.iter().map(|l| l.priority().to_string()).collect(),
                ("walk_in", "status") => keys(WalkInStatus::ALL.map(WalkInStatus::as_str)),
                ("pass", "schedule.weekdays.*") => {
                    keys(linli_model::pass::Weekday::ALL.map(linli_model::pass::Weekday::as_str))
                }
                ("announcement", "category") => keys(NoticeCategory::ALL.map(NoticeCategory::as_str)),
                ("rsvp", "status") => keys(RsvpState::ALL.map(RsvpState::as_str)),
                ("outage", "kind") => {
                    keys(linli_model::outage::OutageKind::ALL.map(linli_model::outage::OutageKind::as_str))
                }
                ("elder_visit", "mode") => keys(VisitMode::ALL.map(VisitMode::as_str)),
                ("elder_visit", "condition") => keys(ElderCondition::ALL.map(ElderCondition::as_str)),
                _ => return None,
            })
        };
        let found = assertions();
        assert!(found.len() >= 14, "the migrations were read: {found:?}");
        for (table, field, values) in found {
            let Some(wanted) = expected(&table, &field) else {
                panic!("{table}.{field} is a closed set in the schema with no enum named for it here");
            };
            assert_eq!(values, wanted, "{table}.{field}: schema and enum differ");
        }
    }
}
