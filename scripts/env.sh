# Shared environment of the project's scripts; sourced, not run.
#
# One target directory that survives between runs on the same machine
# (a clean clone reuses it), unless the caller chose one.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/linli/target}"
# Server functions are named by a hash of CARGO_MANIFEST_DIR unless this is
# set. With one target directory shared by checkouts at different paths
# (a clone in CI, a second worktree), cargo may reuse a WASM build from one
# path with a server built at another; their server-function URLs then
# differ and every call from the browser fails. A fixed key makes the
# names independent of where the checkout lives.
export SERVER_FN_OVERRIDE_KEY=linli
# Tools installed by npm (wasm-opt from binaryen 132, playwright) come first:
# cargo-leptos uses the first wasm-opt on PATH, and Debian's is too old.
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# Playwright must never try to download a browser: Debian's Chromium is used.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# The environment cargo-leptos gives a debug build, so that `cargo test` and
# `cargo clippy` reuse its compiled dependencies instead of rebuilding them.
export LEPTOS_OUTPUT_NAME=linli
export LEPTOS_SITE_ROOT=target/site
export LEPTOS_SITE_PKG_DIR=pkg
export LEPTOS_SITE_ADDR=127.0.0.1:3000
export LEPTOS_RELOAD_PORT=3001
export LEPTOS_LIB_DIR=frontend
export LEPTOS_BIN_DIR=server
export LEPTOS_HASH_FILES=false
DEBUG_RUSTFLAGS="--cfg erase_components"
