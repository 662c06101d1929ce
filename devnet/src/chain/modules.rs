//! Compiled contracts of this process, by code hash: the VM's module with
//! what the chain derives from the wasm (ABI, views, `init`).
//!
//! Two levels, both bounded:
//!
//! ```text
//! get_or_compile ─▶ kept here ─miss─▶ gasket-vm's cache ─miss─▶ prepare + compile
//!                   (LRU, bytes)       (memory, HOME/cache)
//! ```
//!
//! A contract evicted from this level costs reading its code from the
//! database, parsing its ABI and a lookup in the VM's cache; it never
//! changes gas: host-env charges code loading per call tree from the wasm
//! length, whether or not the node had the module.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use gasket_host_env::{Capabilities, Contract, INIT_METHOD};
use gasket_metering::Config;
use gasket_vm::ByteLru;

use super::ChainError;
use super::abi::ContractAbi;
use super::types::Hash;

/// A compiled contract with its ABI, shared by every block of the process.
#[derive(Clone)]
pub struct CompiledContract {
    /// What the host runs.
    pub contract: Contract,
    /// The `gasket.abi` section, if any (or the error reading it).
    pub abi: Option<ContractAbi>,
    /// Whether it exports `init`.
    pub has_init: bool,
}

/// Compiled modules keyed by code hash, so deploying or calling the same
/// code again never compiles it twice in a process, nor across processes:
/// `gasket-vm`'s compiled-code cache keeps artifacts in `HOME/cache`
/// (a corrupt or stale file there is a miss, recompiled and rewritten).
pub struct ModuleCache {
    engine: gasket_vm::Engine,
    config: Config,
    compiled: gasket_vm::Cache,
    kept: Mutex<ByteLru<Hash, CompiledContract>>,
    /// Whether [`ModuleCache::disk_warning`] gave its warning.
    warned: AtomicBool,
}

/// The compiled-code cache's directory inside a home.
pub const CACHE_DIR: &str = "cache";

/// Upper bound on the artifact files of a home's compiled-code cache.
pub const DISK_CACHE_BYTES: u64 = 1 << 30;

/// Default bound on the contracts [`ModuleCache`] keeps itself, in
/// approximate bytes (machine code in whole pages plus wasm length): on
/// top of the VM cache's own memory bound when the two hold different
/// modules.
pub const MODULES_MEMORY_BYTES: u64 = 64 << 20;

impl ModuleCache {
    /// An base cache keeping at most [`MODULES_MEMORY_BYTES`]; compiled
    /// code also goes to `disk_dir` when given.
    pub fn new(config: Config, disk_dir: Option<PathBuf>) -> Result<ModuleCache, ChainError> {
        ModuleCache::bounded(config, disk_dir, MODULES_MEMORY_BYTES)
    }

    /// [`ModuleCache::new`] keeping at most `max_bytes` of contracts.
    pub fn bounded(
        config: Config,
        disk_dir: Option<PathBuf>,
        max_bytes: u64,
    ) -> Result<ModuleCache, ChainError> {
        Ok(ModuleCache {
            engine: gasket_vm::Engine::new(gasket_vm::EngineConfig::default())
                .map_err(|e| ChainError::Engine(e.to_string()))?,
            config,
            compiled: gasket_vm::Cache::new(gasket_vm::CacheConfig {
                disk: disk_dir.map(|dir| gasket_vm::DiskConfig {
                    dir,
                    max_bytes: DISK_CACHE_BYTES,
                }),
                ..gasket_vm::CacheConfig::default()
            }),
            kept: Mutex::new(ByteLru::new(max_bytes)),
            warned: AtomicBool::new(false),
        })
    }

    /// The first failure of the compiled-code cache's directory (it could
    /// not be created, read or written, a file was rejected or could not
    /// be evicted), once per process: `Some` the first time there is one,
    /// `None` before and after. For the operator (the CLI and `serve`
    /// print it on stderr, so `--json` output stays one object on
    /// stdout): a read-only or full cache directory does not stop the
    /// node, it only makes every contract compile again, and silently it
    /// would only show as slowness. Node-local text (paths, OS messages).
    pub fn disk_warning(&self) -> Option<String> {
        let error = self.compiled.first_disk_error()?;
        if self.warned.swap(true, Ordering::Relaxed) {
            return None;
        }
        Some(format!(
            "compiled-code cache: {error} (contracts still run, compiled again where the \
             cache cannot serve them; later failures are only counted)"
        ))
    }

    /// How many modules this process compiled (misses of the compiled-code
    /// cache, memory and disk).
    pub fn compiles(&self) -> u64 {
        self.compiled.stats().misses
    }

    /// The compiled-code cache's counters (node-local).
    pub fn stats(&self) -> gasket_vm::CacheStats {
        self.compiled.stats()
    }

