//! Scorecards kept per closed day (issue 19: cost that follows the work).
//!
//! A period's figures are sums over its Asia/Shanghai days of what each
//! day adds up to (a [`Part`]: per butler, per building and per elder
//! tallies, mergeable without loss: counts, sums and the response times
//! themselves for the median). Closed days (before today) are kept in
//! `scorecard_day` (migration 0016) once computed; the partial first day
//! and today are tallied from the rows on every request. So a year costs
//! 365 small kept rows and two days of rows, not a year of rows. A kept
//! day's record id is `scorecard_day:[community, 'YYYY-MM-DD']` (migration
//! 0031), so a run of days is read as a record range bounded at both ends.
//!
//! Kept days stay equal to a recomputation from the rows: every row a
//! scorecard counts is stamped `changed_at` on every write, and before
//! reading kept days a request forgets the days counted by rows changed
//! since the community's mark (a job's report day and the days of its
//! hold and urge steps, whose owner may have changed; a rating's day,
//! a help call's, a follow-up's, a visit's, a check-in's). The mark is
//! moved to the request's start; the look-back keeps a margin for
//! writes still committing (`MARGIN_SECS`). Who the cards are about (butlers, which
//! buildings they look after, who is an elder) is read as it is now, as
//! before, and applied to the kept tallies at read time.
//!
//! A whole closed calendar month is kept merged as well (`scorecard_month`,
//! migration 0030), for periods whose totals are all that is asked (the
//! cards side by side): a year reads about 12 months and the days of its
//! partial first and last months, not 365 days. A month is the lossless
//! merge of its days and is forgotten with any of them. A butler's own
//! card comes with a day-by-day series and reads days ([`Grain`]).
//!
//! `tests.rs` checks that kept cards equal the recomputation
//! (`reference_card`) over the demo history, and again after changes.

use std::collections::BTreeMap;

use chrono::Datelike;

use serde::Serialize;

use super::*;
use linli_model::{repair::HoldReason, scorecard::JobTally, staff_entry::ChannelCounts};

/// How far before the mark a request looks for changed rows: longer
/// than any write transaction, so a write stamped before the mark but
/// committed after it is still seen.
/// (None in unit tests, which make their changes right after seeding.)
const MARGIN_SECS: i64 = if cfg!(test) { 0 } else { 60 };

/// The mark is moved forward at least this often even when nothing
/// changed, so the look-back stays short.
const MARK_REFRESH: Duration = Duration::minutes(10);

/// A stretch of time: instants `[from, to)` and, for check-ins (stored
/// by day), days `[from_day, to_day)`.
pub(super) struct Stretch {
    pub(super) from: DateTime<Utc>,
    pub(super) to: DateTime<Utc>,
    pub(super) from_day: NaiveDate,
    pub(super) to_day: NaiveDate,
}

impl Stretch {
    /// Whole days `[d0, d1)`.
    fn days(d0: NaiveDate, d1: NaiveDate) -> Self {
        Self { from: start_of_local_day(d0), to: start_of_local_day(d1), from_day: d0, to_day: d1 }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.from >= self.to && self.from_day >= self.to_day
    }
}

/// Stars given: how many and their sum.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Stars {
    n: u32,
    sum: u64,
}

impl Stars {
    fn add(&mut self, stars: u8) {
        self.n += 1;
        self.sum += u64::from(stars);
    }
    fn merge(&mut self, o: Self) {
        self.n += o.n;
        self.sum += o.sum;
    }
}

/// Whether a kept tally is its default (zero, empty), left out of the
/// kept JSON: a day's tallies are mostly zeros (a butler with one job
/// that day has every other figure at zero), and a year's scorecards read
/// 365 kept days (1.8 MB on a generated community, 14 ms to read, before
/// the zeros were left out). A missing field reads back as its default.
fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

