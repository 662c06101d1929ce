//! Differential execution: one instrumented module, run in Gasket and in
//! wasmi ([`crate::wasmi_oracle`]) on the same bytes, must give the same
//! observation for every exported function: results or trap kind, gas
//! used, the value of every exported global and a digest of linear memory.
//!
//! Each export runs in a fresh instance of both engines (a trap in one
//! export must not leak into the next), with arguments chosen from the
//! seed among values that hit edges (0, 1, -1, a small number, a number
//! near the end of a 64 KiB page). A start function that traps is
//! observed like a call (its trap, gas, globals and memory); segments that
//! do not fit at instantiation must fail with the same trap kind. Nothing
//! wasmi does is caught: a panic in the oracle fails the run.
//!
//! A second check, [`compare_cache`], runs the module compiled cold
//! through a disk-level cache and loaded back from its artifact file by a
//! fresh cache (a disk hit): both must give the same observations for
//! every export, or the same error.
//!
//! The body of the `differential` fuzz target ([`module_bytes`]: both
//! checks) and of the 2,000-seed test in `vm/tests/differential.rs`
//! ([`seed`] on every seed, [`seed_cache`] on a subset).

use gasket_metering::{
    Config, ExportKind, Permissive, Prepared, START_EXPORT, ValType, prepare_with_policy,
};
use gasket_vm::{
    CpuFeatures, Engine, EngineConfig, Imports, Instance, InstantiationError, Trap, TrapKind,
};

use crate::{cache, smith, wasmi_oracle};

/// Gas for each call: enough for most generated functions to finish, small
/// enough that loops end in `OutOfGas` quickly.
pub const GAS: u64 = 200_000;

/// What Gasket observed for one call, in the oracle's vocabulary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observation {
    /// How the call ended (`i32` results sign-extended to `i64`).
    pub outcome: wasmi_oracle::Outcome,
    /// `limit - gas left`, or the whole limit on out of gas.
    pub gas_used: u64,
    /// Every exported global after the call, sorted by export name.
    pub globals: Vec<(String, i64)>,
    /// blake3 of the exported memory after the call, if there is one.
    pub memory: Option<[u8; 32]>,
}

/// Summary of a run over one module.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Compared {
    /// Exports called and compared (after a start function that returned).
    pub calls: usize,
    /// Exports whose start function trapped: compared too (trap kind, gas,
    /// globals and memory after the trap), but no export ran.
    pub start_traps: usize,
    /// Modules whose segments did not fit at instantiation (the same trap
    /// kind in both engines; nothing else to compare).
    pub segment_traps: usize,
    /// Modules rejected by `prepare` (nothing to compare).
    pub rejected: usize,
}

impl std::ops::AddAssign for Compared {
    fn add_assign(&mut self, o: Compared) {
        self.calls += o.calls;
        self.start_traps += o.start_traps;
        self.segment_traps += o.segment_traps;
        self.rejected += o.rejected;
    }
}

/// An engine whose native-stack backstop never fires before the
/// deterministic stack limit: the caller's thread needs a big stack (see
/// [`with_big_stack`]).
pub fn engine() -> Engine {
    Engine::new(EngineConfig {
        native_stack_bytes: 128 << 20,
        ..EngineConfig::default()
    })
    .expect("the host target is supported")
}

/// [`engine`]'s baseline (`EngineConfig::baseline`, the same big native
/// stack): the same gas and outcomes are expected from it.
pub fn baseline_engine() -> Engine {
    Engine::new(EngineConfig {
        native_stack_bytes: 128 << 20,
        ..EngineConfig::baseline()
    })
    .expect("the host target is supported")
}

/// [`engine`] with the CPU's extensions (`CpuFeatures::Host`: on an
/// x86-64 CPU that has them all, x86-64-v3's integer extensions; the
/// default keeps to the baseline instructions): a node may run either
/// code, so the same gas and outcomes are expected from it.
pub fn host_cpu_engine() -> Engine {
    on_host_cpu(&engine())
}

