//! The engines of the side-by-side comparison (issues 3 and 4), behind one
//! small interface so the bench runs each measurement the same way on each:
//!
//! - Gasket ([`EngineKind::Gasket`]): prepared (metering and stack checks injected)
//!   and compiled by Gasket, default engine config.
//! - Gasket's baseline ([`EngineKind::GasketBaseline`]): the same, compiled
//!   with `EngineConfig::baseline()` (no optimisation, single-pass
//!   register allocator).
//! - [`EngineKind::WasmtimeFuel`] and [`EngineKind::Wasmtime`]: wasmtime 48
//!   with fuel on and off, default settings otherwise (signal-based traps,
//!   parallel compilation): what a node developer gets out of the box.
//! - wasmtime ([`EngineKind::WasmtimeFuelNoSignals`]) with fuel and explicit
//!   bounds checks (`signals_based_traps(false)`), Gasket's own design
//!   choice, for the fairest code-quality comparison.
//! - wasmi ([`EngineKind::WasmiFuel`]): wasmi 2 with fuel, default settings.
//!
//! Gasket's engines take `GASKET_LAYOUT_SEED` from the environment, if set,
//! as `EngineConfig::code_layout_seed` (for `scripts/bench-ab.sh`).
//!
//! Every engine runs the same original module; only Gasket's is
//! instrumented (that is its metering). Gas and fuel are set high enough
//! that no workload runs out.
//!
//! Host functions: a module may import `env.read(key_ptr, key_len, out_ptr)
//! -> i32`, which looks the key up in a small map and writes the value at
//! `out_ptr` (the round trip of a `storage_read` of a small key), through
//! each engine's own host-function path.

use std::collections::HashMap;
use std::sync::Arc;

use gasket_metering::parallel::{Split, with_split};
use gasket_metering::{Permissive, prepare_with_policy};
use gasket_vm::{Caller, Host, Imports, Instance, Trap, Value};

/// Gas or fuel given to every call: no workload comes near it.
pub const FUEL: u64 = 1 << 50;

/// One engine configuration of the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineKind {
    /// Gasket, metered.
    Gasket,
    /// Gasket, metered, baseline compile.
    GasketBaseline,
    /// wasmtime 48, fuel on.
    WasmtimeFuel,
    /// wasmtime 48, fuel on, explicit bounds checks instead of signals.
    WasmtimeFuelNoSignals,
    /// wasmtime 48, no fuel.
    Wasmtime,
    /// wasmi 2, fuel on.
    WasmiFuel,
}

impl EngineKind {
    /// Every engine, Gasket first (the ratios' numerator).
    pub const ALL: [EngineKind; 6] = [
        EngineKind::Gasket,
        EngineKind::GasketBaseline,
        EngineKind::WasmtimeFuel,
        EngineKind::WasmtimeFuelNoSignals,
        EngineKind::Wasmtime,
        EngineKind::WasmiFuel,
    ];

    /// The name used in benchmark ids and the ratio table.
    pub fn name(self) -> &'static str {
        match self {
            EngineKind::Gasket => "gasket",
            EngineKind::GasketBaseline => "gasket-baseline",
            EngineKind::WasmtimeFuel => "wasmtime-fuel",
            EngineKind::WasmtimeFuelNoSignals => "wasmtime-fuel-nosignals",
            EngineKind::Wasmtime => "wasmtime",
            EngineKind::WasmiFuel => "wasmi-fuel",
        }
    }
}

/// The key-value map behind `env.read`.
pub type Store = Arc<HashMap<Vec<u8>, Vec<u8>>>;

/// What wasmtime's and wasmi's `env.read` keep in their store: the map,
/// and the instance's memory, looked up once at instantiation (as a node
/// keeps it), not by name at every call.
pub struct HostState<M> {
    map: Store,
    memory: Option<M>,
}

/// A map with one 8-byte key, `b"balance\0"`, holding 32 bytes.
pub fn small_store() -> Store {
    Arc::new(HashMap::from([(b"balance\0".to_vec(), vec![7u8; 32])]))
}

