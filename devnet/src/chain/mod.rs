//! The local chain: dev accounts, blocks of transactions executed through
//! `gasket_host_env::execute` over the redb state, views, and replay.
//!
//! Guarantees:
//! - One redb write transaction per block: a block, its receipts, the
//!   state changes of its transactions and the new state root are committed
//!   together or not at all. A node failure (storage, memory) during a
//!   transaction aborts the whole block.
//! - Execution is deterministic: the same blocks (transactions and
//!   timestamps) from the same genesis give the same headers and receipts,
//!   which [`Chain::replay_into`] checks block by block.
//! - A contract's address is `blake3("gasket-contract" ‖ deployer ‖ nonce
//!   (u64 LE) ‖ code hash)`; a dev account's is `blake3(name)`.
//! - Deploy-time checks (the metering gate and ABI policy) run before a
//!   deploy enters a block: a rejected module is an error, not a block.

pub mod abi;
mod modules;
pub mod state_root;
pub mod types;

use std::path::Path;
use std::sync::Arc;

use gasket_host_env::{
    Address, BlockInfo, CallContext, CallMode, Contract, Contracts, HostError, INIT_METHOD, Report,
    Status, StorageError, execute,
};
use gasket_metering::{Config, PrepareError};
use redb::{Durability, ReadableTable};

use crate::db::{
    BLOCKS, CODE, CONTRACTS, Db, DbError, HomeLock, META, NONCES, ReadStorage, STATE_ROOT_KEY,
    STORAGE, TXS, WriteStorage,
};
pub use modules::{
    CACHE_DIR, CompiledContract, DISK_CACHE_BYTES, MODULES_MEMORY_BYTES, ModuleCache,
};
use state_root::{StateRoot, Table};
use types::{Block, Hash, Header, Receipt, ReceiptField, Tx, TxKind, TxRecord, tx_root};

/// A storage entry: key and value.
pub type Entry = (Vec<u8>, Vec<u8>);

/// The dev accounts created at genesis, in order.
pub const DEV_ACCOUNTS: [&str; 4] = ["alice", "bob", "carol", "dave"];

/// Env var that fixes block timestamps: block `h` gets `value + 1000·h` ms
/// (never before its parent's, as with the clock).
pub const TIME_ENV: &str = "GASKET_TIME_MS";

/// The address of a dev account: `blake3(name)`.
pub fn dev_address(name: &str) -> Address {
    Address(*blake3::hash(name.as_bytes()).as_bytes())
}

/// The dev account of that name.
pub fn dev_account(name: &str) -> Option<Address> {
    DEV_ACCOUNTS.contains(&name).then(|| dev_address(name))
}

/// The address of a contract deployed by `deployer` with `nonce`.
pub fn contract_address(deployer: &Address, nonce: u64, code_hash: &Hash) -> Address {
    let mut hasher = blake3::Hasher::new();
    hasher.update(b"gasket-contract");
    hasher.update(&deployer.0);
    hasher.update(&nonce.to_le_bytes());
    hasher.update(code_hash);
    Address(*hasher.finalize().as_bytes())
}

