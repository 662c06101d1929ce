//! Gas and stack-height semantics of instrumented modules, run in wasmi.
//!
//! Expected gas is computed by hand from `CostSchedule::default()` following
//! the rules of `analysis::gas`: a segment starts at function entry, inside a
//! `loop`, at each `if`/`else` arm, after an `end` and after a `br_if`; code
//! after `br`/`br_table`/`return`/`unreachable` up to the next `end`/`else`
//! is dead and free. The comments name each segment (A, B, ...) and the
//! operators it is made of.
#![allow(missing_docs)]

use gasket_harness::wasmi_oracle as common;

use common::{Outcome, TrapKind, frame_cost, run, run_original};
use gasket_metering::{
    Config, CostSchedule, Permissive, Prepared, StackLimits, prepare_with_policy,
};

/// Far more gas than any test needs.
const AMPLE: u64 = 1 << 40;

fn prepare_wat_with(wat: &str, config: &Config) -> (Vec<u8>, Prepared) {
    let wasm = wat::parse_str(wat).expect("invalid wat");
    let prepared = prepare_with_policy(&wasm, config, &Permissive).expect("prepare failed");
    (wasm, prepared)
}

fn prepare_wat(wat: &str) -> (Vec<u8>, Prepared) {
    prepare_wat_with(wat, &Config::default())
}

/// The default schedule, which is the one of `Config::default()`.
fn costs() -> CostSchedule {
    let c = CostSchedule::default();
    assert_eq!(c, Config::default().costs);
    c
}

fn u(cost: u32) -> u64 {
    u64::from(cost)
}

fn returned(values: &[i64]) -> Outcome {
    Outcome::Returned(values.to_vec())
}

fn trap(kind: TrapKind) -> Outcome {
    Outcome::Trap(kind)
}

fn other(code: &str) -> Outcome {
    Outcome::Trap(TrapKind::Other(code.into()))
}

/// What `__gasket_start` charges for the instance: the initial memory,
/// and the active data and element items it writes (the oracle runs it
/// before every call).
fn initial_memory_gas(prepared: &Prepared) -> u64 {
    let pages = prepared.info.memory.map_or(0, |m| {
        u64::from(m.initial) * u(costs().memory_grow_per_page)
    });
    let (data, elements) = active_segments(&prepared.wasm);
    let bytes = data + elements * u64::from(gasket_metering::TABLE_ELEMENT_BYTES);
    pages + (bytes * u(costs().bulk_memory_per_kib)).div_ceil(1024)
}

/// Bytes of `wasm`'s active data segments and items of its active element
/// segments, read with wasmparser.
fn active_segments(wasm: &[u8]) -> (u64, u64) {
    let (mut bytes, mut items) = (0, 0);
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        match payload {
            Ok(wasmparser::Payload::DataSection(section)) => {
                for data in section.into_iter().flatten() {
                    if matches!(data.kind, wasmparser::DataKind::Active { .. }) {
                        bytes += data.data.len() as u64;
                    }
                }
            }
            Ok(wasmparser::Payload::ElementSection(section)) => {
                for element in section.into_iter().flatten() {
                    if let (
                        wasmparser::ElementKind::Active { .. },
                        wasmparser::ElementItems::Functions(functions),
                    ) = (&element.kind, &element.items)
                    {
                        items += u64::from(functions.count());
                    }
                }
            }
            _ => {}
        }
    }
    (bytes, items)
}

/// Runs with ample gas and checks the outcome and the gas used, beyond
/// the initial memory's charge.
#[track_caller]
fn assert_run(prepared: &Prepared, export: &str, args: &[i64], outcome: Outcome, gas: u64) {
    let r = run(prepared, export, args, AMPLE);
    assert_eq!(r.outcome, outcome, "{export}{args:?}");
    assert_eq!(
        r.gas_used,
        initial_memory_gas(prepared) + gas,
        "gas used by {export}{args:?}"
    );
}

// ---------------------------------------------------------------------------
// 1. Instrumented and original modules compute the same results.
// ---------------------------------------------------------------------------

#[track_caller]
fn assert_same_results(wat: &str, export: &str, arg_sets: &[&[i64]]) {
    let (wasm, prepared) = prepare_wat(wat);
    for args in arg_sets {
        let original = run_original(&wasm, export, args);
        let instrumented = run(&prepared, export, args, AMPLE).outcome;
        assert_eq!(instrumented, original, "{export}{args:?}");
    }
}

const FIB: &str = r#"(module
  (func $fib (export "fib") (param $n i64) (result i64)
    local.get $n
    i64.const 2
    i64.lt_u
    if (result i64)
      local.get $n
    else
      local.get $n
      i64.const 1
      i64.sub
      call $fib
      local.get $n
      i64.const 2
      i64.sub
      call $fib
      i64.add
    end))"#;

