//! What every request body must be to be read: uncompressed, within its
//! route's size, and arriving at a minimum average rate.
//!
//! **Content coding.** Linli does not decode compressed request bodies, so
//! a body sent with a `Content-Encoding` other than `identity` is refused
//! with 415 and `Accept-Encoding: identity` (RFC 9110 §15.5.16), before
//! anything reads it: read as it is, a gzip body was answered "malformed"
//! and a body labelled `br` but sent plain was taken silently.
//!
//! **Transfer coding.** Only `chunked` is understood (hyper decodes it);
//! a body sent with any other transfer coding (`gzip, chunked`) was read
//! with the outer coding silently ignored. It is refused with 415 like a
//! content coding (RFC 9112 §6.1 suggests 501; a client's mistake is a
//! 4xx here, as everywhere in Linli).
//!
//! **Size.** A body that declares (`Content-Length`) more than the route
//! can take is refused with 413 at once, before a byte of it is read and
//! before hyper would send `100 Continue`: a 40 MB declaration on a JSON
//! route used to wait for the body, then time out. Only multipart photo
//! forms take more than [`DEFAULT_LIMIT`]; each declares its own limit
//! with [`limited`], and the global check allows multipart bodies up to
//! [`PHOTO_FORM_LIMIT`], the largest. A body without a declared length
//! is still cut at the route's limit as it arrives (`DefaultBodyLimit`).
//!
//! **Time.** A body must not go silent for `--body-timeout-secs`, and
//! must keep arriving at a minimum average rate: tower-http's
//! `RequestBodyTimeoutLayer`, used before, started its clock again at every
//! frame, so a client sending one byte every few seconds held a request
//! (and its connection slot) for as long as it liked. The rate is the rule
//! of Apache's `mod_reqtimeout` (`RequestReadTimeout body=…,MinRate=500`):
//! the body has `--body-timeout-secs` from the request's head, plus one
//! second for every [`MIN_RATE`] bytes received. A photo on a slow phone
//! network (a few KB/s) always earns more time than it needs; a trickle
//! does not. Past either deadline the body ends with [`BodyTooSlow`], which
//! the extractors answer as 408 in the error envelope
//! (`extract::body_failure`). One timer per body, made only when the body
//! has to be waited for.

use std::{
    pin::Pin,
    task::{Context, Poll},
    time::Duration,
};

use app::model::{AppError, ErrorCode, Msg};
use axum::{
    body::{Body, Bytes},
    extract::{DefaultBodyLimit, Request, State},
    http::{HeaderMap, HeaderName, HeaderValue, header},
    middleware::Next,
    response::{IntoResponse as _, Response},
    routing::MethodRouter,
};
use http_body::Frame;
use tokio::time::{Instant, Sleep};

use crate::error::ApiError;

/// Bytes a second a body must average after its first
/// `--body-timeout-secs` (Apache `mod_reqtimeout`'s default `MinRate` for
/// bodies).
pub const MIN_RATE: u64 = 500;

/// The most a body may be on a route that does not declare its own limit:
/// axum's `DefaultBodyLimit` default (2 MiB). Every JSON body, plain form
/// and server function call is one of these.
pub const DEFAULT_LIMIT: usize = 2 * 1024 * 1024;

/// The largest body any route takes: a multipart form with
/// `MAX_PHOTOS` full-size photos and its own fields.
pub const PHOTO_FORM_LIMIT: usize = linli_model::repair::MAX_PHOTOS * linli_backend::media::MAX_BYTES + 64 * 1024;

/// `route` taking bodies of up to `max` bytes (instead of
/// [`DEFAULT_LIMIT`]): a declared `Content-Length` above it is 413 before
/// the body is read, a longer body is cut at `max` as it arrives. `max`
/// must not exceed [`PHOTO_FORM_LIMIT`], which the global check allows.
pub fn limited<S: Clone + Send + Sync + 'static>(route: MethodRouter<S>, max: usize) -> MethodRouter<S> {
    debug_assert!(max <= PHOTO_FORM_LIMIT, "the global check would refuse it first");
    route.layer(DefaultBodyLimit::max(max)).layer(axum::middleware::from_fn_with_state(max, declared_within))
}

