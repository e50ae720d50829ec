#!/usr/bin/env bash
# `make lint`, and the first step of `make test`: formatting, then clippy with warnings as errors,
# for the native targets of the whole workspace and for the app's wasm build (its browser tests
# included), which compiles code the native build does not.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy --target wasm32-unknown-unknown -p dt-token-checker --all-targets --locked -- -D warnings
