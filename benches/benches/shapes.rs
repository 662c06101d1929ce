//! Compile cost per byte of adversarial shapes (issue 3, item 9): each
//! shape of `gasket_harness::shapes` and three contract-like references
//! (token and workloads from `contracts/build.sh`, the synthetic 160 KB
//! module) are prepared and compiled; the table gives the median time over
//! 5 runs, the time per KB of the original module, and the ratio to the
//! references' median per-KB time (what real code costs). Target: no
//! shape above 3x.
//!
//! `cargo bench -p gasket-benches --bench shapes` (a plain timing loop,
//! not criterion: the point is the table, and the shapes take up to a
//! second each).

use std::time::{Duration, Instant};

use gasket_benches::{read_contract, roomy_config, synthetic_module};

// The harness's own file, not the crate: depending on gasket-harness would
// unify its wasmi features (portable-dispatch, for unoptimised tests) into
// the compare bench's wasmi and slow it down.
#[path = "../../harness/src/shapes.rs"]
#[allow(dead_code)]
mod shapes;
use gasket_metering::{Permissive, prepare_with_policy};
use gasket_vm::{Engine, EngineConfig};

const RUNS: usize = 5;

fn median_compile(engine: &Engine, wasm: &[u8]) -> Duration {
    let config = roomy_config();
    let mut times: Vec<Duration> = (0..=RUNS)
        .map(|_| {
            let start = Instant::now();
            let prepared = prepare_with_policy(wasm, &config, &Permissive).expect("prepare");
            engine.compile(&prepared).expect("compile");
            start.elapsed()
        })
        .skip(1) // warm-up
        .collect();
    times.sort();
    times[RUNS / 2]
}

fn main() {
    // `cargo bench` passes `--bench`; a filter is not supported.
    let engine = Engine::new(EngineConfig::default()).expect("host target");
    let mut inputs: Vec<(String, Vec<u8>, bool)> = shapes::all()
        .into_iter()
        .map(|s| {
            (
                s.name.to_string(),
                wat::parse_str(&s.wat).expect("wat"),
                true,
            )
        })
        .collect();
    for name in ["token", "workloads"] {
        inputs.push((format!("{name} (contract)"), read_contract(name), false));
    }
    inputs.push((
        "synthetic 160 KB (reference)".into(),
        synthetic_module(160_000),
        false,
    ));

    let measured: Vec<(String, usize, Duration, f64, bool)> = inputs
        .into_iter()
        .map(|(name, wasm, adversarial)| {
            let time = median_compile(&engine, &wasm);
            let per_kb = time.as_secs_f64() * 1e6 / (wasm.len() as f64 / 1024.0);
            (name, wasm.len(), time, per_kb, adversarial)
        })
        .collect();
    // The bar is what real code costs: the references' median, so that
    // adding shapes (cheap ones pulled the median of every row down by
    // half) does not move it.
    let mut per_kb: Vec<f64> = measured.iter().filter(|m| !m.4).map(|m| m.3).collect();
    per_kb.sort_by(f64::total_cmp);
    let median = per_kb[per_kb.len() / 2];

    println!("| module | bytes | compile (median of {RUNS}) | µs per KB | x references |");
    println!("|---|---:|---:|---:|---:|");
    let mut worst: f64 = 0.0;
    for (name, bytes, time, per_kb, adversarial) in &measured {
        let ratio = per_kb / median;
        if *adversarial {
            worst = worst.max(ratio);
        }
        println!("| {name} | {bytes} | {time:.2?} | {per_kb:.0} | {ratio:.2}x |");
    }
    println!(
        "\nreferences' median {median:.0} µs/KB; worst adversarial shape {worst:.2}x it (target ≤ 3x): {}",
        if worst <= 3.0 { "met" } else { "NOT met" }
    );
}
