//! Gas calibration (issue 4, "gas fidelity"): ns per gas of every cost
//! class, of the ABI host functions and of the real workloads, and a
//! proposed schedule that would make every class cost the same ns per gas.
//!
//! - Cost classes: the microbenchmarks of `gasket_benches::calibrate` (a
//!   counted loop of 100 unrolled copies of a sequence dominated by one
//!   class), minus the empty loop, per copy. Helper instructions in a
//!   sequence (a `local.get` feeding an `i32.add`) are subtracted at their
//!   own class's measured time, solving the classes in dependency order
//!   (control, local, const, alu, then the rest).
//! - Host functions: a contract calling the function `n` times in a loop
//!   through `gasket_host_env::execute`, minus the same contract without
//!   the call, per call, at a small and a large byte size; storage also on
//!   the devnet's redb store, each call on another key, and `call` also
//!   with the callee's code from the disk cache ([`stores`]).
//! - Workloads: `contracts/bench/workloads` (`fib`, `hash`, `sort`, `copy`,
//!   `host_reads` with `env.read` charged as `storage_read`), and token
//!   transfers through `execute`.
//!
//! Every measurement runs long enough to take ≥ 20 ms, is repeated over
//! several rounds that interleave all cases (rotating their order), and
//! the minimum is kept. Default config throughout; the proposed schedule's
//! gas is computed by preparing the same modules with it (gas does not
//! depend on timing), so the "proposed" ns/gas columns predict what
//! adopting it gives.
//!
//! `cargo bench -p gasket-benches --bench calibrate` (or
//! `scripts/bench-calibrate.sh`). `GASKET_CALIBRATE_ROUNDS` (default 7)
//! and `GASKET_CALIBRATE_RATE` (ns per gas of the proposal; default: the
//! median ns/gas of the workloads under the current schedule, which keeps
//! their gas about where it is) tune it.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use gasket_benches::calibrate::{
    self, BULK_BYTES, CALLEE_ADDRESS, CALLEE_CONTRACT, CLASSES, GROW_MODULE, MEMORY_MODULE, Micro,
    REPS, class_name, layout,
};
use gasket_devnet::db::{Db, ReadStorage};
use gasket_host_env::{
    Address, BlockInfo, CallContext, CallMode, Capabilities, Contract, Contracts, MemoryContracts,
    MemoryStorage, Storage, execute,
};
use gasket_metering::{Config, CostClass, HostCost, HostFn, Permissive, prepare_with_policy};
use gasket_vm::{Caller, Engine, EngineConfig, Host, Imports, Instance, Module, Trap, Value};

const TARGET: Duration = Duration::from_millis(20);
/// ns per gas of the proposal: the unit `CostSchedule` documents (1 gas ≈
/// 0.15 ns on the reference machine), which keeps `alu` at 2.
const DEFAULT_RATE: f64 = 0.15;
/// A class whose instructions take less than this per instruction
/// compiles to (almost) nothing: its ns/gas is ~0 whatever it costs, so it
/// is left out of the max/min ratio (and costs the minimum, 1).
const MEASURABLE_NS: f64 = 0.1;
const GAS: u64 = 1 << 50;

/// One timed case: `run(count)` does `count` units of work and returns the
/// gas they used.
struct Case<'a> {
    run: Box<dyn FnMut(u64) -> u64 + 'a>,
    count: u64,
    gas_per_unit: f64,
    best_ns: f64,
}

impl<'a> Case<'a> {
    fn new(run: impl FnMut(u64) -> u64 + 'a) -> Case<'a> {
        Case {
            run: Box::new(run),
            count: 0,
            gas_per_unit: 0.0,
            best_ns: f64::INFINITY,
        }
    }

    /// Doubles `count` until one measurement takes at least [`TARGET`].
    fn calibrate(&mut self) {
        let mut count = 1;
        loop {
            let start = Instant::now();
            let gas = (self.run)(count);
            let elapsed = start.elapsed();
            if elapsed >= TARGET {
                self.count = count;
                self.gas_per_unit = gas as f64 / count as f64;
                return;
            }
            let factor =
                (TARGET.as_secs_f64() / elapsed.as_secs_f64().max(1e-9) * 1.2).clamp(1.5, 64.0);
            count = ((count as f64) * factor).ceil() as u64;
        }
    }

    fn measure(&mut self) {
        let start = Instant::now();
        black_box((self.run)(self.count));
        let ns = start.elapsed().as_nanos() as f64 / self.count as f64;
        self.best_ns = self.best_ns.min(ns);
    }
}

/// Calibrates then measures every case over `rounds` rounds, rotating the
/// order each round.
fn run_all(cases: &mut [Case<'_>], rounds: usize) {
    for case in cases.iter_mut() {
        case.calibrate();
    }
    let len = cases.len();
    for round in 0..rounds {
        for i in 0..len {
            cases[(i + round * 7) % len].measure();
        }
    }
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn compile(engine: &Engine, wasm: &[u8], config: &Config) -> Module {
    let prepared = prepare_with_policy(wasm, config, &Permissive).expect("prepare");
    engine.compile(&prepared).expect("compile")
}

/// A micro's `run(n)` on a live instance: `count` iterations, gas used.
fn micro_runner(module: &Module) -> impl FnMut(u64) -> u64 + '_ {
    let mut instance = Instance::new(module, Imports::new(), GAS).expect("instantiate");
    move |count| {
        instance.set_gas(GAS);
        let n = i32::try_from(count).expect("iterations fit in i32");
        black_box(instance.call("run", &[Value::I32(n)]).expect("run"));
        GAS - instance.gas_left() as u64
    }
}

/// The workloads' `env.read`, charged as the ABI's `storage_read` of the
/// same bytes, so `host_reads` pays for its host work as a contract would.
/// The value is a constant, or (`store`) what the devnet store holds for
/// the key under `HOST_A`, read through its `Storage`.
struct ReadHost {
    cost: HostCost,
    value: Vec<u8>,
    store: Option<ReadStorage>,
}

impl Host for ReadHost {
    fn call(
        &mut self,
        _id: u32,
        caller: &mut Caller<'_>,
        args: &[i64],
        results: &mut [i64],
    ) -> Result<(), Trap> {
        let key_len = args[1] as u32;
        caller.charge_gas(
            self.cost
                .call_gas(u64::from(key_len) + self.value.len() as u64),
        )?;
        let key = caller.read(args[0] as u32, key_len)?;
        if key != b"balance\0" {
            results[0] = -1;
            return Ok(());
        }
        let stored;
        let value: &[u8] = match &self.store {
            Some(store) => {
                stored = store
                    .get(&HOST_A, key)
                    .expect("devnet store")
                    .expect("the balance is stored");
                &stored
            }
            None => &self.value,
        };
        caller.write(args[2] as u32, value)?;
        results[0] = value.len() as i64;
        Ok(())
    }
}

/// `host_reads` over the devnet store reads it this many times per call.
const HOST_READS_ON_STORE: i32 = 10_000;

const WORKLOADS: [(&str, i32); 5] = [
    ("fib", 25),
    ("hash", 1_000),
    ("sort", 16_384),
    ("copy", 100),
    ("host_reads", 10_000),
];

/// `name(arg)` of the workloads module, `count` times; `env.read` answers
/// from `store` (a devnet store, `stores::devnet_balance`) when given.
fn workload_runner<'a>(
    module: &'a Module,
    config: &Config,
    name: &'static str,
    arg: i32,
    store: Option<&Db>,
) -> impl FnMut(u64) -> u64 + 'a {
    let mut imports = Imports::new();
    imports.dispatch("env", "read", 0);
    let mut instance = Instance::new(module, imports, GAS).expect("instantiate");
    let mut host = ReadHost {
        cost: config.host_costs.get(HostFn::StorageRead),
        value: vec![7u8; stores::BALANCE_BYTES],
        store: store.map(stores::read_storage),
    };
    move |count| {
        let mut gas = 0;
        for _ in 0..count {
            instance.set_gas(GAS);
            black_box(
                instance
                    .call_with(name, &[Value::I32(arg)], &mut host, 0)
                    .expect("workload"),
            );
            gas += GAS - instance.gas_left() as u64;
        }
        gas
    }
}

