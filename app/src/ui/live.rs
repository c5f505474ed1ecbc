//! Live updates in the browser: one `EventSource` per page on
//! `/api/v1/stream`. Each event bumps a counter; resources that read the
//! counter refetch, so pages always show stored state (events are only
//! hints) and a `resync` simply refetches everything.

use leptos::prelude::*;

use crate::model::live::EventKind;

/// Counters that live events bump. (Only the browser bumps them; on the
/// server they stay at zero, hence the allowance for unused parts.)
#[derive(Clone, Copy)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code, reason = "used by the browser build only"))]
pub struct Live {
    pub repairs: RwSignal<u64>,
    pub help: RwSignal<u64>,
    pub passes: RwSignal<u64>,
    pub notices: RwSignal<u64>,
    pub events: RwSignal<u64>,
    /// The latest event's kind and JSON data, for banners and sounds.
    pub last: RwSignal<Option<(EventKind, String)>>,
    /// Whether the stream is open right now.
    pub connected: RwSignal<bool>,
}

#[cfg_attr(not(feature = "hydrate"), allow(dead_code, reason = "used by the browser build only"))]
impl Live {
    fn new() -> Self {
        Self {
            repairs: RwSignal::new(0),
            help: RwSignal::new(0),
            passes: RwSignal::new(0),
            notices: RwSignal::new(0),
            events: RwSignal::new(0),
            last: RwSignal::new(None),
            connected: RwSignal::new(false),
        }
    }

    fn counter(&self, kind: EventKind) -> RwSignal<u64> {
        match kind {
            // Complaints share the repairs' board and stream.
            EventKind::RepairUpdated | EventKind::ComplaintUpdated => self.repairs,
            EventKind::HelpCallUpdated | EventKind::CheckInUpdated => self.help,
            EventKind::PassAdmitted | EventKind::WalkInRequested | EventKind::WalkInDecided => self.passes,
            EventKind::AnnouncementPublished | EventKind::AnnouncementRead | EventKind::OutageUpdated => self.notices,
            EventKind::EventUpdated => self.events,
        }
    }

    /// Something changed: refetch what depends on `kind`.
    pub fn bump(&self, kind: EventKind, data: String) {
        self.counter(kind).update(|n| *n += 1);
        self.last.set(Some((kind, data)));
    }

    /// The stream could not replay what was missed: refetch everything.
    pub fn bump_all(&self) {
        for c in [self.repairs, self.help, self.passes, self.notices, self.events] {
            c.update(|n| *n += 1);
        }
    }
}

#[cfg_attr(not(feature = "hydrate"), allow(dead_code, reason = "used by the browser build only"))]
pub const KINDS: [EventKind; 11] = [
    EventKind::RepairUpdated,
    EventKind::ComplaintUpdated,
    EventKind::HelpCallUpdated,
    EventKind::PassAdmitted,
    EventKind::WalkInRequested,
    EventKind::WalkInDecided,
    EventKind::AnnouncementPublished,
    EventKind::AnnouncementRead,
    EventKind::EventUpdated,
    EventKind::CheckInUpdated,
    EventKind::OutageUpdated,
];

pub fn provide_live() -> Live {
    let live = Live::new();
    provide_context(live);
    live
}

pub fn use_live() -> Live {
    use_context::<Live>().unwrap_or_else(Live::new)
}

/// Opens the stream (in the browser only; the server renders stored state).
#[cfg(feature = "hydrate")]
pub fn connect(live: Live) {
    use wasm_bindgen::{JsCast, closure::Closure};

    let Ok(source) = web_sys::EventSource::new("/api/v1/stream") else { return };
    for kind in KINDS {
        let on_event = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            live.bump(kind, ev.data().as_string().unwrap_or_default());
        });
        let _ = source.add_event_listener_with_callback(kind.as_str(), on_event.as_ref().unchecked_ref());
        // The listener lives as long as the page.
        on_event.forget();
    }
    let on_resync = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |_| live.bump_all());
    let _ = source.add_event_listener_with_callback(crate::model::live::RESYNC, on_resync.as_ref().unchecked_ref());
    on_resync.forget();
    // After a dropped connection the browser reconnects by itself with
    // Last-Event-ID; refetching on reopen covers anything not replayable.
    let was_open = StoredValue::new(false);
    let on_open = Closure::<dyn Fn(web_sys::Event)>::new(move |_| {
        if was_open.get_value() {
            live.bump_all();
        }
        was_open.set_value(true);
        live.connected.set(true);
    });
    source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    on_open.forget();
    let on_error = Closure::<dyn Fn(web_sys::Event)>::new(move |_| live.connected.set(false));
    source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
}

#[cfg(not(feature = "hydrate"))]
pub fn connect(_live: Live) {}
