//! The baseline of the load figures: a bare axum JSON endpoint, served the
//! same way (same runtime, same machine, same run) as Linli.
//!
//!   hello 127.0.0.1:3998

#![allow(
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    reason = "measurement tools: indices come from their own tables, figures are small"
)]

use axum::{Json, Router, routing::get};

#[tokio::main]
async fn main() {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:3998".into());
    let app = Router::new().route("/hello", get(|| async { Json(serde_json::json!({ "hello": "world" })) }));
    match tokio::net::TcpListener::bind(&addr).await {
        Ok(listener) => {
            let _ = axum::serve(listener, app).await;
        }
        Err(e) => eprintln!("cannot listen on {addr}: {e}"),
    }
}
