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
//! batching.
//!
//! One owner per home. Every [`Db`] holds the home's lock, an OS file lock
//! on `HOME/lock` ([`LOCK_FILE`]), from before it opens the file until
//! after it closes it; a second owner, in this process or another, gets
//! [`DbError::InUse`], never a shared writer. The lock is on the home, not
//! on `chain.redb` (redb's own lock, which also stays), because `init`
//! replaces that file: a lock on the file itself would be released in the
//! middle of the replacement, and another process could open the old file
//! in that gap and go on writing to it after it is unlinked.
//!
//! `init` never changes `chain.redb` in place. `Db::replace` builds the
//! new chain in `HOME/chain.redb.new` ([`NEW_DB_FILE`]), commits its
//! genesis block durably, and renames it over `chain.redb` (atomic on
//! POSIX), all under the home's lock: until the rename the old chain is
//! untouched, so a failed `init --force` (disk full) loses nothing, and a
//! crash leaves the new chain, or the old one and a leftover temporary
//! file, which the next `init` deletes.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use gasket_host_env::{Address, Storage, StorageError};
use redb::{ReadableDatabase, ReadableTable, TableDefinition};

use crate::chain::state_root::{StateRoot, Table};

/// Database file name inside the home.
pub const DB_FILE: &str = "chain.redb";

/// Where `init` builds a new chain before renaming it to
/// [`DB_FILE`].
pub const NEW_DB_FILE: &str = "chain.redb.new";

