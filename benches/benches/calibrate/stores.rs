//! What the calibration's host rows run over besides `MemoryStorage` and
//! in-memory contracts: the devnet's redb store (the one real `Storage`
//! this repository ships), and a callee whose compiled code comes from the
//! disk level of the compiled-code cache.

use gasket_benches::calibrate::{CALLEE_ADDRESS, CALLEE_CONTRACT, KEY_STRIDE, stored_key};
use gasket_devnet::chain::state_root::StateRoot;
use gasket_devnet::db::{Db, ReadStorage, STORAGE, WriteStorage, storage_key};
use gasket_host_env::{
    Address, CallContext, Capabilities, Contract, Contracts, HostError, MemoryContracts, Report,
    StorageError, execute,
};
use gasket_metering::Config;
use gasket_vm::{Cache, CacheConfig, DiskConfig, Engine};

/// `execute` in a write transaction of `db` that is aborted after it:
/// every call starts from the same state, and a block's commit is not a
/// call's cost.
pub fn execute_aborted(
    db: &Db,
    config: &Config,
    contracts: &dyn Contracts,
    call: &CallContext,
) -> Result<Report, HostError> {
    let txn = db.write().expect("write transaction");
    let report = execute(
        config,
        contracts,
        &mut WriteStorage {
            table: txn.open_table(STORAGE).expect("storage table"),
            root: StateRoot::from_bytes(&[0; 32]),
        },
        call,
    );
    txn.abort().expect("abort");
    report
}

/// A devnet store in a temporary home where `contract` holds
/// `stored_key(j)` for every `j` up to `calls · KEY_STRIDE`: `stored`
/// bytes at the keys `host_contract`'s `distinct_keys` touches (multiples
/// of `KEY_STRIDE`), 32 bytes between them.
pub fn devnet_store(contract: Address, calls: u32, stored: usize) -> (tempfile::TempDir, Db) {
    let last = calls.checked_mul(KEY_STRIDE).expect("keys fit u32");
    // 7-byte keys keep the low 3 bytes: they must stay distinct.
    assert!(last < 1 << 24, "{calls} calls: 7-byte keys would repeat");
    let home = tempfile::tempdir().expect("temporary home");
    let db = Db::create(home.path()).expect("devnet database");
    let txn = db.write().expect("write transaction");
    {
        let mut table = txn.open_table(STORAGE).expect("storage table");
        let (probed, other) = (vec![7u8; stored], [7u8; 32]);
        for j in 0..=last {
            let key = storage_key(&contract, &stored_key(j));
            let value = if j % KEY_STRIDE == 0 {
                &probed[..]
            } else {
                &other
            };
            table.insert(key.as_slice(), value).expect("insert");
        }
    }
    txn.commit().expect("commit");
    (home, db)
}

/// Size of the value [`devnet_balance`] stores (the workloads' `env.read`
/// answers with 32 bytes).
pub const BALANCE_BYTES: usize = 32;

/// A devnet store as [`devnet_store`] makes it for 1,000 calls (~100,000
/// entries of `HOST_A`), plus the workloads' key `balance\0` under
/// `HOST_A`: what `host_reads` reads on a real store.
pub fn devnet_balance() -> (tempfile::TempDir, Db) {
    let (home, db) = devnet_store(crate::HOST_A, 1000, 32);
    let txn = db.write().expect("write transaction");
    {
        let mut table = txn.open_table(STORAGE).expect("storage table");
        let key = storage_key(&crate::HOST_A, b"balance\0");
        table
            .insert(key.as_slice(), [7u8; BALANCE_BYTES].as_slice())
            .expect("insert");
    }
    txn.commit().expect("commit");
    (home, db)
}

/// A read transaction's storage of `db` (as the devnet serves views).
pub fn read_storage(db: &Db) -> ReadStorage {
    let txn = db.read().expect("read transaction");
    ReadStorage {
        table: txn.open_table(STORAGE).expect("storage table"),
    }
}

/// Holders of the token in [`devnet_token`]'s store besides alice and bob.
const TOKEN_HOLDERS: u32 = 100_000;

/// A devnet store holding the token's state after `init` and
/// [`TOKEN_HOLDERS`] other entries of the token at keys spread over its
/// key space (blake3 of a counter), so that its balances sit in an index
/// of realistic depth.
pub fn devnet_token(config: &Config, engine: &Engine) -> (tempfile::TempDir, Db) {
    let token = gasket_benches::token::token_transfers(config, engine);
    let home = tempfile::tempdir().expect("temporary home");
    let db = Db::create(home.path()).expect("devnet database");
    let txn = db.write().expect("write transaction");
    {
        let mut table = txn.open_table(STORAGE).expect("storage table");
        for (address, key, value) in token.storage.entries() {
            let key = storage_key(address, key);
            table.insert(key.as_slice(), value).expect("insert");
        }
        for i in 0..TOKEN_HOLDERS {
            let holder = blake3::hash(&i.to_le_bytes());
            let key = storage_key(&gasket_benches::token::TOKEN, holder.as_bytes());
            table
                .insert(key.as_slice(), [7u8; 16].as_slice())
                .expect("insert");
        }
    }
    txn.commit().expect("commit");
    (home, db)
}