/// What one butler's work adds up to in a stretch.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct ButlerPart {
    #[serde(default, skip_serializing_if = "is_default")]
    repairs: JobTally,
    #[serde(default, skip_serializing_if = "is_default")]
    complaints: JobTally,
    #[serde(default, skip_serializing_if = "is_default")]
    stars: Stars,
    #[serde(default, skip_serializing_if = "is_default")]
    complaint_stars: Stars,
    #[serde(default, skip_serializing_if = "is_default")]
    jobs_by_channel: ChannelCounts,
    #[serde(default, skip_serializing_if = "is_default")]
    complaints_by_channel: ChannelCounts,
    /// Follow-ups opened; of those done on time, done late, and the due
    /// times of those still open (overdue is judged when asked).
    #[serde(default, skip_serializing_if = "is_default")]
    fu_opened: u32,
    #[serde(default, skip_serializing_if = "is_default")]
    fu_on_time: u32,
    #[serde(default, skip_serializing_if = "is_default")]
    fu_late: u32,
    #[serde(default, skip_serializing_if = "is_default")]
    fu_open_due: Vec<DateTime<Utc>>,
    /// By reason: holds begun, seconds held by holds that ended.
    #[serde(default, skip_serializing_if = "is_default")]
    holds: Vec<(HoldReason, u32, i64)>,
    #[serde(default, skip_serializing_if = "is_default")]
    urges: u32,
}

fn merge_channels(a: &mut ChannelCounts, b: &ChannelCounts) {
    a.app += b.app;
    a.phone += b.phone;
    a.walk_in += b.walk_in;
    a.patrol += b.patrol;
}

impl ButlerPart {
    fn hold(&mut self, reason: HoldReason, began: u32, held_secs: i64) {
        match self.holds.iter_mut().find(|h| h.0 == reason) {
            Some(h) => {
                h.1 += began;
                h.2 += held_secs;
            }
            None => self.holds.push((reason, began, held_secs)),
        }
    }

    fn merge(&mut self, o: &Self) {
        self.repairs.merge(&o.repairs);
        self.complaints.merge(&o.complaints);
        self.stars.merge(o.stars);
        self.complaint_stars.merge(o.complaint_stars);
        merge_channels(&mut self.jobs_by_channel, &o.jobs_by_channel);
        merge_channels(&mut self.complaints_by_channel, &o.complaints_by_channel);
        self.fu_opened += o.fu_opened;
        self.fu_on_time += o.fu_on_time;
        self.fu_late += o.fu_late;
        self.fu_open_due.extend_from_slice(&o.fu_open_due);
        for (reason, began, held) in &o.holds {
            self.hold(*reason, *began, *held);
        }
        self.urges += o.urges;
    }
}

/// What happened in one building in a stretch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct BuildingPart {
    #[serde(default, skip_serializing_if = "is_default")]
    help: u32,
    #[serde(default, skip_serializing_if = "is_default")]
    help_quick: u32,
    #[serde(default, skip_serializing_if = "is_default")]
    visits_on_time: u32,
    #[serde(default, skip_serializing_if = "is_default")]
    visits_late: u32,
}

/// What a stretch (a day) adds up to: by butler (the job's owner, the
/// rating's or follow-up's butler), by building, and check-ins by elder.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct Part {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    b: BTreeMap<String, ButlerPart>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    g: BTreeMap<String, BuildingPart>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    e: BTreeMap<String, u32>,
}

impl Part {
    fn butler(&mut self, id: &Option<UserId>) -> Option<&mut ButlerPart> {
        id.as_ref().map(|b| self.b.entry(b.as_str().to_owned()).or_default())
    }

    fn building(&mut self, id: &BuildingId) -> &mut BuildingPart {
        self.g.entry(id.as_str().to_owned()).or_default()
    }

    fn merge(&mut self, o: &Self) {
        for (k, v) in &o.b {
            self.b.entry(k.clone()).or_default().merge(v);
        }
        for (k, v) in &o.g {
            let mine = self.g.entry(k.clone()).or_default();
            mine.help += v.help;
            mine.help_quick += v.help_quick;
            mine.visits_on_time += v.visits_on_time;
            mine.visits_late += v.visits_late;
        }
        for (k, v) in &o.e {
            *self.e.entry(k.clone()).or_default() += v;
        }
    }
}

