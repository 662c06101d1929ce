//! One owner per home: `init --force` replaces the chain without ever
//! letting another opener in, keeps the old chain when the new one cannot
//! be put in place, and a server's failed `init` keeps its chain and lock.

mod common;

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;

use common::{gasket, ok, token_home};
use gasket_devnet::chain::{Chain, ChainError};
use gasket_devnet::db::{DbError, LOCK_FILE, NEW_DB_FILE};

/// Locks `HOME/lock` as another gasket process would.
fn hold_home_lock(home: &Path) -> File {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(home.join(LOCK_FILE))
        .unwrap();
    file.try_lock().unwrap();
    file
}

#[test]
fn whoever_holds_the_home_lock_owns_the_home() {
    let _one_at_a_time = common::one_at_a_time();
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    token_home(home);
    // Another process between taking the lock and opening the file (or
    // replacing it): chain.redb itself is not locked.
    let held = hold_home_lock(home);
    for args in [&["init", "--force"][..], &["init"], &["block"]] {
        let out = gasket(home, args);
        assert_eq!(out.code, 1, "{args:?}: {out:?}");
        let in_use = format!(
            "home {} is in use by another gasket process",
            home.display()
        );
        assert!(out.stderr.contains(&in_use), "{args:?}: {}", out.stderr);
    }
    assert!(matches!(
        Chain::init(home, Some(0), true),
        Err(ChainError::Db(DbError::InUse { .. }))
    ));
    drop(held);
    assert_eq!(ok(home, &["block"])["height"], 1);
    // An open chain holds the lock until it is dropped, also against
    // another open file of this process.
    let chain = Chain::open(home).unwrap();
    let probe = File::open(home.join(LOCK_FILE)).unwrap();
    assert!(matches!(probe.try_lock(), Err(TryLockError::WouldBlock)));
    drop(chain);
    probe.try_lock().unwrap();
}

#[test]
fn a_failed_init_force_keeps_the_old_chain() {
    let _one_at_a_time = common::one_at_a_time();
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let token = token_home(home);
    let balance = || {
        ok(
            home,
            &["view", &token, "balance_of", "--args", r#""alice""#],
        )["result"]
            .clone()
    };
    assert_eq!(balance(), "1000000");
    // Creating the new chain fails (as a full disk would fail its genesis
    // commit): a directory where it would be built.
    std::fs::create_dir(home.join(NEW_DB_FILE)).unwrap();
    let out = gasket(home, &["init", "--force"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains(NEW_DB_FILE), "{}", out.stderr);
    assert_eq!(ok(home, &["block"])["height"], 1);
    assert_eq!(balance(), "1000000");
    // The same over an open chain: it stays as it was, and usable.
    let mut chain = Chain::open(home).unwrap();
    assert!(matches!(
        chain.reinit(Some(0)),
        Err(ChainError::Db(DbError::Redb { .. }))
    ));
    assert_eq!(chain.height().unwrap(), 1);
    chain.submit(Vec::new(), None, false).unwrap();
    drop(chain);
    assert_eq!(ok(home, &["block"])["height"], 2);

    // A file left by an `init` that stopped is deleted, and the new chain
    // put in place.
    std::fs::remove_dir(home.join(NEW_DB_FILE)).unwrap();
    std::fs::write(home.join(NEW_DB_FILE), b"left by a killed init").unwrap();
    assert_eq!(ok(home, &["init", "--force"])["genesis"]["height"], 0);
    assert!(!home.join(NEW_DB_FILE).exists());
    assert_eq!(ok(home, &["block"])["height"], 0);
    // Also on a home that has no chain yet.
    let fresh = tempfile::tempdir().unwrap();
    std::fs::write(fresh.path().join(NEW_DB_FILE), b"left by a killed init").unwrap();
    assert_eq!(ok(fresh.path(), &["init"])["genesis"]["height"], 0);
    assert!(!fresh.path().join(NEW_DB_FILE).exists());
}
