//! The chain database under damage: an `init` stopped before its genesis
//! block committed, bytes flipped in the file outside redb, and receipts
//! that differ from what their transactions give.

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use common::{gasket, ok, token_home};
use gasket_devnet::chain::abi::encode_args;
use gasket_devnet::chain::types::{Hash, Receipt, ReceiptField, TxKind, TxRecord};
use gasket_devnet::chain::{Chain, ChainError, DEV_ACCOUNTS, TxRequest, dev_account, dev_address};
use gasket_devnet::db::{CODE, DB_FILE, DbError, TXS};
use gasket_host_env::Status;
use redb::ReadableTable;
use serde_json::json;

/// What an `init` killed between creating the file and committing genesis
/// leaves: a redb file without tables.
fn interrupted_init(home: &Path) {
    std::fs::create_dir_all(home).unwrap();
    drop(redb::Database::create(home.join(DB_FILE)).unwrap());
}

#[test]
fn a_file_without_the_chain_tables_is_no_chain() {
    let _one_at_a_time = common::one_at_a_time();
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    interrupted_init(home);
    let out = gasket(home, &["accounts"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("run `gasket init"), "{}", out.stderr);
    assert!(matches!(
        Chain::open(home),
        Err(ChainError::Db(DbError::NoChain { .. }))
    ));
    // `init` needs no --force for a file that holds no chain.
    ok(home, &["init"]);
    assert_eq!(ok(home, &["accounts"])["accounts"][0]["nonce"], 0);

    for content in [None, Some(&b""[..]), Some(b"not a database")] {
        let home = tempfile::tempdir().unwrap();
        let home = home.path();
        match content {
            None => interrupted_init(home),
            Some(bytes) => std::fs::write(home.join(DB_FILE), bytes).unwrap(),
        }
        ok(home, &["init", "--force"]);
        assert_eq!(ok(home, &["block"])["height"], 0);
    }
    // Garbage is not replaced without --force.
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join(DB_FILE), b"not a database").unwrap();
    let out = gasket(home.path(), &["init"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains(DB_FILE), "{}", out.stderr);
}

/// Every read a command may make of the chain.
fn read_everything(home: &Path) -> Result<(), ChainError> {
    let chain = Chain::open(home)?;
    for height in 0..=chain.height()? {
        for hash in &chain.block(height)?.txs {
            chain.tx(hash)?;
        }
    }
    for name in DEV_ACCOUNTS {
        chain.nonce(&dev_address(name))?;
    }
    chain.recompute_state_root()?;
    Ok(())
}

#[test]
fn flipped_bytes_are_an_error_not_a_panic() {
    let _one_at_a_time = common::one_at_a_time();
    let original = tempfile::tempdir().unwrap();
    let chain = Chain::init(original.path(), Some(0), false).unwrap();
    for _ in 0..40 {
        chain.submit(Vec::new(), None, false).unwrap();
    }
    drop(chain);
    let bytes = std::fs::read(original.path().join(DB_FILE)).unwrap();
    // Flip where redb wrote (header, tree pages), at 128 places; flips in
    // pages of older commits change nothing a reader sees.
    let written: Vec<usize> = (0..bytes.len()).filter(|&i| bytes[i] != 0).collect();
    let mut errors = 0;
    for step in 0..128 {
        let offset = written[written.len() * step / 128];
        let home = tempfile::tempdir().unwrap();
        let mut damaged = bytes.clone();
        for b in &mut damaged[offset..(offset + 8).min(bytes.len())] {
            *b ^= 0xa5;
        }
        std::fs::write(home.path().join(DB_FILE), &damaged).unwrap();
        match catch_unwind(AssertUnwindSafe(|| read_everything(home.path()))) {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                assert!(e.to_string().contains(DB_FILE), "offset {offset}: {e}");
                errors += 1;
            }
            Err(_) => panic!("flipped bytes at offset {offset}: a panic, not an error"),
        }
    }
    assert!(errors > 0, "no flip was detected");
}

/// Rewrites the stored receipt of transaction `hash` (the header keeps
/// what it had).
fn rewrite_receipt(home: &Path, hash: &Hash, change: impl FnOnce(&mut Receipt)) {
    let db = redb::Database::open(home.join(DB_FILE)).unwrap();
    let txn = db.begin_write().unwrap();
    {
        let mut txs = txn.open_table(TXS).unwrap();
        let mut record: TxRecord = {
            let bytes = txs.get(hash.as_slice()).unwrap().unwrap();
            borsh::from_slice(bytes.value()).unwrap()
        };
        change(&mut record.receipt);
        let bytes = borsh::to_vec(&record).unwrap();
        txs.insert(hash.as_slice(), bytes.as_slice()).unwrap();
    }
    txn.commit().unwrap();
}