/// A failure of the chain (never a contract outcome: those are receipts).
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
    /// The module was rejected at deploy.
    #[error("module rejected: {0}")]
    Prepare(PrepareError),
    /// The VM could not compile it.
    #[error("module does not compile: {0}")]
    Compile(gasket_vm::CompileError),
    /// The host failed during execution: the block was not written.
    #[error("execution failed (nothing written): {0}")]
    Host(#[from] HostError),
    /// `init` on a home that has a chain.
    #[error("{home} already has a chain (height {height}); use another --home or `init --force`")]
    AlreadyInitialized {
        /// The home.
        home: String,
        /// Its height.
        height: u64,
    },
    /// No block at that height.
    #[error("no block {height} (the chain is at height {head})")]
    NoBlock {
        /// Asked for.
        height: u64,
        /// The head.
        head: u64,
    },
    /// No contract at the address.
    #[error("no contract at {0}")]
    NoContract(Address),
    /// A contract's code hash is recorded but its code is not: the
    /// database lost a record (never empty code, which would compile to a
    /// rejection under the real contract's hash).
    #[error(
        "code of {address}/{} missing from the chain database",
        abi::to_hex(code_hash)
    )]
    MissingCode {
        /// The contract.
        address: Address,
        /// The code hash its record names.
        code_hash: Hash,
    },
    /// A replayed block differs from the original.
    #[error("replay diverged at block {height}: {what}")]
    Diverged {
        /// The block.
        height: u64,
        /// What differs.
        what: String,
    },
    /// A replayed transaction's receipt differs from the stored one.
    #[error(
        "replay diverged at block {height}, transaction {index}: receipt field {field} differs from the stored one"
    )]
    ReceiptDiverged {
        /// The block.
        height: u64,
        /// The transaction's index in the block.
        index: u32,
        /// The first field that differs.
        field: ReceiptField,
    },
    /// The VM engine could not start.
    #[error("cannot create the VM engine: {0}")]
    Engine(String),
    /// [`TIME_ENV`] is set to something other than milliseconds.
    #[error("{TIME_ENV}={value:?} is not a number of milliseconds (unset it to use the clock)")]
    BadTime {
        /// What it is set to.
        value: String,
    },
}

/// Contract lookup over the `contracts` and `code` tables of one
/// transaction.
struct TableContracts<'a, T> {
    contracts: &'a T,
    code: &'a T,
    cache: &'a ModuleCache,
}

impl<T: ReadableTable<&'static [u8], &'static [u8]>> TableContracts<'_, T> {
    /// The code hash of the contract at `address`.
    fn code_hash(&self, address: &Address) -> Result<Option<Hash>, StorageError> {
        let Some(hash) = self.contracts.get(address.0.as_slice()).map_err(db_error)? else {
            return Ok(None);
        };
        let hash: Hash = hash
            .value()
            .try_into()
            .map_err(|_| StorageError(format!("corrupt code hash of {address}")))?;
        Ok(Some(hash))
    }
}

fn db_error(e: redb::StorageError) -> StorageError {
    StorageError(format!("chain database: {e}"))
}

impl<T: ReadableTable<&'static [u8], &'static [u8]>> Contracts for TableContracts<'_, T> {
    fn contract(&self, address: &Address) -> Result<Option<Contract>, StorageError> {
        let Some(hash) = self.code_hash(address)? else {
            return Ok(None);
        };
        let compiled = self
            .cache
            .get_or_compile(&hash, || {
                let code = self.code.get(hash.as_slice()).map_err(|e| {
                    ChainError::Db(DbError::Corrupt {
                        path: "code".into(),
                        what: e.to_string(),
                    })
                })?;
                code.map(|c| c.value().to_vec())
                    .ok_or(ChainError::MissingCode {
                        address: *address,
                        code_hash: hash,
                    })
            })
            .map_err(|e| match e {
                missing @ ChainError::MissingCode { .. } => StorageError(missing.to_string()),
                e => StorageError(format!("code of {address}: {e}")),
            })?;
        Ok(Some(compiled.contract))
    }

    fn wasm_bytes(&self, address: &Address) -> Result<Option<u64>, StorageError> {
        let Some(hash) = self.code_hash(address)? else {
            return Ok(None);
        };
        if let Some(wasm_bytes) = self.cache.kept_wasm_bytes(&hash) {
            return Ok(Some(wasm_bytes));
        }
        // The stored code's length, without compiling or loading it.
        match self.code.get(hash.as_slice()).map_err(db_error)? {
            Some(code) => Ok(Some(code.value().len() as u64)),
            None => Err(StorageError(
                ChainError::MissingCode {
                    address: *address,
                    code_hash: hash,
                }
                .to_string(),
            )),
        }
    }
}

/// One transaction to put in a block.
#[derive(Debug, Clone)]
pub struct TxRequest {
    /// The sender.
    pub from: Address,
    /// Deploy or call.
    pub kind: TxKind,
    /// Borsh input.
    pub input: Vec<u8>,
    /// Gas limit.
    pub gas_limit: u64,
    /// The wasm bytes of a deploy.
    pub code: Option<Vec<u8>>,
}

