//! `cargo run -p gasket-metering --example inspect -- FILE.wasm...`
//!
//! Prepares each contract under the contract ABI and the default config, and
//! prints a validation report: imports, exports, memory, instrumented size,
//! hashes, or the error with its kind, function and offset. Exits non-zero if
//! any file is unreadable or rejected.

use std::process::ExitCode;

use gasket_metering::{Config, ImportKind, prepare};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn main() -> ExitCode {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        eprintln!("usage: inspect FILE.wasm...");
        return ExitCode::from(2);
    }
    let config = Config::default();
    let mut failed = false;
    for file in files {
        let wasm = match std::fs::read(&file) {
            Ok(wasm) => wasm,
            Err(e) => {
                eprintln!("{file}: cannot read: {e}");
                failed = true;
                continue;
            }
        };
        println!("{file}");
        match prepare(&wasm, &config) {
            Ok(prepared) => {
                let info = &prepared.info;
                let functions: Vec<&str> = info
                    .imports
                    .iter()
                    .filter(|i| matches!(i.kind, ImportKind::Func(_)))
                    .map(|i| i.name.as_str())
                    .collect();
                let methods: Vec<&str> = info
                    .exports
                    .iter()
                    .filter(|e| {
                        e.kind == gasket_metering::ExportKind::Func
                            && !e.name.starts_with("__gasket")
                    })
                    .map(|e| e.name.as_str())
                    .collect();
                println!("  valid         yes");
                println!("  imports       {}", functions.join(", "));
                println!("  methods       {}", methods.join(", "));
                if let Some(memory) = info.memory {
                    println!(
                        "  memory        {} pages, at most {}",
                        memory.initial, memory.maximum
                    );
                }
                println!(
                    "  size          {} bytes, instrumented {} (custom sections dropped)",
                    wasm.len(),
                    prepared.wasm.len()
                );
                println!("  code hash     {}", hex(&prepared.code_hash));
                println!("  config hash   {}", hex(&prepared.config_hash));
            }
            Err(err) => {
                println!("  valid         no");
                println!("  error         {err}");
                println!("  kind          {:?}", err.kind());
                println!(
                    "  function      {}",
                    err.function().map_or("-".into(), |f| f.to_string())
                );
                println!("  offset        {:#x}", err.offset());
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
