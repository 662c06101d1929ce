//! The large contract of the engine comparison (`contracts/bench/large`,
//! 150 KB+ of Rust library code: Ed25519, secp256k1, P-256, P-384, seven
//! hashes, borsh) prepares under the default `Config` (limits included; the
//! permissive policy, since its exports are `[i32] -> [i64]` like
//! `workloads`') and its exports give the expected results on Gasket.
//!
//! Expected values: the signature exports return `accepted << 32 |
//! rejected`, and every fourth check is of a tampered message, so `n`
//! checks give `(n - n/4) << 32 | n/4`. `hashes`, `sign` and `mixed` return
//! digests computed by a native build of the contract's `logic.rs` (the
//! same source, compiled for x86-64 with the same crate versions); the
//! compare bench checks that wasmtime and wasmi agree too.

use gasket_benches::read_contract;
use gasket_metering::{Config, Permissive, prepare_with_policy};
use gasket_vm::{Engine, EngineConfig, Imports, Instance, Value};

const GAS: u64 = 1 << 40;

fn tally(n: i64) -> i64 {
    ((n - n / 4) << 32) | (n / 4)
}

#[test]
fn large_contract_prepares_and_runs() {
    let wasm = read_contract("large");
    assert!(
        wasm.len() >= 150_000,
        "large.wasm is {} bytes, under the 150 KB it stands for",
        wasm.len()
    );
    let prepared =
        prepare_with_policy(&wasm, &Config::default(), &Permissive).expect("prepare large.wasm");
    let module = Engine::new(EngineConfig::default())
        .expect("host target")
        .compile(&prepared)
        .expect("compile large.wasm");
    let mut instance = Instance::new(&module, Imports::new(), GAS).expect("instantiate");
    let cases: [(&str, i32, i64); 10] = [
        ("ed25519", 4, tally(4)),
        ("secp256k1", 5, tally(5)),
        ("p256", 4, tally(4)),
        ("p384", 4, tally(4)),
        ("hashes", 0, 0x83e0c1260764455a_u64 as i64),
        ("hashes", 10, 0x47bdfd847d97ae00),
        ("sign", 1, 0x3ae33a680),
        ("mixed", 0, 0x5bb075636abdd7cd),
        ("mixed", 100, 0x2e27715925776c9b),
        // A second call of the same instance: the allocator resets.
        ("mixed", 100, 0x2e27715925776c9b),
    ];
    for (name, arg, expected) in cases {
        instance.set_gas(GAS);
        let results = instance
            .call(name, &[Value::I32(arg)])
            .unwrap_or_else(|e| panic!("{name}({arg}): {e}"));
        assert_eq!(
            results[0].as_i64(),
            expected,
            "{name}({arg}) = {:#x}, expected {expected:#x}",
            results[0].as_i64()
        );
    }
}