const LOOP_SUM: &str = r#"(module
  (func (export "sum") (param $n i32) (result i32) (local $acc i32)
    loop $l
      local.get $acc
      local.get $n
      i32.add
      local.set $acc
      local.get $n
      i32.const 1
      i32.sub
      local.tee $n
      br_if $l
    end
    local.get $acc))"#;

const BR_TABLE: &str = r#"(module
  (func (export "bt") (param i32) (result i32)
    block $b2
      block $b1
        block $b0
          local.get 0
          br_table $b0 $b1 $b2
        end
        i32.const 10
        return
      end
      i32.const 20
      i32.const 1
      i32.add
      return
    end
    i32.const 30
    local.get 0
    drop))"#;

#[test]
fn same_results_fib() {
    let args: Vec<[i64; 1]> = (0..=20).map(|n| [n]).collect();
    let arg_sets: Vec<&[i64]> = args.iter().map(|a| a.as_slice()).collect();
    assert_same_results(FIB, "fib", &arg_sets);
    let (_, prepared) = prepare_wat(FIB);
    assert_eq!(
        run(&prepared, "fib", &[20], AMPLE).outcome,
        returned(&[6765])
    );
}

#[test]
fn same_results_loop() {
    assert_same_results(LOOP_SUM, "sum", &[&[1], &[5], &[1000]]);
    let (_, prepared) = prepare_wat(LOOP_SUM);
    assert_eq!(
        run(&prepared, "sum", &[1000], AMPLE).outcome,
        returned(&[500_500])
    );
}

#[test]
fn same_results_br_table() {
    assert_same_results(BR_TABLE, "bt", &[&[0], &[1], &[2], &[3], &[-1]]);
}

#[test]
fn same_results_multi_value() {
    let wat = r#"(module
      (func $swap (param i32 i64) (result i64 i32)
        local.get 1
        local.get 0)
      (func (export "mv") (param i32 i64) (result i64 i32 i32)
        local.get 0
        local.get 1
        call $swap
        block (param i64 i32) (result i64 i32 i32)
          i32.const 7
          local.get 0
          i32.eqz
          br_if 1
          drop
          i32.const 9
        end)
      (func (export "mv_return") (param i64) (result i64 i64)
        local.get 0
        local.get 0
        i64.const 1
        i64.add
        return))"#;
    assert_same_results(wat, "mv", &[&[0, -5], &[3, 1 << 40]]);
    assert_same_results(wat, "mv_return", &[&[41]]);
    let (_, prepared) = prepare_wat(wat);
    assert_eq!(
        run(&prepared, "mv", &[0, -5], AMPLE).outcome,
        returned(&[-5, 0, 7])
    );
    assert_eq!(
        run(&prepared, "mv", &[3, 8], AMPLE).outcome,
        returned(&[8, 3, 9])
    );
    assert_eq!(
        run(&prepared, "mv_return", &[41], AMPLE).outcome,
        returned(&[41, 42])
    );
}

#[test]
fn same_results_memory_ops() {
    let wat = r#"(module
      (memory 1 3)
      (data (i32.const 16) "\01\02\03\04")
      (func (export "mem") (param $n i32) (result i32 i32 i64)
        i32.const 32
        i32.const 0x5a
        local.get $n
        memory.fill
        i32.const 30
        i32.const 16
        i32.const 4
        memory.copy
        i32.const 40
        i32.const 0x1234
        i32.store16
        i32.const 1
        memory.grow
        memory.size
        i32.const 30
        i64.load))"#;
    assert_same_results(
        wat,
        "mem",
        &[&[0], &[4], &[100], &[65_536 - 32], &[65_536 - 31]],
    );
    let (_, prepared) = prepare_wat(wat);
    assert_eq!(
        run(&prepared, "mem", &[65_536 - 31], AMPLE).outcome,
        other("MemoryOutOfBounds")
    );
}

// ---------------------------------------------------------------------------
// 2. Gas used equals the hand-computed value.
// ---------------------------------------------------------------------------

#[test]
fn gas_straight_line() {
    let c = costs();
    let (_, prepared) = prepare_wat(
        r#"(module
          (func (export "f") (param i32 i32) (result i32)
            local.get 0
            local.get 1
            i32.add
            i32.const 3
            i32.mul))"#,
    );
    // One segment: 2 local.get, i32.add, i32.const, i32.mul, end.
    let gas = 2 * u(c.local) + u(c.alu) + u(c.constant) + u(c.mul) + u(c.control);
    assert_run(&prepared, "f", &[4, 5], returned(&[27]), gas);
}

