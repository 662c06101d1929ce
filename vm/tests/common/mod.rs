//! Shared helpers of the vm integration tests: prepare a module with the
//! default config (Permissive policy), compile, instantiate, call, and
//! classify the outcome like `gasket-metering`'s wasmi runner does.
#![allow(dead_code)]

use gasket_metering::{Config, Permissive, Prepared, prepare_with_policy};
use gasket_vm::{Engine, EngineConfig, Imports, Instance, Module, Trap, TrapKind, Value};

pub const GAS_LIMIT: u64 = 1_000_000_000;

pub fn prepare(wat: &str) -> Prepared {
    let wasm = wat::parse_str(wat).expect("wat parses");
    prepare_with_policy(&wasm, &Config::default(), &Permissive).expect("prepare")
}

pub fn compile(prepared: &Prepared) -> Module {
    Engine::new(EngineConfig::default())
        .unwrap()
        .compile(prepared)
        .expect("compile")
}

/// How a call ended, with gas used as the golden vectors count it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub outcome: Result<Vec<i64>, Trap>,
    pub gas_used: u64,
}

/// Runs `export(args)` on a fresh instance with `GAS_LIMIT`; `i32`
/// arguments are truncated from `i64` per the export's signature.
pub fn run(module: &Module, export: &str, args: &[i64]) -> Run {
    let mut instance = Instance::new(module, Imports::new(), GAS_LIMIT).expect("instantiate");
    let info = module.info();
    let index = info.export(export).expect("export").index;
    let sig = info.func_sig(index).unwrap();
    let args: Vec<Value> = sig
        .params
        .iter()
        .zip(args)
        .map(|(ty, &a)| match ty {
            gasket_metering::ValType::I32 => Value::I32(a as i32),
            gasket_metering::ValType::I64 => Value::I64(a),
        })
        .collect();
    let outcome = instance
        .call(export, &args)
        .map(|vs| vs.into_iter().map(Value::as_i64).collect());
    let left = instance.gas_left();
    if outcome.is_ok() {
        assert_eq!(instance.stack_height(), 0, "stack height not back to 0");
    }
    let gas_used = if outcome == Err(Trap::Wasm(TrapKind::OutOfGas)) {
        assert_eq!(left, -1, "out of gas without the sentinel");
        GAS_LIMIT
    } else {
        assert!((0..=GAS_LIMIT as i64).contains(&left), "gas left {left}");
        GAS_LIMIT - left as u64
    };
    if outcome == Err(Trap::Wasm(TrapKind::StackOverflow)) {
        assert_eq!(
            instance.stack_height(),
            -1,
            "stack overflow without the sentinel"
        );
    }
    Run { outcome, gas_used }
}
