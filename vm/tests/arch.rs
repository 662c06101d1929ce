//! x86-64 and aarch64 give the same results, traps and gas.
//!
//! Over a shared set of modules — the metering golden modules and the
//! first [`SEEDS`] wasm-smith modules of the differential test — every
//! exported function is called on a fresh instance, and its outcome
//! (results or trap kind), gas used, final globals and a blake3 of linear
//! memory are recorded. One line per module, a digest of its records, is
//! compared with the committed `tests/golden/arch_outcomes.txt`.
//! `scripts/test.sh` runs this natively and under qemu-user for
//! `aarch64-unknown-linux-gnu` (`scripts/test-vm-aarch64.sh`), so both
//! architectures must reproduce the same file, and a change of gas or
//! semantics on either shows up as a diff. `GASKET_BLESS=1` (exactly
//! `1`) rewrites it — a consensus change: say why in the commit.
#![allow(missing_docs)]

mod common;

use std::fmt::Write as _;
use std::path::Path;

use gasket_metering::{Config, ExportKind, Permissive, Prepared, prepare_with_policy};
use gasket_vm::{CpuFeatures, Engine, EngineConfig, Imports, Instance, InstantiationError, Module};

/// wasm-smith seeds in the shared set (seed `s` is the differential test's
/// module `s`).
const SEEDS: u64 = 150;
/// Gas per call: small, so looping exports end quickly in `OutOfGas`.
const GAS: u64 = 200_000;
/// The set must make more calls than this (it makes 238).
const CALLS_FLOOR: usize = 200;
/// More modules of the set (155) than this must make a call (127 do; the
/// others trap in their start function or a segment). Before
/// `differential::smith_config` set `min_types`, 73 did: 73 seeds had no
/// function at all.
const MODULES_WITH_CALLS_FLOOR: usize = 110;

fn golden_modules() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../metering/tests/golden/modules");
    ["fib", "hash_loop", "memory", "recursion", "switch"]
        .iter()
        .map(|name| {
            let wat = std::fs::read_to_string(dir.join(format!("{name}.wat"))).unwrap();
            (name.to_string(), wat::parse_str(&wat).unwrap())
        })
        .collect()
}

/// One line per call: export, args, outcome, gas used, globals, memory.
fn records(module: &Module, seed: u64) -> String {
    let info = module.info();
    let mut text = String::new();
    for export in info.exports.iter().filter(|e| e.kind == ExportKind::Func) {
        if export.name.starts_with("__gasket") {
            continue;
        }
        let sig = info.func_sig(export.index).unwrap();
        let args = common::args_for(seed, &sig.params);
        let mut instance = match Instance::new(module, Imports::new(), GAS) {
            Ok(instance) => instance,
            // Segment and start traps are outcomes too (the same for every
            // export).
            Err(e @ (InstantiationError::Segment(_) | InstantiationError::Start(_))) => {
                writeln!(text, "instantiate: {e}").unwrap();
                return text;
            }
            Err(e) => panic!("instantiation failed: {e}"),
        };
        let outcome = instance.call(&export.name, &common::values(&sig.params, &args));
        let outcome =
            outcome.map(|values| values.into_iter().map(|v| v.as_i64()).collect::<Vec<_>>());
        let globals: Vec<i64> = (0..info.globals.len() as u32)
            .map(|g| instance.global(g).map_or(0, |v| v.as_i64()))
            .collect();
        let memory = blake3::hash(instance.memory());
        writeln!(
            text,
            "{}{args:?} -> {outcome:?} gas_left {} globals {globals:?} memory {}:{}",
            export.name,
            instance.gas_left(),
            instance.memory().len(),
            &memory.to_hex()[..16],
        )
        .unwrap();
    }
    text
}

fn prepare(wasm: &[u8]) -> Option<Prepared> {
    prepare_with_policy(wasm, &Config::default(), &Permissive).ok()
}

/// `name digest` per module of the shared set, and every record (for the
/// failure message).
fn outcomes(cpu_features: CpuFeatures) -> (String, Vec<(String, String)>) {
    let engine = Engine::new(EngineConfig {
        native_stack_bytes: 128 << 20,
        cpu_features,
        ..EngineConfig::default()
    })
    .unwrap();
    let mut modules = golden_modules();
    for seed in 0..SEEDS {
        modules.push((format!("seed-{seed}"), common::smith_module(seed)));
    }
    let mut summary = String::from("# module calls records_blake3 (see vm/tests/arch.rs)\n");
    let mut all = Vec::new();
    for (i, (name, wasm)) in modules.iter().enumerate() {
        let Some(prepared) = prepare(wasm) else {
            writeln!(summary, "{name} rejected").unwrap();
            continue;
        };
        let module = engine.compile(&prepared).expect("compile");
        let seed = name
            .strip_prefix("seed-")
            .map_or(i as u64, |s| s.parse().unwrap());
        let text = records(&module, seed);
        writeln!(
            summary,
            "{name} {} {}",
            text.lines().count(),
            &blake3::hash(text.as_bytes()).to_hex()[..16]
        )
        .unwrap();
        all.push((name.clone(), text));
    }
    (summary, all)
}

#[test]
fn outcomes_match_the_committed_file_on_every_architecture() {
    check_outcomes(CpuFeatures::Baseline);
}

/// The code with this CPU's optional extensions (x86-64's BMI1, BMI2,
/// LZCNT, POPCNT: bit counts, rotates and shifts are other instructions)
/// gives the same file. aarch64 enables none, so its code is the test
/// above's.
#[test]
#[cfg(target_arch = "x86_64")]
fn outcomes_with_the_cpu_extensions_match_the_committed_file() {
    check_outcomes(CpuFeatures::Host);
}

fn check_outcomes(cpu_features: CpuFeatures) {
    // Deep recursion needs native stack: run on a thread with plenty (as
    // the differential test does).
    let (summary, records) = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || outcomes(cpu_features))
        .unwrap()
        .join()
        .unwrap_or_else(|p| std::panic::resume_unwind(p));
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/arch_outcomes.txt");
    if std::env::var("GASKET_BLESS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &summary).unwrap();
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (GASKET_BLESS=1 writes it)", path.display()));
    let target = format!("{} ({cpu_features:?})", std::env::consts::ARCH);
    for (live, golden) in summary.lines().zip(expected.lines()) {
        if live != golden {
            let name = live.split(' ').next().unwrap();
            let detail = records
                .iter()
                .find(|(n, _)| n == name)
                .map_or("", |(_, text)| text.as_str());
            panic!(
                "{target}: first differing module\n  live:   {live}\n  golden: {golden}\n\
                 its calls on {target}:\n{detail}(GASKET_BLESS=1 to rewrite)"
            );
        }
    }
    assert_eq!(
        summary.lines().count(),
        expected.lines().count(),
        "{target}: module count"
    );
    // The set must exercise calls, not only rejections and instantiation
    // failures.
    let calls_of = |text: &str| {
        text.lines()
            .filter(|l| !l.starts_with("instantiate: "))
            .count()
    };
    let calls: usize = records.iter().map(|(_, t)| calls_of(t)).sum();
    let with_calls = records.iter().filter(|(_, t)| calls_of(t) > 0).count();
    eprintln!(
        "{target}: {with_calls} of {} modules made {calls} calls",
        records.len()
    );
    assert!(calls > CALLS_FLOOR, "only {calls} calls");
    assert!(
        with_calls > MODULES_WITH_CALLS_FLOOR,
        "only {with_calls} modules made a call"
    );
}
