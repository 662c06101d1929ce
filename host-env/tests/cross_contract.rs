//! Cross-contract calls: success, revert, trap, out of gas, depth limit,
//! re-entrancy, and deep recursion in every frame.

mod common;

use common::*;
use gasket_host_env::{Address, Status, TrapKind};
use gasket_metering::HostFn;

/// Where a caller keeps the callee's address, method and input.
const TARGET: u32 = 0x800;

/// Calls `method` of `callee` with `input` (another script's encoding),
/// forwarding `gas`; the call's code is this record's result.
fn call(script: Script, callee: Address, method: &str, input: &[u8], gas: i64) -> Script {
    script
        .data(TARGET, &callee.0)
        .data(TARGET + 32, method.as_bytes())
        .data(TARGET + 64, input)
        .host(
            HostFn::Call,
            &[
                TARGET as i64,
                TARGET as i64 + 32,
                method.len() as i64,
                TARGET as i64 + 64,
                input.len() as i64,
                gas,
            ],
        )
}

fn write(script: Script, key: &'static [u8], value: &'static [u8]) -> Script {
    script.data(DATA, key).data(DATA + 0x20, value).host(
        HostFn::StorageWrite,
        &[
            DATA as i64,
            key.len() as i64,
            DATA as i64 + 0x20,
            value.len() as i64,
        ],
    )
}

fn success(report: &gasket_host_env::Report) -> Vec<i64> {
    match &report.outcome.status {
        Status::Success(data) => results(data),
        other => panic!("expected success, got {other:?}"),
    }
}

/// The callee's return data or reason, read back by the caller into its
/// return data.
fn read_result(script: Script) -> Script {
    script
        .host(HostFn::ResultRead, &[0x3000])
        .host(HostFn::ResultLen, &[])
}

#[test]
fn success_keeps_the_callees_writes_and_return_data() {
    let mut chain = Chain::new();
    let inner = write(Script::new(), b"kb", b"vb")
        .data(0x3000, b"from B")
        .host(HostFn::ReturnData, &[0x3000, 6]);
    let outer = read_result(call(
        write(Script::new(), b"ka", b"va"),
        B,
        "probe",
        &inner.encode(),
        10_000_000,
    ));
    let report = chain.run(&outer);
    assert_eq!(success(&report), vec![0, 0, 0, 6]);
    assert_eq!(
        chain.storage.contract_entries(&A),
        vec![(b"ka".to_vec(), b"va".to_vec())]
    );
    assert_eq!(
        chain.storage.contract_entries(&B),
        vec![(b"kb".to_vec(), b"vb".to_vec())]
    );
}

#[test]
fn caller_sees_its_caller_and_the_callee_sees_the_contract() {
    let mut chain = Chain::new();
    let inner = Script::new()
        .host(HostFn::Caller, &[0x3000])
        .host(HostFn::ReturnData, &[0x3000, 32]);
    let outer = Script::new();
    let outer = call(outer, B, "probe", &inner.encode(), 10_000_000)
        .host(HostFn::ResultRead, &[0x3000])
        .host(HostFn::ReturnData, &[0x3000, 32]);
    let report = chain.run(&outer);
    assert_eq!(report.outcome.status, Status::Success(A.0.to_vec()));
}

#[test]
fn a_reverting_callee_is_rolled_back_and_the_caller_goes_on() {
    let mut chain = Chain::new();
    let inner = event_script(write(Script::new(), b"kb", b"vb"))
        .data(0x3000, b"nope")
        .host(HostFn::Revert, &[0x3000, 4]);
    let outer = read_result(call(
        event_script(write(Script::new(), b"ka", b"va")),
        B,
        "probe",
        &inner.encode(),
        10_000_000,
    ))
    .host(HostFn::ReturnData, &[0x3000, 4]);
    let report = chain.run(&outer);
    assert_eq!(report.outcome.status, Status::Success(b"nope".to_vec()));
    assert_eq!(chain.storage.contract_entries(&A).len(), 1);
    assert!(chain.storage.contract_entries(&B).is_empty());
    // Only A's event survives.
    assert_eq!(report.outcome.events.len(), 1);
    assert_eq!(report.outcome.events[0].contract, A);
}

fn event_script(script: Script) -> Script {
    script.host(HostFn::EmitEvent, &[0, 4, 0, 4])
}

