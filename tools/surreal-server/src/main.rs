//! `surreal start ...`: SurrealDB's own server, built from the
//! `surrealdb-server` crate because no binary can be downloaded here. Used
//! by `scripts/remote-db.sh` to run Linli against a remote `ws://` database.

fn main() -> std::process::ExitCode {
    surrealdb_server::init(surrealdb_server::core::CommunityComposer())
}
