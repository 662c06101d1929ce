//! The compiled-code cache: compile a contract once per node, not once per
//! call.
//!
//! ```text
//! wasm bytes ─key─▶ memory (LRU, bytes) ─miss─▶ disk (artifact files) ─miss─▶ prepare + compile
//!                        ▲                         ▲                                │
//!                        └──────── insert ─────────┴──────── write (atomic) ────────┘
//! ```
//!
//! [`Engine::compile_cached`] computes a [`CacheKey`] from the original
//! wasm bytes, the metering config (the fields `prepare` reads), the
//! caller's policy id and the engine (see [`key`] for every input), so a
//! lookup happens before `prepare`.
//! A memory hit returns the shared [`Module`]; a disk hit maps the stored
//! code into fresh W^X memory (the blob is position independent); a miss
//! prepares and compiles, then stores the result in both levels. Compile
//! errors are cached the same way: a hostile module is prepared once.
//!
//! # Warning: integrity
//!
//! A stale or damaged artifact that gets executed is a consensus failure:
//! the node computes something else than its peers. Every file goes
//! through `artifact::decode` (`vm/src/cache/artifact.rs`), which checks
//! magic, format version, key, length and the payload's blake3 *before*
//! decoding anything, then checks the
//! metadata against the engine and itself. Any failure is a miss: the file
//! is deleted, counted in [`CacheStats::corrupt_files`] (the first
//! rejection, with the file's path and why, kept for
//! [`Cache::first_disk_error`]), the module is recompiled and the file
//! rewritten. The hash detects accidents (bit
//! flips, truncation, a crash mid-write, another build's files), not an
//! attacker: whoever can write the cache directory can write code this
//! process runs, so the directory must be as trusted as the node's binary.
//!
//! # Failures never stop execution
//!
//! A directory that cannot be created, read or written (read-only, full,
//! gone) makes the disk level useless, never the call: the module is
//! compiled and returned, the failure counted in [`CacheStats`], and the
//! first failure's message kept for [`Cache::first_disk_error`]. Those
//! statistics and messages are node-local (they carry OS text and paths):
//! never put them into anything consensus sees. What the cache returns —
//! a [`Module`] or a [`ModuleError`] — is the same, hit or miss.
//!
//! # Tiers
//!
//! [`Tiered`] pairs an optimising engine with its baseline over one cache:
//! baseline code on the first lookup, optimised code after
//! [`Tiered::tier_up`] (see [`tiered`]'s docs). Each tier's modules have
//! keys of their own, since the engine is part of the key.
//!
//! # For embedders
//!
//! - One [`Cache`] per engine configuration (or [`Tiered`] pair) and
//!   process; share it between threads (`&Cache` is enough, it is
//!   `Sync`). Several processes may share a directory.
//! - `policy_id` must name the capability policy `prepare` applies: two
//!   policies that accept different modules must have different ids, or a
//!   module accepted under one is returned under the other.
//! - The key covers this build (crate version, [`COMPILER_VERSION`],
//!   Cranelift version, [`FORMAT_VERSION`]): an upgraded node misses on the
//!   old files, which age out under the size bound.

mod artifact;
mod disk;
pub mod key;
mod memory;
pub mod tiered;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

use gasket_metering::{Config, PrepareError, Prepared};

use crate::engine::Engine;
use crate::error::{CompileError, ModuleError};
use crate::module::Module;
use artifact::Decoded;
use disk::DiskCache;
use key::KeyScope;
pub use key::{COMPILER_VERSION, CRANELIFT_VERSION, CacheKey};
pub use memory::ByteLru;
use memory::{Entry, MemoryCache};
pub use tiered::{Tier, Tiered};

/// Version of the artifact file format (`docs/CACHE_FORMAT.md`). Bumped on
/// any change to the header, the metadata encoding (including the borsh
/// layout of `ModuleInfo`, `PrepareError` and `CompileError`) or the code
/// layout. History:
///
/// - 1: first format (issue 5).
/// - 2: `indirect_entries` (trampolines for tables shared between
///   instances).
/// - 3: `Injected::charge_bytes_func` in `ModuleInfo` (the per-KiB gas
///   helper of bulk memory and table operators).
/// - 4: the payload checksum is XXH3-128 (16 bytes) instead of blake3
///   (32): a 68-byte header.
/// - 5: `max_frame` in the module's metadata; `CompileError::FrameTooLarge`
///   gone (development builds of 2026-12-04 only).
/// - 6: `max_frame` gone again (a function with a large frame compiles,
///   behind a guard).
/// - 7: `Injected::start_gas` in `ModuleInfo` (what `__gasket_start`
///   charges, which a host checks before instantiating).
pub const FORMAT_VERSION: u32 = 7;

