#!/usr/bin/env bash
# The README's test command: formatting, lints, every test of the
# workspace, then the vm tests and host-env's golden outcomes for aarch64
# under qemu-user (scripts/test-vm-aarch64.sh). Installs what a fresh
# machine lacks (the wasm32 and aarch64 Rust targets, the aarch64 cross
# linker and qemu-user through apt-get).
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
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
cargo test --workspace --locked 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
echo "== aarch64 (qemu-user) =="
scripts/test-vm-aarch64.sh 2>&1 | tee -a "$log"
aarch64_status=${PIPESTATUS[0]}
set -e
# One closing line over all test binaries, both architectures (the last
# binary alone may be doc-tests with nothing to run).
passed=$(grep -Eo '^test result: .* ([0-9]+) passed' "$log" | grep -Eo '[0-9]+ passed' | awk '{s+=$1} END {print s+0}')
failed=$(grep -Eo '^test result: .* ([0-9]+) failed' "$log" | grep -Eo '[0-9]+ failed' | awk '{s+=$1} END {print s+0}')
if [ "$aarch64_status" != 0 ]; then
  echo "aarch64 run failed (exit $aarch64_status)"
fi
echo "tests: $passed passed, $failed failed"
if [ "$status" != 0 ]; then exit "$status"; fi
exit "$aarch64_status"
