#!/usr/bin/env bash
# Installs whatever the build and the tests need and is missing; a second run installs nothing.
# Usage: scripts/bootstrap.sh [build|test]   (test adds Chromium and its driver)
set -euo pipefail
cd "$(dirname "$0")/.."

want=${1:-build}
TRUNK_VERSION=0.21.14
# The version a Cargo.lock records for a package: locked_version <package> <lockfile>
locked_version() { awk -v n="name = \"$1\"" '$0 == n {getline; gsub(/version = |"/, ""); print; exit}' "$2"; }
WASM_BINDGEN_VERSION=$(locked_version wasm-bindgen Cargo.lock)
# Where `cargo install` puts binaries (CARGO_INSTALL_ROOT, else CARGO_HOME, else ~/.cargo).
CARGO_BIN=${CARGO_INSTALL_ROOT:-${CARGO_HOME:-$HOME/.cargo}}/bin
export PATH="$CARGO_BIN:$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

say() { printf '\033[1mbootstrap:\033[0m %s\n' "$*"; }
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"
  else return 1; fi
}
apt_updated=
apt_install() {
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq || return 1; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

command -v cargo >/dev/null || { say "cargo is missing: install Rust with rustup (https://rustup.rs) and run me again"; exit 1; }

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
# (Lists are read whole before grep: `cmd | grep -q` fails under pipefail when grep stops early.)
components=$(rustup component list --installed 2>/dev/null || true)
for component in rustfmt clippy; do
  if ! grep -q "^$component" <<<"$components"; then
    say "adding the $component component (make lint and make test use it)"
    rustup component add "$component"
  fi
done

if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION (about 8 minutes on 2 cores, once)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

# wasm-bindgen-cli from our own lock (tools/wasm-bindgen-cli/Cargo.toml says why): the version
# wasm-bindgen has in Cargo.lock, which Trunk.toml names too. Installed when the binary has another
# version or was not built from that lock (cargo's record of what it installed says which).
tool_version=$(locked_version wasm-bindgen-cli tools/wasm-bindgen-cli/Cargo.lock)
trunk_wants=$(sed -n 's/^wasm_bindgen = "\(.*\)"$/\1/p' Trunk.toml)
if [ "$tool_version" != "$WASM_BINDGEN_VERSION" ] || [ "$trunk_wants" != "$WASM_BINDGEN_VERSION" ]; then
  say "Cargo.lock has wasm-bindgen $WASM_BINDGEN_VERSION, tools/wasm-bindgen-cli/Cargo.lock has $tool_version, Trunk.toml says $trunk_wants:"
  say "they must be equal. Update tools/wasm-bindgen-cli (its Cargo.toml says how) and Trunk.toml."
  exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ] ||
   ! grep -q "^dt-wasm-bindgen-cli v$WASM_BINDGEN_VERSION " <<<"$(cargo install --list)"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION from tools/wasm-bindgen-cli/Cargo.lock (about 4 minutes, once)"
  # --force: replaces a wasm-bindgen installed some other way (e.g. without a lock).
  cargo install --locked --force --path tools/wasm-bindgen-cli --target-dir target/tools
fi

if ! command -v npm >/dev/null; then
  say "npm is missing; installing Node.js from Debian"
  apt_install nodejs npm || { say "cannot install Node.js without root: install Node.js 20+ and run me again"; exit 1; }
fi
# node_modules is current when npm's own record of it is newer than the lockfile.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm tools from package-lock.json (wasm-opt, terser, clean-css, Playwright, axe-core)"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ "$want" = test ]; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "installing Debian's chromium and chromium-driver for the browser tests"
    apt_install chromium chromium-driver || {
      say "Chromium is missing and I cannot install it without root."
      say "Install the Debian packages 'chromium' and 'chromium-driver' (or set CHROMIUM and CHROMEDRIVER) and run me again."
      exit 1
    }
  fi
fi

# The proxy end-to-end tests (e2e/proxy.spec.mjs) run deploy/nginx.conf and deploy/Caddyfile:
# Debian's nginx with its brotli_static module (required), and caddy (tested when installed).
if [ "$want" = test ]; then
  if ! command -v nginx >/dev/null || [ ! -f /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ]; then
    say "installing Debian's nginx and libnginx-mod-http-brotli-static for the proxy tests"
    apt_install nginx libnginx-mod-http-brotli-static || {
      say "nginx is missing and I cannot install it without root."
      say "Install the Debian packages 'nginx' and 'libnginx-mod-http-brotli-static' and run me again."
      exit 1
    }
  fi
  if ! command -v caddy >/dev/null; then
    say "installing Debian's caddy for the proxy tests"
    apt_install caddy || say "caddy could not be installed: the Caddy proxy tests will be SKIPPED (deploy/Caddyfile untested)"
  fi
fi
