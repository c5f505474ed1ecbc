//! The server under drill: the real binary on an on-disk database,
//! SIGKILLed and restarted on the same database and port.

use std::{
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use linli_bench::{ServerProcess, free_port};

/// The server under drill, restartable on the same database. Dropping it
/// kills the process, so an early error leaves nothing running.
pub(crate) struct Server {
    binary: PathBuf,
    db: String,
    port: u16,
    media: PathBuf,
    env: Vec<(String, String)>,
    process: Option<ServerProcess>,
}

impl Server {
    pub(crate) async fn start(
        binary: &Path,
        db: String,
        media: PathBuf,
        env: Vec<(String, String)>,
    ) -> Result<(Self, String), String> {
        let port = free_port();
        let process = ServerProcess::start_with(binary, &db, port, &media, &env).await?;
        let base = process.base.clone();
        Ok((Self { binary: binary.to_path_buf(), db, port, media, env, process: Some(process) }, base))
    }

    /// SIGKILL, as a power cut would.
    pub(crate) fn kill(&mut self) {
        if let Some(p) = self.process.take() {
            p.kill();
        }
    }

    /// Starts it again on the same database and port; the time to healthy.
    pub(crate) async fn restart(&mut self) -> Result<Duration, String> {
        self.kill();
        let started = Instant::now();
        let process = ServerProcess::start_with(&self.binary, &self.db, self.port, &self.media, &self.env).await?;
        self.process = Some(process);
        Ok(started.elapsed())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}