/// The route-level half of [`limited`]: 413 for a declared length above `max`.
async fn declared_within(State(max): State<usize>, req: Request, next: Next) -> Response {
    if declared_length(&req).is_some_and(|n| n > max as u64) {
        return too_large();
    }
    next.run(req).await
}

/// The `Content-Length` a request declares, if any (hyper has already
/// refused a malformed one).
fn declared_length(req: &Request) -> Option<u64> {
    http_body::Body::size_hint(req.body()).exact()
}

fn too_large() -> Response {
    let mut res = ApiError::from(AppError::new(ErrorCode::PayloadTooLarge, Msg::ErrTooLarge)).into_response();
    // The body was not read: the connection cannot be reused for another request.
    res.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    res
}

/// Refuses a compressed body or one with a transfer coding other than
/// `chunked` (415), a body declaring more than any route of its kind
/// takes (413), and wraps every other request's body in [`RateBody`] with
/// `timeout` as its grace. A request without a body (a `GET`) passes as
/// it is.
pub async fn bound(State(timeout): State<Duration>, req: Request, next: Next) -> Response {
    if http_body::Body::is_end_stream(req.body()) {
        return next.run(req).await;
    }
    let headers = req.headers();
    let coded = codings(headers, header::CONTENT_ENCODING).any(|coding| !coding.eq_ignore_ascii_case("identity"))
        || codings(headers, header::TRANSFER_ENCODING).any(|coding| !coding.eq_ignore_ascii_case("chunked"));
    if coded {
        let refusal = ApiError::from(AppError::new(ErrorCode::UnsupportedMedia, Msg::ErrContentEncoding));
        let mut res = refusal.into_response();
        res.headers_mut().insert(header::ACCEPT_ENCODING, HeaderValue::from_static("identity"));
        return res;
    }
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.trim_start().to_ascii_lowercase().starts_with("multipart/form-data"));
    let max = if multipart { PHOTO_FORM_LIMIT } else { DEFAULT_LIMIT };
    if declared_length(&req).is_some_and(|n| n > max as u64) {
        return too_large();
    }
    next.run(req.map(|body| Body::new(RateBody::new(body, timeout)))).await
}

/// The codings listed in every `name` header (`gzip, chunked`), trimmed;
/// a value that is not text counts as one unknown coding.
fn codings(headers: &HeaderMap, name: HeaderName) -> impl Iterator<Item = &str> {
    headers.get_all(name).into_iter().flat_map(|v| v.to_str().unwrap_or("?").split(',')).map(str::trim)
}

/// The error a body ends with when it went silent or arrived too slowly.
#[derive(Debug, thiserror::Error)]
#[error("the request body arrived too slowly")]
pub struct BodyTooSlow;

/// Whether `e` (or an error it was caused by) is a body that went silent
/// or arrived too slowly ([`BodyTooSlow`]).
pub fn timed_out(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(e);
    while let Some(e) = cause {
        if e.is::<BodyTooSlow>() {
            return true;
        }
        cause = e.source();
    }
    false
}

/// A body with a deadline that moves on with what arrived:
/// `start + grace + received / MIN_RATE` seconds. The timer is made only
/// when the body has to be waited for: a body that arrives with its head
/// (most API calls) is checked against the clock and never sets one.
struct RateBody {
    inner: Body,
    start: Instant,
    grace: Duration,
    received: u64,
    /// When the last frame came (or the head): silent for `grace` after
    /// it, the body has stopped.
    last: Instant,
    timer: Option<Pin<Box<Sleep>>>,
}

impl RateBody {
    fn new(inner: Body, grace: Duration) -> Self {
        let start = Instant::now();
        Self { inner, start, grace, received: 0, last: start, timer: None }
    }

