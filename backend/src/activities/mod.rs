//! Community events: RSVPs with head counts, capacity, a waitlist promoted
//! in order, and the attendee list for staff.
//!
//! Every RSVP change writes the event's `going` total in the same
//! transaction. Two RSVPs at the same moment therefore conflict on that
//! record; the loser is retried and sees the new total, so capacity is
//! never exceeded however many people press at once.

use crate::record::{ActivityId, CommunityId, UnitId, UserId};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;

use super::{
    Backend, clean,
    db::{retrying, row, rows, run, thrown},
    error::{Error, Result},
    events::Audience,
    ids,
    people::unit_label,
    policy::{Actor, Permission},
};
use linli_model::{
    AppError, Cursor, ErrorCode, Msg, Page, PageRequest,
    keys::{AuditAction, RsvpState},
    live::EventKind,
    notice::{Activity, Attendee, NewActivity, RsvpStatus},
    phone,
};
pub(crate) mod store;

use store::*;

impl Backend {
    /// Staff create an event for the community. 422 naming the field for
    /// implausible dates, an end before the start or already past, a
    /// capacity outside 1..=10,000, an RSVP deadline after the start.
    pub async fn create_activity(&self, actor: &Actor, input: NewActivity) -> Result<Activity> {
        actor.require(Permission::PublishActivity)?;
        let title = clean::required_line("title", &input.title, 100)?;
        let description = clean::optional_block("description", Some(&input.description), 5000)?;
        let place = clean::optional_line("place", Some(&input.place), 100)?;
        let now = self.now();
        for (field, at) in [
            ("starts_at", Some(input.starts_at)),
            ("ends_at", Some(input.ends_at)),
            ("rsvp_deadline", input.rsvp_deadline),
        ] {
            if at.is_some_and(|at| !linli_model::time::is_plausible_client_date(at, now)) {
                return Err(AppError::invalid(field, Msg::ErrDateOutOfRange).into());
            }
        }
        if input.ends_at <= input.starts_at {
            return Err(AppError::invalid("ends_at", Msg::ErrEventTimes).into());
        }
        // One that is still on (started earlier today) may be announced.
        if input.ends_at <= now {
            return Err(AppError::invalid("ends_at", Msg::ErrEventOver).into());
        }
        if !(1..=10_000).contains(&input.capacity) {
            return Err(AppError::invalid("capacity", Msg::ErrCapacity).into());
        }
        if input.rsvp_deadline.is_some_and(|d| d > input.starts_at) {
            return Err(AppError::invalid("rsvp_deadline", Msg::ErrWindowOrder).into());
        }
        let id = ids::new_key();
        run(self
            .db
            .query(store::CREATE_ACTIVITY)
            .bind(("a", ActivityId::record_of(&id)))
            .bind(("c", CommunityId::record_of(actor.community_id())))
            .bind(("me", UserId::record_of(&actor.user_id)))
            .bind(("title", title.clone()))
            .bind(("description", description))
            .bind(("place", place))
            .bind(("starts", input.starts_at))
            .bind(("ends", input.ends_at))
            .bind(("capacity", i64::from(input.capacity)))
            .bind(("deadline", input.rsvp_deadline))
            .bind(("now", now)))
        .await?;
        self.audit(actor, AuditAction::EventCreate, &id, &title).await?;
        self.events.publish(
            EventKind::EventUpdated,
            actor.community_id(),
            Audience::everyone(),
            json!({ "id": id, "action": "created" }),
        );
        self.activity(actor, &id).await
    }

    /// Upcoming events (and those of the last week), soonest first: the
    /// first page of [`Self::activities_page`] (`MAX_LIMIT` rows).
    pub async fn activities(&self, actor: &Actor) -> Result<Vec<Activity>> {
        let page = PageRequest { limit: linli_model::page::MAX_LIMIT, after: None };
        Ok(self.activities_page(actor, &page).await?.items)
    }

    /// Upcoming events (and those of the last week), soonest first, a page
    /// at a time (list `events`, keyset `(starts_at, id)`).
    pub async fn activities_page(&self, actor: &Actor, page: &PageRequest) -> Result<Page<Activity>> {
        let (at, after) = match page.after.as_ref() {
            None => (None, None),
            Some(c) if c.keys.len() == 1 => (c.instant(0), Some(ActivityId::record_of(&c.id))),
            Some(_) => return Err(AppError::invalid("cursor", Msg::ErrBadCursor).into()),
        };
        let now = self.now();
        let mut res = run(self
            .db
            .query(store::ACTIVITIES)
            .bind(("c", CommunityId::record_of(actor.community_id())))
            .bind(("me", UserId::record_of(&actor.user_id)))
            .bind(("since", now - chrono::Duration::days(7)))
            .bind(("at", at))
            .bind(("after", after))
            .bind(("fetch", page.fetch())))
        .await?;
        let items: Vec<Activity> = rows::<ActivityRow>(&mut res, 0)?.into_iter().map(|a| a.view(now)).collect();
        Ok(page.cut(items, "events", |a| Cursor::at(a.starts_at, a.id.clone())))
    }

    async fn load_activity(&self, actor: &Actor, id: &str) -> Result<ActivityRow> {
        if !ids::is_plausible_key(id) {
            return Err(AppError::not_found().into());
        }
        let mut res = run(self
            .db
            .query(store::LOAD_ACTIVITY)
            .bind(("id", ActivityId::record_of(id)))
            .bind(("me", UserId::record_of(&actor.user_id))))
        .await?;
        row::<ActivityRow>(&mut res, 0)?
            .filter(|a| a.community == actor.community.id)
            .ok_or_else(|| AppError::not_found().into())
    }

