//! Shared by the end-to-end tests: the real `gasket` binary over a
//! temporary home, and the example contracts built by contracts/build.sh.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde_json::Value;

/// A fixed clock, so block hashes are the same on every run.
pub const TIME_MS: &str = "1700000000000";

/// Held by every test of a binary whose tests open a chain in this
/// process, so that they run one at a time. A child that another test
/// forks inherits this process's file locks (a chain's home lock) until it
/// execs, so a lock dropped here may still be held for that moment: a
/// probe or a `gasket` run right after it could find the home in use (seen
/// once in CI, in `home_lock`). Taking this first costs under a second.
pub fn one_at_a_time() -> MutexGuard<'static, ()> {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    // A failed test poisons it; the next test still runs.
    ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The path of a built contract; panics with the fix if it is missing.
pub fn wasm(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../contracts/target/wasm")
        .join(format!("{name}.wasm"));
    assert!(
        path.exists(),
        "{} is missing: build the contracts first with contracts/build.sh (scripts/test.sh does)",
        path.display()
    );
    path
}

/// What one run of the binary gave.
#[derive(Debug)]
pub struct Output {
    /// Exit code.
    pub code: i32,
    /// stdout parsed as the one JSON object.
    pub json: Value,
    /// stderr.
    pub stderr: String,
}

/// Runs `gasket --json --home HOME ARGS...` at [`TIME_MS`]; stdout must
/// be one JSON object.
pub fn gasket(home: &Path, args: &[&str]) -> Output {
    gasket_at(TIME_MS, home, args)
}

/// [`gasket`] with `GASKET_TIME_MS` set to `time_ms`.
pub fn gasket_at(time_ms: &str, home: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_gasket"))
        .arg("--json")
        .arg("--home")
        .arg(home)
        .args(args)
        .env("GASKET_TIME_MS", time_ms)
        .output()
        .expect("run gasket");
    let stdout = String::from_utf8(out.stdout).expect("UTF-8 stdout");
    let json: Value = serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("stdout of {args:?} is not one JSON object ({e}): {stdout:?}"));
    assert_eq!(
        stdout.trim().lines().count(),
        1,
        "one line of JSON: {stdout}"
    );
    Output {
        code: out.status.code().unwrap_or(-1),
        json,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs and expects exit 0.
pub fn ok(home: &Path, args: &[&str]) -> Value {
    let out = gasket(home, args);
    assert_eq!(out.code, 0, "{args:?}: {out:?}");
    out.json
}

/// A home with a chain and a token of 1,000,000 minted to alice; returns
/// the token address.
pub fn token_home(home: &Path) -> String {
    ok(home, &["init"]);
    let token = wasm("token");
    let deploy = ok(
        home,
        &[
            "deploy",
            token.to_str().unwrap(),
            "--args",
            r#"{"total_supply": 1000000}"#,
        ],
    );
    assert_eq!(deploy["status"], "success", "{deploy}");
    deploy["address"].as_str().unwrap().to_string()
}
