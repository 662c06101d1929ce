//! Every saved fuzz regression under `tests/fuzzcases/<target>/`, replayed
//! through its target (`gasket_harness::targets::replay_fuzzcases`).
//!
//! A test binary of its own: a replay counts every panic of the process,
//! caught or not, as `cargo fuzz` aborts on every one (see
//! `targets::replay_dir`), so nothing else may run here but replays and
//! the checks of that rule (which panic only while holding the replay's
//! lock).
#![allow(missing_docs)]

use gasket_harness::targets::{self, TARGETS};

fn replay(target: &str) {
    match targets::replay_fuzzcases(target) {
        Ok(cases) => eprintln!("{target}: {cases} fuzz case(s) replayed"),
        Err(failures) => panic!("fuzz cases of {target} fail:\n{failures}"),
    }
}

#[test]
fn prepare_regressions() {
    replay("prepare");
}

#[test]
fn prepare_subset_regressions() {
    replay("prepare_subset");
}

#[test]
fn differential_regressions() {
    replay("differential");
}

#[test]
fn cache_regressions() {
    replay("cache");
}

#[test]
fn contract_regressions() {
    replay("contract");
}

/// Every subdirectory of `tests/fuzzcases/` is a target's, every target
/// has one, and the targets are those of `fuzz/Cargo.toml`.
#[test]
fn every_fuzz_target_has_its_directory_and_no_other() {
    let names: Vec<&str> = TARGETS.iter().map(|(name, _)| *name).collect();
    assert_eq!(
        targets::fuzz_bins(),
        names,
        "fuzz/Cargo.toml against TARGETS"
    );
    targets::check_fuzzcases_layout(&targets::fuzzcases_dir()).unwrap();
}

/// A misspelled target directory and a missing one are both reported.
#[test]
fn a_misspelled_or_missing_target_directory_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    for (name, _) in TARGETS {
        let name = if name == "differential" {
            "diferential"
        } else {
            name
        };
        std::fs::create_dir(dir.path().join(name)).unwrap();
    }
    let problems = targets::check_fuzzcases_layout(dir.path()).unwrap_err();
    assert!(
        problems.contains("diferential/: no fuzz target")
            && problems.contains("differential/: missing"),
        "{problems}"
    );
}

/// A panic that the target catches itself, on its own thread or another,
/// fails the case; a case without panics passes and hidden files are no
/// cases.
#[test]
fn a_panic_caught_inside_a_target_fails_its_replay() {
    fn quiet(_: &[u8]) {}
    fn caught_here(_: &[u8]) {
        let _ = std::panic::catch_unwind(|| panic!("caught on purpose"));
    }
    fn caught_on_a_thread(_: &[u8]) {
        let _ = std::thread::spawn(|| panic!("caught by join")).join();
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("case"), b"x").unwrap();
    std::fs::write(dir.path().join(".gitkeep"), b"").unwrap();
    assert_eq!(targets::replay_dir(dir.path(), quiet), Ok(1));
    for run in [caught_here as targets::Target, caught_on_a_thread] {
        let failure = targets::replay_dir(dir.path(), run).unwrap_err();
        assert!(
            failure.contains("returned after 1 panic(s)") && failure.contains("caught"),
            "{failure}"
        );
    }
    let missing = targets::replay_dir(&dir.path().join("nothing"), quiet);
    assert!(missing.is_err(), "a missing directory replays nothing");
}
