//! Each host function: results, gas, and every pointer and length boundary
//! (inside, at the end, one past, wrapping past 2^32), and every ABI limit.

mod common;

use common::*;
use gasket_host_env::{AbiLimit, Status, TrapKind};
use gasket_metering::HostFn;

const PAGE: i64 = 65536;

fn success(report: &gasket_host_env::Report) -> Vec<i64> {
    match &report.outcome.status {
        Status::Success(data) => results(data),
        other => panic!("expected success, got {other:?} (logs {:?})", report.logs),
    }
}

fn trapped(report: &gasket_host_env::Report) -> TrapKind {
    match &report.outcome.status {
        Status::Trapped(kind) => *kind,
        other => panic!("expected a trap, got {other:?}"),
    }
}

#[test]
fn storage_round_trip() {
    let mut chain = Chain::new();
    let key = DATA as i64;
    let value = DATA as i64 + 16;
    let script = Script::new()
        .data(DATA, b"key1")
        .data(DATA + 16, b"hello world")
        .host(HostFn::StorageRead, &[key, 4, 0x2000, 100])
        .host(HostFn::StorageWrite, &[key, 4, value, 11])
        .host(HostFn::StorageRead, &[key, 4, 0x2000, 5])
        .host(HostFn::StorageRemove, &[key, 4])
        .host(HostFn::StorageRemove, &[key, 4])
        .host(HostFn::StorageWrite, &[key, 4, value, 5]);
    let report = chain.run(&script);
    assert_eq!(success(&report), vec![-1, 0, 11, 1, 0, 0]);
    assert_eq!(
        chain.storage.contract_entries(&A),
        vec![(b"key1".to_vec(), b"hello".to_vec())]
    );
    // Namespaced: B does not see A's key.
    assert!(chain.storage.contract_entries(&B).is_empty());
    let report = chain.run(
        &Script::new()
            .data(DATA, b"key1")
            .host(HostFn::StorageRead, &[key, 4, 0x2000, 0]),
    );
    assert_eq!(success(&report), vec![5]);
}

#[test]
fn context_functions() {
    let mut chain = Chain::new();
    let script = Script::new()
        .host(HostFn::BlockHeight, &[])
        .host(HostFn::BlockTimestamp, &[])
        .host(HostFn::InputLen, &[])
        .host(HostFn::GasLeft, &[])
        .host(HostFn::Caller, &[0x2000])
        .host(HostFn::SelfAddress, &[0x2020])
        // Return the two addresses.
        .host(HostFn::ReturnData, &[0x2000, 64]);
    let input_len = script.encode().len() as i64;
    let report = chain.run(&script);
    let Status::Success(data) = &report.outcome.status else {
        panic!("{report:?}");
    };
    assert_eq!(&data[..32], &ALICE.0);
    assert_eq!(&data[32..], &A.0);
    // block values and input_len are in the probe's results area, which
    // return_data replaced: check them with a second run.
    let script = Script::new()
        .host(HostFn::BlockHeight, &[])
        .host(HostFn::BlockTimestamp, &[])
        .host(HostFn::InputLen, &[]);
    let expected_len = script.encode().len() as i64;
    let values = success(&chain.run(&script));
    assert_eq!(values, vec![7, 1_700_000_000_000, expected_len]);
    assert!(input_len > 0);
}

#[test]
fn gas_left_is_after_its_own_cost_and_decreases() {
    let mut chain = Chain::new();
    let values = success(
        &chain.run(
            &Script::new()
                .host(HostFn::GasLeft, &[])
                .host(HostFn::GasLeft, &[]),
        ),
    );
    assert!(
        values[0] < GAS as i64 && values[1] < values[0],
        "{values:?}"
    );
}

#[test]
fn blake3_and_debug_log() {
    let mut chain = Chain::new();
    let report = chain.run(
        &Script::new()
            .data(DATA, b"abc")
            .host(HostFn::Blake3, &[DATA as i64, 3, 0x2000])
            .host(HostFn::DebugLog, &[DATA as i64, 3])
            .host(HostFn::ReturnData, &[0x2000, 32]),
    );
    assert_eq!(
        report.outcome.status,
        Status::Success(blake3::hash(b"abc").as_bytes().to_vec())
    );
    assert_eq!(report.logs, vec!["abc".to_string()]);
}

/// `(ptr, len)` at each boundary of one page of memory, and whether the
/// range is inside.
fn boundaries(len: i64) -> Vec<(i64, i64, bool)> {
    vec![
        (0, len, true),
        (PAGE - len, len, true),
        (PAGE - len + 1, len, false),
        (PAGE, 0, true),
        (PAGE + 1, 0, false),
        // ptr + len wraps past 2^32 when added in 32 bits.
        (0xFFFF_FFF0, 0x20, false),
        (-1, 1, false),
    ]
}

/// Runs `host` with its range argument at each boundary.
fn check_ranges(f: HostFn, len: i64, args: impl Fn(i64, i64) -> Vec<i64>) {
    check(f, boundaries(len), args)
}

