//! Data at scale (issue 19): fills a database with a property company's
//! communities and years of their history, written in batches straight
//! into the tables (`store.rs`), with the rows the services would have
//! written: the same tables, fields, typed record ids, statuses,
//! timelines, clock fields and kinds. Far faster than going through the
//! services (the demo's month of history, `demo/history.rs`), which would
//! take days for millions of rows.
//!
//! What is written, and how often, is the [`Spec`] and the distribution
//! constants below; `docs/scale.md` describes them and the measured run.
//! The run is deterministic from the spec's seed (one [`StdRng`] per
//! community), except for the database's own keys of child rows
//! (timeline steps, entries, reads, check-ins).
//!
//! The accounts it creates all have the demo password (`linli-demo`);
//! their phone numbers follow [`phone_of`], so a benchmark can sign in as
//! any role of any generated community.

#![allow(
    clippy::cast_possible_truncation,
    reason = "a data generator: counts and indices are small (units, days, rows per community)"
)]

mod jobs;
mod life;
pub(crate) mod store;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use rand::{Rng, SeedableRng, rngs::StdRng};
use surrealdb::types::RecordId;

use super::{
    Backend,
    auth::hash_password,
    db::{rows, run},
    error::Result,
};
use linli_model::time::{local_date, local_instant};
use store::*;

// ---- The distributions (docs/scale.md lists them) ----

/// Units per building (10 floors × 5 units).
pub const UNITS_PER_BUILDING: u32 = 50;
/// Buildings one butler looks after.
pub const BUILDINGS_PER_BUTLER: u32 = 2;
/// One worker per this many units (at least two).
pub const UNITS_PER_WORKER: u32 = 200;
/// Gates, each with a guard.
pub const GATES: &[&str] = &["north", "south", "east", "west"];
/// Duty-room staff per community.
pub const DUTY_STAFF: u32 = 2;
/// Share of units where an elder lives (an account of their own, in
/// elder mode, with an emergency contact), besides the household's account.
pub const ELDER_SHARE: f64 = 0.08;

/// Repairs per unit per year.
pub const REPAIRS_PER_UNIT_YEAR: f64 = 1.0;
/// Complaints per unit per year.
pub const COMPLAINTS_PER_UNIT_YEAR: f64 = 0.08;
/// Suggestions per unit per year.
pub const SUGGESTIONS_PER_UNIT_YEAR: f64 = 0.03;
/// Share of reports entered by staff (phone, walk-in, patrol) rather
/// than filed in the app.
pub const STAFF_ENTRY_SHARE: f64 = 0.15;
/// Share of repairs reported with photos (1–3).
pub const PHOTO_SHARE: f64 = 0.4;
/// Share of repairs whose reporter cancels before anyone comes.
pub const CANCEL_SHARE: f64 = 0.05;
/// Share of repairs put on hold (waiting for parts, the resident, a vendor).
pub const HOLD_SHARE: f64 = 0.10;
/// Share of resolved repairs the resident reopens.
pub const REOPEN_SHARE: f64 = 0.04;
/// Of resolved work: rated by the resident (the rest confirm, or say
/// nothing and are confirmed by the system after 72 hours).
pub const RATED_SHARE: f64 = 0.55;
/// Of resolved work not rated: confirmed by the resident.
pub const CONFIRMED_SHARE: f64 = 0.45;
/// Stars of ratings, 1★ to 5★ (weights).
pub const STARS: [u32; 5] = [3, 3, 9, 25, 60];
/// Share of jobs that stall before being resolved and are still open
/// (the backlog).
pub const STALL_SHARE: f64 = 0.01;
/// Share of slow jobs (no response within the respond target) urged.
pub const URGE_SHARE: f64 = 0.5;
/// Share of follow-ups done when due.
pub const FOLLOW_UP_DONE_SHARE: f64 = 0.9;

