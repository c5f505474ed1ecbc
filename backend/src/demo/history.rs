//! A month of history for a demo community that was just created, so that
//! every screen of every role opens on what it is for: repairs in every
//! state with ratings and follow-ups, help calls answered and escalated,
//! passes and entries, walk-ins, notices with reads, events with RSVPs and
//! the elders' daily check-ins.
//!
//! Everything is written through the same services as real use, each call
//! made by the demo account who would make it (an [`Actor`] loaded like a
//! session's), with the services' clock set to the moment it happens
//! ([`crate::clock::at`]): the services stamp that moment, check their
//! rules against it, and the scorecard reads the result as it reads real
//! work. A few neighbours are added first (by the manager, as real
//! residents are) so that each butler has households to look after.
//!
//! The history is random-looking but fixed: a small deterministic dice
//! decides who reports what and when, so two demo starts look alike.
//! It is written once, right after its community is created
//! (`seed_community`); a community that exists is never given history
//! again, so seeding twice creates nothing new. If the process stops half
//! way, the community keeps the part that was written.

use std::collections::HashMap;
use std::future::Future;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};

use super::super::{
    Backend, clock,
    error::{Error, Result},
    policy::Actor,
};
use super::Community;
use linli_model::{
    admin::NewPerson,
    complaint::{ComplaintActionInput, NewComplaint},
    follow_up::FollowUpOutcomeInput,
    help::{ElderSettings, EmergencyContact, HelpActionInput, VisitBody},
    job::{ActionInput, NewRepair, RatingInput},
    notice::{NewActivity, NewAnnouncement},
    pass::{NewPass, Schedule, Weekday},
    repair::{Category, JobAction},
    staff_entry::OnBehalf,
    time::{local_date, local_instant},
};

/// The record ids of a community the seed just created.
pub(super) struct Ids {
    /// By phone number.
    pub(super) people: HashMap<String, String>,
    /// By (building number, unit number).
    pub(super) units: HashMap<(String, String), String>,
}

/// A resident the manager adds before the month begins: (phone, name,
/// building, unit, elder with an emergency contact).
type Neighbour = (&'static str, &'static str, &'static str, &'static str, bool);

fn neighbours(code: &str) -> &'static [Neighbour] {
    match code {
        "sunshine-garden" => &[
            ("13800000021", "陈建华", "1", "201", false),
            ("13800000022", "刘洋", "2", "301", false),
            ("13800000023", "黄丽", "3", "101", false),
            ("13800000024", "赵桂兰", "3", "302", true),
        ],
        "green-lake" => &[("13800000031", "钱玉梅", "1", "102", true)],
        _ => &[],
    }
}

/// A fixed sequence of numbers that looks random (xorshift64*).
struct Dice(u64);

impl Dice {
    fn roll(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 32
    }

    /// A number in `lo..=hi`.
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        let span = u64::try_from(hi - lo + 1).unwrap_or(1).max(1);
        lo + i64::try_from(self.roll() % span).unwrap_or(0)
    }

    /// True `percent` times in a hundred.
    fn chance(&mut self, percent: u64) -> bool {
        self.roll() % 100 < percent
    }

    /// One of `items` (`None` only when there are none).
    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        let i = usize::try_from(self.roll()).unwrap_or(0) % items.len().max(1);
        items.get(i)
    }
}

/// How a reported job ends up.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum End {
    /// Fixed and rated (stars).
    Rated(i64),
    /// Fixed and confirmed without a rating.
    Confirmed,
    /// Fixed, then nobody answered: the system confirms after 72 hours.
    Silent,
    /// The resident cancelled before anyone came.
    Cancelled,
    /// Fixed, reopened by the resident, fixed again and rated.
    ReopenedThenRated(i64),
    /// Waited on a part, then fixed and rated.
    HeldThenRated(i64),
    // Still open when the demo starts, in the state named.
    Submitted,
    Acknowledged,
    Assigned,
    EnRoute,
    InProgress,
    OnHold,
    Resolved,
    Reopened,
}

/// One reported job and how it goes.
struct JobPlan {
    reporter: String,
    category: Category,
    description: &'static str,
    at: DateTime<Utc>,
    end: End,
    /// Minutes until the butler first responds.
    respond_min: i64,
    /// Minutes of work on site.
    work_min: i64,
    photo: bool,
    /// Where this job's own dice start.
    seed: u64,
}

/// A notice to publish: days ago, author, category, title, body, and
/// after how many days it expires.
type Notice<'a> = (i64, &'a Actor, &'static str, &'static str, &'static str, Option<i64>);

/// What residents report, by category.
const REPORTS: &[(Category, &[&str])] = &[
    (Category::Leak, &["厨房水槽下面漏水，柜子里都湿了", "卫生间天花板在渗水，楼上可能漏了", "热水器接口一直滴水"]),
    (Category::Drain, &["卫生间地漏堵了，洗澡积水", "厨房下水道堵塞，水下不去"]),
    (Category::Light, &["楼道灯不亮了，晚上看不见台阶", "客厅吸顶灯一闪一闪的", "单元门口的灯坏了"]),
    (Category::NoPower, &["家里突然停电，总闸推不上去"]),
    (Category::NoWater, &["家里没水了，邻居家有水"]),
    (Category::DoorLock, &["单元门门禁刷卡没反应", "入户门锁芯卡住，钥匙拧不动"]),
    (Category::Other, &["阳台晾衣架摇不下来了", "窗户关不严，晚上漏风"]),
];

const GOOD_WORDS: &[&str] =
    &["师傅来得很快，修得很好", "态度很好，谢谢！", "修完还把地面擦干净了", "很专业，一次就修好了"];