fn read(store: &Store, memory: &mut [u8], key_ptr: u32, key_len: u32, out: u32) -> Option<i32> {
    let key = memory.get(key_ptr as usize..(key_ptr as usize).checked_add(key_len as usize)?)?;
    let Some(value) = store.get(key) else {
        return Some(-1);
    };
    memory
        .get_mut(out as usize..(out as usize).checked_add(value.len())?)?
        .copy_from_slice(value);
    Some(value.len() as i32)
}

/// A compiled module of one engine.
pub enum Compiled {
    /// Gasket.
    Gasket(gasket_vm::Module),
    /// wasmtime (its engine is inside the module).
    Wasmtime(wasmtime::Module),
    /// wasmi.
    Wasmi(wasmi::Module),
}

/// A compiled module with its imports resolved, ready to instantiate
/// (what a node keeps per contract): wasmtime's `InstancePre`; wasmi's
/// module (its `Linker`, built once per engine, resolves at
/// instantiation); Gasket's module (its imports are routed by name once
/// per module, `Imports::dispatch`, at instantiation).
pub enum Linked {
    /// Gasket.
    Gasket(gasket_vm::Module),
    /// wasmtime.
    Wasmtime(wasmtime::InstancePre<HostState<wasmtime::Memory>>),
    /// wasmi.
    Wasmi(wasmi::Module),
}

/// An engine, ready to compile.
pub struct Engine {
    kind: EngineKind,
    backend: Backend,
}

/// The engine itself, and for wasmtime and wasmi the linker that supplies
/// `env.read`, built once.
enum Backend {
    Gasket(gasket_vm::Engine),
    Wasmtime(
        wasmtime::Engine,
        wasmtime::Linker<HostState<wasmtime::Memory>>,
    ),
    Wasmi(wasmi::Engine, wasmi::Linker<HostState<wasmi::Memory>>),
}

fn wasmtime_linker(engine: &wasmtime::Engine) -> wasmtime::Linker<HostState<wasmtime::Memory>> {
    let mut linker = wasmtime::Linker::new(engine);
    linker
        .func_wrap(
            "env",
            "read",
            |mut caller: wasmtime::Caller<'_, HostState<wasmtime::Memory>>,
             key: u32,
             len: u32,
             out: u32|
             -> wasmtime::Result<i32> {
                let Some(memory) = caller.data().memory else {
                    wasmtime::bail!("no memory");
                };
                let (memory, state) = memory.data_and_store_mut(&mut caller);
                read(&state.map, memory, key, len, out)
                    .ok_or_else(|| wasmtime::format_err!("out of bounds"))
            },
        )
        .expect("define env.read");
    linker
}

fn wasmi_linker(engine: &wasmi::Engine) -> wasmi::Linker<HostState<wasmi::Memory>> {
    let mut linker = wasmi::Linker::new(engine);
    linker
        .func_wrap(
            "env",
            "read",
            |mut caller: wasmi::Caller<'_, HostState<wasmi::Memory>>,
             key: u32,
             len: u32,
             out: u32|
             -> Result<i32, wasmi::Error> {
                let Some(memory) = caller.data().memory else {
                    return Err(wasmi::Error::new("no memory"));
                };
                let (memory, state) = memory.data_and_store_mut(&mut caller);
                read(&state.map, memory, key, len, out)
                    .ok_or_else(|| wasmi::Error::new("out of bounds"))
            },
        )
        .expect("define env.read");
    linker
}

impl Engine {
    /// The engine `kind` with its settings (see the module docs).
    pub fn new(kind: EngineKind) -> Engine {
        let backend = match kind {
            EngineKind::Gasket | EngineKind::GasketBaseline => {
                let mut config = match kind {
                    EngineKind::GasketBaseline => gasket_vm::EngineConfig::baseline(),
                    _ => gasket_vm::EngineConfig::default(),
                };
                config.code_layout_seed = std::env::var("GASKET_LAYOUT_SEED")
                    .ok()
                    .map(|seed| seed.parse().expect("GASKET_LAYOUT_SEED: an integer"));
                Backend::Gasket(gasket_vm::Engine::new(config).expect("host target"))
            }
            EngineKind::WasmtimeFuel | EngineKind::WasmtimeFuelNoSignals | EngineKind::Wasmtime => {
                let mut config = wasmtime::Config::new();
                config.consume_fuel(kind != EngineKind::Wasmtime);
                if kind == EngineKind::WasmtimeFuelNoSignals {
                    // Explicit bounds checks, a memory that never moves
                    // (reserved up front, as Gasket's is): only the guard
                    // pages and the signal handler are gone.
                    config.signals_based_traps(false);
                    config.memory_guard_size(0);
                    config.memory_may_move(false);
                }
                let engine = wasmtime::Engine::new(&config).expect("wasmtime config");
                let linker = wasmtime_linker(&engine);
                Backend::Wasmtime(engine, linker)
            }
            EngineKind::WasmiFuel => {
                let mut config = wasmi::Config::default();
                config.consume_fuel(true);
                let engine = wasmi::Engine::new(&config);
                let linker = wasmi_linker(&engine);
                Backend::Wasmi(engine, linker)
            }
        };
        Engine { kind, backend }
    }