/// Contracts in memory, but those at `CALLEE_ADDRESS` and every address
/// that differs from it in the last 4 bytes compiled through a cache with
/// no memory level on every lookup: each lookup reads, checks and maps
/// its artifact file, as for a node whose memory cache does not hold the
/// contract.
pub struct DiskCallee {
    contracts: MemoryContracts,
    engine: Engine,
    cache: Cache,
    config: Config,
    wasm: Vec<u8>,
    code_hash: [u8; 32],
    capabilities: Capabilities,
    policy_id: Vec<u8>,
    /// Every other module of a run of disk hits, held while the row runs.
    _pinned: Vec<gasket_vm::Module>,
    _dir: tempfile::TempDir,
}

/// Modules held through the `noop` row, with a free gap after each: a
/// node's memory cache keeps modules it loaded scattered through the code
/// chunks, so a small load finds a gap of its own size and makes it
/// writable (an `mprotect` more, on a mapping split into many areas)
/// instead of a run freed in one piece: more gaps than a tree's calls, so
/// every load of the row meets it. A large contract's worst case is the
/// other one, a fresh chunk mapped for it (the gaps would spare it that),
/// so the token row runs without.
const PINNED_SMALL_MODULES: usize = 1_100;

impl DiskCallee {
    /// `contracts` and, at `CALLEE_ADDRESS`, the built contract `name`
    /// (`noop`: `CALLEE_CONTRACT`), compiled once into the disk level (for
    /// `noop`, with modules pinned between free gaps).
    pub fn new(
        contracts: MemoryContracts,
        engine: &Engine,
        config: &Config,
        name: &str,
    ) -> DiskCallee {
        let wasm = callee_wasm(name);
        let dir = tempfile::tempdir().expect("cache directory");
        let cache = Cache::new(CacheConfig {
            memory_bytes: 0,
            disk: Some(DiskConfig {
                dir: dir.path().into(),
                max_bytes: 1 << 30,
            }),
        });
        let capabilities = Capabilities::all();
        let mut callee = DiskCallee {
            contracts,
            engine: engine.clone(),
            cache,
            config: config.clone(),
            code_hash: *blake3::hash(&wasm).as_bytes(),
            wasm,
            policy_id: capabilities.cache_id(),
            capabilities,
            _pinned: Vec::new(),
            _dir: dir,
        };
        let load = || {
            callee
                .contract(&Address(CALLEE_ADDRESS))
                .expect("callee loads")
                .expect("callee exists")
                .module
        };
        drop(load());
        let pinned = if name == "noop" {
            PINNED_SMALL_MODULES
        } else {
            0
        };
        let loaded: Vec<_> = (0..2 * pinned).map(|_| load()).collect();
        callee._pinned = loaded.into_iter().step_by(2).collect();
        assert_eq!(callee.cache.stats().misses, 1, "compiled once");
        callee
    }
}

impl Contracts for DiskCallee {
    fn contract(&self, address: &Address) -> Result<Option<Contract>, StorageError> {
        // Every address `host_contract`'s distinct calls reach.
        if address.0[..28] != CALLEE_ADDRESS[..28] {
            return self.contracts.contract(address);
        }
        let module = self
            .engine
            .compile_cached_with_hash(
                &self.cache,
                &self.code_hash,
                &self.wasm,
                &self.config,
                &self.policy_id,
                |wasm, config| self.capabilities.prepare(wasm, config),
            )
            .map_err(|e| StorageError(e.to_string()))?;
        Ok(Some(Contract {
            module,
            views: None,
            wasm_bytes: self.wasm.len() as u64,
        }))
    }

    fn wasm_bytes(&self, address: &Address) -> Result<Option<u64>, StorageError> {
        if address.0[..28] != CALLEE_ADDRESS[..28] {
            return self.contracts.wasm_bytes(address);
        }
        Ok(Some(self.wasm.len() as u64))
    }
}

/// The wasm of callee `name` (`noop`: `CALLEE_CONTRACT`, else a built
/// contract).
pub fn callee_wasm(name: &str) -> Vec<u8> {
    if name == "noop" {
        wat::parse_str(CALLEE_CONTRACT).expect("callee")
    } else {
        gasket_benches::read_contract(name)
    }
}
