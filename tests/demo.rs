//! The demo that looks lived in (issue 18): with `LINLI_DEMO_HISTORY` the
//! demo communities open on a month of history written through the
//! services, every role's home has something on it, and seeding again
//! creates nothing.

use std::collections::BTreeMap;

use linli_model::{repair::JobStatus, sla::ClockState};
use reqwest::StatusCode;

use crate::common::*;

/// A server whose demo communities were created with their history; and
/// how long starting it took (migrations, seeding, history).
async fn lived_in() -> (TestServer, std::time::Duration) {
    let (mut c, tmp) = config();
    c.demo_history = true;
    let started = std::time::Instant::now();
    let s = TestServer::start_with(c, tmp).await;
    (s, started.elapsed())
}

/// Tables written by the server's own duties while it runs (sessions,
/// outbox, live events, the daily check-in claim): not the seed's.
const DUTY_TABLES: &[&str] = &["session", "notification", "live_event", "check_in_alert", "operator_audit"];

/// Rows in every other table of the database, by table.
async fn table_counts(b: &linli_backend::Backend) -> BTreeMap<String, i64> {
    let mut res = b.db().query("INFO FOR DB").await.unwrap();
    let info: Option<serde_json::Value> = res.take(0).unwrap();
    let tables: Vec<String> = info.unwrap()["tables"].as_object().unwrap().keys().cloned().collect();
    assert!(tables.len() > 20, "every table is listed: {tables:?}");
    let mut counts = BTreeMap::new();
    for t in tables.into_iter().filter(|t| !DUTY_TABLES.contains(&t.as_str())) {
        let mut res =
            b.db().query("SELECT count() AS n FROM type::table($t) GROUP ALL").bind(("t", t.clone())).await.unwrap();
        let n: Option<i64> = res.take((0, "n")).unwrap();
        counts.insert(t, n.unwrap_or(0));
    }
    counts
}

#[tokio::test]
async fn the_demo_history_is_written_once_and_seeding_again_creates_nothing() {
    let (s, took) = lived_in().await;
    eprintln!("server with demo history started in {} ms", took.as_millis());
    let before = table_counts(&s.backend).await;
    for (table, at_least) in [
        ("repair", 30),
        ("repair_event", 120),
        ("rating", 15),
        ("follow_up", 2),
        ("photo", 5),
        ("help_call", 8),
        ("help_event", 20),
        ("check_in", 60),
        ("check_in_follow_up", 1),
        ("pass", 30),
        ("pass_entry", 25),
        ("walk_in", 4),
        ("announcement", 8),
        ("announcement_read", 10),
        ("activity", 4),
        ("rsvp", 6),
        ("audit", 10),
    ] {
        let n = before.get(table).copied().unwrap_or(0);
        assert!(n >= at_least, "{table}: {n} rows, expected at least {at_least}");
    }
    assert_eq!(s.backend.seed_demo(true).await.unwrap(), 0, "nothing created the second time");
    assert_eq!(table_counts(&s.backend).await, before, "no table gained or lost a row");
    // The demo accounts are unchanged by the history.
    s.login(RESIDENT).await;
    s.login(OTHER_BUTLER).await;
}

#[tokio::test]
async fn every_role_opens_on_work_and_the_scorecards_on_a_month_in_the_lived_in_demo() {
    let (s, _) = lived_in().await;
    // Boxed: one test future this long overflows a test thread's stack.
    Box::pin(scorecards_have_lines(&s)).await;
    Box::pin(every_role_has_work(&s)).await;
}

