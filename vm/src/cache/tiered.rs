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
//! translated in place), and gas and outcomes come from the instrumentation, so a call gives the same
//! result and gas whichever tier runs it (the golden vectors, the
//! differential tests and the host-env contract sequence check it for the
//! baseline). Only speed, and the native stack a call takes, differ: both
//! tiers take the optimising config's `native_stack_bytes`, and the
//! baseline keeps each frame within a budget of it (see
//! [`EngineConfig::regalloc`](crate::EngineConfig::regalloc)); give the
//! optimising config [`BASELINE_NATIVE_STACK_BYTES`](crate::BASELINE_NATIVE_STACK_BYTES)
//! to keep the baseline's fallbacks rare.

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
    /// cache or compiled now) and [`Tier::Baseline`]. A module or error of
    /// `prepare` is the same in both tiers.
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
        if let Some(entry) = Engine::lookup_memory(cache, &optimized) {
            return entry.map(|module| (module, Tier::Optimized));
        }
        // Memory before disk for both tiers: until `tier_up`, a call would
        // otherwise look for the optimised artifact file every time.
        let baseline = cache.key(&self.baseline, code_hash, config, policy_id)?;
        if let Some(entry) = Engine::lookup_memory(cache, &baseline) {
            return entry.map(|module| (module, Tier::Baseline));
        }
        if let Some(entry) = self.optimized.lookup_disk(cache, &optimized) {
            return entry.map(|module| (module, Tier::Optimized));
        }
        self.baseline
            .compile_cached_with_hash(cache, code_hash, wasm, config, policy_id, prepare)
            .map(|module| (module, Tier::Baseline))
    }

    /// Compiles the optimised module of `wasm` into `cache` (nothing to do
    /// if it is there) and drops the baseline module from the memory level.
    /// Instances of the baseline module keep running it.
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