    /// The earlier of the rate's deadline and the silence's.
    fn deadline(&self) -> Instant {
        let earned = self.start + self.grace + Duration::from_millis(self.received.saturating_mul(1000) / MIN_RATE);
        earned.min(self.last + self.grace)
    }
}

impl http_body::Body for RateBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let deadline = self.deadline();
        let too_slow = || Poll::Ready(Some(Err(axum::Error::new(BodyTooSlow))));
        if Instant::now() >= deadline {
            return too_slow();
        }
        match Pin::new(&mut self.inner).poll_frame(cx) {
            Poll::Ready(frame) => {
                self.last = Instant::now();
                if let Some(Ok(data)) = frame.as_ref().map(|f| f.as_ref().map(Frame::data_ref))
                    && let Some(data) = data
                {
                    self.received = self.received.saturating_add(data.len() as u64);
                }
                Poll::Ready(frame)
            }
            Poll::Pending => {
                // Waiting for the client: wake at the deadline at the latest.
                let timer = self.timer.get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
                if timer.deadline() != deadline {
                    timer.as_mut().reset(deadline);
                }
                if timer.as_mut().poll(cx).is_ready() {
                    return too_slow();
                }
                Poll::Pending
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use futures::StreamExt as _;

    use super::*;

    /// A body that yields `chunk` every `every`, `count` times.
    fn trickle(chunk: &'static [u8], every: Duration, count: usize) -> Body {
        let frames = futures::stream::unfold(0, move |sent| async move {
            if sent == count {
                return None;
            }
            tokio::time::sleep(every).await;
            Some((Ok::<_, std::io::Error>(Bytes::from_static(chunk)), sent + 1))
        });
        Body::from_stream(frames)
    }

    #[tokio::test]
    async fn a_trickle_is_cut_at_its_deadline() {
        // One byte every 50 ms earns 2 ms each: the 300 ms grace runs out
        // after a few bytes, long before the 100 the client offers (5 s).
        let body = RateBody::new(trickle(b"x", Duration::from_millis(50), 100), Duration::from_millis(300));
        let started = Instant::now();
        let Err(e) = axum::body::to_bytes(Body::new(body), usize::MAX).await else {
            panic!("a trickle must not be read to its end")
        };
        let cut_after = started.elapsed();
        assert!(timed_out(&e), "{e:?}");
        assert!(cut_after >= Duration::from_millis(300) && cut_after < Duration::from_secs(2), "{cut_after:?}");
    }

    #[tokio::test]
    async fn a_body_that_goes_silent_is_cut_at_the_grace() {
        // 64 KB at once earns two minutes, but then nothing comes: cut
        // after the 300 ms of silence, not after what it earned.
        static CHUNK: [u8; 65_536] = [7; 65_536];
        let frames = futures::stream::once(async { Ok::<_, std::io::Error>(Bytes::from_static(&CHUNK)) })
            .chain(futures::stream::pending());
        let body = RateBody::new(Body::from_stream(frames), Duration::from_millis(300));
        let started = Instant::now();
        let Err(e) = axum::body::to_bytes(Body::new(body), usize::MAX).await else { panic!("never ends") };
        assert!(timed_out(&e), "{e:?}");
        assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    }

    #[tokio::test]
    async fn a_slow_but_steady_upload_earns_its_time() {
        // 4 KB every 20 ms for 1 s, five times the 200 ms grace: each chunk
        // earns 8 s, so it is read whole.
        static CHUNK: [u8; 4096] = [7; 4096];
        let body = RateBody::new(trickle(&CHUNK, Duration::from_millis(20), 50), Duration::from_millis(200));
        let Ok(read) = axum::body::to_bytes(Body::new(body), usize::MAX).await else {
            panic!("a steady upload is read whole")
        };
        assert_eq!(read.len(), 4096 * 50);
    }
}