/// Where and how large the on-disk level is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiskConfig {
    /// The directory of artifact files (created if missing). Only the
    /// cache should write there.
    pub dir: PathBuf,
    /// Upper bound on the total size of the artifact files, each counted
    /// as its size rounded up to whole 4 KiB blocks (what a file takes on
    /// disk, at the least). The number of files is bounded too
    /// ([`DiskConfig::max_files`]).
    pub max_bytes: u64,
}

/// [`DiskConfig::max_files`]: one file per this many bytes of the bound.
pub const DISK_BYTES_PER_FILE: u64 = 64 * 1024;

/// [`DiskConfig::max_files`] never allows fewer files than this (a small
/// bound is then the byte bound's to enforce).
pub const MIN_DISK_FILES: u64 = 16;

/// [`DiskConfig::max_files`] never allows more files than this: every
/// write lists the directory to evict, which stays a few milliseconds.
pub const MAX_DISK_FILES: u64 = 16_384;

impl DiskConfig {
    /// The most artifact files the directory holds: one per
    /// [`DISK_BYTES_PER_FILE`] (64 KiB) of `max_bytes`, between
    /// [`MIN_DISK_FILES`] and [`MAX_DISK_FILES`] (the 16,384 of a 1 GiB
    /// bound). A contract's artifact is tens to hundreds of KiB, so the
    /// byte bound is what usually binds; the cap stops a flood of small
    /// files (cached errors of junk modules) from costing an inode and a
    /// directory entry each without limit.
    pub fn max_files(&self) -> u64 {
        (self.max_bytes / DISK_BYTES_PER_FILE).clamp(MIN_DISK_FILES, MAX_DISK_FILES)
    }
}

/// The cache's bounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheConfig {
    /// Upper bound on the in-memory level (0: no memory level).
    pub memory_bytes: u64,
    /// The on-disk level, if any.
    pub disk: Option<DiskConfig>,
}

impl Default for CacheConfig {
    /// 256 MiB in memory, no disk.
    fn default() -> Self {
        CacheConfig {
            memory_bytes: 256 * 1024 * 1024,
            disk: None,
        }
    }
}

/// Counters of one [`Cache`] since it was made. **Node-local**: they depend
/// on this process's history and machine, never on consensus data; do not
/// feed them into anything peers must agree on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Lookups answered from memory.
    pub hits_memory: u64,
    /// Lookups answered from an artifact file.
    pub hits_disk: u64,
    /// Lookups that prepared and compiled.
    pub misses: u64,
    /// Files rejected by the integrity checks (damaged, truncated, another
    /// format version, key or target), deleted and rewritten. Each is also
    /// a miss.
    pub corrupt_files: u64,
    /// Artifact files that could not be written (or the directory created).
    pub write_failures: u64,
    /// Artifact files that eviction could not delete (each skipped, the
    /// next oldest deleted instead), or listings of the directory for
    /// eviction that failed.
    pub eviction_failures: u64,
    /// Artifact files that exist but could not be read.
    pub read_failures: u64,
    /// Entries evicted from memory to stay within the bound.
    pub evictions_memory: u64,
    /// Files deleted to stay within the disk bound.
    pub evictions_disk: u64,
    /// Bytes held by the memory level now.
    pub memory_bytes: u64,
}

#[derive(Default)]
struct Counters {
    hits_memory: AtomicU64,
    hits_disk: AtomicU64,
    misses: AtomicU64,
    corrupt_files: AtomicU64,
    write_failures: AtomicU64,
    eviction_failures: AtomicU64,
    read_failures: AtomicU64,
    evictions_memory: AtomicU64,
    evictions_disk: AtomicU64,
}

fn bump(counter: &AtomicU64, by: u64) {
    counter.fetch_add(by, Ordering::Relaxed);
}

/// A two-level cache of compiled modules (see the module docs). `Send +
/// Sync`; share it between threads.
pub struct Cache {
    memory: Mutex<MemoryCache>,
    disk: Option<DiskCache>,
    counters: Counters,
    first_disk_error: OnceLock<String>,
    /// The key scopes of the last few (engine, config, policy) looked up.
    scopes: Mutex<Vec<RememberedScope>>,
}

