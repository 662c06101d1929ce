//! All or nothing: revert, trap and out of gas roll back and still report
//! gas; view calls; init; capabilities; encodings; threads.

mod common;

use common::*;
use gasket_host_env::{
    Address, CallMode, Capabilities, Contract, Outcome, Report, Status, TrapKind, execute,
};
use gasket_metering::HostFn;

fn write(script: Script, key: &[u8], value: &[u8]) -> Script {
    let at = DATA + 0x100 * (script_len(&script) as u32 % 8);
    script.data(at, key).data(at + 0x40, value).host(
        HostFn::StorageWrite,
        &[
            at as i64,
            key.len() as i64,
            at as i64 + 0x40,
            value.len() as i64,
        ],
    )
}

fn script_len(script: &Script) -> usize {
    script.encode().len()
}

fn event(script: Script) -> Script {
    script.host(HostFn::EmitEvent, &[0, 4, 0, 8])
}

#[test]
fn success_applies_writes_and_events() {
    let mut chain = Chain::new();
    let report = chain.run(&event(write(Script::new(), b"k", b"v")));
    assert!(matches!(report.outcome.status, Status::Success(_)));
    assert_eq!(report.writes.len(), 1);
    assert_eq!(report.outcome.events.len(), 1);
    assert_eq!(report.outcome.events[0].contract, A);
    assert_eq!(
        chain.storage.contract_entries(&A),
        vec![(b"k".to_vec(), b"v".to_vec())]
    );
}

fn assert_rolled_back(chain: &Chain, report: &Report, gas_limit: u64) {
    assert!(report.writes.is_empty(), "{report:?}");
    assert!(report.outcome.events.is_empty());
    assert!(chain.storage.entries().next().is_none(), "storage changed");
    assert!(report.outcome.gas_used > 0 && report.outcome.gas_used <= gas_limit);
}

#[test]
fn revert_rolls_back_and_reports_gas() {
    let mut chain = Chain::new();
    let script = event(write(Script::new(), b"k", b"v"))
        .data(0x3000, b"no way")
        .host(HostFn::Revert, &[0x3000, 6]);
    let report = chain.run(&script);
    assert_eq!(report.outcome.status, Status::Reverted(b"no way".to_vec()));
    assert_rolled_back(&chain, &report, GAS);
}

#[test]
fn trap_rolls_back_and_reports_gas() {
    let mut chain = Chain::new();
    let report = chain.run(&event(write(Script::new(), b"k", b"v")).op(OP_UNREACHABLE, &[]));
    assert_eq!(
        report.outcome.status,
        Status::Trapped(TrapKind::Unreachable)
    );
    assert_rolled_back(&chain, &report, GAS);
}

#[test]
fn out_of_gas_uses_the_whole_limit_and_rolls_back() {
    let mut chain = Chain::new();
    let report = chain.run_gas(
        &write(Script::new(), b"k", b"v").op(OP_LOOP, &[]),
        5_000_000,
    );
    assert_eq!(report.outcome.status, Status::Trapped(TrapKind::OutOfGas));
    assert_eq!(report.outcome.gas_used, 5_000_000);
    assert_rolled_back(&chain, &report, 5_000_000);
}

#[test]
fn out_of_gas_inside_a_host_call() {
    // Find the gas a write needs, then give one unit less: the host's
    // charge fails before the write.
    let script = write(Script::new(), b"key", &[7u8; 1000]);
    let mut chain = Chain::new();
    let needed = chain.run(&script).outcome.gas_used;
    let mut chain = Chain::new();
    let report = chain.run_gas(&script, needed - 1);
    assert_eq!(report.outcome.status, Status::Trapped(TrapKind::OutOfGas));
    assert_eq!(report.outcome.gas_used, needed - 1);
    assert!(chain.storage.entries().next().is_none());
}

#[test]
fn a_large_read_without_gas_fails_before_copying() {
    let mut chain = Chain::new();
    let value = vec![9u8; 30_000];
    chain.run(&write(Script::new(), b"big", &value[..]).host(HostFn::ReturnData, &[0, 0]));
    // Enough for the base cost and the key, not for 30,000 value bytes; the
    // destination is out of bounds, so a copy would trap differently.
    let read = |gas| {
        let mut c = Chain::new();
        c.storage = chain.storage.clone();
        c.run_gas(
            &Script::new()
                .data(DATA, b"big")
                .host(HostFn::StorageRead, &[DATA as i64, 3, 0xFFFF_0000, 30_000]),
            gas,
        )
    };
    assert_eq!(
        read(GAS).outcome.status,
        Status::Trapped(TrapKind::MemoryOutOfBounds)
    );
    let needed = read(GAS).outcome.gas_used;
    let cost = gasket_metering::Config::default()
        .host_costs
        .get(HostFn::StorageRead);
    let report = read(needed - 1);
    assert_eq!(report.outcome.status, Status::Trapped(TrapKind::OutOfGas));
    // And with enough for everything but a part of the value's bytes.
    let report = read(needed - cost.bytes_gas(10_000));
    assert_eq!(report.outcome.status, Status::Trapped(TrapKind::OutOfGas));
}