/// Gas of `sum(n)` of [`LOOP_SUM`], `n >= 1`.
fn loop_sum_gas(n: u64) -> u64 {
    let c = costs();
    // A: `loop` (ends the entry segment).
    let a = u(c.control);
    // B, each iteration: 5 local (get acc, get n, set acc, get n, tee n),
    // i32.add, i32.const, i32.sub, br_if.
    let b = 5 * u(c.local) + 2 * u(c.alu) + u(c.constant) + u(c.branch);
    // C, after the br_if: the loop's `end`.
    let c_seg = u(c.control);
    // D, after that `end`: local.get acc, the function's `end`.
    let d = u(c.local) + u(c.control);
    a + n * b + c_seg + d
}

#[test]
fn gas_loop_with_known_trip_count() {
    let (_, prepared) = prepare_wat(LOOP_SUM);
    for n in [1, 2, 10, 1000] {
        assert_run(
            &prepared,
            "sum",
            &[n],
            returned(&[n * (n + 1) / 2]),
            loop_sum_gas(n as u64),
        );
    }
}

#[test]
fn gas_br_table_each_target() {
    let c = costs();
    let (_, prepared) = prepare_wat(BR_TABLE);
    // A: block, block, block, local.get, br_table. The `end` after it is dead.
    let a = 3 * u(c.control) + u(c.local) + u(c.br_table);
    // T0, after the `end` of $b0: i32.const, return. Then dead to `end`.
    let t0 = u(c.constant) + u(c.branch);
    // T1, after the `end` of $b1: 2 i32.const, i32.add, return.
    let t1 = 2 * u(c.constant) + u(c.alu) + u(c.branch);
    // T2, after the `end` of $b2: i32.const, local.get, drop, end.
    let t2 = u(c.constant) + 2 * u(c.local) + u(c.control);
    assert_run(&prepared, "bt", &[0], returned(&[10]), a + t0);
    assert_run(&prepared, "bt", &[1], returned(&[21]), a + t1);
    assert_run(&prepared, "bt", &[2], returned(&[30]), a + t2);
    // Out of range: the default target, $b2.
    assert_run(&prepared, "bt", &[7], returned(&[30]), a + t2);
    assert_run(&prepared, "bt", &[-1], returned(&[30]), a + t2);
}

#[test]
fn gas_if_else_both_arms() {
    let c = costs();
    let (_, prepared) = prepare_wat(
        r#"(module
          (func (export "f") (param i32) (result i32)
            local.get 0
            if (result i32)
              i32.const 1
              i32.const 2
              i32.add
            else
              i32.const 5
            end
            i32.const 100
            i32.mul))"#,
    );
    // A: local.get, if.
    let a = u(c.local) + u(c.branch);
    // T, then arm: 2 i32.const, i32.add, else.
    let t = 2 * u(c.constant) + u(c.alu) + u(c.control);
    // E, else arm: i32.const, end.
    let e = u(c.constant) + u(c.control);
    // C, after the `end`: i32.const, i32.mul, end.
    let after = u(c.constant) + u(c.mul) + u(c.control);
    assert_run(&prepared, "f", &[1], returned(&[300]), a + t + after);
    assert_run(&prepared, "f", &[0], returned(&[500]), a + e + after);
}

#[test]
fn gas_if_without_else_both_outcomes() {
    let c = costs();
    let (_, prepared) = prepare_wat(
        r#"(module
          (func (export "f") (param i32) (result i32) (local i32)
            local.get 0
            if
              i32.const 7
              local.set 1
            end
            local.get 1))"#,
    );
    // A: local.get, if.
    let a = u(c.local) + u(c.branch);
    // T, then arm: i32.const, local.set, end.
    let t = u(c.constant) + u(c.local) + u(c.control);
    // C, after the `end`: local.get, end.
    let after = u(c.local) + u(c.control);
    assert_run(&prepared, "f", &[1], returned(&[7]), a + t + after);
    assert_run(&prepared, "f", &[0], returned(&[0]), a + after);
}

#[test]
fn gas_direct_calls() {
    let c = costs();
    let (_, prepared) = prepare_wat(
        r#"(module
          (func $sq (param i32) (result i32)
            local.get 0
            local.get 0
            i32.mul)
          (func (export "f") (param i32) (result i32)
            local.get 0
            call $sq
            call $sq
            i32.const 1
            i32.add))"#,
    );
    // S, $sq: 2 local.get, i32.mul, end.
    let s = 2 * u(c.local) + u(c.mul) + u(c.control);
    // F, one segment (calls do not end segments): local.get, 2 call,
    // i32.const, i32.add, end.
    let f = u(c.local) + 2 * u(c.call) + u(c.constant) + u(c.alu) + u(c.control);
    assert_run(&prepared, "f", &[3], returned(&[82]), f + 2 * s);
}