/// `engine`'s configuration with the CPU's extensions (see
/// [`host_cpu_engine`]): a node that sets them runs them in every tier
/// and fallback.
pub fn on_host_cpu(engine: &Engine) -> Engine {
    Engine::new(EngineConfig {
        cpu_features: CpuFeatures::Host,
        ..engine.config().clone()
    })
    .expect("the host target is supported")
}

/// [`engine`] with every function's values in frame cells
/// (`EngineConfig::values_in_slots`, the optimising pipeline's fallback
/// for a frame over its share of native stack): the same gas and
/// outcomes are expected from it.
pub fn slots_engine() -> Engine {
    Engine::new(EngineConfig {
        values_in_slots: true,
        ..engine().config().clone()
    })
    .expect("the host target is supported")
}

/// `prepared` compiled by the engines whose outcomes must each be the
/// oracle's at any gas: [`engine`] (inlining, loop versioning, deferred
/// charges), [`baseline_engine`] and [`slots_engine`] (charges where the
/// metering makes them), by name.
pub fn compiled_three_ways(prepared: &Prepared) -> Vec<(&'static str, gasket_vm::Module)> {
    [
        ("default", engine()),
        ("baseline", baseline_engine()),
        ("slots", slots_engine()),
    ]
    .into_iter()
    .map(|(name, engine)| {
        let module = engine
            .compile(prepared)
            .unwrap_or_else(|e| panic!("{name}: compile failed: {e}"));
        (name, module)
    })
    .collect()
}

/// `export(args)` with `gas` in each of `modules` (of `prepared`) and in
/// the oracle: panics on the first difference, naming `ctx` and the
/// engine; returns the observation.
pub fn all_agree_with_gas(
    prepared: &Prepared,
    modules: &[(&str, gasket_vm::Module)],
    (export, params, args): (&str, &[ValType], &[i64]),
    gas: u64,
    ctx: &str,
) -> Observation {
    let expected = oracle_with_gas(prepared, export, args, gas)
        .unwrap_or_else(|e| panic!("{ctx}: {export}{args:?} at {gas}: wasmi: {e:?}"));
    for (name, module) in modules {
        let (got, _) = run_gasket_with_gas(module, export, params, args, gas)
            .unwrap_or_else(|e| panic!("{ctx}: {name}: instantiation failed: {e}"));
        assert_eq!(got, expected, "{ctx}: {name}: {export}{args:?} at {gas}");
    }
    expected
}

/// Runs `f` on a thread with a 256 MiB stack (deep wasm recursion in both
/// engines), propagating its panic.
pub fn with_big_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(f)
        .expect("spawn a thread")
        .join()
        .unwrap_or_else(|p| std::panic::resume_unwind(p))
}

/// The wasm-smith settings of the differential runs: no imports, every item
/// exported, at least one function.
///
/// wasm-smith 0.263 draws functions only from the function types it drew
/// (`arbitrary_funcs` returns early without one), so `min_funcs` alone
/// left about half the modules without a function: `min_types = 1` makes
/// it hold (without GC every type is a function type, and none is shared).
pub fn smith_config() -> wasm_smith::Config {
    let mut config = smith::subset_config();
    config.max_imports = 0;
    config.export_everything = true;
    config.min_types = 1;
    config.min_funcs = 1;
    config
}

/// The differential check on the module of `seed` (the seeded smoke run of
/// the fuzz target).
pub fn seed(engine: &Engine, seed: u64) -> Compared {
    let wasm = smith::module_from_seed(smith_config(), seed);
    compare_module(engine, &wasm, seed, &format!("seed {seed}"))
}

/// The cold-against-cached check ([`compare_cache`]) on the module of
/// `seed`.
pub fn seed_cache(engine: &Engine, seed: u64) {
    let wasm = smith::module_from_seed(smith_config(), seed);
    compare_cache(engine, &wasm, seed, &format!("seed {seed}"));
}