#[test]
fn a_trapping_or_starving_callee_fails_with_2() {
    let mut chain = Chain::new();
    let inner = write(Script::new(), b"kb", b"vb").op(OP_UNREACHABLE, &[]);
    let report = chain.run(&read_result(call(
        Script::new(),
        B,
        "probe",
        &inner.encode(),
        10_000_000,
    )));
    assert_eq!(success(&report), vec![2, 0, 0]);
    assert!(chain.storage.contract_entries(&B).is_empty());

    // Out of gas in the callee: the caller pays exactly what it forwarded.
    let looping = Script::new().op(OP_LOOP, &[]).encode();
    let gas_with = |forward: i64| {
        let mut chain = Chain::new();
        let report = chain.run(&call(Script::new(), B, "probe", &looping, forward));
        assert_eq!(success(&report), vec![2]);
        report.outcome.gas_used
    };
    assert_eq!(gas_with(2_000_000) - gas_with(1_000_000), 1_000_000);

    // Forwarding more than is left forwards what is left: the callee runs
    // out, and so does the caller right after.
    let mut chain = Chain::new();
    let report = chain.run_gas(
        &call(Script::new(), B, "probe", &looping, i64::MAX).host(HostFn::GasLeft, &[]),
        3_000_000,
    );
    assert_eq!(report.outcome.status, Status::Trapped(TrapKind::OutOfGas));
    assert_eq!(report.outcome.gas_used, 3_000_000);

    // A missing contract or method: failed.
    let mut chain = Chain::new();
    let report = chain.run(&call(
        Script::new(),
        Address([5; 32]),
        "probe",
        &[],
        1_000_000,
    ));
    assert_eq!(success(&report), vec![2]);
    let report = chain.run(&call(Script::new(), B, "missing", &[], 1_000_000));
    assert_eq!(success(&report), vec![2]);
    let report = chain.run(&call(Script::new(), B, "init", &[], 1_000_000));
    assert_eq!(success(&report), vec![2]);
}

/// A script on A that calls A again `levels` times, each level emitting
/// an event, then recursing `frames` wasm frames deep, then calling.
fn self_calls(levels: u32, frames: i64) -> Vec<u8> {
    let mut input = event_script(Script::new()).encode();
    for _ in 0..levels {
        // Records 0 and 1 run in order; record 1 recurses, then runs
        // record 2: the call.
        let script = event_script(Script::new()).op(OP_RECURSE, &[frames, 2]);
        input = call(script, A, "probe", &input, i64::MAX)
            .run_only(2)
            .encode();
    }
    input
}

#[test]
fn the_depth_limit_is_a_trap_in_the_frame_that_goes_too_deep() {
    let depth = gasket_metering::AbiLimits::default().call_depth;
    let run = |levels| {
        let mut chain = Chain::new();
        chain.call_mode(
            A,
            "probe",
            self_calls(levels, 0),
            GAS,
            gasket_host_env::CallMode::Call,
        )
    };
    // Exactly `depth` nested calls: every frame ran and succeeded.
    let report = run(depth);
    assert_eq!(success(&report), vec![0, 0]);
    assert_eq!(report.outcome.events.len(), depth as usize + 1);
    // One more: the frame at the maximum depth traps when it calls, so its
    // event is rolled back and the frames above (which see 2 and go on)
    // keep theirs.
    let report = run(depth + 1);
    assert_eq!(success(&report), vec![0, 0]);
    assert_eq!(report.outcome.events.len(), depth as usize);
    // The trap itself: a frame at the maximum depth that calls.
    let mut config = gasket_metering::Config::default();
    config.abi_limits.call_depth = 0;
    let mut chain = Chain::with_config(config);
    let report = chain.run(&call(Script::new(), B, "probe", &[], 1_000_000));
    assert_eq!(
        report.outcome.status,
        Status::Trapped(TrapKind::CallDepthExceeded)
    );
}

#[test]
fn deep_recursion_in_every_frame_at_the_maximum_depth_is_deterministic() {
    let depth = gasket_metering::AbiLimits::default().call_depth;
    let run = || {
        let mut chain = Chain::new();
        chain.call_mode(
            A,
            "probe",
            self_calls(depth, 1_500),
            GAS,
            gasket_host_env::CallMode::Call,
        )
    };
    let first = run();
    // The stack height carries across frames: a frame a few levels down
    // overflows (its event is rolled back with it), its caller sees 2 and
    // returns normally.
    assert!(
        matches!(first.outcome.status, Status::Success(_)),
        "{first:?}"
    );
    let levels_that_kept_their_event = first.outcome.events.len();
    assert!(
        (1..depth as usize).contains(&levels_that_kept_their_event),
        "{levels_that_kept_their_event} levels"
    );
    assert_eq!(run(), first);
}