const HOST_A: Address = Address([0xA1; 32]);

/// A host-function case: the function, its arguments, the bytes it is
/// charged for, calls per contract call, the stored value's size (for
/// `storage_*`), the input size, and the storage it runs over.
struct HostCase {
    name: String,
    function: Option<HostFn>,
    args: Vec<i64>,
    bytes: u64,
    calls: u32,
    stored: usize,
    input: usize,
    store: Store,
    callee: Callee,
}

/// Where a `call` case's callee comes from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Callee {
    /// `CALLEE_CONTRACT`, compiled once and held in memory.
    Memory,
    /// The built contract of that name (`noop`: `CALLEE_CONTRACT`) at
    /// every address that starts as `CALLEE_ADDRESS` does, looked up
    /// through a compiled-code cache with no memory level. Each call goes
    /// to another of those addresses (`host_contract`'s `distinct_keys`),
    /// so the call tree has not loaded it and the node reads, checks and
    /// maps its artifact file, as a node whose memory cache does not hold
    /// it (a restart, an eviction). The method called is `noop`: a
    /// contract without it is loaded all the same, then the call fails.
    DiskCache(&'static str),
}

/// The storage a host case runs over.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Store {
    /// `MemoryStorage`, one key for every call: the host's own CPU time.
    Memory,
    /// The devnet's redb store (the one real `Storage` this repository
    /// ships), inside a block's write transaction, each call on another
    /// key (`calibrate::host_contract`'s `distinct_keys`): what a node's
    /// database costs per access. The contract holds `key0 ‖ j` (8 bytes)
    /// for every j up to `calls · KEY_STRIDE`, ~100,000 entries, as a
    /// token with that many holders would; the calls touch every
    /// `KEY_STRIDE`-th (holding the case's value; the others 32 bytes), so
    /// each lands elsewhere in the index. 7-byte keys are absent. A live
    /// chain holds far more entries of far more contracts: these rows are
    /// a floor.
    Devnet,
}

fn host_cases() -> Vec<HostCase> {
    use layout::*;
    let (key, topic, callee, method, out, data) = (
        i64::from(KEY),
        i64::from(TOPIC),
        i64::from(CALLEE),
        i64::from(METHOD),
        i64::from(OUT),
        i64::from(DATA),
    );
    let big = i64::from(BULK_BYTES);
    let case = |name: &str, f: HostFn, args: Vec<i64>, bytes: u64| HostCase {
        name: name.to_string(),
        function: Some(f),
        args,
        bytes,
        calls: 1000,
        stored: 32,
        input: 8,
        store: Store::Memory,
        callee: Callee::Memory,
    };
    let mut cases = vec![
        case("input_len", HostFn::InputLen, vec![], 0),
        HostCase {
            input: 64,
            ..case("input_read (64 B)", HostFn::InputRead, vec![data], 64)
        },
        HostCase {
            input: BULK_BYTES as usize,
            ..case(
                &format!("input_read ({BULK_BYTES} B)"),
                HostFn::InputRead,
                vec![data],
                u64::from(BULK_BYTES),
            )
        },
        case("return_data (32 B)", HostFn::ReturnData, vec![data, 32], 32),
        case(
            &format!("return_data ({BULK_BYTES} B)"),
            HostFn::ReturnData,
            vec![data, big],
            big as u64,
        ),
        case(
            "storage_read (8 B key, 32 B value)",
            HostFn::StorageRead,
            vec![key, 8, out, 8192],
            40,
        ),
        HostCase {
            stored: BULK_BYTES as usize,
            ..case(
                &format!("storage_read (8 B key, {BULK_BYTES} B value)"),
                HostFn::StorageRead,
                vec![key, 8, out, 8192],
                8 + big as u64,
            )
        },
        case(
            "storage_read (absent key)",
            HostFn::StorageRead,
            vec![key, 7, out, 8192],
            7,
        ),
        case(
            "storage_write (8 B key, 32 B value)",
            HostFn::StorageWrite,
            vec![key, 8, data, 32],
            40,
        ),
        case(
            &format!("storage_write (8 B key, {BULK_BYTES} B value)"),
            HostFn::StorageWrite,
            vec![key, 8, data, big],
            8 + big as u64,
        ),
        case(
            "storage_remove (8 B key)",
            HostFn::StorageRemove,
            vec![key, 8],
            8,
        ),
        case("caller", HostFn::Caller, vec![out], 32),
        case("self_address", HostFn::SelfAddress, vec![out], 32),
        case("block_height", HostFn::BlockHeight, vec![], 0),
        case("block_timestamp", HostFn::BlockTimestamp, vec![], 0),
        case("gas_left", HostFn::GasLeft, vec![], 0),
        HostCase {
            calls: 64,
            ..case(
                "emit_event (4 B topic, 32 B data)",
                HostFn::EmitEvent,
                vec![topic, 4, data, 32],
                36,
            )
        },
        HostCase {
            calls: 64,
            ..case(
                &format!("emit_event (4 B topic, {BULK_BYTES} B data)"),
                HostFn::EmitEvent,
                vec![topic, 4, data, big],
                4 + big as u64,
            )
        },
        case("debug_log (32 B)", HostFn::DebugLog, vec![data, 32], 32),
        case(
            &format!("debug_log ({BULK_BYTES} B)"),
            HostFn::DebugLog,
            vec![data, big],
            big as u64,
        ),
        case("blake3 (32 B)", HostFn::Blake3, vec![data, 32, out], 32),
        case(
            &format!("blake3 ({BULK_BYTES} B)"),
            HostFn::Blake3,
            vec![data, big, out],
            big as u64,
        ),
        HostCase {
            calls: 100,
            ..case(
                "call (noop, 32 B input)",
                HostFn::Call,
                vec![callee, method, 4, data, 32, 1_000_000],
                36,
            )
        },
        HostCase {
            calls: 100,
            ..case(
                &format!("call (noop, {BULK_BYTES} B input)"),
                HostFn::Call,
                vec![callee, method, 4, data, big, 1_000_000],
                4 + big as u64,
            )
        },
        case("result_len", HostFn::ResultLen, vec![], 0),
    ];
    for contract in ["noop", "token"] {
        cases.push(HostCase {
            // So many distinct callees that the code-mapping pool (16
            // mappings a dropped module gives back) serves under 2%.
            calls: 1000,
            callee: Callee::DiskCache(contract),
            ..case(
                &format!("call ({contract} from the disk cache, 32 B input)"),
                HostFn::Call,
                vec![callee, method, 4, data, 32, 1_000_000],
                36,
            )
        });
    }
    let devnet = |name: &str, f: HostFn, args: Vec<i64>, bytes: u64, stored: usize| HostCase {
        stored,
        store: Store::Devnet,
        ..case(&format!("{name}, devnet store"), f, args, bytes)
    };
    cases.extend([
        devnet(
            "storage_read (8 B key, 32 B value)",
            HostFn::StorageRead,
            vec![key, 8, out, 8192],
            40,
            32,
        ),
        devnet(
            &format!("storage_read (8 B key, {BULK_BYTES} B value)"),
            HostFn::StorageRead,
            vec![key, 8, out, 8192],
            8 + big as u64,
            BULK_BYTES as usize,
        ),
        devnet(
            "storage_read (absent key)",
            HostFn::StorageRead,
            vec![key, 7, out, 8192],
            7,
            32,
        ),
        devnet(
            "storage_write (7 B key, 32 B value, new entry)",
            HostFn::StorageWrite,
            vec![key, 7, data, 32],
            39,
            32,
        ),
        devnet(
            &format!("storage_write (7 B key, {BULK_BYTES} B value, new entry)"),
            HostFn::StorageWrite,
            vec![key, 7, data, big],
            7 + big as u64,
            32,
        ),
        devnet(
            "storage_write (8 B key, 32 B value, over 32 B)",
            HostFn::StorageWrite,
            vec![key, 8, data, 32],
            40,
            32,
        ),
        devnet(
            "storage_remove (8 B key)",
            HostFn::StorageRemove,
            vec![key, 8],
            8,
            32,
        ),
    ]);
    // A baseline per case is added by the caller.
    cases.retain(|c| c.function.is_some());
    cases
}

