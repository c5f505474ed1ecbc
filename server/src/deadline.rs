//! A bound on every request's work, whatever the handler waits on (a
//! database that stopped answering, a third-party API whose client timeout
//! is longer, a bug that never returns).
//!
//! The response must be ready within `--handler-timeout-secs` (default
//! 30 s) of the request's body having been read, or set aside by the
//! handler; past it the client gets 503 in the error envelope with
//! `Retry-After`, and the handler's future is dropped, which ends its work
//! at its next await. The clock starts after the body so that an upload on
//! a weak network is not cut for being slow: the body is bounded apart, per
//! read, by `--body-timeout-secs`. Exempt: the live stream, whose response
//! is its open connection, and the backup, whose export grows with the
//! database and has its own token. A response body that has begun is not
//! bounded here either (pages stream their HTML as it renders).
//!
//! A 503 from the deadline does not say that nothing was done: a database
//! statement already handed to the engine completes on its own. Requests
//! that create carry a request key, so a retry finds what was made.

use std::{
    pin::Pin,
    task::{Context, Poll},
    time::Duration,
};

use axum::{
    body::{Body, Bytes, HttpBody},
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use http_body::{Frame, SizeHint};
use linli_model::{AppError, ErrorCode, Msg};
use tokio::sync::oneshot;

use crate::error::ApiError;

/// Routes not bounded: the live stream and the backup export.
const UNBOUNDED: [&str; 2] = ["/api/v1/stream", "/api/v1/backup"];

/// Seconds a client is asked to wait before trying again.
const RETRY_AFTER_SECS: u64 = 5;

/// Middleware: answers 503 when the handler has not answered `limit` after
/// the request's body was read.
pub async fn bound(State(limit): State<Duration>, req: Request, next: Next) -> Response {
    if UNBOUNDED.contains(&req.uri().path()) {
        return next.run(req).await;
    }
    let (read, body_read) = oneshot::channel();
    let req = req.map(|inner| Body::new(Watched { inner, read: Some(read) }));
    let work = next.run(req);
    tokio::pin!(work);
    let deadline = async {
        // Sent, or dropped with the body: either way the body is done.
        let _ = body_read.await;
        tokio::time::sleep(limit).await;
    };
    tokio::select! {
        biased;
        res = &mut work => res,
        () = deadline => {
            tracing::warn!(limit_secs = limit.as_secs(), "request not answered in time: 503");
            let mut err = AppError::new(ErrorCode::Unavailable, Msg::ErrUnavailable);
            err.retry_after = Some(RETRY_AFTER_SECS);
            ApiError::from(err).into_response()
        }
    }
}

/// A request body that tells when it has been read to its end, failed, or
/// been dropped unread.
struct Watched {
    inner: Body,
    read: Option<oneshot::Sender<()>>,
}

impl Watched {
    fn done(&mut self) {
        if let Some(read) = self.read.take() {
            let _ = read.send(());
        }
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        self.done();
    }
}

impl HttpBody for Watched {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        let frame = Pin::new(&mut this.inner).poll_frame(cx);
        if matches!(frame, Poll::Ready(None | Some(Err(_)))) || this.inner.is_end_stream() {
            this.done();
        }
        frame
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
