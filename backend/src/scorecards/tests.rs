//! Kept scorecards equal a recomputation from the rows (issue 19): the
//! reference below is the computation scorecards made before days were
//! kept (every figure from the period's rows), run over the demo history
//! for periods of every shape, then again after changes to closed days.

use super::*;
use crate::db::run;
use crate::list_plans::plan;
use linli_model::{repair::JobStatus, scorecard::JobFacts};

/// One butler's card recomputed from all of the period's rows.
fn reference_card(
    people: &People,
    rows: &Rows,
    butler: &ButlerRow,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Scorecard {
    let mut card = Scorecard {
        butler_id: String::from(butler.id.clone()),
        butler_name: butler.name.clone(),
        ..Scorecard::default()
    };
    let mine = |b: &Option<UserId>| b.as_deref() == Some(butler.id.as_str());
    let jobs: Vec<JobFacts> = rows.jobs.iter().filter(|j| mine(&j.owner) && j.is_repair()).map(JobRow::facts).collect();
    scorecard::job_metrics(&mut card, &jobs);
    let stars: Vec<u8> =
        rows.ratings.iter().filter(|r| mine(&r.butler) && !r.of_complaint()).map(|r| r.stars).collect();
    scorecard::rating_metrics(&mut card, &stars);
    let complaints: Vec<JobFacts> =
        rows.jobs.iter().filter(|j| mine(&j.owner) && j.is_complaint()).map(JobRow::facts).collect();
    let complaint_stars: Vec<u8> =
        rows.ratings.iter().filter(|r| mine(&r.butler) && r.of_complaint()).map(|r| r.stars).collect();
    scorecard::complaint_metrics(&mut card, &complaints, &complaint_stars);
    let buildings: Vec<&BuildingId> = people.buildings.iter().filter(|b| mine(&b.butler)).map(|b| &b.id).collect();
    let calls: Vec<HelpFacts> = rows
        .help
        .iter()
        .filter(|h| buildings.contains(&&h.building))
        .map(|h| HelpFacts { created_at: h.created_at, acknowledged_at: h.acknowledged_at })
        .collect();
    scorecard::help_metrics(&mut card, &calls);
    let elders: Vec<&UserId> =
        people.elders.iter().filter(|e| buildings.contains(&&e.building)).map(|e| &e.id).collect();
    let end = to.min(now);
    let days =
        usize::try_from((start_of_local_day(local_date(end)) - start_of_local_day(local_date(from))).num_days() + 1)
            .unwrap_or(0);
    let checked_in = rows.check_ins.iter().filter(|c| elders.contains(&&c.elder)).count();
    scorecard::check_in_metrics(&mut card, elders.len() * days, checked_in);
    card.follow_ups_opened = crate::convert::count(rows.follow_ups.iter().filter(|f| mine(&f.butler)).count());
    let timings: Vec<FollowUpTiming> = rows
        .follow_ups
        .iter()
        .filter(|f| mine(&f.butler))
        .map(|f| {
            let due = f.due_at.unwrap_or_else(|| FollowUpSettings::default().due_at(f.created_at));
            FollowUpTiming::of(due, f.done_at, now)
        })
        .collect();
    scorecard::follow_up_metrics(&mut card, &timings);
    for j in rows.jobs.iter().filter(|j| mine(&j.owner) && j.status != JobStatus::Cancelled) {
        if j.is_repair() {
            card.jobs_by_channel.add(j.channel);
        } else if j.is_complaint() {
            card.complaints_by_channel.add(j.channel);
        }
    }
    let on_time: Vec<bool> =
        rows.visits.iter().filter(|v| buildings.contains(&&v.building)).map(|v| v.on_time).collect();
    let overdue_now = people
        .elders
        .iter()
        .filter(|e| e.role == linli_model::Role::Resident && buildings.contains(&&e.building))
        .filter(|e| crate::elders::store::schedule_status(e.visit_every_days, e.since, e.last_visit, now).overdue)
        .count();
    scorecard::visit_metrics(&mut card, &on_time, overdue_now);
    let steps: Vec<&HoldStepRow> = rows.hold_steps.iter().filter(|s| mine(&s.owner)).collect();
    let holds: Vec<scorecard::HoldStep> = steps.iter().filter_map(|s| s.step()).collect();
    let urges = steps.iter().filter(|s| s.action == linli_model::keys::TimelineAction::Urged).count();
    scorecard::hold_metrics(&mut card, &holds, urges);
    card
}

async fn demo() -> (Backend, Vec<String>) {
    // The demo's photos go to a folder of this test's own, gone once seeded
    // (the cards never read them).
    let media = std::env::temp_dir().join(format!("linli-scorecards-{}", crate::ids::new_key()));
    let config = crate::state::BackendConfig {
        database: "scorecard_kept".into(),
        media_dir: media.clone(),
        ..Default::default()
    };
    let Ok(backend) = Backend::start("mem://", config).await else { panic!("a backend on a mem database") };
    let seeded = backend.seed_demo(true).await;
    let _ = std::fs::remove_dir_all(media);
    let Ok(_) = seeded else { panic!("the demo history") };
    let Ok(mut res) = run(backend.db.query("SELECT VALUE record::id(id) FROM community")).await else {
        panic!("communities")
    };
    let communities: Vec<String> = res.take(0).unwrap_or_default();
    assert!(!communities.is_empty());
    (backend, communities)
}

/// Asserts that every card (from kept months and from kept days) and
/// every butler's daily series of the periods equal the recomputation;
/// returns how many cards were compared and how many had work in them.
async fn assert_equal(backend: &Backend, community: &str, when: &str) -> (usize, usize) {
    let now = crate::clock::now();
    let today = start_of_local_day(local_date(now));
    let periods = [
        (now - Duration::days(30), now),
        (now - Duration::days(365), now),
        (now - Duration::days(20) + Duration::minutes(197), now - Duration::days(2) + Duration::minutes(301)),
        (today - Duration::days(15), today - Duration::days(3)),
        (now - Duration::hours(10), now),
        (today - Duration::days(6), now + Duration::days(2)),
    ];
    let (mut compared, mut busy) = (0, 0);
    for (from, to) in periods {
        // Totals first: on a database without kept days, their months are
        // then merged from days computed by this very request.
        let Ok(Some((_, totals, _))) = backend.cards(community, from, to, |_| true, Grain::Totals).await else {
            panic!("kept cards by month {from}..{to}")
        };
        let Ok(Some((people, cards, days))) = backend.cards(community, from, to, |_| true, Grain::Daily).await else {
            panic!("kept cards {from}..{to}")
        };
        let stretch = kept::Stretch { from, to, from_day: local_date(from), to_day: local_date(to) };
        let Ok(rows) = backend.scorecard_rows(community, &stretch).await else { panic!("rows") };
        let now = crate::clock::now();
        let reference: Vec<Scorecard> =
            people.butlers.iter().map(|b| reference_card(&people, &rows, b, from, to, now)).collect();
        assert_eq!(cards, reference, "{when}: kept cards for {from}..{to} equal the recomputation");
        assert_eq!(totals, reference, "{when}: cards from kept months for {from}..{to} equal the recomputation");
        let (d0, d1) = (local_date(from), local_date(to));
        let d1 = if d1 > d0 { d1 } else { d0 + Duration::days(1) };
        for b in &people.butlers {
            let jobs: Vec<JobFacts> = rows
                .jobs
                .iter()
                .filter(|j| j.owner == Some(b.id.clone()) && j.is_repair())
                .map(JobRow::facts)
                .collect();
            let ratings: Vec<(DateTime<Utc>, u8)> = rows
                .ratings
                .iter()
                .filter(|r| r.butler == Some(b.id.clone()) && !r.of_complaint())
                .map(|r| (r.at, r.stars))
                .collect();
            assert_eq!(
                days.daily(b.id.as_str(), d0, d1),
                scorecard::daily(&jobs, &ratings, d0, d1),
                "{when}: daily series of {} for {from}..{to}",
                b.name
            );
        }
        compared += cards.len();
        busy += cards.iter().filter(|c| c.jobs > 0 || c.rating_count > 0 || c.help_calls > 0).count();
    }
    (compared, busy)
}

/// Every resident's kept latest visit (`user.last_visit_at`, kept by an
/// event on each visit) equals the latest of their visits; answers how
/// many have one.
async fn assert_last_visits_kept(backend: &Backend, when: &str) -> usize {
    let sql = "SELECT id, last_visit_at AS kept,
                   { LET $of = id; RETURN array::max((SELECT VALUE visited_at FROM elder_visit WHERE elder = $of)); } AS latest
               FROM user WHERE role = 'resident'";
    let Ok(mut res) = run(backend.db.query(sql)).await else { panic!("last visits") };
    let rows: Vec<serde_json::Value> = res.take(0).unwrap_or_default();
    for r in &rows {
        assert_eq!(r["kept"], r["latest"], "{when}: the kept latest visit of {}", r["id"]);
    }
    rows.iter().filter(|r| !r["kept"].is_null()).count()
}

async fn kept_count(backend: &Backend) -> usize {
    count_of(backend, "scorecard_day").await
}

async fn count_of(backend: &Backend, table: &str) -> usize {
    let Ok(mut res) =
        backend.db.client().query("SELECT VALUE 1 FROM type::table($t)").bind(("t", table.to_owned())).await
    else {
        panic!("{table}")
    };
    res.take::<Vec<serde_json::Value>>(0).map(|v| v.len()).unwrap_or(0)
}

#[tokio::test]
async fn kept_scorecard_days_equal_recomputing_from_the_rows_before_and_after_changes() {
    let (backend, communities) = demo().await;
    let mut busy = 0;
    for c in &communities {
        busy += assert_equal(&backend, c, "first (days computed)").await.1;
    }
    assert!(busy > 3, "the demo history gives the butlers work to count ({busy} busy cards)");
    let kept = kept_count(&backend).await;
    assert!(kept > 300, "closed days are kept ({kept})");
    let visited = assert_last_visits_kept(&backend, "the demo history").await;
    assert!(visited > 0, "the demo history has visits");
    for c in &communities {
        assert_equal(&backend, c, "second (days kept)").await;
    }

    // The kept months and days are what is read: spoiled, they change
    // the answer (only the partial first day and today still come from
    // the rows). A year's totals read months, a butler's series days.
    let jobs = |cards: &[Scorecard]| cards.iter().map(|c| c.jobs).sum::<u32>();
    let now = crate::clock::now();
    let cards = |from: DateTime<Utc>, grain: Grain| {
        let (backend, community) = (backend.clone(), communities[0].clone());
        async move {
            let Ok(Some((_, cards, _))) = backend.cards(&community, from, now, |_| true, grain).await else {
                panic!("cards")
            };
            cards
        }
    };
    let months = count_of(&backend, "scorecard_month").await;
    assert!(months >= 11, "a year's whole months are kept ({months})");
    let year = now - Duration::days(365);
    let kept = cards(year, Grain::Totals).await;
    let Ok(_) = run(backend.db.query("UPDATE scorecard_month SET data = '{}'")).await else { panic!("spoil") };
    let spoiled = cards(year, Grain::Totals).await;
    assert!(jobs(&spoiled) < jobs(&kept), "spoiled kept months are read: {spoiled:?} against {kept:?}");
    assert_eq!(cards(year, Grain::Daily).await, kept, "a butler's series reads days, not months");
    let kept = cards(now - Duration::days(30), Grain::Daily).await;
    let Ok(_) = run(backend.db.query("UPDATE scorecard_day SET data = '{}'")).await else { panic!("spoil") };
    let spoiled = cards(now - Duration::days(30), Grain::Daily).await;
    assert!(jobs(&spoiled) < jobs(&kept), "spoiled kept days are read: {spoiled:?} against {kept:?}");
    let Ok(_) = run(backend.db.query("DELETE scorecard_day; DELETE scorecard_month;")).await else { panic!("forget") };

    for c in &communities {
        assert_equal(&backend, c, "rebuilt").await;
    }

    // Changes to closed days after they were kept: work moved to another
    // butler (a building handed over), responses and resolutions, reopens,
    // cancellations, ratings changed, follow-ups done, help calls
    // acknowledged, a late visit and a past check-in recorded.
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let changes = "
        LET $c = type::record('community', $community);
        LET $butlers = SELECT VALUE id FROM user WHERE community = $c AND role = 'butler' ORDER BY name;
        UPDATE repair SET owner = $butlers[1] WHERE community = $c AND owner = $butlers[0] AND created_at < time::now() - 5d;
        UPDATE (SELECT * FROM repair WHERE community = $c AND responded_at = NONE LIMIT 3)
            SET responded_at = created_at + 3m, status = 'acknowledged';
        UPDATE (SELECT * FROM repair WHERE community = $c AND resolved_at != NONE LIMIT 4)
            SET reopen_count += 1, resolved_at = resolved_at + 3d;
        UPDATE (SELECT * FROM repair WHERE community = $c AND status != 'cancelled' LIMIT 2 START 5) SET status = 'cancelled';
        UPDATE (SELECT * FROM rating WHERE community = $c AND stars > 3 LIMIT 3) SET stars = 1;
        UPDATE follow_up SET status = 'done', done_at = time::now() WHERE community = $c AND done_at = NONE;
        UPDATE help_call SET acknowledged_at = created_at + 2m WHERE community = $c AND acknowledged_at != NONE;
        LET $elder = (SELECT * FROM user WHERE community = $c AND elder_mode = true AND active = true AND unit != NONE LIMIT 1)[0];
        IF $elder != NONE {
            CREATE check_in SET community = $c, elder = $elder.id, day = $day, at = time::now();
            CREATE elder_visit SET community = $c, building = $elder.unit.building, elder = $elder.id, by = $butlers[0],
                visited_at = time::now() - 9d, recorded_at = time::now(), mode = 'phone', condition = 'well',
                due = $day, on_time = false;
        };
    ";
    let day = (local_date(now) - Duration::days(40)).to_string();
    for c in &communities {
        let before =
            backend.cards(c, now - Duration::days(365), now, |_| true, Grain::Totals).await.ok().flatten().map(|r| r.1);
        if let Err(e) = run(backend.db.query(changes).bind(("community", c.clone())).bind(("day", day.clone()))).await {
            panic!("changes: {e}")
        }
        assert_last_visits_kept(&backend, "after a back-dated visit").await;
        let (compared, _) = assert_equal(&backend, c, "after changes").await;
        assert!(compared > 0);
        let after =
            backend.cards(c, now - Duration::days(365), now, |_| true, Grain::Totals).await.ok().flatten().map(|r| r.1);
        if c == &communities[0] {
            assert_ne!(before, after, "the changes moved the year's figures");
        }
    }
}

/// Requests that arrive together after a community's kept days were
/// forgotten compute each closed day once (the community's turn,
/// `turns.rs`), not once per request, and all answer the same cards.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_compute_forgotten_days_once() {
    let (backend, communities) = demo().await;
    let community = communities[0].clone();
    let Ok(_) = run(backend.db.query("DELETE scorecard_day; DELETE scorecard_mark;")).await else { panic!("forget") };
    let now = crate::clock::now();
    let (from, to) = (now - Duration::days(365), now);
    let Some((c0, c1)) = kept::kept_span(from, to, local_date(now)) else { panic!("a year has closed days") };
    let days = u64::try_from((c1 - c0).num_days()).unwrap_or(0);
    let before = backend.scorecard_recomputes.days_computed();
    let callers: Vec<_> = (0..8)
        .map(|_| {
            let (backend, community) = (backend.clone(), community.clone());
            tokio::spawn(async move {
                backend.cards(&community, from, to, |_| true, Grain::Totals).await.ok().flatten().map(|r| r.1)
            })
        })
        .collect();
    let mut answers = Vec::new();
    for caller in callers {
        let Ok(Some(cards)) = caller.await else { panic!("every caller gets cards") };
        answers.push(cards);
    }
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "every caller gets the same cards");
    let computed = backend.scorecard_recomputes.days_computed() - before;
    assert_eq!(computed, days, "each of the {days} closed days is computed once, not once per caller");
    assert_eq!(kept_count(&backend).await, usize::try_from(days).unwrap_or(0), "and kept once");
    let months = kept::whole_months(c0, c1).len();
    assert_eq!(count_of(&backend, "scorecard_month").await, months, "and the {months} whole months merged once");
}