#[test]
fn view_calls_cannot_change_anything() {
    let cases: Vec<Script> = vec![
        write(Script::new(), b"k", b"v"),
        Script::new().host(HostFn::StorageRemove, &[0, 4]),
        event(Script::new()),
        // A call to a method B does not mark as a view.
        Script::new()
            .data(DATA, &B.0)
            .data(DATA + 32, b"probe")
            .host(
                HostFn::Call,
                &[DATA as i64, DATA as i64 + 32, 5, 0, 0, 1_000_000],
            ),
    ];
    for script in cases {
        let mut chain = Chain::new();
        let report = chain.view(&script);
        assert_eq!(
            report.outcome.status,
            Status::Trapped(TrapKind::ProhibitedInView),
            "{script:?}"
        );
        assert!(report.outcome.gas_used > 0);
    }
    // Reads, hashing, logs and calls to views are fine.
    let mut chain = Chain::new();
    chain.run(&write(Script::new(), b"k", b"v"));
    let script = Script::new()
        .data(DATA, b"k")
        .host(HostFn::StorageRead, &[DATA as i64, 1, 0x2000, 8])
        .host(HostFn::Blake3, &[0, 10, 0x2000])
        .host(HostFn::DebugLog, &[0, 1]);
    let report = chain.view(&script);
    assert!(
        matches!(report.outcome.status, Status::Success(_)),
        "{report:?}"
    );
    let nested = Script::new().host(HostFn::BlockHeight, &[]).encode();
    let script = Script::new()
        .data(DATA, &B.0)
        .data(DATA + 32, b"view_probe")
        .data(DATA + 64, &nested)
        .host(
            HostFn::Call,
            &[
                DATA as i64,
                DATA as i64 + 32,
                10,
                DATA as i64 + 64,
                nested.len() as i64,
                1_000_000,
            ],
        );
    let report = chain.view(&script);
    assert_eq!(
        report.outcome.status,
        Status::Success(0i64.to_le_bytes().to_vec())
    );
}

#[test]
fn a_view_is_never_applied_even_when_it_is_a_probe() {
    // `probe` called in view mode: its write traps.
    let mut chain = Chain::new();
    let report = chain.call_mode(
        A,
        "probe",
        write(Script::new(), b"k", b"v").encode(),
        GAS,
        CallMode::View,
    );
    assert_eq!(
        report.outcome.status,
        Status::Trapped(TrapKind::ProhibitedInView)
    );
    assert!(chain.storage.entries().next().is_none());
}

#[test]
fn init_runs_only_at_deploy_and_reserved_names_are_not_methods() {
    let mut chain = Chain::new();
    let report = chain.call_mode(A, "init", vec![], GAS, CallMode::Call);
    assert_eq!(
        report.outcome.status,
        Status::Trapped(TrapKind::MethodNotFound)
    );
    let report = chain.call_mode(A, "init", vec![], GAS, CallMode::Init);
    assert!(
        matches!(report.outcome.status, Status::Success(_)),
        "{report:?}"
    );
    assert_eq!(chain.storage.contract_entries(&A).len(), 1);
    // Finding out costs loading the code, nothing more.
    let load = chain
        .config
        .code_loading
        .call_gas(probe_wasm().len() as u64);
    for method in ["__gasket_start", "memory", "nope", "probe\0"] {
        let report = chain.call_mode(A, method, vec![], GAS, CallMode::Call);
        assert_eq!(
            report.outcome.status,
            Status::Trapped(TrapKind::MethodNotFound),
            "{method}"
        );
        assert_eq!(report.outcome.gas_used, load);
    }
    let report = chain.call_mode(
        gasket_host_env::Address([9; 32]),
        "probe",
        vec![],
        GAS,
        CallMode::Call,
    );
    assert_eq!(
        report.outcome.status,
        Status::Trapped(TrapKind::ContractNotFound)
    );
}