/// The `differential` fuzz target: a module of the subset built from
/// fuzzer bytes, compared export by export with wasmi, then compiled cold
/// against loaded from the cache; by the first byte modulo 4 on the
/// default engine, the baseline, [`slots_engine`] or
/// [`host_cpu_engine`].
pub fn module_bytes(data: &[u8]) {
    let Ok(wasm) = smith::module_from_bytes(smith_config(), data) else {
        return;
    };
    let arg_seed = data.first().copied().map_or(0, u64::from);
    // libFuzzer runs targets on its own thread with the default stack.
    with_big_stack(move || {
        let engine = match arg_seed % 4 {
            1 => baseline_engine(),
            2 => slots_engine(),
            3 => host_cpu_engine(),
            _ => engine(),
        };
        compare_module(&engine, &wasm, arg_seed, "fuzz input");
        compare_cache(&engine, &wasm, arg_seed, "fuzz input");
    });
}

/// What one export did in a fresh instance: an observation, or why the
/// instance could not be created (as text, for comparisons).
pub type ExportRun = (String, Result<Observation, String>);

/// Runs every exported function of `module` in a fresh instance with
/// arguments from `arg_seed` (see [`args_for`]), in export order.
pub fn observe(module: &gasket_vm::Module, arg_seed: u64) -> Vec<ExportRun> {
    let info = module.info();
    info.exports
        .iter()
        .filter(|e| e.kind == ExportKind::Func && !e.name.starts_with("__gasket"))
        .map(|export| {
            let sig = info
                .func_sig(export.index)
                .expect("an exported function has a signature");
            let args = args_for(arg_seed, sig.params.len());
            let run = run_gasket(module, &export.name, &sig.params, &args)
                .map(|(observation, _)| observation)
                .map_err(|e| format!("{e:?}"));
            (export.name.clone(), run)
        })
        .collect()
}

/// `wasm` compiled cold through a disk-level cache in a temporary
/// directory, then looked up in a fresh cache on the same directory: the
/// second lookup must be a disk hit, and the loaded module must have the
/// same code and info and give the same [`observe`] observations (or the
/// same error, for a rejected module). Panics naming `label` and the
/// export otherwise.
pub fn compare_cache(engine: &Engine, wasm: &[u8], arg_seed: u64, label: &str) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{label}: temporary directory: {e}"));
    let first = cache::disk_cache(dir.path(), 0);
    let cold = cache::compile(engine, &first, wasm);
    assert_eq!(first.stats().misses, 1, "{label}: cold lookup");
    let second = cache::disk_cache(dir.path(), 0);
    let loaded = cache::compile(engine, &second, wasm);
    let stats = second.stats();
    assert_eq!(
        (stats.hits_disk, stats.misses, stats.corrupt_files),
        (1, 0, 0),
        "{label}: second lookup is not a disk hit"
    );
    match (&cold, &loaded) {
        (Ok(cold), Ok(loaded)) => {
            assert!(cold.code() == loaded.code(), "{label}: code differs");
            assert_eq!(cold.info(), loaded.info(), "{label}: info differs");
            let (a, b) = (observe(cold, arg_seed), observe(loaded, arg_seed));
            assert_eq!(a.len(), b.len(), "{label}: exports differ");
            for (cold, loaded) in a.iter().zip(&b) {
                assert_eq!(cold, loaded, "{label}: export {:?} cold vs cached", cold.0);
            }
        }
        (Err(cold), Err(loaded)) => assert_eq!(cold, loaded, "{label}: errors differ"),
        _ => panic!(
            "{label}: cold {:?}, cached {:?}",
            cold.as_ref().err(),
            loaded.as_ref().err()
        ),
    }
}