/// A stretch's rows tallied by the Shanghai day they count in.
fn parts_by_day(rows: &Rows) -> BTreeMap<NaiveDate, Part> {
    let mut days: BTreeMap<NaiveDate, Part> = BTreeMap::new();
    for j in &rows.jobs {
        let Some(b) = days.entry(local_date(j.created_at)).or_default().butler(&j.owner) else { continue };
        let facts = j.facts();
        if j.is_repair() {
            b.repairs.add(&facts);
            if !facts.cancelled {
                b.jobs_by_channel.add(j.channel);
            }
        } else if j.is_complaint() {
            b.complaints.add(&facts);
            if !facts.cancelled {
                b.complaints_by_channel.add(j.channel);
            }
        }
    }
    for r in &rows.ratings {
        let Some(b) = days.entry(local_date(r.at)).or_default().butler(&r.butler) else { continue };
        if r.of_complaint() { b.complaint_stars.add(r.stars) } else { b.stars.add(r.stars) }
    }
    for h in &rows.help {
        let g = days.entry(local_date(h.created_at)).or_default().building(&h.building);
        g.help += 1;
        g.help_quick +=
            u32::from(HelpFacts { created_at: h.created_at, acknowledged_at: h.acknowledged_at }.acked_within_60s());
    }
    for c in &rows.check_ins {
        let Ok(day) = c.day.parse::<NaiveDate>() else { continue };
        *days.entry(day).or_default().e.entry(c.elder.as_str().to_owned()).or_default() += 1;
    }
    for f in &rows.follow_ups {
        let Some(b) = days.entry(local_date(f.created_at)).or_default().butler(&f.butler) else { continue };
        b.fu_opened += 1;
        let due = f.due_at.unwrap_or_else(|| FollowUpSettings::default().due_at(f.created_at));
        match f.done_at {
            Some(done) if done <= due => b.fu_on_time += 1,
            Some(_) => b.fu_late += 1,
            None => b.fu_open_due.push(due),
        }
    }
    for v in &rows.visits {
        let g = days.entry(local_date(v.visited_at)).or_default().building(&v.building);
        if v.on_time { g.visits_on_time += 1 } else { g.visits_late += 1 }
    }
    for s in &rows.hold_steps {
        let Some(b) = days.entry(local_date(s.at)).or_default().butler(&s.owner) else { continue };
        if let Some(step) = s.step() {
            b.hold(step.reason, u32::from(step.began), step.held_secs.map_or(0, |h| h.max(0)));
        }
        b.urges += u32::from(s.action == linli_model::keys::TimelineAction::Urged);
    }
    days
}

/// What a period's tallies are read for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Grain {
    /// Its totals only: whole closed months come merged (`scorecard_month`).
    Totals,
    /// Its totals and a day-by-day series: every day apart.
    Daily,
}

/// A period's tallies: by Shanghai day, and (for [`Grain::Totals`]) the
/// whole closed months inside it merged, their days left out of `days`.
pub(super) struct Days {
    days: BTreeMap<NaiveDate, Part>,
    months: Vec<Part>,
}

impl Days {
    fn add(&mut self, day: NaiveDate, part: &Part) {
        self.days.entry(day).or_default().merge(part);
    }

    /// The whole period.
    pub(super) fn total(&self) -> Part {
        let mut total = Part::default();
        self.days.values().chain(&self.months).for_each(|p| total.merge(p));
        total
    }

