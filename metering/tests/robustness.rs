//! Hostile and random input: never a panic; every accepted module's output
//! validates and is reproducible; float modules are rejected.
//!
//! `prepare` catches its own panics and returns `ErrorKind::Internal`, so
//! "never a panic" means "never an internal error": each test checks the
//! error (`gasket_harness::panic_if_internal`) instead of discarding it.
#![allow(missing_docs)]

use gasket_harness::panic_if_internal;
use gasket_metering::{Config, ErrorKind, Feature, Permissive, prepare_with_policy};
use proptest::prelude::*;
use wasm_smith::{InstructionKind, InstructionKinds};

fn smith(seed: u64, config: wasm_smith::Config) -> Vec<u8> {
    gasket_harness::smith::module_from_seed(config, seed)
}

#[test]
fn smith_modules_in_the_subset_are_accepted_validated_and_reproducible() {
    let config = Config::default();
    for seed in 0..500 {
        let wasm = smith(seed, gasket_harness::smith::subset_config());
        let prepared = prepare_with_policy(&wasm, &config, &Permissive).unwrap_or_else(|e| {
            panic!(
                "seed {seed}: {e}\n{}",
                wasmprinter::print_bytes(&wasm).unwrap_or_default()
            )
        });
        wasmparser::Validator::new_with_features(gasket_metering::FEATURES)
            .validate_all(&prepared.wasm)
            .unwrap_or_else(|e| panic!("seed {seed}: output invalid: {e}"));
        let again = prepare_with_policy(&wasm, &config, &Permissive).unwrap();
        assert_eq!(prepared, again, "seed {seed}: not reproducible");
    }
}

#[test]
fn smith_modules_with_floats_are_rejected_for_the_float() {
    let mut float_config = gasket_harness::smith::subset_config();
    float_config.allow_floats = true;
    float_config.allowed_instructions = InstructionKinds::new(&[InstructionKind::Numeric]);
    float_config.min_funcs = 1;
    let mut rejected = 0;
    for seed in 0..200 {
        let wasm = smith(seed, float_config.clone());
        let uses_floats = wasmprinter::print_bytes(&wasm).unwrap().contains("f32")
            || wasmprinter::print_bytes(&wasm).unwrap().contains("f64");
        match prepare_with_policy(&wasm, &Config::default(), &Permissive) {
            Err(err) => {
                assert!(
                    matches!(
                        err.kind(),
                        ErrorKind::Unsupported {
                            feature: Feature::Float,
                            ..
                        }
                    ),
                    "seed {seed}: {err}"
                );
                rejected += 1;
            }
            Ok(_) => assert!(
                !uses_floats,
                "seed {seed}: a module with floats was accepted"
            ),
        }
    }
    assert!(
        rejected > 100,
        "only {rejected} of 200 float modules used floats"
    );
}

fn valid_module() -> Vec<u8> {
    wat::parse_str(
        r#"(module
            (memory (export "memory") 1)
            (table 2 funcref)
            (elem (i32.const 0) $f $f)
            (global $g (mut i32) (i32.const 0))
            (data (i32.const 8) "hello")
            (func $f (param i32) (result i32)
              (block (loop (br_if 1 (i32.eqz (local.get 0)))
                (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
                (global.set $g (i32.add (global.get $g) (i32.const 1)))
                (br 0)))
              (memory.copy (i32.const 0) (i32.const 8) (i32.const 5))
              (call_indirect (param i32) (result i32) (i32.const 0) (i32.const 1)))
            (start 1)
            (func (drop (memory.grow (i32.const 1))))
        )"#,
    )
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        if let Err(e) = prepare_with_policy(&bytes, &Config::default(), &Permissive) {
            panic_if_internal(&e, "random bytes");
        }
    }

    #[test]
    fn random_bytes_after_a_valid_header_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..512)) {
        let mut bytes = b"\0asm\x01\0\0\0".to_vec();
        bytes.extend(tail);
        if let Err(e) = prepare_with_policy(&bytes, &Config::default(), &Permissive) {
            panic_if_internal(&e, "random bytes after a header");
        }
    }

    #[test]
    fn truncations_never_panic(len in 0usize..200) {
        let wasm = valid_module();
        let cut = &wasm[..len.min(wasm.len())];
        // A cut at a section boundary is a valid, smaller module.
        match prepare_with_policy(cut, &Config::default(), &Permissive) {
            Ok(prepared) => {
                wasmparser::Validator::new_with_features(gasket_metering::FEATURES)
                    .validate_all(&prepared.wasm)
                    .map_err(|e| TestCaseError::fail(format!("output invalid: {e}")))?;
            }
            Err(e) => panic_if_internal(&e, &format!("cut at {len}")),
        }
    }

    #[test]
    fn byte_flips_never_panic(index in 0usize..200, value in any::<u8>()) {
        let mut wasm = valid_module();
        let index = index % wasm.len();
        wasm[index] = value;
        match prepare_with_policy(&wasm, &Config::default(), &Permissive) {
            Ok(prepared) => {
                wasmparser::Validator::new_with_features(gasket_metering::FEATURES)
                    .validate_all(&prepared.wasm)
                    .map_err(|e| TestCaseError::fail(format!("output invalid: {e}")))?;
            }
            Err(e) => panic_if_internal(&e, &format!("byte {index} set to {value:#04x}")),
        }
    }
}
