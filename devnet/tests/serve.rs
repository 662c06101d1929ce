//! `gasket serve`: the CLI through `--rpc`, and a crash test: SIGKILL the
//! server during a stream of 1,000 calls, restart it, and check that every
//! acknowledged block is there and the state equals a replay of the blocks.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use common::{ok, token_home};
use gasket_devnet::chain::{Chain, dev_address};
use gasket_devnet::db::NEW_DB_FILE;
use gasket_devnet::rpc::api::Request;
use gasket_devnet::rpc::client;
use serde_json::{Value, json};

/// A running `gasket serve`, killed when dropped: a server left behind by
/// a failed assertion would keep `cargo test` waiting on its stderr.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl std::ops::Deref for Server {
    type Target = Child;
    fn deref(&self) -> &Child {
        &self.0
    }
}

impl std::ops::DerefMut for Server {
    fn deref_mut(&mut self) -> &mut Child {
        &mut self.0
    }
}

/// Starts `gasket serve --port 0` and returns it with its URL.
fn serve(home: &Path) -> (Server, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gasket"))
        .args(["--json", "serve", "--port", "0", "--home"])
        .arg(home)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start gasket serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let ready: Value = serde_json::from_str(&line)
        .unwrap_or_else(|e| panic!("serve's first line is not JSON ({e}): {line:?}"));
    (
        Server(child),
        ready["listening"].as_str().unwrap().to_string(),
    )
}