    /// Which engine this is.
    pub fn kind(&self) -> EngineKind {
        self.kind
    }

    /// Compiles `wasm` (for Gasket: prepare with the permissive policy and
    /// `config`, then compile).
    pub fn compile(&self, wasm: &[u8], config: &gasket_metering::Config) -> Compiled {
        match &self.backend {
            Backend::Gasket(engine) => {
                // On the engine's threads (one per core), as its cache
                // prepares a module it compiles.
                let split = Split::up_to(gasket_metering::parallel::available_threads());
                let prepared = with_split(split, || prepare_with_policy(wasm, config, &Permissive))
                    .expect("prepare");
                Compiled::Gasket(engine.compile(&prepared).expect("compile"))
            }
            Backend::Wasmtime(engine, _) => {
                Compiled::Wasmtime(wasmtime::Module::new(engine, wasm).expect("wasmtime"))
            }
            Backend::Wasmi(engine, _) => {
                Compiled::Wasmi(wasmi::Module::new(engine, wasm).expect("wasmi"))
            }
        }
    }

    /// For Gasket, the module as a node gets it for a contract it ran
    /// before: a memory hit of `cache` (the code hash known, as a node knows
    /// it from its state). `None` for the other engines, whose module the
    /// caller holds in memory.
    pub fn cached(
        &self,
        cache: &gasket_vm::Cache,
        code_hash: &[u8; 32],
        wasm: &[u8],
        config: &gasket_metering::Config,
    ) -> Option<Compiled> {
        let Backend::Gasket(engine) = &self.backend else {
            return None;
        };
        let module = engine
            .compile_cached_with_hash(cache, code_hash, wasm, config, b"bench", |wasm, config| {
                prepare_with_policy(wasm, config, &Permissive)
            })
            .expect("compile");
        Some(Compiled::Gasket(module))
    }

    /// `module` with its imports resolved (outside any timed loop: a node
    /// does it once per contract).
    pub fn link(&self, module: &Compiled) -> Linked {
        match (&self.backend, module) {
            (Backend::Gasket(_), Compiled::Gasket(module)) => Linked::Gasket(module.clone()),
            (Backend::Wasmtime(_, linker), Compiled::Wasmtime(module)) => {
                Linked::Wasmtime(linker.instantiate_pre(module).expect("link"))
            }
            (Backend::Wasmi(..), Compiled::Wasmi(module)) => Linked::Wasmi(module.clone()),
            _ => panic!("a module of another engine"),
        }
    }

    /// A new instance (and store) of `linked`, with `env.read` over
    /// `store` (when imported).
    pub fn instantiate(&self, linked: &Linked, store: &Store) -> Running {
        match (&self.backend, linked) {
            (Backend::Gasket(_), Linked::Gasket(module)) => {
                let mut imports = Imports::new();
                imports.dispatch("env", "read", 0);
                let instance = Instance::new(module, imports, FUEL).expect("instantiate");
                Running::Gasket(instance, ReadHost(store.clone()))
            }
            (Backend::Wasmtime(engine, _), Linked::Wasmtime(pre)) => {
                let state = HostState {
                    map: store.clone(),
                    memory: None,
                };
                let mut wt_store = wasmtime::Store::new(engine, state);
                if self.kind != EngineKind::Wasmtime {
                    wt_store.set_fuel(FUEL).expect("fuel");
                }
                let instance = pre.instantiate(&mut wt_store).expect("instantiate");
                wt_store.data_mut().memory = instance.get_memory(&mut wt_store, "memory");
                Running::Wasmtime(wt_store, instance)
            }
            (Backend::Wasmi(engine, linker), Linked::Wasmi(module)) => {
                let state = HostState {
                    map: store.clone(),
                    memory: None,
                };
                let mut wi_store = wasmi::Store::new(engine, state);
                wi_store.set_fuel(FUEL).expect("fuel");
                let instance = linker
                    .instantiate_and_start(&mut wi_store, module)
                    .expect("instantiate");
                wi_store.data_mut().memory = instance.get_memory(&wi_store, "memory");
                Running::Wasmi(wi_store, instance)
            }
            _ => panic!("a module of another engine"),
        }
    }
}

