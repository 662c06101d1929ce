//! Counter: the smallest useful Gasket contract, written with
//! `#[gasket_sdk::contract]`.
//!
//! Storage: key `b"count"` holds the state, [`Counter`], whose borsh encoding
//! is the count as a `u64` (8 bytes, little-endian); absent means 0 (the
//! contract has no constructor, so absent state is `Counter::default()`).
//!
//! Methods (no input):
//! - `increment`: adds 1; reverts with `"counter overflow"` at `u64::MAX`.
//! - `get` (view): returns the count as borsh `u64`.

#![no_std]

use gasket_sdk::borsh::{BorshDeserialize, BorshSerialize};

/// The contract state, stored under `b"count"`.
#[derive(Default, BorshSerialize, BorshDeserialize)]
#[borsh(crate = "gasket_sdk::borsh")]
pub struct Counter {
    count: u64,
}

#[gasket_sdk::contract(state_key = "count")]
impl Counter {
    /// Adds one to the stored count.
    pub fn increment(&mut self) -> Result<(), &'static str> {
        self.count = self.count.checked_add(1).ok_or("counter overflow")?;
        Ok(())
    }

    /// Returns the stored count (borsh `u64`).
    pub fn get(&self) -> u64 {
        self.count
    }
}