    /// One butler's trend chart over days `[d0, d1)`, as
    /// `scorecard::daily` computes it from the rows.
    pub(super) fn daily(&self, butler: &str, d0: NaiveDate, d1: NaiveDate) -> Vec<DayPoint> {
        let empty = ButlerPart::default();
        let mut out = Vec::new();
        let mut day = d0;
        while day < d1 {
            let b = self.days.get(&day).and_then(|p| p.b.get(butler)).unwrap_or(&empty);
            let mut card = Scorecard::default();
            scorecard::job_tally_metrics(&mut card, &b.repairs);
            scorecard::rating_sum_metrics(&mut card, b.stars.n, b.stars.sum);
            out.push(DayPoint {
                day,
                jobs: card.jobs,
                resolved_in_sla_pct: card.resolved_in_sla_pct,
                rating_avg: card.rating_avg,
            });
            day = day.succ_opt().unwrap_or(d1);
        }
        out
    }
}

/// One butler's card for `[from, to)` from the period's tallies and the
/// people as they are now: the same figures as [`super::tests`]'
/// recomputation from the rows.
pub(super) fn card(
    people: &People,
    total: &Part,
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
    let empty = ButlerPart::default();
    let b = total.b.get(butler.id.as_str()).unwrap_or(&empty);
    scorecard::job_tally_metrics(&mut card, &b.repairs);
    scorecard::rating_sum_metrics(&mut card, b.stars.n, b.stars.sum);
    scorecard::complaint_tally_metrics(&mut card, &b.complaints, b.complaint_stars.n, b.complaint_stars.sum);
    let buildings: Vec<&BuildingId> =
        people.buildings.iter().filter(|g| g.butler.as_deref() == Some(butler.id.as_str())).map(|g| &g.id).collect();
    let mut here = BuildingPart::default();
    for g in buildings.iter().filter_map(|g| total.g.get(g.as_str())) {
        here.help += g.help;
        here.help_quick += g.help_quick;
        here.visits_on_time += g.visits_on_time;
        here.visits_late += g.visits_late;
    }
    scorecard::help_count_metrics(&mut card, here.help, here.help_quick);
    let elders: Vec<&UserId> =
        people.elders.iter().filter(|e| buildings.contains(&&e.building)).map(|e| &e.id).collect();
    // Only days that have begun count: a month in progress is judged so far.
    let end = to.min(now);
    let days =
        usize::try_from((start_of_local_day(local_date(end)) - start_of_local_day(local_date(from))).num_days() + 1)
            .unwrap_or(0);
    let checked_in: u32 = elders.iter().filter_map(|e| total.e.get(e.as_str())).sum();
    scorecard::check_in_metrics(&mut card, elders.len() * days, checked_in as usize);
    card.follow_ups_opened = b.fu_opened;
    let mut timings = vec![FollowUpTiming::OnTime; b.fu_on_time as usize];
    timings.extend(std::iter::repeat_n(FollowUpTiming::Late, b.fu_late as usize));
    timings.extend(b.fu_open_due.iter().map(|due| FollowUpTiming::of(*due, None, now)));
    scorecard::follow_up_metrics(&mut card, &timings);
    card.jobs_by_channel = b.jobs_by_channel;
    card.complaints_by_channel = b.complaints_by_channel;
    let mut on_time = vec![true; here.visits_on_time as usize];
    on_time.extend(std::iter::repeat_n(false, here.visits_late as usize));
    let overdue_now = people
        .elders
        .iter()
        .filter(|e| e.role == linli_model::Role::Resident && buildings.contains(&&e.building))
        .filter(|e| crate::elders::store::schedule_status(e.visit_every_days, e.since, e.last_visit, now).overdue)
        .count();
    scorecard::visit_metrics(&mut card, &on_time, overdue_now);
    let mut steps = Vec::new();
    for (reason, began, held) in &b.holds {
        steps.extend(std::iter::repeat_n(
            scorecard::HoldStep { reason: *reason, began: true, held_secs: None },
            *began as usize,
        ));
        steps.push(scorecard::HoldStep { reason: *reason, began: false, held_secs: Some(*held) });
    }
    scorecard::hold_metrics(&mut card, &steps, b.urges as usize);
    card
}