#[test]
fn gas_start_function_is_charged_through_gasket_start() {
    let c = costs();
    let wat = r#"(module
      (global $g (mut i32) (i32.const 0))
      (func $init
        i32.const 42
        global.set $g)
      (start $init)
      (func (export "get") (result i32)
        global.get $g))"#;
    let (wasm, prepared) = prepare_wat(wat);
    assert_eq!(run_original(&wasm, "get", &[]), returned(&[42]));
    // $init: i32.const, global.set, end. "get": global.get, end.
    let init = u(c.constant) + u(c.global) + u(c.control);
    let get = u(c.global) + u(c.control);
    assert_run(&prepared, "get", &[], returned(&[42]), init + get);
}

const GROW: &str = r#"(module
  (memory 1 4)
  (func (export "grow") (param i32) (result i32)
    local.get 0
    memory.grow))"#;

#[test]
fn gas_memory_grow_static_and_per_page() {
    let c = costs();
    let (_, prepared) = prepare_wat(GROW);
    // One segment: local.get, memory.grow, end; plus pages * per-page rate,
    // charged before the grow.
    let base = u(c.local) + u(c.memory_grow) + u(c.control);
    let per_page = u(c.memory_grow_per_page);
    assert_run(&prepared, "grow", &[0], returned(&[1]), base);
    assert_run(&prepared, "grow", &[2], returned(&[1]), base + 2 * per_page);
    assert_run(&prepared, "grow", &[3], returned(&[1]), base + 3 * per_page);
}

#[test]
fn gas_memory_grow_that_fails_is_charged_per_page() {
    let c = costs();
    let (_, prepared) = prepare_wat(GROW);
    let base = u(c.local) + u(c.memory_grow) + u(c.control);
    let per_page = u(c.memory_grow_per_page);
    // Above the declared maximum of 4 pages: returns -1, still pays.
    assert_run(
        &prepared,
        "grow",
        &[4],
        returned(&[-1]),
        base + 4 * per_page,
    );
    assert_run(
        &prepared,
        "grow",
        &[10],
        returned(&[-1]),
        base + 10 * per_page,
    );
    // -1 is u32::MAX pages: the operand is read unsigned.
    let huge = initial_memory_gas(&prepared) + base + u64::from(u32::MAX) * per_page;
    let r = run(&prepared, "grow", &[-1], huge);
    assert_eq!((r.outcome, r.gas_used), (returned(&[-1]), huge));
    let r = run(&prepared, "grow", &[-1], huge - 1);
    assert_eq!(
        (r.outcome, r.gas_used),
        (trap(TrapKind::OutOfGas), huge - 1)
    );
}

/// Gas of `units` at `per_kib`: `ceil(units × per_kib / 1024)`, computed
/// independently of the injected helper.
fn per_kib(units: i64, per_kib: u64) -> u64 {
    (units as u32 as u64 * per_kib).div_ceil(1024)
}

const BULK: &str = r#"(module
  (memory 1)
  (func (export "copy") (param $len i32)
    i32.const 100
    i32.const 0
    local.get $len
    memory.copy)
  (func (export "fill") (param $len i32)
    i32.const 0
    i32.const 0xab
    local.get $len
    memory.fill))"#;

#[test]
fn gas_memory_copy_per_kib_of_dynamic_length() {
    let c = costs();
    let (_, prepared) = prepare_wat(BULK);
    // One segment: 2 i32.const, local.get, memory.copy, end; plus
    // ceil(len * per-KiB rate / 1024), charged before the copy.
    let base = 2 * u(c.constant) + u(c.local) + u(c.bulk_memory) + u(c.control);
    for len in [0, 1, 1000, 65_536 - 100] {
        assert_run(
            &prepared,
            "copy",
            &[len],
            returned(&[]),
            base + per_kib(len, u(c.bulk_memory_per_kib)),
        );
    }
    // Out of bounds: charged in full before it traps.
    let len = 65_536 - 99;
    assert_run(
        &prepared,
        "copy",
        &[len],
        other("MemoryOutOfBounds"),
        base + per_kib(len, u(c.bulk_memory_per_kib)),
    );
}

