#!/usr/bin/env bash
# Linli past one machine: builds SurrealDB's own server from crates.io
# (tools/surreal-server), starts it on loopback, and runs the whole
# integration suite against it over ws://, including the tests of two Linli
# processes sharing that database (tests/cluster.rs).
#
#   scripts/remote-db.sh [extra cargo test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/setup.sh --no-browser

step() { printf '\n==> %s\n' "$*"; }
step "building SurrealDB's server (surrealdb-server from crates.io)"
cargo build --manifest-path tools/surreal-server/Cargo.toml --bin surreal

port=${SURREAL_PORT:-8765}
log=$(mktemp)
"$CARGO_TARGET_DIR/debug/surreal" start --log warn --bind "127.0.0.1:$port" --user root --pass root memory >"$log" 2>&1 &
surreal=$!
trap 'kill $surreal 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  kill -0 $surreal 2>/dev/null || { cat "$log"; echo "SurrealDB did not start" >&2; exit 1; }
  sleep 0.2
done

step "integration tests against ws://127.0.0.1:$port"
export RUSTFLAGS="$DEBUG_RUSTFLAGS"
LINLI_TEST_DB="ws://127.0.0.1:$port" LINLI_DB_USER=root LINLI_DB_PASS=root \
  cargo test -p linli-server --test api -- --include-ignored "$@"
