//! Size overhead of instrumentation on the example contracts (built by
//! `contracts/build.sh`) and on synthetic modules. Prints a table; sizes are
//! deterministic, so this is a measurement, not a timing.

use gasket_benches::{contracts_dir, roomy_config, synthetic_module};
use gasket_metering::{Config, Permissive, prepare, prepare_with_policy};

/// Size of the code and data a module carries, without custom sections
/// (which `prepare` drops, except `name`).
fn stripped_len(wasm: &[u8]) -> usize {
    let mut len = 8;
    for payload in wasmparser::Parser::new(0).parse_all(wasm).flatten() {
        if let wasmparser::Payload::CustomSection(_) = payload {
            continue;
        }
        if let Some((_, range)) = payload.as_section() {
            // Section id, a size of up to 5 bytes, the contents.
            let size = (range.end - range.start) as usize;
            len += 1 + leb_len(size) + size;
        }
    }
    len
}

fn leb_len(mut n: usize) -> usize {
    let mut len = 1;
    while n >= 0x80 {
        n >>= 7;
        len += 1;
    }
    len
}

fn row(name: &str, original: usize, instrumented: usize) {
    let overhead = 100.0 * (instrumented as f64 - original as f64) / original as f64;
    println!("| {name:<28} | {original:>12} | {instrumented:>12} | {overhead:>+8.1}% |");
}

fn main() {
    println!(
        "| module                       | bytes (no custom sections) | instrumented | overhead |"
    );
    println!("|------------------------------|-------------:|-------------:|---------:|");
    let mut contracts: Vec<_> = std::fs::read_dir(contracts_dir())
        .map(|dir| {
            dir.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "wasm"))
                .collect()
        })
        .unwrap_or_default();
    contracts.sort();
    if contracts.is_empty() {
        println!(
            "(no contracts in {}: run contracts/build.sh)",
            contracts_dir().display()
        );
    }
    for path in contracts {
        let wasm = std::fs::read(&path).expect("read contract");
        let name = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        match prepare(&wasm, &Config::default()) {
            Ok(prepared) => row(&name, stripped_len(&wasm), prepared.wasm.len()),
            Err(err) => println!("| {name:<28} | rejected: {err} |"),
        }
    }
    for size in [10_000usize, 1_000_000] {
        let wasm = synthetic_module(size);
        let prepared = prepare_with_policy(&wasm, &roomy_config(), &Permissive).expect("prepare");
        row(
            &format!("synthetic {size}"),
            stripped_len(&wasm),
            prepared.wasm.len(),
        );
    }
}