/// The first and last kept day of `[from, to)` (`[c0, c1)`): whole days
/// inside the period, before `today`. `None` when there is none.
pub(super) fn kept_span(from: DateTime<Utc>, to: DateTime<Utc>, today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let mut c0 = local_date(from);
    if start_of_local_day(c0) < from {
        c0 = c0.succ_opt()?;
    }
    let c1 = local_date(to).min(today);
    (c0 < c1).then_some((c0, c1))
}

/// The runs of consecutive days in `days` (ascending), each as `[d0, d1)`.
pub(super) fn day_runs(days: &[NaiveDate]) -> Vec<(NaiveDate, NaiveDate)> {
    let mut runs: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for &d in days {
        let next = d.succ_opt().unwrap_or(d);
        match runs.last_mut() {
            Some((_, end)) if *end == d => *end = next,
            _ => runs.push((d, next)),
        }
    }
    runs
}

/// The longest run of missing days that may be read one day at a time.
const MOST_DAYS_READ_ONE_BY_ONE: i64 = 31;

/// The stretches `[d0, d1)` in which the missing `days` (ascending) are
/// read from the rows: each run of consecutive days as one stretch, but a
/// short run long ago day by day. A stretch's reads are bounded below
/// only (SurrealDB 3.3 bounds a range on a compound index's second field
/// on one end, see `SCORECARD_ROWS_OF_A_DAY`), so one day forgotten two
/// years back, because a job of that day changed, read as a stretch
/// would read every row of the community since; read as a day, each
/// table is read through its `(community, local_day)` index, exactly.
/// A run is split when it is at most [`MOST_DAYS_READ_ONE_BY_ONE`] days
/// and the rows since its start span more than twice its days.
pub(super) fn reads(days: &[NaiveDate], today: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
    let mut reads = Vec::new();
    for (r0, r1) in day_runs(days) {
        let run = (r1 - r0).num_days();
        if run <= MOST_DAYS_READ_ONE_BY_ONE && (today - r0).num_days() > 2 * run {
            reads.extend(r0.iter_days().take_while(|d| *d < r1).map(|d| (d, d.succ_opt().unwrap_or(d))));
        } else {
            reads.push((r0, r1));
        }
    }
    reads
}

/// The whole calendar months inside days `[c0, c1)`, each as its first
/// day and the first day of the next month.
pub(super) fn whole_months(c0: NaiveDate, c1: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
    let next = |m: NaiveDate| m.checked_add_months(chrono::Months::new(1));
    let first = c0.with_day(1).unwrap_or(c0);
    let Some(mut m0) = (if first < c0 { next(first) } else { Some(first) }) else { return Vec::new() };
    let mut months = Vec::new();
    while let Some(m1) = next(m0).filter(|m1| *m1 <= c1) {
        months.push((m0, m1));
        m0 = m1;
    }
    months
}

/// The key of the month holding `day` ('YYYY-MM', `scorecard_month.month`).
fn month_key(day: NaiveDate) -> String {
    day.format("%Y-%m").to_string()
}

/// Kept tallies of days `[c0, c1)`: whole months merged, by their key,
/// and the days outside them.
#[derive(Default)]
struct Kept {
    days: BTreeMap<NaiveDate, Part>,
    months: BTreeMap<String, Part>,
}

impl Kept {
    /// The days of `[c0, c1)` neither kept nor inside a kept month.
    fn missing(&self, c0: NaiveDate, c1: NaiveDate) -> Vec<NaiveDate> {
        c0.iter_days()
            .take_while(|d| *d < c1)
            .filter(|d| !self.days.contains_key(d) && !self.months.contains_key(&month_key(*d)))
            .collect()
    }
}

#[derive(Deserialize)]
struct KeptRow {
    day: String,
    data: String,
}

#[derive(Deserialize)]
struct KeptMonthRow {
    month: String,
    data: String,
}