/// The home's lock file: whoever holds its OS lock owns the home.
pub const LOCK_FILE: &str = "lock";

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
    /// The home's lock file cannot be opened or locked (held by another
    /// process is [`DbError::InUse`]).
    #[error("cannot take the home's lock {path}: {source}")]
    Lock {
        /// The lock file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A new chain cannot be put in place of the old one (which is kept).
    #[error("cannot put the new chain in place ({path}): {source}")]
    Replace {
        /// The file that could not be removed or renamed.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

/// The home's lock: the OS lock on `HOME/lock` (`flock` on Unix,
/// `LockFileEx` on Windows), held while this lives. Advisory: every
/// [`Db`] takes it before it opens `chain.redb`.
pub(crate) struct HomeLock {
    /// Its lock is released when it closes.
    _file: File,
}

impl HomeLock {
    /// Locks `home` (creating it and its lock file if needed), or
    /// [`DbError::InUse`] if another owner holds it.
    pub(crate) fn acquire(home: &Path) -> Result<HomeLock, DbError> {
        std::fs::create_dir_all(home).map_err(|source| DbError::Home {
            home: home.into(),
            source,
        })?;
        let path = home.join(LOCK_FILE);
        let lock_error = |source| DbError::Lock {
            path: path.clone(),
            source,
        };
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(lock_error)?;
        match file.try_lock() {
            Ok(()) => Ok(HomeLock { _file: file }),
            Err(TryLockError::WouldBlock) => Err(DbError::InUse { home: home.into() }),
            Err(TryLockError::Error(source)) => Err(lock_error(source)),
        }
    }
}

/// The open database of a home, holding the home's lock.
pub struct Db {
    // Declared before `lock`, so closed before the lock is released.
    db: redb::Database,
    path: PathBuf,
    home: PathBuf,
    /// Shared with the other databases of one `init` (the old chain, the
    /// new one being built), so that the home stays locked throughout.
    lock: Arc<HomeLock>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("path", &self.path).finish()
    }
}

impl Db {
    /// Opens the chain of `home`, taking its lock. A missing file, or one
    /// without the chain's tables (an `init` stopped before its genesis
    /// block committed, by a version that wrote `chain.redb` in place), is
    /// [`DbError::NoChain`].
    pub fn open(home: &Path) -> Result<Db, DbError> {
        if !home.join(DB_FILE).exists() {
            return Err(DbError::NoChain { home: home.into() });
        }
        Db::open_locked(&Arc::new(HomeLock::acquire(home)?), home)
    }

    /// [`Db::open`] under a lock of `home` already held.
    pub(crate) fn open_locked(lock: &Arc<HomeLock>, home: &Path) -> Result<Db, DbError> {
        let db = Db::at(lock.clone(), home, DB_FILE)?;
        if !db.has_chain()? {
            return Err(DbError::NoChain { home: home.into() });
        }
        Ok(db)
    }

    /// Opens `home/chain.redb` whatever it holds, creating the home and the
    /// file if needed, and takes the home's lock.
    pub fn create(home: &Path) -> Result<Db, DbError> {
        Db::at(Arc::new(HomeLock::acquire(home)?), home, DB_FILE)
    }

    /// Opens (or creates) `home/file` under `lock`.
    ///
    /// The open checks every page's checksum: redb trusts a cleanly closed
    /// file otherwise, and may panic on one damaged outside redb, where
    /// this is [`DbError::Corrupt`]. The devnet's file is small.
    fn at(lock: Arc<HomeLock>, home: &Path, file: &str) -> Result<Db, DbError> {
        let path = home.join(file);
        let db = redb::Database::builder()
            .set_check_integrity_on_open(true)
            .create(&path)
            .map_err(|e| match e {
                // redb's own lock on the file: a gasket from before the
                // home's lock, or a tool opening the file directly.
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
            lock,
        })
    }

    /// The lock this database holds, to open another database of the home
    /// (see [`Db::replace`]) without releasing it.
    pub(crate) fn lock(&self) -> &Arc<HomeLock> {
        &self.lock
    }

    /// Builds a new database of `home` with `fill` and puts it in place of
    /// `chain.redb`, under `lock` (held by the caller, and by any open
    /// database of the home, throughout).
    ///
    /// `fill` writes `chain.redb.new` (a leftover one is deleted first) and
    /// must commit durably; then the file is renamed over `chain.redb` and
    /// the home's directory synced. Any error before the rename leaves
    /// `chain.redb` as it was (and deletes the temporary file when it can);
    /// after the rename nothing fails: an old database still open keeps
    /// the old, now unlinked, file until it is dropped.
    pub(crate) fn replace<E: From<DbError>>(
        lock: Arc<HomeLock>,
        home: &Path,
        fill: impl FnOnce(&Db) -> Result<(), E>,
    ) -> Result<Db, E> {
        // Held until the temporary file is cleaned up, after the new
        // database (which holds it too) is dropped on an error.
        let _held = Arc::clone(&lock);
        let new_path = home.join(NEW_DB_FILE);
        let replace_error = |path: &Path| {
            let path = path.to_path_buf();
            move |source| DbError::Replace { path, source }
        };
        // A file left by an `init` that stopped. Anything else there (a
        // directory) is not ours to delete: creating the file fails and
        // names it.
        if std::fs::symlink_metadata(&new_path).is_ok_and(|meta| !meta.is_dir()) {
            std::fs::remove_file(&new_path).map_err(replace_error(&new_path))?;
        }
        let built = Db::at(lock, home, NEW_DB_FILE)
            .map_err(E::from)
            .and_then(|db| fill(&db).map(|()| db))
            .and_then(|db| {
                let path = home.join(DB_FILE);
                // The open file follows the rename: the database stays open.
                std::fs::rename(&new_path, &path).map_err(replace_error(&path))?;
                Ok(Db { path, ..db })
            });
        match built {
            Ok(db) => {
                sync_dir(home);
                Ok(db)
            }
            Err(e) => {
                // Best effort: the next `init` deletes it anyway.
                let _ = std::fs::remove_file(&new_path);
                Err(e)
            }
        }
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

/// Makes a rename in `home` durable. Best effort: after the rename the new
/// chain is the one every process sees, so a failure here is no reason to
/// report that it is not in place; a crash before the directory reaches
/// the disk could bring back the old file, as with any rename on a
/// filesystem that fails to sync its directory.
fn sync_dir(home: &Path) {
    #[cfg(unix)]
    if let Ok(dir) = File::open(home) {
        let _ = dir.sync_all();
    }
    #[cfg(not(unix))]
    let _ = home;
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
