#!/usr/bin/env bash
# Serves dist/ and the sandbox API from one origin: the page calls /api/... on its own server,
# just as it would behind a reverse proxy in front of a real Dynatrace environment.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8080}
[ -f dist/index.html ] || { echo "dist/ is missing: run make demo (it builds first)"; exit 1; }
echo "Open http://127.0.0.1:$PORT/ and paste one of the tokens below. Ctrl-C stops the demo."
echo
# exec: the sandbox is the only process, so Ctrl-C stops everything this started.
exec target/debug/dt-sandbox --listen "127.0.0.1:$PORT" --serve-dir dist ${SANDBOX_FLAGS:-}