    pub async fn activity(&self, actor: &Actor, id: &str) -> Result<Activity> {
        Ok(self.load_activity(actor, id).await?.view(self.now()))
    }

    /// RSVPs (or changes the head count of) the caller: going when the
    /// people fit, else waitlisted.
    pub async fn rsvp(&self, actor: &Actor, id: &str, headcount: u32) -> Result<RsvpStatus> {
        actor.require(Permission::Rsvp)?;
        if !(1..=10).contains(&headcount) {
            return Err(AppError::invalid("headcount", Msg::ErrHeadcount).into());
        }
        let a = self.load_activity(actor, id).await?;
        if self.now() >= a.rsvp_deadline.unwrap_or(a.starts_at) {
            return Err(AppError::new(ErrorCode::Conflict, Msg::ErrRsvpClosed).with_detail("rsvp_closed").into());
        }
        retrying(|| async {
            run(self
                .db
                .query(store::RSVP)
                .bind(("a", ActivityId::record_of(id)))
                .bind(("me", UserId::record_of(&actor.user_id)))
                .bind(("unit", actor.unit_id().map(UnitId::record_of)))
                .bind(("n", i64::from(headcount)))
                .bind(("now", self.now())))
            .await
            .map(|_| ())
        })
        .await?;
        let mut res = run(self
            .db
            .query(store::MY_RSVP_STATUS)
            .bind(("a", ActivityId::record_of(id)))
            .bind(("me", UserId::record_of(&actor.user_id))))
        .await?;
        let status: RsvpState =
            rows::<RsvpState>(&mut res, 0)?.into_iter().next().ok_or_else(|| Error::internal("rsvp status missing"))?;
        self.after_rsvp_change(actor, id).await?;
        Ok(RsvpStatus { status, headcount })
    }

    /// Cancels the caller's RSVP; the waitlist moves up, in order, as far
    /// as the freed places allow, and those promoted are told live.
    pub async fn cancel_rsvp(&self, actor: &Actor, id: &str) -> Result<()> {
        actor.require(Permission::Rsvp)?;
        self.load_activity(actor, id).await?;
        // Promotions are stamped with this instant, to tell who moved up.
        let now = self.now();
        retrying(|| async {
            let outcome = run(self
                .db
                .query(store::CANCEL_RSVP)
                .bind(("a", ActivityId::record_of(id)))
                .bind(("me", UserId::record_of(&actor.user_id)))
                .bind(("now", now)))
            .await;
            match outcome {
                Ok(_) => Ok(()),
                Err(e) if thrown(&e, "none") => Err(AppError::not_found().into()),
                Err(e) => Err(e),
            }
        })
        .await?;
        let mut res =
            run(self.db.query(store::PROMOTED_FROM_WAITLIST).bind(("a", ActivityId::record_of(id))).bind(("now", now)))
                .await?;
        let promoted: Vec<Promoted> = rows(&mut res, 0)?;
        if !promoted.is_empty() {
            self.events.publish(
                EventKind::EventUpdated,
                actor.community_id(),
                Audience::people(promoted.iter().map(|p| p.user.to_string()).collect()),
                json!({ "id": id, "action": "promoted" }),
            );
        }
        self.after_rsvp_change(actor, id).await
    }

    async fn after_rsvp_change(&self, actor: &Actor, id: &str) -> Result<()> {
        self.events.publish(
            EventKind::EventUpdated,
            actor.community_id(),
            Audience::of_rsvp(&actor.user_id),
            json!({ "id": id, "action": "rsvp" }),
        );
        Ok(())
    }

    /// Who is coming (staff): going first in RSVP order, then the waitlist.
    pub async fn attendees(&self, actor: &Actor, id: &str) -> Result<Vec<Attendee>> {
        actor.require(Permission::SeeAttendees)?;
        self.load_activity(actor, id).await?;
        let mut res = run(self.db.query(store::ATTENDEES).bind(("a", ActivityId::record_of(id)))).await?;
        let mut list: Vec<Attendee> = rows::<AttendeeRow>(&mut res, 0)?
            .into_iter()
            .map(|r| Attendee {
                name: r.name,
                phone: phone::mask(&r.phone),
                unit: match (r.building_name, r.unit_number) {
                    (Some(b), Some(u)) => unit_label(&b, &u),
                    _ => String::new(),
                },
                headcount: r.headcount,
                status: r.status,
                at: r.queued_at,
            })
            .collect();
        list.sort_by_key(|a| a.status != RsvpState::Going);
        Ok(list)
    }

    /// The attendee list as CSV (UTF-8 with BOM, for Excel).
    pub fn attendees_csv(list: &[Attendee], lang: linli_model::Lang) -> String {
        let mut out = String::from("\u{feff}");
        out.push_str(match lang {
            linli_model::Lang::Zh => "姓名,房号,电话,人数,状态,报名时间\r\n",
            linli_model::Lang::En => "name,unit,phone,headcount,status,registered\r\n",
        });
        for a in list {
            let status = match (a.status, lang) {
                (RsvpState::Going, linli_model::Lang::Zh) => "已报名",
                (RsvpState::Waitlisted, linli_model::Lang::Zh) => "候补",
                (s, _) => s.as_str(),
            };
            let cells = [
                a.name.clone(),
                a.unit.clone(),
                a.phone.clone(),
                a.headcount.to_string(),
                status.to_string(),
                linli_model::time::format_local(a.at),
            ];
            out.push_str(&cells.iter().map(|c| super::passes::csv_cell(c)).collect::<Vec<_>>().join(","));
            out.push_str("\r\n");
        }
        out
    }
}