#[test]
fn reentrancy_sees_the_writes_made_so_far() {
    let mut chain = Chain::new();
    // A writes k, calls B, B calls A.probe, which reads k and returns the
    // length it found.
    let reader = Script::new()
        .data(DATA, b"k")
        .host(HostFn::StorageRead, &[DATA as i64, 1, 0x2000, 0])
        .host(HostFn::ReturnData, &[RESULTS as i64, 8]);
    let b_script = call(Script::new(), A, "probe", &reader.encode(), i64::MAX)
        .host(HostFn::ResultRead, &[0x3000])
        .host(HostFn::ReturnData, &[0x3000, 8]);
    let a_script = call(
        write(Script::new(), b"k", b"four"),
        B,
        "probe",
        &b_script.encode(),
        i64::MAX,
    )
    .host(HostFn::ResultRead, &[0x3000])
    .host(HostFn::ReturnData, &[0x3000, 8]);
    let report = chain.run(&a_script);
    assert_eq!(
        report.outcome.status,
        Status::Success(4i64.to_le_bytes().to_vec())
    );
}

/// The default config with loading code priced at `base` and `per_kib`.
fn config_with_loading(base: u32, per_kib: u32) -> gasket_metering::Config {
    gasket_metering::Config {
        code_loading: gasket_metering::HostCost { base, per_kib },
        ..gasket_metering::Config::default()
    }
}

/// The gas of `script` on A with loading priced at 5,000,000 a contract
/// (and a gas a byte) beyond its gas with loading free: loads × their price.
fn loading_gas_of(script: &Script) -> u64 {
    let priced = Chain::with_config(config_with_loading(5_000_000, 1024)).run(script);
    let free = Chain::with_config(config_with_loading(0, 0)).run(script);
    assert_eq!(priced.outcome.status, free.outcome.status);
    assert!(matches!(priced.outcome.status, Status::Success(_)));
    priced.outcome.gas_used - free.outcome.gas_used
}

#[test]
fn loading_code_is_charged_once_per_contract_and_call_tree() {
    let one_load = 5_000_000 + probe_wasm().len() as u64;
    // A alone: its own load.
    assert_eq!(loading_gas_of(&Script::new()), one_load);
    // A calls B twice: A's load and B's, once.
    let twice = call(
        call(Script::new(), B, "probe", &[], 20_000_000),
        B,
        "probe",
        &[],
        20_000_000,
    );
    assert_eq!(loading_gas_of(&twice), 2 * one_load);
    // A calls B, which calls A back: A is loaded already.
    let back = call(Script::new(), A, "probe", &[], 20_000_000);
    let round_trip = call(Script::new(), B, "probe", &back.encode(), 40_000_000);
    assert_eq!(loading_gas_of(&round_trip), 2 * one_load);
    // Each transaction is a call tree of its own: the same again.
    let mut chain = Chain::with_config(config_with_loading(5_000_000, 1024));
    let first = chain.run(&twice).outcome.gas_used;
    assert_eq!(chain.run(&twice).outcome.gas_used, first);
}

#[test]
fn a_limit_below_the_load_is_out_of_gas_and_uses_everything() {
    let mut chain = Chain::new();
    let load = chain
        .config
        .code_loading
        .call_gas(probe_wasm().len() as u64);
    let script = write(Script::new(), b"k", b"v");
    for limit in [0, 1, load - 1, load] {
        let report = chain.run_gas(&script, limit);
        assert_eq!(
            report.outcome.status,
            Status::Trapped(TrapKind::OutOfGas),
            "limit {limit}"
        );
        assert_eq!(report.outcome.gas_used, limit);
        assert!(chain.storage.entries().next().is_none());
    }
    assert!(matches!(
        chain.run_gas(&script, load + 1_000_000).outcome.status,
        Status::Success(_)
    ));
    // The node was never asked for the code it would not be paid for.
    let (report, lookups) = run_counting(&mut chain, &script, load - 1);
    assert_eq!(report.outcome.status, Status::Trapped(TrapKind::OutOfGas));
    assert_eq!(lookups, 0);
}

#[test]
fn a_callee_that_cannot_pay_for_its_code_fails_and_is_not_loaded() {
    let mut chain = Chain::new();
    let load = chain
        .config
        .code_loading
        .call_gas(probe_wasm().len() as u64) as i64;
    let short = call(Script::new(), B, "probe", &[], load - 1);
    // Failed (2), the caller goes on, and the node never loaded B.
    let (report, lookups) =
        run_counting(&mut chain, &short.clone().host(HostFn::GasLeft, &[]), GAS);
    assert_eq!(success(&report)[0], 2);
    assert_eq!(lookups, 1, "only A was loaded");
    // The next call pays for B's code (B was not loaded) and runs it.
    let then = call(short, B, "probe", &[], load + 1_000_000);
    let (report, lookups) = run_counting(&mut chain, &then, GAS);
    assert_eq!(success(&report), vec![2, 0]);
    assert_eq!(lookups, 2);
    // All of the short call's gas is used.
    let gas_of = |chain: &mut Chain, forwarded: i64| {
        chain
            .run(&call(Script::new(), B, "probe", &[], forwarded))
            .outcome
            .gas_used
    };
    assert_eq!(
        gas_of(&mut chain, load - 1) - gas_of(&mut chain, 0),
        (load - 1) as u64
    );
}

