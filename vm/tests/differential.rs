//! Differential execution: wasm-smith modules of the subset, prepared once,
//! run in Gasket and in wasmi on the same instrumented bytes. Results, trap
//! kinds, gas used, exported globals and a memory digest must agree
//! (`gasket_harness::differential`, also the body of the `differential`
//! fuzz target).
//!
//! A subset of the seeds also checks that the module compiled cold agrees
//! with the same module loaded from the compiled-code cache's disk level
//! (`differential::compare_cache`).
//!
//! `GASKET_DIFF_SEEDS=N` runs more seeds (default 2,000);
//! `GASKET_DIFF_CACHE_SEEDS=N` more seeds through the cache (default 100).
#![allow(missing_docs)]

use gasket_harness::differential;

fn seeds(var: &str, default: u64) -> u64 {
    std::env::var(var)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

#[test]
fn gasket_agrees_with_wasmi() {
    let seeds = seeds("GASKET_DIFF_SEEDS", 2000);
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

#[test]
fn modules_from_the_cache_agree_with_cold_compiles() {
    let seeds = seeds("GASKET_DIFF_CACHE_SEEDS", 100);
    differential::with_big_stack(move || {
        let engine = differential::engine();
        for seed in 0..seeds {
            differential::seed_cache(&engine, seed);
        }
    });
}
