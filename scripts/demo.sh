#!/usr/bin/env bash
# The README's main job, as far as the pipeline goes today: build the example
# contracts for wasm32, pass them through the metering gate and show the
# report, then run metered programs in the Cranelift VM and show the gas.
# (Deploying to a devnet comes with issues 6 and 8.)
set -euo pipefail
cd "$(dirname "$0")/.."

contracts/build.sh
echo
echo "== Preparing the contracts (gate, limits, ABI policy, gas and stack injection)"
cargo run -q --release -p gasket-metering --example inspect -- \
  contracts/target/wasm/counter.wasm contracts/target/wasm/token.wasm
echo
echo "== A float contract is rejected at deploy"
if cargo run -q --release -p gasket-metering --example inspect -- contracts/target/wasm/floaty.wasm; then
  echo "floaty was accepted: that is a bug" >&2
  exit 1
fi
echo
echo "== Metered execution in Gasket's Cranelift VM"
cargo run -q --release -p gasket-vm --example run -- \
  metering/tests/golden/modules/fib.wat fib 25 \
  metering/tests/golden/modules/hash_loop.wat hash 100000 \
  metering/tests/golden/modules/recursion.wat down 1000000