/// The chain of one home.
pub struct Chain {
    db: Db,
    config: Config,
    modules: Arc<ModuleCache>,
    fixed_time: Option<u64>,
}

/// Maps redb's many error types to [`DbError`] for one database.
trait OrDb<T> {
    fn or_db(self, db: &Db) -> Result<T, DbError>;
}

impl<T, E: Into<redb::Error>> OrDb<T> for Result<T, E> {
    fn or_db(self, db: &Db) -> Result<T, DbError> {
        self.map_err(|e| db.err()(e.into()))
    }
}

impl Chain {
    /// Creates a chain in `home` with its genesis block (timestamp
    /// `genesis_time`, else the clock). `force` replaces an existing chain.
    ///
    /// The home's lock is taken first and held until the returned chain is
    /// dropped, so no other process opens the home while the file is
    /// replaced; the new chain is built beside the old one and renamed
    /// over it: on any error the old chain is unchanged.
    pub fn init(home: &Path, genesis_time: Option<u64>, force: bool) -> Result<Chain, ChainError> {
        // Before the file is touched: a bad setting changes nothing.
        let fixed_time = fixed_time()?;
        // A home in use is never replaced.
        let lock = Arc::new(HomeLock::acquire(home)?);
        // The old database stays open (and redb's lock on its file held)
        // until the new one is in place: a process that ignores the home's
        // lock (an older gasket, a tool) still cannot open the old file in
        // between.
        let mut _old = None;
        if home.join(crate::db::DB_FILE).exists() {
            match Db::open_locked(&lock, home) {
                Ok(db) if !force => {
                    return Err(Chain::with_db(db, fixed_time)?.already_initialized());
                }
                Ok(db) => _old = Some(db),
                Err(DbError::NoChain { .. }) => {}
                Err(e @ DbError::InUse { .. }) => return Err(e.into()),
                // --force replaces whatever the file holds.
                Err(_) if force => {}
                Err(e) => return Err(e.into()),
            }
        }
        // Everything that may fail before the file is replaced.
        let modules = Arc::new(ModuleCache::new(
            Config::default(),
            Some(home.join(CACHE_DIR)),
        )?);
        let genesis_ms = genesis_time.unwrap_or_else(|| timestamp(fixed_time, 0, 0));
        let db = Db::replace(lock, home, |db| write_genesis(db, genesis_ms))?;
        Ok(Chain {
            db,
            config: Config::default(),
            modules,
            fixed_time,
        })
    }

    /// Replaces this chain with a fresh one (`init --force` on an open
    /// chain) without ever releasing the home: the new chain is built
    /// beside this one under the lock this chain holds, and renamed over
    /// it. On any error this chain stays as it was, open and locked.
    pub fn reinit(&mut self, genesis_time: Option<u64>) -> Result<(), ChainError> {
        let genesis_ms = genesis_time.unwrap_or_else(|| timestamp(self.fixed_time, 0, 0));
        let home = self.home().to_path_buf();
        let db = Db::replace(self.db.lock().clone(), &home, |db| {
            write_genesis(db, genesis_ms)
        })?;
        // The old database closes here, on its unlinked file; the new one
        // holds the lock.
        self.db = db;
        Ok(())
    }

    /// What an `init` without `force` over this chain fails with.
    pub fn already_initialized(&self) -> ChainError {
        match self.height() {
            Ok(height) => ChainError::AlreadyInitialized {
                home: self.home().display().to_string(),
                height,
            },
            Err(e) => e,
        }
    }

    /// Opens the chain of `home`.
    pub fn open(home: &Path) -> Result<Chain, ChainError> {
        let fixed_time = fixed_time()?;
        Chain::with_db(Db::open(home)?, fixed_time)
    }

    fn with_db(db: Db, fixed_time: Option<u64>) -> Result<Chain, ChainError> {
        let cache_dir = db.home().join(CACHE_DIR);
        Ok(Chain {
            db,
            config: Config::default(),
            modules: Arc::new(ModuleCache::new(Config::default(), Some(cache_dir))?),
            fixed_time,
        })
    }