/// A [`KeyScope`] and what it was computed from.
struct RememberedScope {
    identity: [u8; 32],
    config: Config,
    policy_id: Vec<u8>,
    scope: KeyScope,
}

/// Scopes remembered: a node uses one, `Tiered` two.
const REMEMBERED_SCOPES: usize = 4;

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache")
            .field("disk", &self.disk.as_ref().map(DiskCache::dir))
            .field("stats", &self.stats())
            .finish()
    }
}

impl Cache {
    /// A cache with these bounds. Never fails: a directory that cannot be
    /// created is reported through [`Cache::first_disk_error`] and the
    /// statistics, and the disk level then just misses.
    pub fn new(config: CacheConfig) -> Cache {
        let cache = Cache {
            memory: Mutex::new(MemoryCache::new(config.memory_bytes)),
            disk: config
                .disk
                .as_ref()
                .map(|d| DiskCache::new(d.dir.clone(), d.max_bytes, d.max_files())),
            counters: Counters::default(),
            first_disk_error: OnceLock::new(),
            scopes: Mutex::new(Vec::new()),
        };
        if let Some(disk) = &cache.disk
            && let Err(e) = std::fs::create_dir_all(disk.dir())
        {
            bump(&cache.counters.write_failures, 1);
            cache.disk_error("creating", disk.dir(), &e);
        }
        cache
    }

    /// The key of `code_hash` under `engine`, `config` and `policy_id`:
    /// [`CacheKey::from_code_hash`], without hashing the config again when
    /// its scope is remembered (equal configs hash equal). The lock is only
    /// tried: contended (or poisoned), the scope is computed. The oldest
    /// remembered scope makes room for a new one.
    ///
    /// The key leaves out the fields `prepare` does not read, so the
    /// config is validated here, as `prepare` would: an invalid config is
    /// the same error on a hit as on a miss.
    pub(crate) fn key(
        &self,
        engine: &Engine,
        code_hash: &[u8; 32],
        config: &Config,
        policy_id: &[u8],
    ) -> Result<CacheKey, ModuleError> {
        config.validate()?;
        let identity = engine.identity();
        let remembered = self.scopes.try_lock().ok().and_then(|scopes| {
            scopes
                .iter()
                .find(|s| {
                    s.identity == *identity && s.policy_id == policy_id && s.config == *config
                })
                .map(|s| s.scope)
        });
        let scope = remembered.unwrap_or_else(|| {
            let scope = KeyScope::new(engine, &config.prepare_hash(), policy_id);
            if let Ok(mut scopes) = self.scopes.try_lock() {
                if scopes.len() == REMEMBERED_SCOPES {
                    scopes.remove(0);
                }
                scopes.push(RememberedScope {
                    identity: *identity,
                    config: config.clone(),
                    policy_id: policy_id.to_vec(),
                    scope,
                });
            }
            scope
        });
        Ok(CacheKey::in_scope(&scope, code_hash))
    }

    /// The counters so far (node-local, see [`CacheStats`]).
    pub fn stats(&self) -> CacheStats {
        let c = &self.counters;
        let load = |a: &AtomicU64| a.load(Ordering::Relaxed);
        CacheStats {
            hits_memory: load(&c.hits_memory),
            hits_disk: load(&c.hits_disk),
            misses: load(&c.misses),
            corrupt_files: load(&c.corrupt_files),
            write_failures: load(&c.write_failures),
            eviction_failures: load(&c.eviction_failures),
            read_failures: load(&c.read_failures),
            evictions_memory: load(&c.evictions_memory),
            evictions_disk: load(&c.evictions_disk),
            memory_bytes: self.lock_memory().bytes(),
        }
    }

    /// The first disk failure of this cache (operation, path, OS message
    /// or why a file was rejected), kept once so that a broken directory
    /// is reported once, not per call. Node-local text: for operators'
    /// logs, never for consensus.
    pub fn first_disk_error(&self) -> Option<&str> {
        self.first_disk_error.get().map(String::as_str)
    }

    /// Where the artifact for `key` lives (whether or not it exists), if
    /// the cache has a disk level.
    pub fn artifact_path(&self, key: &CacheKey) -> Option<PathBuf> {
        self.disk.as_ref().map(|d| d.path(key))
    }

    /// What the artifact files count against the disk bound now, each
    /// rounded up to whole 4 KiB blocks (0 without a disk level).
    pub fn disk_bytes(&self) -> std::io::Result<u64> {
        self.disk.as_ref().map_or(Ok(0), DiskCache::bytes)
    }

