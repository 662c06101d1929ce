//! The contracts of `contracts/` (built by `contracts/build.sh` into
//! `contracts/target/wasm/`), deployed and called through host-env:
//! counter, token, registry, escrow (cross-contract calls to token), the
//! adversarial set, determinism, the `gasket.abi` sections and sizes.
//!
//! Inputs are the borsh encodings the `#[contract]` macro decodes: the
//! method's parameters in order, as a tuple.

mod common;
#[path = "contracts/support.rs"]
mod support;

use common::{ALICE, Chain, GAS};
use gasket_host_env::{Address, CallMode, TrapKind};
use gasket_metering::Config;
use support::*;

// ---------------------------------------------------------------- counter

#[test]
fn counter_increments_and_persists_across_calls() {
    let mut chain = Chain::empty(Config::default());
    install(&mut chain, COUNTER, "counter");
    let get = |chain: &mut Chain| decode::<u64>(&success(&view(chain, COUNTER, "get", vec![])));
    assert_eq!(get(&mut chain), 0, "absent state is the default");
    for expected in 1..=3u64 {
        let report = call(&mut chain, ALICE, COUNTER, "increment", vec![]);
        assert_eq!(success(&report), Vec::<u8>::new());
        assert!(report.outcome.gas_used > 0);
        assert_eq!(get(&mut chain), expected);
    }
    // The state is one borsh u64 under `count`.
    assert_eq!(
        chain.storage.contract_entries(&COUNTER),
        vec![(b"count".to_vec(), 3u64.to_le_bytes().to_vec())]
    );
    // `get` is also callable as a transaction; it writes nothing.
    let report = call(&mut chain, BOB, COUNTER, "get", vec![]);
    assert_eq!(decode::<u64>(&success(&report)), 3);
    assert!(report.writes.is_empty());
}

#[test]
fn counter_increment_in_a_view_traps_and_overflow_reverts() {
    let mut chain = Chain::empty(Config::default());
    install(&mut chain, COUNTER, "counter");
    call(&mut chain, ALICE, COUNTER, "increment", vec![]);
    let before = chain.storage.clone();
    let report = view(&mut chain, COUNTER, "increment", vec![]);
    assert_eq!(trapped(&report), TrapKind::ProhibitedInView);
    assert!(report.outcome.gas_used > 0);
    assert_eq!(chain.storage, before);

    use gasket_host_env::Storage as _;
    chain
        .storage
        .set(&COUNTER, b"count", &u64::MAX.to_le_bytes())
        .unwrap();
    expect_revert(
        &mut chain,
        ALICE,
        COUNTER,
        "increment",
        vec![],
        "counter overflow",
    );
}

// ------------------------------------------------------------------ token

const SUPPLY: u128 = 1_000_000;

fn token_chain() -> (Chain, gasket_host_env::Report) {
    let mut chain = Chain::empty(Config::default());
    let report = deploy(&mut chain, ALICE, TOKEN, "token", args(SUPPLY));
    (chain, report)
}

fn balance(chain: &mut Chain, account: Address) -> u128 {
    decode(&success(&view(chain, TOKEN, "balance_of", args(account))))
}

fn allowance(chain: &mut Chain, owner: Address, spender: Address) -> u128 {
    decode(&success(&view(
        chain,
        TOKEN,
        "allowance",
        args((owner, spender)),
    )))
}

/// A token transaction that must succeed.
fn token_tx(chain: &mut Chain, caller: Address, method: &str, input: Vec<u8>) {
    success(&call(chain, caller, TOKEN, method, input));
}

fn transfer_event(from: Address, to: Address, amount: u128) -> (Address, String, Vec<u8>) {
    (TOKEN, "transfer".into(), args((from, to, amount)))
}

#[test]
fn token_init_mints_the_supply_to_the_deployer() {
    let (mut chain, report) = token_chain();
    assert_eq!(
        events(&report),
        vec![transfer_event(Address::default(), ALICE, SUPPLY)]
    );
    assert_eq!(balance(&mut chain, ALICE), SUPPLY);
    assert_eq!(balance(&mut chain, BOB), 0);
    let total: u128 = decode(&success(&view(&mut chain, TOKEN, "total_supply", vec![])));
    assert_eq!(total, SUPPLY);
    // Storage layout of contracts/README.md: 0x00 → supply, 0x01‖account →
    // balance.
    let mut alice_key = vec![0x01];
    alice_key.extend_from_slice(&ALICE.0);
    assert_eq!(
        chain.storage.contract_entries(&TOKEN),
        vec![
            (vec![0x00], SUPPLY.to_le_bytes().to_vec()),
            (alice_key, SUPPLY.to_le_bytes().to_vec()),
        ]
    );

    // `init` runs only at deploy, and only once.
    let before = chain.storage.clone();
    let again = chain.call_as(BOB, TOKEN, "init", args(5u128), GAS, CallMode::Init);
    assert_eq!(reverted(&again), "already initialized");
    let as_call = call(&mut chain, BOB, TOKEN, "init", args(5u128));
    assert_eq!(trapped(&as_call), TrapKind::MethodNotFound);
    assert_eq!(chain.storage, before);
}

#[test]
fn token_before_init_is_not_initialized() {
    let mut chain = Chain::empty(Config::default());
    install(&mut chain, TOKEN, "token");
    let report = view(&mut chain, TOKEN, "total_supply", vec![]);
    assert_eq!(reverted(&report), "not initialized");
}