    /// Shares `modules` (compiled code) with another chain of this process.
    pub fn with_modules(mut self, modules: Arc<ModuleCache>) -> Chain {
        self.modules = modules;
        self
    }

    /// The compiled-module cache.
    pub fn modules(&self) -> &Arc<ModuleCache> {
        &self.modules
    }

    /// The home directory.
    pub fn home(&self) -> &Path {
        self.db.home()
    }

    /// The timestamp of block `height` after a parent at `parent_ms`
    /// (see [`timestamp`]).
    fn timestamp(&self, height: u64, parent_ms: u64) -> u64 {
        timestamp(self.fixed_time, height, parent_ms)
    }

    /// The height of the last block.
    pub fn height(&self) -> Result<u64, ChainError> {
        let rtx = self.db.read()?;
        let blocks = rtx.open_table(BLOCKS).or_db(&self.db)?;
        let last = blocks.last().or_db(&self.db)?;
        last.map(|(h, _)| h.value())
            .ok_or_else(|| self.db.corrupt("chain without genesis").into())
    }

    /// The block at `height`.
    pub fn block(&self, height: u64) -> Result<Block, ChainError> {
        let rtx = self.db.read()?;
        let blocks = rtx.open_table(BLOCKS).or_db(&self.db)?;
        match blocks.get(height).or_db(&self.db)? {
            Some(bytes) => borsh::from_slice(bytes.value())
                .map_err(|_| self.db.corrupt(format!("block {height}")).into()),
            None => Err(ChainError::NoBlock {
                height,
                head: self.height()?,
            }),
        }
    }

    /// A transaction and its receipt by hash.
    pub fn tx(&self, hash: &Hash) -> Result<Option<TxRecord>, ChainError> {
        let rtx = self.db.read()?;
        let txs = rtx.open_table(TXS).or_db(&self.db)?;
        match txs.get(hash.as_slice()).or_db(&self.db)? {
            Some(bytes) => Ok(Some(borsh::from_slice(bytes.value()).map_err(|_| {
                self.db
                    .corrupt(format!("transaction {}", abi::to_hex(hash)))
            })?)),
            None => Ok(None),
        }
    }

    /// The nonce of `account`.
    pub fn nonce(&self, account: &Address) -> Result<u64, ChainError> {
        let rtx = self.db.read()?;
        let nonces = rtx.open_table(NONCES).or_db(&self.db)?;
        let nonce = nonces
            .get(account.0.as_slice())
            .or_db(&self.db)?
            .map(|v| v.value());
        Ok(nonce.unwrap_or(0))
    }

    /// The code hash of the contract at `address`.
    pub fn code_hash(&self, address: &Address) -> Result<Option<Hash>, ChainError> {
        let rtx = self.db.read()?;
        let contracts = rtx.open_table(CONTRACTS).or_db(&self.db)?;
        let found = contracts.get(address.0.as_slice()).or_db(&self.db)?;
        Ok(found.and_then(|v| v.value().try_into().ok()))
    }

    /// Wasm bytes by code hash.
    pub fn code(&self, code_hash: &Hash) -> Result<Option<Vec<u8>>, ChainError> {
        let rtx = self.db.read()?;
        let code = rtx.open_table(CODE).or_db(&self.db)?;
        let found = code.get(code_hash.as_slice()).or_db(&self.db)?;
        Ok(found.map(|v| v.value().to_vec()))
    }

    /// The compiled contract at `address` (its ABI, views).
    pub fn contract(&self, address: &Address) -> Result<CompiledContract, ChainError> {
        let hash = self
            .code_hash(address)?
            .ok_or(ChainError::NoContract(*address))?;
        self.modules.get_or_compile(&hash, || {
            self.code(&hash)?.ok_or(ChainError::MissingCode {
                address: *address,
                code_hash: hash,
            })
        })
    }

