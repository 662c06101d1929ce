//! Golden vectors: consensus data that must not drift.
//!
//! - `golden/opcodes.txt`: the class of every operator wasmparser knows.
//! - `golden/instrumented/*.wat`: the instrumented form of each module in
//!   `golden/modules/`, readable.
//! - `golden/vectors.txt`: for each module, under the default config, the
//!   code hash, config hash, blake3 of the instrumented module, and for each
//!   `;; call:` line of a `.wat` module the outcome and gas used (run in
//!   wasmi).
//!
//! Any difference fails. If it is intended, it is a consensus change:
//! regenerate with `GASKET_BLESS=1 cargo test -p gasket-metering --test
//! golden` and say why in the commit.
#![allow(missing_docs)]

use gasket_harness::wasmi_oracle as common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use gasket_metering::{Config, Permissive, all_operators, prepare_with_policy};

const GAS_LIMIT: u64 = 1_000_000_000;

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn check_golden(relative: &str, actual: &str) {
    let path = golden_dir().join(relative);
    if std::env::var_os("GASKET_BLESS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing golden file {}: run with GASKET_BLESS=1",
            path.display()
        )
    });
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(e, a)| e != a);
        let (e, a) = match line {
            Some(n) => (
                expected.lines().nth(n).unwrap_or(""),
                actual.lines().nth(n).unwrap_or(""),
            ),
            None => ("(length differs)", "(length differs)"),
        };
        panic!(
            "{} drifted (a consensus change!) at line {}:\n  expected: {e}\n  actual:   {a}\n\
             If intended, re-run with GASKET_BLESS=1 and give the reason in the commit.",
            path.display(),
            line.map_or(0, |n| n + 1),
        );
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A call listed in a module's `;; call:` lines: export and arguments.
type Call = (String, Vec<i64>);

/// The golden modules, sorted by name: (name, bytes, calls).
fn modules() -> Vec<(String, Vec<u8>, Vec<Call>)> {
    let mut paths: Vec<_> = std::fs::read_dir(golden_dir().join("modules"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let bytes = std::fs::read(&path).unwrap();
            if name.ends_with(".wat") {
                let text = String::from_utf8(bytes).unwrap();
                let calls = text
                    .lines()
                    .filter_map(|l| l.strip_prefix(";; call: "))
                    .map(|l| {
                        let mut words = l.split_whitespace();
                        let export = words.next().unwrap().to_string();
                        (export, words.map(|w| w.parse().unwrap()).collect())
                    })
                    .collect();
                (name, wat::parse_str(&text).unwrap(), calls)
            } else {
                (name, bytes, Vec::new())
            }
        })
        .collect()
}

#[test]
fn opcode_table() {
    let mut table = String::new();
    for (name, class) in all_operators() {
        writeln!(table, "{name:<40} {class:?}").unwrap();
    }
    check_golden("opcodes.txt", &table);
}

#[test]
fn instrumented_modules() {
    let config = Config::default();
    for (name, wasm, _) in modules() {
        let prepared = prepare_with_policy(&wasm, &config, &Permissive).unwrap();
        let text = wasmprinter::print_bytes(&prepared.wasm).unwrap();
        let stem = name.rsplit_once('.').unwrap().0;
        check_golden(&format!("instrumented/{stem}.wat"), &text);
    }
}

#[test]
fn vectors() {
    let config = Config::default();
    let mut out = format!(
        "# default config {}\n# gas limit {GAS_LIMIT}\n",
        hex(&config.hash())
    );
    for (name, wasm, calls) in modules() {
        let prepared = prepare_with_policy(&wasm, &config, &Permissive).unwrap();
        assert_eq!(prepared.config_hash, config.hash());
        writeln!(
            out,
            "{name}\n  code {}\n  instrumented {}",
            hex(&prepared.code_hash),
            hex(blake3::hash(&prepared.wasm).as_bytes())
        )
        .unwrap();
        for (export, args) in calls {
            let run = common::run(&prepared, &export, &args, GAS_LIMIT);
            writeln!(
                out,
                "  {export} {args:?} -> {:?}, gas {}",
                run.outcome, run.gas_used
            )
            .unwrap();
        }
    }
    check_golden("vectors.txt", &out);
}
