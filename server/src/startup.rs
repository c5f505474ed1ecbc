//! Start-up: configuration → services → router → listener. Reads like a
//! table of contents; each step lives in its own module.

use std::{sync::Arc, time::Duration};

use app::{
    App,
    backend::{Backend, BackendConfig},
    shell,
};
use axum::{
    Router,
    extract::{MatchedPath, Request, State},
    http::StatusCode,
    middleware,
    response::IntoResponse,
    routing::get,
};
use leptos::{config::LeptosOptions, prelude::provide_context};
use leptos_axum::{LeptosRoutes, generate_route_list};
use tokio::net::TcpListener;
use tower_http::{
    catch_panic::CatchPanicLayer,
    compression::{CompressionLayer, CompressionLevel},
    request_id::{MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer},
    services::ServeDir,
    trace::TraceLayer,
};

use utoipa::OpenApi as _;
use utoipa_swagger_ui::SwaggerUi;

use crate::{
    config::Config,
    duties::{self, DutyHealth},
    error,
    extract::ClientAddr,
    forms, forwarded, listener, media, openapi, rest, security,
    state::AppState,
    visitor,
};

/// A running server, as the binary and the tests use it.
pub struct Server {
    pub router: Router,
    pub backend: Backend,
    pub config: Arc<Config>,
    duties: Arc<DutyHealth>,
    shutdown: tokio::sync::watch::Sender<bool>,
}

impl Server {
    /// Connects the database, seeds demo data when asked, builds the router.
    pub async fn build(config: Config) -> Result<Self, linli_backend::Error> {
        let backend = Backend::start(
            &config.db,
            BackendConfig {
                database: config.db_name.clone(),
                session_idle: Duration::from_secs(config.session_idle_secs),
                session_max: Duration::from_secs(config.session_max_secs),
                media_dir: config.media_dir.clone(),
                help_staff_secs: config.help_escalate_secs,
                help_contacts_secs: config.help_contacts_secs,
                sms_url: config.sms_url.clone(),
                visitor_retention: Duration::from_secs(config.visitor_retention_days * 24 * 3600),
                wechat: linli_backend::wechat::WeChatConfig {
                    api_base: config.wechat_api_base.clone(),
                    appid: config.wechat_appid.clone().unwrap_or_default(),
                    secret: config.wechat_secret.clone().unwrap_or_default(),
                    templates: linli_backend::wechat::WeChatConfig::parse_templates(
                        config.wechat_templates.as_deref().unwrap_or_default(),
                    ),
                },
                gate_limit_per_minute: config.gate_limit_per_minute.max(1),
                filings_per_hour: config.filings_per_hour.max(1),
                code_key: code_key(&config)?,
            },
        )
        .await?;
        if config.backup_token.as_deref().is_some_and(|t| t.len() < crate::rest::backup::MIN_TOKEN_LEN) {
            tracing::warn!(
                min = crate::rest::backup::MIN_TOKEN_LEN,
                "LINLI_BACKUP_TOKEN is too short: backups over HTTP stay off"
            );
        }
        if config.demo {
            let created = backend.seed_demo(config.demo_history).await?;
            tracing::info!(created, "demo data checked");
        }
        if config.bench_communities > 0 {
            let created = backend.seed_bench_communities(config.bench_communities).await?;
            tracing::info!(created, "benchmark communities checked");
        }
        backend.events().wake_every_stream(config.bench_wake_all);
        let config = Arc::new(config);
        let (shutdown, watch) = tokio::sync::watch::channel(false);
        let duties = Arc::new(DutyHealth::default());
        let router = router(backend.clone(), config.clone(), duties.clone(), watch);
        Ok(Self { router, backend, config, duties, shutdown })
    }

    /// What every handler reaches, for routes served beside the app's
    /// (the bench crate's `ladder`).
    pub(crate) fn state(&self) -> AppState {
        AppState {
            backend: self.backend.clone(),
            leptos_options: leptos_options(&self.config),
            config: self.config.clone(),
            duties: self.duties.clone(),
            streams: Arc::new(crate::stream::Streams::new(self.config.streams_per_person)),
            shutdown: self.shutdown.subscribe(),
        }
    }