#[test]
fn cli_through_rpc_and_a_second_server() {
    let _one_at_a_time = common::one_at_a_time();
    let home = tempfile::tempdir().unwrap();
    let token = token_home(home.path());
    let (mut server, url) = serve(home.path());
    let other = tempfile::tempdir().unwrap();
    let remote = |args: &[&str]| {
        let mut all = vec!["--rpc", url.as_str()];
        all.extend_from_slice(args);
        ok(other.path(), &all)
    };
    let call = remote(&["call", &token, "transfer", "--args", r#"["dave", 3]"#]);
    assert_eq!(call["status"], "success", "{call}");
    assert_eq!(call["block"], 2);
    let view = remote(&["view", &token, "balance_of", "--args", r#""dave""#]);
    assert_eq!(view["result"], "3");
    assert_eq!(
        remote(&["tx", call["tx"].as_str().unwrap()])["method"],
        "transfer"
    );
    assert_eq!(remote(&["block"])["height"], 2);
    // Errors come back as errors, with the same JSON object.
    let out = common::gasket(other.path(), &["--rpc", &url, "call", &token, "mint"]);
    assert_eq!(out.code, 1);
    assert!(
        out.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no method")
    );
    // The home is locked by the server: a local writer or a second server
    // gets a clear error.
    assert_locked(home.path());
    let second = Command::new(env!("CARGO_BIN_EXE_gasket"))
        .args(["serve", "--port", "0", "--home"])
        .arg(home.path())
        .output()
        .unwrap();
    assert!(!second.status.success());
    assert!(String::from_utf8_lossy(&second.stderr).contains("in use by another gasket process"));
    server.kill().unwrap();
    server.wait().unwrap();
}

#[test]
fn a_failed_init_keeps_the_chain_open_and_locked() {
    let _one_at_a_time = common::one_at_a_time();
    let home = tempfile::tempdir().unwrap();
    token_home(home.path());
    let (server, url) = serve(home.path());
    let other = tempfile::tempdir().unwrap();
    let out = common::gasket(other.path(), &["--rpc", &url, "init"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("already has a chain"), "{}", out.stderr);
    // Still locked: no local process opens the home in between.
    assert_locked(home.path());
    assert_eq!(ok(other.path(), &["--rpc", &url, "block"])["height"], 1);
    drop(server);
}

/// A local command on `home` finds it locked by the server.
fn assert_locked(home: &Path) {
    let local = common::gasket(home, &["block"]);
    assert_eq!(local.code, 1, "{local:?}");
    assert!(
        local.stderr.contains("in use by another gasket process"),
        "{}",
        local.stderr
    );
}

#[test]
fn a_failed_init_force_keeps_the_served_chain_and_a_good_one_its_lock() {
    let _one_at_a_time = common::one_at_a_time();
    let home = tempfile::tempdir().unwrap();
    token_home(home.path());
    let (server, url) = serve(home.path());
    let other = tempfile::tempdir().unwrap();
    let remote = |args: &[&str]| {
        let mut all = vec!["--rpc", url.as_str()];
        all.extend_from_slice(args);
        common::gasket(other.path(), &all)
    };
    // The new chain cannot be built: a directory where it would be.
    let new = home.path().join(NEW_DB_FILE);
    std::fs::create_dir(&new).unwrap();
    let out = remote(&["init", "--force"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains(NEW_DB_FILE), "{}", out.stderr);
    assert_eq!(remote(&["block"]).json["height"], 1);
    assert_locked(home.path());
    // Then it can: the server serves the new chain and still holds the
    // home.
    std::fs::remove_dir(&new).unwrap();
    let out = remote(&["init", "--force"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.json["genesis"]["height"], 0);
    assert_eq!(remote(&["block"]).json["height"], 0);
    assert_locked(home.path());
    drop(server);
}

#[test]
fn sigkill_during_a_stream_loses_no_acknowledged_block() {
    let _one_at_a_time = common::one_at_a_time();
    const CALLS: usize = 1_000;
    const KILL_AFTER: usize = 400;
    let home = tempfile::tempdir().unwrap();
    let token = token_home(home.path());
    let (server, url) = serve(home.path());
    let server = Arc::new(Mutex::new(server));
    let acked = Arc::new(AtomicUsize::new(0));
    let killed = Arc::new(AtomicBool::new(false));
    // The killer fires as soon as KILL_AFTER calls are acknowledged, while
    // the client keeps streaming: the kill lands at an arbitrary point.
    let killer = {
        let (server, acked, killed) = (server.clone(), acked.clone(), killed.clone());
        std::thread::spawn(move || {
            while acked.load(Ordering::SeqCst) < KILL_AFTER {
                std::thread::yield_now();
            }
            let mut server = server.lock().unwrap();
            server.kill().unwrap(); // SIGKILL on Unix
            server.wait().unwrap();
            killed.store(true, Ordering::SeqCst);
        })
    };
    let transfer = |i: usize| Request::Call {
        contract: token.clone(),
        method: "transfer".into(),
        from: Some("alice".into()),
        args: Some(json!({"to": "bob", "amount": i + 1})),
        args_hex: None,
        gas: None,
    };
    let mut acknowledged: Vec<(u64, String)> = Vec::new();
    let mut next = 0;
    while next < CALLS {
        // However slowly the killer is scheduled, the kill lands mid-stream.
        if next >= KILL_AFTER + 100 {
            while !killed.load(Ordering::SeqCst) {
                std::thread::yield_now();
            }
        }
        match client::call(&url, &transfer(next)) {
            Ok(receipt) => {
                assert_eq!(receipt["status"], "success", "{receipt}");
                acknowledged.push((
                    receipt["block"].as_u64().unwrap(),
                    receipt["tx"].as_str().unwrap().to_string(),
                ));
                acked.fetch_add(1, Ordering::SeqCst);
                next += 1;
            }
            Err(_) => break,
        }
    }
    killer.join().unwrap();
    assert!(acknowledged.len() >= KILL_AFTER && acknowledged.len() < CALLS);

    // Restart on the same home and finish the stream (the unacknowledged
    // call may or may not have landed: it is sent again).
    let (mut restarted, url) = serve(home.path());
    for (block, tx) in &acknowledged {
        let found = client::call(
            &url,
            &Request::Block {
                height: Some(*block),
            },
        )
        .unwrap();
        assert_eq!(found["txs"][0].as_str().unwrap(), tx, "block {block}");
    }
    while next < CALLS {
        let receipt = client::call(&url, &transfer(next)).unwrap();
        assert_eq!(receipt["status"], "success");
        next += 1;
    }
    restarted.kill().unwrap();
    restarted.wait().unwrap();

    // The state equals a replay of the blocks, header by header, and the
    // stored state root equals the one recomputed from the state.
    let chain = Chain::open(home.path()).unwrap();
    let head = chain.block(chain.height().unwrap()).unwrap().header;
    let scratch = tempfile::tempdir().unwrap();
    assert_eq!(
        chain.verify(&scratch.path().join("replica")).unwrap(),
        head.height
    );
    // Every call landed once, and the one in flight at the kill (amount
    // `resent`) possibly twice.
    let resent = acknowledged.len() as u128 + 1;
    let token = gasket_devnet::rpc::api::resolve(&token).unwrap();
    let key = [&[1u8][..], &dev_address("bob").0].concat();
    let bob = chain.storage_get(&token, &key).unwrap().unwrap();
    let bob = u128::from_le_bytes(bob.try_into().unwrap());
    let all: u128 = (1..=CALLS as u128).sum();
    match head.height - 1 {
        n if n == CALLS as u64 => assert_eq!(bob, all),
        n if n == CALLS as u64 + 1 => assert_eq!(bob, all + resent),
        n => panic!("{n} transfers for {CALLS} calls"),
    }
}
