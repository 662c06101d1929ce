//! The chain database: one redb file, `HOME/chain.redb`, and its tables.
//!
//! | table | key | value |
//! |---|---|---|
//! | `meta` | `"state_root"` | the running state root (32 bytes) |
//! | `blocks` | height | borsh [`crate::chain::types::Block`] |
//! | `txs` | tx hash | borsh [`crate::chain::types::TxRecord`] |
//! | `code` | code hash | wasm bytes |
//! | `contracts` | address | code hash |
//! | `storage` | address ‖ key | value |
//! | `nonces` | address | u64 |
//!
//! Guarantees: a block is written in one redb write transaction (a crash
//! leaves the chain at the previous block or the new one, never between),
//! committed with `Durability::Immediate` unless the caller asks for
//! batching. redb locks the file: a second process gets
//! [`DbError::InUse`], never a shared writer.

use std::path::{Path, PathBuf};

use gasket_host_env::{Address, Storage, StorageError};
use redb::{ReadableDatabase, ReadableTable, TableDefinition};

use crate::chain::state_root::{StateRoot, Table};

/// Database file name inside the home.
pub const DB_FILE: &str = "chain.redb";

/// Scalars.
pub const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
/// Blocks by height.
pub const BLOCKS: TableDefinition<u64, &[u8]> = TableDefinition::new("blocks");
/// Transactions and receipts by hash.
pub const TXS: TableDefinition<&[u8], &[u8]> = TableDefinition::new("txs");
/// Wasm code by blake3 hash.
pub const CODE: TableDefinition<&[u8], &[u8]> = TableDefinition::new("code");
/// Code hash by contract address.
pub const CONTRACTS: TableDefinition<&[u8], &[u8]> = TableDefinition::new("contracts");
/// Contract storage by `address ‖ key`.
pub const STORAGE: TableDefinition<&[u8], &[u8]> = TableDefinition::new("storage");
/// Nonces by account address.
pub const NONCES: TableDefinition<&[u8], u64> = TableDefinition::new("nonces");

/// Meta key of the state root.
pub const STATE_ROOT_KEY: &str = "state_root";

/// A failure of the database.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// Another process holds the file.
    #[error(
        "home {home} is in use by another gasket process (only one may write it; talk to a running `gasket serve` with --rpc URL)"
    )]
    InUse {
        /// The home directory.
        home: PathBuf,
    },
    /// No chain there yet.
    #[error("no chain in {home}: run `gasket init --home {home}` first")]
    NoChain {
        /// The home directory.
        home: PathBuf,
    },
    /// A redb error.
    #[error("database {path}: {source}")]
    Redb {
        /// The database file.
        path: PathBuf,
        /// What redb said.
        source: redb::Error,
    },
    /// A record that does not decode.
    #[error("database {path}: corrupt {what}")]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// Which record.
        what: String,
    },
    /// The home directory cannot be created.
    #[error("cannot create home {home}: {source}")]
    Home {
        /// The home directory.
        home: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

/// The open database of a home.
pub struct Db {
    db: redb::Database,
    path: PathBuf,
    home: PathBuf,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("path", &self.path).finish()
    }
}

impl Db {
    /// Opens the chain of `home`, taking its lock. A missing file, or one
    /// without the chain's tables (an `init` stopped before its genesis
    /// block committed), is [`DbError::NoChain`].
    pub fn open(home: &Path) -> Result<Db, DbError> {
        if !home.join(DB_FILE).exists() {
            return Err(DbError::NoChain { home: home.into() });
        }
        let db = Db::create(home)?;
        if !db.has_chain()? {
            return Err(DbError::NoChain { home: home.into() });
        }
        Ok(db)
    }

    /// Opens `home/chain.redb` whatever it holds, creating the home and the
    /// file if needed, and takes its lock.
    ///
    /// The open checks every page's checksum: redb trusts a cleanly closed
    /// file otherwise, and may panic on one damaged outside redb, where
    /// this is [`DbError::Corrupt`]. The devnet's file is small.
    pub fn create(home: &Path) -> Result<Db, DbError> {
        let path = home.join(DB_FILE);
        std::fs::create_dir_all(home).map_err(|source| DbError::Home {
            home: home.into(),
            source,
        })?;
        let db = redb::Database::builder()
            .set_check_integrity_on_open(true)
            .create(&path)
            .map_err(|e| match e {
                redb::DatabaseError::DatabaseAlreadyOpen => DbError::InUse { home: home.into() },
                redb::DatabaseError::Storage(redb::StorageError::Corrupted(what)) => {
                    DbError::Corrupt {
                        path: path.clone(),
                        what: format!("file ({what})"),
                    }
                }
                other => DbError::Redb {
                    path: path.clone(),
                    source: other.into(),
                },
            })?;
        Ok(Db {
            db,
            path,
            home: home.into(),
        })
    }

