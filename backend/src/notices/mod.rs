//! Announcements: targeted notices with read receipts.
//!
//! A household (unit) has read a notice when any of its residents opened
//! it. For an urgent notice the butler sees the households of their
//! buildings that have not, elders first, so someone can knock on the door.

use crate::record::{BuildingId, CommunityId, NoticeId, UnitId, UserId};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;

use super::{
    Backend, clean,
    db::{row, rows, run},
    error::{Error, Result},
    events::Audience,
    ids,
    people::unit_label,
    policy::{Actor, Permission},
};
use linli_model::{
    AppError, BuildingRef, Cursor, Msg, Page, PageRequest, UnitRef,
    keys::AuditAction,
    live::EventKind,
    notice::{Announcement, HouseholdMember, NewAnnouncement, NoticeCategory, UnreadHousehold},
};
pub(crate) mod store;

use store::*;

/// The order of the unread list: elders' households first, then building
/// and unit numbers in natural order, then the unit's id.
fn household_order(a: (bool, &str, &str, &str), b: (bool, &str, &str, &str)) -> std::cmp::Ordering {
    b.0.cmp(&a.0)
        .then_with(|| super::people::natural_cmp(a.1, b.1))
        .then_with(|| super::people::natural_cmp(a.2, b.2))
        .then_with(|| a.3.cmp(b.3))
}

/// The list name of the notice list's cursors.
const LIST_NOTICES: &str = "notices";

/// A notice's place in the list: pinned and urgent 0, pinned 1, urgent 2,
/// else 3.
const fn notice_rank(pinned: bool, urgent: bool) -> i64 {
    (if pinned { 0 } else { 2 }) + if urgent { 0 } else { 1 }
}

/// How many batches of `limit + 1` rows one page of notices may read
/// while looking for rows the caller is shown (see
/// [`Backend::notices_page`]): bounds a page's work in a community whose
/// older notices expired or went to other buildings.
const NOTICE_READS: usize = 4;

/// Where a read of the notice list starts.
enum NoticePos {
    /// At the top of the list.
    Start,
    /// After the row of `rank` (see [`notice_rank`]), order key
    /// `newest_first` (the negated creation instant, in ns) and id `id`
    /// (the record's key).
    After { rank: i64, newest_first: i64, id: String },
}

impl NoticePos {
    /// Just after `n`.
    fn of(n: &NoticeRow) -> Self {
        Self::After {
            rank: notice_rank(n.pinned, n.urgent),
            newest_first: linli_model::page::nanos(n.created_at).saturating_neg(),
            id: n.id.key().to_string(),
        }
    }

    /// The page cursor that starts after this position (`[rank,
    /// created_at ns]` + id); `None` at the top of the list.
    fn cursor(&self) -> Option<String> {
        match self {
            Self::Start => None,
            Self::After { rank, newest_first, id } => {
                Some(Cursor { keys: vec![*rank, newest_first.saturating_neg()], id: id.clone() }.encode(LIST_NOTICES))
            }
        }
    }
}

/// The ranks in list order, each with its `(pinned, urgent)`.
const NOTICE_RANKS: [(i64, bool, bool); 4] = [
    (notice_rank(true, true), true, true),
    (notice_rank(true, false), true, false),
    (notice_rank(false, true), false, true),
    (notice_rank(false, false), false, false),
];

