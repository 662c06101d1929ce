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
    let args = values(&sig.params, args);
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

/// The differential tests' wasm-smith module for `seed`: the subset, no
/// imports, every function exported.
pub fn smith_module(seed: u64) -> Vec<u8> {
    let mut config = gasket_harness::smith::subset_config();
    config.max_imports = 0;
    config.export_everything = true;
    config.min_funcs = 1;
    gasket_harness::smith::module_from_seed(config, seed)
}

/// Arguments for an export with `params` in module `seed`: a mix of 0, 1,
/// -1, 7 and a near-end-of-page offset.
pub fn args_for(seed: u64, params: &[gasket_metering::ValType]) -> Vec<i64> {
    params
        .iter()
        .enumerate()
        .map(|(i, _)| match (seed + i as u64) % 5 {
            0 => 0,
            1 => 1,
            2 => -1,
            3 => 7,
            _ => 65_530,
        })
        .collect()
}

/// `args` as typed values for `params` (`i32`s truncated from `i64`).
pub fn values(params: &[gasket_metering::ValType], args: &[i64]) -> Vec<Value> {
    params
        .iter()
        .zip(args)
        .map(|(ty, &a)| match ty {
            gasket_metering::ValType::I32 => Value::I32(a as i32),
            gasket_metering::ValType::I64 => Value::I64(a),
        })
        .collect()
}