#[test]
fn gas_per_kib_rounds_up_and_cannot_overflow() {
    // Literal values, not the formula: a byte at 100 per KiB is 1 gas
    // (rounded up), 1024 bytes exactly 100, 1025 bytes 101.
    let mut config = Config::default();
    config.costs.bulk_memory_per_kib = 100;
    let (_, prepared) = prepare_wat_with(BULK, &config);
    let c = &config.costs;
    let base = 2 * u(c.constant) + u(c.local) + u(c.bulk_memory) + u(c.control);
    for (len, bytes_gas) in [(0, 0), (1, 1), (10, 1), (11, 2), (1024, 100), (1025, 101)] {
        assert_run(&prepared, "fill", &[len], returned(&[]), base + bytes_gas);
    }
    // The largest rate and length: (2^32 - 1) * 2^24 + 1023 < 2^56, no
    // wrap-around. The fill is out of bounds but charged first, in full.
    config.costs.bulk_memory_per_kib = gasket_metering::MAX_DYNAMIC_RATE / 24;
    let (_, prepared) = prepare_wat_with(BULK, &config);
    let len = -1i64; // u32::MAX as an i32 argument
    let expected =
        initial_memory_gas(&prepared) + base + per_kib(len, u(config.costs.bulk_memory_per_kib));
    // About 2.9e12 gas: more than AMPLE, so exactly what it needs.
    let r = run(&prepared, "fill", &[len], expected);
    assert_eq!(
        (r.outcome, r.gas_used),
        (other("MemoryOutOfBounds"), expected)
    );
    // One gas short: out of gas before the fill.
    let r = run(&prepared, "fill", &[len], expected - 1);
    assert_eq!(
        (r.outcome, r.gas_used),
        (trap(TrapKind::OutOfGas), expected - 1)
    );
}

#[test]
fn gas_memory_fill_per_kib_of_dynamic_length() {
    let c = costs();
    let (_, prepared) = prepare_wat(BULK);
    // One segment: 2 i32.const, local.get, memory.fill, end; plus
    // ceil(len * per-KiB rate / 1024), charged before the fill.
    let base = 2 * u(c.constant) + u(c.local) + u(c.bulk_memory) + u(c.control);
    for len in [0, 1, 1000, 65_536] {
        assert_run(
            &prepared,
            "fill",
            &[len],
            returned(&[]),
            base + per_kib(len, u(c.bulk_memory_per_kib)),
        );
    }
    let len = 65_537;
    assert_run(
        &prepared,
        "fill",
        &[len],
        other("MemoryOutOfBounds"),
        base + per_kib(len, u(c.bulk_memory_per_kib)),
    );
}

#[test]
fn gas_table_copy_and_init_per_element_of_dynamic_length() {
    let c = costs();
    let (_, prepared) = prepare_wat(
        r#"(module
          (table 10 funcref)
          (elem $e func $f $f $f)
          (func $f)
          (func (export "copy") (param $len i32)
            i32.const 5
            i32.const 0
            local.get $len
            table.copy)
          (func (export "init") (param $len i32)
            i32.const 0
            i32.const 0
            local.get $len
            table.init $e))"#,
    );
    // One segment: 2 i32.const, local.get, the operator, end; plus
    // each element priced as TABLE_ELEMENT_BYTES bytes at the per-KiB
    // rate, rounded up, charged before the work.
    let element_rate = u(c.bulk_memory_per_kib) * u(gasket_metering::TABLE_ELEMENT_BYTES);
    let base = 2 * u(c.constant) + u(c.local) + u(c.bulk_memory) + u(c.control);
    for (export, ok, oob) in [("copy", 5, 6), ("init", 3, 4)] {
        for len in [0, 1, ok] {
            assert_run(
                &prepared,
                export,
                &[len],
                returned(&[]),
                base + per_kib(len, element_rate),
            );
        }
        assert_run(
            &prepared,
            export,
            &[oob],
            other("TableOutOfBounds"),
            base + per_kib(oob, element_rate),
        );
    }
}

#[test]
fn gas_division_by_zero_mid_segment_charges_whole_segment() {
    let c = costs();
    let (_, prepared) = prepare_wat(
        r#"(module
          (func (export "div") (param i32 i32) (result i32)
            local.get 0
            local.get 1
            i32.div_s
            i32.const 1
            i32.add))"#,
    );
    // One segment: 2 local.get, i32.div_s, i32.const, i32.add, end.
    let gas = 2 * u(c.local) + u(c.div) + u(c.constant) + u(c.alu) + u(c.control);
    assert_run(&prepared, "div", &[7, 2], returned(&[4]), gas);
    assert_run(
        &prepared,
        "div",
        &[7, 0],
        other("IntegerDivisionByZero"),
        gas,
    );
    assert_run(
        &prepared,
        "div",
        &[i64::from(i32::MIN), -1],
        other("IntegerOverflow"),
        gas,
    );
}

