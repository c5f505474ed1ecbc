//! The rest of a community's life at scale: elders' help calls with their
//! escalations, daily check-ins (and the butler's calls on missed days),
//! regular visits; visitor passes with their entries at the gates and
//! walk-ins; notices with their reads; events with their RSVPs.

use chrono::{DateTime, Duration, Utc};
use rand::{Rng, rngs::StdRng};

use super::super::{Backend, error::Result, ids, passes::codes};
use super::store::*;
use super::*;
use linli_model::time::end_of_local_day;

const VISITORS: &[(&str, &str)] = &[
    ("李阿姨", "家政保洁"),
    ("王建军", "探亲"),
    ("小陈", "送东西"),
    ("周师傅", "上门安装宽带"),
    ("孙老师", "家教"),
    ("张女士", "朋友来访"),
    ("刘先生", "装修验收"),
];

const NOTICES: &[(&str, &str, &str)] = &[
    ("notice", "关于缴纳物业费的通知", "各位业主：本季度物业费请于月底前缴纳，可在物业服务中心或线上缴费。"),
    ("notice", "电梯年检通知", "本周四 9:00–12:00 电梯年检，期间电梯暂停使用，行动不便的住户可联系管家协助。"),
    ("notice", "垃圾分类投放时间调整", "自下周一起，垃圾分类投放时间为早 7:00–9:00、晚 18:00–21:00。"),
    ("safety", "消防安全提醒", "请勿在楼道堆放杂物，电动自行车不得进楼充电。"),
    ("safety", "防台风提醒", "台风将至，请收好阳台物品，关好门窗。"),
    ("activity", "社区义诊活动", "本周六上午在中心花园举办义诊，欢迎老人参加。"),
];

const EVENTS: &[(&str, &str)] = &[
    ("亲子运动会", "中心花园"),
    ("老年人健康讲座", "社区活动室"),
    ("邻里美食节", "南门广场"),
    ("垃圾分类知识竞赛", "社区活动室"),
];

fn visitor_phone(rng: &mut StdRng) -> String {
    format!("13{:09}", rng.random_range(0..1_000_000_000u32))
}