/// A community without a mark (never computed, or its mark lost) forgets
/// every kept day before reading any: kept days left from before, however
/// wrong, are computed again, and the cards equal the first ones.
#[tokio::test]
async fn without_a_mark_every_kept_day_is_forgotten() {
    let (backend, communities) = demo().await;
    let community = communities[0].clone();
    let now = crate::clock::now();
    let (from, to) = (now - Duration::days(60), now);
    let first = backend.cards(&community, from, to, |_| true, Grain::Totals).await.ok().flatten().map(|r| r.1);
    assert!(kept_count(&backend).await > 0, "days are kept");
    let spoil = "UPDATE scorecard_day SET data = '{}'; DELETE scorecard_month; DELETE scorecard_mark;";
    let Ok(_) = run(backend.db.query(spoil)).await else { panic!("spoil") };
    let again = backend.cards(&community, from, to, |_| true, Grain::Totals).await.ok().flatten().map(|r| r.1);
    assert_eq!(first, again, "the spoiled kept days were forgotten, not read");
}

/// Each row's `local_day` (kept by its VALUE, migration 0029) is the
/// model's local date of the instant scorecards count it on, on both sides
/// of local midnight (16:00 UTC), and every timeline step carries its
/// job's community.
#[tokio::test]
async fn a_rows_local_day_is_the_models_local_date_and_a_step_has_its_jobs_community() {
    let (backend, _) = demo().await;
    let midnight = start_of_local_day(local_date(crate::clock::now()) - Duration::days(3));
    for (table, field) in [
        ("repair", "created_at"),
        ("rating", "at"),
        ("help_call", "created_at"),
        ("follow_up", "created_at"),
        ("elder_visit", "visited_at"),
        ("repair_event", "at"),
    ] {
        for at in [midnight - Duration::seconds(1), midnight, midnight + Duration::hours(23) + Duration::minutes(59)] {
            let sql = format!(
                "LET $r = (SELECT VALUE id FROM {table} LIMIT 1)[0]; UPDATE $r SET {field} = $at RETURN VALUE local_day"
            );
            let Ok(mut res) = backend.db.client().query(sql).bind(("at", at)).await else { panic!("{table}: updated") };
            let day: Vec<Option<String>> = res.take(1).unwrap_or_default();
            assert_eq!(day, vec![Some(local_date(at).to_string())], "{table}.{field} = {at}");
        }
    }
    let Ok(mut res) = run(backend.db.query(
        "SELECT count() AS n, count(community != NONE AND community = repair.community) AS right FROM repair_event GROUP ALL",
    ))
    .await
    else {
        panic!("steps")
    };
    let counts: Vec<serde_json::Value> = res.take(0).unwrap_or_default();
    let (n, right) = (counts[0]["n"].as_u64(), counts[0]["right"].as_u64());
    assert!(n.unwrap_or(0) > 100, "the demo history has steps: {counts:?}");
    assert_eq!(n, right, "every step has its job's community");
}