#[test]
fn gas_out_of_bounds_load_mid_segment_charges_whole_segment() {
    let c = costs();
    let (_, prepared) = prepare_wat(
        r#"(module
          (memory 1)
          (func (export "load") (param i32) (result i32)
            local.get 0
            i32.load
            i32.const 1
            i32.add))"#,
    );
    // One segment: local.get, i32.load, i32.const, i32.add, end.
    let gas = u(c.local) + u(c.load) + u(c.constant) + u(c.alu) + u(c.control);
    assert_run(&prepared, "load", &[0], returned(&[1]), gas);
    assert_run(
        &prepared,
        "load",
        &[65_533],
        other("MemoryOutOfBounds"),
        gas,
    );
}

#[test]
fn gas_unreachable_in_callee_charges_whole_caller_segment() {
    let c = costs();
    let (_, prepared) = prepare_wat(
        r#"(module
          (func $boom (result i32)
            i32.const 1
            drop
            unreachable)
          (func (export "f") (result i32)
            i32.const 2
            call $boom
            i32.add
            i32.const 3
            i32.mul))"#,
    );
    // B, $boom: i32.const, drop, unreachable (its `end` is dead).
    let b = u(c.constant) + u(c.local) + u(c.branch);
    // F, paid in full before the call: i32.const, call, i32.add, i32.const,
    // i32.mul, end.
    let f = u(c.constant) + u(c.call) + u(c.alu) + u(c.constant) + u(c.mul) + u(c.control);
    assert_run(&prepared, "f", &[], trap(TrapKind::Unreachable), f + b);
}

// ---------------------------------------------------------------------------
// 3. Every gas limit from 0 to the exact need.
// ---------------------------------------------------------------------------

/// The exact need succeeds with 0 gas left; every smaller limit runs out of
/// gas and uses the whole limit.
#[track_caller]
fn assert_every_limit(
    prepared: &Prepared,
    export: &str,
    args: &[i64],
    outcome: &Outcome,
    need: u64,
) {
    let ample = run(prepared, export, args, AMPLE);
    assert_eq!(
        (&ample.outcome, ample.gas_used),
        (outcome, need),
        "with ample gas"
    );
    let exact = run(prepared, export, args, need);
    assert_eq!(
        (&exact.outcome, exact.gas_used),
        (outcome, need),
        "with the exact need"
    );
    for limit in 0..need {
        let r = run(prepared, export, args, limit);
        assert_eq!(
            r.outcome,
            trap(TrapKind::OutOfGas),
            "limit {limit} of {need}"
        );
        assert_eq!(r.gas_used, limit, "limit {limit} of {need}");
    }
}

#[test]
fn every_gas_limit_loop() {
    let (_, prepared) = prepare_wat(LOOP_SUM);
    assert_every_limit(&prepared, "sum", &[5], &returned(&[15]), loop_sum_gas(5));
}

#[test]
fn every_gas_limit_recursion() {
    let c = costs();
    let (_, prepared) = prepare_wat(
        r#"(module
          (func $sum (export "rsum") (param $n i32) (result i32)
            local.get $n
            i32.eqz
            if (result i32)
              i32.const 0
            else
              local.get $n
              local.get $n
              i32.const 1
              i32.sub
              call $sum
              i32.add
            end))"#,
    );
    // Per activation, A: local.get, i32.eqz, if; R, after the `end`: the
    // function's `end`.
    let a = u(c.local) + u(c.alu) + u(c.branch);
    let r = u(c.control);
    // Base case, T: i32.const, else.
    let t = u(c.constant) + u(c.control);
    // Recursive case, E: 2 local.get, i32.const, i32.sub, call, i32.add, end.
    let e = 2 * u(c.local) + u(c.constant) + 2 * u(c.alu) + u(c.call) + u(c.control);
    let n = 4;
    let need = (n + 1) * (a + r) + n * e + t;
    assert_every_limit(&prepared, "rsum", &[n as i64], &returned(&[10]), need);
}

// ---------------------------------------------------------------------------
// 4. The deterministic stack limit.
// ---------------------------------------------------------------------------

/// How many activations fit under `limit` when their frames cycle through
/// `frames`: the counter may reach the limit, not exceed it.
fn max_activations(limit: u32, frames: &[u32]) -> u64 {
    let mut height = 0u64;
    for (count, &frame) in frames.iter().cycle().enumerate() {
        height += u64::from(frame);
        if height > u64::from(limit) {
            return count as u64;
        }
    }
    unreachable!("frames must not be empty")
}

/// `rec(d)` makes `d + 1` activations: `d = max - 1` returns 0, `d = max`
/// overflows.
#[track_caller]
fn assert_max_depth(prepared: &Prepared, export: &str, max: u64) {
    let ok = run(prepared, export, &[max as i64 - 1], AMPLE);
    assert_eq!(ok.outcome, returned(&[0]), "{export}({})", max - 1);
    let overflow = run(prepared, export, &[max as i64], AMPLE);
    assert_eq!(
        overflow.outcome,
        trap(TrapKind::StackOverflow),
        "{export}({max})"
    );
}

