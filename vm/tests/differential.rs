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
        let (total, with_calls) = compare_seeds(&engine, seeds);
        eprintln!("differential: {seeds} seeds, {with_calls} modules with a call, {total:?}");
        check_floors(seeds, total.calls, with_calls);
    });
}

/// The differential check on seeds `0..seeds`: the sum of the
/// comparisons and how many modules made at least one call.
fn compare_seeds(engine: &gasket_vm::Engine, seeds: u64) -> (differential::Compared, u64) {
    let mut total = differential::Compared::default();
    let mut with_calls = 0;
    for seed in 0..seeds {
        let compared = differential::seed(engine, seed);
        with_calls += u64::from(compared.calls > 0);
        total += compared;
    }
    (total, with_calls)
}

/// Every module has a function (`differential::smith_config`); most must
/// get to call one (the others trap in their start function or a segment).
/// Floors per 100 seeds, with margin below what the generator gives: on
/// 2,000 seeds 3,210 calls and 1,630 modules with a call (81 %); on the
/// 75 of the baseline and slots tests under qemu (`GASKET_DIFF_SEEDS=300`,
/// divided by 4) 107 and 58 (77 %). Before `min_types` was set, 2,000
/// seeds gave 1,598 calls and 797 modules with a call (a seed without a
/// function has nothing to call).
fn check_floors(seeds: u64, calls: usize, with_calls: u64) {
    assert!(
        calls as u64 > seeds * CALLS_PER_100_SEEDS / 100,
        "only {calls} calls compared on {seeds} seeds"
    );
    assert!(
        with_calls > seeds * MODULES_WITH_CALLS_PER_100_SEEDS / 100,
        "only {with_calls} of {seeds} modules made a call"
    );
}

/// The differential check of another engine configuration on a quarter
/// of the seeds, with the same floors.
fn a_quarter_of_the_seeds_agree(engine: fn() -> gasket_vm::Engine) {
    let seeds = seeds("GASKET_DIFF_SEEDS", 2000) / 4;
    differential::with_big_stack(move || {
        let (total, with_calls) = compare_seeds(&engine(), seeds);
        check_floors(seeds, total.calls, with_calls);
    });
}

const CALLS_PER_100_SEEDS: u64 = 110;
const MODULES_WITH_CALLS_PER_100_SEEDS: u64 = 65;

/// The single-pass allocator without optimisation
/// (`EngineConfig::baseline`) on fewer seeds: gas and outcomes come from
/// the CLIF, which the allocator does not change.
#[test]
fn baseline_agrees_with_wasmi() {
    a_quarter_of_the_seeds_agree(differential::baseline_engine);
}

/// The code with the CPU's extensions (`CpuFeatures::Host`, what a node
/// that opts in runs on an x86-64-v3 CPU) on fewer seeds: other
/// instructions for the same integer operators.
#[test]
#[cfg(target_arch = "x86_64")]
fn host_cpu_code_agrees_with_wasmi() {
    a_quarter_of_the_seeds_agree(differential::host_cpu_engine);
}

/// Every function's values in frame cells (`EngineConfig::values_in_slots`,
/// what a frame over its share of native stack is compiled with) on fewer
/// seeds: the same CLIF semantics through loads and stores.
#[test]
fn values_in_slots_agree_with_wasmi() {
    a_quarter_of_the_seeds_agree(differential::slots_engine);
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

/// The per-KiB rounding of bulk memory and table operators
/// (`$charge_bytes` and its intrinsic) at the lengths where it matters:
/// 0, one gas or less, just below, at and above a whole KiB, out of bounds,
/// and near 4 GiB. wasm-smith seldom hits these exact lengths.
#[test]
fn per_kib_charges_agree_with_wasmi_at_rounding_edges() {
    let lengths: [u32; 12] = [
        0,
        1,
        10,
        11,
        42,
        43,
        1023,
        1024,
        1025,
        65_536,
        65_537,
        u32::MAX,
    ];
    let mut exports = String::new();
    for len in lengths {
        let len = len as i32;
        exports.push_str(&format!(
            r#"
  (func (export "copy_{len}") (memory.copy (i32.const 0) (i32.const 0) (i32.const {len})))
  (func (export "fill_{len}") (memory.fill (i32.const 0) (i32.const 7) (i32.const {len})))
  (func (export "init_{len}") (memory.init $d (i32.const 0) (i32.const 0) (i32.const {len})))
  (func (export "tcopy_{len}") (table.copy (i32.const 0) (i32.const 0) (i32.const {len})))
  (func (export "tinit_{len}") (table.init $e (i32.const 0) (i32.const 0) (i32.const {len})))"#
        ));
    }
    // 65,536 bytes of passive data, 64 table entries and 43 elements, so
    // small lengths succeed and large ones trap (charged first either way).
    let wat = format!(
        r#"(module
  (memory 1)
  (table 64 funcref)
  (func $f)
  (data $d "{data}")
  (elem $e func {elems}){exports})"#,
        data = "\\00".repeat(65_536),
        elems = "$f ".repeat(43),
    );
    let wasm = wat::parse_str(&wat).expect("valid wat");
    differential::with_big_stack(move || {
        let engine = differential::engine();
        let compared = differential::compare_module(&engine, &wasm, 0, "per-KiB edges");
        assert_eq!(compared.calls, 5 * lengths.len());
    });
}