const VISITORS: &[(&str, &str)] = &[
    ("李阿姨", "家政保洁"),
    ("王建军", "探亲"),
    ("小陈", "送东西"),
    ("周师傅", "上门安装宽带"),
    ("孙老师", "家教"),
    ("张女士", "朋友来访"),
    ("刘先生", "装修验收"),
];

impl Backend {
    /// Writes a month of history for community `c`, just created with
    /// `ids`. See the module documentation.
    pub(super) async fn seed_history(&self, c: &Community, ids: &Ids) -> Result<()> {
        let started = std::time::Instant::now();
        let now = Utc::now();
        let seed =
            c.code.bytes().fold(0x9E37_79B9_7F4A_7C15_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01B3));
        let mut h = History {
            backend: self,
            now,
            today: local_date(now),
            seed,
            silent: Default::default(),
            actors: HashMap::new(),
        };
        for (phone, id) in &ids.people {
            h.actors.insert(phone.clone(), self.load_actor(id, "demo-history").await?);
        }
        Box::pin(h.add_neighbours(c, ids)).await?;
        // One part after the other, each with its own dice: written side
        // by side they took longer (the embedded store serialises writes).
        let lap = |part: &str| {
            let ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            tracing::debug!(community = c.code, part, ms, "demo history part written");
        };
        lap("neighbours");
        Box::pin(h.notices_and_events(c)).await?;
        lap("notices");
        Box::pin(h.jobs(c)).await?;
        lap("jobs");
        Box::pin(h.help_and_check_ins(c)).await?;
        lap("help");
        Box::pin(h.visitors(c)).await?;
        lap("visitors");
        Box::pin(h.complaints(c)).await?;
        Box::pin(h.follow_ups(c)).await?;
        Box::pin(h.elder_visits(c)).await?;
        lap("complaints, follow-ups and visits");
        tracing::info!(
            community = c.code,
            ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            "demo history written"
        );
        Ok(())
    }
}

struct History<'a> {
    backend: &'a Backend,
    /// When seeding began: every moment written is before it.
    now: DateTime<Utc>,
    today: NaiveDate,
    /// Where each part's dice start.
    seed: u64,
    /// When the jobs nobody confirmed are due for confirmation by silence.
    silent: std::sync::Mutex<Vec<DateTime<Utc>>>,
    /// Each demo account (and neighbour) by phone.
    actors: HashMap<String, Actor>,
}

