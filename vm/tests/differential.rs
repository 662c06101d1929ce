//! Differential execution: wasm-smith modules of the subset, prepared once,
//! run in Gasket and in wasmi on the same instrumented bytes. Results, trap
//! kinds, gas used, exported globals and a memory digest must agree
//! (`gasket_harness::differential`, also the body of the `differential`
//! fuzz target).
//!
//! `GASKET_DIFF_SEEDS=N` runs more seeds (default 2,000).
#![allow(missing_docs)]

use gasket_harness::differential;

#[test]
fn gasket_agrees_with_wasmi() {
    let seeds: u64 = std::env::var("GASKET_DIFF_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000);
    differential::with_big_stack(move || {
        let engine = differential::engine();
        let (mut calls, mut rejected) = (0, 0);
        for seed in 0..seeds {
            let compared = differential::seed(&engine, seed);
            calls += compared.calls;
            rejected += compared.rejected;
        }
        assert!(calls > seeds as usize / 4, "only {calls} calls compared");
        eprintln!("differential: {seeds} seeds, {calls} calls compared, {rejected} rejected");
    });
}