/// Compares every exported function of `wasm` (prepared with the default
/// config) between Gasket and wasmi. Panics on the first disagreement,
/// naming `label`, the export and the arguments.
///
/// A start function that traps is compared like a call (trap kind, gas,
/// globals and memory after the trap); segments that do not fit at
/// instantiation by their trap kind (neither engine has an instance to
/// observe). Nothing of wasmi's is caught: a panic in the oracle (its
/// checks of the sentinels, wasmi rejecting the module) fails the run.
pub fn compare_module(engine: &Engine, wasm: &[u8], arg_seed: u64, label: &str) -> Compared {
    let prepared = match prepare_with_policy(wasm, &Config::default(), &Permissive) {
        Ok(p) => p,
        // wasm-smith may emit what the subset rejects by design (a reserved
        // export name, a limit): nothing to compare.
        Err(e) => {
            crate::panic_if_internal(&e, label);
            return Compared {
                rejected: 1,
                ..Compared::default()
            };
        }
    };
    let module = engine
        .compile(&prepared)
        .unwrap_or_else(|e| panic!("{label}: compile failed: {e}"));
    let mut compared = Compared::default();
    for export in prepared.info.exports.iter() {
        if export.kind != ExportKind::Func || export.name.starts_with("__gasket") {
            continue;
        }
        let sig = prepared
            .info
            .func_sig(export.index)
            .expect("an exported function has a signature");
        let args = args_for(arg_seed, sig.params.len());
        let ctx = format!("{label}, export {:?}, args {args:?}", export.name);
        let expected = match oracle(&prepared, &export.name, &args) {
            Ok(expected) => expected,
            Err(wasmi_kind) => {
                // A segment does not fit: the same for every export.
                let gasket = Instance::new(&module, Imports::new(), GAS);
                match &gasket {
                    Err(InstantiationError::Segment(kind)) if oracle_kind(*kind) == wasmi_kind => {}
                    _ => panic!(
                        "{ctx}: wasmi's segments failed with {wasmi_kind:?}, gasket: {gasket:?}"
                    ),
                }
                compared.segment_traps += 1;
                return compared;
            }
        };
        let (got, start_trapped) = run_gasket(&module, &export.name, &sig.params, &args)
            .unwrap_or_else(|e| panic!("{ctx}: instantiation failed: {e}, wasmi: {expected:?}"));
        assert_eq!(got, expected, "{ctx}");
        if start_trapped {
            compared.start_traps += 1;
        } else {
            compared.calls += 1;
        }
    }
    compared
}

/// The oracle's observation with [`GAS`], or the trap kind of a segment
/// that does not fit at instantiation. Any other failure of wasmi panics
/// through.
fn oracle(
    prepared: &Prepared,
    export: &str,
    args: &[i64],
) -> Result<Observation, wasmi_oracle::TrapKind> {
    oracle_with_gas(prepared, export, args, GAS)
}

/// [`oracle`] with `gas` instead of [`GAS`].
pub fn oracle_with_gas(
    prepared: &Prepared,
    export: &str,
    args: &[i64],
    gas: u64,
) -> Result<Observation, wasmi_oracle::TrapKind> {
    let run = wasmi_oracle::try_run(prepared, export, args, gas)?;
    Ok(Observation {
        outcome: run.outcome,
        gas_used: run.gas_used,
        globals: run.globals,
        memory: run.memory,
    })
}

/// Runs `export` in a fresh Gasket instance with [`GAS`], as the oracle
/// does: the start function first, then the export if the start returned.
/// The observation, and whether it is that of a start function that
/// trapped (then the export did not run).
fn run_gasket(
    module: &gasket_vm::Module,
    export: &str,
    params: &[ValType],
    args: &[i64],
) -> Result<(Observation, bool), InstantiationError> {
    run_gasket_with_gas(module, export, params, args, GAS)
}

