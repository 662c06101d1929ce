//! Typed storage over borsh.
//!
//! Keys are raw bytes chosen by the contract (each contract sees only its own
//! key space); values are the borsh encoding of `T`. A value that does not
//! decode as the requested type reverts the call with `"storage: bad value"`:
//! that is a contract bug or a layout change, never user input.

use alloc_crate::vec::Vec;
use borsh::{BorshDeserialize, BorshSerialize};

/// The value of `key` decoded as `T`, or `None` if the key is absent.
pub fn get<T: BorshDeserialize>(key: &[u8]) -> Option<T> {
    let bytes: Vec<u8> = crate::storage_read(key)?;
    match borsh::from_slice(&bytes) {
        Ok(v) => Some(v),
        Err(_) => crate::revert("storage: bad value"),
    }
}

/// Sets `key` to the borsh encoding of `value`.
pub fn set<T: BorshSerialize + ?Sized>(key: &[u8], value: &T) {
    crate::storage_write(key, &crate::to_vec(value));
}

/// Removes `key`; returns whether it existed.
pub fn remove(key: &[u8]) -> bool {
    crate::storage_remove(key)
}

/// Whether `key` is present (reads no value bytes).
pub fn contains(key: &[u8]) -> bool {
    crate::storage_read_into(key, &mut []).is_some()
}