#[tokio::test]
async fn daily_queries_read_through_indexes() {
    let Ok(db) = crate::db::Db::connect("mem://", "scale_plans").await else { panic!("a migrated database") };
    let now = Utc::now();
    let vars = serde_json::json!({
        "c": "community:x", "from": now - Duration::days(1), "to": now, "from_day": "2026-11-29",
        "to_day": "2026-11-30", "since": now, "butler": "user:b", "month": now, "d0": "2026-01-01", "d1": "2026-12-01",
        "months": ["2026-01", "2026-02"],
    });
    // Split at the semicolons outside `{ … }` blocks (a per-row subquery
    // binds its row in one).
    let statements = |sql: &'static str| {
        let (mut parts, mut depth, mut start) = (Vec::new(), 0i32, 0);
        for (i, c) in sql.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ';' if depth == 0 => {
                    parts.push(sql[start..i].trim());
                    start = i + 1;
                }
                _ => {}
            }
        }
        parts.push(sql[start..].trim());
        parts.into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>()
    };
    let mut checked = 0;
    for (name, sql, indexes) in [
        (
            "SCORECARD_ROWS",
            store::SCORECARD_ROWS,
            &[
                "repair_",
                "rating_community_at",
                "help_call_community",
                "check_in_community_day",
                "follow_up_created",
                "elder_visit_community",
                "repair_event_community_day",
            ][..],
        ),
        (
            "SCORECARD_CHANGED",
            store::SCORECARD_CHANGED,
            &[
                "repair_changed",
                "repair_changed",
                "rating_changed",
                "help_call_changed",
                "follow_up_changed",
                "elder_visit_changed",
                "check_in_changed",
            ][..],
        ),
        // A record range: bounded at both ends, unlike the index.
        ("SCORECARD_KEPT", store::SCORECARD_KEPT, &["RecordIdScan"][..]),
        ("SCORECARD_KEPT_MONTHS", store::SCORECARD_KEPT_MONTHS, &["scorecard_month_key"][..]),
        (
            "SCORECARD_PEOPLE",
            store::SCORECARD_PEOPLE,
            &["user_community_role", "building_number", "user_community_elder"][..],
        ),
        (
            "BUTLER_RATING_FIGURES",
            store::BUTLER_RATING_FIGURES,
            &["rating_butler", "repair_owner_resolved", "building_butler"][..],
        ),
    ] {
        let parts = statements(sql);
        assert_eq!(parts.len(), indexes.len(), "{name}: one index per statement");
        for (statement, index) in parts.into_iter().zip(indexes) {
            let p = plan(&db, statement, vars.clone()).await;
            assert!(p.contains(index), "{name} reads through {index}: {statement}\n{p}");
            checked += 1;
        }
    }
    assert!(checked > 10);
}

