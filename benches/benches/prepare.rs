//! Prepare throughput from about 10 KB to 10 MB: MB/s, and whether time per
//! byte stays flat (linear work).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use gasket_benches::{roomy_config, synthetic_module};
use gasket_metering::{Permissive, prepare_with_policy};

fn prepare_throughput(c: &mut Criterion) {
    let config = roomy_config();
    let mut group = c.benchmark_group("prepare");
    for size in [10_000usize, 100_000, 1_000_000, 10_000_000] {
        let wasm = synthetic_module(size);
        group.throughput(Throughput::Bytes(wasm.len() as u64));
        if size >= 1_000_000 {
            group.sample_size(10);
        }
        group.bench_with_input(BenchmarkId::from_parameter(wasm.len()), &wasm, |b, wasm| {
            b.iter(|| prepare_with_policy(wasm, &config, &Permissive).expect("prepare"))
        });
    }
    group.finish();
}

criterion_group!(benches, prepare_throughput);
criterion_main!(benches);