impl Backend {
    /// The period's tallies: kept days (and for [`Grain::Totals`] kept
    /// months) where whole closed days lie inside it (computed and kept
    /// when missing), the rest from the rows.
    pub(super) async fn scorecard_days(
        &self,
        community: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        grain: Grain,
    ) -> Result<Days> {
        let mut days = Days { days: BTreeMap::new(), months: Vec::new() };
        let (from_day, to_day) = (local_date(from), local_date(to));
        let Some((c0, c1)) = kept_span(from, to, local_date(crate::clock::now())) else {
            let rows = self.scorecard_rows(community, &Stretch { from, to, from_day, to_day }).await?;
            parts_by_day(&rows).iter().for_each(|(d, p)| days.add(*d, p));
            return Ok(days);
        };
        let months = match grain {
            Grain::Totals => whole_months(c0, c1),
            Grain::Daily => Vec::new(),
        };
        let kept = self.kept_days(community, c0, c1, &months).await?;
        kept.days.iter().for_each(|(d, p)| days.add(*d, p));
        days.months = kept.months.into_values().collect();
        let first = Stretch { from, to: start_of_local_day(c0), from_day, to_day: c0 };
        let last = Stretch { from: start_of_local_day(c1), to, from_day: c1, to_day };
        for edge in [first, last] {
            let rows = self.scorecard_rows(community, &edge).await?;
            parts_by_day(&rows).iter().for_each(|(d, p)| days.add(*d, p));
        }
        Ok(days)
    }

    /// The kept days `[c0, c1)` of a community, the whole `months` inside
    /// it merged, after forgetting those whose rows changed; missing days
    /// are computed from the rows, missing months merged from their days,
    /// and both kept (a failure to keep them only costs the next request
    /// time). When everything is kept and nothing changed, no turn is
    /// taken; otherwise the community's turn (`turns.rs`) is held
    /// throughout, so concurrent requests compute each day once.
    async fn kept_days(
        &self,
        community: &str,
        c0: NaiveDate,
        c1: NaiveDate,
        months: &[(NaiveDate, NaiveDate)],
    ) -> Result<Kept> {
        let c = CommunityId::record_of(community);
        if let Some(kept) = self.kept_when_whole(&c, c0, c1, months).await? {
            return Ok(kept);
        }
        let turn = self.scorecard_recomputes.turn(community);
        let _turn = turn.lock().await;
        // The real clock (not the services' `clock::now`): it is compared
        // with the `changed_at` the database stamps.
        let started = Utc::now();
        let forgotten = match self.scorecard_mark(&c).await? {
            None => self.forget_days(&c, Vec::new(), true, started).await,
            Some(mark) => {
                let changed = self.changed_days(&c, mark - Duration::seconds(MARGIN_SECS)).await?;
                if !changed.is_empty() || started - mark > MARK_REFRESH {
                    self.forget_days(&c, changed, false, started).await
                } else {
                    Ok(())
                }
            }
        };
        if let Err(e) = forgotten {
            // Kept days may be stale (a write conflict with another
            // server): this answer comes from the rows alone.
            tracing::warn!(error = %e, "scorecard days not checked; counted from the rows");
            let days = parts_by_day(&self.scorecard_rows(community, &Stretch::days(c0, c1)).await?);
            return Ok(Kept { days, months: BTreeMap::new() });
        }
        let mut kept = self.read_kept_parts(&c, c0, c1, months).await?;
        let missing = kept.missing(c0, c1);
        if missing.is_empty() {
            return Ok(kept);
        }
        // Each run of consecutive missing days is read on its own, and a
        // short one long ago day by day (`reads`): a job reported two
        // years ago and changed today forgets that one day, which must
        // not make the next request read the two years between.
        let mut computed = BTreeMap::new();
        for (r0, r1) in reads(&missing, local_date(crate::clock::now())) {
            let rows = self.scorecard_rows(community, &Stretch::days(r0, r1)).await?;
            computed.extend(parts_by_day(&rows));
        }
        self.scorecard_recomputes.counted(missing.len());
        let mut keep_days = Vec::new();
        for day in missing {
            let part = computed.remove(&day).unwrap_or_default();
            if let Ok(data) = serde_json::to_string(&part) {
                keep_days.push(serde_json::json!({ "day": day.to_string(), "data": data }));
            }
            kept.days.insert(day, part);
        }
        // Every day of a month not kept merged is now known: merge it.
        let mut keep_months = Vec::new();
        for &(m0, m1) in months {
            let key = month_key(m0);
            if kept.months.contains_key(&key) {
                continue;
            }
            let mut month = Part::default();
            for day in m0.iter_days().take_while(|d| *d < m1) {
                if let Some(part) = kept.days.remove(&day) {
                    month.merge(&part);
                }
            }
            if let Ok(data) = serde_json::to_string(&month) {
                keep_months.push(serde_json::json!({ "month": key, "data": data }));
            }
            kept.months.insert(key, month);
        }
        // A failure to keep them only costs the next request the same work.
        let stored = run(self
            .db
            .query(store::SCORECARD_KEEP)
            .bind(("c", c))
            .bind(("days", serde_json::Value::Array(keep_days)))
            .bind(("months", serde_json::Value::Array(keep_months)))
            .bind(("now", Utc::now())))
        .await;
        if let Err(e) = stored {
            tracing::warn!(error = %e, "scorecard days not kept");
        }
        Ok(kept)
    }