    /// How many contracts this level keeps, and their approximate bytes
    /// (node-local).
    pub fn kept(&self) -> (usize, u64) {
        let kept = self.lock();
        (kept.len(), kept.bytes())
    }

    /// Prepares (gate, limits, ABI policy, instrumentation) and compiles,
    /// or loads both outcomes from the compiled-code cache.
    fn compile(&self, code_hash: &Hash, wasm: &[u8]) -> Result<CompiledContract, ChainError> {
        let capabilities = Capabilities::all();
        let module = self
            .engine
            .compile_cached_with_hash(
                &self.compiled,
                code_hash,
                wasm,
                &self.config,
                &capabilities.cache_id(),
                |wasm, config| capabilities.prepare(wasm, config),
            )
            .map_err(|e| match e {
                gasket_vm::ModuleError::Prepare(e) => ChainError::Prepare(e),
                gasket_vm::ModuleError::Compile(e) => ChainError::Compile(e),
            })?;
        let abi = ContractAbi::from_wasm(wasm).ok().flatten();
        let views = abi.as_ref().map(|abi| {
            abi.methods
                .iter()
                .filter(|m| m.view)
                .map(|m| m.name.clone())
                .collect::<BTreeSet<_>>()
        });
        let has_init = module.info().export(INIT_METHOD).is_some();
        Ok(CompiledContract {
            contract: Contract {
                module,
                views,
                wasm_bytes: wasm.len() as u64,
            },
            abi,
            has_init,
        })
    }

    /// The compiled code of `code_hash`, compiling `wasm()` on a miss.
    pub fn get_or_compile(
        &self,
        code_hash: &Hash,
        wasm: impl FnOnce() -> Result<Vec<u8>, ChainError>,
    ) -> Result<CompiledContract, ChainError> {
        if let Some(found) = self.lock().get(code_hash) {
            return Ok(found);
        }
        let compiled = self.compile(code_hash, &wasm()?)?;
        // Another thread may have compiled it meanwhile: the entry is
        // replaced, counted once.
        let bytes = kept_size(&compiled);
        self.lock().insert(*code_hash, compiled.clone(), bytes);
        Ok(compiled)
    }

    /// The wasm length of `code_hash` if this level keeps it.
    pub(crate) fn kept_wasm_bytes(&self, code_hash: &Hash) -> Option<u64> {
        let kept = self.lock();
        Some(kept.peek(code_hash)?.contract.wasm_bytes)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ByteLru<Hash, CompiledContract>> {
        // A panic while holding the lock leaves the map consistent.
        self.kept.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// What keeping `compiled` costs, approximately: its machine code in whole
/// pages (as the VM's cache counts it) plus its wasm length, which stands
/// for the ABI and metadata derived from it.
fn kept_size(compiled: &CompiledContract) -> u64 {
    let code = compiled.contract.module.code_size() as u64;
    code.next_multiple_of(4096) + compiled.contract.wasm_bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The smallest module the policy accepts.
    const SMALL: &str = r#"(module (memory (export "memory") 1))"#;

    fn compile(cache: &ModuleCache, wat: &str) -> (Hash, CompiledContract) {
        let wasm = wat::parse_str(wat).unwrap();
        let hash = *blake3::hash(&wasm).as_bytes();
        let compiled = cache.get_or_compile(&hash, || Ok(wasm)).unwrap();
        (hash, compiled)
    }

    /// The map's own behaviour (recency, re-insert, the bound) is tested
    /// with `gasket_vm::ByteLru`; here, that a contract over the bound is
    /// returned all the same, and evicts nothing.
    #[test]
    fn a_contract_larger_than_the_bound_is_returned_but_not_kept() {
        let unbounded = ModuleCache::bounded(Config::default(), None, u64::MAX).unwrap();
        let small_wat = SMALL;
        let large_wat = format!(
            r#"(module (memory (export "memory") 1) (data (i32.const 0) "{}"))"#,
            "x".repeat(8192)
        );
        let (small, _) = compile(&unbounded, small_wat);
        let small_bytes = unbounded.kept().1;
        let cache = ModuleCache::bounded(Config::default(), None, small_bytes).unwrap();
        compile(&cache, small_wat);
        assert_eq!(cache.kept(), (1, small_bytes));
        let (large, compiled) = compile(&cache, &large_wat);
        assert!(compiled.contract.wasm_bytes > small_bytes);
        assert_eq!(cache.kept(), (1, small_bytes));
        assert!(cache.kept_wasm_bytes(&small).is_some());
        assert!(cache.kept_wasm_bytes(&large).is_none());
        // Not kept, so compiled (or loaded from the VM's cache) each time.
        let (_, again) = compile(&cache, &large_wat);
        assert_eq!(again.contract.wasm_bytes, compiled.contract.wasm_bytes);
    }
}
