//! The throughput ladder: Linli's server with extra answers that each add
//! one part of a request's work (`linli_server::ladder` lists them). Takes
//! `linli-server`'s flags and `LINLI_*` variables; scripts/bench.sh runs
//! wrk against each rung next to the bare axum endpoint (`hello`).

#[tokio::main]
async fn main() -> std::process::ExitCode {
    linli_server::ladder::main().await
}
