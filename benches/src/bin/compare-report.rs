//! Reads criterion's results of the `compare` bench and prints the ratio
//! tables of `benches/README.md` (Markdown) to stdout.
//!
//! `cargo run --release -p gasket-benches --features compare --bin
//! compare-report [-- CRITERION_DIR...]` (default `target/criterion`).
//!
//! Each directory is one pass of the bench (`scripts/bench-compare.sh`
//! with `GASKET_COMPARE_PASSES`). With several, a time is the median of
//! the passes' medians and a ratio the median of the passes' ratios (each
//! pass runs the engines of a row back to back, so its ratio is steadier
//! than its times on a noisy machine); the geometric means are given for
//! each pass too, as the spread. With two passes the median is their
//! mean: use three or more to outvote one noisy pass.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gasket_benches::compare::EngineKind;

/// Median time in nanoseconds of each (group, engine).
type Medians = BTreeMap<(String, String), f64>;

/// Workloads that are a `memmove` or a host map lookup in every engine,
/// left out of the compute geometric mean (wasmtime itself runs them at
/// about wasmi's speed).
const NOT_COMPUTE: [&str; 2] = ["exec/copy", "exec/host_reads"];

/// The (ours, other) pairs of the ratio columns; for wasmi (index
/// [`WASMI`]) the ratio is inverted: how many times faster Gasket is.
const PAIRS: [(&str, &str); 5] = [
    ("gasket", "wasmtime-fuel"),
    ("gasket", "wasmtime-fuel-nosignals"),
    ("gasket", "wasmtime"),
    ("gasket", "wasmi-fuel"),
    ("gasket-baseline", "wasmtime-fuel"),
];
const WASMI: usize = 3;

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

fn median(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}

/// Ratio column `pair` of `group` in one pass, if both engines ran.
fn ratio(pass: &Medians, group: &str, pair: usize) -> Option<f64> {
    let (ours, other) = PAIRS[pair];
    let ours = pass.get(&(group.to_string(), ours.to_string()))?;
    let other = pass.get(&(group.to_string(), other.to_string()))?;
    Some(if pair == WASMI {
        other / ours
    } else {
        ours / other
    })
}

fn main() {
    let mut dirs: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    if dirs.is_empty() {
        dirs.push(PathBuf::from("target/criterion"));
    }
    let mut passes = Vec::new();
    for dir in &dirs {
        let mut medians = Medians::new();
        if let Err(e) = collect(dir, &mut medians) {
            eprintln!("compare-report: {e}");
            std::process::exit(1);
        }
        passes.push(medians);
    }
    let engines: Vec<&str> = EngineKind::ALL.iter().map(|k| k.name()).collect();
    let groups: Vec<String> = {
        let mut groups: Vec<String> = passes
            .iter()
            .flat_map(|pass| pass.keys().map(|(g, _)| g.clone()))
            .collect();
        groups.sort();
        groups.dedup();
        groups
    };
    let time_of = |group: &str, engine: &str| {
        let key = (group.to_string(), engine.to_string());
        median(passes.iter().filter_map(|p| p.get(&key).copied()).collect())
    };
    let ratio_of = |group: &str, pair: usize| {
        median(
            passes
                .iter()
                .filter_map(|p| ratio(p, group, pair))
                .collect(),
        )
    };
    if passes.len() > 1 {
        println!(
            "\n{} passes: times are the median of the passes' medians, ratios the median of the passes' ratios.",
            passes.len()
        );
    }

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
            let columns: Vec<String> = PAIRS
                .iter()
                .enumerate()
                .map(|(i, (ours, other))| match i {
                    WASMI => format!("{other} / {ours}"),
                    _ => format!("{ours} / {other}"),
                })
                .collect();
            println!("{} | {} |", engines.join(" | "), columns.join(" | "));
            println!(
                "|---|{}{}",
                "---:|".repeat(engines.len()),
                "---:|".repeat(PAIRS.len())
            );
        }
        for group in &rows {
            print!("| {group} |");
            for engine in &engines {
                match time_of(group, engine) {
                    Some(ns) => print!(" {} |", time(ns)),
                    None => print!(" – |"),
                }
            }
            for pair in 0..PAIRS.len() {
                // wasmi translates lazily: its "compile" is a parse and
                // validation, no match for a compile.
                let lazy = prefix == "compile/" && pair == WASMI;
                match ratio_of(group, pair) {
                    Some(r) if !lazy => print!(" {r:.2}x |"),
                    _ => print!(" – |"),
                }
            }
            println!();
        }
        if prefix == "exec/" {
            let compute: Vec<&String> = rows
                .iter()
                .copied()
                .filter(|g| !NOT_COMPUTE.contains(&g.as_str()))
                .collect();
            let mean_row =
                |label: &str, rows: &[&String], ratio_in: &dyn Fn(&str, usize) -> Option<f64>| {
                    print!("| {label} |{}", " |".repeat(engines.len()));
                    for pair in 0..PAIRS.len() {
                        let values: Vec<f64> =
                            rows.iter().filter_map(|g| ratio_in(g, pair)).collect();
                        if values.is_empty() {
                            print!(" – |");
                        } else {
                            print!(" **{:.2}x** |", geomean(&values));
                        }
                    }
                    println!();
                };
            mean_row("**geometric mean**", &rows, &ratio_of);
            mean_row(
                "**geometric mean, compute** (not copy, host_reads)",
                &compute,
                &ratio_of,
            );
            if passes.len() > 1 {
                for (n, pass) in passes.iter().enumerate() {
                    let in_pass = |g: &str, pair: usize| ratio(pass, g, pair);
                    mean_row(&format!("pass {}: geometric mean", n + 1), &rows, &in_pass);
                    mean_row(&format!("pass {}: compute", n + 1), &compute, &in_pass);
                }
            }
        }
    }
}