impl Backend {
    /// Publishes a notice: the manager to anyone, a butler to their own
    /// buildings only (never the whole community).
    pub async fn publish_notice(&self, actor: &Actor, input: NewAnnouncement) -> Result<Announcement> {
        actor.require(Permission::PublishNotice)?;
        let title = clean::required_line("title", &input.title, 100)?;
        let body = clean::optional_block("body", Some(&input.body), 5000)?;
        let category = NoticeCategory::parse(&input.category)
            .ok_or_else(|| AppError::invalid("category", Msg::ErrCategoryNotice))?;
        // An empty id is a client's mistake (an empty choice), not "the
        // whole community", which is an empty list.
        if input.building_ids.iter().any(|b| b.trim().is_empty()) {
            return Err(AppError::invalid("building_ids", Msg::ErrBuildingsNotYours).into());
        }
        // Each building once, in the order given.
        let mut seen = std::collections::HashSet::new();
        let mut buildings: Vec<String> = input.building_ids.iter().filter(|b| seen.insert(*b)).cloned().collect();
        if actor.limited_to_own_buildings() {
            if buildings.is_empty() {
                buildings = actor.buildings.iter().map(|b| b.id.clone()).collect();
            }
            if buildings.iter().any(|b| !actor.owns_building(b)) {
                return Err(AppError::invalid("building_ids", Msg::ErrBuildingsNotYours).into());
            }
        } else {
            let known: Vec<String> = self.buildings(actor).await?.into_iter().map(|b| b.id).collect();
            if buildings.iter().any(|b| !known.contains(b)) {
                return Err(AppError::invalid("building_ids", Msg::ErrBuildingsNotYours).into());
            }
        }
        if input.expires_at.is_some_and(|e| !linli_model::time::is_plausible_client_date(e, self.now())) {
            return Err(AppError::invalid("expires_at", Msg::ErrDateOutOfRange).into());
        }
        if input.expires_at.is_some_and(|e| e <= self.now()) {
            return Err(AppError::invalid("expires_at", Msg::ErrWindowPast).into());
        }
        let outage =
            crate::outages::check_new_outage(category, input.outage_kind.as_deref(), input.expected_end, self.now())?;
        let id = ids::new_key();
        run(self
            .db
            .query(store::PUBLISH_NOTICE)
            .bind(("n", NoticeId::record_of(&id)))
            .bind(("o", crate::record::OutageId::record_of(&id)))
            .bind(("kind", outage.map(|(k, _)| k.as_str())))
            .bind(("expected_end", outage.map(|(_, e)| e)))
            .bind(("c", CommunityId::record_of(actor.community_id())))
            .bind(("me", UserId::record_of(&actor.user_id)))
            .bind(("title", title))
            .bind(("body", body))
            .bind(("category", category.as_str()))
            .bind(("buildings", BuildingId::records_of(&buildings)))
            .bind(("pinned", input.pinned))
            .bind(("urgent", input.urgent))
            .bind(("expires", input.expires_at))
            .bind(("now", self.now())))
        .await?;
        let notice = self.load_notice(actor, &id).await?.ok_or_else(|| Error::internal("notice vanished"))?;
        let audience = Audience::of_notice(buildings);
        self.events.publish(
            EventKind::AnnouncementPublished,
            actor.community_id(),
            audience,
            json!({ "id": id, "title": notice.title, "urgent": notice.urgent, "category": notice.category }),
        );
        self.audit(actor, AuditAction::AnnouncementPublish, &id, &notice.title).await?;
        let mut view = notice.view();
        view.outage = self.outage_info(actor, &id).await?;
        Ok(view)
    }

    async fn load_notice(&self, actor: &Actor, id: &str) -> Result<Option<NoticeRow>> {
        if !ids::is_plausible_key(id) {
            return Ok(None);
        }
        let mut res = run(self
            .db
            .query(store::LOAD_NOTICE)
            .bind(("id", NoticeId::record_of(id)))
            .bind(("me", UserId::record_of(&actor.user_id))))
        .await?;
        row(&mut res, 0)
    }

    /// Notices for the caller, pinned and urgent first, then newest;
    /// expired ones drop off (staff still see them). The first page of
    /// [`Self::notices_page`] (`MAX_LIMIT` rows read).
    pub async fn notices(&self, actor: &Actor) -> Result<Vec<Announcement>> {
        let page = PageRequest { limit: linli_model::page::MAX_LIMIT, after: None };
        Ok(self.notices_page(actor, &page).await?.items)
    }

    /// The notices the caller may see, a page at a time (list `notices`):
    /// pinned first, then urgent, then newest; keyset cursor `[rank,
    /// created_at]` + id. Notices for other buildings, and for residents
    /// expired ones, are left out by the query (`Actor::notice_reach`), so
    /// they cost no projections, and again by the audience check here; a
    /// page reads on until it holds `limit` notices, reading at most
    /// [`NOTICE_READS`] batches of `limit + 1` rows. Within that bound a
    /// page is short only at the end of the list (no `next_cursor`), and a
    /// `next_cursor` means a notice the caller is shown follows; when the bound is reached first, the
    /// page (possibly empty) has a `next_cursor` after the last row read.
    /// 422 `cursor` for a cursor of another shape.
    pub async fn notices_page(&self, actor: &Actor, page: &PageRequest) -> Result<Page<Announcement>> {
        let mut at = match page.after.as_ref() {
            None => NoticePos::Start,
            Some(c) => match c.keys.as_slice() {
                // The store's order key: the negated instant.
                &[rank @ 0..=3, at] => NoticePos::After { rank, newest_first: at.saturating_neg(), id: c.id.clone() },
                _ => return Err(AppError::invalid("cursor", Msg::ErrBadCursor).into()),
            },
        };
        let now = self.now();
        let shown = |n: &NoticeRow| n.shown_to(actor, now);
        let mut items: Vec<Announcement> = Vec::new();
        for _ in 0..NOTICE_READS {
            let batch = self.read_notices(actor, &at, page.fetch()).await?;
            let ended = batch.len() < usize::try_from(page.fetch()).unwrap_or(usize::MAX);
            for n in batch {
                if !shown(&n) {
                    at = NoticePos::of(&n);
                    continue;
                }
                if items.len() == page.limit {
                    // A shown notice beyond the page: the next page starts at it.
                    return Ok(Page::new(items, at.cursor()));
                }
                items.push(n.view());
                at = NoticePos::of(&n);
            }
            if ended {
                return Ok(Page::new(items, None));
            }
        }
        Ok(Page::new(items, at.cursor()))
    }

