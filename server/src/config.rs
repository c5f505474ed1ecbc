//! Server configuration: every setting is a flag or an environment
//! variable of the same name (`--db` / `LINLI_DB`), so the binary, the
//! scripts and the tests configure it the same way.

use std::{net::SocketAddr, path::PathBuf};

use clap::{Parser, builder::BoolishValueParser};

#[derive(Parser, Debug, Clone)]
#[command(name = "linli-server", version, about = "Linli 邻里 — the community app server")]
pub struct Config {
    /// Database URL: `surrealkv://<dir>` (embedded, on disk), `mem://`
    /// (tests), or `ws://host:port` for a remote SurrealDB.
    #[arg(long, env = "LINLI_DB", default_value = "surrealkv://data/linli")]
    pub db: String,

    /// The database inside SurrealDB's `linli` namespace. Deployments (or
    /// test runs) sharing one SurrealDB server use different names.
    #[arg(long, env = "LINLI_DB_NAME", default_value = "linli")]
    pub db_name: String,

    /// Address to listen on.
    #[arg(long, env = "LINLI_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,

    /// Create the demo communities when they do not exist yet.
    #[arg(long, env = "LINLI_DEMO", value_parser = BoolishValueParser::new(),
          num_args = 0..=1, default_value = "false", default_missing_value = "true")]
    pub demo: bool,

    /// With `--demo`: give each demo community a month of history (repairs,
    /// help calls, visitors, notices, events, check-ins) when it is
    /// created, so every screen has something on it. Off in the tests.
    #[arg(long, env = "LINLI_DEMO_HISTORY", value_parser = BoolishValueParser::new(),
          num_args = 0..=1, default_value = "true", default_missing_value = "true")]
    pub demo_history: bool,

    /// Where uploaded photos are stored.
    #[arg(long, env = "LINLI_MEDIA_DIR", default_value = "data/media")]
    pub media_dir: PathBuf,

    /// The site built by cargo-leptos (JS, WASM, CSS, icons).
    #[arg(long, env = "LINLI_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,

    /// Log format: `text` for people, `json` for log collectors.
    #[arg(long, env = "LINLI_LOG_FORMAT", default_value = "text")]
    pub log_format: String,

    /// Seconds a session may stay unused before it expires.
    #[arg(long, env = "LINLI_SESSION_IDLE_SECS", default_value_t = 14 * 24 * 3600)]
    pub session_idle_secs: u64,

    /// Seconds after login when a session expires regardless of use.
    #[arg(long, env = "LINLI_SESSION_MAX_SECS", default_value_t = 60 * 24 * 3600)]
    pub session_max_secs: u64,

    /// Unacknowledged help calls alert every on-duty staff member after
    /// this many seconds, in every community (drills, tests). Unset: each
    /// community's setting (default 60).
    #[arg(long, env = "LINLI_HELP_ESCALATE_SECS")]
    pub help_escalate_secs: Option<i64>,

    /// Unacknowledged help calls notify the elder's emergency contacts
    /// after this many seconds, in every community. Unset: each
    /// community's setting (default 180).
    #[arg(long, env = "LINLI_HELP_CONTACTS_SECS")]
    pub help_contacts_secs: Option<i64>,

    /// SMS gateway for emergency contacts (`POST {to, template, params}`).
    /// Unset: messages are written to the log.
    #[arg(long, env = "LINLI_SMS_URL")]
    pub sms_url: Option<String>,

    /// The address people reach the site at, for links in QR codes and
    /// messages (e.g. `https://linli.example.com`). Unset: the address the
    /// request came in on.
    #[arg(long, env = "LINLI_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Days after a visitor pass ends when the visitor's name, phone and
    /// plate are erased.
    #[arg(long, env = "LINLI_VISITOR_RETENTION_DAYS", default_value_t = 90)]
    pub visitor_retention_days: u64,

    /// Pass verifications and admissions one guard may make per minute;
    /// one client address may make twice as many. Raised only for load
    /// tests.
    #[arg(long, env = "LINLI_GATE_LIMIT_PER_MINUTE", default_value_t = 60)]
    pub gate_limit_per_minute: u32,

    /// Reports (repairs, complaints, suggestions) one resident may file
    /// per hour; staff may enter ten times as many for residents, and one
    /// person may make three times as many visitor passes. Raised only
    /// for load tests.
    #[arg(long, env = "LINLI_FILINGS_PER_HOUR", default_value_t = 20)]
    pub filings_per_hour: u32,

    /// A secret that lets an operator download a consistent backup of the
    /// whole database from the running server (`GET /api/v1/backup` with
    /// `Authorization: Bearer <token>`). Unset: backups over HTTP are off.
    #[arg(long, env = "LINLI_BACKUP_TOKEN")]
    pub backup_token: Option<String>,

    /// Restore the backup in this file (from `GET /api/v1/backup`) into
    /// the database given by `--db`, which must be empty, then exit.
    #[arg(long, value_name = "FILE")]
    pub restore: Option<PathBuf>,

    /// The WeChat API (code-to-session, access token, subscribe messages).
    #[arg(long, env = "LINLI_WECHAT_API_BASE", default_value = "https://api.weixin.qq.com")]
    pub wechat_api_base: String,

    /// The mini-program's app id. Unset: WeChat sign-in is off.
    #[arg(long, env = "LINLI_WECHAT_APPID")]
    pub wechat_appid: Option<String>,

    /// The mini-program's app secret.
    #[arg(long, env = "LINLI_WECHAT_SECRET")]
    pub wechat_secret: Option<String>,

    /// Subscribe-message templates: `job_assigned=ID,job_resolved=ID,
    /// visitor_arrived=ID,help_acknowledged=ID`.
    #[arg(long, env = "LINLI_WECHAT_TEMPLATES")]
    pub wechat_templates: Option<String>,

    /// Connections open at once; more are closed as they arrive. Each live
    /// stream is one, so this bounds streams too.
    #[arg(long, env = "LINLI_MAX_CONNECTIONS", default_value_t = 20_000)]
    pub max_connections: usize,

    /// Live streams one person may hold open at once; more get 429.
    #[arg(long, env = "LINLI_STREAMS_PER_PERSON", default_value_t = 16)]
    pub streams_per_person: usize,

    /// For the live fan-out benchmark only: create this many small
    /// communities `bench-1` … (`linli_backend::live_bench`) at start-up.
    #[arg(long, env = "LINLI_BENCH_COMMUNITIES", default_value_t = 0, hide = true)]
    pub bench_communities: usize,

    /// For the live fan-out benchmark only: wake every open stream for
    /// every event, as before events were routed by audience.
    #[arg(long, env = "LINLI_BENCH_WAKE_ALL", value_parser = BoolishValueParser::new(),
          num_args = 0..=1, default_value = "false", default_missing_value = "true", hide = true)]
    pub bench_wake_all: bool,

    /// Seconds a client has to send a request's headers (slow clients).
    #[arg(long, env = "LINLI_HEADER_TIMEOUT_SECS", default_value_t = 10)]
    pub header_timeout_secs: u64,

    /// Seconds a request's body (uploads included) may go silent, and the
    /// time it has from the request's head before it must average 500
    /// bytes a second (`request_body.rs`); then 408.
    #[arg(long, env = "LINLI_BODY_TIMEOUT_SECS", default_value_t = 60)]
    pub body_timeout_secs: u64,

    /// Seconds a handler has to answer once the request's body is read;
    /// then 503 (`deadline.rs`). The live stream is exempt.
    #[arg(long, env = "LINLI_HANDLER_TIMEOUT_SECS", default_value_t = 30)]
    pub handler_timeout_secs: u64,

    /// Reverse proxies whose `X-Forwarded-For` / `X-Forwarded-Proto` are
    /// believed: addresses or networks, comma-separated (e.g.
    /// `127.0.0.1,10.0.0.0/8`). Unset: the TCP peer is the client and those
    /// headers are dropped.
    #[arg(long, env = "LINLI_TRUSTED_PROXIES", value_delimiter = ',', value_parser = crate::forwarded::parse_proxy)]
    pub trusted_proxies: Vec<ipnet::IpNet>,

    /// The secret pass codes are hashed with (32+ characters), kept out of
    /// the database and its backups. Every process sharing a database needs
    /// the same one. Unset: read from `--code-key-file`, created there
    /// with a random key on first start.
    #[arg(long, env = "LINLI_CODE_KEY", hide_env_values = true)]
    pub code_key: Option<String>,

    /// Where the code key is kept when `LINLI_CODE_KEY` is unset. Back it up
    /// apart from the database: without it, visitors' codes (not their
    /// links) stop working.
    #[arg(long, env = "LINLI_CODE_KEY_FILE", default_value = "data/code.key")]
    pub code_key_file: PathBuf,
}