/// The scorecards of the demo month (the default 30 days).
async fn scorecards_have_lines(s: &TestServer) {
    for phone in [BUTLER, BUTLER_B3, OTHER_BUTLER] {
        let butler = s.user(phone).await;
        let me = butler.me().await.unwrap();
        let one = butler.butler_scorecard(&me.id).await.unwrap();
        let card = &one.scorecard;
        assert!(card.jobs >= 3, "{phone}: {} jobs", card.jobs);
        assert!(card.rating_count >= 2 && card.rating_avg.is_some(), "{phone}: ratings {card:?}");
        assert!(card.respond_median_secs.is_some_and(|s| s > 0), "{phone}: response times {card:?}");
        assert!(card.resolved_in_sla_pct.is_some(), "{phone}");
        assert!(card.help_calls >= 1 && card.help_acked_60s_pct.is_some(), "{phone}: help calls {card:?}");
        assert!(card.check_in_coverage_pct.is_some_and(|p| p > 50.0 && p < 100.0), "{phone}: check-ins {card:?}");
        // The chart has a line: jobs and ratings on many days of the month.
        let days_with_jobs = one.daily.iter().filter(|d| d.jobs > 0).count();
        let days_rated = one.daily.iter().filter(|d| d.rating_avg.is_some()).count();
        assert!(days_with_jobs >= 3 && days_rated >= 2, "{phone}: {days_with_jobs} days with jobs, {days_rated} rated");
    }
    let li = s.user(BUTLER).await.butler_scorecard(s.user(BUTLER).await.me().await.unwrap().id).await.unwrap();
    assert!(li.daily.iter().filter(|d| d.jobs > 0).count() >= 8, "李明's month is busy");
    let cards = s.user(ADMIN).await.scorecards().await.unwrap();
    assert_eq!(cards.items.len(), 2);
    assert!(cards.items.iter().map(|c| c.follow_ups_opened).sum::<u32>() >= 1, "a low rating opened a follow-up");
    // The resident's butler card has stars.
    let card = s.user(RESIDENT).await.my_butler().await.unwrap().unwrap();
    assert!(card.rating_count >= 5 && card.rating_avg.is_some_and(|a| a > 3.0), "{card:?}");
}

