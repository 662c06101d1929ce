//! Gasket side by side with wasmtime 48 (fuel on, fuel on without signals,
//! fuel off) and wasmi 2 (fuel on), issues 3 and 4:
//!
//! - `exec/<workload>`: one call of a Rust-built workload
//!   (`contracts/bench/workloads`) on a live instance, gas or fuel refilled
//!   before each call; `exec/large_<export>`: the same for an export of
//!   the 250 KB contract of library code (`contracts/bench/large`).
//! - `call/nop`: the round trip of an export that returns its argument.
//! - `instantiate/workloads`: a new instance (and store) of a compiled
//!   module whose imports were resolved once (wasmtime's `InstancePre`).
//! - `compile/<module>`: bytes to a runnable module (Gasket: prepare +
//!   compile).
//!
//! Before measuring, every workload's result is checked to be the same on
//! every engine. `cargo bench -p gasket-benches --features compare --bench
//! compare`, then `cargo run -p gasket-benches --features compare --bin
//! compare-report` prints the ratio table for `benches/README.md`.

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use gasket_benches::compare::{Engine, EngineKind, small_store};
use gasket_benches::{read_contract, roomy_config, synthetic_module};

/// The compute workloads and their argument: each call takes about a
/// millisecond in Gasket.
pub const WORKLOADS: [(&str, i32); 5] = [
    ("fib", 25),
    ("hash", 1_000),
    ("sort", 16_384),
    ("copy", 100),
    ("host_reads", 10_000),
];

/// Exports of the large contract (`contracts/bench/large`) and their
/// argument, timed as `exec/large_<export>`.
pub const LARGE: [(&str, i32); 2] = [("ed25519", 1), ("mixed", 256)];

/// Exports of the large contract only checked to agree across engines
/// (not timed): the rest of its code.
pub const LARGE_CHECKED: [(&str, i32); 5] = [
    ("secp256k1", 5),
    ("p256", 4),
    ("p384", 4),
    ("hashes", 10),
    ("sign", 1),
];

fn compare(c: &mut Criterion) {
    let config = roomy_config();
    let workloads = read_contract("workloads");
    let large_wasm = read_contract("large");
    let store = small_store();
    let engines: Vec<Engine> = EngineKind::ALL.into_iter().map(Engine::new).collect();
    let timed = || {
        WORKLOADS
            .iter()
            .map(|&(name, arg)| (name.to_string(), name, arg, &workloads))
            .chain(
                LARGE
                    .iter()
                    .map(|&(name, arg)| (format!("large_{name}"), name, arg, &large_wasm)),
            )
    };

    // Same answers everywhere, or the comparison means nothing.
    let checked = LARGE_CHECKED
        .iter()
        .map(|&(name, arg)| (format!("large_{name}"), name, arg, &large_wasm));
    for (id, name, arg, wasm) in timed().chain(checked) {
        let results: Vec<(EngineKind, i64)> = engines
            .iter()
            .map(|engine| {
                let module = engine.compile(wasm, &config);
                let mut running = engine.instantiate(&engine.link(&module), &store);
                let export = running.export(name);
                (engine.kind(), running.call(&export, arg))
            })
            .collect();
        assert!(
            results.iter().all(|&(_, r)| r == results[0].1),
            "{id}({arg}) differs between engines: {results:?}"
        );
    }

    for (id, name, arg, wasm) in timed() {
        let mut group = c.benchmark_group(format!("exec/{id}"));
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(3));
        group.warm_up_time(Duration::from_secs(1));
        for engine in &engines {
            let module = engine.compile(wasm, &config);
            let mut running = engine.instantiate(&engine.link(&module), &store);
            let export = running.export(name);
            group.bench_function(BenchmarkId::from_parameter(engine.kind().name()), |b| {
                b.iter(|| running.call(&export, arg))
            });
        }
        group.finish();
    }

    let mut group = c.benchmark_group("call/nop");
    group.measurement_time(Duration::from_secs(2));
    group.warm_up_time(Duration::from_secs(1));
    for engine in &engines {
        let module = engine.compile(&workloads, &config);
        let mut running = engine.instantiate(&engine.link(&module), &store);
        let export = running.export("nop");
        group.bench_function(BenchmarkId::from_parameter(engine.kind().name()), |b| {
            b.iter(|| running.call(&export, 7))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("instantiate/workloads");
    group.measurement_time(Duration::from_secs(2));
    group.warm_up_time(Duration::from_secs(1));
    for engine in &engines {
        let linked = engine.link(&engine.compile(&workloads, &config));
        group.bench_function(BenchmarkId::from_parameter(engine.kind().name()), |b| {
            b.iter(|| engine.instantiate(&linked, &store))
        });
    }
    group.finish();

    // What a node pays per call for a contract it ran before: Gasket, a
    // memory hit of its compiled-code cache (code hash known) and an
    // instance; the others, an instance of a module already in memory
    // (issue 5's "memory hit + instantiation" figure).
    let mut group = c.benchmark_group("instantiate/cache-hit");
    group.measurement_time(Duration::from_secs(2));
    group.warm_up_time(Duration::from_secs(1));
    let cache = gasket_vm::Cache::new(gasket_vm::CacheConfig::default());
    let code_hash = *blake3::hash(&workloads).as_bytes();
    for engine in &engines {
        let linked = engine.link(&engine.compile(&workloads, &config));
        group.bench_function(BenchmarkId::from_parameter(engine.kind().name()), |b| {
            b.iter(
                || match engine.cached(&cache, &code_hash, &workloads, &config) {
                    Some(hit) => engine.instantiate(&engine.link(&hit), &store),
                    None => engine.instantiate(&linked, &store),
                },
            )
        });
    }
    group.finish();

    let token = read_contract("token");
    let large = synthetic_module(160_000);
    for (name, wasm) in [
        ("workloads", &workloads),
        ("token", &token),
        ("synthetic-160k", &large),
        ("large", &large_wasm),
    ] {
        let mut group = c.benchmark_group(format!("compile/{name}"));
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(if wasm.len() > 100_000 {
            8
        } else {
            3
        }));
        group.warm_up_time(Duration::from_secs(1));
        group.throughput(criterion::Throughput::Bytes(wasm.len() as u64));
        for engine in &engines {
            group.bench_function(BenchmarkId::from_parameter(engine.kind().name()), |b| {
                b.iter(|| engine.compile(wasm, &config))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, compare);
criterion_main!(benches);
