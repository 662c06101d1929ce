//! `cargo run -p gasket-metering --example run -- FILE EXPORT ARG [FILE EXPORT ARG]...`
//!
//! Prepares each module (`.wat` or `.wasm`, any imports-free module) and
//! runs one export with one integer argument in wasmi, the reference engine
//! of the tests, with a gas limit of 10^10; prints the outcome and the gas
//! used. Until Gasket's own Cranelift VM lands, this shows what metering
//! charges.

use std::process::ExitCode;

use gasket_harness::wasmi_oracle::run;
use gasket_metering::{Config, Permissive, prepare_with_policy};

const GAS_LIMIT: u64 = 10_000_000_000;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() || !args.len().is_multiple_of(3) {
        eprintln!("usage: run FILE EXPORT ARG [FILE EXPORT ARG]...");
        return ExitCode::from(2);
    }
    println!("{:<48} {:>28} {:>14}", "call", "outcome", "gas used");
    for call in args.chunks(3) {
        let (file, export, arg) = (&call[0], &call[1], &call[2]);
        let Ok(arg) = arg.parse::<i64>() else {
            eprintln!("{file}: argument {arg:?} is not an integer");
            return ExitCode::from(2);
        };
        let wasm = match wat::parse_file(file) {
            Ok(wasm) => wasm,
            Err(e) => {
                eprintln!("{file}: {e}");
                return ExitCode::FAILURE;
            }
        };
        let prepared = match prepare_with_policy(&wasm, &Config::default(), &Permissive) {
            Ok(prepared) => prepared,
            Err(e) => {
                eprintln!("{file}: {e}");
                return ExitCode::FAILURE;
            }
        };
        let result = run(&prepared, export, &[arg], GAS_LIMIT);
        let name = std::path::Path::new(file)
            .file_name()
            .unwrap_or_default()
            .to_string_lossy();
        let outcome = format!("{:?}", result.outcome);
        println!(
            "{:<48} {outcome:>28} {:>14}",
            format!("{name} {export}({arg})"),
            result.gas_used
        );
    }
    ExitCode::SUCCESS
}
