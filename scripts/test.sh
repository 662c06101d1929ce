#!/usr/bin/env bash
# The README's test command: formatting, lints, and every test of the
# workspace. Installs what a fresh machine lacks.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi
if [ -x contracts/build.sh ]; then
  contracts/build.sh
fi
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