    /// The storage of `contract` (all keys, or those starting with
    /// `prefix`), in key order.
    pub fn storage(&self, contract: &Address, prefix: &[u8]) -> Result<Vec<Entry>, ChainError> {
        let rtx = self.db.read()?;
        let storage = rtx.open_table(STORAGE).or_db(&self.db)?;
        let start = crate::db::storage_key(contract, prefix);
        let mut out = Vec::new();
        for entry in storage.range(start.as_slice()..).or_db(&self.db)? {
            let (k, v) = entry.or_db(&self.db)?;
            if !k.value().starts_with(&start) {
                break;
            }
            out.push((k.value()[32..].to_vec(), v.value().to_vec()));
        }
        Ok(out)
    }

    /// One storage value of `contract`.
    pub fn storage_get(
        &self,
        contract: &Address,
        key: &[u8],
    ) -> Result<Option<Vec<u8>>, ChainError> {
        let rtx = self.db.read()?;
        let table = rtx.open_table(STORAGE).or_db(&self.db)?;
        Ok(
            gasket_host_env::Storage::get(&ReadStorage { table }, contract, key)
                .map_err(HostError::Storage)?,
        )
    }

    /// Checks a deploy's module (gate, ABI policy, compile) and caches it.
    pub fn check_code(&self, wasm: &[u8]) -> Result<CompiledContract, ChainError> {
        let hash = *blake3::hash(wasm).as_bytes();
        self.modules.get_or_compile(&hash, || Ok(wasm.to_vec()))
    }

