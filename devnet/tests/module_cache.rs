//! The compiled contracts a process keeps stay within their bound, and
//! evicting them changes how fast a block runs, never what it computes.

mod common;

use std::sync::Arc;

use gasket_devnet::chain::types::{Hash, TxKind};
use gasket_devnet::chain::{Chain, ModuleCache, TxRequest, contract_address, dev_address};
use gasket_host_env::Address;
use gasket_metering::Config;

fn code(name: &str) -> (Hash, Vec<u8>) {
    let wasm = std::fs::read(common::wasm(name)).unwrap();
    (*blake3::hash(&wasm).as_bytes(), wasm)
}

fn request(kind: TxKind, input: Vec<u8>, code: Option<Vec<u8>>) -> TxRequest {
    TxRequest {
        from: dev_address("alice"),
        kind,
        input,
        gas_limit: 10_000_000,
        code,
    }
}

fn call(contract: Address, method: &str, input: Vec<u8>) -> TxRequest {
    let method = method.into();
    request(TxKind::Call { contract, method }, input, None)
}

#[test]
fn kept_contracts_stay_within_the_bound_and_never_change_gas() {
    let _one_at_a_time = common::one_at_a_time();
    let (token_hash, token) = code("token");
    let (counter_hash, counter) = code("counter");
    // The bound fits either contract, not both.
    let unbounded = ModuleCache::bounded(Config::default(), None, u64::MAX).unwrap();
    unbounded
        .get_or_compile(&token_hash, || Ok(token.clone()))
        .unwrap();
    let token_size = unbounded.kept().1;
    unbounded
        .get_or_compile(&counter_hash, || Ok(counter.clone()))
        .unwrap();
    let bound = token_size.max(unbounded.kept().1 - token_size);
    let small = Arc::new(ModuleCache::bounded(Config::default(), None, bound).unwrap());

    let homes = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let bounded = Chain::init(homes[0].path(), Some(0), false)
        .unwrap()
        .with_modules(small.clone());
    let default = Chain::init(homes[1].path(), Some(0), false).unwrap();
    let mut blocks: Vec<Vec<TxRequest>> = vec![vec![
        request(
            TxKind::Deploy {
                code_hash: token_hash,
            },
            1_000_000u128.to_le_bytes().to_vec(),
            Some(token),
        ),
        request(
            TxKind::Deploy {
                code_hash: counter_hash,
            },
            Vec::new(),
            Some(counter),
        ),
    ]];
    let alice = dev_address("alice");
    let token = contract_address(&alice, 0, &token_hash);
    let counter = contract_address(&alice, 1, &counter_hash);
    // Each call needs the contract the one before evicted.
    for amount in 1..=4u128 {
        let to = [&dev_address("bob").0[..], &amount.to_le_bytes()].concat();
        blocks.push(vec![
            call(token, "transfer", to),
            call(counter, "increment", Vec::new()),
        ]);
    }
    for (height, requests) in blocks.into_iter().enumerate() {
        let time = Some(1000 * (height as u64 + 1));
        let (block, records) = bounded.submit(requests.clone(), time, false).unwrap();
        let (expected, expected_records) = default.submit(requests, time, false).unwrap();
        assert_eq!(records, expected_records, "block {}", height + 1);
        assert_eq!(block, expected);
        assert!(
            records
                .iter()
                .all(|r| r.receipt.status.label() == "success")
        );
        let (count, bytes) = small.kept();
        assert!(
            count <= 1 && bytes <= bound,
            "{count} contracts, {bytes} > {bound} bytes"
        );
    }
    // Evicted contracts came back from the VM's cache, not the compiler.
    assert_eq!(small.compiles(), 2);
    assert!(small.stats().hits_memory >= 8, "{:?}", small.stats());
}