#[test]
fn verify_names_a_receipt_that_differs_from_the_replay() {
    let _one_at_a_time = common::one_at_a_time();
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let token = gasket_devnet::rpc::api::resolve(&token_home(home)).unwrap();
    // Block 2: two transfers, each with an event.
    let chain = Chain::open(home).unwrap();
    let abi = chain.contract(&token).unwrap().abi.unwrap();
    let transfer = |to: &str| TxRequest {
        from: dev_address("alice"),
        kind: TxKind::Call {
            contract: token,
            method: "transfer".into(),
        },
        input: encode_args(abi.method("transfer").unwrap(), &json!([to, 5]), &|name| {
            dev_account(name).map(|a| a.0)
        })
        .unwrap(),
        gas_limit: 10_000_000,
        code: None,
    };
    let (block, _) = chain
        .submit(vec![transfer("bob"), transfer("carol")], None, false)
        .unwrap();
    let scratch = tempfile::tempdir().unwrap();
    assert_eq!(chain.verify(&scratch.path().join("ok")).unwrap(), 2);
    drop(chain);

    let second = block.txs[1];
    // Each forgery, and the field verify must name.
    type Forgery = (ReceiptField, fn(&mut Receipt));
    let changes: [Forgery; 6] = [
        (ReceiptField::Status, |r| {
            r.status = Status::Reverted(b"no".to_vec())
        }),
        (ReceiptField::ReturnData, |r| {
            r.status = Status::Success(vec![7])
        }),
        (ReceiptField::GasUsed, |r| r.gas_used -= 1),
        (ReceiptField::Events, |r| r.events[0].data[0] ^= 1),
        (ReceiptField::Logs, |r| r.logs.push("forged".into())),
        (ReceiptField::Address, |r| r.contract = dev_account("bob")),
    ];
    for (i, (field, change)) in changes.into_iter().enumerate() {
        let mut original = None;
        rewrite_receipt(home, &second, |r| {
            original = Some(r.clone());
            change(r);
        });
        let replica = scratch.path().join(i.to_string());
        match Chain::open(home).unwrap().verify(&replica) {
            Err(ChainError::ReceiptDiverged {
                height: 2,
                index: 1,
                field: found,
            }) if found == field => {}
            other => panic!("{field}: {other:?}"),
        }
        if field == ReceiptField::Events {
            let out = gasket(home, &["verify"]);
            assert_eq!(out.code, 1, "{out:?}");
            assert!(
                out.stderr
                    .contains("block 2, transaction 1: receipt field events differs"),
                "{}",
                out.stderr
            );
        }
        rewrite_receipt(home, &second, |r| *r = original.unwrap());
    }
}

/// A contract whose code record is gone is a node failure naming the
/// contract and its code hash, never empty wasm: compiled, empty bytes
/// would be a rejection cached under the real contract's hash.
#[test]
fn missing_code_is_an_error_naming_the_contract() {
    let _one_at_a_time = common::one_at_a_time();
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let wasm = std::fs::read(common::wasm("counter")).unwrap();
    let code_hash = *blake3::hash(&wasm).as_bytes();
    let alice = dev_address("alice");
    let counter = gasket_devnet::chain::contract_address(&alice, 0, &code_hash);
    let chain = Chain::init(home, Some(0), false).unwrap();
    let deploy = TxRequest {
        from: alice,
        kind: TxKind::Deploy { code_hash },
        input: Vec::new(),
        gas_limit: 10_000_000,
        code: Some(wasm),
    };
    chain.submit(vec![deploy], Some(1000), false).unwrap();
    drop(chain);
    {
        let db = redb::Database::open(home.join(DB_FILE)).unwrap();
        let txn = db.begin_write().unwrap();
        txn.open_table(CODE)
            .unwrap()
            .remove(code_hash.as_slice())
            .unwrap();
        txn.commit().unwrap();
    }
    // A fresh process: nothing compiled is kept, the code must be read.
    let chain = Chain::open(home).unwrap();
    let expected = format!(
        "code of {counter}/{} missing from the chain database",
        blake3::Hash::from_bytes(code_hash).to_hex()
    );
    let increment = TxRequest {
        from: alice,
        kind: TxKind::Call {
            contract: counter,
            method: "increment".into(),
        },
        input: Vec::new(),
        gas_limit: 10_000_000,
        code: None,
    };
    let error = chain
        .submit(vec![increment], Some(2000), false)
        .unwrap_err();
    assert!(error.to_string().contains(&expected), "{error}");
    assert_eq!(chain.height().unwrap(), 1, "the block was not written");
    let error = chain.contract(&counter).err().unwrap();
    assert!(
        matches!(error, ChainError::MissingCode { address, .. } if address == counter),
        "{error}"
    );
    assert_eq!(error.to_string(), expected);
}