#[test]
fn a_frame_that_cannot_pay_for_its_instance_is_not_instantiated() {
    let mut chain = Chain::new();
    let config = chain.config.clone();
    let pages = 4;
    // `__gasket_start`'s charge: the pages, and the 13 bytes of data.
    let costs = &config.costs;
    let initial = u64::from(pages * costs.memory_grow_per_page)
        + (13 * u64::from(costs.bulk_memory_per_kib)).div_ceil(1024);
    // The second segment ends 4 bytes past the initial memory: the
    // instance fails after copying the first.
    let install = |chain: &mut Chain, address: Address, last_segment_at: u32| {
        let wat = format!(
            r#"(module (memory (export "memory") {pages}) (data (i32.const 0) "first")
               (data (i32.const {last_segment_at}) "12345678")
               (func (export "run")))"#
        );
        let wasm = wat::parse_str(wat).unwrap();
        let module = compile(&wasm, &config, &Capabilities::all());
        let wasm_bytes = wasm.len() as u64;
        chain.contracts.insert(
            address,
            Contract {
                module,
                views: None,
                wasm_bytes,
            },
        );
        config.code_loading.call_gas(wasm_bytes)
    };
    let (fits, overflows) = (Address([0xC3; 32]), Address([0xD4; 32]));
    let end = pages * 65_536;
    let load = install(&mut chain, fits, end - 8);
    assert_eq!(install(&mut chain, overflows, end - 4), load);

    // One unit short of the pages: out of gas, as `__gasket_start` would
    // end, whether the segments fit or not (they are never copied).
    for address in [fits, overflows] {
        let gas = load + initial - 1;
        let report = chain.call_mode(address, "run", vec![], gas, CallMode::Call);
        assert_eq!(report.outcome.status, Status::Trapped(TrapKind::OutOfGas));
        assert_eq!(report.outcome.gas_used, gas);
    }
    // With the pages paid, the segment that does not fit fails the frame,
    // which pays the code and the pages it was given ...
    let report = chain.call_mode(overflows, "run", vec![], GAS, CallMode::Call);
    assert_eq!(
        report.outcome.status,
        Status::Trapped(TrapKind::MemoryOutOfBounds)
    );
    assert_eq!(report.outcome.gas_used, load + initial);
    // ... and the one that fits runs.
    let report = chain.call_mode(fits, "run", vec![], GAS, CallMode::Call);
    assert!(
        matches!(report.outcome.status, Status::Success(_)),
        "{report:?}"
    );
    assert!(report.outcome.gas_used >= load + initial);
}

#[test]
fn capabilities_reject_imports_by_name_at_deploy() {
    let config = gasket_metering::Config::default();
    let err = Capabilities::without_calls()
        .prepare(&probe_wasm(), &config)
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("env.call") && text.contains("not permitted"),
        "{text}"
    );
    let err = Capabilities::view_only()
        .prepare(&probe_wasm(), &config)
        .unwrap_err();
    assert!(err.to_string().contains("env.storage_write"), "{err}");
    Capabilities::all().prepare(&probe_wasm(), &config).unwrap();
}

#[test]
fn outcomes_encode_in_borsh_and_scale() {
    use parity_scale_codec::{Decode, Encode};
    let mut chain = Chain::new();
    let report = chain.run(&event(write(Script::new(), b"k", b"v")));
    let borsh = borsh::to_vec(&report).unwrap();
    assert_eq!(borsh::from_slice::<Report>(&borsh).unwrap(), report);
    let scale = report.encode();
    assert_eq!(Report::decode(&mut &scale[..]).unwrap(), report);
    let outcome = Outcome {
        status: Status::Trapped(TrapKind::LimitExceeded(gasket_host_env::AbiLimit::KeyBytes)),
        gas_used: 5,
        events: vec![],
    };
    assert_eq!(
        Outcome::decode(&mut &outcome.encode()[..]).unwrap(),
        outcome
    );
}

#[test]
fn calls_run_at_once_on_many_threads_over_one_module() {
    let chain = Chain::new();
    let script = event(write(Script::new(), b"k", b"v")).host(HostFn::GasLeft, &[]);
    let reference = {
        let mut storage = chain.storage.clone();
        run_on(&chain, &mut storage, &script)
    };
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| {
                    let mut storage = chain.storage.clone();
                    (0..20)
                        .map(|_| run_on(&chain, &mut storage, &script))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for handle in handles {
            for report in handle.join().unwrap() {
                assert_eq!(report.outcome, reference.outcome);
            }
        }
    });
}

fn run_on(chain: &Chain, storage: &mut gasket_host_env::MemoryStorage, script: &Script) -> Report {
    execute(
        &chain.config,
        &chain.contracts,
        storage,
        &chain.probe_call(script),
    )
    .unwrap()
}