#[test]
fn token_transfer_moves_balances_and_emits() {
    let (mut chain, _) = token_chain();
    let report = call(&mut chain, ALICE, TOKEN, "transfer", args((BOB, 250u128)));
    success(&report);
    assert_eq!(events(&report), vec![transfer_event(ALICE, BOB, 250)]);
    assert_eq!(balance(&mut chain, ALICE), SUPPLY - 250);
    assert_eq!(balance(&mut chain, BOB), 250);
    // To oneself: no change, still an event.
    let report = call(&mut chain, BOB, TOKEN, "transfer", args((BOB, 100u128)));
    assert_eq!(events(&report), vec![transfer_event(BOB, BOB, 100)]);
    assert_eq!(balance(&mut chain, BOB), 250);
    // Everything: the zero balance becomes an absent key.
    token_tx(&mut chain, BOB, "transfer", args((CAROL, 250u128)));
    assert_eq!(balance(&mut chain, BOB), 0);
    let mut bob_key = vec![0x01];
    bob_key.extend_from_slice(&BOB.0);
    assert!(
        !chain
            .storage
            .contract_entries(&TOKEN)
            .iter()
            .any(|(k, _)| *k == bob_key)
    );
    let total: u128 = decode(&success(&view(&mut chain, TOKEN, "total_supply", vec![])));
    assert_eq!(total, SUPPLY);
}

#[test]
fn token_insufficient_balance_reverts_without_changes_but_costs_gas() {
    let (mut chain, _) = token_chain();
    token_tx(&mut chain, ALICE, "transfer", args((BOB, 10u128)));
    expect_revert(
        &mut chain,
        BOB,
        TOKEN,
        "transfer",
        args((CAROL, 11u128)),
        "insufficient balance",
    );
    // Malformed input: too short, and trailing bytes.
    expect_revert(
        &mut chain,
        BOB,
        TOKEN,
        "transfer",
        vec![1, 2, 3],
        "invalid input",
    );
    let mut long = args((CAROL, 1u128));
    long.push(0);
    expect_revert(&mut chain, BOB, TOKEN, "transfer", long, "invalid input");
}

#[test]
fn token_approve_and_transfer_from_spend_the_allowance() {
    let (mut chain, _) = token_chain();
    let report = call(&mut chain, ALICE, TOKEN, "approve", args((BOB, 300u128)));
    success(&report);
    assert_eq!(
        events(&report),
        vec![(TOKEN, "approval".into(), args((ALICE, BOB, 300u128)))]
    );
    assert_eq!(allowance(&mut chain, ALICE, BOB), 300);

    let report = call(
        &mut chain,
        BOB,
        TOKEN,
        "transfer_from",
        args((ALICE, CAROL, 120u128)),
    );
    success(&report);
    assert_eq!(events(&report), vec![transfer_event(ALICE, CAROL, 120)]);
    assert_eq!(allowance(&mut chain, ALICE, BOB), 180);
    assert_eq!(balance(&mut chain, CAROL), 120);
    assert_eq!(balance(&mut chain, ALICE), SUPPLY - 120);

    // More than the allowance.
    expect_revert(
        &mut chain,
        BOB,
        TOKEN,
        "transfer_from",
        args((ALICE, CAROL, 181u128)),
        "insufficient allowance",
    );
    // Someone without an allowance.
    expect_revert(
        &mut chain,
        CAROL,
        TOKEN,
        "transfer_from",
        args((ALICE, CAROL, 1u128)),
        "insufficient allowance",
    );

    // Enough allowance, not enough balance: the allowance write inside the
    // method is rolled back with the revert.
    token_tx(&mut chain, CAROL, "approve", args((BOB, 1_000u128)));
    expect_revert(
        &mut chain,
        BOB,
        TOKEN,
        "transfer_from",
        args((CAROL, BOB, 121u128)),
        "insufficient balance",
    );
    assert_eq!(allowance(&mut chain, CAROL, BOB), 1_000);

    // approve sets, it does not add.
    token_tx(&mut chain, ALICE, "approve", args((BOB, 5u128)));
    assert_eq!(allowance(&mut chain, ALICE, BOB), 5);
}

/// `transfer_from` of 0 reverts, allowance or not: otherwise anyone could
/// emit `transfer { from: victim }` events for any victim (address
/// poisoning: a fake entry in the victim's history, to a look-alike
/// address). `transfer` of 0 stays allowed: its `from` is the signer.
#[test]
fn token_transfer_from_of_zero_reverts() {
    let (mut chain, _) = token_chain();
    // Without an allowance (carol) and with one (bob): both revert.
    token_tx(&mut chain, ALICE, "approve", args((BOB, 300u128)));
    for signer in [CAROL, BOB] {
        let input = args((ALICE, CAROL, 0u128));
        expect_revert(
            &mut chain,
            signer,
            TOKEN,
            "transfer_from",
            input,
            "zero amount",
        );
    }
    assert_eq!(allowance(&mut chain, ALICE, BOB), 300);
    // A transfer of 0 by its owner succeeds (ERC-20 behaviour).
    let report = call(&mut chain, CAROL, TOKEN, "transfer", args((BOB, 0u128)));
    success(&report);
    assert_eq!(events(&report), vec![transfer_event(CAROL, BOB, 0)]);
}

#[test]
fn token_writes_in_a_view_trap_prohibited_in_view() {
    let (mut chain, _) = token_chain();
    let before = chain.storage.clone();
    for (method, input) in [
        ("transfer", args((BOB, 1u128))),
        ("approve", args((BOB, 1u128))),
    ] {
        let report = chain.call_as(ALICE, TOKEN, method, input, GAS, CallMode::View);
        assert_eq!(trapped(&report), TrapKind::ProhibitedInView, "{method}");
        assert!(report.outcome.gas_used > 0);
    }
    assert_eq!(chain.storage, before);
}

// --------------------------------------------------------------- registry

fn name(text: &str) -> Vec<u8> {
    args(text.to_string())
}

fn lookup(chain: &mut Chain, text: &str) -> Option<Address> {
    decode(&success(&view(chain, REGISTRY, "lookup", name(text))))
}

