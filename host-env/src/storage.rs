//! What a node implements: contract storage and contract code lookup.
//!
//! Keys are namespaced by contract address: a contract reads and writes only
//! its own key space. Errors of the node's store are [`StorageError`]s,
//! which end a call with [`crate::HostError::Storage`] (inside
//! [`crate::HostError::InFrame`] when a contract's frame was running:
//! [`crate::HostError::innermost`]) — a non-consensus failure of the node,
//! never a contract trap.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use gasket_vm::Module;

use crate::types::{Address, Write};

/// A failure of the node's store (I/O, corruption). Not a consensus
/// outcome: the node must retry or halt, not record a result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("storage failure: {0}")]
pub struct StorageError(pub String);

/// Contract storage as the node keeps it.
pub trait Storage {
    /// The value of `key` in `contract`'s key space.
    fn get(&self, contract: &Address, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError>;

    /// Sets `key` in `contract`'s key space.
    fn set(&mut self, contract: &Address, key: &[u8], value: &[u8]) -> Result<(), StorageError>;

    /// Removes `key` from `contract`'s key space.
    fn remove(&mut self, contract: &Address, key: &[u8]) -> Result<(), StorageError>;

    /// Applies the writes of a successful call. The default applies them
    /// one by one; a node whose store has transactions should override it
    /// to apply all or nothing.
    fn apply(&mut self, writes: &[Write]) -> Result<(), StorageError> {
        for write in writes {
            match &write.value {
                Some(value) => self.set(&write.contract, &write.key, value)?,
                None => self.remove(&write.contract, &write.key)?,
            }
        }
        Ok(())
    }
}

/// Storage in a map, for tests, tools and the `gasket run` command.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemoryStorage {
    entries: BTreeMap<(Address, Vec<u8>), Vec<u8>>,
}

impl MemoryStorage {
    /// Empty storage.
    pub fn new() -> MemoryStorage {
        MemoryStorage::default()
    }

    /// Every entry, in key order.
    pub fn entries(&self) -> impl Iterator<Item = (&Address, &[u8], &[u8])> {
        self.entries
            .iter()
            .map(|((address, key), value)| (address, key.as_slice(), value.as_slice()))
    }

    /// The entries of one contract, in key order.
    pub fn contract_entries(&self, contract: &Address) -> Vec<(Vec<u8>, Vec<u8>)> {
        self.entries
            .iter()
            .filter(|((address, _), _)| address == contract)
            .map(|((_, key), value)| (key.clone(), value.clone()))
            .collect()
    }
}

impl Storage for MemoryStorage {
    fn get(&self, contract: &Address, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(self.entries.get(&(*contract, key.to_vec())).cloned())
    }

    fn set(&mut self, contract: &Address, key: &[u8], value: &[u8]) -> Result<(), StorageError> {
        self.entries
            .insert((*contract, key.to_vec()), value.to_vec());
        Ok(())
    }

    fn remove(&mut self, contract: &Address, key: &[u8]) -> Result<(), StorageError> {
        self.entries.remove(&(*contract, key.to_vec()));
        Ok(())
    }
}

/// A deployed contract, as the node hands it to the host.
#[derive(Debug, Clone)]
pub struct Contract {
    /// Its compiled module (from the node's compiled-code cache).
    pub module: Module,
    /// The length of its wasm as deployed, the same on every node; equal
    /// to what [`Contracts::wasm_bytes`] answers for it (loading its code
    /// is charged by that, `Config::code_loading`).
    pub wasm_bytes: u64,
    /// The methods its `gasket.abi` section marks as views, if it has that
    /// section. A view call may call only these methods of it; without the
    /// section, a call from a view runs as a view (its writes trap).
    pub views: Option<BTreeSet<String>>,
}

/// Looks contracts up by address (for the called contract and for
/// cross-contract calls).
pub trait Contracts {
    /// The contract at `address`, or `None`.
    fn contract(&self, address: &Address) -> Result<Option<Contract>, StorageError>;

    /// The length of the wasm of the contract at `address` as deployed
    /// ([`Contract::wasm_bytes`]), or `None` if there is none: asked
    /// before [`Contracts::contract`], so that a frame that cannot pay
    /// for loading the code never makes the node load it. Consensus: it
    /// must equal the `wasm_bytes` of what `contract` returns (a mismatch
    /// is a node failure, `HostError::Internal`). The default loads the
    /// contract; a node answers without compiling or loading code.
    fn wasm_bytes(&self, address: &Address) -> Result<Option<u64>, StorageError> {
        Ok(self.contract(address)?.map(|contract| contract.wasm_bytes))
    }
}

/// Contracts in a map.
#[derive(Debug, Clone, Default)]
pub struct MemoryContracts {
    contracts: HashMap<Address, Contract>,
}

impl MemoryContracts {
    /// No contracts.
    pub fn new() -> MemoryContracts {
        MemoryContracts::default()
    }

    /// Puts `contract` at `address`.
    pub fn insert(&mut self, address: Address, contract: Contract) {
        self.contracts.insert(address, contract);
    }
}

impl Contracts for MemoryContracts {
    fn contract(&self, address: &Address) -> Result<Option<Contract>, StorageError> {
        Ok(self.contracts.get(address).cloned())
    }

    fn wasm_bytes(&self, address: &Address) -> Result<Option<u64>, StorageError> {
        Ok(self.contracts.get(address).map(|c| c.wasm_bytes))
    }
}
