#!/usr/bin/env bash
# Runs the gasket-vm tests for aarch64 under qemu-user (not yet part of
# scripts/test.sh / CI). Installs what it needs when missing (Debian).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v qemu-aarch64 >/dev/null || ! command -v aarch64-linux-gnu-gcc >/dev/null; then
    apt-get update
    apt-get install -y gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
fi
rustup target list --installed | grep -q aarch64-unknown-linux-gnu \
    || rustup target add aarch64-unknown-linux-gnu
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64 -L /usr/aarch64-linux-gnu"
export CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc
# Emulation is slow: fewer differential seeds than on the host.
export GASKET_DIFF_SEEDS="${GASKET_DIFF_SEEDS:-300}"
exec cargo test -p gasket-vm --target aarch64-unknown-linux-gnu "$@"