    fn disk_error(&self, what: &str, path: &std::path::Path, error: &dyn std::fmt::Display) {
        let _ = self
            .first_disk_error
            .set(format!("{what} {}: {error}", path.display()));
    }

    fn lock_memory(&self) -> std::sync::MutexGuard<'_, MemoryCache> {
        // A panic while holding the lock leaves the map consistent (every
        // method updates it before returning), so poisoning is ignored.
        self.memory.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn remember(&self, key: CacheKey, entry: &Entry, bytes: u64) {
        let evicted = self.lock_memory().insert(key, entry.clone(), bytes);
        bump(&self.counters.evictions_memory, evicted);
    }

    /// The disk level's answer for `key`: `None` on a miss (no file, a bad
    /// file, or an unreadable one).
    fn load_from_disk(&self, engine: &Engine, key: &CacheKey) -> Option<(Entry, u64)> {
        let disk = self.disk.as_ref()?;
        let file = match disk.read(key) {
            Ok(file) => file?,
            Err(e) => {
                bump(&self.counters.read_failures, 1);
                self.disk_error("reading", &disk.path(key), &e);
                return None;
            }
        };
        let entry = match artifact::decode(&file.bytes, key, engine) {
            Ok(Decoded::Module(meta, code)) => {
                artifact::load(meta, code).map_err(ModuleError::from)
            }
            Ok(Decoded::Error(error)) => Err(error),
            Err(e) => {
                bump(&self.counters.corrupt_files, 1);
                self.disk_error("rejecting", &disk.path(key), &e);
                disk.remove(key);
                return None;
            }
        };
        disk.touch(key, &file);
        Some((entry, memory_size(&file.bytes)))
    }

    fn store_on_disk(&self, key: &CacheKey, file: &[u8]) {
        let Some(disk) = &self.disk else { return };
        match disk.write(key, file) {
            Ok(eviction) => {
                bump(&self.counters.evictions_disk, eviction.evicted);
                bump(&self.counters.eviction_failures, eviction.failed);
                // The file was written: the failure names what could not
                // be deleted (or listed), not the new file.
                if let Some((path, e)) = eviction.failure {
                    self.disk_error("evicting", &path, &e);
                }
            }
            Err(e) => {
                bump(&self.counters.write_failures, 1);
                self.disk_error("writing", &disk.path(key), &e);
            }
        }
    }
}

/// What an entry counts against the memory bound: its artifact, rounded up
/// to pages.
fn memory_size(file: &[u8]) -> u64 {
    (file.len() as u64).next_multiple_of(4096)
}

const _: fn() = || {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Cache>();
};

impl Engine {
    /// [`Engine::compile`] through `cache`: the module for `wasm` (the
    /// original bytes, before `prepare`) under `config` and the policy
    /// named `policy_id`, from memory, from disk, or prepared with
    /// `prepare` and compiled.
    ///
    /// `prepare` must apply `config` and the policy `policy_id` names (for a
    /// contract, host-env's `Capabilities::prepare`); it runs only on a
    /// miss. Its result must carry the hashes of `wasm` and `config`, or
    /// the call fails with an internal error (nothing is cached then).
    ///
    /// Errors are cached like modules and come back equal, except
    /// [`CompileError::CodeMemory`], a resource failure of this machine.
    /// Disk failures never make this fail (see the module docs).
    pub fn compile_cached(
        &self,
        cache: &Cache,
        wasm: &[u8],
        config: &Config,
        policy_id: &[u8],
        prepare: impl FnOnce(&[u8], &Config) -> Result<Prepared, PrepareError>,
    ) -> Result<Module, ModuleError> {
        let code_hash = *blake3::hash(wasm).as_bytes();
        self.compile_cached_with_hash(cache, &code_hash, wasm, config, policy_id, prepare)
    }

