//! Token transfers per second through the devnet (`gasket_devnet::chain`):
//! the real redb chain in a temporary home, the token example contract,
//! `Chain::submit` exactly as `gasket call` and `gasket serve` use it.
//!
//! - `one_per_block_durable`: one transfer per block, each block committed
//!   with `Durability::Immediate` (fsync): what `gasket call` does.
//! - `batched_100_per_block`: 100 transfers in one block, one durable
//!   commit per block.
//!
//! Needs the contracts built (contracts/build.sh). Run:
//! `cargo bench -p gasket-devnet --bench transfers`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gasket_devnet::chain::types::TxKind;
use gasket_devnet::chain::{Chain, TxRequest, dev_address};

fn token_chain(home: &std::path::Path) -> (Chain, gasket_host_env::Address) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../contracts/target/wasm/token.wasm"
    );
    let wasm = std::fs::read(path).expect("token.wasm: run contracts/build.sh first");
    let chain = Chain::init(home, Some(0), false).unwrap();
    let code_hash = *blake3::hash(&wasm).as_bytes();
    let (_, records) = chain
        .submit(
            vec![TxRequest {
                from: dev_address("alice"),
                kind: TxKind::Deploy { code_hash },
                input: u128::MAX.to_le_bytes().to_vec(),
                gas_limit: 10_000_000,
                code: Some(wasm),
            }],
            None,
            false,
        )
        .unwrap();
    (chain, records[0].receipt.contract.expect("token deployed"))
}

fn transfer(token: gasket_host_env::Address) -> TxRequest {
    let mut input = dev_address("bob").0.to_vec();
    input.extend_from_slice(&1u128.to_le_bytes());
    TxRequest {
        from: dev_address("alice"),
        kind: TxKind::Call {
            contract: token,
            method: "transfer".into(),
        },
        input,
        gas_limit: 1_000_000,
        code: None,
    }
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("devnet_transfers");
    let home = std::env::temp_dir().join(format!("gasket-bench-{}", std::process::id()));
    let (chain, token) = token_chain(&home.join("one"));
    group.throughput(Throughput::Elements(1));
    group.bench_function("one_per_block_durable", |b| {
        b.iter(|| chain.submit(vec![transfer(token)], None, false).unwrap())
    });
    drop(chain);
    let (chain, token) = token_chain(&home.join("batched"));
    group.throughput(Throughput::Elements(100));
    group.bench_function("batched_100_per_block", |b| {
        b.iter(|| {
            let txs = (0..100).map(|_| transfer(token)).collect();
            chain.submit(txs, None, false).unwrap()
        })
    });
    group.finish();
    drop(chain);
    let _ = std::fs::remove_dir_all(&home);
}

criterion_group!(benches, bench);
criterion_main!(benches);
