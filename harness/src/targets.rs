//! Fuzz target bodies. Each `cargo fuzz` target in `fuzz/` is a one-line
//! call into this module (or into [`crate::differential::module_bytes`]),
//! and the seeded smoke tests below run the same functions, so CI replays
//! on fixed inputs exactly what the fuzzers run.
//!
//! | target | function |
//! |---|---|
//! | `prepare` | [`prepare_bytes`] |
//! | `prepare_subset` | [`prepare_subset_module`] |
//! | `differential` | [`crate::differential::module_bytes`] |
//! | `cache` | [`cache_artifact`] |
//! | `contract` | [`contract_ops`] |
//! | `loops` | [`crate::loops::versioned_loops`] |
//!
//! [`TARGETS`] names them for the replay of saved fuzz regressions
//! ([`replay_fuzzcases`], run by `harness/tests/fuzzcases.rs`).

use std::panic::{AssertUnwindSafe, PanicHookInfo, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use gasket_metering::parallel::{Split, with_split};
use gasket_metering::{
    Config, ErrorKind, FEATURES, Permissive, PolicyViolation, prepare_with_policy,
};

use crate::cache::{Artifact, Mutation};
use crate::differential::{self, ExportRun};
use crate::{contract, smith};

/// `prepare` on arbitrary bytes: never panics (nor reports the panic it
/// caught as [`ErrorKind::Internal`]); an accepted module's output
/// validates under the accepted feature set and is identical on a second
/// prepare; output or error are the same with its bodies on one thread
/// and on three.
pub fn prepare_bytes(data: &[u8]) {
    let config = Config::default();
    let prepared = match prepare_on_one_and_three_threads(data, &config) {
        Ok(prepared) => prepared,
        Err(e) => return crate::panic_if_internal(&e, "bytes"),
    };
    check_output(data, &config, &prepared);
}

/// `prepare` on a wasm-smith module of the subset built from fuzzer bytes:
/// must be accepted, and its output must validate and be reproducible.
pub fn prepare_subset_module(data: &[u8]) {
    let Ok(wasm) = smith::module_from_bytes(smith::subset_config(), data) else {
        return;
    };
    let config = Config::default();
    let prepared = match prepare_on_one_and_three_threads(&wasm, &config) {
        Ok(prepared) => prepared,
        // wasm-smith may pick a reserved export name (the fuzzer did).
        Err(e)
            if matches!(
                e.kind(),
                ErrorKind::Policy(PolicyViolation::ReservedExport { .. })
            ) =>
        {
            return;
        }
        Err(e) => panic!("a module of the subset was rejected: {e}"),
    };
    check_output(&wasm, &config, &prepared);
}

/// `prepare` (with [`Permissive`]) with its work on bodies split over
/// three threads, whatever the module's size, checked to be what one
/// thread (the default) gives.
fn prepare_on_one_and_three_threads(
    wasm: &[u8],
    config: &Config,
) -> Result<gasket_metering::Prepared, gasket_metering::PrepareError> {
    let prepare = || prepare_with_policy(wasm, config, &Permissive);
    let three = Split {
        threads: 3,
        min_bytes_per_thread: 0,
    };
    let split = with_split(three, prepare);
    let alone = prepare();
    assert!(
        split == alone,
        "prepare on three threads differs from one: {:?} against {:?}",
        split.as_ref().map(|p| p.wasm.len()),
        alone.as_ref().map(|p| p.wasm.len())
    );
    split
}

fn check_output(wasm: &[u8], config: &Config, prepared: &gasket_metering::Prepared) {
    if let Err(e) = wasmparser::Validator::new_with_features(FEATURES).validate_all(&prepared.wasm)
    {
        panic!("instrumented output does not validate: {e}");
    }
    let again = prepare_with_policy(wasm, config, &Permissive).expect("second prepare failed");
    assert!(again == *prepared, "second prepare differs");
}

/// A module of the `cache` target.
struct CacheModule {
    /// Its differential seed (also the seed of its arguments).
    seed: u64,
    /// Its valid artifact.
    artifact: Artifact,
    /// What its exports do when compiled without the cache.
    runs: Vec<ExportRun>,
}

/// How many modules the `cache` target damages artifacts of.
pub const CACHE_MODULES: usize = 3;

/// The modules of the `cache` target: the first [`CACHE_MODULES`]
/// differential seeds whose module compiles and has an export that runs,
/// each with its valid artifact (in a temporary directory kept for the
/// process) and the observations of a plain cold compile.
fn cache_modules() -> &'static [CacheModule] {
    static MODULES: OnceLock<Vec<CacheModule>> = OnceLock::new();
    MODULES.get_or_init(|| {
        differential::with_big_stack(|| {
            let engine = differential::engine();
            let mut modules = Vec::new();
            for seed in 0.. {
                let wasm = smith::module_from_seed(differential::smith_config(), seed);
                let Ok(prepared) = crate::cache::prepare(&wasm, &Config::default()) else {
                    continue;
                };
                let cold = engine
                    .compile(&prepared)
                    .unwrap_or_else(|e| panic!("seed {seed}: compile failed: {e}"));
                let runs = differential::observe(&cold, seed);
                if !runs.iter().any(|(_, run)| run.is_ok()) {
                    continue;
                }
                modules.push(CacheModule {
                    seed,
                    artifact: Artifact::new(&engine, &wasm),
                    runs,
                });
                if modules.len() == CACHE_MODULES {
                    break;
                }
            }
            modules
        })
    })
}