    /// Serves on `listener` until `shutdown` resolves, then lets in-flight
    /// requests finish.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let duties = duties::spawn_all(&self.backend, &self.duties, &self.shutdown.subscribe());
        let notify = self.shutdown;
        let limits = listener::Limits {
            max_connections: self.config.max_connections,
            header_timeout: Duration::from_secs(self.config.header_timeout_secs.max(1)),
        };
        // End live streams so that in-flight requests can finish.
        let result = listener::serve(listener, self.router, limits, shutdown, move || {
            let _ = notify.send(true);
        })
        .await;
        for duty in duties {
            duty.abort();
        }
        result
    }
}

/// Logs to stderr, filtered by `LINLI_LOG` (default: `info`, SurrealDB's
/// own crates at `warn`), as text or, with `format` `json`, one JSON
/// object per line.
pub fn init_logging(format: &str) {
    use tracing_subscriber::{EnvFilter, fmt, prelude::*};
    let filter = EnvFilter::try_from_env("LINLI_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,surrealdb=warn,surrealdb_core=warn,surrealkv=warn"));
    let registry = tracing_subscriber::registry().with(filter);
    if format == "json" {
        registry.with(fmt::layer().json().with_current_span(true)).init();
    } else {
        registry.with(fmt::layer().compact()).init();
    }
}

