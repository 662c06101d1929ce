#!/usr/bin/env bash
# The README's main job: `gasket demo` builds the example contracts for
# wasm32, starts a fresh devnet in a temporary home, deploys token and
# escrow, makes transfers and prints every receipt with its gas.
#
# The dev profile is used: dependencies (Cranelift, redb) are built with
# opt-level 2 there already (root Cargo.toml), so a release build would only
# cost a second full compile for no visible gain in a demo.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo run -q -p gasket-devnet --bin gasket -- demo "$@"
echo
echo "== A float contract is rejected at deploy"
if cargo run -q -p gasket-devnet --bin gasket -- inspect contracts/target/wasm/floaty.wasm; then
  echo "floaty was accepted: that is a bug" >&2
  exit 1
fi
echo
echo "== Metered execution outside a chain (gasket run)"
for call in "fib.wat fib 25" "hash_loop.wat hash 100000" "recursion.wat down 1000000"; do
  set -- $call
  echo "-- $1 $2($3)"
  # Exit 2 is a run that trapped (recursion.wat hits the stack limit): shown, not an error.
  status=0
  cargo run -q -p gasket-devnet --bin gasket -- run "metering/tests/golden/modules/$1" --invoke "$2" --args "$3" --gas 10000000000 || status=$?
  [[ $status -eq 0 || $status -eq 2 ]] || exit "$status"
done
