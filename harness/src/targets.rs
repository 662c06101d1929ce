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

use std::sync::OnceLock;

use gasket_metering::{
    Config, ErrorKind, FEATURES, Permissive, PolicyViolation, prepare_with_policy,
};

use crate::cache::{Artifact, Mutation};
use crate::differential::{self, ExportRun};
use crate::{contract, smith};

/// `prepare` on arbitrary bytes: never panics (nor reports the panic it
/// caught as [`ErrorKind::Internal`]); an accepted module's output
/// validates under the accepted feature set and is identical on a second
/// prepare.
pub fn prepare_bytes(data: &[u8]) {
    let config = Config::default();
    let prepared = match prepare_with_policy(data, &config, &Permissive) {
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
    let prepared = match prepare_with_policy(&wasm, &config, &Permissive) {
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

/// Every saved fuzz regression under `tests/fuzzcases/<target>/`, replayed
/// through its target.
#[cfg(test)]
mod fuzzcases {
    use std::path::Path;

    /// Runs every file of `tests/fuzzcases/<target>/` through `run`,
    /// naming the case if it panics. A target without findings has no
    /// directory.
    fn replay(target: &str, run: fn(&[u8])) {
        let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fuzzcases");
        assert!(base.is_dir(), "{} is missing", base.display());
        let dir = base.join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            if std::panic::catch_unwind(|| run(&bytes)).is_err() {
                panic!("fuzz case {} fails", path.display());
            }
        }
    }

    #[test]
    fn prepare_regressions() {
        replay("prepare", super::prepare_bytes);
    }

    #[test]
    fn prepare_subset_regressions() {
        replay("prepare_subset", super::prepare_subset_module);
    }

    #[test]
    fn differential_regressions() {
        replay("differential", crate::differential::module_bytes);
    }

    #[test]
    fn cache_regressions() {
        replay("cache", super::cache_artifact);
    }

    #[test]
    fn contract_regressions() {
        replay("contract", super::contract_ops);
    }
}
