//! The service layer's error: either a refusal the user should read
//! (`App`), or a fault that is logged and shown as a generic 500.

use linli_model::{AppError, Msg};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A refusal with a user-facing code and message (bad input, not
    /// allowed, not found, illegal transition...). Nothing was changed.
    #[error(transparent)]
    App(#[from] AppError),
    /// The database failed or refused a statement.
    #[error("database: {0}")]
    Db(#[from] surrealdb::Error),
    /// A stored row did not have the expected shape.
    #[error("stored data did not decode: {0}")]
    Decode(#[from] serde_json::Error),
    /// Any other fault on our side (I/O, a task that panicked...).
    #[error("internal: {0}")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn internal(what: impl std::fmt::Display) -> Self {
        Self::Internal(what.to_string())
    }

    /// A transaction lost a race with another one and may simply be retried.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Db(e) => {
                matches!(e.query_details(), Some(surrealdb::types::QueryError::TransactionConflict))
                    || e.message().contains("conflict")
            }
            _ => false,
        }
    }

    /// The unique index that refused the write, if that is what happened.
    ///
    /// SurrealDB 3.3 reports a unique-index violation with kind `Internal`
    /// and no structured details (`IndexExists` in surrealdb-core's
    /// `err/wire_snapshot.txt`), so the index name is read from its fixed
    /// form, "Database index `NAME` already contains …", here and nowhere
    /// else; callers compare index names, never messages.
    pub fn unique_index(&self) -> Option<&str> {
        let Self::Db(e) = self else { return None };
        let rest = e.message().strip_prefix("Database index `")?;
        let (name, tail) = rest.split_once('`')?;
        tail.starts_with(" already contains").then_some(name)
    }

    /// Whether the unique index `index` (as named in the migrations)
    /// refused the write.
    pub fn violates(&self, index: &str) -> bool {
        self.unique_index() == Some(index)
    }
}

impl From<Error> for AppError {
    /// Refusals pass through; faults are logged here, once, and reduced to
    /// a generic message so no internal detail reaches a client.
    fn from(err: Error) -> Self {
        match err {
            Error::App(app) => app,
            // Two people changed the same thing at the same instant and the
            // storage engine refused the second: nothing was stored, and
            // trying again is the answer (409), not a fault (500).
            other if other.is_retryable() => {
                tracing::info!(error = %other, "write conflict answered 409");
                AppError::conflict(Msg::ErrChangedMeanwhile)
            }
            other => {
                tracing::error!(error = %other, "service fault");
                AppError::internal()
            }
        }
    }
}