/// [`run_gasket`] with `gas` instead of [`GAS`].
pub fn run_gasket_with_gas(
    module: &gasket_vm::Module,
    export: &str,
    params: &[ValType],
    args: &[i64],
    gas: u64,
) -> Result<(Observation, bool), InstantiationError> {
    let (instance, outcome, start_trapped) = match Instance::new(module, Imports::new(), gas) {
        Ok(mut instance) => {
            let values: Vec<gasket_vm::Value> = params
                .iter()
                .zip(args)
                .map(|(ty, &arg)| match ty {
                    ValType::I32 => gasket_vm::Value::I32(arg as i32),
                    ValType::I64 => gasket_vm::Value::I64(arg),
                })
                .collect();
            let outcome = instance.call(export, &values);
            let outcome = outcome.map(|results| results.into_iter().map(|v| v.as_i64()).collect());
            (instance, outcome, false)
        }
        Err(InstantiationError::Start(trap)) => {
            // `Instance::new` drops an instance whose start function
            // trapped; what that start left behind (gas, globals, memory)
            // is seen by running it again the way `new` does.
            let mut instance = Instance::new_unstarted(module, Imports::new())?;
            instance.set_gas(gas);
            let again = instance.call(START_EXPORT, &[]);
            assert_eq!(
                again.as_ref().err(),
                Some(&trap),
                "{export}: the start function ended otherwise when run again"
            );
            (instance, Err(trap), true)
        }
        Err(e) => return Err(e),
    };
    let outcome = match outcome {
        Ok(results) => wasmi_oracle::Outcome::Returned(results),
        Err(Trap::Wasm(kind)) => wasmi_oracle::Outcome::Trap(oracle_kind(kind)),
        Err(other) => {
            wasmi_oracle::Outcome::Trap(wasmi_oracle::TrapKind::Other(format!("gasket: {other}")))
        }
    };
    let left = instance.gas_left();
    let gas_used = if left == -1 { gas } else { gas - left as u64 };
    let info = module.info();
    let mut globals: Vec<(String, i64)> = info
        .exports
        .iter()
        .filter(|e| e.kind == ExportKind::Global)
        .map(|e| {
            let value = instance.global(e.index).expect("exported global exists");
            (e.name.clone(), value.as_i64())
        })
        .collect();
    globals.sort();
    let has_memory = info.exports.iter().any(|e| e.kind == ExportKind::Memory);
    let memory = has_memory.then(|| *blake3::hash(instance.memory()).as_bytes());
    let observation = Observation {
        outcome,
        gas_used,
        globals,
        memory,
    };
    Ok((observation, start_trapped))
}

/// Gasket's trap kind in the oracle's vocabulary.
fn oracle_kind(kind: TrapKind) -> wasmi_oracle::TrapKind {
    use wasmi_oracle::TrapKind as W;
    let other = |name: &str| W::Other(name.to_string());
    match kind {
        TrapKind::OutOfGas => W::OutOfGas,
        TrapKind::StackOverflow => W::StackOverflow,
        TrapKind::Unreachable => W::Unreachable,
        TrapKind::IntegerDivideByZero => other("IntegerDivisionByZero"),
        TrapKind::IntegerOverflow => other("IntegerOverflow"),
        TrapKind::MemoryOutOfBounds => other("MemoryOutOfBounds"),
        TrapKind::TableOutOfBounds => other("TableOutOfBounds"),
        TrapKind::IndirectCallToNull => other("IndirectCallToNull"),
        TrapKind::IndirectCallSignatureMismatch => other("BadSignature"),
    }
}

/// Arguments for an export with `params` parameters: a mix, picked by
/// `seed`, of 0, 1, -1, 7 and an offset near the end of a 64 KiB page.
pub fn args_for(seed: u64, params: usize) -> Vec<i64> {
    (0..params as u64)
        .map(|i| match (seed + i) % 5 {
            0 => 0,
            1 => 1,
            2 => -1,
            3 => 7,
            _ => 65_530,
        })
        .collect()
}
