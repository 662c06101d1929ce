//! Counter: the smallest useful Gasket contract.
//!
//! Storage: key `b"count"` holds the count as borsh `u64` (8 bytes,
//! little-endian); absent means 0.
//!
//! Methods (no input):
//! - `increment`: adds 1; reverts with `"counter overflow"` at `u64::MAX`.
//! - `get` (view): returns the count as borsh `u64`.

#![no_std]

use gasket_sdk::{revert, storage};

gasket_sdk::abi!(
    r#"{"abi":1,"methods":[{"name":"increment","view":false,"args":[],"result":null},{"name":"get","view":true,"args":[],"result":"u64"}],"events":[]}"#
);

const COUNT: &[u8] = b"count";

fn count() -> u64 {
    storage::get(COUNT).unwrap_or(0)
}

/// Adds one to the stored count.
#[unsafe(no_mangle)]
pub extern "C" fn increment() {
    let Some(n) = count().checked_add(1) else {
        revert("counter overflow")
    };
    storage::set(COUNT, &n);
}

/// Returns the stored count (borsh `u64`).
#[unsafe(no_mangle)]
pub extern "C" fn get() {
    gasket_sdk::return_borsh(&count());
}