    /// Executes `requests` in one new block and commits it (durably unless
    /// `batch`: then it becomes durable with the next durable commit).
    /// `timestamp` fixes the block's timestamp (replay).
    pub fn submit(
        &self,
        requests: Vec<TxRequest>,
        timestamp: Option<u64>,
        batch: bool,
    ) -> Result<(Block, Vec<TxRecord>), ChainError> {
        for request in &requests {
            if let Some(code) = &request.code {
                self.check_code(code)?;
            }
        }
        let db = &self.db;
        let mut txn = db.write()?;
        if batch {
            txn.set_durability(Durability::None)
                .map_err(|err| db.corrupt(format!("cannot set durability: {err}")))?;
        }
        let (block, records) = {
            let mut blocks = txn.open_table(BLOCKS).or_db(db)?;
            let mut meta = txn.open_table(META).or_db(db)?;
            let mut txs = txn.open_table(TXS).or_db(db)?;
            let mut code = txn.open_table(CODE).or_db(db)?;
            let mut contracts = txn.open_table(CONTRACTS).or_db(db)?;
            let mut nonces = txn.open_table(NONCES).or_db(db)?;
            let root = match meta.get(STATE_ROOT_KEY).or_db(db)? {
                Some(bytes) => StateRoot::from_bytes(
                    bytes
                        .value()
                        .try_into()
                        .map_err(|_| db.corrupt("state root"))?,
                ),
                None => return Err(db.corrupt("no state root").into()),
            };
            let mut storage = WriteStorage {
                table: txn.open_table(STORAGE).or_db(db)?,
                root,
            };
            let parent: Block = {
                let (_, bytes) = blocks
                    .last()
                    .or_db(db)?
                    .ok_or_else(|| db.corrupt("chain without genesis"))?;
                borsh::from_slice(bytes.value()).map_err(|_| db.corrupt("head block"))?
            };
            let height = parent.header.height + 1;
            let timestamp_ms =
                timestamp.unwrap_or_else(|| self.timestamp(height, parent.header.timestamp_ms));
            let block_info = BlockInfo {
                height,
                timestamp_ms,
            };
            let mut records = Vec::with_capacity(requests.len());
            let mut gas_total = 0u64;
            for (index, request) in requests.into_iter().enumerate() {
                let from = request.from;
                let old_nonce = nonces.get(from.0.as_slice()).or_db(db)?.map(|v| v.value());
                let nonce = old_nonce.unwrap_or(0);
                nonces.insert(from.0.as_slice(), nonce + 1).or_db(db)?;
                storage.root.update(
                    Table::Nonces,
                    &from.0,
                    old_nonce
                        .map(u64::to_le_bytes)
                        .as_ref()
                        .map(|b| b.as_slice()),
                    Some(&(nonce + 1).to_le_bytes()),
                );
                let tx = Tx {
                    from,
                    nonce,
                    kind: request.kind,
                    input: request.input,
                    gas_limit: request.gas_limit,
                };
                let receipt = match &tx.kind {
                    TxKind::Deploy { code_hash } => {
                        let wasm = request.code.unwrap_or_default();
                        if code.get(code_hash.as_slice()).or_db(db)?.is_none() {
                            code.insert(code_hash.as_slice(), wasm.as_slice())
                                .or_db(db)?;
                        }
                        let compiled = self.modules.get_or_compile(code_hash, || Ok(wasm))?;
                        let address = contract_address(&from, nonce, code_hash);
                        contracts
                            .insert(address.0.as_slice(), code_hash.as_slice())
                            .or_db(db)?;
                        storage.root.insert(Table::Contracts, &address.0, code_hash);
                        let report = if compiled.has_init {
                            let lookup = TableContracts {
                                contracts: &contracts,
                                code: &code,
                                cache: &self.modules,
                            };
                            execute(
                                &self.config,
                                &lookup,
                                &mut storage,
                                &CallContext {
                                    caller: from,
                                    contract: address,
                                    method: INIT_METHOD.into(),
                                    input: tx.input.clone(),
                                    block: block_info,
                                    gas_limit: tx.gas_limit,
                                    mode: CallMode::Init,
                                },
                            )?
                        } else {
                            Report {
                                outcome: gasket_host_env::Outcome {
                                    status: Status::Success(Vec::new()),
                                    gas_used: 0,
                                    events: Vec::new(),
                                },
                                writes: Vec::new(),
                                logs: Vec::new(),
                            }
                        };
                        if !matches!(report.outcome.status, Status::Success(_)) {
                            // A failed init deploys nothing.
                            contracts.remove(address.0.as_slice()).or_db(db)?;
                            storage.root.remove(Table::Contracts, &address.0, code_hash);
                        }
                        receipt(report, Some(address))
                    }
                    TxKind::Call { contract, method } => {
                        let lookup = TableContracts {
                            contracts: &contracts,
                            code: &code,
                            cache: &self.modules,
                        };
                        let report = execute(
                            &self.config,
                            &lookup,
                            &mut storage,
                            &CallContext {
                                caller: from,
                                contract: *contract,
                                method: method.clone(),
                                input: tx.input.clone(),
                                block: block_info,
                                gas_limit: tx.gas_limit,
                                mode: CallMode::Call,
                            },
                        )?;
                        receipt(report, None)
                    }
                };
                gas_total = gas_total.saturating_add(receipt.gas_used);
                records.push(TxRecord {
                    tx,
                    receipt,
                    block: height,
                    index: index as u32,
                });
            }
            let hashes: Vec<Hash> = records.iter().map(|r| r.tx.hash()).collect();
            for (hash, record) in hashes.iter().zip(&records) {
                txs.insert(hash.as_slice(), borsh::to_vec(record).unwrap().as_slice())
                    .or_db(db)?;
            }
            let root = storage.root.to_bytes();
            let block = Block {
                header: Header {
                    height,
                    parent_hash: parent.header.hash(),
                    timestamp_ms,
                    state_root: root,
                    tx_root: tx_root(&hashes),
                    gas_used: gas_total,
                },
                txs: hashes,
            };
            blocks
                .insert(height, borsh::to_vec(&block).unwrap().as_slice())
                .or_db(db)?;
            meta.insert(STATE_ROOT_KEY, root.as_slice()).or_db(db)?;
            (block, records)
        };
        txn.commit().or_db(db)?;
        Ok((block, records))
    }