impl Config {
    /// The defaults, as if started with no flags and no environment;
    /// tests start from here and change what they need.
    pub fn for_tests() -> Self {
        Self {
            db: "mem://".into(),
            db_name: "linli".into(),
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            demo: true,
            demo_history: false,
            media_dir: std::env::temp_dir().join("linli-test-media"),
            site_root: PathBuf::from("target/site"),
            log_format: "text".into(),
            session_idle_secs: 14 * 24 * 3600,
            session_max_secs: 60 * 24 * 3600,
            help_escalate_secs: None,
            help_contacts_secs: None,
            sms_url: None,
            public_url: None,
            visitor_retention_days: 90,
            gate_limit_per_minute: 60,
            filings_per_hour: 20,
            backup_token: None,
            restore: None,
            wechat_api_base: "https://api.weixin.qq.com".into(),
            wechat_appid: None,
            wechat_secret: None,
            wechat_templates: None,
            max_connections: 20_000,
            streams_per_person: 16,
            bench_communities: 0,
            bench_wake_all: false,
            header_timeout_secs: 10,
            body_timeout_secs: 60,
            handler_timeout_secs: 30,
            trusted_proxies: Vec::new(),
            code_key: Some("linli-tests-code-key-0123456789abcdef".into()),
            code_key_file: PathBuf::from("data/code.key"),
        }
    }
}