/// Forgotten days are recomputed run by run: two days years apart are two
/// one-day reads, not one read of the years between.
#[test]
fn missing_days_are_read_in_runs_of_consecutive_days() {
    let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap_or_default();
    let days = [d("2024-01-05"), d("2026-11-20"), d("2026-11-21"), d("2026-11-23")];
    assert_eq!(
        super::kept::day_runs(&days),
        vec![
            (d("2024-01-05"), d("2024-01-06")),
            (d("2026-11-20"), d("2026-11-22")),
            (d("2026-11-23"), d("2026-11-24")),
        ]
    );
    assert!(super::kept::day_runs(&[]).is_empty());
    // Read day by day: a day two years back, and two days a week ago;
    // as one stretch: a run that ends near today, or a long one.
    let today = d("2026-11-30");
    let year: Vec<_> = d("2025-11-30").iter_days().take_while(|x| *x < today).collect();
    let mut missing = vec![d("2024-01-05"), d("2026-11-20"), d("2026-11-21"), d("2026-11-28"), d("2026-11-29")];
    missing.extend(d("2026-01-01").iter_days().take(60));
    missing.sort();
    assert_eq!(
        super::kept::reads(&missing, today),
        vec![
            (d("2024-01-05"), d("2024-01-06")),
            (d("2026-01-01"), d("2026-03-02")),
            (d("2026-11-20"), d("2026-11-21")),
            (d("2026-11-21"), d("2026-11-22")),
            (d("2026-11-28"), d("2026-11-30")),
        ]
    );
    assert_eq!(super::kept::reads(&year, today), vec![(d("2025-11-30"), today)], "a year is one stretch");
}

