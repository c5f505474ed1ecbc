use clap::Parser;
use linli_server::{Config, Server, shutdown_signal, startup::init_logging};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let config = Config::parse();
    init_logging(&config.log_format);

    if let Some(file) = &config.restore {
        return match linli_backend::backup::restore(&config.db, &config.db_name, file).await {
            Ok(()) => {
                tracing::info!(file = %file.display(), db = %config.db, "restored");
                std::process::ExitCode::SUCCESS
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot restore");
                std::process::ExitCode::FAILURE
            }
        };
    }

    let addr = config.addr;
    let server = match Server::build(config).await {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "cannot start");
            return std::process::ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(error = %e, %addr, "cannot listen");
            return std::process::ExitCode::FAILURE;
        }
    };
    tracing::info!("listening on http://{addr}");
    if let Err(e) = server.serve(listener, shutdown_signal()).await {
        tracing::error!(error = %e, "server stopped with an error");
        return std::process::ExitCode::FAILURE;
    }
    tracing::info!("stopped");
    std::process::ExitCode::SUCCESS
}
