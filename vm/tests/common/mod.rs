//! Shared helpers of the vm integration tests: prepare a module with the
//! default config (Permissive policy), compile, instantiate, call, and
//! classify the outcome like `gasket-metering`'s wasmi runner does.
#![allow(dead_code)]

use std::path::Path;

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

// The golden vectors of `gasket-metering`, shared by golden.rs and cache.rs.

pub fn metering_golden() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../metering/tests/golden")
}

/// The text modules of the metering golden vectors.
pub const GOLDEN_WAT: [&str; 5] = [
    "fib.wat",
    "hash_loop.wat",
    "memory.wat",
    "recursion.wat",
    "switch.wat",
];

/// Prepares and compiles golden module `name` with `engine`.
pub fn compile_golden(engine: &gasket_vm::Engine, name: &str) -> gasket_vm::Module {
    let wat = std::fs::read_to_string(metering_golden().join("modules").join(name)).unwrap();
    engine.compile(&prepare(&wat)).unwrap()
}

/// wasmi's trap names in vectors.txt → ours.
pub fn wasmi_kind(name: &str) -> TrapKind {
    match name {
        "OutOfGas" => TrapKind::OutOfGas,
        "StackOverflow" => TrapKind::StackOverflow,
        "Unreachable" => TrapKind::Unreachable,
        "Other(\"IntegerDivisionByZero\")" => TrapKind::IntegerDivideByZero,
        "Other(\"IntegerOverflow\")" => TrapKind::IntegerOverflow,
        "Other(\"MemoryOutOfBounds\")" => TrapKind::MemoryOutOfBounds,
        "Other(\"TableOutOfBounds\")" => TrapKind::TableOutOfBounds,
        "Other(\"IndirectCallToNull\")" => TrapKind::IndirectCallToNull,
        "Other(\"BadSignature\")" => TrapKind::IndirectCallSignatureMismatch,
        other => panic!("unknown trap in vectors.txt: {other}"),
    }
}

pub struct Expected {
    pub module: String,
    pub export: String,
    pub args: Vec<i64>,
    pub outcome: Result<Vec<i64>, Trap>,
    pub gas: u64,
}

pub fn parse_vectors() -> Vec<Expected> {
    let text = std::fs::read_to_string(metering_golden().join("vectors.txt")).unwrap();
    let mut module = String::new();
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') {
            continue;
        }
        if !line.starts_with(' ') {
            module = line.to_string();
            continue;
        }
        let line = line.trim();
        if line.starts_with("code ") || line.starts_with("instrumented ") {
            continue;
        }
        // e.g. `fib [20] -> Returned([6765]), gas 733321`
        let (call, rest) = line.split_once(" -> ").unwrap();
        let (export, args) = call.split_once(' ').unwrap();
        let args: Vec<i64> = args
            .trim_matches(['[', ']'])
            .split(", ")
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().unwrap())
            .collect();
        let (outcome, gas) = rest.rsplit_once(", gas ").unwrap();
        let outcome = if let Some(values) = outcome.strip_prefix("Returned([") {
            Ok(values
                .trim_end_matches("])")
                .split(", ")
                .filter(|s| !s.is_empty())
                .map(|s| s.parse().unwrap())
                .collect())
        } else {
            let kind = outcome
                .strip_prefix("Trap(")
                .and_then(|s| s.strip_suffix(')'))
                .unwrap();
            Err(Trap::Wasm(wasmi_kind(kind)))
        };
        out.push(Expected {
            module: module.clone(),
            export: export.to_string(),
            args,
            outcome,
            gas: gas.parse().unwrap(),
        });
    }
    out
}

/// The differential tests' wasm-smith module for `seed`: the subset, no
/// imports, every function exported.
pub fn smith_module(seed: u64) -> Vec<u8> {
    gasket_harness::smith::module_from_seed(gasket_harness::differential::smith_config(), seed)
}

/// The differential tests' arguments for an export with `params`.
pub fn args_for(seed: u64, params: &[gasket_metering::ValType]) -> Vec<i64> {
    gasket_harness::differential::args_for(seed, params.len())
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

/// Runs every golden vector of `name` on `module`.
pub fn check_vectors(name: &str, module: &Module) {
    check_vectors_labelled(name, module, "");
}

/// [`check_vectors`], a failure naming `label` too (the engine's config).
pub fn check_vectors_labelled(name: &str, module: &Module, label: &str) {
    let vectors: Vec<_> = parse_vectors()
        .into_iter()
        .filter(|v| v.module == name)
        .collect();
    assert!(!vectors.is_empty(), "no vectors for {name}");
    for v in vectors {
        let run = run(module, &v.export, &v.args);
        assert_eq!(
            (&run.outcome, run.gas_used),
            (&v.outcome, v.gas),
            "{name}: {} {:?} {label}",
            v.export,
            v.args
        );
    }
}
