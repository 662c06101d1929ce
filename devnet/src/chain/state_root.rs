//! The state root: a commitment to all chain state, updated in O(writes).
//!
//! State is a set of entries `(table, key, value)`: contract storage
//! (`table` 0, key `address ‖ storage key`), contract code hashes (1, key
//! `address`) and account nonces (2, key `address`). Each entry hashes to
//! `h = blake3(table ‖ u32 len(key) ‖ key ‖ value)`, read as a 256-bit
//! little-endian integer; the root is the sum of all `h` modulo 2^256
//! (an additive multiset hash). Order does not matter, so a write updates
//! the root by subtracting the old entry's `h` and adding the new one, and
//! the same state always has the same root however it was reached.
//! [`crate::chain::Chain::recompute_state_root`] recomputes it from
//! scratch to check.
//!
//! An additive hash is not collision-resistant against an adversary who
//! chooses many entries (generalised birthday attacks); a devnet root only
//! has to detect divergence, not resist forgery.

use crate::chain::types::Hash;

/// Which table an entry belongs to (its first hashed byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Table {
    /// Contract storage.
    Storage = 0,
    /// Contract code hashes.
    Contracts = 1,
    /// Account nonces.
    Nonces = 2,
}

/// The running sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StateRoot([u64; 4]);

fn entry_hash(table: Table, key: &[u8], value: &[u8]) -> [u64; 4] {
    let mut hasher = blake3::Hasher::new();
    hasher.update(&[table as u8]);
    hasher.update(&(key.len() as u32).to_le_bytes());
    hasher.update(key);
    hasher.update(value);
    let bytes = hasher.finalize();
    let mut limbs = [0u64; 4];
    for (i, limb) in limbs.iter_mut().enumerate() {
        *limb = u64::from_le_bytes(bytes.as_bytes()[8 * i..8 * i + 8].try_into().unwrap());
    }
    limbs
}

impl StateRoot {
    /// From its stored bytes.
    pub fn from_bytes(bytes: &Hash) -> StateRoot {
        let mut limbs = [0u64; 4];
        for (i, limb) in limbs.iter_mut().enumerate() {
            *limb = u64::from_le_bytes(bytes[8 * i..8 * i + 8].try_into().unwrap());
        }
        StateRoot(limbs)
    }

    /// Its bytes (the header's `state_root`).
    pub fn to_bytes(self) -> Hash {
        let mut out = [0u8; 32];
        for (i, limb) in self.0.iter().enumerate() {
            out[8 * i..8 * i + 8].copy_from_slice(&limb.to_le_bytes());
        }
        out
    }

    /// Adds an entry.
    pub fn insert(&mut self, table: Table, key: &[u8], value: &[u8]) {
        let h = entry_hash(table, key, value);
        let mut carry = false;
        for (limb, add) in self.0.iter_mut().zip(h) {
            let (sum, c1) = limb.overflowing_add(add);
            let (sum, c2) = sum.overflowing_add(carry as u64);
            *limb = sum;
            carry = c1 || c2;
        }
    }

    /// Removes an entry that was added before.
    pub fn remove(&mut self, table: Table, key: &[u8], value: &[u8]) {
        let h = entry_hash(table, key, value);
        let mut borrow = false;
        for (limb, sub) in self.0.iter_mut().zip(h) {
            let (diff, b1) = limb.overflowing_sub(sub);
            let (diff, b2) = diff.overflowing_sub(borrow as u64);
            *limb = diff;
            borrow = b1 || b2;
        }
    }

    /// Replaces `old` (if any) by `new` (if any) under `key`.
    pub fn update(&mut self, table: Table, key: &[u8], old: Option<&[u8]>, new: Option<&[u8]>) {
        if let Some(old) = old {
            self.remove(table, key, old);
        }
        if let Some(new) = new {
            self.insert(table, key, new);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_independent_and_removable() {
        let mut a = StateRoot::default();
        a.insert(Table::Storage, b"k1", b"v1");
        a.insert(Table::Nonces, b"k2", b"v2");
        let mut b = StateRoot::default();
        b.insert(Table::Nonces, b"k2", b"v2");
        b.insert(Table::Storage, b"k1", b"v1");
        assert_eq!(a, b);
        assert_ne!(a, StateRoot::default());
        b.update(Table::Storage, b"k1", Some(b"v1"), Some(b"v3"));
        assert_ne!(a, b);
        b.update(Table::Storage, b"k1", Some(b"v3"), None);
        a.remove(Table::Storage, b"k1", b"v1");
        assert_eq!(a, b);
        a.remove(Table::Nonces, b"k2", b"v2");
        assert_eq!(a, StateRoot::default());
        assert_eq!(StateRoot::from_bytes(&b.to_bytes()), b);
    }

    #[test]
    fn table_and_key_boundaries_matter() {
        let mut a = StateRoot::default();
        a.insert(Table::Storage, b"ab", b"c");
        let mut b = StateRoot::default();
        b.insert(Table::Storage, b"a", b"bc");
        let mut c = StateRoot::default();
        c.insert(Table::Contracts, b"ab", b"c");
        assert_ne!(a, b);
        assert_ne!(a, c);
    }
}
