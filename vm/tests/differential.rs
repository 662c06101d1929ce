//! Differential execution: wasm-smith modules of the subset, prepared once,
//! run in Gasket and in wasmi (`gasket-harness`'s oracle) on the same
//! instrumented bytes. Results, trap kinds and gas used must agree.
//!
//! `GASKET_DIFF_SEEDS=N` runs more seeds (default 2,000).
#![allow(missing_docs)]

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};

use gasket_harness::wasmi_oracle;
use gasket_metering::{Config, ExportKind, Permissive, prepare_with_policy};
use gasket_vm::{
    Engine, EngineConfig, Imports, Instance, InstantiationError, Trap, TrapKind, Value,
};

const GAS: u64 = 200_000;

fn expected_kind(kind: &wasmi_oracle::TrapKind) -> Option<TrapKind> {
    use wasmi_oracle::TrapKind as W;
    Some(match kind {
        W::OutOfGas => TrapKind::OutOfGas,
        W::StackOverflow => TrapKind::StackOverflow,
        W::Unreachable => TrapKind::Unreachable,
        W::Other(name) => match name.as_str() {
            "IntegerDivisionByZero" => TrapKind::IntegerDivideByZero,
            "IntegerOverflow" => TrapKind::IntegerOverflow,
            "MemoryOutOfBounds" => TrapKind::MemoryOutOfBounds,
            "TableOutOfBounds" => TrapKind::TableOutOfBounds,
            "IndirectCallToNull" => TrapKind::IndirectCallToNull,
            "BadSignature" => TrapKind::IndirectCallSignatureMismatch,
            _ => return None,
        },
    })
}

fn check_seed(engine: &Engine, seed: u64) -> usize {
    let wasm = common::smith_module(seed);
    let prepared = match prepare_with_policy(&wasm, &Config::default(), &Permissive) {
        Ok(p) => p,
        Err(e) => {
            if std::env::var_os("GASKET_DIFF_VERBOSE").is_some() {
                eprintln!("seed {seed}: rejected: {e}");
            }
            return 0;
        }
    };
    let module = engine
        .compile(&prepared)
        .unwrap_or_else(|e| panic!("seed {seed}: compile failed: {e}"));
    let info = module.info();
    let mut calls = 0;
    for export in info.exports.iter().filter(|e| e.kind == ExportKind::Func) {
        if export.name.starts_with("__gasket") {
            continue;
        }
        let sig = info.func_sig(export.index).unwrap().clone();
        let args = common::args_for(seed, &sig.params);
        // The oracle panics when wasmi cannot instantiate; keep that quiet.
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let oracle = catch_unwind(AssertUnwindSafe(|| {
            wasmi_oracle::run(&prepared, &export.name, &args, GAS)
        }));
        std::panic::set_hook(hook);
        let gasket = Instance::new(&module, Imports::new(), GAS);
        let Ok(oracle) = oracle else {
            // wasmi failed to instantiate (a segment out of bounds).
            assert!(
                matches!(gasket, Err(InstantiationError::Segment(_))),
                "seed {seed}: wasmi could not instantiate, gasket: {gasket:?}"
            );
            return calls;
        };
        let mut instance = match gasket {
            Ok(i) => i,
            Err(InstantiationError::Start(Trap::Wasm(kind))) => {
                let wasmi_oracle::Outcome::Trap(expected) = &oracle.outcome else {
                    panic!("seed {seed}: start trapped with {kind:?}, wasmi: {oracle:?}");
                };
                assert_eq!(Some(kind), expected_kind(expected), "seed {seed}: start");
                return calls;
            }
            Err(e) => panic!("seed {seed}: instantiation failed: {e}, wasmi: {oracle:?}"),
        };
        let values = common::values(&sig.params, &args);
        let out = instance.call(&export.name, &values);
        let left = instance.gas_left();
        let gas_used = if left == -1 { GAS } else { GAS - left as u64 };
        let ctx = format!("seed {seed}, export {:?}, args {args:?}", export.name);
        match (&oracle.outcome, out) {
            (wasmi_oracle::Outcome::Returned(expected), Ok(got)) => {
                let got: Vec<i64> = got.into_iter().map(Value::as_i64).collect();
                assert_eq!(&got, expected, "{ctx}");
            }
            (wasmi_oracle::Outcome::Trap(expected), Err(Trap::Wasm(kind))) => {
                assert_eq!(Some(kind), expected_kind(expected), "{ctx}");
            }
            (expected, got) => panic!("{ctx}: wasmi {expected:?}, gasket {got:?}"),
        }
        assert_eq!(gas_used, oracle.gas_used, "{ctx}: gas used");
        calls += 1;
    }
    calls
}

#[test]
fn gasket_agrees_with_wasmi() {
    let seeds: u64 = std::env::var("GASKET_DIFF_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000);
    // Deep recursion needs native stack: run on a thread with plenty.
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || {
            let engine = Engine::new(EngineConfig {
                native_stack_bytes: 128 << 20,
                ..EngineConfig::default()
            })
            .unwrap();
            let mut calls = 0;
            for seed in 0..seeds {
                calls += check_seed(&engine, seed);
            }
            assert!(calls > seeds as usize / 4, "only {calls} calls compared");
            eprintln!("differential: {seeds} seeds, {calls} calls compared");
        })
        .unwrap()
        .join()
        .unwrap_or_else(|p| std::panic::resume_unwind(p));
}