/// The `cache` target: the first byte picks one of the `cache_modules`,
/// the rest describe [`Mutation`]s of its artifact file. Loading the
/// damaged file in a new cache must be a counted miss that recompiles (a
/// hit only if the bytes are unchanged), never executing the damaged code,
/// and the module must run exactly like the plain cold compile.
pub fn cache_artifact(data: &[u8]) {
    let (pick, rest) = data.split_first().unwrap_or((&0, &[]));
    cache_mutations(*pick as usize, &Mutation::from_bytes(rest));
}

/// The check of [`cache_artifact`] on cache module `index` (modulo
/// [`CACHE_MODULES`]) with `mutations` applied to its artifact.
pub fn cache_mutations(index: usize, mutations: &[Mutation]) {
    let module = &cache_modules()[index % CACHE_MODULES];
    let bytes = Mutation::apply_all(mutations, &module.artifact.valid);
    let label = format!("cache seed {}, mutations {mutations:?}", module.seed);
    // A directory of its own per input: no state carries over.
    let artifact = module.artifact.in_new_dir();
    differential::with_big_stack(move || {
        let engine = differential::engine();
        let loaded = artifact.load(&engine, &bytes, &label);
        let got = differential::observe(&loaded, module.seed);
        assert!(
            got == module.runs,
            "{label}: runs differ from the cold compile: {got:?}, expected {:?}",
            module.runs
        );
    });
}

/// The `contract` target: a [`contract::Scenario`] of token and escrow
/// operations from fuzzer bytes, checked against the model and run twice
/// (see [`crate::contract`]).
pub fn contract_ops(data: &[u8]) {
    if let Some(scenario) = contract::Scenario::from_bytes(data) {
        contract::check(&scenario, "fuzz input");
    }
}

/// The body of a fuzz target: the fuzzer's bytes in, a panic on failure.
pub type Target = fn(&[u8]);

/// Every fuzz target of `fuzz/Cargo.toml` and the function it runs: the
/// saved regressions of `tests/fuzzcases/<target>/` are replayed through it.
pub const TARGETS: [(&str, Target); 6] = [
    ("prepare", prepare_bytes),
    ("prepare_subset", prepare_subset_module),
    ("differential", differential::module_bytes),
    ("cache", cache_artifact),
    ("contract", contract_ops),
    ("loops", crate::loops::versioned_loops),
];

/// `tests/fuzzcases/` of the repository.
pub fn fuzzcases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fuzzcases")
}

