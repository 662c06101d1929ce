#!/usr/bin/env bash
# Gasket side by side with wasmtime 48 and wasmi 2 (issues 3 and 4): builds
# the contracts and workloads, runs the `compare` criterion bench, and prints
# the ratio tables with the machine, date and command, ready for
# benches/README.md. Takes about 10 minutes on 2 cores after a first build
# of wasmtime (about 6 minutes more).
#
# Usage: scripts/bench-compare.sh [criterion filter]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
GASKET_CHECK_WASM=0 contracts/build.sh >/dev/null
cargo bench -p gasket-benches --features compare --bench compare -- "$@"
echo
echo "## Side by side: $(date -u +%Y-%m-%d), $(uname -m), $(nproc) cores, $(rustc -V | cut -d' ' -f1-2)"
echo
echo "Load average before the report: $(cut -d' ' -f1-3 /proc/loadavg). Command: \`scripts/bench-compare.sh${*:+ $*}\`."
cargo run -q --release -p gasket-benches --features compare --bin compare-report -- target/criterion