const REC_DIRECT: &str = r#"(module
  (func $rec (export "rec") (param $d i32) (result i32)
    local.get $d
    if (result i32)
      local.get $d
      i32.const 1
      i32.sub
      call $rec
    else
      i32.const 0
    end))"#;

#[test]
fn stack_limit_direct_recursion() {
    let config = Config::default();
    let (wasm, prepared) = prepare_wat(REC_DIRECT);
    // 1 param + 0 locals + max operand height 2 (local.get, i32.const in the
    // then arm) + frame_overhead.
    let frame = 1 + 2 + config.stack.frame_overhead;
    assert_eq!(frame_cost(&prepared, 0), frame);
    let max = max_activations(config.stack.limit, &[frame]);
    assert_eq!(max, u64::from(config.stack.limit / frame));
    assert_max_depth(&prepared, "rec", max);
    // The original runs deeper: the limit is ours, not wasmi's.
    assert_eq!(run_original(&wasm, "rec", &[max as i64]), returned(&[0]));
}

#[test]
fn stack_limit_indirect_recursion_through_table() {
    let config = Config::default();
    let (_, prepared) = prepare_wat(
        r#"(module
          (type $t (func (param i32) (result i32)))
          (table 1 1 funcref)
          (elem (i32.const 0) $rec)
          (func $rec (export "rec") (param $d i32) (result i32)
            local.get $d
            if (result i32)
              local.get $d
              i32.const 1
              i32.sub
              i32.const 0
              call_indirect (type $t)
            else
              i32.const 0
            end))"#,
    );
    // 1 param + 0 locals + max operand height 2 (d - 1 and the table index)
    // + frame_overhead.
    let frame = 1 + 2 + config.stack.frame_overhead;
    assert_eq!(frame_cost(&prepared, 0), frame);
    assert_max_depth(
        &prepared,
        "rec",
        max_activations(config.stack.limit, &[frame]),
    );
}

const PING_PONG: &str = r#"(module
  (func $ping (export "ping") (param $d i32) (result i32)
    local.get $d
    if (result i32)
      local.get $d
      i32.const 1
      i32.sub
      call $pong
    else
      i32.const 0
    end)
  (func $pong (export "pong") (param $d i32) (result i32) (local i64 i64 i32)
    local.get $d
    if (result i32)
      local.get $d
      i32.const 1
      i32.sub
      call $ping
    else
      i32.const 0
    end))"#;

#[test]
fn stack_limit_mutual_recursion_from_each_export() {
    let config = Config::default();
    let (_, prepared) = prepare_wat(PING_PONG);
    let overhead = config.stack.frame_overhead;
    // ping: 1 param + 0 locals + height 2 + overhead;
    // pong: 1 param + 3 locals + height 2 + overhead.
    let (ping, pong) = (1 + 2 + overhead, 1 + 3 + 2 + overhead);
    assert_eq!(
        (frame_cost(&prepared, 0), frame_cost(&prepared, 1)),
        (ping, pong)
    );
    let from_ping = max_activations(config.stack.limit, &[ping, pong]);
    let from_pong = max_activations(config.stack.limit, &[pong, ping]);
    // By hand, with the defaults (limit 32768, overhead 4): frames 7 and 10,
    // 1927 pairs use 32759; from ping one more ping (7) fits, from pong the
    // next pong (10) does not.
    assert_eq!((from_ping, from_pong), (2 * 1927 + 1, 2 * 1927));
    assert_max_depth(&prepared, "ping", from_ping);
    assert_max_depth(&prepared, "pong", from_pong);
}

#[test]
fn stack_limit_custom_small_limits() {
    let config = Config {
        stack: StackLimits {
            limit: 100,
            frame_overhead: 10,
        },
        ..Config::default()
    };
    let (_, prepared) = prepare_wat_with(REC_DIRECT, &config);
    // 1 param + 0 locals + height 2 + overhead 10 = 13; 7 * 13 = 91 <= 100.
    assert_eq!(frame_cost(&prepared, 0), 13);
    assert_eq!(max_activations(100, &[13]), 7);
    assert_max_depth(&prepared, "rec", 7);
}

