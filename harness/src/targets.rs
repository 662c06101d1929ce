//! Fuzz target bodies. Each `cargo fuzz` target in `fuzz/` is a one-line
//! call into this module, and the seeded smoke tests below run the same
//! functions, so CI replays on fixed inputs exactly what the fuzzers run.

use gasket_metering::{
    Config, ErrorKind, FEATURES, Permissive, PolicyViolation, prepare_with_policy,
};

use crate::smith;

/// `prepare` on arbitrary bytes: never panics; an accepted module's output
/// validates under the accepted feature set and is identical on a second
/// prepare.
pub fn prepare_bytes(data: &[u8]) {
    let config = Config::default();
    let Ok(prepared) = prepare_with_policy(data, &config, &Permissive) else {
        return;
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
}

/// Every saved fuzz regression under `tests/fuzzcases/<target>/`, replayed
/// through its target.
#[cfg(test)]
mod fuzzcases {
    use std::path::Path;

    fn replay(target: &str, run: fn(&[u8])) {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fuzzcases")
            .join(target);
        let mut cases = 0;
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            run(&std::fs::read(&path).unwrap());
            cases += 1;
        }
        assert!(cases > 0, "no cases in {}", dir.display());
    }

    #[test]
    fn prepare_regressions() {
        replay("prepare", super::prepare_bytes);
    }

    #[test]
    fn prepare_subset_regressions() {
        replay("prepare_subset", super::prepare_subset_module);
    }
}