impl History<'_> {
    /// The dice of one part of the history.
    fn dice(&self, part: u64) -> Dice {
        Dice((self.seed ^ part.wrapping_mul(0x9E37_79B9_7F4A_7C15)) | 1)
    }

    fn actor(&self, phone: &str) -> Result<Actor> {
        self.actors.get(phone).cloned().ok_or_else(|| Error::internal(format!("demo person {phone} missing")))
    }

    fn first_with_role(c: &Community, role: &str) -> Option<&'static str> {
        c.people.iter().find(|p| p.role == role).map(|p| p.phone)
    }

    fn staff(&self, c: &Community, role: &str) -> Result<Actor> {
        let phone = Self::first_with_role(c, role).ok_or_else(|| Error::internal(format!("no demo {role}")))?;
        self.actor(phone)
    }

    /// The butler who owns the building of `resident`'s home.
    fn butler_of(&self, c: &Community, resident: &Actor) -> Result<Actor> {
        let building = resident.unit.as_ref().map(|u| u.building.number.as_str()).unwrap_or_default();
        let phone = c
            .people
            .iter()
            .find(|p| p.role == "butler" && p.owns.contains(&building))
            .map(|p| p.phone)
            .ok_or_else(|| Error::internal("no butler for the building"))?;
        self.actor(phone)
    }

    /// The residents of the community (demo accounts and neighbours), in
    /// a fixed order.
    fn residents(&self) -> Vec<String> {
        let mut phones: Vec<String> =
            self.actors.values().filter(|a| a.unit.is_some() && !a.elder_mode).map(|a| a.phone.clone()).collect();
        phones.sort();
        phones
    }

    fn elders(&self) -> Vec<String> {
        let mut phones: Vec<String> =
            self.actors.values().filter(|a| a.unit.is_some() && a.elder_mode).map(|a| a.phone.clone()).collect();
        phones.sort();
        phones
    }

    /// `days_ago` days before today at local `hh:mm`, never later than a
    /// minute before seeding began.
    fn day_at(&self, days_ago: i64, hh: u32, mm: u32) -> DateTime<Utc> {
        let time = NaiveTime::from_hms_opt(hh, mm, 0).unwrap_or(NaiveTime::MIN);
        self.cap(local_instant(self.today - Duration::days(days_ago), time))
    }

    fn cap(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        t.min(self.now - Duration::minutes(1))
    }

    /// Runs a service call with the clock at `t`.
    async fn at<T>(&self, t: DateTime<Utc>, call: impl Future<Output = Result<T>>) -> Result<T> {
        // Boxed: the services' futures are large, and a month of them
        // nested in one task would overflow a thread's stack.
        clock::at(self.cap(t), Box::pin(call)).await
    }

    async fn add_neighbours(&mut self, c: &Community, ids: &Ids) -> Result<()> {
        let admin = self.staff(c, "admin")?;
        let start = self.day_at(31, 9, 0);
        for (phone, name, building, unit, elder) in neighbours(c.code) {
            let unit_id = ids.units.get(&((*building).to_string(), (*unit).to_string())).cloned();
            let person = NewPerson {
                name: (*name).to_string(),
                phone: (*phone).to_string(),
                role: "resident".into(),
                password: super::DEMO_PASSWORD.into(),
                unit_id,
                ..NewPerson::default()
            };
            let created = self.at(start, self.backend.create_person(&admin, person)).await?;
            let mut actor = self.backend.load_actor(&created.id, "demo-history").await?;
            if *elder {
                let butler = self.butler_of(c, &actor)?;
                let settings = ElderSettings {
                    elder_mode: true,
                    emergency_contacts: vec![EmergencyContact {
                        name: format!("{}的儿子", name),
                        phone: "13911112222".into(),
                        relation: "儿子".into(),
                    }],
                };
                self.at(start + Duration::hours(1), self.backend.set_elder(&butler, &created.id, settings)).await?;
                actor = self.backend.load_actor(&created.id, "demo-history").await?;
            }
            self.actors.insert((*phone).to_string(), actor);
        }
        Ok(())
    }

    async fn notices_and_events(&self, c: &Community) -> Result<()> {
        let mut dice = self.dice(1);
        let admin = self.staff(c, "admin")?;
        let butler = self.staff(c, "butler")?;
        let b = self.backend;
        let mut published = Vec::new();
        // (days ago, author, category, title, body, expires after days)
        let notices: Vec<Notice<'_>> = vec![
            (
                27,
                &admin,
                "notice",
                "关于缴纳本年度物业费的通知",
                "各位业主：本年度物业费请于月底前缴纳，可在物业服务中心或线上缴费。如有疑问请联系管家。",
                None,
            ),
            (
                20,
                &admin,
                "outage",
                "停水通知",
                "因二次供水设备检修，明日 9:00–15:00 全小区停水，请提前储水。给您带来不便，敬请谅解。",
                Some(3),
            ),
            (
                13,
                &admin,
                "safety",
                "消防安全提醒",
                "请勿在楼道堆放杂物，电动自行车不得进楼充电。本周六上午将检查各楼消防通道。",
                None,
            ),
            (
                7,
                &butler,
                "notice",
                "电梯年检通知",
                "本周四 9:00–12:00 电梯年检，期间电梯暂停使用，行动不便的住户可联系管家协助。",
                Some(5),
            ),
            (
                3,
                &admin,
                "notice",
                "垃圾分类投放时间调整",
                "自下周一起，垃圾分类投放时间为早 7:00–9:00、晚 18:00–21:00。",
                None,
            ),
        ];
        for (days_ago, author, category, title, body, expires_in) in notices {
            let t = self.day_at(days_ago, 10, 15);
            // The water cut: tomorrow 9:00 to 15:00.
            let outage_end = (category == "outage").then(|| self.day_at(days_ago - 1, 15, 0));
            let input = NewAnnouncement {
                title: title.into(),
                body: body.into(),
                category: category.into(),
                expires_at: expires_in.map(|d| t + Duration::days(d)),
                outage_kind: outage_end.map(|_| "water".to_string()),
                expected_end: outage_end,
                ..NewAnnouncement::default()
            };
            let notice = self.at(t, b.publish_notice(author, input)).await?;
            if outage_end.is_some() {
                Box::pin(self.water_cut(c, &notice.id, days_ago - 1)).await?;
            }
            // A butler's notice reaches their own buildings only.
            let reach: Option<Vec<String>> = (author.role == linli_model::Role::Butler)
                .then(|| author.buildings.iter().map(|b| b.id.clone()).collect());
            published.push((notice.id, t, reach));
        }
        // Most households read most notices within a day; some never do.
        let readers: Vec<String> = self.residents().into_iter().chain(self.elders()).collect();
        for (id, t, reach) in &published {
            for phone in &readers {
                let reader = self.actor(phone)?;
                let reached = match (reach, reader.home_building_id()) {
                    (None, _) => true,
                    (Some(buildings), Some(home)) => buildings.iter().any(|b| b == home),
                    (Some(_), None) => false,
                };
                if !reached || !dice.chance(75) {
                    continue;
                }
                let when = *t + Duration::minutes(dice.between(20, 1200));
                self.at(when, b.mark_read(&reader, id)).await?;
            }
        }

        // One event last week, one coming up, each with RSVPs.
        let events = [
            (12, -5, "社区义诊", "社区卫生服务中心的医生来小区义诊：量血压、测血糖、健康咨询。", "小区中心花园", 40),
            (4, 5, "亲子手工课", "和孩子一起做灯笼，材料由物业准备。", "物业活动室", 12),
        ];
        for (created_ago, starts_in, title, description, place, capacity) in events {
            let t = self.day_at(created_ago, 16, 0);
            let starts = local_instant(
                self.today + Duration::days(starts_in),
                NaiveTime::from_hms_opt(9, 30, 0).unwrap_or(NaiveTime::MIN),
            );
            let input = NewActivity {
                title: title.into(),
                description: description.into(),
                place: place.into(),
                starts_at: starts,
                ends_at: starts + Duration::hours(2),
                capacity,
                rsvp_deadline: Some(starts - Duration::hours(12)),
            };
            let event = self.at(t, b.create_activity(&admin, input)).await?;
            for (i, phone) in readers.iter().enumerate() {
                if i % 3 == 2 {
                    continue;
                }
                let who = self.actor(phone)?;
                let when = t + Duration::hours(dice.between(1, 40));
                let headcount = u32::try_from(dice.between(1, 3)).unwrap_or(1);
                self.at(when, b.rsvp(&who, &event.id, headcount)).await?;
            }
        }
        Ok(())
    }

    /// The month's repair jobs, oldest first, then the work still open.
    async fn jobs(&self, c: &Community) -> Result<()> {
        let mut dice = self.dice(2);
        let residents: Vec<String> = self.residents().into_iter().chain(self.elders()).collect();
        let per_week = if residents.len() > 3 { 5 } else { 2 };
        let mut plans = Vec::new();
        // Closed work from 29 days ago up to 3 days ago.
        // Every third job of the month ends one of these ways, in turn.
        let mut closed_ends: Vec<End> = vec![
            End::Rated(2),
            End::Silent,
            End::Cancelled,
            End::ReopenedThenRated(4),
            End::HeldThenRated(5),
            End::Confirmed,
            End::Rated(1),
        ];
        let count = per_week * 4;
        for i in 0..count {
            let days_ago = 29 - (i * 27 / count.max(1));
            let hour = u32::try_from(dice.between(7, 20)).unwrap_or(9);
            let minute = u32::try_from(dice.between(0, 59)).unwrap_or(0);
            let (category, texts) = dice.pick(REPORTS).copied().unwrap_or((Category::Other, &[]));
            // The special endings spread over the month; the rest rated.
            let end = if i % 3 == 1 && !closed_ends.is_empty() {
                closed_ends.remove(0)
            } else {
                End::Rated(dice.pick(&[5, 5, 5, 4, 4, 5, 3, 4]).copied().unwrap_or(5))
            };
            plans.push(JobPlan {
                reporter: dice.pick(&residents).cloned().unwrap_or_default(),
                category,
                description: dice.pick(texts).copied().unwrap_or("坏了，麻烦来看看"),
                at: self.day_at(i64::from(days_ago), hour, minute),
                end,
                respond_min: dice.between(4, 75),
                work_min: dice.between(25, 150),
                photo: i % 6 == 0,
                seed: dice.roll() | 1,
            });
        }
        for plan in &plans {
            Box::pin(self.job(c, plan)).await?;
        }
        // The repairs duty confirms the jobs nobody answered, 72 hours on.
        let mut silent = self.silent.lock().map(|mut s| std::mem::take(&mut *s)).unwrap_or_default();
        silent.sort();
        for due in silent {
            Box::pin(self.backend.sweep_repairs(self.cap(due))).await?;
        }

        // Work open now, in every state; one past its response target.
        let open: Vec<(usize, Category, &'static str, i64, End, i64)> = if per_week > 3 {
            vec![
                // (resident index, category, text, minutes ago, state, minutes to respond)
                (0, Category::Leak, "卫生间天花板在渗水，楼上可能漏了", 26 * 60, End::InProgress, 12),
                (1, Category::NoWater, "家里没水了，邻居家有水", 3 * 60, End::Submitted, 0),
                (2, Category::Light, "楼道灯不亮了，晚上看不见台阶", 40, End::Submitted, 0),
                (3, Category::Drain, "厨房下水道堵塞，水下不去", 30 * 60, End::OnHold, 20),
                (4, Category::DoorLock, "入户门锁芯卡住，钥匙拧不动", 70, End::EnRoute, 9),
                (0, Category::Other, "阳台晾衣架摇不下来了", 20 * 60, End::Resolved, 35),
                (5, Category::Leak, "热水器接口一直滴水", 5 * 60, End::Acknowledged, 15),
                (6, Category::Light, "客厅吸顶灯一闪一闪的", 50 * 60, End::Reopened, 30),
                (2, Category::Other, "窗户关不严，晚上漏风", 4 * 60, End::Assigned, 25),
            ]
        } else {
            vec![
                (0, Category::Drain, "卫生间地漏堵了，洗澡积水", 6 * 60, End::Assigned, 18),
                (1, Category::NoPower, "家里突然停电，总闸推不上去", 2 * 60, End::Submitted, 0),
                (0, Category::Light, "单元门口的灯坏了", 22 * 60, End::Resolved, 40),
            ]
        };
        let mut open_plans = Vec::new();
        for (who, category, description, minutes_ago, end, respond_min) in open {
            let reporter = residents.get(who % residents.len().max(1)).cloned().unwrap_or_default();
            let plan = JobPlan {
                reporter,
                category,
                description,
                at: self.now - Duration::minutes(minutes_ago),
                end,
                respond_min,
                work_min: 40,
                photo: who == 0,
                seed: dice.roll() | 1,
            };
            open_plans.push(plan);
        }
        for plan in &open_plans {
            Box::pin(self.job(c, plan)).await?;
        }
        Ok(())
    }

    /// The day of the water cut: households mark themselves affected
    /// instead of reporting; one reports anyway (linked to the outage);
    /// the manager ends it a little early, which resolves that report.
    async fn water_cut(&self, c: &Community, outage: &str, days_ago: i64) -> Result<()> {
        let b = self.backend;
        let admin = self.staff(c, "admin")?;
        let residents = self.residents();
        for (i, phone) in residents.iter().enumerate() {
            if i % 3 != 1 {
                let t = self.day_at(days_ago, 9, 5 + u32::try_from(i).unwrap_or(0) * 7);
                self.at(t, b.mark_outage_affected(&self.actor(phone)?, outage)).await?;
            }
        }
        if let Some(phone) = residents.get(1) {
            let who = self.actor(phone)?;
            let input = NewRepair {
                category: Category::NoWater.as_str().into(),
                description: Some("家里没水了，不知道是不是停水".into()),
                ..NewRepair::default()
            };
            let job = self.at(self.day_at(days_ago, 9, 40), b.create_repair(&who, input)).await?;
            let ended = self.day_at(days_ago, 14, 40);
            self.at(ended, b.end_outage(&admin, outage)).await?;
            self.act(ended + Duration::hours(2), &who, &job.id, JobAction::Confirm, "来水了").await?;
        }
        Ok(())
    }

    /// Complaints and suggestions (投诉建议), each heard out and answered;
    /// one still being looked into.
    async fn complaints(&self, c: &Community) -> Result<()> {
        let b = self.backend;
        let residents = self.residents();
        let resident = |i: usize| self.actor(residents.get(i % residents.len().max(1)).map_or("", String::as_str));
        let step = |action: &str, note: &str| ComplaintActionInput {
            action: action.into(),
            note: Some(note.into()),
            ..ComplaintActionInput::default()
        };
        // A complaint heard, acted on, answered and rated.
        let who = resident(1)?;
        let butler = self.butler_of(c, &who)?;
        let t = self.day_at(16, 22, 40);
        let filed = NewComplaint {
            kind: Some("complaint".into()),
            category: "noise".into(),
            text: "楼上晚上十点以后还在装修，电钻声很吵，孩子没法睡觉".into(),
            concerns_place: Some("楼上".into()),
            ..NewComplaint::default()
        };
        let id = self.at(t, b.create_complaint(&who, filed)).await?.id;
        let listen = step("listen", "收到，明早联系装修户");
        self.at(t + Duration::minutes(50), b.act_on_complaint(&butler, &id, listen)).await?;
        let next = self.day_at(15, 9, 20);
        self.at(next, b.act_on_complaint(&butler, &id, step("act", "已上门找装修户和施工队"))).await?;
        let respond = step("respond", "已和施工队说明装修时间规定");
        self.at(next + Duration::minutes(30), b.act_on_complaint(&butler, &id, respond)).await?;
        let notify = step("notify", "施工队承诺每天 18:00 后不再使用电钻");
        self.at(next + Duration::hours(5), b.act_on_complaint(&butler, &id, notify)).await?;
        let rating = RatingInput { stars: 4, tags: vec!["polite".into()], comment: Some("处理得挺及时".into()) };
        self.at(next + Duration::hours(30), b.rate_complaint(&who, &id, rating)).await?;

        // A suggestion answered and adopted.
        let who = resident(0)?;
        let butler = self.butler_of(c, &who)?;
        let t = self.day_at(10, 19, 15);
        let filed = NewComplaint {
            kind: Some("suggestion".into()),
            category: "facilities".into(),
            text: "建议在小区门口增加一个快递柜，白天家里没人收快递".into(),
            ..NewComplaint::default()
        };
        let id = self.at(t, b.create_complaint(&who, filed)).await?.id;
        let next = self.day_at(9, 10, 0);
        self.at(next, b.act_on_complaint(&butler, &id, step("answer", "谢谢建议，已报物业公司评估"))).await?;
        let adopt = step("adopt", "下月在北门安装快递柜");
        self.at(next + Duration::days(2), b.act_on_complaint(&butler, &id, adopt)).await?;

        // One filed this morning, heard, still being looked into.
        let who = resident(2)?;
        let butler = self.butler_of(c, &who)?;
        let t = self.now - Duration::hours(7);
        let filed = NewComplaint {
            kind: Some("complaint".into()),
            category: "sanitation".into(),
            text: "单元门口的垃圾桶两天没人清了，有味道".into(),
            concerns_place: Some("单元门口".into()),
            ..NewComplaint::default()
        };
        let id = self.at(t, b.create_complaint(&who, filed)).await?.id;
        let listen = step("listen", "收到，马上联系保洁");
        self.at(t + Duration::minutes(40), b.act_on_complaint(&butler, &id, listen)).await?;
        Ok(())
    }

    /// The butlers' return calls (回访) on the month's closed work: those
    /// older than six days are done; the recent ones wait on the board.
    async fn follow_ups(&self, c: &Community) -> Result<()> {
        let b = self.backend;
        for butler in c.people.iter().filter(|p| p.role == "butler") {
            let butler = self.actor(butler.phone)?;
            let open = b.follow_ups(&butler, Some("open"), linli_model::Lang::Zh).await?;
            for f in open.into_iter().filter(|f| f.created_at < self.now - Duration::days(6)) {
                let note = if f.stars.is_some_and(|s| s <= 2) {
                    "电话回访，已道歉并说明原因，住户表示理解"
                } else {
                    "电话回访，住户对维修满意"
                };
                let input = FollowUpOutcomeInput { outcome: "satisfied".into(), note: Some(note.into()) };
                let t = f.created_at + Duration::hours(20);
                self.at(t, b.record_follow_up(&butler, &f.id, input, linli_model::Lang::Zh)).await?;
            }
        }
        Ok(())
    }

    /// The butlers' weekly visits to the elders (定期探访); the last elder's
    /// visit is overdue, so it waits on the board.
    async fn elder_visits(&self, c: &Community) -> Result<()> {
        let b = self.backend;
        let elders = self.elders();
        for (n, phone) in elders.iter().enumerate() {
            let elder = self.actor(phone)?;
            let butler = self.butler_of(c, &elder)?;
            let last = if n + 1 == elders.len() && n > 0 { 2 } else { 1 };
            for week in (last..=4).rev() {
                let t = self.day_at(week * 7 - 1, 15, 30);
                let body = VisitBody {
                    mode: if week % 2 == 0 { "phone" } else { "in_person" }.into(),
                    condition: "well".into(),
                    note: Some(
                        if week % 2 == 0 {
                            "电话聊了一会儿，精神不错"
                        } else {
                            "上门看望，血压正常，家里都好"
                        }
                        .into(),
                    ),
                    ..VisitBody::default()
                };
                self.at(t, b.record_visit(&butler, &elder.user_id, &body)).await?;
            }
        }
        Ok(())
    }

    async fn act(&self, t: DateTime<Utc>, who: &Actor, job: &str, action: JobAction, note: &str) -> Result<()> {
        self.act_with(
            t,
            who,
            job,
            ActionInput { action: action.as_str().into(), note: Some(note.into()), ..ActionInput::default() },
        )
        .await
    }

    async fn act_with(&self, t: DateTime<Utc>, who: &Actor, job: &str, input: ActionInput) -> Result<()> {
        self.at(t, self.backend.act(who, job, input)).await.map(|_| ())
    }

    /// Reports one job and takes it as far as its plan says.
    async fn job(&self, c: &Community, plan: &JobPlan) -> Result<()> {
        let mut dice = Dice(plan.seed);
        let b = self.backend;
        let reporter = self.actor(&plan.reporter)?;
        let butler = self.butler_of(c, &reporter)?;
        // A worker of the trade when there is one; else the butler goes.
        let assignee = match Self::first_with_role(c, "worker") {
            Some(phone) => self.actor(phone)?,
            None => butler.clone(),
        };
        let mut t = plan.at;
        let photo_ids = if plan.photo { vec![self.photo(&reporter, t, &mut dice).await?] } else { Vec::new() };
        // An elder rings the butler, who enters the report for them (代客报修).
        let by_phone = reporter.elder_mode && photo_ids.is_empty();
        let input = NewRepair {
            category: plan.category.as_str().into(),
            description: Some(plan.description.into()),
            photo_ids,
            on_behalf: by_phone.then(|| OnBehalf {
                unit_id: reporter.unit_id().unwrap_or_default().to_string(),
                resident_id: Some(reporter.user_id.clone()),
                channel: "phone".into(),
            }),
            ..NewRepair::default()
        };
        let entering = if by_phone { &butler } else { &reporter };
        let id = self.at(t, b.create_repair(entering, input)).await?.id;
        match plan.end {
            End::Submitted => {
                // Nobody came within the hour: the resident urges (催一下).
                if self.now - t > Duration::minutes(90) {
                    self.at(t + Duration::minutes(75), b.urge_job(&reporter, &id)).await?;
                }
                return Ok(());
            }
            End::Cancelled => {
                return self
                    .act(
                        t + Duration::minutes(plan.respond_min / 2 + 3),
                        &reporter,
                        &id,
                        JobAction::Cancel,
                        "自己修好了，不用来了",
                    )
                    .await;
            }
            _ => {}
        }
        t += Duration::minutes(plan.respond_min);
        // Often the butler assigns at once, which is the first response too.
        if plan.end == End::Acknowledged || dice.chance(50) {
            self.act(t, &butler, &id, JobAction::Acknowledge, "收到，马上安排师傅").await?;
            if plan.end == End::Acknowledged {
                return Ok(());
            }
            t += Duration::minutes(dice.between(2, 10));
        }
        let assign = ActionInput {
            action: JobAction::Assign.as_str().into(),
            assignee_id: Some(assignee.user_id.clone()),
            ..ActionInput::default()
        };
        self.act_with(t, &butler, &id, assign).await?;
        if plan.end == End::Assigned {
            return Ok(());
        }
        t += Duration::minutes(dice.between(5, 30));
        // Now and then "on my way" first; mostly the work just starts.
        if plan.end == End::EnRoute || dice.chance(25) {
            let travel = ActionInput {
                action: JobAction::StartTravel.as_str().into(),
                eta: Some(t + Duration::minutes(20)),
                ..ActionInput::default()
            };
            self.act_with(t, &assignee, &id, travel).await?;
            if plan.end == End::EnRoute {
                return Ok(());
            }
        }
        t += Duration::minutes(dice.between(10, 25));
        self.act(t, &assignee, &id, JobAction::StartWork, "").await?;
        if plan.end == End::InProgress {
            return Ok(());
        }
        if matches!(plan.end, End::OnHold | End::HeldThenRated(_)) {
            t += Duration::minutes(30);
            // Waiting for a part; the job still open plans to resume by
            // itself when it is due (the repairs duty resumes it then).
            let hold = ActionInput {
                action: JobAction::Hold.as_str().into(),
                hold_reason: Some("waiting_parts".into()),
                note: Some("需要更换配件，已经下单，到货后再来".into()),
                eta: Some(t + Duration::hours(36)),
                resume_at: (plan.end == End::OnHold).then(|| t + Duration::hours(36)),
                ..ActionInput::default()
            };
            self.act_with(t, &assignee, &id, hold).await?;
            if plan.end == End::OnHold {
                return Ok(());
            }
            t += Duration::hours(22);
            self.act(t, &assignee, &id, JobAction::Resume, "配件到了").await?;
        }
        t += Duration::minutes(plan.work_min);
        self.act(t, &assignee, &id, JobAction::Resolve, "已修好，试过没有问题").await?;
        match plan.end {
            End::Resolved => return Ok(()),
            End::Silent => {
                // Nobody answers: the repairs duty confirms it 72 hours on
                // (swept once the month's other jobs are written).
                let due = t + Duration::hours(linli_model::repair::AUTO_CONFIRM_HOURS) + Duration::minutes(1);
                if let Ok(mut silent) = self.silent.lock() {
                    silent.push(due);
                }
                return Ok(());
            }
            End::Reopened | End::ReopenedThenRated(_) => {
                t += Duration::hours(dice.between(3, 9));
                self.act(t, &reporter, &id, JobAction::Reopen, "晚上又出问题了，麻烦再来看看").await?;
                if plan.end == End::Reopened {
                    return Ok(());
                }
                t += Duration::minutes(20);
                self.act(t, &butler, &id, JobAction::Acknowledge, "抱歉，马上再安排").await?;
                t += Duration::minutes(5);
                let again = ActionInput {
                    action: JobAction::Assign.as_str().into(),
                    assignee_id: Some(assignee.user_id.clone()),
                    ..ActionInput::default()
                };
                self.act_with(t, &butler, &id, again).await?;
                t += Duration::hours(2);
                self.act(t, &assignee, &id, JobAction::StartWork, "").await?;
                t += Duration::minutes(45);
                self.act(t, &assignee, &id, JobAction::Resolve, "重新处理了接口，观察了半小时没有问题").await?;
            }
            _ => {}
        }
        t += Duration::minutes(dice.between(40, 600));
        let stars = match plan.end {
            End::Rated(s) | End::ReopenedThenRated(s) | End::HeldThenRated(s) => s,
            _ => return self.act(t, &reporter, &id, JobAction::Confirm, "").await,
        };
        let (tags, comment): (Vec<&str>, String) = match stars {
            5 => (vec!["fast", "polite"], dice.pick(GOOD_WORDS).copied().unwrap_or("很好").to_string()),
            4 => (vec!["polite"], "修好了，就是等得有点久".to_string()),
            3 => (vec!["slow"], "还行".to_string()),
            _ => (vec!["slow", "not_fixed"], "来了两次才弄好，希望改进".to_string()),
        };
        let rating = RatingInput { stars, tags: tags.into_iter().map(String::from).collect(), comment: Some(comment) };
        self.at(t, b.rate_job(&reporter, &id, rating)).await.map(|_| ())
    }

    /// A photo as a phone would send it: a wall with a damp stain.
    async fn photo(&self, who: &Actor, t: DateTime<Utc>, dice: &mut Dice) -> Result<String> {
        let (cx, cy) = (dice.between(80, 240), dice.between(60, 180));
        let img = image::RgbImage::from_fn(320, 240, |x, y| {
            let (dx, dy) = (i64::from(x) - cx, i64::from(y) - cy);
            // Inside the ellipse with radii 70 and 45: d < 100.
            let d = (dx * dx * 100) / (70 * 70) + (dy * dy * 100) / (45 * 45);
            let shade = u8::try_from(210 - i64::from(y) / 7).unwrap_or(180);
            if d < 100 {
                let k = u8::try_from(d / 2).unwrap_or(50);
                image::Rgb([130 + k, 115 + k, 90 + k])
            } else {
                image::Rgb([shade, shade, shade.saturating_sub(8)])
            }
        });
        let mut bytes = std::io::Cursor::new(Vec::new());
        img.write_to(&mut bytes, image::ImageFormat::Png).map_err(Error::internal)?;
        let photo = self.at(t, self.backend.upload_photo(who, bytes.into_inner())).await?;
        Ok(photo.id)
    }

    /// The elders' help calls (answered, a false alarm, one escalated) and
    /// their daily check-ins, with the butler's calls on missed days.
    async fn help_and_check_ins(&self, c: &Community) -> Result<()> {
        let mut dice = self.dice(3);
        let b = self.backend;
        let duty = self.staff(c, "duty")?;
        let timing = b.escalation_settings(&duty.community.id).await?;
        for (n, phone) in self.elders().into_iter().enumerate() {
            let elder = self.actor(&phone)?;
            let butler = self.butler_of(c, &elder)?;
            // (days ago, hour, how it went)
            let calls: &[(i64, u32, &str)] = if n == 0 {
                &[(24, 20, "answered"), (17, 9, "false_alarm"), (11, 22, "escalated"), (4, 15, "answered")]
            } else {
                &[(19, 7, "escalated"), (8, 16, "answered")]
            };
            for (k, (days_ago, hour, how)) in calls.iter().enumerate() {
                let t = self.day_at(*days_ago, *hour, 10);
                let key = format!("demo-history-{phone}-{k}");
                let (call, _) = self.at(t, b.press_help(&elder, &key)).await?;
                let help = |action: &str, outcome: Option<&str>, note: &str| HelpActionInput {
                    action: action.into(),
                    outcome: outcome.map(String::from),
                    note: Some(note.into()).filter(|n: &String| !n.is_empty()),
                };
                let responder = match *how {
                    "false_alarm" => {
                        let input = help("false_alarm", None, "");
                        self.at(t + Duration::seconds(25), b.help_action(&elder, &call.id, input)).await?;
                        continue;
                    }
                    "escalated" => {
                        // Nobody answered in time: the duty alerts every staff
                        // member on duty; the duty room goes.
                        let gap = (timing.contacts_secs - timing.staff_secs).max(3);
                        let swept = t + Duration::seconds(timing.staff_secs + gap / 3);
                        Box::pin(b.sweep_help(swept)).await?;
                        self.at(
                            swept + Duration::seconds(gap / 3),
                            b.help_action(&duty, &call.id, help("acknowledge", None, "值班室收到，马上过去")),
                        )
                        .await?;
                        duty.clone()
                    }
                    _ => {
                        self.at(
                            t + Duration::seconds(35),
                            b.help_action(&butler, &call.id, help("acknowledge", None, "马上过去")),
                        )
                        .await?;
                        butler.clone()
                    }
                };
                self.at(t + Duration::minutes(6), b.help_action(&responder, &call.id, help("arrive", None, "")))
                    .await?;
                let note = if *how == "escalated" {
                    "老人起夜时摔倒，无大碍，已通知家属"
                } else {
                    "血压有点高，陪同休息后好转"
                };
                self.at(
                    t + Duration::minutes(25),
                    b.help_action(&responder, &call.id, help("resolve", Some("resolved"), note)),
                )
                .await?;
            }

            // "I'm OK" most mornings; on a missed day the butler calls.
            for days_ago in (1..=29).rev() {
                if dice.chance(10) {
                    let t = self.day_at(days_ago, 10, 40);
                    let result = if dice.chance(70) { "reached_ok" } else { "visited_ok" };
                    let note = if result == "reached_ok" {
                        "电话联系上了，在女儿家"
                    } else {
                        "上门看过，身体挺好，忘了按"
                    };
                    self.at(t, b.record_check_in_follow_up(&butler, &elder.user_id, result, note)).await?;
                } else {
                    let hour = u32::try_from(dice.between(7, 9)).unwrap_or(8);
                    let minute = u32::try_from(dice.between(0, 59)).unwrap_or(0);
                    self.at(self.day_at(days_ago, hour, minute), b.check_in(&elder)).await?;
                }
            }
        }
        Ok(())
    }

    /// Passes and entries at the gate, walk-ins, and today's expected
    /// visitors.
    async fn visitors(&self, c: &Community) -> Result<()> {
        let mut dice = self.dice(4);
        let b = self.backend;
        let guard = self.staff(c, "guard")?;
        let residents = self.residents();
        let every = if residents.len() > 3 { 1 } else { 3 };
        let client = "demo-history";
        for days_ago in (1..=28).rev().step_by(every) {
            let host = dice.pick(&residents).cloned().unwrap_or_default();
            let host = self.actor(&host)?;
            let (name, purpose) = dice.pick(VISITORS).copied().unwrap_or(("张女士", "朋友来访"));
            let hour = u32::try_from(dice.between(8, 11)).unwrap_or(9);
            let t = self.day_at(days_ago, hour, 5);
            let input = NewPass { visitor_name: name.into(), purpose: Some(purpose.into()), ..NewPass::default() };
            let created = self.at(t, b.create_pass(&host, input, "")).await?;
            // Most visitors come; some never do.
            if dice.chance(70) {
                let came = t + Duration::minutes(dice.between(60, 480));
                self.at(came, b.admit(&guard, &created.code, None, client)).await?;
            }
            // Now and then someone turns up without a pass.
            if days_ago % 6 == 2 {
                let host = dice.pick(&residents).cloned().unwrap_or_default();
                let host = self.actor(&host)?;
                let unit = host.unit.as_ref().map(|u| u.id.clone()).unwrap_or_default();
                let minute = u32::try_from(dice.between(0, 50)).unwrap_or(0);
                let at = self.day_at(days_ago, 15, minute);
                let walk_in =
                    self.at(at, b.register_walk_in(&guard, "快递员", None, &unit, Some("送大件快递"))).await?;
                let approve = days_ago % 12 != 2;
                self.at(at + Duration::minutes(2), b.decide_walk_in(&host, &walk_in.id, approve)).await?;
            }
        }
        // A helper who comes several times a week, on one pass.
        let host = self.actor(residents.first().map_or("", String::as_str))?;
        let from = self.day_at(6, 8, 0);
        let weekly = NewPass {
            visitor_name: "李阿姨".into(),
            purpose: Some("家政保洁".into()),
            valid_from: Some(from),
            valid_until: Some(from + Duration::days(linli_model::pass::MAX_WINDOW_DAYS) - Duration::hours(1)),
            max_entries: Some(6),
            ..NewPass::default()
        };
        let created = self.at(from, b.create_pass(&host, weekly, "")).await?;
        for days_ago in [6, 4, 1] {
            self.at(self.day_at(days_ago, 8, 50), b.admit(&guard, &created.code, None, client)).await?;
        }
        // The carer of the first elder, weekday mornings, on a recurring
        // pass the butler made for the elder's home (长期访客).
        if let Some(elder) = self.elders().first() {
            let elder = self.actor(elder)?;
            let butler = self.butler_of(c, &elder)?;
            let from = self.day_at(27, 17, 0);
            let carer = NewPass {
                visitor_name: "王阿姨".into(),
                purpose: Some("护工，照顾老人".into()),
                schedule: Some(Schedule {
                    weekdays: vec![Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri],
                    time_from: NaiveTime::from_hms_opt(8, 0, 0).unwrap_or(NaiveTime::MIN),
                    time_until: NaiveTime::from_hms_opt(12, 0, 0).unwrap_or(NaiveTime::MIN),
                    start_date: self.today - Duration::days(26),
                    end_date: self.today + Duration::days(150),
                }),
                unit: elder.unit_id().map(str::to_string),
                ..NewPass::default()
            };
            let created = self.at(from, b.create_pass(&butler, carer, "")).await?;
            for days_ago in (1..=12).rev() {
                let day = self.today - Duration::days(days_ago);
                if chrono::Datelike::weekday(&day).number_from_monday() <= 5 {
                    self.at(self.day_at(days_ago, 8, 20), b.admit(&guard, &created.code, None, client)).await?;
                }
            }
        }
        // Visitors expected later today.
        for (i, (name, purpose)) in VISITORS.iter().take(2).enumerate() {
            let host = self.actor(residents.get(i % residents.len().max(1)).map_or("", String::as_str))?;
            let t = self.now - Duration::minutes(30 + 10 * i64::try_from(i).unwrap_or(0));
            let input = NewPass {
                visitor_name: (*name).into(),
                purpose: Some((*purpose).into()),
                valid_from: Some(t),
                valid_until: Some(self.now + Duration::hours(12)),
                ..NewPass::default()
            };
            self.at(t, b.create_pass(&host, input, "")).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::{Backend, BackendConfig};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_history_is_written_through_the_services_once() {
        let media = std::env::temp_dir().join(format!("linli-demo-history-{}", crate::ids::new_key()));
        let config = BackendConfig { media_dir: media.clone(), ..BackendConfig::default() };
        let Ok(b) = Backend::start("mem://", config).await else { panic!("a backend on an in-memory database") };
        let started = std::time::Instant::now();
        let seeded = b.seed_demo(true).await;
        eprintln!("demo with history seeded in {} ms", started.elapsed().as_millis());
        assert!(matches!(seeded, Ok(2)), "{seeded:?}");
        assert!(matches!(b.seed_demo(true).await, Ok(0)));
        let _ = std::fs::remove_dir_all(media);
    }
}