    /// [`Engine::compile_cached`] for an embedder that already knows
    /// `code_hash`, the blake3 of `wasm` (a node keeps it with the
    /// contract): a hit then costs no pass over the bytes. A wrong hash
    /// is caught on a miss, before `prepare` runs: an internal error
    /// naming both hashes, and nothing cached (so wrong bytes never
    /// answer for the real contract's key). On a hit it returns whatever
    /// is cached under that hash, so it must come from the same trusted
    /// place as the code.
    pub fn compile_cached_with_hash(
        &self,
        cache: &Cache,
        code_hash: &[u8; 32],
        wasm: &[u8],
        config: &Config,
        policy_id: &[u8],
        prepare: impl FnOnce(&[u8], &Config) -> Result<Prepared, PrepareError>,
    ) -> Result<Module, ModuleError> {
        let key = cache.key(self, code_hash, config, policy_id)?;
        if let Some(entry) = self.lookup(cache, &key) {
            return entry;
        }
        bump(&cache.counters.misses, 1);
        // Before anything is prepared or cached: the entry goes under
        // `code_hash`, so it must be the entry of these bytes.
        let actual = blake3::hash(wasm);
        if actual.as_bytes() != code_hash {
            return Err(CompileError::internal(
                format!(
                    "code hash {} given for bytes whose blake3 is {}",
                    blake3::Hash::from_bytes(*code_hash).to_hex(),
                    actual.to_hex()
                ),
                u32::MAX,
                0,
            )
            .into());
        }
        match self.prepare_and_compile(code_hash, wasm, config, prepare) {
            Ok(entry) => {
                let file = artifact::encode(&key, &entry);
                cache.store_on_disk(&key, &file);
                cache.remember(key, &entry, memory_size(&file));
                entry
            }
            Err(uncacheable) => Err(uncacheable),
        }
    }

    /// The entry for `key` from memory or disk (a counted hit), if any.
    fn lookup(&self, cache: &Cache, key: &CacheKey) -> Option<Entry> {
        Self::lookup_memory(cache, key).or_else(|| self.lookup_disk(cache, key))
    }

    /// The entry for `key` from memory (a counted hit), if any.
    fn lookup_memory(cache: &Cache, key: &CacheKey) -> Option<Entry> {
        let entry = cache.lock_memory().get(key)?;
        bump(&cache.counters.hits_memory, 1);
        Some(entry)
    }

    /// The entry for `key` from disk (a counted hit, then kept in memory),
    /// if any.
    fn lookup_disk(&self, cache: &Cache, key: &CacheKey) -> Option<Entry> {
        let (entry, bytes) = cache.load_from_disk(self, key)?;
        bump(&cache.counters.hits_disk, 1);
        // A module whose code could not be mapped is not remembered.
        if !matches!(&entry, Err(ModuleError::Compile(e)) if !e.is_deterministic()) {
            cache.remember(*key, &entry, bytes);
        }
        Some(entry)
    }

    /// The entry to cache, or (outer `Err`) an error that must not be
    /// cached: a resource failure or a `prepare` that broke its contract.
    /// `code_hash` is the blake3 of `wasm` (checked by the caller).
    /// `prepare` splits its bodies over the engine's compile threads.
    fn prepare_and_compile(
        &self,
        code_hash: &[u8; 32],
        wasm: &[u8],
        config: &Config,
        prepare: impl FnOnce(&[u8], &Config) -> Result<Prepared, PrepareError>,
    ) -> Result<Entry, ModuleError> {
        let split = gasket_metering::parallel::Split::up_to(self.compile_threads());
        let prepared = match gasket_metering::parallel::with_split(split, || prepare(wasm, config))
        {
            Ok(prepared) => prepared,
            Err(error) => return Ok(Err(ModuleError::Prepare(error))),
        };
        if prepared.code_hash != *code_hash || prepared.config_hash != config.hash() {
            return Err(CompileError::internal(PREPARE_MISMATCH, u32::MAX, 0).into());
        }
        match self.compile(&prepared) {
            Ok(module) => Ok(Ok(module)),
            Err(error) if error.is_deterministic() => Ok(Err(error.into())),
            Err(error) => Err(error.into()),
        }
    }
}

