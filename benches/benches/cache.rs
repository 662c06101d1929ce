//! The compiled-code cache (issue 5): memory hit, disk hit and a full
//! compile (prepare + compile), plus memory hit + instantiation, for a small
//! contract (token, built by `contracts/build.sh`) and a large module.
//!
//! No real contract is 150 KB+ yet, so the large module is the benches'
//! deterministic synthetic contract-like module
//! (`gasket_benches::synthetic_module`, wasm-encoder) of about 160 KB.
//!
//! `cargo bench -p gasket-benches --bench cache`; ratios in
//! `benches/README.md`.

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use gasket_benches::{read_contract, roomy_config, synthetic_module};
use gasket_metering::Config;
use gasket_vm::{Cache, CacheConfig, DiskConfig, Engine, EngineConfig, Imports, Instance, Module};

const POLICY: &[u8] = b"contract abi";
const MIB: u64 = 1024 * 1024;

fn compile_cached(engine: &Engine, cache: &Cache, wasm: &[u8], config: &Config) -> Module {
    engine
        .compile_cached(cache, wasm, config, POLICY, gasket_metering::prepare)
        .expect("compile")
}

/// Every imported function routed to the host of a call (never called
/// here): what an embedder supplies at instantiation.
fn imports(module: &Module) -> Imports {
    let mut imports = Imports::new();
    for (id, import) in module.info().imports.iter().enumerate() {
        imports.dispatch(&import.module, &import.name, id as u32);
    }
    imports
}

fn cache(c: &mut Criterion) {
    let config = roomy_config();
    let engine = Engine::new(EngineConfig::default()).unwrap();
    let token = read_contract("token");
    let large = synthetic_module(160_000);
    let dir: PathBuf =
        std::env::temp_dir().join(format!("gasket-cache-bench-{}", std::process::id()));
    for (name, wasm) in [("token", &token), ("large", &large)] {
        let mut group = c.benchmark_group(format!("cache/{name} ({} bytes)", wasm.len()));
        group.sample_size(if name == "large" { 10 } else { 30 });
        group.bench_function("compile (prepare + compile)", |b| {
            b.iter(|| {
                let prepared = gasket_metering::prepare(wasm, &config).unwrap();
                engine.compile(&prepared).unwrap()
            })
        });
        // Disk only: a memory level of 0 bytes holds nothing.
        let disk = Cache::new(CacheConfig {
            memory_bytes: 0,
            disk: Some(DiskConfig {
                dir: dir.clone(),
                max_bytes: 256 * MIB,
            }),
        });
        compile_cached(&engine, &disk, wasm, &config);
        group.bench_function("disk hit", |b| {
            b.iter(|| compile_cached(&engine, &disk, wasm, &config))
        });
        assert_eq!(disk.stats().misses, 1, "disk level missed");
        let memory = Cache::new(CacheConfig::default());
        compile_cached(&engine, &memory, wasm, &config);
        group.bench_function("memory hit", |b| {
            b.iter(|| compile_cached(&engine, &memory, wasm, &config))
        });
        let code_hash = *blake3::hash(wasm).as_bytes();
        group.bench_function("memory hit, known code hash", |b| {
            b.iter(|| {
                engine
                    .compile_cached_with_hash(
                        &memory,
                        &code_hash,
                        wasm,
                        &config,
                        POLICY,
                        gasket_metering::prepare,
                    )
                    .unwrap()
            })
        });
        group.bench_function("memory hit + instantiation", |b| {
            b.iter(|| {
                let module = compile_cached(&engine, &memory, wasm, &config);
                Instance::new_unstarted(&module, imports(&module)).unwrap()
            })
        });
        group.finish();
    }
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, cache);
criterion_main!(benches);
