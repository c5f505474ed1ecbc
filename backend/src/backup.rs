//! Backups: a consistent copy of the whole database (every community) as
//! SurrealQL, taken from the running server, and restoring such a copy into
//! a fresh database.
//!
//! The copy is read in one read transaction by SurrealDB's exporter, so it
//! is a snapshot even while residents keep writing. An embedded on-disk
//! database is locked by the process that runs it, so the copy is asked of
//! the server (`GET /api/v1/backup`, operator token) rather than read from
//! its files; against a remote SurrealDB the same endpoint works unchanged.

use std::path::Path;

use futures::{Stream, StreamExt};

use super::{
    Backend,
    db::Db,
    error::{Error, Result},
};

impl Backend {
    /// Streams a consistent copy of the database as SurrealQL statements
    /// (schema, then every row), chunk by chunk, so a large database is
    /// never held in memory.
    pub async fn backup(&self) -> Result<impl Stream<Item = Result<Vec<u8>>> + Send + 'static> {
        let stream = self.db.client().export(()).await?;
        Ok(stream.map(|chunk| chunk.map_err(Error::from)))
    }
}

/// Restores the copy at `file` into the database at `url`, which must hold
/// no tables yet (restoring over live data would merge two histories), then
/// applies any migration newer than the copy.
pub async fn restore(url: &str, database: &str, file: &Path) -> Result<()> {
    if !file.is_file() {
        return Err(Error::internal(format!("no backup file at {}", file.display())));
    }
    let db = Db::open_unmigrated(url, database).await?;
    if db.table_count().await? > 0 {
        return Err(Error::internal("the target database is not empty; restore into a new one"));
    }
    db.client().import(file).await?;
    db.migrate().await
}
