//! Token: a fungible token (ERC-20 style) on Gasket, written with
//! `#[gasket_sdk::contract]`.
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
//! | `transfer_from` | `{ from: Address, to: Address, amount: u128 }` | — (caller spends `from`'s allowance; 0 reverts) |
//! | `balance_of` (view) | `{ account: Address }` | `u128` |
//! | `allowance` (view) | `{ owner: Address, spender: Address }` | `u128` |
//! | `total_supply` (view) | — | `u128` |
//!
//! Reverts: `"invalid input"` (input does not decode), `"already
//! initialized"`, `"not initialized"`, `"insufficient balance"`,
//! `"insufficient allowance"`, `"zero amount"` (`transfer_from` of 0).
//!
//! # Zero amounts
//!
//! `transfer_from` of 0 reverts `"zero amount"`, before the allowance is
//! looked at: it would otherwise succeed for anyone, allowance or not, and
//! emit a `"transfer"` event with any victim as `from` (address poisoning:
//! a fake entry in the victim's history, to an address that looks like one
//! they use). `transfer` of 0 succeeds (ERC-20 behaviour): its `from` is the
//! signer, who can only write into their own history.
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
//! allowance is stored as an absent key. The contract state of the macro,
//! [`Token`], is stored under key `0x00`: its borsh encoding is the total
//! supply's `u128`, so the layout is the one of the hand-written version.
//! Balances and allowances live under their own keys, outside the state, so
//! `transfer` and friends are static methods that do not load it.
//!
//! | key | bytes | value |
//! |---|---|---|
//! | `0x00` | 1 | total supply (present once initialised) |
//! | `0x01 ‖ account` | 33 | balance of `account` |
//! | `0x02 ‖ owner ‖ spender` | 65 | allowance of `spender` over `owner`'s tokens |

#![no_std]

use borsh::{BorshDeserialize, BorshSerialize};
use gasket_sdk::{Address, caller, emit_event, storage};

const BALANCE: u8 = 0x01;
const ALLOWANCE: u8 = 0x02;

/// The contract state, stored under key `0x00` (borsh: the `u128` total supply).
#[derive(BorshSerialize, BorshDeserialize)]
pub struct Token {
    total_supply: u128,
}

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

/// Moves `amount` from `from` to `to` and emits `"transfer"`.
fn move_tokens(from: &Address, to: &Address, amount: u128) -> Result<(), &'static str> {
    let from_key = balance_key(from);
    let rest = load(&from_key)
        .checked_sub(amount)
        .ok_or("insufficient balance")?;
    store(&from_key, rest);
    // Read `to` after writing `from`, so a transfer to oneself is a no-op.
    let to_key = balance_key(to);
    // Cannot overflow: balances sum to the total supply, a u128.
    store(&to_key, load(&to_key).wrapping_add(amount));
    emit_transfer(from, to, amount);
    Ok(())
}

#[gasket_sdk::contract(
    state_key = b"\x00",
    events(
        transfer(from: Address, to: Address, amount: u128),
        approval(owner: Address, spender: Address, amount: u128),
    )
)]
impl Token {
    /// Sets the total supply and mints it to the caller. Runs once, at
    /// deploy (the macro reverts `"already initialized"` on a second call).
    pub fn init(total_supply: u128) -> Self {
        let owner = Address(caller());
        store(&balance_key(&owner), total_supply);
        emit_transfer(&Address::ZERO, &owner, total_supply);
        Token { total_supply }
    }

    /// Moves `amount` of the caller's tokens to `to`.
    pub fn transfer(to: Address, amount: u128) -> Result<(), &'static str> {
        move_tokens(&Address(caller()), &to, amount)
    }

    /// Lets `spender` move up to `amount` of the caller's tokens (replaces
    /// any previous allowance).
    pub fn approve(spender: Address, amount: u128) {
        let owner = Address(caller());
        store(&allowance_key(&owner, &spender), amount);
        let data = borsh::to_vec(&ApprovalEvent {
            owner: &owner,
            spender: &spender,
            amount,
        })
        .unwrap_or_default();
        emit_event(b"approval", &data);
    }

    /// Moves `amount` of `from`'s tokens to `to`, spending the caller's
    /// allowance. Reverts `"zero amount"` for 0 (see "Zero amounts").
    pub fn transfer_from(from: Address, to: Address, amount: u128) -> Result<(), &'static str> {
        if amount == 0 {
            return Err("zero amount");
        }
        let key = allowance_key(&from, &Address(caller()));
        let rest = load(&key)
            .checked_sub(amount)
            .ok_or("insufficient allowance")?;
        store(&key, rest);
        move_tokens(&from, &to, amount)
    }

    /// The balance of `account`.
    #[view]
    pub fn balance_of(account: Address) -> u128 {
        load(&balance_key(&account))
    }

    /// How much `spender` may still move of `owner`'s tokens.
    #[view]
    pub fn allowance(owner: Address, spender: Address) -> u128 {
        load(&allowance_key(&owner, &spender))
    }

    /// The total supply (reverts `"not initialized"` before `init`).
    pub fn total_supply(&self) -> u128 {
        self.total_supply
    }
}
