//! Tiered compilation through the cache: baseline code at once, optimised
//! code once it is compiled.
//!
//! A node pays a contract's compile on the path of the transaction that
//! first needs it. [`Tiered`] pairs an optimising engine with its baseline
//! (no optimisation, single-pass register allocator: 0.4x the compile
//! time, slower code) over one [`Cache`]. A lookup returns the
//! optimised module when the cache holds it, and otherwise the baseline
//! module, compiled now if needed, with [`Tier::Baseline`]: the caller then
//! runs [`Tiered::tier_up`] with the same arguments, on a thread of its
//! choice, and later lookups return the optimised module.
//!
//! Both tiers compile the same instrumented module to the same CLIF (but
//! for the optimising tier's inlining of small leaves, the same operators
//! translated in place, and the baseline's one call of `raise_trap` per
//! function, where the trap paths join), and gas and outcomes come from
//! the instrumentation, so a call gives the same result and gas whichever
//! tier runs it (the golden vectors, the
//! differential tests and the host-env contract sequence check it for the
//! baseline). Only speed, and the native stack a call takes, differ: both
//! tiers take the optimising config's `native_stack_bytes`, and the
//! baseline keeps each frame within a budget of it (see
//! [`EngineConfig::regalloc`](crate::EngineConfig::regalloc)); give the
//! optimising config [`BASELINE_NATIVE_STACK_BYTES`](crate::BASELINE_NATIVE_STACK_BYTES)
//! to keep the baseline's fallbacks rare.
//!
//! # Acceptance is the baseline's
//!
//! Whether a module is accepted must not depend on the tier or on what
//! the cache holds: a node with an optimised-tier error cached (in
//! memory or in a file from an earlier run) must answer as a cold node
//! does. So an optimised entry is served only when it is a module; an
//! optimised-tier error is passed over, and the lookup answers with the
//! baseline (from the cache or compiled now), whose module or error is
//! the answer. [`Tiered::tier_up`] returns such an error to its caller, for
//! the node's logs, and leaves the baseline module in memory.

use gasket_metering::{Config, PrepareError, Prepared};

use super::Cache;
use crate::engine::{Engine, EngineConfig, OptLevel, Regalloc};
use crate::error::{CompileError, ModuleError};
use crate::module::Module;

/// Which code a [`Tiered`] lookup returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    /// The baseline: run [`Tiered::tier_up`] for the optimised code.
    Baseline,
    /// The optimising engine's code.
    Optimized,
}

/// An optimising engine and its baseline over one cache (see the module
/// docs). Cheap to clone, `Send + Sync`.
#[derive(Debug, Clone)]
pub struct Tiered {
    baseline: Engine,
    optimized: Engine,
}

impl Tiered {
    /// `optimized` and its baseline: the same settings with no
    /// optimisation and the single-pass allocator. `optimized` must be the
    /// optimising pipeline ([`OptLevel::Speed`], [`Regalloc::Backtracking`]):
    /// the baseline falls back to it for large frames, so both tiers
    /// accept the same modules.
    pub fn new(optimized: EngineConfig) -> Result<Tiered, CompileError> {
        if optimized.opt_level != OptLevel::Speed || optimized.regalloc != Regalloc::Backtracking {
            return Err(CompileError::Codegen {
                func: u32::MAX,
                message: "the optimised tier must be OptLevel::Speed with Regalloc::Backtracking"
                    .into(),
            });
        }
        let baseline = EngineConfig {
            opt_level: OptLevel::None,
            regalloc: Regalloc::SinglePass,
            ..optimized.clone()
        };
        Ok(Tiered {
            baseline: Engine::new(baseline)?,
            optimized: Engine::new(optimized)?,
        })
    }

    /// The optimising engine.
    pub fn optimized(&self) -> &Engine {
        &self.optimized
    }

    /// The baseline engine.
    pub fn baseline(&self) -> &Engine {
        &self.baseline
    }

    /// [`Engine::compile_cached_with_hash`] with tiers: the optimised
    /// module if `cache` holds it, otherwise the baseline module (from the
    /// cache or compiled now) and [`Tier::Baseline`]. An error cached for
    /// the optimised tier is passed over: an `Err` is always the
    /// baseline's (see the module docs).
    pub fn compile_cached_with_hash(
        &self,
        cache: &Cache,
        code_hash: &[u8; 32],
        wasm: &[u8],
        config: &Config,
        policy_id: &[u8],
        prepare: impl FnOnce(&[u8], &Config) -> Result<Prepared, PrepareError>,
    ) -> Result<(Module, Tier), ModuleError> {
        let optimized = cache.key(&self.optimized, code_hash, config, policy_id)?;
        if let Some(Ok(module)) = Engine::lookup_memory(cache, &optimized) {
            return Ok((module, Tier::Optimized));
        }
        // Memory before disk for both tiers: until `tier_up`, a call would
        // otherwise look for the optimised artifact file every time.
        let baseline = cache.key(&self.baseline, code_hash, config, policy_id)?;
        if let Some(entry) = Engine::lookup_memory(cache, &baseline) {
            return entry.map(|module| (module, Tier::Baseline));
        }
        if let Some(Ok(module)) = self.optimized.lookup_disk(cache, &optimized) {
            return Ok((module, Tier::Optimized));
        }
        self.baseline
            .compile_cached_with_hash(cache, code_hash, wasm, config, policy_id, prepare)
            .map(|module| (module, Tier::Baseline))
    }