/// Help calls per elder per year.
pub const HELP_CALLS_PER_ELDER_YEAR: f64 = 4.0;
/// Days an elder checks in (the rest: missed).
pub const CHECK_IN_SHARE: f64 = 0.88;
/// Missed check-ins the butler follows up.
pub const CHECK_IN_FOLLOW_UP_SHARE: f64 = 0.7;
/// Days between regular visits to an elder (the weekly default).
pub const VISIT_EVERY_DAYS: i64 = 7;

/// Visitor passes per unit per year.
pub const PASSES_PER_UNIT_YEAR: f64 = 50.0;
/// Share of passes whose visitor comes (entries); the rest expire unused
/// or are revoked.
pub const PASS_USED_SHARE: f64 = 0.8;
/// Share of passes revoked by their host.
pub const PASS_REVOKED_SHARE: f64 = 0.03;
/// Share of passes for several entries over several days.
pub const MULTI_ENTRY_SHARE: f64 = 0.1;
/// Walk-ins (visitors without a pass) per unit per year.
pub const WALK_INS_PER_UNIT_YEAR: f64 = 3.0;
/// Days after which visitors' personal data is purged (the default
/// `visitor_retention`).
pub const VISITOR_RETENTION_DAYS: i64 = 90;

/// Notices per community per month (the manager's, to everyone).
pub const NOTICES_PER_COMMUNITY_MONTH: f64 = 4.0;
/// Notices per butler per month (to their buildings).
pub const BUTLER_NOTICES_PER_MONTH: f64 = 1.0;
/// Share of the people a notice reaches who read it.
pub const READ_SHARE: f64 = 0.6;
/// Events per community per month.
pub const EVENTS_PER_COMMUNITY_MONTH: f64 = 2.0;
/// Share of households that answer an event.
pub const RSVP_SHARE: f64 = 0.06;
/// Share of answers later cancelled.
pub const RSVP_CANCEL_SHARE: f64 = 0.08;

/// What to generate.
#[derive(Clone, Debug)]
pub struct Spec {
    /// Communities (`scale-001`, `scale-002`, ...): the last one's number.
    pub communities: u32,
    /// The first community written by [`Backend::generate_scale`]: 1 for
    /// a new database; a later one continues a database holding those
    /// before it (the generator's `--first` and `--reopen-every`,
    /// docs/scale.md).
    pub first: u32,
    /// Units in each community.
    pub units: u32,
    /// Months of history before now.
    pub months: u32,
    /// The seed every community's dice start from.
    pub seed: u64,
    /// Rows per INSERT statement.
    pub batch: usize,
    /// Communities written at the same time.
    pub writers: usize,
    /// Share of the visitor passes (with their entries) and walk-ins
    /// purged long ago (ended more than [`VISITOR_RETENTION_DAYS`] before
    /// now) that are stored, 0–1; the recent ones are all stored. 1 stores
    /// everything (docs/scale.md: why the default is 0.1).
    pub pass_share: f64,
    /// "Now": the end of the history.
    pub now: DateTime<Utc>,
}

impl Default for Spec {
    fn default() -> Self {
        Self {
            communities: 50,
            first: 1,
            units: 1000,
            months: 36,
            seed: 19,
            batch: 2000,
            writers: 2,
            pass_share: 0.1,
            now: Utc::now(),
        }
    }
}

/// What was written: rows per table, and the time it took.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub rows: Vec<(&'static str, u64)>,
    pub millis: u128,
    /// A few passes valid now and not used up, as (community code, token,
    /// short code): a guard can verify and admit them (the code only if
    /// the server runs with the generator's code key).
    pub live_passes: Vec<(String, String, String)>,
}

impl Report {
    /// Rows of `table` written.
    pub fn count(&self, table: &str) -> u64 {
        self.rows.iter().filter(|(t, _)| *t == table).map(|(_, n)| *n).sum()
    }

    /// Rows written in all.
    pub fn total(&self) -> u64 {
        self.rows.iter().map(|(_, n)| *n).sum()
    }

    /// Adds what another run wrote (`millis` is left as it is).
    pub fn merge(&mut self, other: Self) {
        self.add(other.rows);
        self.live_passes.extend(other.live_passes);
    }