#[test]
fn registry_registers_looks_up_and_refuses_duplicates() {
    let mut chain = Chain::empty(Config::default());
    install(&mut chain, REGISTRY, "registry");
    assert_eq!(lookup(&mut chain, "alice"), None);
    let report = call(&mut chain, ALICE, REGISTRY, "register", name("alice"));
    success(&report);
    assert_eq!(
        events(&report),
        vec![(
            REGISTRY,
            "registered".into(),
            args(("alice".to_string(), ALICE))
        )]
    );
    assert_eq!(lookup(&mut chain, "alice"), Some(ALICE));
    success(&call(
        &mut chain,
        BOB,
        REGISTRY,
        "register",
        name("bob.v2_x-1"),
    ));
    assert_eq!(lookup(&mut chain, "bob.v2_x-1"), Some(BOB));

    // First come: a second registration of a name reverts, by anyone.
    let before = chain.storage.clone();
    for who in [BOB, ALICE] {
        expect_revert(
            &mut chain,
            who,
            REGISTRY,
            "register",
            name("alice"),
            "name taken",
        );
    }
    assert_eq!(chain.storage, before);
    assert_eq!(lookup(&mut chain, "alice"), Some(ALICE));
    // Names are 1-64 bytes of a-z 0-9 - _ . (lookup checks too).
    for bad in ["", "Alice", "a b", "é", &"x".repeat(65)] {
        let report = call(&mut chain, ALICE, REGISTRY, "register", name(bad));
        assert_eq!(reverted(&report), "invalid name", "{bad:?}");
        let report = view(&mut chain, REGISTRY, "lookup", name(bad));
        assert_eq!(reverted(&report), "invalid name", "{bad:?}");
    }
    success(&call(
        &mut chain,
        ALICE,
        REGISTRY,
        "register",
        name(&"x".repeat(64)),
    ));
    // Not UTF-8: the borsh String decoding refuses it.
    expect_revert(
        &mut chain,
        ALICE,
        REGISTRY,
        "register",
        args(vec![0xFFu8]),
        "invalid input",
    );
}

#[test]
fn registry_transfers_names_only_by_their_owner() {
    let mut chain = Chain::empty(Config::default());
    install(&mut chain, REGISTRY, "registry");
    success(&call(
        &mut chain,
        ALICE,
        REGISTRY,
        "register",
        name("alice"),
    ));
    let before = chain.storage.clone();
    expect_revert(
        &mut chain,
        BOB,
        REGISTRY,
        "transfer_name",
        args(("alice".to_string(), BOB)),
        "not the owner",
    );
    expect_revert(
        &mut chain,
        BOB,
        REGISTRY,
        "transfer_name",
        args(("nobody".to_string(), BOB)),
        "name not registered",
    );
    assert_eq!(chain.storage, before);

    let report = call(
        &mut chain,
        ALICE,
        REGISTRY,
        "transfer_name",
        args(("alice".to_string(), CAROL)),
    );
    success(&report);
    assert_eq!(
        events(&report),
        vec![(
            REGISTRY,
            "name_transferred".into(),
            args(("alice".to_string(), ALICE, CAROL))
        )]
    );
    assert_eq!(lookup(&mut chain, "alice"), Some(CAROL));
    let report = view(&mut chain, REGISTRY, "register", name("carol"));
    assert_eq!(trapped(&report), TrapKind::ProhibitedInView);
}

// ----------------------------------------------------------------- escrow

/// Deploys (by DAVE) the escrow at ESCROW for the token at TOKEN:
/// depositor ALICE, beneficiary BOB, arbiter CAROL.
fn deploy_escrow(chain: &mut Chain) {
    deploy(
        chain,
        DAVE,
        ESCROW,
        "escrow",
        args((TOKEN, ALICE, BOB, CAROL)),
    );
}

/// Token at TOKEN (ALICE holds the supply), escrow at ESCROW for it:
/// depositor ALICE, beneficiary BOB, arbiter CAROL.
fn escrow_chain() -> Chain {
    let (mut chain, _) = token_chain();
    deploy_escrow(&mut chain);
    chain
}

fn escrow_view<T: borsh::BorshDeserialize>(chain: &mut Chain, method: &str) -> T {
    decode(&success(&view(chain, ESCROW, method, vec![])))
}

fn escrow_event(topic: &str, who: Address, amount: u128) -> (Address, String, Vec<u8>) {
    (ESCROW, topic.into(), args((who, amount)))
}

/// Alice (the depositor) deposits 300: the token's event (emitted inside
/// the cross-contract call) comes first, then the escrow's.
fn deposit_300_from_alice(chain: &mut Chain) {
    let report = call(chain, ALICE, ESCROW, "deposit", args(300u128));
    success(&report);
    assert_eq!(
        events(&report),
        vec![
            transfer_event(ALICE, ESCROW, 300),
            escrow_event("deposited", ALICE, 300),
        ]
    );
}

