//! Jobs at scale: repairs, complaints and suggestions (rows of the
//! `repair` table with their `kind`), each lived through its states step
//! by step with the timeline the services write, cut off at "now" (so the
//! recent ones are still open in whatever state they reached); photos'
//! records, ratings, and the follow-ups the closing rules open.

use chrono::{DateTime, Duration, Utc};
use rand::{Rng, rngs::StdRng};
use surrealdb::types::RecordId;

use super::super::{Backend, error::Result};
use super::store::*;
use super::*;
use linli_model::{
    complaint,
    follow_up::FollowUpSettings,
    job::ClockFacts,
    repair::{Category, JobStatus, Urgency},
    sla::{ClockState, SlaSettings},
};

/// Who acted at a step: id (none for the system), name, role.
type Actor = (Option<RecordId>, String, &'static str);

fn as_actor(p: &Person, role: &'static str) -> Actor {
    (Some(p.id.clone()), p.name.clone(), role)
}

fn system() -> Actor {
    (None, "系统".to_string(), "system")
}

/// What residents report, by category, with weights (per mille).
const REPORTS: &[(Category, u32, &[&str])] = &[
    (Category::Leak, 220, &["厨房水槽下面漏水，柜子里都湿了", "卫生间天花板在渗水", "热水器接口一直滴水"]),
    (Category::Drain, 140, &["卫生间地漏堵了，洗澡积水", "厨房下水道堵塞，水下不去"]),
    (Category::Light, 160, &["楼道灯不亮了，晚上看不见台阶", "客厅吸顶灯一闪一闪的", "单元门口的灯坏了"]),
    (Category::DoorLock, 110, &["单元门门禁刷卡没反应", "入户门锁芯卡住，钥匙拧不动"]),
    (Category::Elevator, 60, &["电梯按钮失灵，按了不亮", "电梯运行时有异响"]),
    (Category::NoWater, 40, &["家里没水了，邻居家有水"]),
    (Category::NoPower, 50, &["家里突然停电，总闸推不上去"]),
    (Category::Other, 190, &["阳台晾衣架摇不下来了", "窗户关不严，晚上漏风", "墙面瓷砖空鼓脱落"]),
    (Category::ElevatorEntrapment, 10, &["电梯困人！3楼和4楼之间停住了"]),
    (Category::GasLeak, 5, &["厨房有很重的煤气味"]),
    (Category::Fire, 2, &["楼道配电箱冒烟"]),
    (Category::Flooding, 13, &["楼上漏水，家里地面全是水"]),
];

const OTHER: (Category, u32, &[&str]) = (Category::Other, 1, &["其他问题"]);

const COMPLAINTS: &[(&str, &str)] = &[
    ("noise", "楼上每天晚上十一点以后还在装修，影响休息"),
    ("pets", "邻居的狗在楼道里随地大小便，没人清理"),
    ("parking", "消防通道总是被私家车占用"),
    ("sanitation", "垃圾站好几天没清运，味道很大"),
    ("staff_conduct", "保安态度不好，说话很冲"),
    ("facilities", "小区健身器材坏了很久没人修"),
    ("fees", "物业费账单金额和去年不一致，没有说明"),
    ("other", "快递柜经常满，快递只能放在门口"),
];

const SUGGESTIONS: &[(&str, &str)] = &[
    ("facilities", "建议在儿童游乐区加装遮阳棚"),
    ("parking", "建议增加电动自行车充电桩"),
    ("sanitation", "建议垃圾分类点增加洗手池"),
    ("other", "建议在业主群里提前通知停水停电"),
];

const PLACES: &[&str] = &["3号楼东侧草坪", "地下车库B区", "南门门岗", "中心花园", "垃圾站"];

const HOLD_CODES: &[(&str, &str)] = &[
    ("waiting_parts", "需要更换配件，已经下单，到货后再来"),
    ("waiting_resident", "业主不在家，约好时间再来"),
    ("waiting_vendor", "需要厂家上门维修，已联系"),
];

const GOOD_WORDS: &[&str] =
    &["师傅来得很快，修得很好", "态度很好，谢谢！", "修完还把地面擦干净了", "很专业，一次就修好了"];

/// One job being lived through, step by step, until "now".
struct Sim {
    job: JobRow,
    events: Vec<JobEventRow>,
    now: DateTime<Utc>,
    t: DateTime<Utc>,
}

impl Sim {
    fn status(&self) -> JobStatus {
        JobStatus::parse(&self.job.status).unwrap_or(JobStatus::Submitted)
    }

    /// Takes a step `after` the previous one, or `None` when that moment
    /// is still to come (the job stays as it is now).
    fn step(&mut self, after: Duration, action: &'static str, to: JobStatus, who: &Actor, note: &str) -> Option<()> {
        let at = self.t + after;
        if at >= self.now {
            return None;
        }
        self.t = at;
        let from = self.status();
        let j = &mut self.job;
        let mut e = JobEventRow {
            repair: j.id.clone(),
            community: j.community.clone(),
            seq: self.events.len() as i64 + 1,
            action: action.to_string(),
            from_status: Some(from.as_str().to_string()),
            to_status: to.as_str().to_string(),
            actor: who.0.clone(),
            actor_name: who.1.clone(),
            actor_role: who.2.to_string(),
            note: note.to_string(),
            photos: Vec::new(),
            assignee: None,
            eta: None,
            hold_code: None,
            resume_at: None,
            held_secs: None,
            at,
        };
        if from == JobStatus::OnHold && to != JobStatus::OnHold {
            if let Some(since) = j.held_since.take() {
                let secs = (at - since).num_seconds().max(0);
                j.held_secs += secs;
                e.held_secs = Some(secs);
                e.hold_code = j.hold_code.take();
            }
            j.held_from = None;
            j.hold_reason = None;
            j.resume_at = None;
        }
        match action {
            "acknowledge" | "assign" | "listen" => j.responded_at = j.responded_at.or(Some(at)),
            "answer" => {
                j.responded_at = j.responded_at.or(Some(at));
                j.resolved_at = Some(at);
            }
            "resolve" | "notify" => j.resolved_at = Some(at),
            "reopen" => {
                j.resolved_at = None;
                j.reopen_count += 1;
            }
            "confirm" | "cancel" => j.closed_at = Some(at),
            "rated" => j.closed_at = j.closed_at.or(Some(at)),
            "adopt" => j.adopted = true,
            "urged" => {
                j.urge_count += 1;
                j.urged_at = Some(at);
                j.urge_next_at =
                    Some(at + Duration::minutes(i64::from(linli_model::repair::URGE_INTERVAL_MINS_DEFAULT)));
            }
            _ => {}
        }
        j.status = to.as_str().to_string();
        j.open = to.is_open();
        j.updated_at = at;
        j.version += 1;
        self.events.push(e);
        Some(())
    }

    fn last(&mut self) -> Option<&mut JobEventRow> {
        self.events.last_mut()
    }
}

/// A job's closing or rating, for the follow-up rules (decided in time
/// order per community, as the sample counts closings).
struct Closing {
    at: DateTime<Utc>,
    job: usize,
    closed: bool,
    rating: Option<(i64, RecordId)>,
}

impl Backend {
    /// Writes the community's jobs; answers the community's count of
    /// closings no follow-up rule picked.
    pub(super) async fn write_jobs(&self, spec: &Spec, p: &Place, rng: &mut StdRng, sink: &mut Sink) -> Result<i64> {
        let units = p.homes.len() as u32;
        let mut sims: Vec<Sim> = Vec::new();
        let mut closings: Vec<Closing> = Vec::new();
        let mut photos: Vec<PhotoRow> = Vec::new();
        let mut ratings: Vec<RatingRow> = Vec::new();
        let kinds = [
            ("repair", how_many(REPAIRS_PER_UNIT_YEAR, units, spec.months)),
            ("complaint", how_many(COMPLAINTS_PER_UNIT_YEAR, units, spec.months)),
            ("suggestion", how_many(SUGGESTIONS_PER_UNIT_YEAR, units, spec.months)),
        ];
        for (kind, n) in kinds {
            for _ in 0..n {
                let home = pick(rng, &p.homes).clone();
                let at = moment(rng, p.start, p.now);
                let index = sims.len();
                let mut sim = self.new_job(p, rng, kind, &home, at, &mut photos);
                let stalled = chance(rng, STALL_SHARE);
                let outcome = if kind == "repair" {
                    live_repair(p, rng, &home, &mut sim, stalled, &mut photos)
                } else {
                    live_complaint(p, rng, &home, &mut sim, stalled)
                };
                // The resident's rating, if it came (and the closing).
                if let Some(Some(stars)) = outcome {
                    let rating = rid("rating", rng);
                    let tags: Vec<String> = match stars {
                        5 => vec!["fast".into(), "polite".into()],
                        4 => vec!["polite".into()],
                        3 => vec!["slow".into()],
                        _ => vec!["slow".into(), "not_fixed".into()],
                    };
                    let comment = match stars {
                        5 => pick(rng, GOOD_WORDS).to_string(),
                        4 => "修好了，就是等得有点久".to_string(),
                        3 => "还行".to_string(),
                        _ => "来了两次才弄好，希望改进".to_string(),
                    };
                    if let Some(e) = sim.last() {
                        e.note = comment.clone();
                    }
                    ratings.push(RatingRow {
                        id: rating.clone(),
                        community: p.id.clone(),
                        subject: "repair".into(),
                        repair: Some(sim.job.id.clone()),
                        building: sim.job.building.clone(),
                        butler: sim.job.owner.clone(),
                        assignee: sim.job.assignee.clone(),
                        rater: sim.job.reporter.clone(),
                        stars,
                        tags,
                        comment,
                        at: sim.t,
                    });
                    closings.push(Closing { at: sim.t, job: index, closed: true, rating: Some((stars, rating)) });
                } else if matches!(sim.status(), JobStatus::Confirmed) {
                    closings.push(Closing { at: sim.t, job: index, closed: true, rating: None });
                }
                sims.push(sim);
            }
        }

        // The follow-ups, decided closing by closing in time order.
        closings.sort_by_key(|c| c.at);
        let settings = FollowUpSettings::default();
        let mut count = 0i64;
        let mut follow_ups = Vec::new();
        for c in &closings {
            let Some(sim) = sims.get_mut(c.job) else { continue };
            let kind = sim.job.kind.clone();
            let closed = c.closed && kind != "suggestion";
            let mut reasons: Vec<&'static str> = Vec::new();
            if closed {
                let facts = linli_model::follow_up::ClosedJob {
                    critical: sim.job.urgency == "critical",
                    reopened: sim.job.reopen_count > 0,
                    complaint: kind == "complaint",
                };
                reasons = settings.close_reasons(facts).iter().map(|r| r.as_str()).collect();
                sim.job.follow_up_round = Some(sim.job.reopen_count);
                if reasons.is_empty() && settings.sample_every > 0 {
                    count += 1;
                    sim.job.follow_up_sample = Some(count);
                    if settings.sampled(count as u64) {
                        reasons.push("sampled");
                    }
                }
            }
            let mut rating = None;
            if let Some((stars, id)) = &c.rating
                && settings.low_rating(u8::try_from(*stars).unwrap_or(5))
            {
                reasons.push("low_rating");
                rating = Some(id.clone());
            }
            let building = sim.job.building.clone();
            let home_building = p.buildings.iter().position(|b| *b == building).unwrap_or(0);
            let butler = p.butler(home_building).clone();
            for reason in reasons {
                let due = settings.due_at(c.at);
                let done = chance(rng, FOLLOW_UP_DONE_SHARE);
                let done_at = c.at + mins(rng, 60, 60 * 60);
                let done = done && done_at < p.now;
                follow_ups.push(FollowUpRow {
                    community: p.id.clone(),
                    building: building.clone(),
                    butler: Some(butler.id.clone()),
                    reason: reason.to_string(),
                    repair: Some(sim.job.id.clone()),
                    rating: if reason == "low_rating" { rating.clone() } else { None },
                    status: if done { "done" } else { "open" }.into(),
                    note: if done { "电话回访，业主表示满意".into() } else { String::new() },
                    created_at: c.at,
                    due_at: Some(due),
                    done_at: done.then_some(done_at),
                    done_by: done.then(|| butler.id.clone()),
                    outcome: done.then(|| "satisfied".to_string()),
                    reopened: false,
                });
            }
        }

        for photo in photos {
            put!(self, sink, photo, photo);
        }
        for mut sim in sims {
            raise_alerts(&mut sim.job, p.now);
            for e in std::mem::take(&mut sim.events) {
                put!(self, sink, repair_event, e);
            }
            put!(self, sink, repair, sim.job);
        }
        for r in ratings {
            put!(self, sink, rating, r);
        }
        for f in follow_ups {
            put!(self, sink, follow_up, f);
        }
        Ok(count)
    }

    fn new_job(
        &self,
        p: &Place,
        rng: &mut StdRng,
        kind: &str,
        home: &Home,
        at: DateTime<Utc>,
        photos: &mut Vec<PhotoRow>,
    ) -> Sim {
        let id = rid("repair", rng);
        let butler = p.butler(home.building);
        let (category, urgency, description, complaint_category, target) = if kind == "repair" {
            let weights: Vec<u32> = REPORTS.iter().map(|r| r.1).collect();
            let (category, _, texts) = REPORTS.get(weighted(rng, &weights)).copied().unwrap_or(OTHER);
            let mut urgency = category.default_urgency();
            if urgency == Urgency::Normal && chance(rng, 0.1) {
                urgency = Urgency::Urgent;
            }
            let target = SlaSettings::default().target(urgency);
            (category.as_str(), urgency.as_str(), pick(rng, texts).to_string(), None, target)
        } else {
            let table = if kind == "complaint" { COMPLAINTS } else { SUGGESTIONS };
            let (cat, text) = *pick(rng, table);
            ("other", "normal", text.to_string(), Some(cat.to_string()), complaint::DEFAULT_TARGET)
        };
        let staff_entry = chance(rng, STAFF_ENTRY_SHARE);
        let channel = if staff_entry { *pick(rng, &["phone", "phone", "phone", "walk_in", "patrol"]) } else { "app" };
        let entered_by = staff_entry.then(|| butler.id.clone());
        let mut job_photos = Vec::new();
        if kind == "repair" && !staff_entry && chance(rng, PHOTO_SHARE) {
            for _ in 0..rng.random_range(1..=3) {
                let photo = rid("photo", rng);
                photos.push(PhotoRow {
                    id: photo.clone(),
                    community: p.id.clone(),
                    uploader: home.resident.id.clone(),
                    width: 1280,
                    height: 960,
                    bytes: rng.random_range(90_000..260_000),
                    repair: Some(id.clone()),
                    created_at: at - Duration::seconds(rng.random_range(20..200)),
                });
                job_photos.push(photo);
            }
        }
        let (concerns_place, concerns_unit) = if kind == "complaint" {
            match weighted(rng, &[40, 20, 40]) {
                0 => (Some(pick(rng, PLACES).to_string()), None),
                1 => (None, Some(pick(rng, &p.homes).id.clone()).filter(|u| *u != home.id)),
                _ => (None, None),
            }
        } else {
            (None, None)
        };
        let submitter = match &entered_by {
            Some(_) => as_actor(butler, "butler"),
            None => as_actor(&home.resident, "resident"),
        };
        let job = JobRow {
            id: id.clone(),
            kind: kind.to_string(),
            community: p.id.clone(),
            building: p.buildings.get(home.building).cloned().unwrap_or_else(|| p.id.clone()),
            unit: home.id.clone(),
            reporter: home.resident.id.clone(),
            owner: Some(butler.id.clone()),
            assignee: None,
            category: category.to_string(),
            complaint_category,
            concerns_place,
            concerns_unit,
            adopted: false,
            description: description.clone(),
            urgency: urgency.to_string(),
            status: "submitted".into(),
            open: true,
            held_from: None,
            held_since: None,
            held_secs: 0,
            hold_reason: None,
            hold_code: None,
            resume_at: None,
            eta: None,
            photos: job_photos.clone(),
            respond_secs: target.respond_secs,
            resolve_secs: target.resolve_secs,
            created_at: at,
            updated_at: at,
            responded_at: None,
            resolved_at: None,
            closed_at: None,
            reopen_count: 0,
            alerts: Vec::new(),
            version: 1,
            urge_count: 0,
            urged_at: None,
            urge_next_at: None,
            channel: channel.to_string(),
            entered_by,
            follow_up_round: None,
            follow_up_sample: None,
            next_due: None,
        };
        let first = JobEventRow {
            community: job.community.clone(),
            repair: id,
            seq: 1,
            action: "submitted".into(),
            from_status: None,
            to_status: "submitted".into(),
            actor: submitter.0,
            actor_name: submitter.1,
            actor_role: submitter.2.to_string(),
            note: description,
            photos: job_photos,
            assignee: None,
            eta: None,
            hold_code: None,
            resume_at: None,
            held_secs: None,
            at,
        };
        Sim { job, events: vec![first], now: p.now, t: at }
    }
}

/// Minutes until the first response, by urgency; one in ten is late.
fn respond_after(rng: &mut StdRng, respond_secs: i64) -> Duration {
    let target_min = (respond_secs / 60).max(1);
    if chance(rng, 0.1) {
        mins(rng, target_min, target_min * 3)
    } else {
        mins(rng, (target_min / 10).max(1), (target_min * 9 / 10).max(1))
    }
}

/// Lives a repair; answers `Some(Some(stars))` when it was rated,
/// `Some(None)` when it ended otherwise, `None` when "now" came first.
fn live_repair(
    p: &Place,
    rng: &mut StdRng,
    home: &Home,
    sim: &mut Sim,
    stalled: bool,
    photos: &mut Vec<PhotoRow>,
) -> Option<Option<i64>> {
    let butler = as_actor(p.butler(home.building), "butler");
    let resident = as_actor(&home.resident, "resident");
    let worker_p = pick(rng, &p.workers).clone();
    let worker = as_actor(&worker_p, "worker");
    let critical = sim.job.urgency == "critical";
    let respond = respond_after(rng, sim.job.respond_secs);
    if chance(rng, CANCEL_SHARE) {
        let after = mins(rng, 3, (respond.num_minutes() - 1).max(4));
        sim.step(after, "cancel", JobStatus::Cancelled, &resident, "已经自己处理好了")?;
        return Some(None);
    }
    if respond > Duration::seconds(sim.job.respond_secs) && chance(rng, URGE_SHARE) {
        let after = Duration::seconds(sim.job.respond_secs);
        sim.step(after, "urged", JobStatus::Submitted, &resident, "")?;
        let rest = respond - after;
        sim.step(rest, "acknowledge", JobStatus::Acknowledged, &butler, "收到，马上安排")?;
    } else {
        sim.step(respond, "acknowledge", JobStatus::Acknowledged, &butler, "收到，马上安排")?;
    }
    if stalled && chance(rng, 0.3) {
        return None;
    }
    let assign_after = if critical { mins(rng, 1, 3) } else { mins(rng, 2, 30) };
    sim.step(assign_after, "assign", JobStatus::Assigned, &butler, "")?;
    if let Some(e) = sim.last() {
        e.assignee = worker.0.clone();
    }
    sim.job.assignee = worker.0.clone();
    if stalled && chance(rng, 0.4) {
        return None;
    }
    let travel_after = if critical {
        mins(rng, 1, 3)
    } else if chance(rng, 0.3) {
        mins(rng, 6 * 60, 20 * 60)
    } else {
        mins(rng, 5, 60)
    };
    sim.step(travel_after, "start_travel", JobStatus::EnRoute, &worker, "")?;
    let eta = sim.t + mins(rng, 10, 30);
    sim.job.eta = Some(eta);
    if let Some(e) = sim.last() {
        e.eta = Some(eta);
    }
    sim.step(eta - sim.t, "start_work", JobStatus::InProgress, &worker, "")?;
    if stalled {
        return None;
    }
    if chance(rng, HOLD_SHARE) {
        let (code, note) = *pick(rng, HOLD_CODES);
        let wait = mins(rng, 4 * 60, 72 * 60);
        sim.step(mins(rng, 10, 40), "hold", JobStatus::OnHold, &worker, note)?;
        let planned = chance(rng, 0.5).then(|| sim.t + wait);
        let back = sim.t + wait;
        sim.job.held_from = Some("in_progress".into());
        sim.job.held_since = Some(sim.t);
        sim.job.hold_code = Some(code.to_string());
        sim.job.hold_reason = Some(note.to_string());
        sim.job.resume_at = planned;
        sim.job.eta = Some(back);
        if let Some(e) = sim.last() {
            e.hold_code = Some(code.to_string());
            e.resume_at = planned;
            e.eta = Some(back);
        }
        let by = if planned.is_some() { system() } else { worker.clone() };
        sim.step(wait, "resume", JobStatus::InProgress, &by, "")?;
    }
    let work = if critical { mins(rng, 5, 25) } else { mins(rng, 20, 180) };
    sim.step(work, "resolve", JobStatus::Resolved, &worker, "已修好，试过没有问题")?;
    if chance(rng, 0.3) {
        let photo = rid("photo", rng);
        photos.push(PhotoRow {
            id: photo.clone(),
            community: p.id.clone(),
            uploader: worker_p.id.clone(),
            width: 1280,
            height: 960,
            bytes: rng.random_range(90_000..260_000),
            repair: Some(sim.job.id.clone()),
            created_at: sim.t - Duration::seconds(30),
        });
        if let Some(e) = sim.last() {
            e.photos.push(photo);
        }
    }
    if chance(rng, REOPEN_SHARE) {
        sim.step(mins(rng, 2 * 60, 24 * 60), "reopen", JobStatus::Reopened, &resident, "晚上又出问题了，麻烦再来看看")?;
        sim.step(mins(rng, 5, 40), "acknowledge", JobStatus::Acknowledged, &butler, "抱歉，马上再安排")?;
        sim.step(mins(rng, 2, 10), "assign", JobStatus::Assigned, &butler, "")?;
        if let Some(e) = sim.last() {
            e.assignee = worker.0.clone();
        }
        sim.step(mins(rng, 30, 240), "start_work", JobStatus::InProgress, &worker, "")?;
        sim.step(mins(rng, 20, 90), "resolve", JobStatus::Resolved, &worker, "重新处理了，观察了半小时没有问题")?;
    }
    close(rng, sim, &resident)
}

/// The resident rates, confirms, or says nothing (confirmed by the system
/// after 72 hours).
fn close(rng: &mut StdRng, sim: &mut Sim, resident: &Actor) -> Option<Option<i64>> {
    if chance(rng, RATED_SHARE) {
        let stars = weighted(rng, &STARS) as i64 + 1;
        sim.step(mins(rng, 30, 48 * 60), "rated", JobStatus::Rated, resident, "")?;
        return Some(Some(stars));
    }
    if chance(rng, CONFIRMED_SHARE) {
        sim.step(mins(rng, 30, 48 * 60), "confirm", JobStatus::Confirmed, resident, "")?;
    } else {
        let due = Duration::hours(linli_model::repair::AUTO_CONFIRM_HOURS) + mins(rng, 0, 5);
        sim.step(due, "confirm", JobStatus::Confirmed, &system(), "auto_confirm")?;
    }
    Some(None)
}

/// Lives a complaint (listen, act, respond, notify) or a suggestion
/// (answer, sometimes adopt), then the filer's judgement.
fn live_complaint(p: &Place, rng: &mut StdRng, home: &Home, sim: &mut Sim, stalled: bool) -> Option<Option<i64>> {
    let butler = as_actor(p.butler(home.building), "butler");
    let resident = as_actor(&home.resident, "resident");
    if chance(rng, CANCEL_SHARE) {
        sim.step(mins(rng, 5, 60), "cancel", JobStatus::Cancelled, &resident, "问题已经解决了")?;
        return Some(None);
    }
    let respond = respond_after(rng, sim.job.respond_secs);
    if sim.job.kind == "suggestion" {
        sim.step(respond, "answer", JobStatus::Resolved, &butler, "感谢您的建议，我们会认真考虑")?;
        if chance(rng, 0.2) {
            sim.step(mins(rng, 60, 7 * 24 * 60), "adopt", JobStatus::Resolved, &butler, "")?;
        }
        return close(rng, sim, &resident);
    }
    sim.step(respond, "listen", JobStatus::Acknowledged, &butler, "已了解情况，我们会尽快处理")?;
    if stalled {
        return None;
    }
    sim.step(mins(rng, 30, 8 * 60), "act", JobStatus::InProgress, &butler, "已和相关方沟通，约定整改")?;
    if chance(rng, 0.5) {
        sim.step(mins(rng, 60, 24 * 60), "respond", JobStatus::InProgress, &butler, "正在跟进，有进展会告知您")?;
    }
    sim.step(mins(rng, 2 * 60, 48 * 60), "notify", JobStatus::Resolved, &butler, "已处理完毕，请您确认")?;
    if chance(rng, REOPEN_SHARE) {
        sim.step(mins(rng, 60, 24 * 60), "reopen", JobStatus::Reopened, &resident, "问题还在，请再处理")?;
        sim.step(mins(rng, 10, 120), "listen", JobStatus::Acknowledged, &butler, "收到，再跟进")?;
        sim.step(mins(rng, 30, 8 * 60), "act", JobStatus::InProgress, &butler, "再次沟通")?;
        sim.step(mins(rng, 2 * 60, 24 * 60), "notify", JobStatus::Resolved, &butler, "已再次处理")?;
    }
    close(rng, sim, &resident)
}

/// The SLA alerts the repairs sweep would have raised on the job by the
/// time it stopped (warn at 80 %, then breach), as the sweep stores them.
fn raise_alerts(job: &mut JobRow, now: DateTime<Utc>) {
    let clock = ClockFacts {
        created_at: job.created_at,
        respond_secs: job.respond_secs,
        resolve_secs: job.resolve_secs,
        responded_at: job.responded_at,
        resolved_at: job.resolved_at,
        held_secs: job.held_secs,
        held_since: job.held_since,
        cancelled: job.status == "cancelled",
        business_hours: None,
    };
    // Open jobs as of now; the others as when they were resolved or closed.
    let at = if job.open { now } else { job.resolved_at.or(job.closed_at).unwrap_or(job.updated_at) };
    let sla = clock.facts().compute(at);
    let mut alerts = Vec::new();
    for (name, state) in [("respond", sla.respond), ("resolve", sla.resolve)] {
        match state {
            ClockState::Warning => alerts.push(format!("{name}_warn")),
            ClockState::Breached | ClockState::Missed => {
                alerts.push(format!("{name}_warn"));
                alerts.push(format!("{name}_breach"));
            }
            _ => {}
        }
    }
    job.alerts = alerts;
    // Where the repairs sweep takes it up (issue 19): by the model's rule.
    job.next_due = linli_model::repair::JobStatus::parse(&job.status).and_then(|status| {
        linli_model::due::next_due(&linli_model::due::DueFacts {
            status,
            clock,
            alerts: &job.alerts,
            resume_at: job.resume_at,
        })
    });
}
