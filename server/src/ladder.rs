//! The throughput ladder (`bench` crate, binary `ladder`; README,
//! "Performance"): the whole server, plus a few answers that each add one
//! part of a real request's work, so that one run shows what each part
//! costs. Every rung answers the bare endpoint's body
//! (`{"hello":"world"}`):
//!
//! | path | what runs |
//! |---|---|
//! | `/api/rung/bare` | Linli's connection handling, no middleware |
//! | `/api/rung/stack` | + the full middleware stack (`startup::with_layers`) |
//! | `/api/rung/auth` | + the session extractor (`AuthUser`, session cache) |
//! | `/api/rung/db` | + one trivial statement (`RETURN 1`) in the database |
//!
//! and every real route of the server, under the same paths as in
//! production. Not part of the shipped binary.

use axum::{Json, Router, extract::State, routing::get};
use clap::Parser as _;

use crate::{
    Config, Server,
    error::ApiResult,
    extract::AuthUser,
    startup::{init_logging, shutdown_signal, with_layers},
    state::AppState,
};

/// Runs the ladder's server with the same configuration as `linli-server`
/// (flags and `LINLI_*` variables); until SIGTERM or Ctrl-C.
pub async fn main() -> std::process::ExitCode {
    let config = Config::parse();
    init_logging(&config.log_format);
    let addr = config.addr;
    let mut server = match Server::build(config).await {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "cannot start");
            return std::process::ExitCode::FAILURE;
        }
    };
    let rungs = Router::new()
        .route("/api/rung/stack", get(hello))
        .route("/api/rung/auth", get(auth))
        .route("/api/rung/db", get(database));
    server.router = Router::new()
        .route("/api/rung/bare", get(hello))
        .merge(with_layers(rungs, server.state()))
        .merge(server.router.clone());
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(error = %e, %addr, "cannot listen");
            return std::process::ExitCode::FAILURE;
        }
    };
    match server.serve(listener, shutdown_signal()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "server stopped with an error");
            std::process::ExitCode::FAILURE
        }
    }
}

fn world() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "hello": "world" }))
}

async fn hello() -> Json<serde_json::Value> {
    world()
}

async fn auth(AuthUser(_): AuthUser) -> Json<serde_json::Value> {
    world()
}

async fn database(State(state): State<AppState>, AuthUser(_): AuthUser) -> ApiResult<Json<serde_json::Value>> {
    state.backend.ping_database().await?;
    Ok(world())
}
