//! What rustc emits today for real contracts (built by `contracts/build.sh`,
//! which the test command runs first) passes the gate under the contract ABI;
//! the float contract is rejected for its floats.
#![allow(missing_docs)]

use std::path::PathBuf;

use gasket_metering::{Config, ErrorKind, FEATURES, Feature, prepare};

fn contract(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../contracts/target/wasm/{name}.wasm"));
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; build the contracts with contracts/build.sh",
            path.display()
        )
    })
}

#[test]
fn example_contracts_are_accepted_and_instrumented() {
    for name in [
        "counter",
        "token",
        "probe",
        "registry",
        "escrow",
        "cpu_loop",
        "memory_bomb",
        "deep_recursion",
        "host_abuse",
    ] {
        let wasm = contract(name);
        let prepared = prepare(&wasm, &Config::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        wasmparser::Validator::new_with_features(FEATURES)
            .validate_all(&prepared.wasm)
            .unwrap_or_else(|e| panic!("{name}: instrumented module invalid: {e}"));
        assert!(prepared.info.export("memory").is_some(), "{name}");
        assert_eq!(
            prepare(&wasm, &Config::default()).unwrap(),
            prepared,
            "{name}: not reproducible"
        );
    }
}

#[test]
fn float_contract_is_rejected_naming_function_and_offset() {
    let wasm = contract("floaty");
    let err = prepare(&wasm, &Config::default()).unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::Unsupported {
                feature: Feature::Float,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.function().is_some(), "{err}");
    assert!(
        err.to_string().contains(" in function ") && err.to_string().contains(" at offset 0x"),
        "{err}"
    );
}