impl Backend {
    /// Help calls, check-ins and regular visits of the community's elders.
    pub(super) async fn write_help(&self, spec: &Spec, p: &Place, rng: &mut StdRng, sink: &mut Sink) -> Result<()> {
        let elders: Vec<&Home> = p.homes.iter().filter(|h| h.elder.is_some()).collect();
        let calls = how_many(HELP_CALLS_PER_ELDER_YEAR, elders.len() as u32, spec.months);
        for k in 0..calls {
            let home = *pick(rng, &elders);
            let Some(elder) = &home.elder else { continue };
            let t0 = moment(rng, p.start, p.now);
            let id = rid("help_call", rng);
            let butler = p.butler(home.building);
            let duty = pick(rng, &p.duty);
            let mut call = HelpCallRow {
                id: id.clone(),
                community: p.id.clone(),
                building: p.buildings.get(home.building).cloned().unwrap_or_else(|| p.id.clone()),
                unit: home.id.clone(),
                elder: elder.id.clone(),
                client_key: format!("scale-{}-{k}", p.index),
                status: "sent".into(),
                open: true,
                outcome: None,
                escalation_level: 0,
                escalated_staff_at: None,
                notified_contacts_at: None,
                created_at: t0,
                acknowledged_at: None,
                acknowledged_by: None,
                arrived_at: None,
                arrived_by: None,
                closed_at: None,
                version: 1,
                channel: "app".into(),
            };
            let mut events = vec![HelpEventRow {
                call: id.clone(),
                seq: 1,
                action: "pressed".into(),
                actor: Some(elder.id.clone()),
                actor_name: elder.name.clone(),
                note: String::new(),
                at: t0,
            }];
            let mut step =
                |call: &mut HelpCallRow, at: DateTime<Utc>, action: &str, who: Option<&Person>, note: &str| {
                    if at >= p.now {
                        return false;
                    }
                    events.push(HelpEventRow {
                        call: call.id.clone(),
                        seq: events.len() as i64 + 1,
                        action: action.to_string(),
                        actor: who.map(|w| w.id.clone()),
                        actor_name: who.map_or_else(|| "系统".to_string(), |w| w.name.clone()),
                        note: note.to_string(),
                        at,
                    });
                    call.version += 1;
                    match action {
                        "escalated_staff" => {
                            call.escalation_level = 1;
                            call.escalated_staff_at = Some(at);
                        }
                        "notified_contacts" => {
                            call.escalation_level = 2;
                            call.notified_contacts_at = Some(at);
                        }
                        "acknowledge" | "arrive" => {
                            call.acknowledged_at = call.acknowledged_at.or(Some(at));
                            call.acknowledged_by = call.acknowledged_by.clone().or_else(|| who.map(|w| w.id.clone()));
                            call.status = "acknowledged".into();
                            if action == "arrive" {
                                call.arrived_at = Some(at);
                                call.arrived_by = who.map(|w| w.id.clone());
                                call.status = "arrived".into();
                            }
                        }
                        _ => {
                            call.status = "closed".into();
                            call.open = false;
                            call.closed_at = Some(at);
                        }
                    }
                    true
                };
            // How it goes: answered by the butler, a false alarm, escalated
            // to every staff member on duty, or on to the family too.
            let how = weighted(rng, &[60, 20, 15, 5]);
            let mut t = t0;
            let responder = match how {
                1 => {
                    t += Duration::seconds(rng.random_range(5..30));
                    call.outcome = Some("false_alarm".into());
                    step(&mut call, t, "false_alarm", Some(elder), "");
                    None
                }
                0 => {
                    t += Duration::seconds(rng.random_range(15..55));
                    step(&mut call, t, "acknowledge", Some(butler), "马上过去").then_some(butler)
                }
                _ => {
                    t += Duration::seconds(rng.random_range(60..66));
                    let mut ok = step(&mut call, t, "escalated_staff", None, "");
                    if how == 3 {
                        t = t0 + Duration::seconds(rng.random_range(180..186));
                        ok = ok && step(&mut call, t, "notified_contacts", None, "");
                    }
                    t += Duration::seconds(rng.random_range(10..90));
                    (ok && step(&mut call, t, "acknowledge", Some(duty), "值班室收到，马上过去")).then_some(duty)
                }
            };
            if let Some(r) = responder {
                t += mins(rng, 3, 10);
                if step(&mut call, t, "arrive", Some(r), "") {
                    t += mins(rng, 10, 40);
                    let ambulance = chance(rng, 0.05);
                    let saved = call.outcome.clone();
                    call.outcome = Some(if ambulance { "ambulance" } else { "resolved" }.into());
                    let note = if ambulance {
                        "已叫救护车，家属已赶到"
                    } else {
                        "血压有点高，陪同休息后好转"
                    };
                    if !step(&mut call, t, "resolve", Some(r), note) {
                        call.outcome = saved;
                    }
                }
            }
            put!(self, sink, help_call, call);
            for e in events {
                put!(self, sink, help_event, e);
            }
        }

        // Daily check-ins, the butler's calls on missed days, the
        // community's daily deadline alert, and the regular visits.
        let first = local_date(p.start);
        let today = local_date(p.now);
        let days = (today - first).num_days();
        for d in 0..=days {
            let day = first + Duration::days(d);
            let alert = at_local(day, 10, 0) + Duration::seconds(rng.random_range(0..5));
            if alert < p.now {
                let row = CheckInAlertRow { community: p.id.clone(), day: day.to_string(), at: alert };
                put!(self, sink, check_in_alert, row);
            }
        }
        for home in &elders {
            let Some(elder) = &home.elder else { continue };
            let butler = p.butler(home.building);
            for d in 0..=days {
                let day = first + Duration::days(d);
                if chance(rng, CHECK_IN_SHARE) {
                    let at = at_local(day, rng.random_range(7..10), rng.random_range(0..60));
                    if at < p.now {
                        let row =
                            CheckInRow { community: p.id.clone(), elder: elder.id.clone(), day: day.to_string(), at };
                        put!(self, sink, check_in, row);
                    }
                } else if chance(rng, CHECK_IN_FOLLOW_UP_SHARE) {
                    let at = at_local(day, 10, rng.random_range(20..59));
                    if at < p.now {
                        let result =
                            *pick(rng, &["reached_ok", "reached_ok", "reached_ok", "visited_ok", "not_reached"]);
                        let note = if result == "visited_ok" {
                            "上门看过，身体挺好，忘了按"
                        } else {
                            "电话联系上了，在女儿家"
                        };
                        let row = CheckInFollowUpRow {
                            community: p.id.clone(),
                            elder: elder.id.clone(),
                            day: day.to_string(),
                            result: result.into(),
                            note: note.into(),
                            by: butler.id.clone(),
                            at,
                        };
                        put!(self, sink, check_in_follow_up, row);
                    }
                }
            }
            let mut due = first + Duration::days(rng.random_range(1..=VISIT_EVERY_DAYS));
            loop {
                let late = chance(rng, 0.1);
                let day = if late {
                    due + Duration::days(rng.random_range(1..4))
                } else {
                    due - Duration::days(rng.random_range(0..3))
                };
                let visited_at = at_local(day, rng.random_range(9..17), rng.random_range(0..60));
                let recorded_at = visited_at + mins(rng, 0, 60);
                if recorded_at >= p.now {
                    break;
                }
                let condition = *pick(
                    rng,
                    &["well", "well", "well", "well", "well", "well", "well", "well", "unwell", "needs_help"],
                );
                let row = ElderVisitRow {
                    community: p.id.clone(),
                    building: p.buildings.get(home.building).cloned().unwrap_or_else(|| p.id.clone()),
                    elder: elder.id.clone(),
                    by: butler.id.clone(),
                    visited_at,
                    recorded_at,
                    mode: if chance(rng, 0.7) { "in_person" } else { "phone" }.into(),
                    condition: condition.into(),
                    note: if condition == "well" {
                        "精神很好".into()
                    } else {
                        "有些不舒服，已提醒家属".into()
                    },
                    follow_up: String::new(),
                    due: due.to_string(),
                    on_time: !late,
                };
                put!(self, sink, elder_visit, row);
                due = day + Duration::days(VISIT_EVERY_DAYS);
            }
        }
        Ok(())
    }