    /// Runs a read-only call at the head block: nothing is written.
    pub fn view(
        &self,
        contract: &Address,
        method: &str,
        input: Vec<u8>,
        gas_limit: u64,
    ) -> Result<Report, ChainError> {
        let head = self.block(self.height()?)?.header;
        let rtx = self.db.read()?;
        let db = &self.db;
        let contracts = rtx.open_table(CONTRACTS).or_db(db)?;
        let code = rtx.open_table(CODE).or_db(db)?;
        let mut storage = ReadStorage {
            table: rtx.open_table(STORAGE).or_db(db)?,
        };
        let lookup = TableContracts {
            contracts: &contracts,
            code: &code,
            cache: &self.modules,
        };
        Ok(execute(
            &self.config,
            &lookup,
            &mut storage,
            &CallContext {
                caller: Address::default(),
                contract: *contract,
                method: method.into(),
                input,
                block: BlockInfo {
                    height: head.height,
                    timestamp_ms: head.timestamp_ms,
                },
                gas_limit,
                mode: CallMode::View,
            },
        )?)
    }

    /// The state root recomputed from every entry (see [`state_root`]).
    pub fn recompute_state_root(&self) -> Result<Hash, ChainError> {
        let rtx = self.db.read()?;
        let db = &self.db;
        let mut root = StateRoot::default();
        for (def, table) in [(STORAGE, Table::Storage), (CONTRACTS, Table::Contracts)] {
            for entry in rtx.open_table(def).or_db(db)?.iter().or_db(db)? {
                let (k, v) = entry.or_db(db)?;
                root.insert(table, k.value(), v.value());
            }
        }
        for entry in rtx.open_table(NONCES).or_db(db)?.iter().or_db(db)? {
            let (k, v) = entry.or_db(db)?;
            root.insert(Table::Nonces, k.value(), &v.value().to_le_bytes());
        }
        Ok(root.to_bytes())
    }

    /// Checks the whole chain: the head's state root equals the one
    /// recomputed from the state, and a replay of every block on a fresh
    /// chain in `scratch` (sharing compiled code) gives the same receipts
    /// and headers.
    /// Returns the number of blocks replayed.
    pub fn verify(&self, scratch: &Path) -> Result<u64, ChainError> {
        let head = self.block(self.height()?)?.header;
        if self.recompute_state_root()? != head.state_root {
            return Err(ChainError::Diverged {
                height: head.height,
                what: "the stored state root differs from the state".into(),
            });
        }
        let genesis = self.block(0)?.header.timestamp_ms;
        let replica =
            Chain::init(scratch, Some(genesis), false)?.with_modules(self.modules.clone());
        self.replay_into(&replica)
    }

    /// Re-executes every block of this chain on `target` (a fresh chain
    /// with the same genesis) and checks that each resulting receipt and
    /// header equals the stored one. Returns the number of blocks replayed.
    pub fn replay_into(&self, target: &Chain) -> Result<u64, ChainError> {
        let genesis = self.block(0)?.header;
        if target.block(0)?.header != genesis || target.height()? != 0 {
            return Err(ChainError::Diverged {
                height: 0,
                what: "the target is not a fresh chain with the same genesis".into(),
            });
        }
        let head = self.height()?;
        for height in 1..=head {
            let block = self.block(height)?;
            let mut requests = Vec::new();
            let mut stored = Vec::new();
            for hash in &block.txs {
                let record = self.tx(hash)?.ok_or_else(|| {
                    self.db
                        .corrupt(format!("missing transaction of block {height}"))
                })?;
                let code = match &record.tx.kind {
                    TxKind::Deploy { code_hash } => {
                        Some(self.code(code_hash)?.ok_or_else(|| {
                            self.db.corrupt(format!("missing code of block {height}"))
                        })?)
                    }
                    TxKind::Call { .. } => None,
                };
                requests.push(TxRequest {
                    from: record.tx.from,
                    kind: record.tx.kind,
                    input: record.tx.input,
                    gas_limit: record.tx.gas_limit,
                    code,
                });
                stored.push(record.receipt);
            }
            let (replayed, records) =
                target.submit(requests, Some(block.header.timestamp_ms), height != head)?;
            // The header commits to no receipt, only to their total gas.
            for (record, stored) in records.iter().zip(&stored) {
                if let Some(field) = stored.first_difference(&record.receipt) {
                    return Err(ChainError::ReceiptDiverged {
                        height,
                        index: record.index,
                        field,
                    });
                }
            }
            if replayed.header != block.header {
                return Err(ChainError::Diverged {
                    height,
                    what: format!("{:?} != {:?}", replayed.header, block.header),
                });
            }
        }
        Ok(head)
    }
}