/// The names of the `[[bin]]` targets of `fuzz/Cargo.toml`, in order.
pub fn fuzz_bins() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/Cargo.toml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut names = Vec::new();
    let mut in_bin = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_bin = line == "[[bin]]";
        } else if in_bin && let Some(value) = line.strip_prefix("name") {
            let name = value
                .trim_start()
                .trim_start_matches('=')
                .trim()
                .trim_matches('"');
            names.push(name.to_string());
        }
    }
    names
}

/// Checks the layout of a fuzz-cases directory: every entry is the
/// directory of one of [`TARGETS`] (a misspelled one would never be
/// replayed), and every target has its directory (empty ones hold a
/// `.gitkeep`).
pub fn check_fuzzcases_layout(base: &Path) -> Result<(), String> {
    let entries = std::fs::read_dir(base).map_err(|e| format!("{}: {e}", base.display()))?;
    let mut problems = Vec::new();
    let mut seen = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", base.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !entry.path().is_dir() {
            problems.push(format!("{name}: not a target directory"));
        } else if !TARGETS.iter().any(|(target, _)| *target == name) {
            problems.push(format!("{name}/: no fuzz target of that name"));
        }
        seen.push(name);
    }
    for (target, _) in TARGETS {
        if !seen.iter().any(|name| name == target) {
            problems.push(format!("{target}/: missing"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{}: {}", base.display(), problems.join("; ")))
    }
}

/// Replays every saved case of `target` (one of [`TARGETS`]) from
/// `tests/fuzzcases/<target>/`; the number of cases, or what failed.
pub fn replay_fuzzcases(target: &str) -> Result<usize, String> {
    let (_, run) = TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .unwrap_or_else(|| panic!("no fuzz target {target:?}"));
    replay_dir(&fuzzcases_dir().join(target), *run)
}

/// Serialises [`replay_dir`]: its panic hook is process-wide.
static REPLAY: Mutex<()> = Mutex::new(());

/// Runs every file of `dir` (but hidden ones: `.gitkeep`) through `run`;
/// the number of cases, or each failing case with its panics.
///
/// A case fails if *any* panic happens while it runs, on any thread, even
/// one caught on purpose (the vm catches panics of code generation and of
/// host calls, `prepare` its own): under `cargo fuzz`, libfuzzer-sys's
/// panic hook aborts the process on every panic, so a saved crash may be
/// one such caught panic, and a replay that only saw `run` return would
/// pass without ever reproducing it. The hook here counts every panic of
/// the process, so this must run in a test binary where nothing else
/// panics (`harness/tests/fuzzcases.rs`), one call at a time (a lock).
pub fn replay_dir(dir: &Path, run: Target) -> Result<usize, String> {
    let mut cases = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        if path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        cases.push((path, bytes));
    }
    cases.sort();

    let _one_at_a_time = REPLAY.lock().unwrap_or_else(PoisonError::into_inner);
    let panics: Arc<Mutex<Vec<String>>> = Arc::default();
    let previous: Arc<dyn Fn(&PanicHookInfo<'_>) + Sync + Send> =
        Arc::from(std::panic::take_hook());
    {
        let (panics, previous) = (panics.clone(), previous.clone());
        std::panic::set_hook(Box::new(move |info| {
            panics
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(describe(info));
            previous(info);
        }));
    }
    let mut failures = Vec::new();
    for (path, bytes) in &cases {
        let unwound = catch_unwind(AssertUnwindSafe(|| run(bytes))).is_err();
        let seen: Vec<String> =
            std::mem::take(&mut *panics.lock().unwrap_or_else(PoisonError::into_inner));
        if unwound || !seen.is_empty() {
            failures.push(format!(
                "{}: {}{} panic(s): {}",
                path.display(),
                if unwound {
                    "failed, "
                } else {
                    "returned after "
                },
                seen.len(),
                seen.join(" | ")
            ));
        }
    }
    std::panic::set_hook(Box::new(move |info| previous(info)));
    if failures.is_empty() {
        Ok(cases.len())
    } else {
        Err(failures.join("\n"))
    }
}

/// A panic's message and location, for a replay's report.
fn describe(info: &PanicHookInfo<'_>) -> String {
    let payload = info.payload();
    let message = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(non-text payload)");
    match info.location() {
        Some(at) => format!("{message:?} at {at}"),
        None => format!("{message:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Seeded smoke runs of the fuzz targets.
    #[test]
    fn prepare_targets_on_fixed_seeds() {
        for seed in 0..200 {
            let bytes = smith::seed_bytes(seed);
            prepare_bytes(&bytes[..(seed as usize * 37) % bytes.len()]);
            prepare_subset_module(&bytes);
            // Valid modules with a byte flipped: the interesting edge.
            let mut wasm = smith::module_from_seed(smith::subset_config(), seed);
            if !wasm.is_empty() {
                let at = (seed as usize * 7919) % wasm.len();
                wasm[at] ^= bytes[0] | 1;
                prepare_bytes(&wasm);
            }
        }
    }

    /// The `differential` target's whole body (wasmi and the cache check)
    /// on fixed inputs; `vm/tests/differential.rs` runs more seeds.
    #[test]
    fn differential_target_on_fixed_seeds() {
        for seed in 0..20 {
            differential::module_bytes(&smith::seed_bytes(seed));
        }
    }

    /// The `loops` target on fixed inputs.
    #[test]
    fn loops_target_on_fixed_seeds() {
        for seed in 0..60 {
            crate::loops::versioned_loops(&smith::seed_bytes(seed));
        }
    }

    /// Every kind of mutation, on every cache module, including the
    /// unchanged file (a hit).
    #[test]
    fn cache_target_on_fixed_seeds() {
        for seed in 0..24u64 {
            let mut bytes = smith::seed_bytes(seed);
            bytes.truncate(1 + (seed as usize * 13) % 64);
            cache_artifact(&bytes);
        }
        for m in cache_modules() {
            eprintln!(
                "cache module: seed {}, {} exports run, artifact {} bytes",
                m.seed,
                m.runs.len(),
                m.artifact.valid.len()
            );
        }
        for index in 0..CACHE_MODULES {
            // An overwrite with the valid bytes: unchanged, a disk hit.
            let valid = &cache_modules()[index].artifact.valid;
            let same = [Mutation::Overwrite {
                at: 0,
                bytes: valid[..16].to_vec(),
            }];
            assert_eq!(Mutation::apply_all(&same, valid), *valid);
            cache_mutations(index, &same);
            // Each header field, a longer payload with a matching length,
            // and the edges of truncation.
            let mut all: Vec<Vec<Mutation>> = (0..5)
                .map(|field| vec![Mutation::Header { field, value: 1 }])
                .collect();
            all.push(vec![Mutation::Grow { delta: 16 }]);
            all.push(vec![Mutation::Truncate { len: 0 }]);
            let header_len = crate::cache::HEADER_FIELDS[4].1.end as u32;
            all.push(vec![Mutation::Truncate {
                len: header_len - 1,
            }]);
            all.push(vec![Mutation::Truncate { len: header_len }]);
            all.push(vec![Mutation::Append(vec![0])]);
            for mutations in all {
                cache_mutations(index, &mutations);
            }
        }
    }

    /// Scenarios from fixed seeds; together they must reach success and
    /// revert in both contracts and a failure for lack of gas.
    #[test]
    fn contract_target_on_fixed_seeds() {
        let mut tally = contract::Tally::default();
        for seed in 0..40 {
            let scenario = contract::Scenario::from_bytes(&smith::seed_bytes(seed))
                .expect("16 KiB make a scenario");
            tally += contract::check(&scenario, &format!("seed {seed}"));
        }
        eprintln!("contract: 40 seeds, {tally:?}");
        let contract::Tally {
            token_ok,
            token_reverted,
            escrow_ok,
            escrow_reverted,
            out_of_gas,
        } = tally;
        assert!(
            token_ok > 0
                && token_reverted > 0
                && escrow_ok > 0
                && escrow_reverted > 0
                && out_of_gas > 0,
            "the seeds miss an outcome: {tally:?}"
        );
    }
}
