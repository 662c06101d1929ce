//! `cargo run -p gasket-vm --example run -- FILE EXPORT ARG [FILE EXPORT ARG]...`
//!
//! Prepares each module (`.wat` or `.wasm`, without imports), compiles it
//! with Gasket's Cranelift backend and calls one export with one integer
//! argument and a gas limit of 10^10; prints the outcome, the gas used
//! (`__gasket_start`'s charge for the instance included) and
//! the wall time of the call (node-local, not consensus data).

use std::process::ExitCode;
use std::time::Instant;

use gasket_metering::{Config, Permissive, ValType, prepare_with_policy};
use gasket_vm::{Engine, EngineConfig, Imports, Instance, Trap, TrapKind, Value};

const GAS_LIMIT: u64 = 10_000_000_000;

fn run(engine: &Engine, file: &str, export: &str, arg: i64) -> Result<String, String> {
    let wasm = wat::parse_file(file).map_err(|e| e.to_string())?;
    let prepared =
        prepare_with_policy(&wasm, &Config::default(), &Permissive).map_err(|e| e.to_string())?;
    let sig = prepared
        .info
        .export(export)
        .and_then(|e| prepared.info.func_sig(e.index))
        .ok_or_else(|| format!("no exported function {export}"))?;
    let args: Vec<Value> = sig
        .params
        .iter()
        .map(|ty| match ty {
            ValType::I32 => Value::I32(arg as i32),
            ValType::I64 => Value::I64(arg),
        })
        .collect();
    let module = engine.compile(&prepared).map_err(|e| e.to_string())?;
    // `Instance::new` runs `__gasket_start` (the instance's charge)
    // from the limit; the call goes on from what it left, as in a host.
    let mut instance =
        Instance::new(&module, Imports::new(), GAS_LIMIT).map_err(|e| e.to_string())?;
    let start = Instant::now();
    let result = instance.call(export, &args);
    let elapsed = start.elapsed();
    let (outcome, gas_used) = match result {
        Ok(values) => (
            format!("{values:?}"),
            GAS_LIMIT - instance.gas_left() as u64,
        ),
        Err(Trap::Wasm(TrapKind::OutOfGas)) => ("trap OutOfGas".to_string(), GAS_LIMIT),
        Err(trap) => (
            trap.to_string(),
            GAS_LIMIT - instance.gas_left().max(0) as u64,
        ),
    };
    Ok(format!("{outcome:>28} {gas_used:>14} {:>12.3?}", elapsed))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() || !args.len().is_multiple_of(3) {
        eprintln!("usage: run FILE EXPORT ARG [FILE EXPORT ARG]...");
        return ExitCode::from(2);
    }
    let engine = match Engine::new(EngineConfig::default()) {
        Ok(engine) => engine,
        Err(e) => {
            eprintln!("cannot create the engine: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "{:<40} {:>28} {:>14} {:>12}",
        "call", "outcome", "gas used", "time"
    );
    for call in args.chunks(3) {
        let (file, export) = (&call[0], &call[1]);
        let Ok(arg) = call[2].parse::<i64>() else {
            eprintln!("{file}: argument {:?} is not an integer", call[2]);
            return ExitCode::from(2);
        };
        let name = std::path::Path::new(file)
            .file_name()
            .unwrap_or_default()
            .to_string_lossy();
        match run(&engine, file, export, arg) {
            Ok(line) => println!("{:<40} {line}", format!("{name} {export}({arg})")),
            Err(e) => {
                eprintln!("{file}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