    fn add(&mut self, rows: Vec<(&'static str, u64)>) {
        for (t, n) in rows {
            match self.rows.iter_mut().find(|(x, _)| *x == t) {
                Some((_, m)) => *m += n,
                None => self.rows.push((t, n)),
            }
        }
    }
}

/// The roles of generated accounts, and the digit of their phone numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    /// The household account of unit `n` (1-based, in building order).
    Resident,
    /// The elder of unit `n` (only units with an elder have one).
    Elder,
    Butler,
    Worker,
    Guard,
    Duty,
    Admin,
}

/// The phone number (login) of generated account `n` (1-based) of role
/// `who` in community `c` (1-based): residents `15ccc` + unit number
/// (6 digits), elders `17ccc` + unit number, staff `16ccc` + role digit
/// (butler 1, worker 2, guard 3, duty 4, admin 5) + 5 digits.
pub fn phone_of(c: u32, who: Who, n: u32) -> String {
    match who {
        Who::Resident => format!("15{c:03}{n:06}"),
        Who::Elder => format!("17{c:03}{n:06}"),
        staff => {
            let digit = match staff {
                Who::Butler => 1,
                Who::Worker => 2,
                Who::Guard => 3,
                Who::Duty => 4,
                _ => 5,
            };
            format!("16{c:03}{digit}{n:05}")
        }
    }
}

/// The code of generated community `c` (1-based).
pub fn community_code(c: u32) -> String {
    format!("scale-{c:03}")
}

/// A person of a generated community, as the rows refer to them.
#[derive(Clone)]
pub(crate) struct Person {
    pub id: RecordId,
    pub name: String,
}

/// A generated unit and who lives there.
#[derive(Clone)]
pub(crate) struct Home {
    pub id: RecordId,
    pub building: usize,
    pub resident: Person,
    pub elder: Option<Person>,
}

/// A generated community: its places and people, for the history.
pub(crate) struct Place {
    pub index: u32,
    pub id: RecordId,
    pub buildings: Vec<RecordId>,
    /// The butler of each building (by index).
    pub butler_of: Vec<usize>,
    pub butlers: Vec<Person>,
    pub workers: Vec<Person>,
    pub guards: Vec<(Person, &'static str)>,
    pub duty: Vec<Person>,
    pub admin: Person,
    pub homes: Vec<Home>,
    pub start: DateTime<Utc>,
    pub now: DateTime<Utc>,
}

impl Place {
    pub(crate) fn butler(&self, building: usize) -> &Person {
        let i = self.butler_of.get(building).copied().unwrap_or(0);
        self.butlers.get(i).unwrap_or(&self.admin)
    }
}

/// A record key from the dice: 20 characters of `[a-z0-9]` starting with a
/// letter, like [`crate::ids::new_key`].
pub(crate) fn key(rng: &mut StdRng) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut k = String::with_capacity(20);
    k.push(char::from(ALPHABET.get(rng.random_range(0..26)).copied().unwrap_or(b'a')));
    for _ in 1..20 {
        k.push(char::from(ALPHABET.get(rng.random_range(0..ALPHABET.len())).copied().unwrap_or(b'a')));
    }
    k
}

pub(crate) fn rid(table: &str, rng: &mut StdRng) -> RecordId {
    RecordId::new(table, key(rng))
}

/// True with probability `p`.
pub(crate) fn chance(rng: &mut StdRng, p: f64) -> bool {
    rng.random::<f64>() < p
}

/// Minutes in `lo..=hi`, as a duration.
pub(crate) fn mins(rng: &mut StdRng, lo: i64, hi: i64) -> Duration {
    Duration::seconds(rng.random_range(lo * 60..=hi.max(lo) * 60))
}

/// One of `items` (which is never empty where it is called).
///
/// # Panics
/// On an empty table: a bug of the generator's own constants.
pub(crate) fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    let i = rng.random_range(0..items.len().max(1));
    match items.get(i) {
        Some(item) => item,
        None => panic!("pick from an empty table"),
    }
}

