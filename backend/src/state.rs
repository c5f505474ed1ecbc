//! The services' shared state: database, settings and in-memory limiters.

use std::{ops::Deref, path::PathBuf, sync::Arc, time::Duration};

use super::{db::Db, error::Result, events::EventHub, notify::Sender, ratelimit::RateLimiter, sessions::SessionCache};

/// Settings the services need, filled from the server's configuration.
#[derive(Clone, Debug)]
pub struct BackendConfig {
    /// The database inside the `linli` namespace; several deployments, or
    /// test runs, can share one SurrealDB server under different names.
    pub database: String,
    /// A session unused for this long expires.
    pub session_idle: Duration,
    /// A session expires this long after login, however much it is used.
    pub session_max: Duration,
    /// Where uploaded photos are stored.
    pub media_dir: PathBuf,
    /// Help-call escalation timings that override every community's
    /// settings (drills and tests: `LINLI_HELP_ESCALATE_SECS`,
    /// `LINLI_HELP_CONTACTS_SECS`).
    pub help_staff_secs: Option<i64>,
    pub help_contacts_secs: Option<i64>,
    /// The SMS gateway for emergency contacts; `None` logs instead.
    pub sms_url: Option<String>,
    /// Visitors' personal data is erased this long after their pass ends.
    pub visitor_retention: Duration,
    /// The WeChat-style identity provider and message API.
    pub wechat: super::wechat::WeChatConfig,
    /// Pass verifications and admissions a guard may make per minute
    /// (twice as many per client address). Guessing an 8-character code
    /// at this pace takes far longer than a pass lives.
    pub gate_limit_per_minute: u32,
    /// Reports (repairs, complaints, suggestions) one resident may file
    /// per hour; staff entering reports for residents (代客报修, 代录) may
    /// enter ten times as many, and one person may make three times as
    /// many visitor passes. A household files a few reports a month: the
    /// limit only stops a script from burying a butler's board.
    pub filings_per_hour: u32,
    /// The key pass codes are hashed with (HMAC-SHA256), kept outside the
    /// database and its backups, so a copy of the database cannot be used
    /// to recover the short codes by trying them all.
    pub code_key: Vec<u8>,
}

impl Default for BackendConfig {
    fn default() -> Self {
        Self {
            database: "linli".into(),
            session_idle: Duration::from_secs(14 * 24 * 3600),
            session_max: Duration::from_secs(60 * 24 * 3600),
            media_dir: PathBuf::from("data/media"),
            help_staff_secs: None,
            help_contacts_secs: None,
            sms_url: None,
            visitor_retention: Duration::from_secs(90 * 24 * 3600),
            wechat: super::wechat::WeChatConfig::default(),
            gate_limit_per_minute: 60,
            filings_per_hour: 20,
            code_key: Vec::new(),
        }
    }
}

const HOUR: Duration = Duration::from_secs(3600);

/// Everything the services share. Cloning is cheap (one `Arc`).
#[derive(Clone)]
pub struct Backend(Arc<Inner>);

/// The services' shared state: private to this crate; the server uses
/// [`Backend`]'s methods.
pub struct Inner {
    pub(crate) db: Db,
    pub(crate) config: BackendConfig,
    /// Login attempts per account and client address (`auth.rs`).
    pub(crate) login_by_pair: RateLimiter,
    /// Login attempts per client address, every account.
    pub(crate) login_by_client: RateLimiter,
    /// Failed logins per account from anywhere: slows answers down, never
    /// refuses (`auth.rs`).
    pub(crate) login_failures: RateLimiter,
    /// Password hashes running and waiting (`hashing.rs`).
    pub(crate) hashing: super::hashing::HashGate,
    /// Gate verifications per guard and per address (guessing codes).
    pub(crate) gate_by_guard: RateLimiter,
    pub(crate) gate_by_client: RateLimiter,
    /// Failed backup-token attempts per client address: five per ten
    /// minutes, then refused (`server/src/rest/backup.rs`).
    pub(crate) backup_failures: RateLimiter,
    /// Photo uploads per person (`media.rs`).
    pub(crate) uploads_by_user: RateLimiter,
    /// Reports filed by a resident, entered by a staff member, and visitor
    /// passes made, per person ([`BackendConfig::filings_per_hour`]).
    pub(crate) filings_by_resident: RateLimiter,
    pub(crate) filings_by_staff: RateLimiter,
    pub(crate) passes_by_person: RateLimiter,
    /// Photo decodes running at once, across all uploads (`media.rs`).
    pub(crate) decodes: tokio::sync::Semaphore,
    /// Resolved sessions, trusted for two seconds (`sessions.rs`).
    pub(crate) sessions: SessionCache,
    /// Live events for the SSE stream.
    pub(crate) events: EventHub,
    /// Delivers the notification outbox (text messages).
    pub(crate) notifier: Sender,
    /// Sign-in with mini-program codes, and subscribe messages.
    pub(crate) wechat: super::wechat::WeChat,
    /// How each delivery channel is doing, for operators (`/healthz`).
    pub(crate) delivery: super::notify::DeliveryHealth,
    /// The local day whose check-in announcement each community has
    /// settled, as this process knows (`check_ins`): the sweep skips them
    /// until the next day instead of claiming again every round.
    pub(crate) check_in_days: std::sync::Mutex<std::collections::HashMap<String, chrono::NaiveDate>>,
    /// One recomputation of forgotten scorecard days per community at a
    /// time (`scorecards/turns.rs`).
    pub(crate) scorecard_recomputes: super::scorecards::turns::Recomputes,
}

