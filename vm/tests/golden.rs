//! The golden vectors of `gasket-metering` (produced by wasmi on the same
//! instrumented bytes) must be reproduced exactly: results, trap kinds and
//! gas used.
#![allow(missing_docs)]

mod common;

use common::{GOLDEN_WAT, compile_golden, metering_golden};

fn check_module(name: &str) {
    let wat = std::fs::read_to_string(metering_golden().join("modules").join(name)).unwrap();
    let prepared = common::prepare(&wat);
    let module = common::compile(&prepared);
    common::check_vectors(name, &module);
}

#[test]
fn golden_fib() {
    check_module("fib.wat");
}

#[test]
fn golden_hash_loop() {
    check_module("hash_loop.wat");
}

#[test]
fn golden_memory() {
    check_module("memory.wat");
}

#[test]
fn golden_recursion() {
    check_module("recursion.wat");
}

#[test]
fn golden_switch() {
    check_module("switch.wat");
}

#[test]
fn golden_without_optimisation() {
    // The same vectors with Cranelift's optimiser off, with the
    // single-pass allocator too (the baseline), and with every function's
    // values in frame cells.
    let unoptimised = gasket_vm::EngineConfig {
        opt_level: gasket_vm::OptLevel::None,
        ..Default::default()
    };
    let in_slots = gasket_vm::EngineConfig {
        values_in_slots: true,
        ..Default::default()
    };
    for config in [unoptimised, gasket_vm::EngineConfig::baseline(), in_slots] {
        // Room for the baseline's 4 MiB of native stack.
        std::thread::Builder::new()
            .stack_size(16 << 20)
            .spawn(move || golden_with(&gasket_vm::Engine::new(config).unwrap()))
            .unwrap()
            .join()
            .unwrap();
    }
}

fn golden_with(engine: &gasket_vm::Engine) {
    let label = format!("{:?}", engine.config());
    for name in GOLDEN_WAT {
        let module = compile_golden(engine, name);
        common::check_vectors_labelled(name, &module, &label);
    }
}

#[test]
fn rustc_contracts_compile() {
    // Real rustc output (wasm32-unknown-unknown, Rust 1.82+ encodings).
    let engine = gasket_vm::Engine::new(gasket_vm::EngineConfig::default()).unwrap();
    for name in ["counter.wasm", "token.wasm"] {
        let wasm = std::fs::read(metering_golden().join("modules").join(name)).unwrap();
        let prepared =
            gasket_metering::prepare(&wasm, &gasket_metering::Config::default()).unwrap();
        let module = engine
            .compile(&prepared)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(module.code_size() > 0);
    }
}

/// How `CompileError::Codegen` reports a caught panic of the code generator.
const CODEGEN_PANIC: &str = "the code generator panicked";

#[test]
fn malformed_input_is_an_error_not_a_panic() {
    let wat = std::fs::read_to_string(metering_golden().join("modules/fib.wat")).unwrap();
    let mut prepared = common::prepare(&wat);
    let engine = gasket_vm::Engine::new(gasket_vm::EngineConfig::default()).unwrap();
    // Cut the module at every length: never a panic. The engine catches
    // a panic of the code generator and returns it as a `Codegen` error
    // saying so (`run_job` in vm/src/engine.rs): that is the panic this
    // test is about. Other errors (an `Internal` for a cut module) pass.
    let full = prepared.wasm.clone();
    for len in 0..full.len() {
        prepared.wasm = full[..len].to_vec();
        if let Err(gasket_vm::CompileError::Codegen { func, message }) = engine.compile(&prepared) {
            assert!(
                !message.starts_with(CODEGEN_PANIC),
                "cut at {len}: function {func}: {message}"
            );
        }
    }
}

#[test]
fn out_of_subset_operator_is_an_internal_error() {
    // Only metering rejects input; a float reaching the backend is a bug
    // upstream, reported as an internal error, never a panic.
    let prepared = common::prepare(r#"(module (func (export "f") (result i32) (i32.const 7)))"#);
    let text = wasmprinter::print_bytes(&prepared.wasm).unwrap();
    assert!(text.contains("i32.const 7"));
    let text = text.replace("i32.const 7", "f32.const 7 i32.reinterpret_f32");
    let mut tampered = prepared.clone();
    tampered.wasm = wat::parse_str(&text).unwrap();
    let engine = gasket_vm::Engine::new(gasket_vm::EngineConfig::default()).unwrap();
    match engine.compile(&tampered) {
        Err(gasket_vm::CompileError::Internal { what, func, .. }) => {
            assert!(what.contains("F32Const"), "{what}");
            assert_eq!(func, 0);
        }
        other => panic!("expected an internal error, got {other:?}"),
    }
}

#[test]
fn same_modules_compile_for_aarch64() {
    // aarch64 code is generated and linked (Arm64Call relocations) here;
    // running it needs an aarch64 host or qemu-user.
    let engine = gasket_vm::Engine::new(gasket_vm::EngineConfig {
        target: gasket_vm::Target::Aarch64,
        ..Default::default()
    })
    .unwrap();
    for name in GOLDEN_WAT {
        let module = compile_golden(&engine, name);
        assert_eq!(module.target(), gasket_vm::Target::Aarch64);
        assert_eq!(module.code().len() % 4, 0);
        if gasket_vm::Target::host() != Some(gasket_vm::Target::Aarch64) {
            let err = gasket_vm::Instance::new(&module, gasket_vm::Imports::new(), 1).unwrap_err();
            assert!(matches!(
                err,
                gasket_vm::InstantiationError::WrongTarget { .. }
            ));
        }
    }
    for name in ["counter.wasm", "token.wasm"] {
        let wasm = std::fs::read(metering_golden().join("modules").join(name)).unwrap();
        let prepared =
            gasket_metering::prepare(&wasm, &gasket_metering::Config::default()).unwrap();
        engine
            .compile(&prepared)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn compilation_is_deterministic_and_position_independent() {
    // Same input, same bytes: the blob holds no absolute address (the two
    // blobs live at different addresses) and nothing depends on the run.
    let engine = gasket_vm::Engine::new(gasket_vm::EngineConfig::default()).unwrap();
    for name in ["recursion.wat", "memory.wat"] {
        let wat = std::fs::read_to_string(metering_golden().join("modules").join(name)).unwrap();
        let prepared = common::prepare(&wat);
        let a = engine.compile(&prepared).unwrap();
        let b = engine.compile(&prepared).unwrap();
        assert_ne!(a.code().as_ptr(), b.code().as_ptr());
        assert_eq!(a.code(), b.code(), "{name}");
    }
}
