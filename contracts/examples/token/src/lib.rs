//! Token: a fungible token (ERC-20 style) on Gasket.
//!
//! # Methods
//!
//! Arguments are the borsh encoding of the struct named below (fields in
//! order); results are borsh. All amounts are `u128`, addresses 32 bytes.
//!
//! | method | input | result |
//! |---|---|---|
//! | `init` | `{ total_supply: u128 }` | — (mints it all to the caller) |
//! | `transfer` | `{ to: Address, amount: u128 }` | — |
//! | `approve` | `{ spender: Address, amount: u128 }` | — (sets, does not add) |
//! | `transfer_from` | `{ from: Address, to: Address, amount: u128 }` | — (caller spends `from`'s allowance) |
//! | `balance_of` (view) | `{ account: Address }` | `u128` |
//! | `allowance` (view) | `{ owner: Address, spender: Address }` | `u128` |
//! | `total_supply` (view) | — | `u128` |
//!
//! Reverts: `"invalid input"` (input does not decode), `"already
//! initialized"`, `"not initialized"`, `"insufficient balance"`,
//! `"insufficient allowance"`.
//!
//! # Events
//!
//! - topic `"transfer"`, data borsh `{ from: Address, to: Address, amount: u128 }`;
//!   `init` emits one from the zero address.
//! - topic `"approval"`, data borsh `{ owner: Address, spender: Address, amount: u128 }`.
//!
//! # Storage layout
//!
//! Every value is a borsh `u128` (16 bytes, little-endian). A zero balance or
//! allowance is stored as an absent key.
//!
//! | key | bytes | value |
//! |---|---|---|
//! | `0x00` | 1 | total supply (present once initialised) |
//! | `0x01 ‖ account` | 33 | balance of `account` |
//! | `0x02 ‖ owner ‖ spender` | 65 | allowance of `spender` over `owner`'s tokens |

#![no_std]

use borsh::{BorshDeserialize, BorshSerialize};
use gasket_sdk::{Address, caller, emit_event, input_borsh, return_borsh, revert, storage};

gasket_sdk::abi!(
    r#"{"abi":1,"methods":[
{"name":"init","view":false,"args":[{"name":"total_supply","type":"u128"}],"result":null},
{"name":"transfer","view":false,"args":[{"name":"to","type":"address"},{"name":"amount","type":"u128"}],"result":null},
{"name":"approve","view":false,"args":[{"name":"spender","type":"address"},{"name":"amount","type":"u128"}],"result":null},
{"name":"transfer_from","view":false,"args":[{"name":"from","type":"address"},{"name":"to","type":"address"},{"name":"amount","type":"u128"}],"result":null},
{"name":"balance_of","view":true,"args":[{"name":"account","type":"address"}],"result":"u128"},
{"name":"allowance","view":true,"args":[{"name":"owner","type":"address"},{"name":"spender","type":"address"}],"result":"u128"},
{"name":"total_supply","view":true,"args":[],"result":"u128"}
],"events":[
{"topic":"transfer","fields":[{"name":"from","type":"address"},{"name":"to","type":"address"},{"name":"amount","type":"u128"}]},
{"topic":"approval","fields":[{"name":"owner","type":"address"},{"name":"spender","type":"address"},{"name":"amount","type":"u128"}]}
]}"#
);

const TOTAL_SUPPLY: u8 = 0x00;
const BALANCE: u8 = 0x01;
const ALLOWANCE: u8 = 0x02;

fn balance_key(account: &Address) -> [u8; 33] {
    let mut k = [0u8; 33];
    k[0] = BALANCE;
    k[1..].copy_from_slice(&account.0);
    k
}

fn allowance_key(owner: &Address, spender: &Address) -> [u8; 65] {
    let mut k = [0u8; 65];
    k[0] = ALLOWANCE;
    k[1..33].copy_from_slice(&owner.0);
    k[33..].copy_from_slice(&spender.0);
    k
}

/// Reads a `u128` (absent = 0).
fn load(key: &[u8]) -> u128 {
    storage::get(key).unwrap_or(0)
}

/// Writes a `u128`, removing the key for 0.
fn store(key: &[u8], value: u128) {
    if value == 0 {
        storage::remove(key);
    } else {
        storage::set(key, &value);
    }
}

fn total_supply_value() -> u128 {
    match storage::get(&[TOTAL_SUPPLY]) {
        Some(v) => v,
        None => revert("not initialized"),
    }
}