#[test]
fn a_gas_limit_beyond_i64_is_no_panic_and_changes_nothing() {
    let mut chain = Chain::new();
    let reference = chain.run(&Script::new()).outcome;
    for limit in [i64::MAX as u64 + 1, u64::MAX] {
        let report = chain.run_gas(&Script::new(), limit);
        assert_eq!(report.outcome, reference, "limit {limit}");
    }
}

/// Contracts that count the node's lookups.
struct CountingContracts<'a> {
    inner: &'a gasket_host_env::MemoryContracts,
    lookups: std::cell::Cell<u32>,
}

impl gasket_host_env::Contracts for CountingContracts<'_> {
    fn contract(
        &self,
        address: &Address,
    ) -> Result<Option<gasket_host_env::Contract>, gasket_host_env::StorageError> {
        self.lookups.set(self.lookups.get() + 1);
        self.inner.contract(address)
    }

    fn wasm_bytes(&self, address: &Address) -> Result<Option<u64>, gasket_host_env::StorageError> {
        self.inner.wasm_bytes(address)
    }
}

/// `script` on A over contracts that count the node's loads.
fn run_counting(chain: &mut Chain, script: &Script, gas: u64) -> (gasket_host_env::Report, u32) {
    let contracts = CountingContracts {
        inner: &chain.contracts,
        lookups: std::cell::Cell::new(0),
    };
    let call = gasket_host_env::CallContext {
        gas_limit: gas,
        ..chain.probe_call(script)
    };
    let report =
        gasket_host_env::execute(&chain.config, &contracts, &mut chain.storage, &call).unwrap();
    (report, contracts.lookups.get())
}

#[test]
fn a_call_tree_asks_the_node_for_each_contract_once() {
    let mut chain = Chain::new();
    let back = call(Script::new(), A, "probe", &[], 20_000_000);
    let mut script = Script::new();
    for _ in 0..3 {
        script = call(script, B, "probe", &back.encode(), 40_000_000);
    }
    let (report, lookups) = run_counting(&mut chain, &script, GAS);
    assert_eq!(success(&report), vec![0, 0, 0]);
    // A, then B: the five frames after run the code the tree holds.
    assert_eq!(lookups, 2);
}

/// Storage whose reads of one contract's keys fail, as a node's database
/// might.
struct FailsFor(Address, gasket_host_env::MemoryStorage);

impl gasket_host_env::Storage for FailsFor {
    fn get(
        &self,
        contract: &Address,
        key: &[u8],
    ) -> Result<Option<Vec<u8>>, gasket_host_env::StorageError> {
        if *contract == self.0 {
            return Err(gasket_host_env::StorageError("disk read failed".into()));
        }
        self.1.get(contract, key)
    }

    fn set(
        &mut self,
        contract: &Address,
        key: &[u8],
        value: &[u8],
    ) -> Result<(), gasket_host_env::StorageError> {
        self.1.set(contract, key, value)
    }

    fn remove(
        &mut self,
        contract: &Address,
        key: &[u8],
    ) -> Result<(), gasket_host_env::StorageError> {
        self.1.remove(contract, key)
    }
}

#[test]
fn a_node_failure_names_the_frame_it_happened_in() {
    let chain = Chain::new();
    let inner = Script::new().host(HostFn::StorageRead, &[DATA as i64, 1, 0x2000, 0]);
    let outer = call(Script::new(), B, "probe", &inner.encode(), 10_000_000);
    let mut storage = FailsFor(B, gasket_host_env::MemoryStorage::new());
    let err = gasket_host_env::execute(
        &chain.config,
        &chain.contracts,
        &mut storage,
        &chain.probe_call(&outer),
    )
    .unwrap_err();
    // B's frame, not A's, and what failed.
    assert_eq!(
        err.to_string(),
        format!("in contract {B}, method `probe`, call depth 1: storage failure: disk read failed")
    );
    assert_eq!(
        err.innermost(),
        &gasket_host_env::HostError::Storage(gasket_host_env::StorageError(
            "disk read failed".into()
        ))
    );
    assert!(storage.1.entries().next().is_none(), "nothing applied");
}