impl Deref for Backend {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl Backend {
    /// Connects to the database at `db_url`, migrates it and builds the services.
    pub async fn start(db_url: &str, config: BackendConfig) -> Result<Self> {
        let db = Db::connect(db_url, &config.database).await?;
        Ok(Self(Arc::new(Inner {
            db,
            login_by_pair: RateLimiter::new(5, Duration::from_secs(15 * 60)),
            login_by_client: RateLimiter::new(50, Duration::from_secs(15 * 60)),
            login_failures: RateLimiter::new(u32::MAX, Duration::from_secs(15 * 60)),
            hashing: super::hashing::HashGate::default(),
            gate_by_guard: RateLimiter::new(config.gate_limit_per_minute, Duration::from_secs(60)),
            gate_by_client: RateLimiter::new(config.gate_limit_per_minute.saturating_mul(2), Duration::from_secs(60)),
            backup_failures: RateLimiter::new(5, Duration::from_secs(600)),
            uploads_by_user: RateLimiter::new(super::media::UPLOADS_PER_WINDOW, super::media::UPLOAD_WINDOW),
            filings_by_resident: RateLimiter::new(config.filings_per_hour, HOUR),
            filings_by_staff: RateLimiter::new(config.filings_per_hour.saturating_mul(10), HOUR),
            passes_by_person: RateLimiter::new(config.filings_per_hour.saturating_mul(3), HOUR),
            decodes: tokio::sync::Semaphore::new(super::media::parallel_decodes()),
            sessions: SessionCache::default(),
            events: EventHub::new(),
            notifier: Sender::from_url(config.sms_url.as_deref()),
            wechat: super::wechat::WeChat::new(config.wechat.clone()),
            delivery: super::notify::DeliveryHealth::default(),
            check_in_days: std::sync::Mutex::default(),
            scorecard_recomputes: super::scorecards::turns::Recomputes::default(),
            config,
        })))
    }
}

impl Backend {
    /// The services' current instant ([`crate::clock::now`]): the system
    /// clock, or the instant the demo seeder set for its own task.
    pub(crate) fn now(&self) -> chrono::DateTime<chrono::Utc> {
        crate::clock::now()
    }
}

/// What the server's edges need from the state, and nothing more.
impl Backend {
    /// Whether the database answers (`/healthz`).
    pub async fn ping_database(&self) -> Result<()> {
        self.db.ping().await
    }

    /// How each delivery channel is doing (`/healthz`).
    pub fn delivery_snapshot(&self) -> Vec<(String, super::notify::ChannelState)> {
        self.delivery.snapshot()
    }

    /// The live events of this process: subscribe, replay, last id.
    pub fn events(&self) -> &EventHub {
        &self.events
    }

    /// Whether other server processes may share the database (a remote
    /// SurrealDB): what they change reaches this process only when it
    /// reads again. With an embedded database this process holds the lock,
    /// so every change is made here and announced by
    /// [`Backend::session_changes`].
    pub fn database_is_shared(&self) -> bool {
        self.db.is_shared()
    }

    /// Ticks whenever a session, person or butler changes in this process,
    /// so open streams re-check who they serve.
    pub fn session_changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.sessions.changes()
    }

    /// Whether `client` may try the backup token (five failures per ten
    /// minutes).
    pub fn backup_attempt_allowed(&self, client: &str) -> bool {
        self.backup_failures.allows(client)
    }

    /// Counts a wrong backup token from `client`.
    pub fn backup_attempt_failed(&self, client: &str) {
        self.backup_failures.hit(client);
    }

    /// One round of the hourly purge: visitors' personal data past the
    /// configured retention, then photos never attached to a report.
    pub async fn purge_round(&self) -> Result<()> {
        let retention = chrono::Duration::from_std(self.config.visitor_retention).unwrap_or(chrono::Duration::days(90));
        self.purge_visitors(retention).await?;
        self.sweep_orphan_photos(chrono::Utc::now()).await.map(|_| ())
    }

    /// The raw database, for tests that inspect stored rows.
    #[cfg(feature = "test-support")]
    pub fn db(&self) -> &Db {
        &self.db
    }
}
