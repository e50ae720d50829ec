#!/usr/bin/env bash
# Fuzz parse, scan, decode (HTTP answers to models), environment (EnvironmentUrl::parse),
# decode_value (the browser's Value walk into every model) and redact (the redaction invariant).
# Usage: fuzz/run.sh [seconds per target, default 300]
# Needs cargo-fuzz 0.12.0 (installed pinned below if missing). cargo-fuzz uses nightly flags; RUSTC_BOOTSTRAP
# lets the stable toolchain accept them.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-300}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --version 0.12.0 --locked
for target in parse scan decode environment decode_value redact; do
  echo "== fuzzing $target for ${seconds}s"
  RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" -- -max_total_time="$seconds" -max_len=4096
done
