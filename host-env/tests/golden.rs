//! Golden outcomes: a fixed sequence of calls on one chain, each recorded
//! as status, gas used, events and a digest of storage. The same file is
//! checked natively and under aarch64 emulation, so both architectures
//! give identical outcomes and gas (`GASKET_BLESS=1` rewrites it).

mod common;

use std::fmt::Write as _;
use std::path::Path;

use common::*;
use gasket_host_env::{CallMode, Status};
use gasket_metering::{Config, HostFn};

fn scenarios() -> Vec<(&'static str, Script, CallMode, u64)> {
    let d = DATA as i64;
    let write = |key: &[u8], value: &[u8]| {
        Script::new().data(DATA, key).data(DATA + 0x40, value).host(
            HostFn::StorageWrite,
            &[d, key.len() as i64, d + 0x40, value.len() as i64],
        )
    };
    let looping = Script::new().op(OP_LOOP, &[]).encode();
    let nested = write(b"nested", b"yes")
        .host(HostFn::EmitEvent, &[0, 3, 0, 5])
        .encode();
    let call_b = |input: &[u8], gas: i64| {
        Script::new()
            .data(0x800, &B.0)
            .data(0x820, b"probe")
            .data(0x840, input)
            .host(
                HostFn::Call,
                &[0x800, 0x820, 5, 0x840, input.len() as i64, gas],
            )
            .host(HostFn::ResultLen, &[])
    };
    vec![
        ("write", write(b"a", b"1"), CallMode::Call, GAS),
        (
            "read",
            Script::new()
                .data(DATA, b"a")
                .host(HostFn::StorageRead, &[d, 1, 0x2000, 8]),
            CallMode::Call,
            GAS,
        ),
        (
            "overwrite-and-remove",
            write(b"b", &[7; 300]).host(HostFn::StorageRemove, &[d, 1]),
            CallMode::Call,
            GAS,
        ),
        (
            "event",
            Script::new().host(HostFn::EmitEvent, &[0, 4, 8, 16]),
            CallMode::Call,
            GAS,
        ),
        (
            "hash-and-log",
            Script::new()
                .host(HostFn::Blake3, &[0, 1000, 0x2000])
                .host(HostFn::DebugLog, &[0, 20]),
            CallMode::Call,
            GAS,
        ),
        (
            "context",
            Script::new()
                .host(HostFn::Caller, &[0x2000])
                .host(HostFn::GasLeft, &[])
                .host(HostFn::BlockHeight, &[]),
            CallMode::Call,
            GAS,
        ),
        (
            "revert",
            write(b"c", b"x")
                .data(0x3000, b"why")
                .host(HostFn::Revert, &[0x3000, 3]),
            CallMode::Call,
            GAS,
        ),
        (
            "trap",
            write(b"c", b"x").op(OP_UNREACHABLE, &[]),
            CallMode::Call,
            GAS,
        ),
        (
            "out-of-bounds",
            Script::new().host(HostFn::DebugLog, &[65530, 7]),
            CallMode::Call,
            GAS,
        ),
        (
            "out-of-gas",
            write(b"c", b"x").op(OP_LOOP, &[]),
            CallMode::Call,
            2_000_000,
        ),
        (
            "out-of-gas-in-host",
            write(b"c", &[1; 2000]),
            CallMode::Call,
            // Past loading the code, too little for the write.
            Config::default()
                .code_loading
                .call_gas(probe_wasm().len() as u64)
                + 10_000,
        ),
        (
            "limit",
            Script::new().host(HostFn::StorageWrite, &[0, 257, 0, 1]),
            CallMode::Call,
            GAS,
        ),
        ("view-write", write(b"c", b"x"), CallMode::View, GAS),
        (
            "stack-overflow",
            Script::new()
                .op(OP_RECURSE, &[100_000, 1])
                .host(HostFn::BlockHeight, &[])
                .run_only(1),
            CallMode::Call,
            GAS,
        ),
        (
            "call-success",
            call_b(&nested, 5_000_000),
            CallMode::Call,
            GAS,
        ),
        (
            "call-starving",
            call_b(&looping, 1_000_000),
            CallMode::Call,
            GAS,
        ),
        (
            "call-revert",
            call_b(
                &Script::new().host(HostFn::Revert, &[0, 9]).encode(),
                1_000_000,
            ),
            CallMode::Call,
            GAS,
        ),
        (
            // A view calls B's non-view `probe`: B's code is loaded (and
            // paid for) to learn that, then the view traps.
            "view-calls-non-view",
            call_b(&Script::new().encode(), 1_000_000),
            CallMode::View,
            GAS,
        ),
        (
            // B's frame cannot pay for loading its code (132,251).
            "call-unpaid-load",
            call_b(&Script::new().encode(), 50_000),
            CallMode::Call,
            GAS,
        ),
    ]
}

#[test]
fn outcomes_match_the_golden_file() {
    let mut chain = Chain::new();
    let mut text = String::from("# scenario status gas_used events storage_blake3\n");
    for (name, script, mode, gas) in scenarios() {
        let method = if mode == CallMode::View {
            "view_probe"
        } else {
            "probe"
        };
        let report = chain.call_mode(A, method, script.encode(), gas, mode);
        let status = match &report.outcome.status {
            Status::Success(data) => format!("success:{}", blake3::hash(data).to_hex()),
            Status::Reverted(reason) => format!("reverted:{}", String::from_utf8_lossy(reason)),
            Status::Trapped(kind) => format!("trapped:{kind}"),
        };
        let mut storage = blake3::Hasher::new();
        for (address, key, value) in chain.storage.entries() {
            storage.update(&address.0);
            storage.update(&(key.len() as u64).to_le_bytes());
            storage.update(key);
            storage.update(&(value.len() as u64).to_le_bytes());
            storage.update(value);
        }
        let events = blake3::hash(&borsh::to_vec(&report.outcome.events).unwrap());
        writeln!(
            text,
            "{name} {status} {} {}:{} {}",
            report.outcome.gas_used,
            report.outcome.events.len(),
            &events.to_hex()[..16],
            &storage.finalize().to_hex()[..16]
        )
        .unwrap();
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/outcomes.txt");
    if std::env::var_os("GASKET_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &text).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    for (live, golden) in text.lines().zip(expected.lines()) {
        assert_eq!(
            live, golden,
            "first differing outcome (GASKET_BLESS=1 to rewrite)"
        );
    }
    assert_eq!(
        text.lines().count(),
        expected.lines().count(),
        "scenario count"
    );
}