fn deploy(
    config: &Config,
    engine: &Engine,
    contracts: &mut MemoryContracts,
    a: Address,
    wat: &str,
) {
    let wasm = wat::parse_str(wat).expect("host contract");
    let prepared = Capabilities::all().prepare(&wasm, config).expect("prepare");
    contracts.insert(
        a,
        Contract {
            module: engine.compile(&prepared).expect("compile"),
            views: None,
            wasm_bytes: wasm.len() as u64,
        },
    );
}

/// `execute` of `run` on a contract built for `case` (`None`: its
/// baseline), `count` times, each on a fresh copy of the storage: a clone
/// of the memory store, or a write transaction of the devnet store that is
/// aborted after the call (`db`, for [`Store::Devnet`] cases).
fn host_runner<'a>(
    config: &'a Config,
    engine: &Engine,
    case: &HostCase,
    baseline: bool,
    db: Option<&'a Db>,
) -> impl FnMut(u64) -> u64 + 'a {
    let mut contracts = MemoryContracts::new();
    let function = if baseline { None } else { case.function };
    deploy(
        config,
        engine,
        &mut contracts,
        HOST_A,
        &calibrate::host_contract(
            function,
            &case.args,
            case.store == Store::Devnet || case.callee != Callee::Memory,
        ),
    );
    deploy(
        config,
        engine,
        &mut contracts,
        Address(CALLEE_ADDRESS),
        CALLEE_CONTRACT,
    );
    let contracts: Box<dyn Contracts> = match case.callee {
        Callee::Memory => Box::new(contracts),
        Callee::DiskCache(name) => {
            Box::new(stores::DiskCallee::new(contracts, engine, config, name))
        }
    };
    let mut storage = MemoryStorage::new();
    storage
        .set(&HOST_A, b"key00001", &vec![7u8; case.stored])
        .expect("storage");
    let mut input = vec![0u8; case.input.max(8)];
    input[..4].copy_from_slice(&case.calls.to_le_bytes());
    let call = CallContext {
        caller: Address([0xAA; 32]),
        contract: HOST_A,
        method: "run".into(),
        input,
        block: BlockInfo::default(),
        gas_limit: 1 << 40,
        mode: CallMode::Call,
    };
    let name = case.name.clone();
    // Each call on its own key changes one entry: `calls` writes.
    let changes = match case.function {
        Some(HostFn::StorageWrite | HostFn::StorageRemove) if !baseline => {
            if case.store == Store::Devnet {
                case.calls as usize
            } else {
                1
            }
        }
        _ => 0,
    };
    move |count| {
        let mut gas = 0;
        for _ in 0..count {
            let report = match db {
                None => execute(config, &*contracts, &mut storage.clone(), &call),
                Some(db) => stores::execute_aborted(db, config, &*contracts, &call),
            }
            .expect("execute");
            assert_eq!(
                report.outcome.status.label(),
                "success",
                "{name}: {report:?}"
            );
            assert_eq!(report.writes.len(), changes, "{name}: changed entries");
            gas += report.outcome.gas_used;
        }
        gas
    }
}

/// Token transfers through `execute`: over the memory store, committed
/// one after the other; over a devnet store (`db`, from
/// `stores::devnet_token`), each in a write transaction that is aborted after
/// it (every transfer starts from the same state; a block's commit is not
/// a transfer's cost).
fn transfer_runner<'a>(
    config: &Config,
    engine: &Engine,
    db: Option<&'a Db>,
) -> impl FnMut(u64) -> u64 + use<'a> {
    let config = config.clone();
    let gasket_benches::token::TokenTransfers {
        contracts,
        mut storage,
        call,
    } = gasket_benches::token::token_transfers(&config, engine);
    move |count| {
        let mut gas = 0;
        for _ in 0..count {
            let report = match db {
                None => execute(&config, &contracts, &mut storage, &call),
                Some(db) => stores::execute_aborted(db, &config, &contracts, &call),
            }
            .expect("transfer");
            assert_eq!(report.outcome.status.label(), "success");
            gas += report.outcome.gas_used;
        }
        gas
    }
}

/// Instantiate the grow module and grow it by `pages`, `count` times.
fn grow_runner(module: &Module, pages: i32) -> impl FnMut(u64) -> u64 + '_ {
    move |count| {
        let mut gas = 0;
        for _ in 0..count {
            let mut instance = Instance::new(module, Imports::new(), GAS).expect("instantiate");
            instance.set_gas(GAS);
            let r = instance.call("grow", &[Value::I32(pages)]).expect("grow");
            assert_ne!(r[0].as_i64(), -1, "grow failed");
            gas += GAS - instance.gas_left() as u64;
        }
        gas
    }
}

