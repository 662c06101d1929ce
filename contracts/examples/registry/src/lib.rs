//! Registry: a first-come name registry mapping names to addresses, written
//! with `#[gasket_sdk::contract]`.
//!
//! # Methods
//!
//! | method | input | result |
//! |---|---|---|
//! | `register` | `{ name: string }` | — (the caller becomes the name's owner) |
//! | `lookup` (view) | `{ name: string }` | `option<address>` |
//! | `transfer_name` | `{ name: string, to: address }` | — (only the owner) |
//!
//! A name is 1 to 64 bytes of `a`–`z`, `0`–`9`, `-`, `_` and `.`.
//!
//! Reverts: `"invalid input"`, `"invalid name"`, `"name taken"`, `"name not
//! registered"`, `"not the owner"`.
//!
//! # Events
//!
//! - topic `"registered"`, data borsh `{ name: string, owner: address }`;
//! - topic `"name_transferred"`, data borsh `{ name: string, from: address,
//!   to: address }`.
//!
//! # Storage layout
//!
//! | key | bytes | value |
//! |---|---|---|
//! | `"n" ‖ name` | 2–65 | owner, 32 raw bytes (borsh `Address`) |
//!
//! There is no state value: every method is static (no `self`).

#![no_std]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use borsh::BorshSerialize;
use gasket_sdk::{Address, caller, emit_event, storage};

/// Longest name in bytes.
pub const MAX_NAME: usize = 64;

/// The contract (stateless: names live under their own keys).
pub struct Registry;

fn name_key(name: &str) -> Result<Vec<u8>, &'static str> {
    let ok = !name.is_empty()
        && name.len() <= MAX_NAME
        && name
            .bytes()
            .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.'));
    if !ok {
        return Err("invalid name");
    }
    let mut key = Vec::with_capacity(1 + name.len());
    key.push(b'n');
    key.extend_from_slice(name.as_bytes());
    Ok(key)
}

fn emit<T: BorshSerialize>(topic: &[u8], data: &T) {
    emit_event(topic, &borsh::to_vec(data).unwrap_or_default());
}

#[gasket_sdk::contract(events(
    registered(name: String, owner: Address),
    name_transferred(name: String, from: Address, to: Address),
))]
impl Registry {
    /// Registers `name` to the caller; reverts `"name taken"` if it exists.
    pub fn register(name: String) -> Result<(), &'static str> {
        let key = name_key(&name)?;
        if storage::contains(&key) {
            return Err("name taken");
        }
        let owner = Address(caller());
        storage::set(&key, &owner);
        emit(b"registered", &(&name, &owner));
        Ok(())
    }

    /// The owner of `name`, if registered.
    #[view]
    pub fn lookup(name: String) -> Result<Option<Address>, &'static str> {
        Ok(storage::get(&name_key(&name)?))
    }

    /// Gives `name` to `to`; only its owner may.
    pub fn transfer_name(name: String, to: Address) -> Result<(), &'static str> {
        let key = name_key(&name)?;
        let from: Address = storage::get(&key).ok_or("name not registered")?;
        if from.0 != caller() {
            return Err("not the owner");
        }
        storage::set(&key, &to);
        emit(b"name_transferred", &(&name, &from, &to));
        Ok(())
    }
}