    /// Up to `fetch` notices of the caller's community after `at`, in
    /// list order, rank by rank (one indexed read per rank at most).
    async fn read_notices(&self, actor: &Actor, at: &NoticePos, fetch: i64) -> Result<Vec<NoticeRow>> {
        let reach = actor.notice_reach().map(|r| BuildingId::records_of(&r));
        let unexpired_at = (!actor.sees_expired_notices()).then(|| self.now());
        let mut read: Vec<NoticeRow> = Vec::new();
        for (this_rank, pinned, urgent) in NOTICE_RANKS {
            let fetch = fetch - i64::try_from(read.len()).unwrap_or(0);
            let (newest_first, after) = match at {
                NoticePos::After { rank, .. } if *rank > this_rank => continue,
                NoticePos::After { rank, newest_first, id } if *rank == this_rank => {
                    (Some(*newest_first), Some(NoticeId::record_of(id)))
                }
                _ => (None, None),
            };
            if fetch <= 0 {
                break;
            }
            let mut res = run(self
                .db
                .query(store::NOTICES)
                .bind(("c", CommunityId::record_of(actor.community_id())))
                .bind(("me", UserId::record_of(&actor.user_id)))
                .bind(("pinned", pinned))
                .bind(("urgent", urgent))
                .bind(("at", newest_first))
                .bind(("after", after))
                .bind(("reach", reach.clone()))
                .bind(("unexpired_at", unexpired_at))
                .bind(("fetch", fetch)))
            .await?;
            read.extend(rows::<NoticeRow>(&mut res, 0)?);
        }
        Ok(read)
    }

    /// One notice (404 outside its audience, and for a resident once it
    /// expired, as in the list). `mark_read`: the caller's explicit "read"
    /// comes with the request (never a plain GET).
    pub async fn notice(&self, actor: &Actor, id: &str, mark_read: bool) -> Result<Announcement> {
        let now = self.now();
        let n =
            self.load_notice(actor, id).await?.filter(|n| n.shown_to(actor, now)).ok_or_else(AppError::not_found)?;
        if mark_read && !n.read_by_me && actor.reads_for_household() {
            self.mark_read(actor, id).await?;
        }
        let mut view = n.view();
        view.read = view.read || (mark_read && actor.reads_for_household());
        if actor.sees_notice_reach() {
            let (households, unread) = self.household_counts(actor, &n).await?;
            view.households = Some(households);
            view.households_read = Some(households.saturating_sub(unread));
        }
        view.outage = self.outage_info(actor, id).await?;
        Ok(view)
    }