#[test]
fn escrow_holds_deposits_and_releases_to_the_beneficiary() {
    let mut chain = escrow_chain();
    assert_eq!(escrow_view::<Address>(&mut chain, "token"), TOKEN);
    assert_eq!(escrow_view::<Address>(&mut chain, "beneficiary"), BOB);
    assert_eq!(escrow_view::<Address>(&mut chain, "arbiter"), CAROL);
    assert_eq!(escrow_view::<Address>(&mut chain, "depositor"), ALICE);
    assert_eq!(escrow_view::<u8>(&mut chain, "status"), 0);

    token_tx(&mut chain, ALICE, "approve", args((ESCROW, 500u128)));
    deposit_300_from_alice(&mut chain);
    assert_eq!(balance(&mut chain, ESCROW), 300);
    assert_eq!(balance(&mut chain, ALICE), SUPPLY - 300);
    assert_eq!(allowance(&mut chain, ALICE, ESCROW), 200);
    assert_eq!(escrow_view::<u128>(&mut chain, "amount"), 300);
    // The depositor may add.
    success(&call(&mut chain, ALICE, ESCROW, "deposit", args(200u128)));

    // Only the arbiter releases.
    for who in [ALICE, BOB] {
        expect_revert(
            &mut chain,
            who,
            ESCROW,
            "release",
            vec![],
            "only the arbiter",
        );
    }
    let report = call(&mut chain, CAROL, ESCROW, "release", vec![]);
    success(&report);
    assert_eq!(
        events(&report),
        vec![
            transfer_event(ESCROW, BOB, 500),
            escrow_event("released", BOB, 500),
        ]
    );
    assert_eq!(balance(&mut chain, BOB), 500);
    assert_eq!(balance(&mut chain, ESCROW), 0);
    assert_eq!(escrow_view::<u128>(&mut chain, "amount"), 0);
    assert_eq!(escrow_view::<u8>(&mut chain, "status"), 1);
    // Closed.
    let before = chain.storage.clone();
    for (who, method, input) in [
        (CAROL, "release", vec![]),
        (CAROL, "refund", vec![]),
        (ALICE, "deposit", args(1u128)),
    ] {
        let report = call(&mut chain, who, ESCROW, method, input);
        assert_eq!(reverted(&report), "escrow closed", "{method}");
    }
    assert_eq!(chain.storage, before);
}

/// The depositor is fixed at `init`: a stranger who approves the escrow
/// and deposits first cannot take the escrow over (before, `deposit(1)`
/// by anyone made them the depositor and locked the real one out until
/// the arbiter closed the escrow for good).
#[test]
fn escrow_refuses_a_strangers_deposit_and_takes_the_depositors() {
    let mut chain = escrow_chain();
    token_tx(&mut chain, ALICE, "transfer", args((DAVE, 50u128)));
    token_tx(&mut chain, DAVE, "approve", args((ESCROW, 50u128)));
    for who in [DAVE, BOB, CAROL] {
        expect_revert(
            &mut chain,
            who,
            ESCROW,
            "deposit",
            args(1u128),
            "only the depositor",
        );
    }
    assert_eq!(allowance(&mut chain, DAVE, ESCROW), 50);
    assert_eq!(balance(&mut chain, DAVE), 50);
    assert_eq!(escrow_view::<u128>(&mut chain, "amount"), 0);

    token_tx(&mut chain, ALICE, "approve", args((ESCROW, 300u128)));
    deposit_300_from_alice(&mut chain);
    assert_eq!(escrow_view::<u128>(&mut chain, "amount"), 300);
    assert_eq!(balance(&mut chain, ESCROW), 300);
    // Still only the depositor, after a deposit too.
    expect_revert(
        &mut chain,
        DAVE,
        ESCROW,
        "deposit",
        args(1u128),
        "only the depositor",
    );
}

#[test]
fn escrow_refunds_the_depositor() {
    let mut chain = escrow_chain();
    expect_revert(
        &mut chain,
        CAROL,
        ESCROW,
        "refund",
        vec![],
        "nothing to refund",
    );
    expect_revert(
        &mut chain,
        CAROL,
        ESCROW,
        "release",
        vec![],
        "nothing to release",
    );
    token_tx(&mut chain, ALICE, "approve", args((ESCROW, 70u128)));
    success(&call(&mut chain, ALICE, ESCROW, "deposit", args(70u128)));
    let report = call(&mut chain, CAROL, ESCROW, "refund", vec![]);
    success(&report);
    assert_eq!(
        events(&report),
        vec![
            transfer_event(ESCROW, ALICE, 70),
            escrow_event("refunded", ALICE, 70),
        ]
    );
    assert_eq!(balance(&mut chain, ALICE), SUPPLY);
    assert_eq!(escrow_view::<u8>(&mut chain, "status"), 2);
}

#[test]
fn escrow_failed_token_calls_revert_everything() {
    let mut chain = escrow_chain();
    let before = chain.storage.clone();
    // No allowance: the token reverts, the escrow reverts with its reason.
    expect_revert(
        &mut chain,
        ALICE,
        ESCROW,
        "deposit",
        args(10u128),
        "token.transfer_from reverted: insufficient allowance",
    );
    assert_eq!(
        reverted(&call(&mut chain, ALICE, ESCROW, "deposit", args(0u128))),
        "zero amount"
    );
    assert_eq!(chain.storage, before);

    // Allowance but no balance: the token's allowance write is rolled back
    // by its own revert, and the escrow records nothing.
    token_tx(&mut chain, ALICE, "approve", args((ESCROW, SUPPLY + 1)));
    expect_revert(
        &mut chain,
        ALICE,
        ESCROW,
        "deposit",
        args(SUPPLY + 1),
        "token.transfer_from reverted: insufficient balance",
    );
    assert_eq!(allowance(&mut chain, ALICE, ESCROW), SUPPLY + 1);
    assert_eq!(escrow_view::<u128>(&mut chain, "amount"), 0);

    // The token call itself fails (its gas runs out): "failed", and the
    // whole call changes nothing but costs what it used.
    token_tx(&mut chain, ALICE, "approve", args((ESCROW, 10u128)));
    let before = chain.storage.clone();
    let starving = escrow_gas_that_starves_the_token(&mut chain);
    let report = chain.call_as(
        ALICE,
        ESCROW,
        "deposit",
        args(10u128),
        starving,
        CallMode::Call,
    );
    assert_eq!(reverted(&report), "token.transfer_from failed");
    assert!(report.outcome.gas_used <= starving);
    assert_eq!(chain.storage, before);
}

/// A gas limit at which `deposit` reaches the token call but the token
/// runs out: the gas a successful deposit uses. With exactly that much, the
/// escrow keeps its 200,000-gas reserve back from the call, so the token
/// gets less than it needed (the escrow's work after the call costs less
/// than the reserve).
fn escrow_gas_that_starves_the_token(chain: &mut Chain) -> u64 {
    let mut trial = chain.clone();
    let report = call(&mut trial, ALICE, ESCROW, "deposit", args(10u128));
    success(&report);
    report.outcome.gas_used
}