/// The timestamp of block `height` after a parent at `parent_ms`: fixed by
/// [`TIME_ENV`] (`fixed_time`), else the wall clock, and never before the
/// parent (a fixed time below a chain made on the clock, or by another
/// fixed time, gives the parent's).
fn timestamp(fixed_time: Option<u64>, height: u64, parent_ms: u64) -> u64 {
    let ms = match fixed_time {
        Some(base) => base.saturating_add(height.saturating_mul(1000)),
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0),
    };
    ms.max(parent_ms)
}

/// Writes the genesis block at `timestamp_ms`, and every table, into an
/// empty database, and commits it durably.
fn write_genesis(db: &Db, timestamp_ms: u64) -> Result<(), ChainError> {
    let txn = db.write()?;
    {
        let mut blocks = txn.open_table(BLOCKS).or_db(db)?;
        let mut meta = txn.open_table(META).or_db(db)?;
        // Every table exists from genesis on, so readers never miss one.
        for def in [TXS, CODE, CONTRACTS, STORAGE] {
            txn.open_table(def).or_db(db)?;
        }
        txn.open_table(NONCES).or_db(db)?;
        let root = StateRoot::default().to_bytes();
        let header = Header {
            height: 0,
            parent_hash: [0; 32],
            timestamp_ms,
            state_root: root,
            tx_root: tx_root(&[]),
            gas_used: 0,
        };
        let block = Block {
            header,
            txs: Vec::new(),
        };
        blocks
            .insert(0, borsh::to_vec(&block).unwrap().as_slice())
            .or_db(db)?;
        meta.insert(STATE_ROOT_KEY, root.as_slice()).or_db(db)?;
    }
    // Durability::Immediate, the default: the file is complete on disk
    // before it is renamed into place.
    txn.commit().or_db(db)?;
    Ok(())
}

/// The base time [`TIME_ENV`] fixes, if it is set.
fn fixed_time() -> Result<Option<u64>, ChainError> {
    match std::env::var(TIME_ENV) {
        Ok(value) => value
            .parse()
            .map(Some)
            .map_err(|_| ChainError::BadTime { value }),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(value)) => Err(ChainError::BadTime {
            value: value.to_string_lossy().into_owned(),
        }),
    }
}

fn receipt(report: Report, contract: Option<Address>) -> Receipt {
    let success = matches!(report.outcome.status, Status::Success(_));
    Receipt {
        status: report.outcome.status,
        gas_used: report.outcome.gas_used,
        events: report.outcome.events,
        logs: report.logs,
        contract: contract.filter(|_| success),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A contract whose code record is gone: an error naming the contract
    /// and its code hash, not empty wasm compiled under the real hash.
    #[test]
    fn a_contract_without_its_code_is_an_error_naming_it() {
        let home = tempfile::tempdir().unwrap();
        let chain = Chain::init(home.path(), Some(0), false).unwrap();
        let address = Address([7; 32]);
        let code_hash: Hash = [9; 32];
        let txn = chain.db.write().unwrap();
        txn.open_table(CONTRACTS)
            .unwrap()
            .insert(address.0.as_slice(), code_hash.as_slice())
            .unwrap();
        txn.commit().unwrap();
        let rtx = chain.db.read().unwrap();
        let lookup = TableContracts {
            contracts: &rtx.open_table(CONTRACTS).unwrap(),
            code: &rtx.open_table(CODE).unwrap(),
            cache: &chain.modules,
        };
        let expected = format!(
            "code of {address}/{} missing from the chain database",
            abi::to_hex(&code_hash)
        );
        let error = lookup.contract(&address).err().unwrap();
        assert_eq!(error.0, expected);
        assert_eq!(lookup.wasm_bytes(&address).unwrap_err().0, expected);
        assert_eq!(chain.modules.compiles(), 0, "nothing compiled");
    }
}