/// The same for a range whose length the function fixes (an address, a
/// digest): only the pointer moves.
fn check_fixed(f: HostFn, len: i64, args: impl Fn(i64, i64) -> Vec<i64>) {
    let cases = boundaries(len)
        .into_iter()
        .filter(|&(ptr, l, _)| l == len || ptr == -1);
    check(
        f,
        cases.map(|(p, _, inside)| (p, len, inside)).collect(),
        args,
    )
}

fn check(f: HostFn, cases: Vec<(i64, i64, bool)>, args: impl Fn(i64, i64) -> Vec<i64>) {
    for (ptr, len, inside) in cases {
        let mut chain = Chain::new();
        let report = chain.run(&Script::new().host(f, &args(ptr, len)));
        match (&report.outcome.status, inside) {
            (Status::Success(_), true) | (Status::Reverted(_), true) => {}
            (Status::Trapped(TrapKind::MemoryOutOfBounds), false) => {}
            (status, _) => panic!("{f:?} at ptr {ptr:#x} len {len}: {status:?}, inside {inside}"),
        }
        if !inside {
            assert!(chain.storage.entries().next().is_none());
            assert!(report.outcome.events.is_empty());
        }
    }
}

#[test]
fn every_pointer_and_length_is_bounds_checked() {
    let d = DATA as i64;
    check_ranges(HostFn::ReturnData, 16, |p, l| vec![p, l]);
    check_ranges(HostFn::Revert, 16, |p, l| vec![p, l]);
    check_ranges(HostFn::DebugLog, 16, |p, l| vec![p, l]);
    check_ranges(HostFn::Blake3, 16, |p, l| vec![p, l, 0x2000]);
    check_fixed(HostFn::Blake3, 32, |p, _| vec![0, 0, p]);
    check_fixed(HostFn::Caller, 32, |p, _| vec![p]);
    check_fixed(HostFn::SelfAddress, 32, |p, _| vec![p]);
    check_ranges(HostFn::StorageWrite, 16, |p, l| vec![p, l, 0, 4]);
    check_ranges(HostFn::StorageWrite, 16, |p, l| vec![d, 4, p, l]);
    check_ranges(HostFn::StorageRead, 16, |p, l| vec![p, l, 0x2000, 0]);
    check_ranges(HostFn::StorageRemove, 16, |p, l| vec![p, l]);
    check_ranges(HostFn::EmitEvent, 16, |p, l| vec![p, l, 0, 4]);
    check_ranges(HostFn::EmitEvent, 16, |p, l| vec![0, 4, p, l]);
    check_fixed(HostFn::Call, 32, |p, _| vec![p, 0, 0, 0, 0, 1000]);
    check_ranges(HostFn::Call, 16, |p, l| vec![d, p, l, 0, 0, 1000]);
    check_ranges(HostFn::Call, 16, |p, l| vec![d, 0, 0, p, l, 1000]);
    check_ranges(HostFn::ResultRead, 0, |p, _| vec![p]);
}

#[test]
fn input_read_and_storage_read_destinations() {
    // The input is copied whole: it fits only where the whole input fits.
    let script = Script::new().host(HostFn::InputRead, &[0]);
    let len = script.encode().len() as i64;
    for (dst, inside) in [
        (PAGE - len, true),
        (PAGE - len + 1, false),
        (0xFFFF_FFFF, false),
    ] {
        let mut chain = Chain::new();
        let report = chain.run(&Script::new().host(HostFn::InputRead, &[dst]));
        assert_eq!(
            matches!(report.outcome.status, Status::Success(_)),
            inside,
            "input_read to {dst:#x}: {:?}",
            report.outcome.status
        );
    }
    // storage_read copies min(len, cap) bytes.
    for (dst, cap, inside) in [
        (PAGE - 8, 8, true),
        (PAGE - 8, 100, true), // only 8 bytes exist
        (PAGE - 7, 8, false),
        (PAGE - 7, 7, true),
        (0xFFFF_FFFC, 8, false),
    ] {
        let mut chain = Chain::new();
        let report = chain.run(
            &Script::new()
                .data(DATA, b"k\0\0\0valueval")
                .host(HostFn::StorageWrite, &[DATA as i64, 1, DATA as i64 + 4, 8])
                .host(HostFn::StorageRead, &[DATA as i64, 1, dst, cap]),
        );
        match (&report.outcome.status, inside) {
            (Status::Success(data), true) => assert_eq!(results(data)[1], 8),
            (Status::Trapped(TrapKind::MemoryOutOfBounds), false) => {}
            (other, _) => panic!("read to {dst:#x} cap {cap}: {other:?}"),
        }
    }
}