/// Which module of the worst-case shapes an export is in.
#[derive(Clone, Copy)]
enum ShapeModule {
    Calls,
    Branches,
    Memory,
}

/// One timed export of the worst-case shapes: `export(arg)` does `units`
/// units of work (calls, branches, loads, pages); `fresh`: on a new
/// instance each time (its memory never touched), else on one instance
/// (for the memory module, after `dirty` wrote all of it).
struct Shape {
    module: ShapeModule,
    export: &'static str,
    arg: i32,
    units: f64,
    fresh: bool,
}

const fn shape(module: ShapeModule, export: &'static str, arg: i32, units: f64) -> Shape {
    Shape {
        module,
        export,
        arg,
        units,
        fresh: false,
    }
}

const SHAPES: [Shape; 18] = [
    shape(ShapeModule::Calls, "indirect_none", 10_000, 10_000.0),
    shape(ShapeModule::Calls, "indirect_same", 10_000, 10_000.0),
    shape(ShapeModule::Calls, "indirect_random", 10_000, 10_000.0),
    shape(ShapeModule::Calls, "shallow", 1_000, 11_000.0),
    shape(ShapeModule::Calls, "deep", 10, 10_010.0),
    shape(ShapeModule::Branches, "if_none", 10_000, 160_000.0),
    shape(ShapeModule::Branches, "if_random", 10_000, 160_000.0),
    shape(ShapeModule::Branches, "br_table_none", 10_000, 10_000.0),
    shape(ShapeModule::Branches, "br_table_same", 10_000, 10_000.0),
    shape(ShapeModule::Branches, "br_table_random", 10_000, 10_000.0),
    shape(ShapeModule::Memory, "chase", 100_000, 100_000.0),
    fresh(shape(ShapeModule::Memory, "touch_none", 1024, 1024.0)),
    fresh(shape(ShapeModule::Memory, "touch", 1024, 1024.0)),
    fresh(shape(ShapeModule::Memory, "touch_none", 16, 16.0)),
    fresh(shape(ShapeModule::Memory, "grow_touch", 64, 64.0)),
    shape(ShapeModule::Memory, "copy_none", 8, 8.0 * 4096.0),
    shape(ShapeModule::Memory, "copy_half", 8, 8.0 * 4096.0),
    shape(ShapeModule::Memory, "fill_half", 8, 8.0 * 4096.0),
];

/// `shape`, on a new instance each time.
const fn fresh(shape: Shape) -> Shape {
    Shape {
        fresh: true,
        ..shape
    }
}

/// The rows of the worst-case table: label, unit, shape, the shape whose
/// time and gas are subtracted (the same loop without the costly part).
const SHAPE_ROWS: [(&str, &str, usize, Option<usize>); 11] = [
    ("call_indirect, one target", "call", 1, Some(0)),
    ("call_indirect, one of 8 at random", "call", 2, Some(0)),
    ("call, recursion 10 deep (per level)", "call", 3, None),
    ("call, recursion 1,000 deep (per level)", "call", 4, None),
    ("if on a random bit (16 per LCG step)", "if", 6, Some(5)),
    (
        "br_table to one of 8 at random (in a call)",
        "table",
        9,
        Some(7),
    ),
    (
        "load at a random address of 8 MiB, each depending on the last",
        "load",
        10,
        None,
    ),
    (
        "first write to an OS page of initial memory (fresh instance)",
        "4 KiB",
        12,
        Some(11),
    ),
    (
        "memory.grow, then the first write to each OS page (per wasm page)",
        "page",
        14,
        Some(13),
    ),
    (
        "memory.copy of 4 MiB onto the other half of 8 MiB",
        "KiB",
        16,
        Some(15),
    ),
    ("memory.fill of 4 MiB", "KiB", 17, Some(15)),
];

/// The rows of [`SHAPE_ROWS`] that bound the per-KiB rate of bulk memory.
const BULK_SHAPE_ROWS: [usize; 2] = [9, 10];

/// The cost classes whose default cost is their own microbenchmark's time
/// at the rate (not a floor of 1 gas or a worst-case floor): how fast they
/// run in a bench run, against the rate, says how fast the machine is.
/// Not `div`: it is priced for the slowest divider (Zen 1's), so on other
/// machines it runs under the rate.
const RATE_PRICED: [CostClass; 6] = [
    CostClass::Load,
    CostClass::Store,
    CostClass::Alu,
    CostClass::Mul,
    CostClass::MemoryGrow,
    CostClass::BulkMemory,
];

/// Runs shape `shape` of `module` `count` times, as the shape says. A
/// fresh instance runs `__gasket_start` (the instance's charge) in
/// the shape's gas and time, as a host does before every method.
fn shape_runner<'a>(module: &'a Module, shape: &'a Shape) -> impl FnMut(u64) -> u64 + 'a {
    let mut instance = Instance::new(module, Imports::new(), GAS).expect("instantiate");
    if matches!(shape.module, ShapeModule::Memory) && !shape.fresh {
        instance.call("dirty", &[Value::I32(0)]).expect("dirty");
    }
    move |count| {
        let mut gas = 0;
        for _ in 0..count {
            if shape.fresh {
                // `__gasket_start` runs from GAS, and the call goes on
                // from what it left.
                instance = Instance::new(module, Imports::new(), GAS).expect("instantiate");
            } else {
                instance.set_gas(GAS);
            }
            let value = instance.call(shape.export, &[Value::I32(shape.arg)]);
            black_box(value.expect(shape.export));
            gas += GAS - instance.gas_left() as u64;
        }
        gas
    }
}