    /// Visitor passes and their entries, and walk-ins.
    pub(super) async fn write_visitors(&self, spec: &Spec, p: &Place, rng: &mut StdRng, sink: &mut Sink) -> Result<()> {
        let units = p.homes.len() as u32;
        let purge_before = p.now - Duration::days(VISITOR_RETENTION_DAYS);
        let share = spec.pass_share.clamp(0.0, 1.0);
        let passes = how_many(PASSES_PER_UNIT_YEAR, units, spec.months);
        for _ in 0..passes {
            let home = pick(rng, &p.homes);
            let created = moment(rng, p.start, p.now);
            let from = if chance(rng, 0.7) { created } else { created + mins(rng, 60, 72 * 60) };
            let multi = chance(rng, MULTI_ENTRY_SHARE);
            let (until, max) = if multi {
                (end_of_local_day(from + Duration::days(rng.random_range(1..7))), rng.random_range(2..=6))
            } else {
                (end_of_local_day(from), 1)
            };
            let token = pass_token(rng);
            let code = codes::code_for(&token);
            let id = rid("pass", rng);
            let (name, purpose) = *pick(rng, VISITORS);
            let revoked = chance(rng, PASS_REVOKED_SHARE).then(|| created + mins(rng, 10, 600)).filter(|t| *t < p.now);
            let (guard, gate) = pick(rng, &p.guards);
            // Passes purged long ago are stored at the spec's share.
            if until < purge_before && !chance(rng, share) {
                continue;
            }
            let mut used = 0;
            if revoked.is_none() && chance(rng, PASS_USED_SHARE) {
                let entries = if multi { rng.random_range(1..=max) } else { 1 };
                let span = (until - from).num_seconds().max(60);
                let mut at = from;
                for _ in 0..entries {
                    at += Duration::seconds(rng.random_range(60..=span / entries.max(1)));
                    if at >= p.now || at >= until {
                        break;
                    }
                    used += 1;
                    let row = PassEntryRow {
                        community: p.id.clone(),
                        pass: Some(id.clone()),
                        walk_in: None,
                        unit: home.id.clone(),
                        gate: (*gate).to_string(),
                        guard: guard.id.clone(),
                        at,
                    };
                    put!(self, sink, pass_entry, row);
                }
            }
            if revoked.is_none() && from <= p.now && until > p.now && used < max && sink.live_passes.len() < 5 {
                sink.live_passes.push((community_code(p.index), token.clone(), code.clone()));
            }
            let purged = until < purge_before;
            let phone = chance(rng, 0.5).then(|| visitor_phone(rng));
            let plate = chance(rng, 0.15).then(|| format!("沪A{:05}", rng.random_range(0..100_000u32)));
            let row = PassRow {
                id,
                community: p.id.clone(),
                building: p.buildings.get(home.building).cloned().unwrap_or_else(|| p.id.clone()),
                unit: home.id.clone(),
                host: home.resident.id.clone(),
                visitor_name: if purged { "（已清除）".into() } else { name.into() },
                visitor_phone: if purged { None } else { phone },
                purpose: if purged { String::new() } else { purpose.into() },
                plate: if purged { None } else { plate },
                valid_from: from,
                valid_until: until,
                max_entries: max,
                entries_used: used,
                token_hash: ids::token_hash(&token),
                code_hash: codes::code_hash(&self.config.code_key, &code),
                revoked_at: revoked,
                purged,
                recurring: false,
                created_at: created,
            };
            put!(self, sink, pass, row);
        }

        let walk_ins = how_many(WALK_INS_PER_UNIT_YEAR, units, spec.months);
        for _ in 0..walk_ins {
            let home = pick(rng, &p.homes);
            let created = moment(rng, p.start, p.now);
            let (guard, gate) = pick(rng, &p.guards);
            let id = rid("walk_in", rng);
            let decided = created + mins(rng, 1, 5);
            if created < purge_before && !chance(rng, share) {
                continue;
            }
            let status = if decided >= p.now {
                "pending"
            } else if chance(rng, 0.88) {
                "approved"
            } else {
                "denied"
            };
            if status == "approved" {
                let row = PassEntryRow {
                    community: p.id.clone(),
                    pass: None,
                    walk_in: Some(id.clone()),
                    unit: home.id.clone(),
                    gate: (*gate).to_string(),
                    guard: guard.id.clone(),
                    at: decided,
                };
                put!(self, sink, pass_entry, row);
            }
            let purged = created < purge_before;
            let row = WalkInRow {
                id,
                community: p.id.clone(),
                building: p.buildings.get(home.building).cloned().unwrap_or_else(|| p.id.clone()),
                unit: home.id.clone(),
                visitor_name: if purged { "（已清除）".into() } else { "快递员".into() },
                visitor_phone: None,
                purpose: if purged { String::new() } else { "送大件快递".into() },
                gate: (*gate).to_string(),
                guard: guard.id.clone(),
                status: status.into(),
                decided_by: (status != "pending").then(|| home.resident.id.clone()),
                decided_at: (status != "pending").then_some(decided),
                purged,
                created_at: created,
            };
            put!(self, sink, walk_in, row);
        }
        Ok(())
    }

