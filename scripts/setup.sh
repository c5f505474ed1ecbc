#!/usr/bin/env bash
# Installs what building and testing Linli needs, each only when missing:
# the wasm target, cargo-leptos, wasm-bindgen-cli (at the lock file's
# version), leptosfmt, npm packages (wasm-opt, Playwright) and Debian's Chromium.
# Everything comes from crates.io, npm or Debian: nothing is downloaded
# from elsewhere, because the build machines cannot reach it.
#
#   scripts/setup.sh            everything
#   scripts/setup.sh --no-browser   skip Chromium (enough to run the app)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

want_browser=1
[[ "${1:-}" == "--no-browser" ]] && want_browser=0

step() { printf '\n==> %s\n' "$*"; }

venv="$HOME/.cache/linli/venv"

apt_install() {
  local sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@"
}


if ! command -v cargo >/dev/null; then
  echo "cargo is missing: install Rust with rustup first (https://rustup.rs)" >&2
  exit 1
fi

if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  step "adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi

# 0.3.10 is the last cargo-leptos that builds with rustc 1.95 (0.3.11 needs 1.96).
if ! cargo leptos --version 2>/dev/null | grep -q '0\.3\.10'; then
  step "installing cargo-leptos 0.3.10 (about 14 minutes, once)"
  cargo install cargo-leptos --version 0.3.10 --locked
fi

# wasm-bindgen-cli must match the wasm-bindgen of Cargo.lock exactly.
wbg_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q "$wbg_version"; then
  step "installing wasm-bindgen-cli $wbg_version"
  # Without --locked: its own lock file names a crate the registry lacks.
  cargo install wasm-bindgen-cli --version "$wbg_version"
fi

# leptosfmt formats the markup inside view! macros (leptosfmt.toml);
# scripts/test.sh checks it. 0.1.33 reads Leptos 0.8's view syntax.
if ! leptosfmt --version 2>/dev/null | grep -q '0\.1\.33'; then
  step "installing leptosfmt 0.1.33 (about 2 minutes, once)"
  cargo install leptosfmt --version 0.1.33 --locked
fi

if ! command -v npm >/dev/null; then
  step "installing Node.js and npm (Debian)"
  apt_install nodejs npm
fi
if [[ ! -x end2end/node_modules/.bin/wasm-opt || end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]]; then
  step "installing npm packages (binaryen's wasm-opt, Playwright, axe-core)"
  (cd end2end && npm ci --no-audit --no-fund)
fi

if [[ $want_browser == 1 ]] && ! "$venv/bin/schemathesis" --version >/dev/null 2>&1; then
  step "installing schemathesis (PyPI) for the API fuzzing"
  command -v python3 >/dev/null || apt_install python3 python3-venv
  python3 -m venv "$venv" || { apt_install python3-venv && python3 -m venv "$venv"; }
  "$venv/bin/pip" install --quiet "schemathesis==4.32.5"
fi

# The integration tests run the server behind a real nginx (tests/proxy.rs).
if [[ $want_browser == 1 ]] && [[ ! -x /usr/sbin/nginx ]]; then
  step "installing Debian's nginx-light for the reverse-proxy test"
  apt_install nginx-light
  # The package starts the system's own nginx on port 80; the test runs its
  # own instance on loopback ports, so stop that one.
  if command -v service >/dev/null; then service nginx stop >/dev/null 2>&1 || true; fi
fi

if [[ $want_browser == 1 ]] && ! command -v chromium >/dev/null; then
  step "installing Debian's Chromium for the browser tests"
  apt_install chromium
fi
