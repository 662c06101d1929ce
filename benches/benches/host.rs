//! Host call overhead per function: the probe contract (the host-env
//! tests' `probe.wat`) runs a script of 16 calls of one host function; the
//! same script of 16 `block_height` calls (the cheapest function) is the
//! baseline, so `(t(16 × f) − t(16 × block_height)) / 16` is what `f`
//! costs beyond a bare host call, and `t(16 × block_height) / 16` bounds a
//! bare round trip from above (it includes the call's instantiation).
//!
//! Then token transfers per second in process: `transfer(to, 1)` of the
//! token contract (`contracts/build.sh`) through `execute` over the
//! in-memory storage, each committed before the next, as a node's block
//! executor would run them (module compiled once, instantiated per call).
//!
//! `cargo bench -p gasket-benches --bench host`; prints tables.

use std::hint::black_box;
use std::time::{Duration, Instant};

use gasket_host_env::{
    Address, BlockInfo, CallContext, CallMode, Capabilities, Contract, MemoryContracts,
    MemoryStorage, execute,
};
use gasket_metering::{Config, HostFn};
use gasket_vm::{Engine, EngineConfig};

const PROBE: &str = include_str!("../../host-env/tests/common/probe.wat");
const A: Address = Address([0xA1; 32]);
const CALLS: usize = 16;
const DATA: i64 = 0x400;

fn script(f: HostFn, args: &[i64]) -> Vec<u8> {
    let mut input = vec![0u8; 0x800];
    input[..4].copy_from_slice(&(CALLS as u32).to_le_bytes());
    for i in 0..CALLS {
        let at = 8 + 56 * i;
        input[at..at + 4].copy_from_slice(&(f as u32).to_le_bytes());
        for (j, a) in args.iter().enumerate() {
            input[at + 8 + 8 * j..at + 16 + 8 * j].copy_from_slice(&a.to_le_bytes());
        }
    }
    input[DATA as usize..DATA as usize + 8].copy_from_slice(b"key00001");
    input
}

/// Median time of one call over a few timed batches.
fn time_call(
    config: &Config,
    contracts: &MemoryContracts,
    storage: &MemoryStorage,
    input: &[u8],
) -> Duration {
    let call = CallContext {
        caller: Address([0xAA; 32]),
        contract: A,
        method: "probe".into(),
        input: input.to_vec(),
        block: BlockInfo::default(),
        gas_limit: 1_000_000_000,
        mode: CallMode::Call,
    };
    median_per_call(|| {
        // Writes are applied: reuse a fresh clone per call so every call
        // sees the same storage (the clone is outside the measured host
        // call but inside the loop: subtracted by the baseline, which
        // clones too).
        let mut storage = storage.clone();
        black_box(execute(config, contracts, &mut storage, &call).unwrap());
    })
}

/// Median time of one call of `f` over 7 timed batches of 2,000.
fn median_per_call(mut f: impl FnMut()) -> Duration {
    let mut samples = Vec::new();
    for _ in 0..7 {
        let iterations = 2000;
        let start = Instant::now();
        for _ in 0..iterations {
            f();
        }
        samples.push(start.elapsed() / iterations);
    }
    samples.sort();
    samples[samples.len() / 2]
}

/// `wasm` deployed at `address` under every capability, compiled once.
fn deploy(config: &Config, address: Address, wasm: &[u8]) -> MemoryContracts {
    let prepared = Capabilities::all().prepare(wasm, config).unwrap();
    let module = Engine::new(EngineConfig::default())
        .unwrap()
        .compile(&prepared)
        .unwrap();
    let mut contracts = MemoryContracts::new();
    contracts.insert(
        address,
        Contract {
            module,
            views: None,
            wasm_bytes: wasm.len() as u64,
        },
    );
    contracts
}

fn main() {
    let config = Config::default();
    let contracts = deploy(&config, A, &wat::parse_str(PROBE).unwrap());
    let mut storage = MemoryStorage::new();
    storage.set(&A, b"key00001", &[7u8; 32]).unwrap();
    use gasket_host_env::Storage as _;

    let baseline = time_call(
        &config,
        &contracts,
        &storage,
        &script(HostFn::BlockHeight, &[]),
    );
    println!("# host call overhead ({CALLS} calls per contract call)");
    println!(
        "contract call with {CALLS} x block_height: {:.2} us ({:.0} ns per call, upper bound of a bare round trip)",
        baseline.as_secs_f64() * 1e6,
        baseline.as_nanos() as f64 / CALLS as f64
    );
    println!("| function | ns per call beyond block_height |");
    println!("|---|---:|");
    let cases: Vec<(&str, HostFn, Vec<i64>)> = vec![
        ("input_len", HostFn::InputLen, vec![]),
        ("gas_left", HostFn::GasLeft, vec![]),
        ("caller", HostFn::Caller, vec![0x2000]),
        (
            "storage_read (8 B key, 32 B value)",
            HostFn::StorageRead,
            vec![DATA, 8, 0x2000, 64],
        ),
        (
            "storage_read (absent key)",
            HostFn::StorageRead,
            vec![DATA, 7, 0x2000, 64],
        ),
        (
            "storage_write (8 B key, 32 B value)",
            HostFn::StorageWrite,
            vec![DATA, 8, 0x2000, 32],
        ),
        ("blake3 (32 B)", HostFn::Blake3, vec![0x2000, 32, 0x3000]),
        ("blake3 (1 KiB)", HostFn::Blake3, vec![0x2000, 1024, 0x3000]),
        (
            "emit_event (4 B topic, 32 B data)",
            HostFn::EmitEvent,
            vec![0x2000, 4, 0x2000, 32],
        ),
        ("debug_log (32 B)", HostFn::DebugLog, vec![0x2000, 32]),
    ];
    for (name, f, args) in cases {
        let t = time_call(&config, &contracts, &storage, &script(f, &args));
        let extra = (t.as_nanos() as f64 - baseline.as_nanos() as f64) / CALLS as f64;
        println!("| `{name}` | {extra:.0} |");
    }
    transfers(&config);
}

/// Token transfers per second through `execute`, in process.
fn transfers(config: &Config) {
    let engine = Engine::new(EngineConfig::default()).unwrap();
    let gasket_benches::token::TokenTransfers {
        contracts,
        mut storage,
        call,
    } = gasket_benches::token::token_transfers(config, &engine);
    let report = execute(config, &contracts, &mut storage, &call).unwrap();
    assert_eq!(
        report.outcome.status.label(),
        "success",
        "transfer: {report:?}"
    );
    let gas = report.outcome.gas_used;

    let median = median_per_call(|| {
        black_box(execute(config, &contracts, &mut storage, &call).unwrap());
    });
    println!("\n# token transfers in process (execute + MemoryStorage, committed)");
    println!(
        "one transfer: {:.2} us median, {:.0} transfers/s on one thread, {gas} gas each",
        median.as_secs_f64() * 1e6,
        1.0 / median.as_secs_f64()
    );
}
