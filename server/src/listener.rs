//! Accepting connections with limits that slow or idle clients cannot get
//! around: at most `max_connections` open at once (more are closed at
//! accept), a request's headers must arrive within `header_timeout`
//! (slowloris), and its body within `body_timeout` (applied as a layer in
//! `startup.rs`). On shutdown every connection finishes its in-flight
//! request.
//!
//! Only HTTP/1.1 is served. Browsers speak HTTP/2 only over TLS, which a
//! deployment terminates in the reverse proxy (nginx's `proxy_pass` speaks
//! HTTP/1.1 to its upstream, `deploy/nginx-linli.conf`), so cleartext
//! HTTP/2 would serve no client of Linli's. Sniffing for it cost every
//! connection a second read buffer: `hyper_util`'s `auto` builder reads
//! the first bytes to tell the versions apart and hands them back through
//! a rewinding reader, and hyper's first read after them grows its 8 KiB
//! buffer to 16 KiB (measured with heaptrack on 3,000 idle live streams:
//! 16.7 KiB of read buffer per connection, 8 KiB without the sniff).

use std::{net::SocketAddr, sync::Arc, time::Duration};

use axum::{Router, extract::ConnectInfo};
use hyper::body::Incoming;
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    server::graceful::GracefulShutdown,
};
use tokio::{net::TcpListener, sync::Semaphore};
use tower::ServiceExt as _;

/// Limits of the connection layer (`--max-connections`,
/// `--header-timeout-secs`).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_connections: usize,
    pub header_timeout: Duration,
}

/// How long a shutdown waits for in-flight requests before it stops.
const DRAIN_FOR: Duration = Duration::from_secs(15);

/// Serves `router` on `listener` until `shutdown` resolves; then stops
/// accepting, calls `on_shutdown` (which ends long-lived responses), and
/// waits for open requests to finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    on_shutdown: impl FnOnce(),
) -> std::io::Result<()> {
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
    let builder = Arc::new(builder);
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    let mut refused_logged = std::time::Instant::now() - Duration::from_secs(60);
    loop {
        let (stream, remote) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: back off a moment.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            if refused_logged.elapsed() > Duration::from_secs(10) {
                tracing::warn!(max = limits.max_connections, "connection limit reached: closing new connections");
                refused_logged = std::time::Instant::now();
            }
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo::<SocketAddr>(remote));
            let router = router.clone();
            router.oneshot(req.map(axum::body::Body::new))
        });
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _slot = slot;
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    on_shutdown();
    if tokio::time::timeout(DRAIN_FOR, graceful.shutdown()).await.is_err() {
        tracing::warn!("shutdown: some requests were still running after {DRAIN_FOR:?}");
    }
    Ok(())
}
