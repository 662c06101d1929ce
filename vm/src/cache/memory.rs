//! The in-memory level: compiled modules (and compile errors) by key,
//! bounded in bytes, least recently used evicted first.
//!
//! An entry's size is what its artifact encoding takes, rounded up to whole
//! pages (the code memory is a page-granular mapping), so the bound tracks
//! the heap and mappings the entries keep alive. A
//! module still in use elsewhere (an `Instance`, a clone) stays alive after
//! eviction; the cache only drops its own reference.

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

use super::key::CacheKey;
use crate::error::ModuleError;
use crate::module::Module;

/// What the cache holds for a key.
pub(crate) type Entry = Result<Module, ModuleError>;

/// The in-memory level.
pub(crate) type MemoryCache = ByteLru<CacheKey, Entry>;

/// A map bounded in bytes (each value's size given by the caller), the
/// least recently used evicted first. Not synchronised: wrap it in a
/// mutex. Also what a node may keep its own per-contract data in (the
/// devnet keeps compiled contracts with their ABI).
pub struct ByteLru<K, V> {
    max_bytes: u64,
    bytes: u64,
    clock: u64,
    slots: HashMap<K, Slot<V>>,
    /// Last use → key, oldest first.
    order: BTreeMap<u64, K>,
}

struct Slot<V> {
    value: V,
    bytes: u64,
    /// Last use, from [`ByteLru::clock`].
    used: u64,
}

impl<K: Copy + Eq + Hash, V: Clone> ByteLru<K, V> {
    /// An empty map holding at most `max_bytes`.
    pub fn new(max_bytes: u64) -> ByteLru<K, V> {
        ByteLru {
            max_bytes,
            bytes: 0,
            clock: 0,
            slots: HashMap::new(),
            order: BTreeMap::new(),
        }
    }

    /// Bytes held now (never more than the bound).
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Entries held now.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The value of `key`, now the most recently used.
    pub fn get(&mut self, key: &K) -> Option<V> {
        self.clock += 1;
        let slot = self.slots.get_mut(key)?;
        self.order.remove(&slot.used);
        slot.used = self.clock;
        self.order.insert(slot.used, *key);
        Some(slot.value.clone())
    }

    /// The value of `key` without making it more recently used.
    pub fn peek(&self, key: &K) -> Option<&V> {
        self.slots.get(key).map(|slot| &slot.value)
    }

    /// Stores `value` of `bytes` under `key` (replacing any value it had),
    /// evicting the least recently used entries to stay within the bound;
    /// returns how many were evicted. A value larger than the whole bound
    /// is not stored, and evicts nothing.
    pub fn insert(&mut self, key: K, value: V, bytes: u64) -> u64 {
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
                value,
                bytes,
                used: self.clock,
            },
        );
        self.bytes += bytes;
        evicted
    }

    /// Drops the value of `key`, if any.
    pub fn remove(&mut self, key: &K) {
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

    /// The byte count, the recency order and the entries agree.
    fn check(cache: &MemoryCache) {
        let sum: u64 = cache.slots.values().map(|slot| slot.bytes).sum();
        assert_eq!(cache.bytes, sum);
        assert!(cache.bytes <= cache.max_bytes);
        assert_eq!(cache.order.len(), cache.slots.len());
        for (used, key) in &cache.order {
            assert_eq!(cache.slots[key].used, *used);
        }
    }

    #[test]
    fn the_count_the_order_and_the_entries_agree_after_every_step() {
        let mut cache = MemoryCache::new(100);
        for (key, bytes) in [
            (1, 30),
            (2, 30),
            (3, 30),
            (1, 50),
            (4, 60),
            (5, 101),
            (2, 10),
        ] {
            cache.insert(CacheKey([key; 32]), entry(), bytes);
            check(&cache);
            cache.get(&CacheKey([1; 32]));
            check(&cache);
        }
        assert_eq!(cache.len(), 2);
    }

    #[test]
    fn zero_bound_stores_nothing() {
        let mut cache = MemoryCache::new(0);
        cache.insert(CacheKey([1; 32]), entry(), 1);
        assert!(cache.get(&CacheKey([1; 32])).is_none());
        assert_eq!(cache.bytes(), 0);
    }
}