    /// The kept days `[c0, c1)` and `months` when the mark is fresh, no
    /// row changed since it and every day is kept (or inside a kept
    /// month); `None` when any of that fails and the community's turn is
    /// needed.
    async fn kept_when_whole(
        &self,
        c: &surrealdb::types::RecordId,
        c0: NaiveDate,
        c1: NaiveDate,
        months: &[(NaiveDate, NaiveDate)],
    ) -> Result<Option<Kept>> {
        let started = Utc::now();
        let Some(mark) = self.scorecard_mark(c).await? else { return Ok(None) };
        if started - mark > MARK_REFRESH
            || !self.changed_days(c, mark - Duration::seconds(MARGIN_SECS)).await?.is_empty()
        {
            return Ok(None);
        }
        let kept = self.read_kept_parts(c, c0, c1, months).await?;
        Ok(kept.missing(c0, c1).is_empty().then_some(kept))
    }

    /// The kept `months` (those found) and the kept days of `[c0, c1)`
    /// outside them, each run of such days read on its own.
    async fn read_kept_parts(
        &self,
        c: &surrealdb::types::RecordId,
        c0: NaiveDate,
        c1: NaiveDate,
        months: &[(NaiveDate, NaiveDate)],
    ) -> Result<Kept> {
        let mut kept = Kept::default();
        if !months.is_empty() {
            let keys: Vec<String> = months.iter().map(|(m0, _)| month_key(*m0)).collect();
            let mut res =
                run(self.db.query(store::SCORECARD_KEPT_MONTHS).bind(("c", c.clone())).bind(("months", keys))).await?;
            for row in rows::<KeptMonthRow>(&mut res, 0)? {
                if let Ok(part) = serde_json::from_str::<Part>(&row.data) {
                    kept.months.insert(row.month, part);
                }
            }
        }
        let outside = kept.missing(c0, c1);
        for (r0, r1) in day_runs(&outside) {
            kept.days.extend(self.read_kept(c, r0, r1).await?);
        }
        Ok(kept)
    }

    /// When the community's kept days were last checked against changes.
    async fn scorecard_mark(&self, c: &surrealdb::types::RecordId) -> Result<Option<DateTime<Utc>>> {
        let mut res = run(self.db.query(store::SCORECARD_MARK).bind(("c", c.clone()))).await?;
        Ok(rows::<DateTime<Utc>>(&mut res, 0)?.into_iter().next())
    }

