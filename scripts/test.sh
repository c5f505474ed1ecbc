#!/usr/bin/env bash
# Runs every test of Linli (README: "Test it"); CI runs exactly this.
#
#   1. formatting and lints (cargo fmt, leptosfmt for view! macros,
#      cargo clippy for server and WASM)
#   2. unit tests of the model and services
#   3. integration tests: the real server on an embedded database, over HTTP
#   4. the debug build of the whole app (cargo leptos build)
#   5. the durability loop, short form: SIGKILL the server 5 times while
#      it takes writes; every acknowledged write must survive; and the
#      help-call drill's short form (escalation on time under faults)
#   6. browser tests in Debian's Chromium (Playwright)
#   7. the API fuzzed from its own OpenAPI document (schemathesis)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

scripts/setup.sh

step() { printf '\n==> %s\n' "$*"; }
started=$(date +%s)

step "formatting"
cargo fmt --all --check
# The markup inside view! macros, which rustfmt leaves alone (leptosfmt.toml);
# on a failure, again without --quiet for the diff. Fix: `leptosfmt app/src`
# then `cargo fmt --all`.
leptosfmt --quiet --check app/src || { leptosfmt --check app/src; exit 1; }

export RUSTFLAGS="$DEBUG_RUSTFLAGS"

step "lints (server)"
cargo clippy -p app -p linli-model -p linli-backend -p linli-media -p linli-server -p linli-bench --features app/ssr --all-targets -- -D warnings
step "lints (browser)"
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

step "unit and integration tests"
cargo test -p linli-model -p linli-backend -p linli-media
cargo test -p app --features ssr
cargo test -p linli-server
# The patched copies of dependencies (vendor/*/PATCHED.md) that keep their tests.
cargo test --manifest-path vendor/g2gen/Cargo.toml

step "building the app (debug)"
# cargo-leptos adds `--cfg erase_components` itself; passing it in as well
# would change the flags and rebuild everything.
env -u RUSTFLAGS cargo leptos build --split

step "durability: SIGKILL loop, short form (the full run is scripts/bench.sh)"
cargo build -p linli-bench --bin killloop
"$CARGO_TARGET_DIR/debug/killloop" --cycles "${KILL_CYCLES:-5}" --server "$CARGO_TARGET_DIR/debug/linli-server"

step "help-call drill, short form (the full run: cargo run -p linli-bench --bin drill)"
# Elders press while the SMS gateway is slow, down, blackholed, WeChat
# errs, the server is SIGKILLed near a deadline and a butler is reassigned;
# fails unless every level is on time and nothing is lost or duplicated.
cargo build -p linli-bench --bin drill
"$CARGO_TARGET_DIR/debug/drill" --short --server "$CARGO_TARGET_DIR/debug/linli-server"

step "browser tests (Chromium)"
# The main server opens on the demo's month of history (LINLI_DEMO_HISTORY,
# on by default), as people running the app see it; the specs pass on it.
# Every spec, and then the fuzzer, files as the same demo residents within
# the hour: their allowance of reports and passes is raised (the limit
# itself is tested in tests/hostile.rs).
port=${E2E_PORT:-3100}
log=$(mktemp)
LINLI_DB=mem:// LINLI_DEMO=1 LINLI_ADDR=127.0.0.1:$port LINLI_SITE_ROOT=target/site LINLI_FILINGS_PER_HOUR=1000 \
  LINLI_MEDIA_DIR=$(mktemp -d) "$CARGO_TARGET_DIR/debug/linli-server" >"$log" 2>&1 &
server=$!
# A second server whose sessions last seconds: an elder's screen left open
# past its session (end2end/tests/help_device.spec.ts).
short_port=$((port + 1)) short_secs=10
short_log=$(mktemp)
LINLI_DB=mem:// LINLI_DEMO=1 LINLI_DEMO_HISTORY=0 LINLI_ADDR=127.0.0.1:$short_port LINLI_SITE_ROOT=target/site \
  LINLI_SESSION_MAX_SECS=$short_secs LINLI_MEDIA_DIR=$(mktemp -d) "$CARGO_TARGET_DIR/debug/linli-server" >"$short_log" 2>&1 &
short_server=$!
trap 'kill $server $short_server 2>/dev/null || true' EXIT
for p in $port $short_port; do
  up=
  for _ in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$p/healthz" >/dev/null 2>&1 && { up=1; break; }
    kill -0 $server 2>/dev/null && kill -0 $short_server 2>/dev/null \
      || { cat "$log" "$short_log"; echo "server did not start" >&2; exit 1; }
    sleep 0.5
  done
  [[ -n $up ]] || { tail -n 40 "$log" "$short_log"; echo "the server on port $p did not answer /healthz within 60 s" >&2; exit 1; }
done
if ! (cd end2end && BASE_URL="http://127.0.0.1:$port" SHORT_SESSION_URL="http://127.0.0.1:$short_port" \
  SHORT_SESSION_SECS=$short_secs npx playwright test); then
  echo "--- server log (last 80 lines)"; tail -n 80 "$log"
  echo "--- short-session server log (last 40 lines)"; tail -n 40 "$short_log"
  exit 1
fi

step "API fuzzing from the OpenAPI document (schemathesis)"
base="http://127.0.0.1:$port"
token_of() {
  curl -fsS -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"phone\":\"$1\",\"password\":\"linli-demo\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
# As a resident and as the manager; logout is left out (it would revoke the
# token the fuzzer is using). Checks: no 5xx, every answer matches its schema.
# The hooks in tests/fuzz/boundaries.py add the calendar's edges to every
# date sent; lists are sent at and past their schema's maxItems.
export PYTHONPATH="$PWD/tests/fuzz${PYTHONPATH:+:$PYTHONPATH}" SCHEMATHESIS_HOOKS=boundaries
for phone in 13800000001 13400000001; do
  "$HOME/.cache/linli/venv/bin/schemathesis" --no-color run "$base/api/v1/openapi.json" --url "$base" \
    -H "Authorization: Bearer $(token_of $phone)" --exclude-path /api/v1/auth/logout \
    --checks not_a_server_error,response_schema_conformance --max-examples "${FUZZ_EXAMPLES:-25}" \
    || { echo "--- server log (last 80 lines)"; tail -n 80 "$log"; exit 1; }
done

step "all tests passed in $(( $(date +%s) - started )) s"