/// Every role's home shows what it is for.
async fn every_role_has_work(s: &TestServer) {
    // The butler's board: open work in several states, one past its target.
    let board = s.user(BUTLER).await.jobs("?status=open").await.unwrap().items;
    assert!(board.len() >= 5, "{} open jobs", board.len());
    let states: std::collections::HashSet<_> = board.iter().map(|j| j.status).collect();
    assert!(states.len() >= 4, "{states:?}");
    assert!(board.iter().any(|j| j.sla.state == ClockState::Breached), "one job is past its target");
    assert_eq!(board[0].sla.state, ClockState::Breached, "the breached job leads the board");
    // Its resident urged it (催一下); the held job waits for a part.
    let breached = s.user(BUTLER).await.job(&board[0].id).await.unwrap();
    assert_eq!(breached.urge_count, 1);
    let held = board.iter().find(|j| j.status == JobStatus::OnHold).expect("a job on hold");
    let held = s.user(BUTLER).await.job(&held.id).await.unwrap();
    assert_eq!(held.hold_reason.as_deref(), Some("需要更换配件，已经下单，到货后再来"));
    // The manager sees the month's closed work, ended every way.
    let admin = s.user(ADMIN).await;
    let closed = admin.jobs("?status=closed&limit=200").await.unwrap().items;
    for status in [JobStatus::Rated, JobStatus::Confirmed, JobStatus::Cancelled] {
        assert!(closed.iter().any(|j| j.status == status), "a closed job {status:?}");
    }
    // One was confirmed by the system 72 hours after it was resolved.
    let mut auto_confirmed = false;
    for j in closed.iter().filter(|j| j.status == JobStatus::Confirmed) {
        let job = admin.job(&j.id).await.unwrap();
        let resolved = job.timeline.iter().rev().find(|e| e.to_status == JobStatus::Resolved).map(|e| e.at);
        let by_silence = job
            .timeline
            .iter()
            .find(|e| e.to_status == JobStatus::Confirmed && e.actor_role == linli_model::keys::ActorRole::System);
        if let (Some(resolved), Some(confirmed)) = (resolved, by_silence) {
            let waited = confirmed.at - resolved;
            assert!(waited >= chrono::Duration::hours(72) && waited < chrono::Duration::hours(73), "{waited}");
            auto_confirmed = true;
        }
    }
    assert!(auto_confirmed, "a job confirmed by silence");

    // The resident's jobs, one waiting for their confirmation, with photos.
    let mine = s.user(RESIDENT).await.jobs("").await.unwrap().items;
    assert!(mine.len() >= 3);
    assert!(mine.iter().any(|j| j.status == JobStatus::Resolved));
    assert!(mine.iter().any(|j| j.photo_count > 0));
    // The worker's list.
    let assigned = s.user(WORKER).await.jobs("?status=open").await.unwrap().items;
    assert!(assigned.len() >= 3, "{} jobs for the worker", assigned.len());
    // The manager's follow-ups from low ratings.
    assert!(!s.user(ADMIN).await.follow_ups().await.unwrap().items.is_empty());

    // The guard's visitors expected today; the entry log.
    let guard = s.user(GUARD).await;
    assert!(guard.expected().await.unwrap().items.len() >= 2, "today's expected visitors");
    assert!(s.user(DUTY).await.entries().await.unwrap().items.len() >= 10, "a month of entries at the gate");
    // The resident's passes, with entries.
    let passes = s.user(RESIDENT).await.passes().await.unwrap().items;
    assert!(passes.iter().any(|p| !p.entries.is_empty()));

    // The duty room: the month's help calls, one escalated, none open.
    let duty = s.user(DUTY).await;
    let calls = duty.help_calls(false).await.unwrap().items;
    assert!(calls.len() >= 4, "{} help calls", calls.len());
    assert!(calls.iter().any(|c| c.escalation_level >= 1), "one call was escalated");
    assert!(duty.help_calls(true).await.unwrap().items.is_empty(), "every call of the month was closed");

    // Notices with reads, events with RSVPs.
    let resident = s.user(RESIDENT).await;
    assert!(resident.announcements().await.unwrap().items.len() >= 3, "current notices");
    let notices = admin.announcements().await.unwrap().items;
    assert!(notices.len() >= 5, "staff see the expired ones too");
    let mut read = 0;
    for n in &notices {
        read += admin.announcement(&n.id).await.unwrap().households_read.unwrap_or(0);
    }
    assert!(read >= 5, "households have read the notices: {read}");
    let events: Vec<serde_json::Value> =
        resident.get::<linli_model::page::Page<serde_json::Value>>("/api/v1/events").await.unwrap().items;
    assert!(events.iter().any(|e| e["going"].as_u64().is_some_and(|n| n > 0)), "{events:?}");

    // The butler's elders, with their check-ins and weekly visits; one of
    // 陈静's visits is overdue, on her board.
    let elders = s.user(BUTLER).await.elders(false).await.unwrap().items;
    assert!(!elders.is_empty());
    assert!(elders.iter().all(|e| e.visits.as_ref().is_some_and(|v| v.last_visit_at.is_some() && !v.overdue)));
    let hers = s.user(BUTLER_B3).await.elders(false).await.unwrap().items;
    assert!(hers.iter().any(|e| e.visits.as_ref().is_some_and(|v| v.overdue)), "an overdue visit");

    // The water cut: households marked themselves affected; it was ended.
    let outage = notices.iter().find_map(|n| n.outage.clone()).expect("an outage notice");
    assert!(outage.ended_at.is_some());
    let outage_notice = notices.iter().find(|n| n.outage.is_some()).unwrap();
    let seen = admin.announcement(&outage_notice.id).await.unwrap().outage.unwrap();
    assert!(seen.affected_households.is_some_and(|n| n >= 2), "{seen:?}");

    // Complaints and a suggestion, one still open; a report the butler
    // entered for an elder who phoned; routine follow-ups done and due.
    let complaints = admin.complaints("").await.unwrap().items;
    assert!(complaints.len() >= 3, "{} complaints", complaints.len());
    assert!(!s.user(BUTLER).await.complaints("?status=open").await.unwrap().items.is_empty());
    assert!(closed.iter().any(|j| j.channel == linli_model::staff_entry::Channel::Phone), "a phoned-in report");
    let follow_ups = admin.follow_ups().await.unwrap().items;
    let done = follow_ups.iter().filter(|f| f.done_at.is_some()).count();
    assert!(done > 0 && done < follow_ups.len(), "{done} of {} follow-ups done", follow_ups.len());
    // The elder's carer on a recurring pass, admitted on weekday mornings.
    let long_term = admin.recurring_passes("").await.unwrap().items;
    assert!(long_term.iter().any(|p| p.entries_used >= 3), "{long_term:?}");

    // The second community has its own month.
    let other = s.user(OTHER_BUTLER).await.jobs("?status=open").await.unwrap().items;
    assert!(!other.is_empty());
    assert!(!s.user(OTHER_RESIDENT).await.jobs("").await.unwrap().items.is_empty());
    // Its data stays its own.
    let foreign = s.user(OTHER_BUTLER).await.job(&board[0].id).await.unwrap_err();
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
}