/// Gasket's host for `env.read` (dispatch id 0).
pub struct ReadHost(Store);

impl Host for ReadHost {
    fn call(
        &mut self,
        _id: u32,
        caller: &mut Caller<'_>,
        args: &[i64],
        results: &mut [i64],
    ) -> Result<(), Trap> {
        let Some(value) = self.0.get(caller.read(args[0] as u32, args[1] as u32)?) else {
            results[0] = -1;
            return Ok(());
        };
        caller.write(args[2] as u32, value)?;
        results[0] = value.len() as i64;
        Ok(())
    }
}

/// An instance of one engine.
// A handful exist per bench run, created outside the timed loops.
#[allow(clippy::large_enum_variant)]
pub enum Running {
    /// Gasket.
    Gasket(Instance, ReadHost),
    /// wasmtime.
    Wasmtime(
        wasmtime::Store<HostState<wasmtime::Memory>>,
        wasmtime::Instance,
    ),
    /// wasmi.
    Wasmi(wasmi::Store<HostState<wasmi::Memory>>, wasmi::Instance),
}

/// An export of type `[i32] -> [i64]`, looked up once: wasmtime and wasmi
/// through their typed-function fast path, Gasket by name (its only API).
pub enum Export {
    /// Gasket: resolved once, as a node would for a hot contract.
    Gasket(gasket_vm::ExportFunc),
    /// wasmtime.
    Wasmtime(wasmtime::TypedFunc<i32, i64>),
    /// wasmi.
    Wasmi(wasmi::TypedFunc<i32, i64>),
}

impl Running {
    /// The export `name`, of type `[i32] -> [i64]`.
    pub fn export(&mut self, name: &str) -> Export {
        match self {
            Running::Gasket(instance, _) => Export::Gasket(
                instance
                    .module()
                    .export_func(name)
                    .unwrap_or_else(|| panic!("gasket export {name}")),
            ),
            Running::Wasmtime(store, instance) => Export::Wasmtime(
                instance
                    .get_typed_func(&mut *store, name)
                    .unwrap_or_else(|e| panic!("wasmtime export {name}: {e}")),
            ),
            Running::Wasmi(store, instance) => Export::Wasmi(
                instance
                    .get_typed_func(&*store, name)
                    .unwrap_or_else(|e| panic!("wasmi export {name}: {e}")),
            ),
        }
    }

    /// Calls `export` with `arg`, refilling gas or fuel first.
    pub fn call(&mut self, export: &Export, arg: i32) -> i64 {
        match (self, export) {
            (Running::Gasket(instance, host), Export::Gasket(func)) => {
                instance.set_gas(FUEL);
                let mut results = [Value::I64(0)];
                instance
                    .call_func_with(func, &[Value::I32(arg)], &mut results, host, 0)
                    .unwrap_or_else(|e| panic!("gasket {func:?}: {e}"));
                results[0].as_i64()
            }
            (Running::Wasmtime(store, _), Export::Wasmtime(func)) => {
                if store.get_fuel().is_ok() {
                    store.set_fuel(FUEL).expect("fuel");
                }
                func.call(&mut *store, arg)
                    .unwrap_or_else(|e| panic!("wasmtime: {e}"))
            }
            (Running::Wasmi(store, _), Export::Wasmi(func)) => {
                store.set_fuel(FUEL).expect("fuel");
                func.call(&mut *store, arg)
                    .unwrap_or_else(|e| panic!("wasmi: {e}"))
            }
            _ => panic!("an export of another engine"),
        }
    }
}