    /// The kept days `[c0, c1)` as they are stored (a day whose data no
    /// longer parses counts as missing).
    async fn read_kept(
        &self,
        c: &surrealdb::types::RecordId,
        c0: NaiveDate,
        c1: NaiveDate,
    ) -> Result<BTreeMap<NaiveDate, Part>> {
        let mut res = run(self
            .db
            .query(store::SCORECARD_KEPT)
            .bind(("c", c.clone()))
            .bind(("d0", c0.to_string()))
            .bind(("d1", c1.to_string())))
        .await?;
        let mut kept = BTreeMap::new();
        for row in rows::<KeptRow>(&mut res, 0)? {
            if let (Ok(day), Ok(part)) = (row.day.parse::<NaiveDate>(), serde_json::from_str::<Part>(&row.data)) {
                kept.insert(day, part);
            }
        }
        Ok(kept)
    }

    /// The days counted by rows changed since `since`.
    async fn changed_days(&self, c: &surrealdb::types::RecordId, since: DateTime<Utc>) -> Result<Vec<String>> {
        let mut res =
            run(self.db.query(store::SCORECARD_CHANGED).bind(("c", c.clone())).bind(("since", since))).await?;
        let mut days = std::collections::BTreeSet::new();
        let mut instants: Vec<DateTime<Utc>> = rows(&mut res, 0)?;
        instants.extend(rows::<Vec<DateTime<Utc>>>(&mut res, 1)?.into_iter().flatten());
        for i in 2..6 {
            instants.extend(rows::<DateTime<Utc>>(&mut res, i)?);
        }
        days.extend(instants.into_iter().map(|t| local_date(t).to_string()));
        days.extend(rows::<String>(&mut res, 6)?);
        Ok(days.into_iter().collect())
    }

    /// Forgets kept days and the months holding them (`all`: every one of
    /// the community) and moves the mark to `now`.
    async fn forget_days(
        &self,
        c: &surrealdb::types::RecordId,
        days: Vec<String>,
        all: bool,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let months: std::collections::BTreeSet<&str> = days.iter().filter_map(|d| d.get(..7)).collect();
        let months: Vec<String> = months.into_iter().map(str::to_owned).collect();
        run(self
            .db
            .query(store::SCORECARD_FORGET)
            .bind(("c", c.clone()))
            .bind(("days", days))
            .bind(("months", months))
            .bind(("all", all))
            .bind(("now", now)))
        .await
        .map(|_| ())
    }
}

#[cfg(test)]
mod kept_json {
    use super::*;

    /// A kept day leaves its zeros out and reads back equal, and a day
    /// kept before zeros were left out (every field written) still reads.
    #[test]
    fn a_kept_day_leaves_out_its_zeros_and_reads_back_equal() {
        let mut part = Part::default();
        let b = part.b.entry("user:b1".into()).or_default();
        b.stars.add(4);
        b.fu_opened = 1;
        part.building(&BuildingId::from_key("b1")).help = 2;
        part.e.insert("user:e1".into(), 1);
        let Ok(json) = serde_json::to_string(&part) else { panic!("serialised") };
        for zero in ["repairs", "complaints", "complaint_stars", "jobs_by_channel", "fu_late", "holds", "visits_late"] {
            assert!(!json.contains(zero), "{zero} left out: {json}");
        }
        assert!(
            json.contains("\"stars\"") && json.contains("\"fu_opened\":1") && json.contains("\"help\":2"),
            "{json}"
        );
        let back: Part = serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(back, part);

        let full = r#"{"b":{"user:b1":{"repairs":{"jobs":0,"respond_secs":[],"responded_in_sla":0,"resolved_in_sla":0,"resolved":0,"first_time":0},"stars":{"n":1,"sum":4},"fu_opened":1,"fu_on_time":0,"fu_late":0,"fu_open_due":[],"holds":[],"urges":0}}}"#;
        let old: Part = serde_json::from_str(full).unwrap_or_default();
        assert_eq!(old.b.get("user:b1").map(|b| (b.stars, b.fu_opened)), Some((Stars { n: 1, sum: 4 }, 1)));
    }
}