    /// Whether the genesis block's transaction committed: it creates every
    /// table at once, so `blocks` stands for all of them.
    pub fn has_chain(&self) -> Result<bool, DbError> {
        match self.read()?.open_table(BLOCKS) {
            Ok(_) => Ok(true),
            Err(redb::TableError::TableDoesNotExist(_)) => Ok(false),
            Err(e) => Err(self.err()(e.into())),
        }
    }

    /// The home directory.
    pub fn home(&self) -> &Path {
        &self.home
    }

    /// Maps any redb error to [`DbError::Redb`].
    pub fn err(&self) -> impl Fn(redb::Error) -> DbError + '_ {
        |source| DbError::Redb {
            path: self.path.clone(),
            source,
        }
    }

    /// A corrupt-record error.
    pub fn corrupt(&self, what: impl Into<String>) -> DbError {
        DbError::Corrupt {
            path: self.path.clone(),
            what: what.into(),
        }
    }

    /// Starts a read transaction.
    pub fn read(&self) -> Result<redb::ReadTransaction, DbError> {
        self.db.begin_read().map_err(|e| self.err()(e.into()))
    }

    /// Starts a write transaction.
    pub fn write(&self) -> Result<redb::WriteTransaction, DbError> {
        self.db.begin_write().map_err(|e| self.err()(e.into()))
    }
}

/// `address ‖ key`, the storage table's key.
pub fn storage_key(contract: &Address, key: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(32 + key.len());
    out.extend_from_slice(&contract.0);
    out.extend_from_slice(key);
    out
}

fn storage_error(e: impl Into<redb::Error>) -> StorageError {
    StorageError(format!("chain database: {}", e.into()))
}

fn table_get(
    table: &impl ReadableTable<&'static [u8], &'static [u8]>,
    contract: &Address,
    key: &[u8],
) -> Result<Option<Vec<u8>>, StorageError> {
    let k = storage_key(contract, key);
    Ok(table
        .get(k.as_slice())
        .map_err(storage_error)?
        .map(|v| v.value().to_vec()))
}

/// Contract storage inside a block's write transaction, keeping the state
/// root up to date with every write.
pub struct WriteStorage<'t> {
    /// The storage table.
    pub table: redb::Table<'t, &'static [u8], &'static [u8]>,
    /// The state root, updated by each write.
    pub root: StateRoot,
}

impl Storage for WriteStorage<'_> {
    fn get(&self, contract: &Address, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        table_get(&self.table, contract, key)
    }

    fn set(&mut self, contract: &Address, key: &[u8], value: &[u8]) -> Result<(), StorageError> {
        let k = storage_key(contract, key);
        let old = self
            .table
            .insert(k.as_slice(), value)
            .map_err(storage_error)?
            .map(|v| v.value().to_vec());
        self.root
            .update(Table::Storage, &k, old.as_deref(), Some(value));
        Ok(())
    }

    fn remove(&mut self, contract: &Address, key: &[u8]) -> Result<(), StorageError> {
        let k = storage_key(contract, key);
        let old = self
            .table
            .remove(k.as_slice())
            .map_err(storage_error)?
            .map(|v| v.value().to_vec());
        self.root.update(Table::Storage, &k, old.as_deref(), None);
        Ok(())
    }
}

/// Contract storage in a read transaction (views): writes are refused.
pub struct ReadStorage {
    /// The storage table.
    pub table: redb::ReadOnlyTable<&'static [u8], &'static [u8]>,
}

impl Storage for ReadStorage {
    fn get(&self, contract: &Address, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        table_get(&self.table, contract, key)
    }

    fn set(&mut self, _: &Address, _: &[u8], _: &[u8]) -> Result<(), StorageError> {
        Err(StorageError("write to read-only view storage".into()))
    }

    fn remove(&mut self, _: &Address, _: &[u8]) -> Result<(), StorageError> {
        Err(StorageError("write to read-only view storage".into()))
    }
}