#[test]
fn every_abi_limit_traps_with_its_name() {
    let limits = gasket_metering::AbiLimits::default();
    let d = DATA as i64;
    let cases: Vec<(Script, AbiLimit)> = vec![
        (
            Script::new().host(
                HostFn::StorageWrite,
                &[0, i64::from(limits.key_bytes) + 1, 0, 1],
            ),
            AbiLimit::KeyBytes,
        ),
        (
            Script::new().host(
                HostFn::StorageRead,
                &[0, i64::from(limits.key_bytes) + 1, 0, 0],
            ),
            AbiLimit::KeyBytes,
        ),
        (
            Script::new().host(HostFn::StorageRemove, &[0, i64::from(limits.key_bytes) + 1]),
            AbiLimit::KeyBytes,
        ),
        (
            Script::new().host(
                HostFn::StorageWrite,
                &[0, 1, 0, i64::from(limits.value_bytes) + 1],
            ),
            AbiLimit::ValueBytes,
        ),
        (
            Script::new().host(
                HostFn::ReturnData,
                &[0, i64::from(limits.return_data_bytes) + 1],
            ),
            AbiLimit::ReturnDataBytes,
        ),
        (
            Script::new().host(
                HostFn::Revert,
                &[0, i64::from(limits.return_data_bytes) + 1],
            ),
            AbiLimit::ReturnDataBytes,
        ),
        (
            Script::new().host(
                HostFn::EmitEvent,
                &[0, i64::from(limits.topic_bytes) + 1, 0, 0],
            ),
            AbiLimit::TopicBytes,
        ),
        (
            Script::new().host(
                HostFn::EmitEvent,
                &[0, 1, 0, i64::from(limits.event_data_bytes) + 1],
            ),
            AbiLimit::EventDataBytes,
        ),
        (
            Script::new().host(
                HostFn::Call,
                &[d, 0, 0, 0, i64::from(limits.input_bytes) + 1, 1000],
            ),
            AbiLimit::InputBytes,
        ),
    ];
    for (script, limit) in cases {
        let mut chain = Chain::new();
        let report = chain.run(&script);
        assert_eq!(
            trapped(&report),
            TrapKind::LimitExceeded(limit),
            "{script:?}"
        );
        assert!(report.outcome.gas_used > 0);
    }
    // At the limit itself: fine.
    let mut chain = Chain::new();
    let report = chain.run(&Script::new().host(
        HostFn::StorageWrite,
        &[0, i64::from(limits.key_bytes), 0, 1],
    ));
    assert!(matches!(report.outcome.status, Status::Success(_)));

    // Events per call: the (limit + 1)-th emit traps. The probe runs at
    // most 16 records, so lower the limit.
    let mut config = gasket_metering::Config::default();
    config.abi_limits.events_per_call = 3;
    let mut chain = Chain::with_config(config);
    let emit = |s: Script| s.host(HostFn::EmitEvent, &[0, 1, 0, 1]);
    let three = emit(emit(emit(Script::new())));
    let report = chain.run(&three);
    assert_eq!(report.outcome.events.len(), 3);
    let report = chain.run(&emit(three));
    assert_eq!(
        trapped(&report),
        TrapKind::LimitExceeded(AbiLimit::EventsPerCall)
    );
    assert!(report.outcome.events.is_empty());

    // The call's own input.
    let mut chain = Chain::new();
    let big = vec![0u8; limits.input_bytes as usize + 1];
    let report = chain.call_mode(A, "probe", big, GAS, gasket_host_env::CallMode::Call);
    assert_eq!(
        trapped(&report),
        TrapKind::LimitExceeded(AbiLimit::InputBytes)
    );
}

#[test]
fn host_gas_is_the_tables_base_plus_bytes() {
    // Two runs that differ only in the bytes one host function touches
    // differ by exactly the per-KiB part of each, rounded up on its own:
    // ceil(len × per_kib / 1024).
    let cost = gasket_metering::Config::default()
        .host_costs
        .get(HostFn::DebugLog);
    let run = |len: i64| {
        let mut chain = Chain::new();
        chain
            .run(&Script::new().host(HostFn::DebugLog, &[0, len]))
            .outcome
            .gas_used
    };
    let kib = |len: u64, per_kib: u32| (len * u64::from(per_kib)).div_ceil(1024);
    assert_eq!(
        run(1000) - run(10),
        kib(1000, cost.per_kib) - kib(10, cost.per_kib)
    );
    // Literal values under the default 8,192 per KiB (8 a byte, exact).
    assert_eq!(cost.per_kib, 8_192);
    assert_eq!(run(1000) - run(10), 8_000 - 80);
    let blake = gasket_metering::Config::default()
        .host_costs
        .get(HostFn::Blake3);
    let run = |len: i64| {
        let mut chain = Chain::new();
        chain
            .run(&Script::new().host(HostFn::Blake3, &[0, len, 0x2000]))
            .outcome
            .gas_used
    };
    assert_eq!(run(4000) - run(0), kib(4000, blake.per_kib));
    // Rounded up: 1000 bytes at 2,400 per KiB are 2,343.75 -> 2,344 gas.
    assert_eq!(blake.per_kib, 2_400);
    assert_eq!(run(1000) - run(0), 2_344);
}