/// An index by weights.
pub(crate) fn weighted(rng: &mut StdRng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut x = rng.random_range(0..total.max(1));
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    0
}

/// How many of something at `rate` per `per` per year over the spec's
/// months (rounded, so small specs still get some).
pub(crate) fn how_many(rate: f64, per: u32, months: u32) -> u64 {
    (rate * f64::from(per) * f64::from(months) / 12.0).round() as u64
}

/// Local hours of the day people do things, weighted (7:00–22:00 mostly).
const DAY_HOURS: [u32; 24] = [1, 1, 1, 1, 1, 2, 4, 8, 10, 10, 10, 9, 8, 8, 9, 10, 10, 10, 10, 10, 9, 6, 3, 2];

/// A moment between `from` and `to` at a time people are awake.
pub(crate) fn moment(rng: &mut StdRng, from: DateTime<Utc>, to: DateTime<Utc>) -> DateTime<Utc> {
    let days = (local_date(to) - local_date(from)).num_days().max(0);
    for _ in 0..8 {
        let day = local_date(from) + Duration::days(rng.random_range(0..=days));
        let hour = weighted(rng, &DAY_HOURS) as u32;
        let t = local_instant(
            day,
            NaiveTime::from_hms_opt(hour, rng.random_range(0..60), rng.random_range(0..60)).unwrap_or(NaiveTime::MIN),
        );
        if t >= from && t < to {
            return t;
        }
    }
    from + Duration::seconds(rng.random_range(0..(to - from).num_seconds().max(1)))
}

/// `date` at local `hh:mm`.
pub(crate) fn at_local(date: NaiveDate, hh: u32, mm: u32) -> DateTime<Utc> {
    local_instant(date, NaiveTime::from_hms_opt(hh, mm, 0).unwrap_or(NaiveTime::MIN))
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "高",
    "罗",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "华",
    "建国", "桂兰", "玉梅", "志强", "海燕", "晓东",
];

pub(crate) fn name(rng: &mut StdRng) -> String {
    format!("{}{}", pick(rng, SURNAMES), pick(rng, GIVEN))
}

impl Backend {
    /// Generates `spec`'s communities and their history (see the module
    /// documentation), calling `progress` after each community with the
    /// rows written so far. Refuses (an error) if the first community's
    /// code already exists, so a second run cannot write a copy.
    pub async fn generate_scale(&self, spec: &Spec, progress: &(dyn Fn(u32, &Report) + Sync)) -> Result<Report> {
        let started = std::time::Instant::now();
        let first = spec.first.max(1);
        let mut res = run(self.db.query(SCALE_COMMUNITY_BY_CODE).bind(("code", community_code(first)))).await?;
        if !rows::<serde_json::Value>(&mut res, 0)?.is_empty() {
            return Err(super::error::Error::internal(format!(
                "this database already holds generated community {}: use a new one",
                community_code(first)
            )));
        }
        let password_hash = hash_password(super::demo::DEMO_PASSWORD.to_string()).await?;
        let shared = std::sync::Mutex::new(Report::default());
        let counter = std::sync::atomic::AtomicU32::new(0);
        let (report, done) = (&shared, &counter);
        let writers = spec.writers.max(1);
        use futures::StreamExt as _;
        let mut tasks = futures::stream::iter(first..=spec.communities)
            .map(|c| {
                let hash = password_hash.clone();
                async move {
                    let (rows, live) = self.generate_community(spec, c, &hash).await?;
                    let snapshot = {
                        let mut r = report.lock().map_err(|_| super::error::Error::internal("report lock"))?;
                        r.add(rows);
                        r.live_passes.extend(live);
                        r.millis = started.elapsed().as_millis();
                        r.clone()
                    };
                    let n = done.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                    progress(n, &snapshot);
                    Ok::<(), super::error::Error>(())
                }
            })
            .buffer_unordered(writers);
        while let Some(outcome) = tasks.next().await {
            outcome?;
        }
        drop(tasks);
        let mut report = shared.into_inner().map_err(|_| super::error::Error::internal("report lock"))?;
        report.millis = started.elapsed().as_millis();
        Ok(report)
    }