#[test]
fn stack_every_exit_releases_its_frame() {
    // $leaf leaves by `return`, `br` and `br_if` to the function label, and
    // by falling through. 10,000 calls of 7 units each would overflow the
    // default limit if any exit kept its frame; the runner also checks the
    // height is back to 0.
    let wat = r#"(module
      (func $leaf (param $x i32) (result i32)
        local.get $x
        i32.const 4
        i32.rem_u
        local.set $x
        local.get $x
        i32.eqz
        if
          i32.const 10
          return
        end
        local.get $x
        i32.const 1
        i32.eq
        if
          i32.const 11
          br 1
        end
        i32.const 12
        local.get $x
        i32.const 2
        i32.eq
        br_if 0
        drop
        i32.const 13)
      (func (export "many") (param $n i32) (result i32) (local $acc i32)
        loop $l
          local.get $acc
          local.get $n
          call $leaf
          i32.add
          local.set $acc
          local.get $n
          i32.const 1
          i32.sub
          local.tee $n
          br_if $l
        end
        local.get $acc))"#;
    let (wasm, prepared) = prepare_wat(wat);
    let n = 10_000;
    let expected: i64 = (1..=n).map(|x| 10 + x % 4).sum();
    assert_eq!(run_original(&wasm, "many", &[n]), returned(&[expected]));
    assert_eq!(
        run(&prepared, "many", &[n], AMPLE).outcome,
        returned(&[expected])
    );
}

// ---------------------------------------------------------------------------
// 5. The contract's own `unreachable` is neither out of gas nor overflow.
// ---------------------------------------------------------------------------

#[test]
fn unreachable_is_distinguished_from_out_of_gas_and_stack_overflow() {
    let c = costs();
    let wat = r#"(module
      (func $down (export "down") (param $d i32) (result i32)
        local.get $d
        if (result i32)
          local.get $d
          i32.const 1
          i32.sub
          call $down
        else
          unreachable
        end))"#;
    let (wasm, prepared) = prepare_wat(wat);
    assert_eq!(
        run_original(&wasm, "down", &[3]),
        trap(TrapKind::Unreachable)
    );

    // down(0): A (local.get, if) then the else arm (unreachable).
    let a = u(c.local) + u(c.branch);
    let gas = a + u(c.branch);
    assert_run(&prepared, "down", &[0], trap(TrapKind::Unreachable), gas);
    // The same segments with one gas less: out of gas, not Unreachable.
    let r = run(&prepared, "down", &[0], gas - 1);
    assert_eq!((r.outcome, r.gas_used), (trap(TrapKind::OutOfGas), gas - 1));
    // Deep enough to overflow before reaching the `unreachable`.
    assert_eq!(
        run(&prepared, "down", &[3], AMPLE).outcome,
        trap(TrapKind::Unreachable)
    );
    assert_eq!(
        run(&prepared, "down", &[100_000], AMPLE).outcome,
        trap(TrapKind::StackOverflow)
    );
}

/// `__gasket_start` charges every initial page at the `memory.grow` rate
/// before any code runs (then runs the module's own start function): a
/// page the instance can touch is paid for whether it was declared or
/// grown.
#[test]
fn gas_initial_memory_pages_are_charged_at_start() {
    let c = costs();
    let per_page = u(c.memory_grow_per_page);
    let wat = r#"(module
      (memory 3)
      (global $started (mut i32) (i32.const 0))
      (func $init (global.set $started (i32.const 7)))
      (start $init)
      (func (export "started") (result i32) global.get $started))"#;
    let (_, prepared) = prepare_wat(wat);
    assert_eq!(initial_memory_gas(&prepared), 3 * per_page);
    // The original start ran (after the charge): `started` sees 7.
    // Its body: global.set's segment (const, global, end); `started`'s:
    // global.get, end.
    let start_body = u(c.constant) + u(c.global) + u(c.control);
    let call_body = u(c.global) + u(c.control);
    let r = run(&prepared, "started", &[], AMPLE);
    assert_eq!(r.outcome, returned(&[7]));
    assert_eq!(r.gas_used, 3 * per_page + start_body + call_body);
    // Less than the pages cost: out of gas in `__gasket_start`.
    let r = run(&prepared, "started", &[], 3 * per_page - 1);
    assert_eq!(
        (r.outcome, r.gas_used),
        (trap(TrapKind::OutOfGas), 3 * per_page - 1)
    );
    // No memory, or none declared initially: nothing is charged, and a
    // module without a start function exports no `__gasket_start`.
    for wat in [
        "(module (func (export \"f\")))",
        "(module (memory 0 2) (func (export \"f\")))",
    ] {
        let (_, prepared) = prepare_wat(wat);
        assert!(
            prepared
                .info
                .export(gasket_metering::START_EXPORT)
                .is_none()
        );
        let r = run(&prepared, "f", &[], AMPLE);
        assert_eq!((r.outcome, r.gas_used), (returned(&[]), u(c.control)));
    }
}