#[test]
fn escrow_with_a_missing_or_wrong_token_fails_cleanly() {
    let mut chain = Chain::empty(Config::default());
    // The token address holds nothing; then a counter (no transfer_from).
    deploy_escrow(&mut chain);
    for token in [None, Some("counter")] {
        if let Some(name) = token {
            install(&mut chain, TOKEN, name);
        }
        let reason = "token.transfer_from failed";
        expect_revert(&mut chain, ALICE, ESCROW, "deposit", args(5u128), reason);
    }
    let before = chain.storage.clone();
    let report = chain.call_as(
        DAVE,
        ESCROW,
        "init",
        args((TOKEN, ALICE, BOB, CAROL)),
        GAS,
        CallMode::Init,
    );
    assert_eq!(reverted(&report), "already initialized");
    assert_eq!(chain.storage, before);
}

/// A token with a hook: `transfer_from` and `transfer` call back into
/// their caller (the escrow) and emit what its `amount` or `status` view
/// returns, as event `"seen"`. It moves no tokens.
const HOOKED_TOKEN: &str = r#"
(module
  (import "env" "caller" (func $caller (param i32)))
  (import "env" "call" (func $call (param i32 i32 i32 i32 i32 i64) (result i32)))
  (import "env" "result_len" (func $result_len (result i32)))
  (import "env" "result_read" (func $result_read (param i32)))
  (import "env" "emit_event" (func $emit_event (param i32 i32 i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "amount")
  (data (i32.const 80) "status")
  (data (i32.const 96) "seen")
  (func $peek (param $method i32)
    (call $caller (i32.const 0))
    (if (call $call (i32.const 0) (local.get $method) (i32.const 6)
                    (i32.const 0) (i32.const 0) (i64.const 2000000))
      (then unreachable))
    (call $result_read (i32.const 128))
    (call $emit_event (i32.const 96) (i32.const 4) (i32.const 128) (call $result_len)))
  (func (export "transfer_from") (call $peek (i32.const 64)))
  (func (export "transfer") (call $peek (i32.const 80))))
"#;

/// A chain with [`HOOKED_TOKEN`] at `TOKEN` and an escrow over it at
/// `ESCROW` (depositor alice, beneficiary bob, arbiter carol).
fn escrow_over_the_hooked_token() -> Chain {
    let mut chain = Chain::empty(Config::default());
    let wasm = wat::parse_str(HOOKED_TOKEN).unwrap();
    let module = common::compile(&wasm, &chain.config, &gasket_host_env::Capabilities::all());
    chain.contracts.insert(
        TOKEN,
        gasket_host_env::Contract {
            module,
            views: None,
            wasm_bytes: wasm.len() as u64,
        },
    );
    deploy_escrow(&mut chain);
    chain
}

/// A token that moves nothing lets deposits add up past any real
/// supply: the escrow reverts instead of wrapping what it holds.
#[test]
fn escrow_deposits_past_u128_max_revert() {
    let mut chain = escrow_over_the_hooked_token();
    success(&call(&mut chain, ALICE, ESCROW, "deposit", args(u128::MAX)));
    expect_revert(
        &mut chain,
        ALICE,
        ESCROW,
        "deposit",
        args(1u128),
        "amount overflow",
    );
}

/// The escrow writes its new state before it calls the token, so a token
/// that calls back (re-entrancy) sees the deposit counted and the escrow
/// closed, not the state from before the method (which a `&mut self`
/// method would show: the macro writes it back only after the method).
#[test]
fn escrow_saves_its_state_before_calling_the_token() {
    let mut chain = escrow_over_the_hooked_token();
    let seen = |report: &gasket_host_env::Report| -> Vec<u8> {
        success(report);
        let events = events(report);
        assert_eq!(events[0].0, TOKEN, "{events:?}");
        assert_eq!(events[0].1, "seen", "{events:?}");
        events[0].2.clone()
    };
    let report = call(&mut chain, ALICE, ESCROW, "deposit", args(300u128));
    assert_eq!(seen(&report), args(300u128), "amount during the deposit");
    let report = call(&mut chain, ALICE, ESCROW, "deposit", args(5u128));
    assert_eq!(seen(&report), args(305u128), "amount during the deposit");
    let report = call(&mut chain, CAROL, ESCROW, "release", vec![]);
    assert_eq!(seen(&report), args(1u8), "status during the release");
}

// ------------------------------------------------- the release profile

/// `contracts/Cargo.toml`'s release profile has `overflow-checks = true`:
/// a plain `+` that overflows (probe's `add`) ends in the SDK's panic
/// handler, a revert naming it, not a silently wrapped result.
#[test]
fn integer_overflow_in_a_contract_reverts_with_a_panic() {
    let mut chain = Chain::empty(Config::default());
    install(&mut chain, SUBJECT, "probe");
    let report = call(&mut chain, ALICE, SUBJECT, "add", args((40u64, 2u64)));
    assert_eq!(decode::<u64>(&success(&report)), 42);
    expect_revert(
        &mut chain,
        ALICE,
        SUBJECT,
        "add",
        args((u64::MAX, 1u64)),
        "panic: attempt to add with overflow",
    );
}

// ------------------------------------------------------------ adversarial

#[test]
fn cpu_loop_runs_out_of_gas_using_the_whole_limit() {
    let mut chain = Chain::empty(Config::default());
    install(&mut chain, SUBJECT, "cpu_loop");
    for (method, limit) in [("run", 3_000_000), ("run_host", 3_000_000), ("run", 1)] {
        let report = chain.call_as(ALICE, SUBJECT, method, vec![], limit, CallMode::Call);
        assert_eq!(trapped(&report), TrapKind::OutOfGas, "{method}");
        assert_eq!(report.outcome.gas_used, limit, "{method}");
    }
}

/// The page count `memory_bomb` returns (u32 LE).
fn pages(data: &[u8]) -> u32 {
    u32::from_le_bytes(data.try_into().expect("4 bytes"))
}

#[test]
fn memory_bomb_grows_until_refused_at_the_page_limit() {
    let mut chain = Chain::empty(Config::default());
    install(&mut chain, SUBJECT, "memory_bomb");
    let max = Config::default().limits.memory_pages;
    let report = call(&mut chain, ALICE, SUBJECT, "run", vec![]);
    assert_eq!(pages(&success(&report)), max);
    expect_revert(
        &mut chain,
        ALICE,
        SUBJECT,
        "run_revert",
        vec![],
        &format!("memory refused at {max} pages"),
    );
    // One grow of 65,536 pages (4 GiB): the per-page gas is charged up
    // front, refused or not, so it needs that much gas ...
    let per_page = u64::from(Config::default().costs.memory_grow_per_page);
    let report = call(&mut chain, ALICE, SUBJECT, "grow_huge", vec![]);
    assert!(GAS < 65_536 * per_page);
    assert_eq!(trapped(&report), TrapKind::OutOfGas);
    // ... and with it, the grow returns -1.
    let gas = 65_536 * per_page + 1_000_000;
    let report = chain.call_as(ALICE, SUBJECT, "grow_huge", vec![], gas, CallMode::Call);
    assert_eq!(i32::from_le_bytes(success(&report).try_into().unwrap()), -1);

    // The node's limit, not the module's: a lower one refuses earlier.
    let mut config = Config::default();
    config.limits.memory_pages = 40;
    let mut small = Chain::empty(config);
    install(&mut small, SUBJECT, "memory_bomb");
    let report = call(&mut small, ALICE, SUBJECT, "run", vec![]);
    assert_eq!(pages(&success(&report)), 40);
    // Growing costs gas: with little gas the bomb runs out first.
    let report = chain.call_as(ALICE, SUBJECT, "run", vec![], 50_000, CallMode::Call);
    assert_eq!(trapped(&report), TrapKind::OutOfGas);
    assert_eq!(report.outcome.gas_used, 50_000);
}

#[test]
fn deep_recursion_ends_in_stack_overflow() {
    let mut chain = Chain::empty(Config::default());
    install(&mut chain, SUBJECT, "deep_recursion");
    for method in ["run", "run_mutual"] {
        let report = call(&mut chain, ALICE, SUBJECT, method, vec![]);
        assert_eq!(trapped(&report), TrapKind::StackOverflow, "{method}");
        assert!(report.outcome.gas_used < GAS, "{method}");
    }
}

/// Every method of `host_abuse` (its doc table) and how it must end.
const HOST_ABUSE: [(&str, TrapKind); 18] = {
    const MOOB: TrapKind = TrapKind::MemoryOutOfBounds;
    [
        ("ptr_past_end", MOOB),
        ("ptr_at_end", MOOB),
        ("range_straddles_end", MOOB),
        ("len_wraps", MOOB),
        // A length near 4 GiB: this host checks the return-data limit first
        // (also safe; success would be the bug).
        (
            "huge_len_wraps",
            TrapKind::LimitExceeded(gasket_host_env::AbiLimit::ReturnDataBytes),
        ),
        ("write_past_end", MOOB),
        ("write_ptr_wraps", MOOB),
        ("key_past_end", MOOB),
        ("value_len_wraps", MOOB),
        ("read_into_past_end", MOOB),
        ("input_read_past_end", MOOB),
        ("blake3_src_wraps", MOOB),
        ("blake3_dst_past_end", MOOB),
        ("event_topic_past_end", MOOB),
        ("log_past_end", MOOB),
        ("revert_past_end", MOOB),
        ("call_addr_past_end", MOOB),
        ("call_method_wraps", MOOB),
    ]
};

#[test]
fn host_abuse_bad_pointers_trap_memory_out_of_bounds() {
    let mut chain = Chain::empty(Config::default());
    install(&mut chain, SUBJECT, "host_abuse");
    install(&mut chain, COUNTER, "counter");
    let before = chain.storage.clone();
    for (method, expected) in HOST_ABUSE {
        // `input_read_past_end` needs at least 3 bytes of input.
        let report = call(&mut chain, ALICE, SUBJECT, method, vec![9; 8]);
        assert_eq!(trapped(&report), expected, "{method}");
        assert!(report.outcome.gas_used > 0, "{method}");
        // A view fails the same way where it gets that far.
        let report = chain.call_as(ALICE, SUBJECT, method, vec![9; 8], GAS, CallMode::View);
        assert!(
            matches!(
                report.outcome.status,
                gasket_host_env::Status::Trapped(kind)
                    if kind == expected || kind == TrapKind::ProhibitedInView
            ),
            "{method} in a view: {:?}",
            report.outcome.status
        );
    }
    assert_eq!(chain.storage, before, "nothing written");
    // The table covers every method of the module.
    use gasket_host_env::Contracts as _;
    let subject = chain.contracts.contract(&SUBJECT).unwrap().unwrap();
    let exported: std::collections::BTreeSet<String> = subject
        .module
        .info()
        .exports
        .iter()
        .filter(|e| e.kind == gasket_metering::ExportKind::Func && !e.name.starts_with("__gasket"))
        .map(|e| e.name.clone())
        .collect();
    let tested: std::collections::BTreeSet<String> =
        HOST_ABUSE.iter().map(|(m, _)| m.to_string()).collect();
    assert_eq!(exported, tested);
}

/// Whether `op` is the opcode of a float instruction: loads, stores,
/// consts, comparisons, arithmetic, truncations, conversions.
fn is_float_opcode(op: u8) -> bool {
    matches!(
        op,
        0x2a | 0x2b | 0x38 | 0x39 | 0x43 | 0x44 | 0x5b..=0x66 | 0x8b..=0xa6
            | 0xa8..=0xab | 0xae..=0xb1 | 0xb2..=0xbf
    )
}

#[test]
fn floaty_is_rejected_at_deploy_naming_instruction_function_and_offset() {
    let wasm = wasm("floaty");
    let err = gasket_host_env::Capabilities::all()
        .prepare(&wasm, &Config::default())
        .expect_err("floats must be rejected");
    let gasket_metering::ErrorKind::Unsupported { feature, what } = err.kind() else {
        panic!("expected an unsupported-float error, got {err}");
    };
    assert_eq!(*feature, gasket_metering::Feature::Float, "{err}");
    assert!(what.starts_with("instruction f64."), "{err}");
    let function = err.function().expect("a function index");
    let offset = err.offset() as usize;
    let text = err.to_string();
    assert!(
        text.starts_with("unsupported float instruction f64.")
            && text.ends_with(&format!("in function {function} at offset {offset:#x}")),
        "{text}"
    );
    // The offset is that instruction's opcode, inside that function's body.
    assert!(
        is_float_opcode(wasm[offset]),
        "{text}: byte {:#x}",
        wasm[offset]
    );
    let mut imported = 0;
    let mut bodies = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(&wasm) {
        match payload.unwrap() {
            wasmparser::Payload::ImportSection(imports) => {
                for import in imports.into_imports() {
                    if matches!(import.unwrap().ty, wasmparser::TypeRef::Func(_)) {
                        imported += 1;
                    }
                }
            }
            wasmparser::Payload::CodeSectionEntry(body) => bodies.push(body.range()),
            _ => {}
        }
    }
    let body = &bodies[function as usize - imported];
    assert!(body.contains(&err.offset()), "{text}: body {body:?}");
}

// ------------------------------------------------------------ determinism

/// One call of the determinism sequence.
type Step = (Address, Address, &'static str, Vec<u8>, u64, CallMode);

/// Deploys everything with `engine` and runs a fixed sequence touching
/// every example and adversarial path: successes, reverts, traps, out of
/// gas, cross-contract calls.
fn run_sequence(engine: &gasket_vm::Engine) -> (Vec<gasket_host_env::Report>, Chain) {
    let mut chain = Chain::empty(Config::default());
    for (address, name) in [
        (TOKEN, "token"),
        (ESCROW, "escrow"),
        (COUNTER, "counter"),
        (REGISTRY, "registry"),
        (Address([1; 32]), "cpu_loop"),
        (Address([2; 32]), "memory_bomb"),
        (Address([3; 32]), "deep_recursion"),
        (Address([4; 32]), "host_abuse"),
    ] {
        let module = compile_with(name, &chain, engine);
        install_module(&mut chain, address, name, module);
    }
    let steps: Vec<Step> = vec![
        (ALICE, TOKEN, "init", args(SUPPLY), GAS, CallMode::Init),
        (
            DAVE,
            ESCROW,
            "init",
            args((TOKEN, ALICE, BOB, CAROL)),
            GAS,
            CallMode::Init,
        ),
        (
            ALICE,
            TOKEN,
            "transfer",
            args((BOB, 40u128)),
            GAS,
            CallMode::Call,
        ),
        (
            BOB,
            TOKEN,
            "transfer",
            args((CAROL, 41u128)),
            GAS,
            CallMode::Call,
        ),
        (
            ALICE,
            TOKEN,
            "approve",
            args((ESCROW, 900u128)),
            GAS,
            CallMode::Call,
        ),
        (ALICE, ESCROW, "deposit", args(600u128), GAS, CallMode::Call),
        (ALICE, ESCROW, "deposit", args(400u128), GAS, CallMode::Call),
        (
            ALICE,
            ESCROW,
            "deposit",
            args(1u128),
            150_000,
            CallMode::Call,
        ),
        (BOB, ESCROW, "deposit", args(1u128), GAS, CallMode::Call),
        (BOB, ESCROW, "release", vec![], GAS, CallMode::Call),
        (CAROL, ESCROW, "release", vec![], GAS, CallMode::Call),
        (DAVE, TOKEN, "balance_of", args(BOB), GAS, CallMode::View),
        (
            DAVE,
            TOKEN,
            "transfer",
            args((BOB, 1u128)),
            GAS,
            CallMode::View,
        ),
        (ALICE, COUNTER, "increment", vec![], GAS, CallMode::Call),
        (ALICE, COUNTER, "increment", vec![], 2_000, CallMode::Call),
        (ALICE, COUNTER, "get", vec![], GAS, CallMode::View),
        (
            ALICE,
            REGISTRY,
            "register",
            args("gasket".to_string()),
            GAS,
            CallMode::Call,
        ),
        (
            BOB,
            REGISTRY,
            "register",
            args("gasket".to_string()),
            GAS,
            CallMode::Call,
        ),
        (
            ALICE,
            Address([1; 32]),
            "run_host",
            vec![],
            500_000,
            CallMode::Call,
        ),
        (ALICE, Address([2; 32]), "run", vec![], GAS, CallMode::Call),
        (
            ALICE,
            Address([3; 32]),
            "run_mutual",
            vec![],
            GAS,
            CallMode::Call,
        ),
        (
            ALICE,
            Address([4; 32]),
            "blake3_src_wraps",
            vec![],
            GAS,
            CallMode::Call,
        ),
    ];
    let reports = steps
        .into_iter()
        .map(|(caller, to, method, input, gas, mode)| {
            chain.call_as(caller, to, method, input, gas, mode)
        })
        .collect();
    (reports, chain)
}

#[test]
fn the_same_sequence_gives_the_same_outcomes_gas_and_storage() {
    let engine = common::engine();
    let (first, first_chain) = run_sequence(&engine);
    let (second, second_chain) = run_sequence(&common::engine());
    assert_eq!(first, second);
    assert_eq!(first_chain.storage, second_chain.storage);
    // Gas comes from the instrumentation, not from the code generator:
    // Cranelift's optimiser off gives the same outcomes to the unit, and
    // so does the code with the CPU's extensions (a node that opts in:
    // rotates, and-nots and bit counts are other instructions in these
    // hashes and signatures).
    for config in [
        gasket_vm::EngineConfig {
            opt_level: gasket_vm::OptLevel::None,
            ..Default::default()
        },
        gasket_vm::EngineConfig {
            cpu_features: gasket_vm::CpuFeatures::Host,
            ..Default::default()
        },
    ] {
        let (other, other_chain) = run_sequence(&gasket_vm::Engine::new(config).unwrap());
        assert_eq!(first, other);
        assert_eq!(first_chain.storage, other_chain.storage);
    }
    // So does the single-pass allocator, on either code (the baseline's
    // larger frames need a thread with more than 4 MiB of stack).
    let single_pass_runs = std::thread::Builder::new()
        .stack_size(16 << 20)
        .spawn(|| {
            [
                gasket_vm::CpuFeatures::Baseline,
                gasket_vm::CpuFeatures::Host,
            ]
            .map(|cpu_features| {
                let config = gasket_vm::EngineConfig {
                    cpu_features,
                    ..gasket_vm::EngineConfig::baseline()
                };
                run_sequence(&gasket_vm::Engine::new(config).unwrap())
            })
        })
        .unwrap()
        .join()
        .unwrap();
    for (single_pass, single_pass_chain) in single_pass_runs {
        assert_eq!(first, single_pass);
        assert_eq!(first_chain.storage, single_pass_chain.storage);
    }
    // The sequence really covers every kind of ending.
    let labels: std::collections::BTreeSet<&str> =
        first.iter().map(|r| r.outcome.status.label()).collect();
    assert_eq!(labels, ["reverted", "success", "trapped"].into());
}

// -------------------------------------------------------------- ABI, size

/// The methods the tests call, with the view flag each ABI must give.
const ABI_METHODS: [(&str, &[(&str, bool)]); 4] = [
    ("counter", &[("increment", false), ("get", true)]),
    (
        "token",
        &[
            ("init", false),
            ("transfer", false),
            ("approve", false),
            ("transfer_from", false),
            ("balance_of", true),
            ("allowance", true),
            ("total_supply", true),
        ],
    ),
    (
        "registry",
        &[
            ("register", false),
            ("lookup", true),
            ("transfer_name", false),
        ],
    ),
    (
        "escrow",
        &[
            ("init", false),
            ("deposit", false),
            ("release", false),
            ("refund", false),
            ("token", true),
            ("beneficiary", true),
            ("arbiter", true),
            ("depositor", true),
            ("amount", true),
            ("status", true),
        ],
    ),
];

#[test]
fn every_example_describes_its_methods_in_gasket_abi() {
    for (name, expected) in ABI_METHODS {
        let abi = abi(&wasm(name)).unwrap_or_else(|| panic!("{name}: no gasket.abi section"));
        assert_eq!(abi["abi"], 1, "{name}");
        let methods = abi["methods"].as_array().expect("methods");
        for (method, is_view) in expected {
            let entry = methods
                .iter()
                .find(|m| m["name"] == *method)
                .unwrap_or_else(|| panic!("{name}: {method} missing from gasket.abi"));
            assert_eq!(entry["view"], *is_view, "{name}.{method}");
            assert!(entry["args"].is_array(), "{name}.{method}");
        }
        // Every method the ABI lists is exported (no more, no less).
        let listed: std::collections::BTreeSet<&str> = methods
            .iter()
            .map(|m| m["name"].as_str().unwrap())
            .collect();
        let exported: std::collections::BTreeSet<String> = wasmparser::Parser::new(0)
            .parse_all(&wasm(name))
            .filter_map(|p| match p.unwrap() {
                wasmparser::Payload::ExportSection(s) => Some(s),
                _ => None,
            })
            .flat_map(|s| s.into_iter().map(|e| e.unwrap()))
            .filter(|e| e.kind == wasmparser::ExternalKind::Func)
            .map(|e| e.name.to_string())
            .collect();
        let exported: std::collections::BTreeSet<&str> =
            exported.iter().map(String::as_str).collect();
        assert_eq!(listed, exported, "{name}");
    }
    // The argument encodings the tests use are the ones the ABI states.
    let token = abi(&wasm("token")).unwrap();
    let transfer_from = token["methods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "transfer_from")
        .unwrap();
    assert_eq!(
        transfer_from["args"],
        serde_json::json!([
            {"name": "from", "type": "address"},
            {"name": "to", "type": "address"},
            {"name": "amount", "type": "u128"},
        ])
    );
    let topics: Vec<&str> = token["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["topic"].as_str().unwrap())
        .collect();
    assert_eq!(topics, ["transfer", "approval"]);
}

/// Every contract `contracts/build.sh` builds.
const ALL_CONTRACTS: [&str; 10] = [
    "counter",
    "token",
    "registry",
    "escrow",
    "probe",
    "floaty",
    "cpu_loop",
    "memory_bomb",
    "deep_recursion",
    "host_abuse",
];

#[test]
fn token_is_at_most_30_kb() {
    // Sizes as `cargo test -- --nocapture` shows them (build.sh prints the
    // same table).
    for name in ALL_CONTRACTS {
        let bytes = wasm(name).len();
        let abi = abi_section(&wasm(name)).map_or(0, |s| s.len());
        println!("{name:<15} {bytes:>8} bytes (gasket.abi {abi})");
    }
    let token = wasm("token").len();
    assert!(token <= 30_000, "token.wasm is {token} bytes, over 30 KB");
}