    /// What the backend keeps computed from stored rows, brought up to
    /// date once the rows are written, so that the first requests on the
    /// generated database do not pay for it: each elder's open help call
    /// marked (migration 0032), the scorecard days and whole
    /// months of the last year (`scorecard_day`, `scorecard_month`, kept
    /// on first use; asked once as its manager) of communities
    /// `spec.first..=spec.communities`. Answers each step with its
    /// milliseconds.
    pub async fn after_scale(&self, spec: &Spec) -> Result<Vec<(&'static str, u128)>> {
        let started = std::time::Instant::now();
        run(self.db.query(crate::help::store::MARK_OPEN_CALLS)).await?;
        let marked = started.elapsed().as_millis();
        for c in spec.first.max(1)..=spec.communities {
            let mut res = run(self.db.query(USER_BY_PHONE).bind(("phone", phone_of(c, Who::Admin, 1)))).await?;
            let Some(id) = rows::<crate::record::UserId>(&mut res, 0)?.into_iter().next() else { continue };
            let manager = self.load_actor(id.key(), "scale").await?;
            self.scorecards(&manager, spec.now - Duration::days(365), spec.now).await?;
        }
        Ok(vec![
            ("each elder's open help call marked", marked),
            ("scorecard days and months of the last year kept", started.elapsed().as_millis() - marked),
        ])
    }