fn ratio(values: impl IntoIterator<Item = f64>) -> f64 {
    let (mut lo, mut hi) = (f64::INFINITY, 0f64);
    for v in values {
        if v.is_finite() && v > 1e-9 {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    hi / lo
}

fn fmt_ratio(ns: f64, gas: f64) -> String {
    if gas > 1e-6 {
        format!("{:.3}", ns / gas)
    } else {
        "–".into()
    }
}

mod stores;

fn main() {
    let rounds: usize = std::env::var("GASKET_CALIBRATE_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(7);
    let load_before = load_average();
    let config = Config::default();
    let engine = Engine::new(EngineConfig::default()).expect("engine");
    let started = Instant::now();

    // Compile everything first.
    let micros = calibrate::micros();
    let baseline = compile(&engine, &calibrate::baseline(), &config);
    let micro_modules: Vec<Module> = micros
        .iter()
        .map(|m| compile(&engine, &m.wasm(), &config))
        .collect();
    let grow = compile(
        &engine,
        &wat::parse_str(GROW_MODULE).expect("grow"),
        &config,
    );
    const GROW_PAGES: i32 = 64;
    let workloads_wasm = gasket_benches::read_contract("workloads");
    let workloads = compile(&engine, &workloads_wasm, &config);
    let hosts = host_cases();
    let token_store = stores::devnet_token(&config, &engine);
    let balance_store = stores::devnet_balance();
    let stores: Vec<Option<(tempfile::TempDir, Db)>> = hosts
        .iter()
        .map(|h| {
            (h.store == Store::Devnet).then(|| stores::devnet_store(HOST_A, h.calls, h.stored))
        })
        .collect();
    let db_of = |i: usize| stores[i].as_ref().map(|(_, db)| db);
    let shape_modules = [
        wat::parse_str(calibrate::calls_module()).expect("calls"),
        wat::parse_str(calibrate::branches_module()).expect("branches"),
        wat::parse_str(MEMORY_MODULE).expect("memory"),
    ]
    .map(|wasm| compile(&engine, &wasm, &config));

    let mut cases: Vec<Case<'_>> = Vec::new();
    cases.push(Case::new(micro_runner(&baseline)));
    for module in &micro_modules {
        cases.push(Case::new(micro_runner(module)));
    }
    let grow_at = cases.len();
    cases.push(Case::new(grow_runner(&grow, 0)));
    cases.push(Case::new(grow_runner(&grow, GROW_PAGES)));
    let shapes_at = cases.len();
    for shape in &SHAPES {
        let module = &shape_modules[shape.module as usize];
        cases.push(Case::new(shape_runner(module, shape)));
    }
    let host_at = cases.len();
    for (i, case) in hosts.iter().enumerate() {
        cases.push(Case::new(host_runner(
            &config,
            &engine,
            case,
            false,
            db_of(i),
        )));
        cases.push(Case::new(host_runner(
            &config,
            &engine,
            case,
            true,
            db_of(i),
        )));
    }
    let work_at = cases.len();
    for (name, arg) in WORKLOADS {
        cases.push(Case::new(workload_runner(
            &workloads, &config, name, arg, None,
        )));
    }
    cases.push(Case::new(transfer_runner(&config, &engine, None)));
    cases.push(Case::new(transfer_runner(
        &config,
        &engine,
        Some(&token_store.1),
    )));
    cases.push(Case::new(workload_runner(
        &workloads,
        &config,
        "host_reads",
        HOST_READS_ON_STORE,
        Some(&balance_store.1),
    )));

    run_all(&mut cases, rounds);
    let elapsed = started.elapsed();
    let load_after = load_average();

    // Per rep of each micro: time and gas beyond the baseline.
    let base = &cases[0];
    let per_rep: Vec<(f64, f64)> = micros
        .iter()
        .enumerate()
        .map(|(i, _)| {
            let c = &cases[1 + i];
            (
                ((c.best_ns - base.best_ns) / f64::from(REPS)).max(0.0),
                (c.gas_per_unit - base.gas_per_unit) / f64::from(REPS),
            )
        })
        .collect();

    // Solve each class's ns per instruction, helpers subtracted.
    let order = [
        CostClass::Control,
        CostClass::Local,
        CostClass::Const,
        CostClass::Alu,
    ];
    let mut solved: BTreeMap<&'static str, f64> = BTreeMap::new();
    let rest = CLASSES.iter().copied().filter(|c| !order.contains(c));
    for class in order.into_iter().chain(rest) {
        let i = micros
            .iter()
            .position(|m| m.class == class)
            .expect("a micro per class");
        let counts = micros[i].counts();
        let mut ns = per_rep[i].0;
        for (name, (other, count)) in &counts {
            if *other != class {
                ns -= count * solved.get(name).copied().unwrap_or(0.0);
            }
        }
        let own = counts[class_name(class)].1;
        solved.insert(class_name(class), (ns / own).max(0.0));
    }
    let micro_index = |name: &str| micros.iter().position(|m| m.name == name).expect(name);
    let per_byte = |op: &str| {
        let small = per_rep[micro_index(&format!("bulk_memory {op} 0 B"))].0;
        let large = per_rep[micro_index(&format!("bulk_memory {op} {BULK_BYTES} B"))].0;
        ((large - small) / f64::from(BULK_BYTES)).max(0.0)
    };
    let bulk_byte_ns = per_byte("copy").max(per_byte("fill"));
    // Byte rates are per KiB (rounded up when charged).
    let bulk_kib_ns = bulk_byte_ns * 1024.0;
    let grow_page_ns =
        ((cases[grow_at + 1].best_ns - cases[grow_at].best_ns) / f64::from(GROW_PAGES)).max(0.0);

    // Host functions: per call beyond the baseline.
    struct HostRow {
        ns: f64,
        gas: f64,
    }
    let host_rows: Vec<HostRow> = hosts
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let (f, b) = (&cases[host_at + 2 * i], &cases[host_at + 2 * i + 1]);
            HostRow {
                ns: ((f.best_ns - b.best_ns) / f64::from(h.calls)).max(0.0),
                gas: (f.gas_per_unit - b.gas_per_unit) / f64::from(h.calls),
            }
        })
        .collect();

    let work: Vec<(String, f64, f64)> = WORKLOADS
        .iter()
        .map(|(name, arg)| format!("{name}({arg})"))
        .chain([
            "token transfer".to_string(),
            "token transfer, devnet store".to_string(),
            format!("host_reads({HOST_READS_ON_STORE}), devnet store"),
        ])
        .enumerate()
        .map(|(i, name)| {
            let c = &cases[work_at + i];
            (name, c.best_ns, c.gas_per_unit)
        })
        .collect();

    // The rate of the proposal.
    let rate = std::env::var("GASKET_CALIBRATE_RATE")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(DEFAULT_RATE);

    // Per unit beyond the baseline shape (one call of each subtracted),
    // and the whole loop's ns per gas (what the attacker gets).
    let per_unit = |i: usize, minus: Option<usize>| {
        let c = &cases[shapes_at + i];
        let (ns, gas) = minus.map_or((0.0, 0.0), |m| {
            let b = &cases[shapes_at + m];
            (b.best_ns, b.gas_per_unit)
        });
        let units = SHAPES[i].units;
        let marginal = ((c.best_ns - ns) / units, (c.gas_per_unit - gas) / units);
        (marginal, c.best_ns / c.gas_per_unit)
    };
    let current = config.costs.clone();
    let mut proposed = current.clone();
    // What the worst shape of a class needs to stay at the rate: its time
    // per unit over the rate, less the gas of the unit's other
    // instructions (at today's costs). Applied to the classes that
    // ordinary code executes rarely; `if`/`br_if` would need ~17 gas
    // (mispredictions), 17–36% more gas for ordinary code, so its floor
    // is printed, not applied (benches/README.md, "Worst cases").
    let floor_of = |row: usize, cost_now: f64| {
        let (_, _, i, minus) = SHAPE_ROWS[row];
        let ((ns, gas), _) = per_unit(i, minus);
        ns / rate - (gas - cost_now)
    };
    let floor = |class: CostClass, row: usize| {
        floor_of(row, current.cost(class) as f64).round().max(1.0) as u32
    };
    // This machine against the one the rate describes: the median over
    // the rate-priced classes of their ns per gas, over the rate. A floor
    // divided by it is what the same shape would need on a machine that
    // runs the classes at the rate (the floor to adopt from a slower or
    // faster machine).
    let machine_speed = {
        let mut speeds: Vec<f64> = RATE_PRICED
            .iter()
            .map(|&class| solved[class_name(class)] / current.cost(class) as f64 / rate)
            .collect();
        speeds.sort_by(f64::total_cmp);
        speeds[speeds.len() / 2]
    };
    // Bulk memory's worst case: the slower of the 4 MiB copy and fill,
    // per KiB (the unit's other gas is the base spread over the KiB).
    let bulk_kib_floor = BULK_SHAPE_ROWS
        .iter()
        .map(|&row| floor_of(row, f64::from(current.bulk_memory_per_kib)))
        .fold(1.0, f64::max);
    let worst_case_floors = [
        (
            CostClass::CallIndirect,
            floor(CostClass::CallIndirect, 1),
            true,
        ),
        (CostClass::Call, floor(CostClass::Call, 3), true),
        (CostClass::BrTable, floor(CostClass::BrTable, 5), true),
        (CostClass::Branch, floor(CostClass::Branch, 4), false),
        // The micro is division's worst case (a large dividend).
        (
            CostClass::Div,
            ((solved[class_name(CostClass::Div)] / rate).round() as u32).max(1),
            true,
        ),
    ];
    for class in CLASSES {
        let gas = solved[class_name(class)] / rate;
        let cost = if class == CostClass::Control && gas < 0.5 {
            0
        } else {
            (gas.round() as u32).max(1)
        };
        calibrate::set_cost(&mut proposed, class, cost);
    }
    for &(class, floor, applied) in &worst_case_floors {
        if applied && floor > proposed.cost(class) as u32 {
            calibrate::set_cost(&mut proposed, class, floor);
        }
    }
    proposed.bulk_memory_per_kib = ((bulk_kib_ns / rate).max(bulk_kib_floor).round() as u32).max(1);
    // Memory is a resource as well as time: the per-page rate never goes
    // below today's (growing only bumps a length; pages are zeroed when
    // first touched, later).
    proposed.memory_grow_per_page =
        ((grow_page_ns / rate).round() as u32).max(current.memory_grow_per_page);

    // Host costs, fitted to `rows` (indices into `hosts` of one function):
    // the per-KiB rate from the smallest and largest byte counts of the
    // rows that are not absent keys, and the base that keeps the slowest
    // row at the rate.
    let fit = |f: HostFn, rows: &[usize]| -> Option<HostCost> {
        let now = config.host_costs.get(f);
        let sized: Vec<usize> = rows
            .iter()
            .copied()
            .filter(|&i| !hosts[i].name.contains("absent"))
            .collect();
        let small = *sized.iter().min_by_key(|&&i| hosts[i].bytes)?;
        let large = *sized.iter().max_by_key(|&&i| hosts[i].bytes)?;
        let slope = if hosts[large].bytes > hosts[small].bytes {
            ((host_rows[large].ns - host_rows[small].ns)
                / (hosts[large].bytes - hosts[small].bytes) as f64)
                .max(0.0)
        } else {
            0.0
        };
        // Per KiB, rounded up when charged. A function charged per byte
        // stays charged per byte (at least 1 per KiB).
        let per_kib = ((slope * 1024.0 / rate).round() as u32).max(now.per_kib.min(1));
        let base = rows
            .iter()
            .map(|&i| {
                // Gas of the wasm around the call (consts, the call, a drop).
                let site = if f == HostFn::Call {
                    0.0
                } else {
                    (host_rows[i].gas - f64::from(now.base) - now.bytes_gas(hosts[i].bytes) as f64)
                        .max(0.0)
                };
                let bytes_gas = HostCost { base: 0, per_kib }.bytes_gas(hosts[i].bytes);
                (host_rows[i].ns / rate - site - bytes_gas as f64).round() as i64
            })
            .max()?
            .max(1) as u32;
        Some(HostCost { base, per_kib })
    };
    let rows_of = |f: HostFn, store: Store| -> Vec<usize> {
        (0..hosts.len())
            .filter(|&i| {
                hosts[i].function == Some(f)
                    && hosts[i].store == store
                    && hosts[i].callee == Callee::Memory
            })
            .collect()
    };
    // CPU-calibrated from the memory store's rows (the absent-key row
    // aside, as before). Storage functions take the devnet store's fit
    // when it is higher (what a node's database costs per access); they,
    // events and `call` never go below today's (state growth, which no
    // timing sees, and the callee's code).
    let mut proposed_host = config.host_costs.clone();
    let mut host_cpu: BTreeMap<HostFn, HostCost> = BTreeMap::new();
    let mut host_store: BTreeMap<HostFn, HostCost> = BTreeMap::new();
    for f in HostFn::ALL.iter().copied() {
        let memory: Vec<usize> = rows_of(f, Store::Memory)
            .into_iter()
            .filter(|&i| !hosts[i].name.contains("absent"))
            .collect();
        let Some(cpu) = fit(f, &memory) else {
            continue;
        };
        host_cpu.insert(f, cpu);
        let now = config.host_costs.get(f);
        let proposal = if let Some(store) = fit(f, &rows_of(f, Store::Devnet)) {
            host_store.insert(f, store);
            HostCost {
                base: store.base.max(cpu.base).max(now.base),
                per_kib: store.per_kib.max(cpu.per_kib).max(now.per_kib),
            }
        } else if matches!(f, HostFn::EmitEvent | HostFn::Call) {
            HostCost {
                base: cpu.base.max(now.base),
                per_kib: cpu.per_kib.max(now.per_kib),
            }
        } else {
            cpu
        };
        proposed_host.set(f, proposal);
    }
    let mut proposed_config = config.clone();
    proposed_config.costs = proposed.clone();
    proposed_config.host_costs = proposed_host.clone();

    // Gas under the proposal (deterministic: one run each, no timing).
    let proposed_micro_gas: Vec<f64> = micros
        .iter()
        .map(|m: &Micro| m.iteration_gas(&proposed) as f64 / f64::from(REPS))
        .collect();
    let proposed_work_gas: Vec<f64> = {
        let module = compile(&engine, &workloads_wasm, &proposed_config);
        let mut gas: Vec<f64> = WORKLOADS
            .iter()
            .map(|&(name, arg)| {
                workload_runner(&module, &proposed_config, name, arg, None)(1) as f64
            })
            .collect();
        gas.push(transfer_runner(&proposed_config, &engine, None)(1) as f64);
        gas.push(transfer_runner(&proposed_config, &engine, Some(&token_store.1))(1) as f64);
        gas.push(workload_runner(
            &module,
            &proposed_config,
            "host_reads",
            HOST_READS_ON_STORE,
            Some(&balance_store.1),
        )(1) as f64);
        gas
    };
    let proposed_host_gas: Vec<f64> = hosts
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let f = host_runner(&proposed_config, &engine, h, false, db_of(i))(1);
            let b = host_runner(&proposed_config, &engine, h, true, db_of(i))(1);
            (f - b) as f64 / f64::from(h.calls)
        })
        .collect();

    // What each workload executes: gas is linear in the class costs, so one
    // more gas on a class adds that class's dynamic instruction count.
    let gas_under = |config: &Config| -> Vec<u64> {
        let module = compile(&engine, &workloads_wasm, config);
        WORKLOADS
            .iter()
            .map(|&(name, arg)| workload_runner(&module, config, name, arg, None)(1))
            .collect()
    };
    let default_gas = gas_under(&config);
    let composition: Vec<(CostClass, Vec<u64>)> = CLASSES
        .iter()
        .map(|&class| {
            let mut one_more = config.clone();
            let cost = u32::try_from(current.cost(class) + 1).expect("a class cost fits u32");
            calibrate::set_cost(&mut one_more.costs, class, cost);
            let gas = gas_under(&one_more);
            let counts = gas.iter().zip(&default_gas).map(|(g, d)| g - d).collect();
            (class, counts)
        })
        .collect();

    // The table.
    println!("# Gas calibration");
    println!();
    println!(
        "`cargo bench -p gasket-benches --bench calibrate`, {} rounds, min of each; {:.1} s; load average {} before, {} after; proposal rate {:.4} ns per gas",
        rounds,
        elapsed.as_secs_f64(),
        load_before,
        load_after,
        rate
    );
    println!();
    println!("| kind | name | ns/op | gas/op | ns/gas | proposed gas/op | ns/gas (proposed) |");
    println!("|---|---|---:|---:|---:|---:|---:|");
    for (i, m) in micros.iter().enumerate() {
        let (ns, gas) = per_rep[i];
        println!(
            "| micro | {} | {:.3} | {:.2} | {} | {:.2} | {} |",
            m.name,
            ns,
            gas,
            fmt_ratio(ns, gas),
            proposed_micro_gas[i],
            fmt_ratio(ns, proposed_micro_gas[i]),
        );
    }
    for class in CLASSES {
        let ns = solved[class_name(class)];
        let (now, new) = (current.cost(class) as f64, proposed.cost(class) as f64);
        println!(
            "| class | {} | {:.3} | {} | {} | {} | {} |",
            class_name(class),
            ns,
            now,
            fmt_ratio(ns, now),
            new,
            fmt_ratio(ns, new)
        );
    }
    // ns and gas per KiB.
    println!(
        "| class | bulk_memory_per_kib | {:.2} | {} | {} | {} | {} |",
        bulk_kib_ns,
        current.bulk_memory_per_kib,
        fmt_ratio(bulk_kib_ns, current.bulk_memory_per_kib as f64),
        proposed.bulk_memory_per_kib,
        fmt_ratio(bulk_kib_ns, proposed.bulk_memory_per_kib as f64)
    );
    println!(
        "| class | memory_grow_per_page | {:.1} | {} | {} | {} | {} |",
        grow_page_ns,
        current.memory_grow_per_page,
        fmt_ratio(grow_page_ns, current.memory_grow_per_page as f64),
        proposed.memory_grow_per_page,
        fmt_ratio(grow_page_ns, proposed.memory_grow_per_page as f64)
    );
    for (i, h) in hosts.iter().enumerate() {
        let r = &host_rows[i];
        println!(
            "| host | {} | {:.1} | {:.0} | {} | {:.0} | {} |",
            h.name,
            r.ns,
            r.gas,
            fmt_ratio(r.ns, r.gas),
            proposed_host_gas[i],
            fmt_ratio(r.ns, proposed_host_gas[i])
        );
    }
    for (i, (name, ns, gas)) in work.iter().enumerate() {
        println!(
            "| workload | {} | {:.0} | {:.0} | {} | {:.0} | {} |",
            name,
            ns,
            gas,
            fmt_ratio(*ns, *gas),
            proposed_work_gas[i],
            fmt_ratio(*ns, proposed_work_gas[i])
        );
    }
    println!();

    println!(
        "Worst cases an attacker can shape (`calls_module()`, `branches_module()`, `MEMORY_MODULE`), current schedule, against the rate {rate:.3} ns per gas; per unit beyond the baseline loop, and the whole loop:"
    );
    println!();
    println!("| shape | unit | ns/unit | gas/unit | ns/gas | x rate | loop ns/gas | loop x rate |");
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    for (label, unit, i, minus) in SHAPE_ROWS {
        let ((ns, gas), whole) = per_unit(i, minus);
        let x_rate = if gas > 1e-6 {
            format!("{:.2}x", ns / gas / rate)
        } else {
            "–".into()
        };
        println!(
            "| {label} | {unit} | {ns:.2} | {gas:.1} | {} | {x_rate} | {whole:.3} | {:.2}x |",
            fmt_ratio(ns, gas),
            whole / rate
        );
    }
    println!();
    println!(
        "Worst-case floors (the cost that keeps the class's worst shape at the rate; in brackets, at this machine's speed: it runs the rate-priced classes at {machine_speed:.2}x the rate):"
    );
    for &(class, floor, applied) in &worst_case_floors {
        println!(
            "  {:<19} {:>4} [{:.0}] (micro alone: {:.0}; {})",
            class_name(class),
            floor,
            f64::from(floor) / machine_speed,
            solved[class_name(class)] / rate,
            if applied { "applied" } else { "printed only" }
        );
    }
    println!(
        "  {:<19} {:>4.0} [{:.0}] (micro alone: {:.0}; applied)",
        "bulk_memory_per_kib",
        bulk_kib_floor,
        bulk_kib_floor / machine_speed,
        bulk_kib_ns / rate
    );
    println!();

    println!(
        "Dynamic instructions per class, per workload call (its gas with the class cost raised by 1, minus its gas):"
    );
    println!();
    print!("| class |");
    for (name, arg) in WORKLOADS {
        print!(" {name}({arg}) |");
    }
    println!();
    println!("|---|{}", "---:|".repeat(WORKLOADS.len()));
    for (class, counts) in &composition {
        if counts.iter().all(|&c| c == 0) {
            continue;
        }
        print!("| {} |", class_name(*class));
        for count in counts {
            print!(" {count} |");
        }
        println!();
    }
    println!();

    // Ratios. Micro rows count when their class does measurable work.
    let measurable = |m: &Micro| solved[class_name(m.class)] >= MEASURABLE_NS;
    let micro_ratio = |gas: &dyn Fn(usize) -> f64, per_byte_rows: bool| {
        ratio(
            micros
                .iter()
                .enumerate()
                .filter(|(_, m)| {
                    measurable(m)
                        && (per_byte_rows
                            || m.class != CostClass::BulkMemory
                            || m.name.contains("copy 0 B"))
                })
                .map(|(i, _)| per_rep[i].0 / gas(i)),
        )
    };
    let now_gas = |i: usize| per_rep[i].1;
    let new_gas = |i: usize| proposed_micro_gas[i];
    let excluded: Vec<&str> = CLASSES
        .iter()
        .filter(|&&c| solved[class_name(c)] < MEASURABLE_NS)
        .map(|&c| class_name(c))
        .collect();
    let compute = ["fib", "hash", "sort", "copy"];
    let work_ratio = |gas: &dyn Fn(usize) -> f64, rows: &dyn Fn(&str) -> bool| {
        ratio(
            work.iter()
                .enumerate()
                .filter(|(_, (name, _, _))| rows(name))
                .map(|(i, (_, ns, _))| ns / gas(i)),
        )
    };
    let compute_only = |name: &str| compute.iter().any(|c| name.starts_with(c));
    let every_workload = |_: &str| true;
    // The memory rows' `env.read` answers 32 constant bytes, charged as a
    // `storage_read`: it measures the host-call path, not a store.
    let real_store = |name: &str| compute_only(name) || name.ends_with("devnet store");
    let work_now = |i: usize| work[i].2;
    let work_new = |i: usize| proposed_work_gas[i];
    let state = |h: &HostCase| {
        matches!(
            h.function,
            Some(
                HostFn::StorageRead
                    | HostFn::StorageWrite
                    | HostFn::StorageRemove
                    | HostFn::EmitEvent
                    | HostFn::Call
            )
        )
    };
    let host_ratio = |gas: &dyn Fn(usize) -> f64, rows: &dyn Fn(&HostCase) -> bool| {
        ratio(
            hosts
                .iter()
                .enumerate()
                .filter(|(_, h)| rows(h))
                .map(|(i, _)| host_rows[i].ns / gas(i)),
        )
    };
    let by_time = |h: &HostCase| !state(h);
    let on_devnet = |h: &HostCase| !state(h) || h.store == Store::Devnet;
    let every = |_: &HostCase| true;
    let host_now = |i: usize| host_rows[i].gas;
    let host_new = |i: usize| proposed_host_gas[i];
    let ratio_row = |label: &str, now: f64, new: f64| {
        println!("| {label} | {now:.2}x | {new:.2}x |");
    };
    println!("| max/min of ns per gas | current | proposed |");
    println!("|---|---:|---:|");
    ratio_row(
        "compute workloads (fib, hash, sort, copy)",
        work_ratio(&work_now, &compute_only),
        work_ratio(&work_new, &compute_only),
    );
    ratio_row(
        "compute workloads and the workloads on the devnet store (transfer, host_reads)",
        work_ratio(&work_now, &real_store),
        work_ratio(&work_new, &real_store),
    );
    ratio_row(
        "all workloads (+ host_reads, token transfer on either store)",
        work_ratio(&work_now, &every_workload),
        work_ratio(&work_new, &every_workload),
    );
    println!(
        "| microbenchmarks, measurable classes (not {}) | {:.2}x | {:.2}x |",
        excluded.join(", "),
        micro_ratio(&now_gas, true),
        micro_ratio(&new_gas, true)
    );
    ratio_row(
        "the same without the bulk-memory rows but `copy 0 B`",
        micro_ratio(&now_gas, false),
        micro_ratio(&new_gas, false),
    );
    let class_ratio = |schedule: &gasket_metering::CostSchedule, per_byte: bool| {
        let classes = CLASSES
            .iter()
            .filter(|&&c| solved[class_name(c)] >= MEASURABLE_NS)
            .map(|&c| solved[class_name(c)] / schedule.cost(c) as f64);
        let byte = per_byte.then(|| bulk_kib_ns / f64::from(schedule.bulk_memory_per_kib));
        ratio(classes.chain(byte))
    };
    ratio_row(
        "cost classes, measurable (helpers subtracted)",
        class_ratio(&current, false),
        class_ratio(&proposed, false),
    );
    ratio_row(
        "the same and the bulk per-KiB rate",
        class_ratio(&current, true),
        class_ratio(&proposed, true),
    );
    ratio_row(
        "host functions priced by time (not storage, events, call)",
        host_ratio(&host_now, &by_time),
        host_ratio(&host_new, &by_time),
    );
    ratio_row(
        "the same and storage on the devnet store",
        host_ratio(&host_now, &on_devnet),
        host_ratio(&host_new, &on_devnet),
    );
    ratio_row(
        "all host functions (both stores, events, call)",
        host_ratio(&host_now, &every),
        host_ratio(&host_new, &every),
    );
    println!();
    println!("Proposed CostSchedule (rate {rate:.4} ns per gas):");
    println!("{proposed:#?}");
    println!();
    // Loading a callee's code when the node's memory cache misses: each
    // disk-cache row (every call to a contract the tree has not loaded)
    // beyond the in-memory `call` row (a callee loaded once, then warm),
    // and the slope over the two callees' wasm sizes: the fit that
    // `Config::code_loading` takes, scaled by the machine's speed, the
    // largest over the machine kinds measured (docs/RATIONALE.md, "Loading code is
    // priced per call tree").
    let memory_call = hosts
        .iter()
        .position(|h| h.function == Some(HostFn::Call) && h.callee == Callee::Memory)
        .expect("a call row");
    let loads: Vec<(usize, f64)> = hosts
        .iter()
        .enumerate()
        .filter_map(|(i, h)| match h.callee {
            Callee::DiskCache(name) => {
                let wasm_bytes = stores::callee_wasm(name).len();
                Some((wasm_bytes, host_rows[i].ns - host_rows[memory_call].ns))
            }
            Callee::Memory => None,
        })
        .collect();
    println!(
        "Loading the callee's code from the disk cache (beyond a call whose callee is in memory):"
    );
    for &(bytes, ns) in &loads {
        println!(
            "  wasm {bytes} B: {ns:.0} ns = {:.0} gas at the rate ({:.1} ns per wasm byte)",
            ns / rate,
            ns / bytes as f64
        );
    }
    if let [(small_bytes, small_ns), (large_bytes, large_ns), ..] = loads[..]
        && large_bytes > small_bytes
    {
        let per_byte = (large_ns - small_ns) / (large_bytes - small_bytes) as f64;
        let base = ((small_ns - per_byte * small_bytes as f64) / rate).max(0.0);
        let per_kib = per_byte * 1024.0 / rate;
        println!(
            "  as a charge per frame: {base:.0} + {per_kib:.0}/KiB of wasm at the rate; {:.0} + {:.0}/KiB at this machine's speed ({machine_speed:.2}x); `Config::code_loading` today: {} + {}/KiB",
            base / machine_speed,
            per_kib / machine_speed,
            config.code_loading.base,
            config.code_loading.per_kib,
        );
    }
    println!();
    println!(
        "Proposed host costs (base, per KiB; in brackets the fit to the memory store's rows, and to the devnet store's):"
    );
    for f in HostFn::ALL.iter().copied() {
        let now = config.host_costs.get(f);
        let new = proposed_host.get(f);
        let mut cpu = host_cpu
            .get(&f)
            .map(|c| format!(" [cpu {} + {}/KiB]", c.base, c.per_kib))
            .unwrap_or_else(|| " (not measured)".into());
        if let Some(store) = host_store.get(&f) {
            cpu.push_str(&format!(
                " [devnet store {} + {}/KiB]",
                store.base, store.per_kib
            ));
        }
        println!(
            "  {:<16} {} + {}/KiB -> {} + {}/KiB{}",
            f.name(),
            now.base,
            now.per_kib,
            new.base,
            new.per_kib,
            cpu
        );
    }
}