/// Moves `amount` from `from` to `to` and emits `"transfer"`.
fn move_tokens(from: &Address, to: &Address, amount: u128) {
    let from_key = balance_key(from);
    let Some(rest) = load(&from_key).checked_sub(amount) else {
        revert("insufficient balance")
    };
    store(&from_key, rest);
    // Read `to` after writing `from`, so a transfer to oneself is a no-op.
    let to_key = balance_key(to);
    // Cannot overflow: balances sum to the total supply, a u128.
    store(&to_key, load(&to_key).wrapping_add(amount));
    emit_transfer(from, to, amount);
}

#[derive(BorshSerialize)]
struct TransferEvent<'a> {
    from: &'a Address,
    to: &'a Address,
    amount: u128,
}

fn emit_transfer(from: &Address, to: &Address, amount: u128) {
    let data = borsh::to_vec(&TransferEvent { from, to, amount }).unwrap_or_default();
    emit_event(b"transfer", &data);
}

#[derive(BorshSerialize)]
struct ApprovalEvent<'a> {
    owner: &'a Address,
    spender: &'a Address,
    amount: u128,
}

#[derive(BorshDeserialize)]
struct InitArgs {
    total_supply: u128,
}

/// Sets the total supply and mints it to the caller. Runs once, at deploy.
#[unsafe(no_mangle)]
pub extern "C" fn init() {
    let args: InitArgs = input_borsh();
    if storage::contains(&[TOTAL_SUPPLY]) {
        revert("already initialized");
    }
    let owner = Address(caller());
    storage::set(&[TOTAL_SUPPLY], &args.total_supply);
    store(&balance_key(&owner), args.total_supply);
    emit_transfer(&Address::ZERO, &owner, args.total_supply);
}

#[derive(BorshDeserialize)]
struct TransferArgs {
    to: Address,
    amount: u128,
}

/// Moves `amount` of the caller's tokens to `to`.
#[unsafe(no_mangle)]
pub extern "C" fn transfer() {
    let args: TransferArgs = input_borsh();
    move_tokens(&Address(caller()), &args.to, args.amount);
}

#[derive(BorshDeserialize)]
struct ApproveArgs {
    spender: Address,
    amount: u128,
}

/// Lets `spender` move up to `amount` of the caller's tokens (replaces any
/// previous allowance).
#[unsafe(no_mangle)]
pub extern "C" fn approve() {
    let args: ApproveArgs = input_borsh();
    let owner = Address(caller());
    store(&allowance_key(&owner, &args.spender), args.amount);
    let data = borsh::to_vec(&ApprovalEvent {
        owner: &owner,
        spender: &args.spender,
        amount: args.amount,
    })
    .unwrap_or_default();
    emit_event(b"approval", &data);
}

#[derive(BorshDeserialize)]
struct TransferFromArgs {
    from: Address,
    to: Address,
    amount: u128,
}

/// Moves `amount` of `from`'s tokens to `to`, spending the caller's allowance.
#[unsafe(no_mangle)]
pub extern "C" fn transfer_from() {
    let args: TransferFromArgs = input_borsh();
    let key = allowance_key(&args.from, &Address(caller()));
    let Some(rest) = load(&key).checked_sub(args.amount) else {
        revert("insufficient allowance")
    };
    store(&key, rest);
    move_tokens(&args.from, &args.to, args.amount);
}

#[derive(BorshDeserialize)]
struct BalanceOfArgs {
    account: Address,
}

/// Returns the balance of `account` (borsh `u128`).
#[unsafe(no_mangle)]
pub extern "C" fn balance_of() {
    let args: BalanceOfArgs = input_borsh();
    return_borsh(&load(&balance_key(&args.account)));
}

#[derive(BorshDeserialize)]
struct AllowanceArgs {
    owner: Address,
    spender: Address,
}

/// Returns how much `spender` may still move of `owner`'s tokens (borsh `u128`).
#[unsafe(no_mangle)]
pub extern "C" fn allowance() {
    let args: AllowanceArgs = input_borsh();
    return_borsh(&load(&allowance_key(&args.owner, &args.spender)));
}

/// Returns the total supply (borsh `u128`).
#[unsafe(no_mangle)]
pub extern "C" fn total_supply() {
    return_borsh(&total_supply_value());
}