    /// Notices with their reads, events with their RSVPs.
    pub(super) async fn write_notices(&self, spec: &Spec, p: &Place, rng: &mut StdRng, sink: &mut Sink) -> Result<()> {
        // The manager's notices reach everyone; each butler's, their buildings.
        let mut plan: Vec<(Person, Vec<usize>)> = Vec::new();
        for _ in 0..how_many(NOTICES_PER_COMMUNITY_MONTH * 12.0, 1, spec.months) {
            plan.push((p.admin.clone(), Vec::new()));
        }
        for (i, butler) in p.butlers.iter().enumerate() {
            let mine: Vec<usize> = (0..p.buildings.len()).filter(|b| p.butler_of.get(*b) == Some(&i)).collect();
            for _ in 0..how_many(BUTLER_NOTICES_PER_MONTH * 12.0, 1, spec.months) {
                plan.push((butler.clone(), mine.clone()));
            }
        }
        for (author, buildings) in plan {
            let id = rid("announcement", rng);
            let created = moment(rng, p.start, p.now);
            let (category, title, body) = *pick(rng, NOTICES);
            let row = NoticeRow {
                id: id.clone(),
                community: p.id.clone(),
                author: author.id.clone(),
                title: title.into(),
                body: body.into(),
                category: category.into(),
                buildings: buildings.iter().filter_map(|b| p.buildings.get(*b).cloned()).collect(),
                pinned: chance(rng, 0.05),
                urgent: chance(rng, 0.05),
                expires_at: chance(rng, 0.4).then(|| created + Duration::days(rng.random_range(7..31))),
                created_at: created,
            };
            put!(self, sink, announcement, row);
            for home in p.homes.iter().filter(|h| buildings.is_empty() || buildings.contains(&h.building)) {
                for who in std::iter::once(&home.resident).chain(home.elder.as_ref()) {
                    if !chance(rng, READ_SHARE) {
                        continue;
                    }
                    // Most read within hours, some days later.
                    let after = if chance(rng, 0.7) { mins(rng, 5, 12 * 60) } else { mins(rng, 12 * 60, 7 * 24 * 60) };
                    let at = created + after;
                    if at < p.now {
                        let row = NoticeReadRow {
                            announcement: id.clone(),
                            user: who.id.clone(),
                            unit: Some(home.id.clone()),
                            at,
                        };
                        put!(self, sink, announcement_read, row);
                    }
                }
            }
        }

        for _ in 0..how_many(EVENTS_PER_COMMUNITY_MONTH * 12.0, 1, spec.months) {
            let id = rid("activity", rng);
            let created = moment(rng, p.start, p.now);
            let starts =
                at_local(local_date(created + Duration::days(rng.random_range(3..21))), rng.random_range(9..19), 0);
            let deadline = starts - Duration::days(1);
            let capacity: i64 = *pick(rng, &[30, 50, 80, 100, 200]);
            let (title, place) = *pick(rng, EVENTS);
            let mut going = 0i64;
            let mut rsvps = Vec::new();
            for home in &p.homes {
                if !chance(rng, RSVP_SHARE) {
                    continue;
                }
                let at = created + Duration::seconds(rng.random_range(60..(deadline - created).num_seconds().max(120)));
                if at >= p.now {
                    continue;
                }
                rsvps.push((at, home));
            }
            rsvps.sort_by_key(|(at, _)| *at);
            for (at, home) in rsvps {
                let headcount: i64 = rng.random_range(1..=3);
                let cancelled =
                    chance(rng, RSVP_CANCEL_SHARE).then(|| at + mins(rng, 60, 48 * 60)).filter(|t| *t < p.now);
                let status = if cancelled.is_some() {
                    "cancelled"
                } else if going + headcount <= capacity {
                    going += headcount;
                    "going"
                } else {
                    "waitlisted"
                };
                let row = RsvpRow {
                    activity: id.clone(),
                    user: home.resident.id.clone(),
                    unit: Some(home.id.clone()),
                    headcount,
                    status: status.into(),
                    queued_at: at,
                    updated_at: cancelled.unwrap_or(at),
                };
                put!(self, sink, rsvp, row);
            }
            let row = ActivityRow {
                id,
                community: p.id.clone(),
                author: p.admin.id.clone(),
                title: title.into(),
                description: format!("{title}，欢迎各位邻居报名参加。"),
                place: place.into(),
                starts_at: starts,
                ends_at: starts + Duration::hours(2),
                capacity,
                rsvp_deadline: Some(deadline),
                going,
                created_at: created,
            };
            put!(self, sink, activity, row);
        }
        Ok(())
    }
}

/// A pass's secret as the service draws it (256 bits, URL-safe), from the
/// dice.
fn pass_token(rng: &mut StdRng) -> String {
    use base64::Engine as _;
    let mut bytes = [0u8; 32];
    rng.fill(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
