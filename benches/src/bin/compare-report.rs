//! Reads criterion's results of the `compare` bench and prints the ratio
//! tables of `benches/README.md` (Markdown) to stdout.
//!
//! `cargo run --release -p gasket-benches --features compare --bin
//! compare-report [-- CRITERION_DIR]` (default `target/criterion`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gasket_benches::compare::EngineKind;

/// Median time in nanoseconds of each (group, engine).
type Medians = BTreeMap<(String, String), f64>;

fn read_json(path: &Path) -> Result<serde_json::Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn collect(dir: &Path, medians: &mut Medians) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        if !path.is_dir() {
            continue;
        }
        let new = path.join("new");
        if new.join("benchmark.json").is_file() {
            let bench = read_json(&new.join("benchmark.json"))?;
            let estimates = read_json(&new.join("estimates.json"))?;
            let group = bench["group_id"].as_str().unwrap_or_default().to_string();
            let id = bench["value_str"]
                .as_str()
                .or(bench["function_id"].as_str())
                .unwrap_or_default()
                .to_string();
            let median = estimates["median"]["point_estimate"]
                .as_f64()
                .ok_or_else(|| format!("{}: no median", new.display()))?;
            medians.insert((group, id), median);
        } else {
            collect(&path, medians)?;
        }
    }
    Ok(())
}

fn time(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.2} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

fn geomean(values: &[f64]) -> f64 {
    (values.iter().map(|v| v.ln()).sum::<f64>() / values.len() as f64).exp()
}

fn main() {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target/criterion"));
    let mut medians = Medians::new();
    if let Err(e) = collect(&dir, &mut medians) {
        eprintln!("compare-report: {e}");
        std::process::exit(1);
    }
    let engines: Vec<&str> = EngineKind::ALL.iter().map(|k| k.name()).collect();
    let groups: Vec<String> = {
        let mut groups: Vec<String> = medians.keys().map(|(g, _)| g.clone()).collect();
        groups.dedup();
        groups
    };
    let get = |group: &str, engine: &str| medians.get(&(group.to_string(), engine.to_string()));

    // Ratios: Gasket's time over each other engine's (below 1: Gasket is
    // faster), for wasmi the inverse (how many times faster Gasket is).
    for (title, prefix) in [
        ("Execution (median time per call)", "exec/"),
        ("Call and instantiation", "call/"),
        ("", "instantiate/"),
        ("Compile (bytes to a runnable module)", "compile/"),
    ] {
        let rows: Vec<&String> = groups.iter().filter(|g| g.starts_with(prefix)).collect();
        if rows.is_empty() {
            continue;
        }
        if !title.is_empty() {
            println!("\n### {title}\n");
            print!("| | ");
            println!(
                "{} | gasket / wasmtime-fuel | gasket / wasmtime-fuel-nosignals | gasket / wasmtime | wasmi-fuel / gasket | gasket-baseline / wasmtime-fuel |",
                engines.join(" | ")
            );
            println!(
                "|---|{}---:|---:|---:|---:|---:|",
                "---:|".repeat(engines.len())
            );
        }
        let mut ratios: [Vec<f64>; 5] = Default::default();
        for group in rows {
            print!("| {group} |");
            for engine in &engines {
                match get(group, engine) {
                    Some(&ns) => print!(" {} |", time(ns)),
                    None => print!(" – |"),
                }
            }
            for (i, (ours, other)) in [
                ("gasket", "wasmtime-fuel"),
                ("gasket", "wasmtime-fuel-nosignals"),
                ("gasket", "wasmtime"),
                ("gasket", "wasmi-fuel"),
                ("gasket-baseline", "wasmtime-fuel"),
            ]
            .iter()
            .enumerate()
            {
                // wasmi translates lazily: its "compile" is a parse and
                // validation, no match for a compile.
                let lazy = prefix == "compile/" && i == 3;
                match (get(group, ours).copied(), get(group, other)) {
                    (Some(g), Some(&o)) if !lazy => {
                        let ratio = if i == 3 { o / g } else { g / o };
                        ratios[i].push(ratio);
                        print!(" {ratio:.2}x |");
                    }
                    _ => print!(" – |"),
                }
            }
            println!();
        }
        if prefix == "exec/" && !ratios[0].is_empty() {
            print!("| **geometric mean** |{}", " |".repeat(engines.len()));
            for r in &ratios {
                if r.is_empty() {
                    print!(" – |");
                } else {
                    print!(" **{:.2}x** |", geomean(r));
                }
            }
            println!();
        }
    }
}
