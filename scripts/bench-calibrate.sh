#!/usr/bin/env bash
# Gas calibration (issue 4, "gas fidelity"): ns per gas of every cost
# class, ABI host function and workload, and a proposed schedule; prints
# the table that benches/README.md ("Gas calibration") holds. Builds the
# example contracts first when they are missing (the workloads and token
# rows need them). Extra arguments go to the bench; environment:
# GASKET_CALIBRATE_ROUNDS (default 7), GASKET_CALIBRATE_RATE (ns per gas
# of the proposal; default the workloads' median).
#
# Usage: scripts/bench-calibrate.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f contracts/target/wasm/workloads.wasm ] || [ ! -f contracts/target/wasm/token.wasm ]; then
  contracts/build.sh
fi
echo "Machine: $(uname -m), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(rustc -V | cut -d' ' -f1-2); $(date -u +%Y-%m-%d)"
cargo bench --locked -p gasket-benches --bench calibrate -- "$@"
