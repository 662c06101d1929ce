//! End-to-end: the real `gasket` binary over a temporary home.

mod common;

use common::{gasket, gasket_at, ok, token_home, wasm};
use gasket_devnet::chain::{Chain, dev_address};
use serde_json::json;
use std::process::{Command, Stdio};

#[test]
fn deploy_call_view_state_blocks_and_txs() {
    let _one_at_a_time = common::one_at_a_time();
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let token = token_home(home);

    let accounts = ok(home, &["accounts"]);
    assert_eq!(accounts["accounts"][0]["name"], "alice");
    assert_eq!(
        accounts["accounts"][1]["address"],
        dev_address("bob").to_hex()
    );
    assert_eq!(accounts["accounts"][0]["nonce"], 1);

    let call = ok(
        home,
        &[
            "call",
            &token,
            "transfer",
            "--args",
            r#"{"to": "bob", "amount": 250}"#,
        ],
    );
    assert_eq!(call["status"], "success", "{call}");
    assert_eq!(call["block"], 2);
    assert!(call["gas_used"].as_u64().unwrap() > 0);
    assert_eq!(call["events"][0]["topic"], "transfer");
    assert_eq!(call["events"][0]["decoded"]["amount"], "250");
    assert_eq!(
        call["events"][0]["decoded"]["to"],
        dev_address("bob").to_hex()
    );

    let view = ok(home, &["view", &token, "balance_of", "--args", r#""bob""#]);
    assert_eq!(view["status"], "success");
    assert_eq!(view["result"], "250");
    assert!(view.get("block").is_none(), "a view makes no block: {view}");
    let total = ok(home, &["view", &token, "total_supply"]);
    assert_eq!(total["result"], "1000000");

    let state = ok(home, &["state", &token]);
    let entries = state["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 3, "{state}");
    assert_eq!(
        entries[0],
        json!({"key": "00", "value": "40420f00000000000000000000000000"})
    );
    let bob_key = format!("01{}", dev_address("bob").to_hex());
    let one = ok(home, &["state", &token, "--key", &bob_key]);
    assert_eq!(one["value"], "fa000000000000000000000000000000");

    let head = ok(home, &["block"]);
    assert_eq!(head["height"], 2);
    assert_eq!(head["txs"][0], call["tx"]);
    let parent = ok(home, &["block", "1"]);
    assert_eq!(head["parent_hash"], parent["hash"]);
    assert_eq!(head["timestamp_ms"], 1_700_000_002_000u64);
    let genesis = ok(home, &["block", "0"]);
    assert_eq!(parent["parent_hash"], genesis["hash"]);
    let missing = gasket(home, &["block", "9"]);
    assert_eq!(missing.code, 1);
    assert!(missing.stderr.contains("no block 9"), "{}", missing.stderr);

    let tx = ok(home, &["tx", call["tx"].as_str().unwrap()]);
    assert_eq!(tx["method"], "transfer");
    assert_eq!(tx["gas_used"], call["gas_used"]);
    assert_eq!(tx["from"], dev_address("alice").to_hex());

    // The state root in the header is the one recomputed from the state,
    // and a replay of the blocks gives the same headers.
    let chain = Chain::open(home).unwrap();
    let scratch = tempfile::tempdir().unwrap();
    assert_eq!(chain.verify(&scratch.path().join("replica")).unwrap(), 2);
    // The replay compiled nothing: the token compiled by the CLI's deploy
    // is loaded from HOME/cache, once for its deploy and its call.
    assert_eq!(chain.modules().compiles(), 0);
    assert_eq!(chain.modules().stats().hits_disk, 1);
}

#[test]
fn same_commands_give_the_same_chain() {
    let _one_at_a_time = common::one_at_a_time();
    let hashes: Vec<_> = (0..2)
        .map(|_| {
            let home = tempfile::tempdir().unwrap();
            let token = token_home(home.path());
            ok(
                home.path(),
                &["call", &token, "transfer", "--args", r#"["carol", "7"]"#],
            );
            ok(home.path(), &["block"])["hash"].clone()
        })
        .collect();
    assert_eq!(hashes[0], hashes[1]);
}

#[test]
fn errors_are_clear_and_change_nothing() {
    let _one_at_a_time = common::one_at_a_time();
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let missing_chain = gasket(home, &["accounts"]);
    assert_eq!(missing_chain.code, 1);
    assert!(
        missing_chain.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("gasket init")
    );
    let token = token_home(home);
    let again = gasket(home, &["init"]);
    assert_eq!(again.code, 1);
    assert!(
        again.stderr.contains("already has a chain"),
        "{}",
        again.stderr
    );

    // Not wasm at all.
    let bad = home.join("bad.wasm");
    std::fs::write(&bad, b"\0asm\x01\0\0\0garbage").unwrap();
    let out = gasket(home, &["deploy", bad.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(out.json["error"]["rejected"]["kind"], "invalid", "{out:?}");
    let out = gasket(home, &["deploy", "/nonexistent/x.wasm"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("cannot read /nonexistent/x.wasm"),
        "{}",
        out.stderr
    );

    // A float contract: rejected at deploy with kind, function and offset.
    let floaty = wasm("floaty");
    let out = gasket(home, &["deploy", floaty.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{out:?}");
    let rejected = &out.json["error"]["rejected"];
    assert_eq!(rejected["kind"], "unsupported");
    assert!(rejected["function"].is_u64(), "{rejected}");
    assert!(rejected["offset"].as_u64().unwrap() > 0);
    assert!(out.stderr.contains("float"), "{}", out.stderr);
    let report = gasket(home, &["inspect", floaty.to_str().unwrap()]);
    assert_eq!(report.code, 2);
    assert_eq!(report.json["valid"], false);
    assert_eq!(report.json["error"]["kind"], "unsupported");
    let good = ok(home, &["inspect", wasm("token").to_str().unwrap()]);
    assert_eq!(good["valid"], true);
    assert!(good["instrumented_size"].as_u64().unwrap() > good["size"].as_u64().unwrap());
    assert!(
        good["imports"]
            .as_array()
            .unwrap()
            .contains(&json!("env.caller"))
    );

    // Unknown method, bad JSON, arguments of the wrong type.
    let out = gasket(home, &["call", &token, "mint", "--args", "1"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("no method `mint`"), "{}", out.stderr);
    let out = gasket(home, &["call", &token, "transfer", "--args", "{to: bob"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("--args is not valid JSON"),
        "{}",
        out.stderr
    );
    let out = gasket(
        home,
        &[
            "call",
            &token,
            "transfer",
            "--args",
            r#"{"to": "bob", "amount": -1}"#,
        ],
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("argument amount: expected u128"),
        "{}",
        out.stderr
    );
    let out = gasket(home, &["call", "nobody", "transfer"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("dev account"), "{}", out.stderr);

    // None of those made a block.
    assert_eq!(ok(home, &["block"])["height"], 1);

    // Too little gas: a receipt (exit 2) that uses the whole limit.
    let out = gasket(
        home,
        &[
            "call",
            &token,
            "transfer",
            "--gas",
            "500",
            "--args",
            r#"["bob", 1]"#,
        ],
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(out.json["status"], "trapped");
    assert_eq!(out.json["trap"], "OutOfGas");
    assert_eq!(out.json["gas_used"], 500);
    assert_eq!(out.json["block"], 2);
    let balance = ok(home, &["view", &token, "balance_of", "--args", r#""bob""#]);
    assert_eq!(balance["result"], "0");

    // A second writer on the same home.
    let held = Chain::open(home).unwrap();
    let out = gasket(
        home,
        &["call", &token, "transfer", "--args", r#"["bob", 1]"#],
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("is in use by another gasket process"),
        "{}",
        out.stderr
    );
    drop(held);
    assert_eq!(ok(home, &["block"])["height"], 2);
    let verified = ok(home, &["verify"]);
    assert_eq!(verified["blocks"], 2, "{verified}");
}

#[test]
fn run_any_module_outside_a_chain() {
    let _one_at_a_time = common::one_at_a_time();
    let home = tempfile::tempdir().unwrap();
    let fib = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../metering/tests/golden/modules/fib.wat"
    );
    let out = ok(
        home.path(),
        &["run", fib, "--invoke", "fib", "--args", "20"],
    );
    assert_eq!(out["status"], "success");
    assert_eq!(out["results"], json!([6765]));
    assert!(out["gas_used"].as_u64().unwrap() > 0);
    assert!(out["time_ns"].is_u64());
    let out = gasket(
        home.path(),
        &[
            "run", fib, "--invoke", "fib", "--args", "30", "--gas", "1000",
        ],
    );
    assert_eq!(out.code, 2);
    assert_eq!(out.json["trap"], "OutOfGas");
    assert_eq!(out.json["gas_used"], 1000);
    let out = gasket(
        home.path(),
        &["run", fib, "--invoke", "fib", "--args", "1 2"],
    );
    assert_eq!(out.code, 1);
    // A contract method over in-memory storage.
    let token = wasm("token");
    let out = ok(
        home.path(),
        &[
            "run",
            token.to_str().unwrap(),
            "--invoke",
            "init",
            "--args",
            "5",
        ],
    );
    assert_eq!(out["status"], "success", "{out}");
}

#[test]
fn bad_arguments_are_an_error_like_any_other() {
    let _one_at_a_time = common::one_at_a_time();
    let home = tempfile::tempdir().unwrap();
    for (args, says) in [
        (&[][..], "requires a subcommand"),
        (&["frobnicate"], "unrecognized subcommand 'frobnicate'"),
        (&["block", "x"], "invalid value 'x'"),
        (&["call"], "<CONTRACT> <METHOD>"),
        (
            &["view", "alice", "m", "--gas", "lots"],
            "invalid value 'lots' for '--gas",
        ),
    ] {
        let out = gasket(home.path(), args);
        assert_eq!(out.code, 1, "{args:?}: {out:?}");
        let message = out.json["error"]["message"].as_str().unwrap();
        assert!(message.contains(says), "{args:?}: {message}");
        assert!(out.stderr.contains(says), "{args:?}: {}", out.stderr);
    }
    // Help and version are clap's, on stdout, exit 0.
    for (flag, says) in [("--help", "Usage: gasket"), ("--version", "gasket ")] {
        let out = Command::new(env!("CARGO_BIN_EXE_gasket"))
            .arg(flag)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{flag}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains(says),
            "{flag}"
        );
    }
}

#[test]
fn a_closed_stdout_cuts_the_output_short() {
    let _one_at_a_time = common::one_at_a_time();
    let home = tempfile::tempdir().unwrap();
    ok(home.path(), &["init"]);
    // The reader is gone before gasket prints (it opens the chain first).
    for (args, code) in [
        (&["accounts"][..], 0),
        (&["--json", "block"], 0),
        (&["--json", "block", "9"], 1),
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gasket"))
            .arg("--home")
            .arg(home.path())
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn a_fixed_time_must_parse_and_never_goes_back() {
    let _one_at_a_time = common::one_at_a_time();
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    for value in ["soon", "-1", "1.5e12", ""] {
        let out = gasket_at(value, home, &["init"]);
        assert_eq!(out.code, 1, "{value:?}: {out:?}");
        let message = out.json["error"]["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("GASKET_TIME_MS={value:?} is not a number")),
            "{message}"
        );
    }
    assert!(!home.join(gasket_devnet::db::DB_FILE).exists());
    // A fixed time below the parent's gives the parent's.
    let token = token_home(home);
    let parent = ok(home, &["block"]);
    let out = gasket_at(
        "5",
        home,
        &["call", &token, "transfer", "--args", r#"["bob", 1]"#],
    );
    assert_eq!(out.code, 0, "{out:?}");
    let block = ok(home, &["block"]);
    assert_eq!(block["height"], 2);
    assert_eq!(block["timestamp_ms"], parent["timestamp_ms"]);
}

#[test]
fn a_deploy_whose_init_fails_has_no_address() {
    let _one_at_a_time = common::one_at_a_time();
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    ok(home, &["init"]);
    let token = wasm("token");
    let args = [
        "deploy",
        token.to_str().unwrap(),
        "--args",
        r#"{"total_supply": 1}"#,
        "--gas",
        "500",
    ];
    let deploy = gasket(home, &args);
    assert_eq!(deploy.code, 2, "{deploy:?}");
    assert_eq!(deploy.json["status"], "trapped");
    assert_eq!(deploy.json["block"], 1);
    // The key stays, null: no contract exists at the address it would have.
    assert_eq!(deploy.json.get("address"), Some(&serde_json::Value::Null));
    let tx = gasket(home, &["tx", deploy.json["tx"].as_str().unwrap()]);
    assert_eq!(tx.code, 2, "{tx:?}");
    assert_eq!(tx.json.get("address"), Some(&serde_json::Value::Null));
}

/// A compiled-code cache directory that cannot be used (here a file in
/// its place) is one warning on stderr naming it; commands work and
/// `--json` stdout stays one JSON object.
#[test]
fn an_unusable_cache_directory_is_one_warning_on_stderr() {
    let _one_at_a_time = common::one_at_a_time();
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let token = token_home(home);
    let cache = home.join(gasket_devnet::chain::CACHE_DIR);
    std::fs::remove_dir_all(&cache).unwrap();
    std::fs::write(&cache, b"not a directory").unwrap();
    // `gasket` checks that stdout is exactly one JSON object.
    let view = gasket(
        home,
        &["view", &token, "balance_of", "--args", r#""alice""#],
    );
    assert_eq!(view.code, 0, "{view:?}");
    assert_eq!(view.json["result"], "1000000");
    let warnings: Vec<&str> = view
        .stderr
        .lines()
        .filter(|line| line.starts_with("warning: compiled-code cache: "))
        .collect();
    assert_eq!(warnings.len(), 1, "{}", view.stderr);
    assert!(
        warnings[0].contains(&cache.display().to_string()),
        "{}",
        warnings[0]
    );
}