    /// Marks a notice read by the caller (idempotent; 404 for a notice
    /// the caller is not shown).
    pub async fn mark_read(&self, actor: &Actor, id: &str) -> Result<()> {
        let now = self.now();
        let n =
            self.load_notice(actor, id).await?.filter(|n| n.shown_to(actor, now)).ok_or_else(AppError::not_found)?;
        let stored = run(self
            .db
            .query(store::MARK_READ)
            .bind(("n", NoticeId::record_of(id)))
            .bind(("me", UserId::record_of(&actor.user_id)))
            .bind(("unit", actor.unit_id().map(UnitId::record_of)))
            .bind(("now", self.now())))
        .await;
        match stored {
            Ok(_) => {
                // Staff watching the receipts see the household move live.
                self.events.publish(
                    EventKind::AnnouncementRead,
                    n.community.key(),
                    Audience::of_notice_read(actor.home_building_id()),
                    json!({ "id": id, "unit": actor.unit_id() }),
                );
                Ok(())
            }
            Err(e) if e.violates("announcement_read_once") => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// The residents a notice reaches that the caller looks after: a
    /// butler's buildings, or all for the manager and duty room.
    async fn reached_residents(&self, actor: &Actor, n: &NoticeRow) -> Result<Vec<ResidentRow>> {
        let mut res =
            run(self.db.query(store::REACHED_RESIDENTS).bind(("c", CommunityId::record_of(&n.community)))).await?;
        Ok(rows::<ResidentRow>(&mut res, 0)?
            .into_iter()
            .filter(|r| n.buildings.is_empty() || n.buildings.contains(&r.building))
            .filter(|r| actor.covers_building(r.building.key()))
            .collect())
    }

    async fn read_units(&self, id: &str) -> Result<Vec<String>> {
        let mut res = run(self.db.query(store::READ_UNITS).bind(("n", NoticeId::record_of(id)))).await?;
        Ok(rows::<ReadUnit>(&mut res, 0)?.into_iter().filter_map(|r| r.unit.map(String::from)).collect())
    }

    async fn household_counts(&self, actor: &Actor, n: &NoticeRow) -> Result<(u32, u32)> {
        let residents = self.reached_residents(actor, n).await?;
        let read = self.read_units(n.id.key()).await?;
        let mut units: Vec<String> = residents.iter().map(|r| r.unit.to_string()).collect();
        units.sort();
        units.dedup();
        let unread = crate::convert::count(units.iter().filter(|u| !read.contains(u)).count());
        Ok((crate::convert::count(units.len()), unread))
    }

    /// [`Self::unread_households`] a page at a time (list `unread`): keyset
    /// on the list's order (elders first, then building and unit in natural
    /// order) with the unit's id, so a household that reads the notice
    /// between pages moves no other row. `total`: unread households in all.
    pub async fn unread_households_page(
        &self,
        actor: &Actor,
        id: &str,
        page: &PageRequest,
    ) -> Result<Page<UnreadHousehold>> {
        let all = self.unread_households(actor, id).await?;
        let total = u64::from(crate::convert::count(all.len()));
        let rest: Vec<UnreadHousehold> = match page.after.as_ref() {
            None => all,
            Some(c) => {
                let bad = || AppError::invalid("cursor", Msg::ErrBadCursor);
                let &[elder @ (0 | 1)] = c.keys.as_slice() else { return Err(bad().into()) };
                let n = self.load_notice(actor, id).await?.ok_or_else(AppError::not_found)?;
                let residents = self.reached_residents(actor, &n).await?;
                let at = residents.iter().find(|r| r.unit.key() == c.id).ok_or_else(bad)?;
                let key = (elder == 1, at.building_number.clone(), at.unit_number.clone(), c.id.clone());
                all.into_iter()
                    .filter(|h| {
                        household_order(
                            (h.has_elder, &h.unit.building.number, &h.unit.number, &h.unit.id),
                            (key.0, &key.1, &key.2, &key.3),
                        ) == std::cmp::Ordering::Greater
                    })
                    .collect()
            }
        };
        let rest: Vec<UnreadHousehold> = rest.into_iter().take(page.limit + 1).collect();
        let cut = page.cut(rest, "unread", |h| Cursor { keys: vec![i64::from(h.has_elder)], id: h.unit.id.clone() });
        Ok(cut.with_counts(Some(total), None))
    }

    /// Households that have not read a notice, elders first (staff only;
    /// a butler sees their own buildings).
    pub async fn unread_households(&self, actor: &Actor, id: &str) -> Result<Vec<UnreadHousehold>> {
        actor.require(Permission::SeeUnreadHouseholds)?;
        let n = self.load_notice(actor, id).await?.filter(|n| n.reaches(actor)).ok_or_else(AppError::not_found)?;
        let residents = self.reached_residents(actor, &n).await?;
        let read = self.read_units(id).await?;
        let mut households: Vec<UnreadHousehold> = Vec::new();
        for r in residents.into_iter().filter(|r| !read.iter().any(|u| *u == r.unit)) {
            let member = HouseholdMember {
                id: String::from(r.id.clone()),
                name: r.name.clone(),
                phone: linli_model::phone::mask(&r.phone),
                elder_mode: r.elder_mode,
            };
            match households.iter_mut().find(|h| h.unit.id == r.unit) {
                Some(h) => {
                    h.has_elder |= r.elder_mode;
                    h.residents.push(member);
                }
                None => households.push(UnreadHousehold {
                    unit: UnitRef {
                        label: unit_label(&r.building_name, &r.unit_number),
                        id: String::from(r.unit.clone()),
                        number: r.unit_number.clone(),
                        building: BuildingRef {
                            id: String::from(r.building.clone()),
                            number: r.building_number.clone(),
                            name: r.building_name.clone(),
                        },
                    },
                    has_elder: r.elder_mode,
                    residents: vec![member],
                }),
            }
        }
        households.sort_by(|a, b| {
            household_order(
                (a.has_elder, &a.unit.building.number, &a.unit.number, &a.unit.id),
                (b.has_elder, &b.unit.building.number, &b.unit.number, &b.unit.id),
            )
        });
        Ok(households)
    }
}