    async fn generate_community(
        &self,
        spec: &Spec,
        c: u32,
        password_hash: &str,
    ) -> Result<(Vec<(&'static str, u64)>, Vec<(String, String, String)>)> {
        let mut rng = StdRng::seed_from_u64(spec.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ u64::from(c));
        let mut sink = Sink::new(spec.batch);
        let now = spec.now;
        let start = now - Duration::days(i64::from(spec.months) * 365 / 12);
        let place = self.places(spec, c, &mut rng, &mut sink, password_hash, start).await?;
        let closings = self.write_jobs(spec, &place, &mut rng, &mut sink).await?;
        // The community's count of closings no rule picked (the sample).
        put!(
            self,
            sink,
            community,
            CommunityRow {
                id: place.id.clone(),
                code: community_code(c),
                name: format!("规模测试{c}号小区"),
                name_en: format!("Scale Community {c}"),
                address: format!("上海市浦东新区测试路 {c} 号"),
                created_at: start - Duration::days(30),
                follow_up_count: closings,
            }
        );
        self.write_help(spec, &place, &mut rng, &mut sink).await?;
        self.write_visitors(spec, &place, &mut rng, &mut sink).await?;
        self.write_notices(spec, &place, &mut rng, &mut sink).await?;
        sink.flush(self).await?;
        Ok((sink.counts(), std::mem::take(&mut sink.live_passes)))
    }

    /// The community's buildings, units and people.
    async fn places(
        &self,
        spec: &Spec,
        c: u32,
        rng: &mut StdRng,
        sink: &mut Sink,
        password_hash: &str,
        start: DateTime<Utc>,
    ) -> Result<Place> {
        let id = rid("community", rng);
        let created = start - Duration::days(30);
        let units = spec.units.max(1);
        let per_building = UNITS_PER_BUILDING.min(units);
        let n_buildings = units.div_ceil(per_building);
        let n_butlers = n_buildings.div_ceil(BUILDINGS_PER_BUTLER);
        let n_workers = (units / UNITS_PER_WORKER).max(2);
        let person = |rng: &mut StdRng| Person { id: rid("user", rng), name: name(rng) };
        let staff = |rng: &mut StdRng, n: u32| (0..n).map(|_| person(rng)).collect::<Vec<_>>();
        let butlers = staff(rng, n_butlers);
        let workers = staff(rng, n_workers);
        let guards: Vec<(Person, &'static str)> =
            GATES.iter().map(|g| (person(rng), *g)).take(if units < 200 { 2 } else { GATES.len() }).collect();
        let duty = staff(rng, DUTY_STAFF);
        let admin = person(rng);
        let mut buildings = Vec::new();
        let mut butler_of = Vec::new();
        for b in 0..n_buildings {
            let bid = rid("building", rng);
            let butler = (b / BUILDINGS_PER_BUTLER) as usize;
            butler_of.push(butler);
            put!(
                self,
                sink,
                building,
                BuildingRow {
                    id: bid.clone(),
                    community: id.clone(),
                    number: (b + 1).to_string(),
                    name: format!("{}号楼", b + 1),
                    butler: butlers.get(butler).map(|p| p.id.clone()),
                    created_at: created,
                }
            );
            buildings.push(bid);
        }
        let user = |p: &Person, phone: String, role: &str| UserRow {
            id: p.id.clone(),
            community: id.clone(),
            name: p.name.clone(),
            phone,
            password_hash: password_hash.to_string(),
            role: role.to_string(),
            unit: None,
            elder_mode: false,
            trades: Vec::new(),
            gate: None,
            on_duty: true,
            active: true,
            emergency_contacts: Vec::new(),
            elder_since: None,
            created_at: created,
        };
        for (i, p) in butlers.iter().enumerate() {
            put!(self, sink, user, user(p, phone_of(c, Who::Butler, i as u32 + 1), "butler"));
        }
        const TRADES: [&[&str]; 4] = [&["plumbing", "general"], &["electric", "general"], &["elevator"], &["general"]];
        for (i, p) in workers.iter().enumerate() {
            let mut row = user(p, phone_of(c, Who::Worker, i as u32 + 1), "worker");
            row.trades = TRADES.get(i % TRADES.len()).copied().unwrap_or(&[]).iter().map(|t| t.to_string()).collect();
            put!(self, sink, user, row);
        }
        for (i, (p, gate)) in guards.iter().enumerate() {
            let mut row = user(p, phone_of(c, Who::Guard, i as u32 + 1), "guard");
            row.gate = Some((*gate).to_string());
            put!(self, sink, user, row);
        }
        for (i, p) in duty.iter().enumerate() {
            put!(self, sink, user, user(p, phone_of(c, Who::Duty, i as u32 + 1), "duty"));
        }
        put!(self, sink, user, user(&admin, phone_of(c, Who::Admin, 1), "admin"));

        let mut homes = Vec::new();
        for u in 0..units {
            let building = (u / per_building) as usize;
            let k = u % per_building;
            let floor = k / 5 + 1;
            let door = k % 5 + 1;
            let uid = rid("unit", rng);
            put!(
                self,
                sink,
                unit,
                UnitRow {
                    id: uid.clone(),
                    community: id.clone(),
                    building: buildings.get(building).cloned().unwrap_or_else(|| id.clone()),
                    number: format!("{floor}{door:02}"),
                    created_at: created,
                }
            );
            let resident = person(rng);
            let mut row = user(&resident, phone_of(c, Who::Resident, u + 1), "resident");
            row.unit = Some(uid.clone());
            put!(self, sink, user, row);
            // The first unit always has an elder, so every community has one.
            let elder = (u == 0 || chance(rng, ELDER_SHARE)).then(|| person(rng));
            if let Some(e) = &elder {
                let mut row = user(e, phone_of(c, Who::Elder, u + 1), "resident");
                row.unit = Some(uid.clone());
                row.elder_mode = true;
                row.elder_since = Some(created);
                row.emergency_contacts = vec![ContactRow {
                    name: format!("{}的子女", e.name),
                    phone: format!("139{:08}", rng.random_range(0..100_000_000u32)),
                    relation: "子女".into(),
                }];
                put!(self, sink, user, row);
            }
            homes.push(Home { id: uid, building, resident, elder });
        }
        Ok(Place {
            index: c,
            id,
            buildings,
            butler_of,
            butlers,
            workers,
            guards,
            duty,
            admin,
            homes,
            start,
            now: spec.now,
        })
    }
}
