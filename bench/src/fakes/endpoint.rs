//! A loopback axum server that can be closed and re-opened on its port.

use std::{
    net::SocketAddr,
    sync::Mutex,
    time::{Duration, Instant},
};

use axum::Router;
use tokio::{
    net::{TcpListener, TcpSocket},
    sync::oneshot,
    task::JoinHandle,
};

use super::lock;

/// Listens on `127.0.0.1:port` (0: any free port). `SO_REUSEADDR` lets a
/// closed fake re-open on its old port at once.
fn listen(port: u16) -> Result<TcpListener, String> {
    let socket = TcpSocket::new_v4().map_err(|e| format!("socket: {e}"))?;
    socket.set_reuseaddr(true).map_err(|e| format!("SO_REUSEADDR: {e}"))?;
    socket.bind(SocketAddr::from(([127, 0, 0, 1], port))).map_err(|e| format!("bind 127.0.0.1:{port}: {e}"))?;
    socket.listen(1024).map_err(|e| format!("listen on 127.0.0.1:{port}: {e}"))
}

/// An axum server on loopback that can be closed (new connections are
/// refused, idle kept-alive ones are closed) and re-opened on its port.
pub(super) struct Endpoint {
    pub(super) port: u16,
    router: Router,
    running: Mutex<Option<(oneshot::Sender<()>, JoinHandle<()>)>>,
}

impl Endpoint {
    /// Binds a free port and starts serving. Call from within the runtime.
    pub(super) fn open(router: Router) -> Result<Self, String> {
        let listener = listen(0)?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let endpoint = Self { port, router, running: Mutex::new(None) };
        endpoint.serve(listener);
        Ok(endpoint)
    }

    fn serve(&self, listener: TcpListener) {
        let (stop, stopped) = oneshot::channel::<()>();
        let router = self.router.clone();
        let task = tokio::spawn(async move {
            let signal = async move {
                let _ = stopped.await;
            };
            let _ = axum::serve(listener, router).with_graceful_shutdown(signal).await;
        });
        *lock(&self.running) = Some((stop, task));
    }

    fn is_open(&self) -> bool {
        lock(&self.running).is_some()
    }

    /// Stops accepting; returns once a connection to the port is refused
    /// (or after 2 s). Requests in flight are left to finish (or hang).
    pub(super) async fn close(&self) {
        let Some((stop, _task)) = lock(&self.running).take() else { return };
        let _ = stop.send(());
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(2) {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Serves again on the same port (retrying for up to 2 s while the
    /// old socket is released).
    pub(super) async fn reopen(&self) -> Result<(), String> {
        if self.is_open() {
            return Ok(());
        }
        let started = Instant::now();
        loop {
            match listen(self.port) {
                Ok(listener) => {
                    self.serve(listener);
                    return Ok(());
                }
                Err(e) if started.elapsed() > Duration::from_secs(2) => return Err(e),
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
    }
}

impl Drop for Endpoint {
    fn drop(&mut self) {
        if let Some((stop, task)) = lock(&self.running).take() {
            let _ = stop.send(());
            task.abort();
        }
    }
}
