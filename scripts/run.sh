#!/usr/bin/env bash
# Runs Linli with the demo data (README: "Run it").
#
#   scripts/run.sh            release build (size-optimised, precompressed WASM)
#   scripts/run.sh --dev      debug build: compiles faster, runs slower
#   ... -- [server flags]     e.g. scripts/run.sh -- --addr 0.0.0.0:3000
#
# The database lives in data/ (embedded SurrealDB, on disk); delete that
# folder to start again from the demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

profile=release
if [[ "${1:-}" == "--dev" ]]; then profile=debug; shift; fi
[[ "${1:-}" == "--" ]] && shift

scripts/setup.sh --no-browser

if [[ $profile == release ]]; then
  cargo leptos build --release --precompress --split
else
  # As in scripts/test.sh: cargo-leptos adds `--cfg erase_components` to
  # debug builds itself, so the test command's build is reused as is.
  env -u RUSTFLAGS cargo leptos build --split
fi

mkdir -p data
echo "Linli on http://${LINLI_ADDR:-127.0.0.1:3000}  (demo accounts: see README; password linli-demo)"
exec "$CARGO_TARGET_DIR/$profile/linli-server" --demo "$@"