/// The internal error of a `prepare` callback that prepared other bytes or
/// another config than it was given (a bug of the caller; never cached).
const PREPARE_MISMATCH: &str = "prepare returned a module for other bytes or another config";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{EngineConfig, OptLevel};
    use gasket_metering::Permissive;

    fn prepare(wasm: &[u8], config: &Config) -> Result<Prepared, PrepareError> {
        gasket_metering::prepare_with_policy(wasm, config, &Permissive)
    }

    /// A module `prepare` rejects, distinct for each `i`: its cached error
    /// is a file of a few hundred bytes.
    fn junk(i: u8) -> Vec<u8> {
        vec![0, b'a', b's', b'm', 1, 0, 0, 0, 0xff, i]
    }

    /// Eviction skips a file it cannot delete and deletes the next oldest
    /// instead; the failure names that file, and the write that triggered
    /// it is no failure.
    #[test]
    fn eviction_skips_a_file_it_cannot_delete_and_names_it() {
        let dir = tempfile::tempdir().unwrap();
        let engine = Engine::new(EngineConfig::default()).unwrap();
        // Room for three one-block files.
        let cache = Cache::new(CacheConfig {
            memory_bytes: 0,
            disk: Some(DiskConfig {
                dir: dir.path().to_path_buf(),
                max_bytes: 3 * disk::BLOCK,
            }),
        });
        let config = Config::default();
        let mut paths = Vec::new();
        for i in 0..3 {
            let wasm = junk(i);
            assert!(
                engine
                    .compile_cached(&cache, &wasm, &config, b"permissive", prepare)
                    .is_err()
            );
            let key = CacheKey::new(&engine, &wasm, &config, b"permissive");
            let path = cache.artifact_path(&key).unwrap();
            // Oldest first: 3, 2 and 1 hours old.
            let age = std::time::Duration::from_secs(3600 * (3 - u64::from(i)));
            std::fs::File::options()
                .append(true)
                .open(&path)
                .unwrap()
                .set_modified(std::time::SystemTime::now() - age)
                .unwrap();
            paths.push(path);
        }
        disk::tests::UNDELETABLE.with(|u| u.borrow_mut().push(paths[0].clone()));
        let fourth = engine.compile_cached(&cache, &junk(3), &config, b"permissive", prepare);
        disk::tests::UNDELETABLE.with(|u| u.borrow_mut().clear());
        assert!(fourth.is_err());
        assert!(paths[0].exists(), "the undeletable file stays");
        assert!(!paths[1].exists(), "the next oldest goes instead");
        assert!(paths[2].exists());
        assert_eq!(cache.disk_bytes().unwrap(), 3 * disk::BLOCK);
        let stats = cache.stats();
        assert_eq!(
            (
                stats.write_failures,
                stats.eviction_failures,
                stats.evictions_disk
            ),
            (0, 1, 1),
            "{stats:?}"
        );
        let error = cache.first_disk_error().unwrap();
        let named = format!("evicting {}: ", paths[0].display());
        assert!(error.starts_with(&named), "{error}");
    }

    /// A remembered scope gives exactly the key computed from scratch, for
    /// more scopes than are remembered and back, and a config that changed
    /// since its last lookup is never matched to its old scope.
    #[test]
    fn remembered_scopes_give_the_keys_computed_from_scratch() {
        let cache = Cache::new(CacheConfig {
            memory_bytes: 0,
            disk: None,
        });
        let engines = [
            Engine::new(EngineConfig::default()).unwrap(),
            Engine::new(EngineConfig {
                opt_level: OptLevel::None,
                ..EngineConfig::default()
            })
            .unwrap(),
        ];
        let mut config = Config::default();
        let mut seen = std::collections::HashSet::new();
        let mut remembered_lookups = 0;
        // Each scope twice over (12 scopes, 4 remembered): the second pass
        // finds none of them remembered, the repeats within a scope do.
        for _ in 0..2 {
            for costs in 0..3 {
                config.costs.control = 1 + costs;
                for engine in &engines {
                    for policy in [&b"all"[..], b"view-only"] {
                        for round in 0..3u8 {
                            let code_hash = [round; 32];
                            let was_remembered = cache.scopes.lock().unwrap().iter().any(|s| {
                                s.identity == *engine.identity()
                                    && s.policy_id == policy
                                    && s.config == config
                            });
                            remembered_lookups += usize::from(was_remembered);
                            let key = cache.key(engine, &code_hash, &config, policy).unwrap();
                            let fresh =
                                CacheKey::from_code_hash(engine, &code_hash, &config, policy);
                            assert_eq!(key, fresh, "round {round}, control {costs}");
                            seen.insert(key);
                        }
                    }
                }
            }
        }
        // 3 code hashes × 3 configs × 2 engines × 2 policies, all distinct.
        assert_eq!(seen.len(), 36);
        assert_eq!(remembered_lookups, 2 * 12 * 2, "the repeats of each scope");

        // The remembered scope is what a lookup uses: one tampered with
        // gives another key (so the path above ran).
        let engine = &engines[0];
        let key = cache.key(engine, &[9; 32], &config, b"all").unwrap();
        for remembered in cache.scopes.lock().unwrap().iter_mut() {
            remembered.scope = KeyScope::new(engine, &[0; 32], b"another scope");
        }
        assert_ne!(cache.key(engine, &[9; 32], &config, b"all").unwrap(), key);
    }
}
