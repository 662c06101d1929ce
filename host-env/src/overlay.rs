//! The transactional overlay: all writes and events of a call tree, with
//! nested checkpoints.
//!
//! Writes go to a map in front of the node's storage; every change records
//! the map entry it replaced in a journal. A checkpoint is a position in the
//! journal and in the event list; rolling back undoes the journal down to
//! it and drops the later events. A cross-contract call takes a checkpoint
//! and rolls back unless the callee succeeds; the entry point applies the
//! map to storage only if the outermost call succeeds. Reads see the
//! innermost state. The node's storage is only read during the call.

use std::collections::BTreeMap;

use crate::storage::{Storage, StorageError};
use crate::types::{Address, Event, Write};

type Key = (Address, Vec<u8>);

/// Pending writes and events over a read-only storage.
pub struct Overlay<'s> {
    base: &'s dyn Storage,
    /// `None` marks a removal.
    pending: BTreeMap<Key, Option<Vec<u8>>>,
    /// The entry of `pending` each change replaced (`None`: there was none).
    journal: Vec<(Key, Option<Option<Vec<u8>>>)>,
    events: Vec<Event>,
}

/// A point to roll back to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checkpoint {
    journal: usize,
    events: usize,
}

impl<'s> Overlay<'s> {
    /// An empty overlay over `base`.
    pub fn new(base: &'s dyn Storage) -> Overlay<'s> {
        Overlay {
            base,
            pending: BTreeMap::new(),
            journal: Vec::new(),
            events: Vec::new(),
        }
    }

    /// The current value of `key`.
    pub fn get(&self, contract: &Address, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        // One lookup without allocating a key in the common case of no
        // pending write.
        if let Some(value) = self.pending.get(&(*contract, key.to_vec())) {
            return Ok(value.clone());
        }
        self.base.get(contract, key)
    }

    /// Sets `key`.
    pub fn set(&mut self, contract: &Address, key: &[u8], value: Vec<u8>) {
        self.change((*contract, key.to_vec()), Some(value));
    }

    /// Removes `key`.
    pub fn remove(&mut self, contract: &Address, key: &[u8]) {
        self.change((*contract, key.to_vec()), None);
    }

    fn change(&mut self, key: Key, value: Option<Vec<u8>>) {
        let previous = self.pending.insert(key.clone(), value);
        self.journal.push((key, previous));
    }

    /// Appends an event.
    pub fn emit(&mut self, event: Event) {
        self.events.push(event);
    }

    /// The current position.
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            journal: self.journal.len(),
            events: self.events.len(),
        }
    }

    /// Undoes every write and event after `checkpoint`.
    pub fn rollback(&mut self, checkpoint: Checkpoint) {
        while self.journal.len() > checkpoint.journal {
            let Some((key, previous)) = self.journal.pop() else {
                break;
            };
            match previous {
                Some(value) => self.pending.insert(key, value),
                None => self.pending.remove(&key),
            };
        }
        self.events.truncate(checkpoint.events);
    }

    /// The net writes, sorted by contract and key, and the events.
    pub fn finish(self) -> (Vec<Write>, Vec<Event>) {
        let writes = self
            .pending
            .into_iter()
            .map(|((contract, key), value)| Write {
                contract,
                key,
                value,
            })
            .collect();
        (writes, self.events)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;
    use crate::storage::MemoryStorage;

    #[derive(Debug, Clone)]
    enum Op {
        Set(u8, u8, u8),
        Remove(u8, u8),
        Emit(u8),
        Checkpoint,
        Commit,
        Rollback,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => (0u8..3, 0u8..4, any::<u8>()).prop_map(|(c, k, v)| Op::Set(c, k, v)),
            2 => (0u8..3, 0u8..4).prop_map(|(c, k)| Op::Remove(c, k)),
            1 => any::<u8>().prop_map(Op::Emit),
            2 => Just(Op::Checkpoint),
            1 => Just(Op::Commit),
            1 => Just(Op::Rollback),
        ]
    }

    fn address(c: u8) -> Address {
        Address([c; 32])
    }

    type State = BTreeMap<(u8, u8), u8>;

    proptest! {
        /// The overlay against a model that copies the whole state at every
        /// checkpoint.
        #[test]
        fn overlay_matches_a_model(
            initial in proptest::collection::btree_map((0u8..3, 0u8..4), any::<u8>(), 0..6),
            ops in proptest::collection::vec(op(), 0..60),
        ) {
            let mut base = MemoryStorage::new();
            for (&(c, k), &v) in &initial {
                base.set(&address(c), &[k], &[v]).unwrap();
            }
            let mut overlay = Overlay::new(&base);
            let mut model: State = initial.clone();
            let mut model_events: Vec<u8> = Vec::new();
            let mut stack: Vec<(Checkpoint, State, usize)> = Vec::new();
            for op in ops {
                match op {
                    Op::Set(c, k, v) => {
                        overlay.set(&address(c), &[k], vec![v]);
                        model.insert((c, k), v);
                    }
                    Op::Remove(c, k) => {
                        overlay.remove(&address(c), &[k]);
                        model.remove(&(c, k));
                    }
                    Op::Emit(e) => {
                        overlay.emit(Event { contract: address(0), topic: vec![e], data: vec![] });
                        model_events.push(e);
                    }
                    Op::Checkpoint => stack.push((overlay.checkpoint(), model.clone(), model_events.len())),
                    Op::Commit => { stack.pop(); }
                    Op::Rollback => {
                        if let Some((cp, state, events)) = stack.pop() {
                            overlay.rollback(cp);
                            model = state;
                            model_events.truncate(events);
                        }
                    }
                }
                for c in 0..3u8 {
                    for k in 0..4u8 {
                        let live = overlay.get(&address(c), &[k]).unwrap();
                        prop_assert_eq!(live, model.get(&(c, k)).map(|&v| vec![v]));
                    }
                }
            }
            let (writes, events) = overlay.finish();
            let topics: Vec<u8> = events.iter().map(|e| e.topic[0]).collect();
            prop_assert_eq!(topics, model_events);
            // Applying the writes to the base gives the model's final state.
            base.apply(&writes).unwrap();
            let applied: State = base
                .entries()
                .map(|(a, k, v)| ((a.0[0], k[0]), v[0]))
                .collect();
            prop_assert_eq!(applied, model);
            // Writes are sorted and unique.
            prop_assert!(writes.windows(2).all(|w| (w[0].contract, &w[0].key) < (w[1].contract, &w[1].key)));
        }
    }
}
