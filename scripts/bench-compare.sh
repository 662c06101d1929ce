#!/usr/bin/env bash
# Gasket side by side with wasmtime 48 and wasmi 2 (issues 3 and 4): builds
# the contracts and workloads, runs the `compare` criterion bench, and prints
# the ratio tables with the machine, date and command, ready for
# benches/README.md. Takes about 10 minutes per pass on 2 cores after a
# first build of wasmtime (about 6 minutes more).
#
# GASKET_COMPARE_PASSES=N (default 1) runs the bench N times and reports
# the median of the passes' ratios, with each pass's geometric means: on a
# shared machine single rows move by tens of percent between passes.
#
# Usage: scripts/bench-compare.sh [criterion filter]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PASSES="${GASKET_COMPARE_PASSES:-1}"
if ! [[ "$PASSES" =~ ^[1-9][0-9]*$ ]]; then
  echo "bench-compare: GASKET_COMPARE_PASSES must be a positive integer, not '$PASSES'" >&2
  exit 2
fi
GASKET_CHECK_WASM=0 contracts/build.sh >/dev/null
# Each pass writes its own criterion directory (CRITERION_HOME), so no
# pass reads another's results or an older, filtered run's.
PASS_ROOT="$ROOT/target/compare-passes"
rm -rf "$PASS_ROOT"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
DIRS=()
for pass in $(seq 1 "$PASSES"); do
  echo "bench-compare: pass $pass of $PASSES" >&2
  CRITERION_HOME="$PASS_ROOT/$pass" cargo bench -p gasket-benches --features compare --bench compare -- "$@"
  DIRS+=("$PASS_ROOT/$pass")
done
echo
echo "## Side by side: $(date -u +%Y-%m-%d), $(uname -m), $(nproc) cores, $(rustc -V | cut -d' ' -f1-2)"
echo
echo "Load average before the bench: $LOAD_BEFORE; before the report: $(cut -d' ' -f1-3 /proc/loadavg). Command: \`${GASKET_COMPARE_PASSES:+GASKET_COMPARE_PASSES=$PASSES }scripts/bench-compare.sh${*:+ $*}\`."
cargo run -q --release -p gasket-benches --features compare --bin compare-report -- "${DIRS[@]}"