/// A period's whole calendar months: those that begin on or after its
/// first day and end by its last.
#[test]
fn a_periods_whole_months_are_those_inside_it() {
    let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap_or_default();
    let months = |a: &str, b: &str| {
        super::kept::whole_months(d(a), d(b))
            .into_iter()
            .map(|(m0, m1)| (m0.to_string(), m1.to_string()))
            .collect::<Vec<_>>()
    };
    let pair = |a: &str, b: &str| (a.to_owned(), b.to_owned());
    assert_eq!(
        months("2025-12-04", "2026-03-01"),
        vec![pair("2026-01-01", "2026-02-01"), pair("2026-02-01", "2026-03-01")],
        "a month ending on the period's last day counts"
    );
    assert_eq!(months("2026-01-01", "2026-01-31"), Vec::<(String, String)>::new(), "a month short of one day does not");
    assert_eq!(months("2026-01-01", "2026-02-01"), vec![pair("2026-01-01", "2026-02-01")]);
    assert_eq!(months("2026-01-02", "2026-03-15"), vec![pair("2026-02-01", "2026-03-01")]);
    assert_eq!(months("2024-12-03", "2025-12-03").len(), 11, "a year from the 3rd: eleven whole months");
}

/// A scorecard period starts at the start of the local day of `from`: a
/// job reported that day before `from`'s time of day is counted, and the
/// cards equal those of the period from midnight.
#[tokio::test]
async fn a_scorecard_period_counts_the_whole_first_day() {
    let (backend, communities) = demo().await;
    let community = communities[0].clone();
    let now = crate::clock::now();
    // A job with an owner, reported at least two days ago: the period
    // starts a minute after it, on the same day.
    let sql = "SELECT VALUE created_at FROM repair WHERE community = $c AND kind = 'repair'
               AND owner.role = 'butler' AND status != 'cancelled'
               AND created_at < $before ORDER BY created_at DESC LIMIT 1";
    let found = run(backend
        .db
        .query(sql)
        .bind(("c", CommunityId::record_of(&community)))
        .bind(("before", now - Duration::days(2))))
    .await;
    let Ok(mut res) = found else { panic!("a job") };
    let reported: Vec<DateTime<Utc>> = res.take(0).unwrap_or_default();
    let Some(reported) = reported.first().copied() else { panic!("the demo has an older job") };
    let from = reported + Duration::minutes(1);
    assert_eq!(local_date(from), local_date(reported), "the demo's job is not a minute before midnight");
    let midnight = start_of_local_day(local_date(from));
    let manager_id = {
        let sql = "SELECT VALUE record::id(id) FROM user WHERE community = $c AND role = 'admin' LIMIT 1";
        let Ok(mut res) = run(backend.db.query(sql).bind(("c", CommunityId::record_of(&community)))).await else {
            panic!("the manager")
        };
        let ids: Vec<String> = res.take(0).unwrap_or_default();
        ids.into_iter().next().unwrap_or_default()
    };
    let Ok(manager) = backend.load_actor(&manager_id, "test").await else { panic!("the manager signs in") };
    let Ok(asked) = backend.scorecards(&manager, from, now).await else { panic!("the cards") };
    let cards = |from| backend.cards(&community, from, now, |_| true, Grain::Totals);
    let (Ok(Some((_, whole, _))), Ok(Some((_, partial, _)))) = (cards(midnight).await, cards(from).await) else {
        panic!("cards")
    };
    assert_ne!(whole, partial, "the job before `from` is on a card");
    assert_eq!(asked, whole, "counted from the start of the day of `from`");
    // A butler's day-by-day series adds up to their card, today's part
    // included.
    for card in asked.iter().filter(|c| c.jobs > 0) {
        let Ok((one, series)) = backend.butler_scorecard(&manager, &card.butler_id, from, now).await else {
            panic!("one card")
        };
        assert_eq!(series.iter().map(|d| d.jobs).sum::<u32>(), one.jobs, "{}: the series adds up", one.butler_name);
        assert_eq!(series.last().map(|d| d.day), Some(local_date(now)), "the series ends today");
    }
}
