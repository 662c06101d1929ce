#!/usr/bin/env bash
# The README's test command: formatting, lints, every test of the
# workspace on this machine's architecture. Installs what a fresh machine
# lacks (the wasm32 Rust target). The aarch64 run under qemu-user is its
# own command (scripts/test-vm-aarch64.sh; CI runs both): building
# Cranelift a second time for aarch64 would double this command's time.
set -euo pipefail
cd "$(dirname "$0")/.."

# The golden and expectation tests rewrite their files when GASKET_BLESS=1
# instead of checking them: a test run (CI above all) must never bless.
if [ -n "${GASKET_BLESS+set}" ]; then
  echo "error: GASKET_BLESS is set (to '${GASKET_BLESS}'); this command checks the golden files and never rewrites them." >&2
  echo "Unset it (unset GASKET_BLESS), or bless one test on its own: GASKET_BLESS=1 cargo test -p <crate> --test <test>." >&2
  exit 1
fi

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
set -e
# One closing line over all test binaries (the last binary alone may be
# doc-tests with nothing to run).
passed=$(grep -Eo '^test result: .* ([0-9]+) passed' "$log" | grep -Eo '[0-9]+ passed' | awk '{s+=$1} END {print s+0}')
failed=$(grep -Eo '^test result: .* ([0-9]+) failed' "$log" | grep -Eo '[0-9]+ failed' | awk '{s+=$1} END {print s+0}')
# On x86-64 the default code keeps to the baseline instructions; the tests
# that run CpuFeatures::Host get x86-64-v3's integer extensions only where
# the CPU has them all: on a CPU without them both codes are the
# baseline's, and the runs meant for the other code repeat it.
if [ "$(uname -m)" = x86_64 ]; then
  missing=""
  # The engine's list (cpu_reports_extensions in vm/src/engine.rs), as
  # /proc/cpuinfo names them (pni is SSE3, abm LZCNT); its lzcnt/tzcnt
  # probe is checked by a_cpu_reporting_the_extensions_gets_them.
  for flag in bmi1 bmi2 abm popcnt pni ssse3 sse4_1 sse4_2; do
    grep -qw "$flag" /proc/cpuinfo || missing="$missing $flag"
  done
  if [ -z "$missing" ]; then
    echo "x86-64 extensions: on (the baseline and the extensions' code both tested)"
  else
    echo "x86-64 extensions: off (missing:$missing; only the baseline code tested)"
  fi
fi
# The last line: what CI reads.
echo "tests: $passed passed, $failed failed"
exit "$status"