/// The pass-code key: `LINLI_CODE_KEY`, else the key file, created with
/// 32 random bytes (hex, mode 0600) when missing.
fn code_key(config: &Config) -> Result<Vec<u8>, linli_backend::Error> {
    const MIN_LEN: usize = 32;
    if let Some(key) = config.code_key.as_deref() {
        if key.len() < MIN_LEN {
            return Err(linli_backend::Error::internal(format!("LINLI_CODE_KEY needs {MIN_LEN}+ characters")));
        }
        return Ok(key.as_bytes().to_vec());
    }
    let path = &config.code_key_file;
    match std::fs::read_to_string(path) {
        Ok(key) if key.trim().len() >= MIN_LEN => return Ok(key.trim().as_bytes().to_vec()),
        Ok(_) => return Err(linli_backend::Error::internal(format!("{} holds too short a key", path.display()))),
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(linli_backend::Error::internal(format!("cannot read {}: {e}", path.display())));
        }
        Err(_) => {}
    }
    let key: String = (0..32).map(|_| format!("{:02x}", rand::random::<u8>())).collect();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(linli_backend::Error::internal)?;
    }
    // Written whole under a name of its own, then linked into
    // place, which fails if the file exists: a process starting at the
    // same moment finds either no key or a complete one, never an empty
    // file, and every process ends up with the same key.
    let draft = path.with_extension(format!("draft-{}-{:016x}", std::process::id(), rand::random::<u64>()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let placed = options
        .open(&draft)
        .and_then(|mut f| std::io::Write::write_all(&mut f, key.as_bytes()).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::hard_link(&draft, path));
    let _ = std::fs::remove_file(&draft);
    match placed {
        Ok(()) => {
            tracing::warn!(file = %path.display(), "created a new pass-code key: back it up apart from the database");
            Ok(key.into_bytes())
        }
        // Another process created it at the same moment: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => code_key(config),
        Err(e) => Err(linli_backend::Error::internal(format!("cannot write {}: {e}", path.display()))),
    }
}

fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("linli")
        .site_root(config.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .build()
}

/// The whole HTTP surface.
pub fn router(
    backend: Backend,
    config: Arc<Config>,
    duties: Arc<DutyHealth>,
    shutdown: tokio::sync::watch::Receiver<bool>,
) -> Router {
    let leptos_options = leptos_options(&config);
    let state = AppState {
        backend: backend.clone(),
        leptos_options: leptos_options.clone(),
        config: config.clone(),
        duties,
        streams: Arc::new(crate::stream::Streams::new(config.streams_per_person)),
        shutdown,
    };
    let routes = route_list();
    let context = {
        let backend = backend.clone();
        move || provide_context(backend.clone())
    };
    let static_files = ServeDir::new(&config.site_root)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(get(not_found).with_state(state.clone()));

    let app = Router::new()
        .route("/healthz", get(healthz))
        .nest("/api/v1", rest::router())
        .merge(forms::router())
        .merge(media::router())
        .merge(visitor::router())
        .merge(SwaggerUi::new("/api/docs").url("/api/v1/openapi.json", openapi::ApiDoc::openapi()))
        .leptos_routes_with_context(&state, routes, context, {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback_service(static_files);
    with_layers(app, state)
}

/// Linli's middleware stack around `app`: every route of the server gets
/// it (the bench crate's `ladder` measures it around a bare answer too).
pub(crate) fn with_layers(app: Router<AppState>, state: AppState) -> Router {
    let body_timeout = Duration::from_secs(state.config.body_timeout_secs.max(1));
    let handler_timeout = Duration::from_secs(state.config.handler_timeout_secs.max(1));
    app.layer(middleware::from_fn_with_state(state.clone(), security::page_session))
        .with_state(state.clone())
        // Every handler answers within its deadline once the body is read.
        .layer(middleware::from_fn_with_state(handler_timeout, crate::deadline::bound))
        // Layers run bottom-up for a request: the request id is set first,
        // then the trace span (which logs it), then security checks, so
        // every refusal is traced with its id.
        // A panic anywhere in a handler becomes a 500 in the error envelope
        // (logged with the request id by the span around it), never a
        // dropped connection.
        .layer(CatchPanicLayer::custom(error::panic_response))
        // A body arrives uncompressed, without going silent and at a
        // minimum rate (a trickle is cut).
        .layer(middleware::from_fn_with_state(body_timeout, crate::request_body::bound))
        .layer(middleware::from_fn(error::localize))
        .layer(middleware::from_fn(security::csrf_guard))
        .layer(middleware::from_fn(security::headers))
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(span_for))
        .layer(SetRequestIdLayer::x_request_id(RandomRequestId))
        // First of all: who the client is, and forwarding headers only from
        // trusted proxies.
        .layer(middleware::from_fn_with_state(state, forwarded::normalize))
}

/// One span per request with its id, method and route. The route is the
/// matched pattern (`/v/{token}`), never the raw path, so secrets carried
/// in paths do not reach the logs.
fn span_for(req: &Request) -> tracing::Span {
    // Nothing to compute when nobody records it (`LINLI_LOG=warn`): the id
    // and route strings cost a few allocations per request.
    if !tracing::enabled!(tracing::Level::INFO) {
        return tracing::Span::none();
    }
    let id =
        req.extensions().get::<RequestId>().and_then(|id| id.header_value().to_str().ok()).unwrap_or("-").to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| static_path(req.uri().path()));
    tracing::info_span!("request", id = %id, method = %req.method(), route = %route)
}

fn static_path(path: &str) -> String {
    if path.starts_with("/pkg/") || path.starts_with("/icons/") || !path.contains("/v/") {
        path.chars().take(80).collect()
    } else {
        "-".into()
    }
}

#[derive(Clone, Copy)]
struct RandomRequestId;

impl MakeRequestId for RandomRequestId {
    fn make_request_id<B>(&mut self, _: &http::Request<B>) -> Option<RequestId> {
        let id: u64 = rand::random();
        http::HeaderValue::from_str(&format!("{id:016x}")).ok().map(RequestId::new)
    }
}

/// What `/healthz` answers: 200 when the database answers and every
/// background duty completed a round within its bound, else 503. A
/// delivery channel that is failing makes the status `degraded` but not
/// 503: the app still works, and messages wait in the outbox. A client
/// other than this machine (a load balancer, anyone through the proxy)
/// gets `status` and `database` only.
#[derive(serde::Serialize)]
struct Health {
    /// `ok`, `degraded` (a channel failing) or `unavailable`.
    status: &'static str,
    database: &'static str,
    /// The rest is for operators on this machine (a loopback client): the
    /// duties' names and rounds, the channels' failures, who is online.
    #[serde(skip_serializing_if = "Option::is_none")]
    duties: Option<Vec<duties::DutyReport>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    channels: Option<Vec<ChannelReport>>,
    /// Open live streams of this process, their channels, and the events
    /// handed to streams so far (one per stream woken per event).
    #[serde(skip_serializing_if = "Option::is_none")]
    live: Option<LiveReport>,
}

#[derive(serde::Serialize)]
struct LiveReport {
    #[serde(flatten)]
    stats: linli_backend::events::LiveStats,
    /// Distinct sign-ins (sessions or help devices) with open streams:
    /// each is checked once for all its streams.
    callers: usize,
}

#[derive(serde::Serialize)]
struct ChannelReport {
    name: String,
    #[serde(flatten)]
    state: linli_backend::notify::ChannelState,
}

async fn healthz(State(state): State<AppState>, ClientAddr(client): ClientAddr) -> impl IntoResponse {
    let database = match tokio::time::timeout(Duration::from_secs(5), state.backend.ping_database()).await {
        Ok(Ok(())) => "ok",
        Ok(Err(e)) => {
            tracing::error!(error = %e, "health check: database failed");
            "unavailable"
        }
        Err(_) => "no answer within 5 s",
    };
    let duties = state.duties.report();
    let channels: Vec<ChannelReport> =
        state.backend.delivery_snapshot().into_iter().map(|(name, state)| ChannelReport { name, state }).collect();
    let healthy = database == "ok" && duties.iter().all(|d| d.healthy);
    let status = match (healthy, channels.iter().any(|c| c.state.failing_in_a_row > 0)) {
        (false, _) => "unavailable",
        (true, true) => "degraded",
        (true, false) => "ok",
    };
    let code = if healthy { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    // Through a proxy or from elsewhere: the status only.
    if !client.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback()) {
        return (code, axum::Json(Health { status, database, duties: None, channels: None, live: None }));
    }
    let live = LiveReport { stats: state.backend.events().stats(), callers: state.streams.callers.count() };
    (code, axum::Json(Health { status, database, duties: Some(duties), channels: Some(channels), live: Some(live) }))
}

/// The app's routes, generated once per process.
///
/// Generating them renders the app once with a process-global switch on
/// (`leptos_server`'s `SuppressResourceLoad`) that parks for good any
/// `Resource` first polled meanwhile on another thread, so a second server
/// built while a first one serves pages (the test binary runs many) would
/// hang one of its page renders forever (leptos issue #4773). Generated once,
/// before any server of the process can serve, the switch is never on while
/// a page renders.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Unknown paths render the app's own "not found" page.
async fn not_found(State(state): State<AppState>, req: Request) -> impl IntoResponse {
    let options = state.leptos_options.clone();
    let backend = state.backend.clone();
    let handler = leptos_axum::render_app_to_stream_with_context(
        move || provide_context(backend.clone()),
        move || shell(options.clone()),
    );
    let mut res = handler(req).await.into_response();
    *res.status_mut() = StatusCode::NOT_FOUND;
    res
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    use super::*;

    /// Servers started together on a fresh machine (the test command starts
    /// two) must agree on one key, and none may find a half-written file.
    #[test]
    fn processes_starting_together_share_one_code_key() {
        let Ok(dir) = tempfile::tempdir() else { panic!("a temp dir") };
        let file = dir.path().join("data").join("code.key");
        let config = Config::parse_from(["linli-server", "--code-key-file", &file.to_string_lossy()]);
        let keys: Vec<_> = std::thread::scope(|s| {
            let started: Vec<_> = (0..16).map(|_| s.spawn(|| code_key(&config))).collect();
            started.into_iter().map(|t| t.join().map_err(|_| "panicked")).collect()
        });
        let keys: Vec<Vec<u8>> = keys
            .into_iter()
            .map(|k| match k {
                Ok(Ok(key)) => key,
                other => panic!("every process gets a key: {other:?}"),
            })
            .collect();
        let Some(first) = keys.first() else { panic!("16 keys") };
        assert!(keys.iter().all(|k| k == first && k.len() >= 32), "one key for all");
        assert_eq!(std::fs::read(&file).ok().as_ref(), Some(first), "the key on disk");
        let left = std::fs::read_dir(dir.path().join("data")).map(Iterator::count).ok();
        assert_eq!(left, Some(1), "no draft left behind");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&file).map(|m| m.permissions().mode()).ok();
            assert_eq!(mode.map(|m| m & 0o777), Some(0o600));
        }
    }
}
