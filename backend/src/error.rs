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
    /// Another request stored the same thing first (named here, e.g.
    /// "help call opened"), found inside this request's transaction:
    /// nothing was written and the request may simply run again, like a
    /// write conflict ([`Error::is_retryable`]).
    #[error("raced: {0}")]
    Raced(&'static str),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn internal(what: impl std::fmt::Display) -> Self {
        Self::Internal(what.to_string())
    }

    /// A transaction lost a race with another one and may simply be retried
    /// (SurrealDB 3.3 reports it by kind, `QueryError::TransactionConflict`,
    /// from the embedded engine and over RPC alike, also for a conflict at
    /// `COMMIT` of a multi-statement transaction: "Cannot COMMIT:
    /// Transaction conflict", seen in a hostile race on the help button).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Db(e) => matches!(e.query_details(), Some(surrealdb::types::QueryError::TransactionConflict)),
            Self::Raced(_) => true,
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

impl Error {
    /// What the caller is told: a refusal as it is; a write conflict (two
    /// people changed the same thing at the same instant and the engine
    /// refused the second: nothing was stored) as 409 "changed meanwhile";
    /// any other fault as a generic 500 with no internal detail.
    ///
    /// A unique index that no service turned into its own refusal (two
    /// requests racing to create the same thing) is also a 409: nothing
    /// was stored and the second request can simply look again.
    ///
    /// This logs nothing: each surface calls [`Error::answer`] where it
    /// makes its response, so a fault is logged once, in the request's span.
    pub fn to_app(&self) -> AppError {
        match self {
            Self::App(app) => app.clone(),
            other if other.is_retryable() || other.unique_index().is_some() => {
                AppError::conflict(Msg::ErrChangedMeanwhile)
            }
            _ => AppError::internal(),
        }
    }

    /// Logs what an operator must see: a fault at `error` with its cause, a
    /// write conflict at `info`; a refusal is the caller's business and is
    /// not logged.
    pub fn log(&self) {
        match self {
            Self::App(_) => {}
            other if other.is_retryable() || other.unique_index().is_some() => {
                tracing::info!(error = %other, "write conflict answered 409");
            }
            other => tracing::error!(error = %other, "service fault"),
        }
    }

    /// [`Error::log`], then [`Error::to_app`]: what a surface (REST, a form
    /// post, a server function) calls once, where it answers the request.
    pub fn answer(self) -> AppError {
        self.log();
        self.to_app()
    }
}