    /// Compiles the optimised module of `wasm` into `cache` (nothing to do
    /// if it is there) and drops the baseline module from the memory level.
    /// Instances of the baseline module keep running it.
    ///
    /// An `Err` is the optimised tier's failure, for the node's logs: the
    /// baseline module stays in memory and lookups keep returning it (the
    /// error is cached, so another `tier_up` does not compile again).
    pub fn tier_up(
        &self,
        cache: &Cache,
        code_hash: &[u8; 32],
        wasm: &[u8],
        config: &Config,
        policy_id: &[u8],
        prepare: impl FnOnce(&[u8], &Config) -> Result<Prepared, PrepareError>,
    ) -> Result<Module, ModuleError> {
        let module = self
            .optimized
            .compile_cached_with_hash(cache, code_hash, wasm, config, policy_id, prepare)?;
        let baseline = cache.key(&self.baseline, code_hash, config, policy_id)?;
        cache.lock_memory().remove(&baseline);
        Ok(module)
    }
}

const _: fn() = || {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Tiered>();
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::{CacheConfig, DiskConfig, artifact};
    use crate::engine::BASELINE_NATIVE_STACK_BYTES;
    use gasket_metering::Permissive;

    fn prepare(wasm: &[u8], config: &Config) -> Result<Prepared, PrepareError> {
        gasket_metering::prepare_with_policy(wasm, config, &Permissive)
    }

    /// An optimised-tier compile error (as a Cranelift failure of the
    /// optimiser alone would cache) never replaces a baseline module that
    /// compiles: neither in memory, nor from its file after a restart, nor
    /// after a failed `tier_up`. A node with the error cached answers as a
    /// cold node does.
    #[test]
    fn an_optimised_tier_error_never_replaces_a_working_baseline() {
        let dir = tempfile::tempdir().unwrap();
        let disk_cache = || {
            Cache::new(CacheConfig {
                memory_bytes: 64 << 20,
                disk: Some(DiskConfig {
                    dir: dir.path().to_path_buf(),
                    max_bytes: 64 << 20,
                }),
            })
        };
        let tiered = Tiered::new(EngineConfig {
            native_stack_bytes: BASELINE_NATIVE_STACK_BYTES,
            ..EngineConfig::default()
        })
        .unwrap();
        let wasm = wat::parse_str(
            r#"(module (memory 1) (func (export "f") (param i32) (result i32)
                 (i32.add (local.get 0) (i32.const 1))))"#,
        )
        .unwrap();
        let hash = *blake3::hash(&wasm).as_bytes();
        let config = Config::default();
        let policy = b"permissive";
        let failed: ModuleError = CompileError::Codegen {
            func: 0,
            message: "the optimiser failed".into(),
        }
        .into();
        // The optimised tier's error, in memory and on disk.
        let cache = disk_cache();
        let optimized = cache
            .key(&tiered.optimized, &hash, &config, policy)
            .unwrap();
        let file = artifact::encode(&optimized, &Err(failed.clone()));
        cache.store_on_disk(&optimized, &file);
        cache.remember(optimized, &Err(failed.clone()), 4096);

        let lookup = |cache: &Cache| {
            tiered.compile_cached_with_hash(cache, &hash, &wasm, &config, policy, prepare)
        };
        let (module, tier) = lookup(&cache).expect("the baseline compiles");
        assert_eq!(tier, Tier::Baseline);
        assert!(module.info().export("f").is_some());
        // Tier-up reports the optimised tier's error and keeps the
        // baseline: the next lookup is the same module, from memory.
        let error = tiered
            .tier_up(&cache, &hash, &wasm, &config, policy, prepare)
            .unwrap_err();
        assert_eq!(error, failed);
        let (again, tier) = lookup(&cache).unwrap();
        assert_eq!(tier, Tier::Baseline);
        assert_eq!(again.code().as_ptr(), module.code().as_ptr());
        // A restarted node with the error file and none of the baseline in
        // memory: the baseline again (from its file).
        let restarted = disk_cache();
        let (_, tier) = lookup(&restarted).expect("the baseline compiles");
        assert_eq!(tier, Tier::Baseline);
        assert!(matches!(
            tiered.optimized.lookup_disk(&restarted, &optimized),
            Some(Err(e)) if e == failed
        ));
        assert_eq!(lookup(&restarted).unwrap().1, Tier::Baseline);
    }
}
