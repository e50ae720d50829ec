#!/usr/bin/env bash
# Fuzz every target in fuzz_targets/ (`cargo fuzz list`). Usage: fuzz/run.sh [seconds per target, default 300]
# Installs cargo-fuzz when it is missing, at a pinned version from its own lock. cargo-fuzz uses
# nightly flags; RUSTC_BOOTSTRAP lets the stable toolchain accept them.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-300}
CARGO_FUZZ_VERSION=0.13.2
if [ "$(cargo fuzz --version 2>/dev/null)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]; then
  echo "== installing cargo-fuzz $CARGO_FUZZ_VERSION (once)"
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --force
fi
# cargo fuzz has no --locked of its own: fail here, before it builds, if fuzz/Cargo.lock is not
# what the manifests need (the build then uses the lock as it is).
cargo metadata --locked --format-version 1 >/dev/null
for target in $(cargo fuzz list); do
  echo "== fuzzing $target for ${seconds}s"
  RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" -- -max_total_time="$seconds" -max_len=4096
done
