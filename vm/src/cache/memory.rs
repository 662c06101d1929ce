//! The in-memory level: compiled modules (and compile errors) by key,
//! bounded in bytes, least recently used evicted first.
//!
//! An entry's size is what its artifact encoding takes, rounded up to whole
//! pages (the code memory is a page-granular mapping), so the bound tracks
//! the heap and mappings the entries keep alive. A
//! module still in use elsewhere (an `Instance`, a clone) stays alive after
//! eviction; the cache only drops its own reference.

use std::collections::{BTreeMap, HashMap};

use super::key::CacheKey;
use crate::error::ModuleError;
use crate::module::Module;

/// What the cache holds for a key.
pub(crate) type Entry = Result<Module, ModuleError>;

struct Slot {
    entry: Entry,
    bytes: u64,
    /// Last use, from [`MemoryCache::clock`].
    used: u64,
}

/// An LRU map bounded in bytes. Not synchronised: the cache wraps it in a
/// mutex.
pub(crate) struct MemoryCache {
    max_bytes: u64,
    bytes: u64,
    clock: u64,
    slots: HashMap<CacheKey, Slot>,
    /// Last use → key, oldest first.
    order: BTreeMap<u64, CacheKey>,
}

impl MemoryCache {
    pub(crate) fn new(max_bytes: u64) -> MemoryCache {
        MemoryCache {
            max_bytes,
            bytes: 0,
            clock: 0,
            slots: HashMap::new(),
            order: BTreeMap::new(),
        }
    }

    /// Bytes held now (never more than the bound).
    pub(crate) fn bytes(&self) -> u64 {
        self.bytes
    }

    /// The entry for `key`, now the most recently used.
    pub(crate) fn get(&mut self, key: &CacheKey) -> Option<Entry> {
        self.clock += 1;
        let slot = self.slots.get_mut(key)?;
        self.order.remove(&slot.used);
        slot.used = self.clock;
        self.order.insert(slot.used, *key);
        Some(slot.entry.clone())
    }

    /// Stores `entry` of `bytes` under `key`, evicting the least recently
    /// used entries to stay within the bound; returns how many were
    /// evicted. An entry larger than the whole bound is not stored.
    pub(crate) fn insert(&mut self, key: CacheKey, entry: Entry, bytes: u64) -> u64 {
        self.remove(&key);
        if bytes > self.max_bytes {
            return 0;
        }
        let mut evicted = 0;
        while self.bytes + bytes > self.max_bytes {
            let Some((_, oldest)) = self.order.pop_first() else {
                break;
            };
            if let Some(slot) = self.slots.remove(&oldest) {
                self.bytes -= slot.bytes;
                evicted += 1;
            }
        }
        self.clock += 1;
        self.order.insert(self.clock, key);
        self.slots.insert(
            key,
            Slot {
                entry,
                bytes,
                used: self.clock,
            },
        );
        self.bytes += bytes;
        evicted
    }

    pub(crate) fn remove(&mut self, key: &CacheKey) {
        if let Some(slot) = self.slots.remove(key) {
            self.order.remove(&slot.used);
            self.bytes -= slot.bytes;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::CompileError;

    fn entry() -> Entry {
        Err(ModuleError::Compile(CompileError::CodeMemory))
    }

    #[test]
    fn least_recently_used_goes_first_and_the_bound_holds() {
        let mut cache = MemoryCache::new(100);
        assert_eq!(cache.insert(CacheKey([1; 32]), entry(), 40), 0);
        assert_eq!(cache.insert(CacheKey([2; 32]), entry(), 40), 0);
        // Touch 1: 2 is now the oldest.
        assert!(cache.get(&CacheKey([1; 32])).is_some());
        assert_eq!(cache.insert(CacheKey([3; 32]), entry(), 40), 1);
        assert!(cache.get(&CacheKey([2; 32])).is_none());
        assert!(cache.get(&CacheKey([1; 32])).is_some());
        assert!(cache.get(&CacheKey([3; 32])).is_some());
        assert_eq!(cache.bytes(), 80);
        // Too large for the bound: not stored, nothing evicted.
        assert_eq!(cache.insert(CacheKey([4; 32]), entry(), 101), 0);
        assert!(cache.get(&CacheKey([4; 32])).is_none());
        assert_eq!(cache.bytes(), 80);
        // Replacing an entry does not count it twice.
        cache.insert(CacheKey([1; 32]), entry(), 50);
        assert_eq!(cache.bytes(), 90);
    }

    #[test]
    fn zero_bound_stores_nothing() {
        let mut cache = MemoryCache::new(0);
        cache.insert(CacheKey([1; 32]), entry(), 1);
        assert!(cache.get(&CacheKey([1; 32])).is_none());
        assert_eq!(cache.bytes(), 0);
    }
}
