//! Traps: every kind, at the exact edge, and unwinding through many frames.
#![allow(missing_docs)]

mod common;

use common::{compile, prepare, run};
use gasket_metering::{Config, Permissive, prepare_with_policy};
use gasket_vm::{
    Engine, EngineConfig, Extern, Imports, Instance, Memory, Target, Trap, TrapKind, Value,
};

fn trap(kind: TrapKind) -> Result<Vec<i64>, Trap> {
    Err(Trap::Wasm(kind))
}

const DIV: &str = r#"
(module
  (func (export "div_s32") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "div_u32") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
  (func (export "rem_s32") (param i32 i32) (result i32) (i32.rem_s (local.get 0) (local.get 1)))
  (func (export "rem_u32") (param i32 i32) (result i32) (i32.rem_u (local.get 0) (local.get 1)))
  (func (export "div_s64") (param i64 i64) (result i64) (i64.div_s (local.get 0) (local.get 1)))
  (func (export "div_u64") (param i64 i64) (result i64) (i64.div_u (local.get 0) (local.get 1)))
  (func (export "rem_s64") (param i64 i64) (result i64) (i64.rem_s (local.get 0) (local.get 1)))
  (func (export "rem_u64") (param i64 i64) (result i64) (i64.rem_u (local.get 0) (local.get 1))))
"#;

#[test]
fn division_traps_and_edges() {
    let m = compile(&prepare(DIV));
    let min32 = i64::from(i32::MIN);
    for f in [
        "div_s32", "div_u32", "rem_s32", "rem_u32", "div_s64", "div_u64", "rem_s64", "rem_u64",
    ] {
        assert_eq!(
            run(&m, f, &[7, 0]).outcome,
            trap(TrapKind::IntegerDivideByZero),
            "{f}"
        );
    }
    assert_eq!(
        run(&m, "div_s32", &[min32, -1]).outcome,
        trap(TrapKind::IntegerOverflow)
    );
    assert_eq!(
        run(&m, "div_s64", &[i64::MIN, -1]).outcome,
        trap(TrapKind::IntegerOverflow)
    );
    assert_eq!(run(&m, "rem_s32", &[min32, -1]).outcome, Ok(vec![0]));
    assert_eq!(run(&m, "rem_s64", &[i64::MIN, -1]).outcome, Ok(vec![0]));
    assert_eq!(run(&m, "div_s32", &[-7, 2]).outcome, Ok(vec![-3]));
    assert_eq!(run(&m, "rem_s32", &[-7, 2]).outcome, Ok(vec![-1]));
    assert_eq!(
        run(&m, "div_u32", &[-1, 2]).outcome,
        Ok(vec![i64::from(0x7fff_ffff)])
    );
    assert_eq!(run(&m, "rem_u64", &[-1, 10]).outcome, Ok(vec![5]));
    assert_eq!(
        run(&m, "div_s64", &[i64::MIN, 1]).outcome,
        Ok(vec![i64::MIN])
    );
}

const MEMORY: &str = r#"
(module
  (memory 1 2)
  (func (export "load32") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "load64_off") (param i32) (result i64) (i64.load offset=8 (local.get 0)))
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "store16") (param i32) (i32.store16 (local.get 0) (i32.const 0x1234)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "grow_then_load") (param i32) (result i32)
    (drop (memory.grow (i32.const 1)))
    (i32.load (local.get 0))))
"#;

#[test]
fn memory_out_of_bounds_at_the_exact_edge() {
    let m = compile(&prepare(MEMORY));
    let oob = trap(TrapKind::MemoryOutOfBounds);
    assert_eq!(run(&m, "load32", &[65532]).outcome, Ok(vec![0]));
    assert_eq!(run(&m, "load32", &[65533]).outcome, oob);
    assert_eq!(run(&m, "load32", &[-1]).outcome, oob);
    assert_eq!(run(&m, "load64_off", &[65520]).outcome, Ok(vec![0]));
    assert_eq!(run(&m, "load64_off", &[65521]).outcome, oob);
    assert_eq!(run(&m, "load64_off", &[-8]).outcome, oob);
    assert_eq!(run(&m, "load8", &[65535]).outcome, Ok(vec![0]));
    assert_eq!(run(&m, "load8", &[65536]).outcome, oob);
    assert_eq!(run(&m, "store16", &[65534]).outcome, Ok(vec![]));
    assert_eq!(run(&m, "store16", &[65535]).outcome, oob);
    // After growing, the new page is addressable, the one after is not.
    assert_eq!(run(&m, "grow_then_load", &[131068]).outcome, Ok(vec![0]));
    assert_eq!(run(&m, "grow_then_load", &[131069]).outcome, oob);
    // The maximum (2 pages) bounds memory.grow.
    assert_eq!(run(&m, "grow", &[1]).outcome, Ok(vec![1]));
    assert_eq!(run(&m, "grow", &[2]).outcome, Ok(vec![-1]));
}

const INDIRECT: &str = r#"
(module
  (type $ii (func (param i32) (result i32)))
  (type $v (func))
  (table 4 funcref)
  (elem (i32.const 0) $double $nothing)
  (func $double (type $ii) (i32.mul (local.get 0) (i32.const 2)))
  (func $nothing (type $v))
  (func (export "call") (param i32 i32) (result i32)
    (call_indirect (type $ii) (local.get 1) (local.get 0))))
"#;

#[test]
fn call_indirect_checks() {
    let m = compile(&prepare(INDIRECT));
    assert_eq!(run(&m, "call", &[0, 21]).outcome, Ok(vec![42]));
    assert_eq!(
        run(&m, "call", &[1, 21]).outcome,
        trap(TrapKind::IndirectCallSignatureMismatch)
    );
    assert_eq!(
        run(&m, "call", &[2, 21]).outcome,
        trap(TrapKind::IndirectCallToNull)
    );
    assert_eq!(
        run(&m, "call", &[4, 21]).outcome,
        trap(TrapKind::TableOutOfBounds)
    );
    assert_eq!(
        run(&m, "call", &[-1, 21]).outcome,
        trap(TrapKind::TableOutOfBounds)
    );
}

const RECURSION: &str = r#"
(module
  (func $down (export "down") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (unreachable))
      (else (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1))))))))
"#;

#[test]
fn deep_recursion_is_a_stack_overflow() {
    let m = compile(&prepare(RECURSION));
    let r = run(&m, "down", &[1_000_000]);
    assert_eq!(r.outcome, trap(TrapKind::StackOverflow));
    // Unreachable at the bottom of 100 frames.
    assert_eq!(run(&m, "down", &[100]).outcome, trap(TrapKind::Unreachable));
}

#[test]
fn ten_thousand_frame_unwind() {
    let mut config = Config::default();
    config.stack.limit = 1 << 20;
    let wasm = wat::parse_str(RECURSION).unwrap();
    let prepared = prepare_with_policy(&wasm, &config, &Permissive).unwrap();
    let module = compile(&prepared);
    let mut instance = Instance::new(&module, Imports::new(), common::GAS_LIMIT).unwrap();
    for _ in 0..3 {
        let out = instance.call("down", &[Value::I32(10_000)]);
        assert_eq!(out, Err(Trap::Wasm(TrapKind::Unreachable)));
        // The height the wasm left: 10,001 frames entered, none exited.
        assert!(instance.stack_height() > 10_000);
    }
    // The instance is still usable after unwinding.
    let out = instance.call("down", &[Value::I32(0)]);
    assert_eq!(out, Err(Trap::Wasm(TrapKind::Unreachable)));
}

#[test]
fn native_stack_backstop() {
    let mut config = Config::default();
    config.stack.limit = 1 << 29;
    let wasm = wat::parse_str(RECURSION).unwrap();
    let prepared = prepare_with_policy(&wasm, &config, &Permissive).unwrap();
    let engine = Engine::new(EngineConfig {
        native_stack_bytes: 64 * 1024,
        ..EngineConfig::default()
    })
    .unwrap();
    let module = engine.compile(&prepared).unwrap();
    let mut instance = Instance::new(&module, Imports::new(), common::GAS_LIMIT).unwrap();
    let out = instance.call("down", &[Value::I32(1_000_000)]);
    assert_eq!(out, Err(Trap::NativeStackExhausted));
    // Shallow calls still work afterwards.
    let out = instance.call("down", &[Value::I32(10)]);
    assert_eq!(out, Err(Trap::Wasm(TrapKind::Unreachable)));
}

#[test]
fn out_of_gas_leaves_the_sentinel() {
    let m = compile(&prepare(
        r#"(module (func (export "spin") (loop $l (br $l))))"#,
    ));
    let mut instance = Instance::new(&m, Imports::new(), 1000).unwrap();
    assert_eq!(
        instance.call("spin", &[]),
        Err(Trap::Wasm(TrapKind::OutOfGas))
    );
    assert_eq!(instance.gas_left(), -1);
    instance.set_gas(500);
    assert_eq!(
        instance.call("spin", &[]),
        Err(Trap::Wasm(TrapKind::OutOfGas))
    );
    assert_eq!(instance.gas_left(), -1);
}

#[test]
fn unreachable_traps() {
    let m = compile(&prepare(r#"(module (func (export "u") (unreachable)))"#));
    assert_eq!(run(&m, "u", &[]).outcome, trap(TrapKind::Unreachable));
}

#[test]
fn repeated_and_constant_accesses_keep_their_checks() {
    // The second access of the same index with a larger offset must still
    // be checked; constant addresses are exempt only within the initial size.
    let m = compile(&prepare(
        r#"(module
          (memory 1 2)
          (func (export "two") (param i32) (result i32)
            (i32.add (i32.load offset=0 (local.get 0)) (i32.load offset=4 (local.get 0))))
          (func (export "smaller_after_larger") (param i32) (result i32)
            (i32.add (i32.load offset=4 (local.get 0)) (i32.load8_u (local.get 0))))
          (func (export "const_edge") (result i32) (i32.load (i32.const 65532)))
          (func (export "const_past") (result i32) (i32.load (i32.const 65533)))
          (func (export "const_after_grow") (result i32)
            (drop (memory.grow (i32.const 1)))
            (i32.load (i32.const 131068)))
          (func (export "loop_same_index") (param i32) (result i32)
            (local $i i32)
            (loop $l
              (drop (i32.load (local.get 0)))
              (local.set 0 (i32.add (local.get 0) (i32.const 4)))
              (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 3))))
            (local.get $i)))
        "#,
    ));
    let oob = trap(TrapKind::MemoryOutOfBounds);
    assert_eq!(run(&m, "two", &[65528]).outcome, Ok(vec![0]));
    assert_eq!(run(&m, "two", &[65529]).outcome, oob);
    assert_eq!(run(&m, "two", &[65532]).outcome, oob);
    assert_eq!(
        run(&m, "smaller_after_larger", &[65528]).outcome,
        Ok(vec![0])
    );
    assert_eq!(run(&m, "smaller_after_larger", &[65529]).outcome, oob);
    assert_eq!(run(&m, "const_edge", &[]).outcome, Ok(vec![0]));
    assert_eq!(run(&m, "const_past", &[]).outcome, oob);
    assert_eq!(run(&m, "const_after_grow", &[]).outcome, Ok(vec![0]));
    assert_eq!(run(&m, "loop_same_index", &[65524]).outcome, Ok(vec![3]));
    assert_eq!(run(&m, "loop_same_index", &[65528]).outcome, oob);
}

#[test]
fn widened_checks_trap_where_the_accesses_would() {
    // A check is widened to cover a later access of the same index only
    // across operators that neither write, nor branch, nor trap otherwise:
    // each function below would break if a store, a global write or a
    // division were crossed.
    let m = compile(&prepare(
        r#"(module
          (memory 1 1)
          (global $g (export "g") (mut i32) (i32.const 0))
          (func (export "loads") (param i32) (result i32)
            (i32.add
              (i32.add (i32.load offset=0 (local.get 0)) (i32.load8_u offset=9 (local.get 0)))
              (i32.load offset=4 (local.get 0))))
          (func (export "store_between") (param i32) (result i32)
            (drop (i32.load (local.get 0)))
            (i32.store offset=0 (local.get 0) (i32.const 7))
            (i32.load offset=16 (local.get 0)))
          (func (export "global_between") (param i32) (result i32)
            (drop (i32.load (local.get 0)))
            (global.set $g (i32.const 5))
            (i32.load offset=16 (local.get 0)))
          (func (export "div_between") (param i32 i32) (result i32)
            (drop (i32.load (local.get 0)))
            (drop (i32.div_u (i32.const 1) (local.get 1)))
            (i32.load offset=16 (local.get 0))))
        "#,
    ));
    let oob = trap(TrapKind::MemoryOutOfBounds);
    assert_eq!(run(&m, "loads", &[65526]).outcome, Ok(vec![0]));
    assert_eq!(run(&m, "loads", &[65527]).outcome, oob);
    assert_eq!(
        run(&m, "div_between", &[65520, 0]).outcome,
        trap(TrapKind::IntegerDivideByZero)
    );
    assert_eq!(run(&m, "div_between", &[65520, 1]).outcome, oob);
    assert_eq!(run(&m, "div_between", &[65516, 1]).outcome, Ok(vec![0]));
    for (export, written) in [("store_between", 65520), ("global_between", 65520)] {
        let mut instance = Instance::new(&m, Imports::new(), 1 << 40).unwrap();
        let outcome = instance.call(export, &[Value::I32(written)]);
        assert_eq!(
            outcome,
            Err(Trap::Wasm(TrapKind::MemoryOutOfBounds)),
            "{export}"
        );
        if export == "store_between" {
            assert_eq!(instance.memory()[65520], 7, "the store before the trap");
        } else {
            assert_eq!(instance.exported_global("g"), Some(Value::I32(5)));
        }
    }
}

#[test]
fn checks_widened_over_constant_deltas_stay_exact() {
    // rustc computes `p + k` with `i32.add` where it cannot prove the sum
    // free of wrapping; a check of `p + 36` covers later `p + 56` and
    // `p + 64` (one page: 2^32 - 64 KiB of slack), never `p + 0` below it,
    // and never a delta that could wrap to a valid address.
    let module = |memory: &str| {
        format!(
            r#"(module
          {memory}
          (func (export "schedule") (param $p i32) (result i32)
            (i32.store (i32.add (local.get $p) (i32.const 64))
              (i32.add
                (i32.add
                  (i32.load (i32.add (local.get $p) (i32.const 36)))
                  (i32.load (local.get $p)))
                (i32.add (i32.load (i32.add (local.get $p) (i32.const 56))) (i32.const 9))))
            (i32.load (i32.add (local.get $p) (i32.const 64))))
          (func (export "wraps") (param $p i32) (result i32)
            (i32.add
              (i32.load (local.get $p))
              (i32.load (i32.add (local.get $p) (i32.const -16)))))
          (func (export "far") (param $p i32) (result i32)
            (i32.add
              (i32.load (local.get $p))
              (i32.load (i32.add (i32.const -65540) (local.get $p)))))
          (func (export "div_between") (param $p i32) (param $d i32) (result i32)
            (drop (i32.load (local.get $p)))
            (drop (i32.div_u (i32.const 1) (local.get $d)))
            (i32.load (i32.add (local.get $p) (i32.const 16)))))
        "#
        )
    };
    let oob = trap(TrapKind::MemoryOutOfBounds);
    let defined = compile(&prepare(&module("(memory 1 1)")));
    // p + 68 <= 65536 ⟺ p <= 65468.
    assert_eq!(run(&defined, "schedule", &[65468]).outcome, Ok(vec![9]));
    assert_eq!(run(&defined, "schedule", &[65469]).outcome, oob);
    // p + 60 > 65536: the third load traps (the widened first check).
    assert_eq!(run(&defined, "schedule", &[65480]).outcome, oob);
    // p - 16 wraps to a valid address below p: no widening (delta 2^32 - 16).
    assert_eq!(run(&defined, "wraps", &[100]).outcome, Ok(vec![0]));
    assert_eq!(run(&defined, "wraps", &[8]).outcome, oob);
    // p + 36 wraps to 15, in bounds; p + 0, below it, is checked on its
    // own and traps.
    assert_eq!(run(&defined, "schedule", &[-21]).outcome, oob);
    // An imported memory may be larger than its import declares (only the
    // initial size is checked): two pages behind `(memory 1 1)`. From
    // p = 70000, p - 65540 = 4460 is in bounds; a slack taken from the
    // declared page (2^32 - 64 KiB) would widen the check of p over it
    // (delta 2^32 - 65540) and trap.
    let imported = compile(&prepare(&module(r#"(import "env" "memory" (memory 1 1))"#)));
    for (export, p, expected) in [
        ("far", 70000, Ok(vec![0])),
        ("far", 131070, oob.clone()),
        ("schedule", 65468, Ok(vec![9])),
        ("schedule", 131004, Ok(vec![9])),
        ("schedule", -21, oob.clone()),
    ] {
        let mut imports = Imports::new();
        let memory = Memory::new(2, 2).unwrap();
        imports.define("env", "memory", Extern::Memory(memory));
        let mut instance = Instance::new(&imported, imports, common::GAS_LIMIT).unwrap();
        let outcome = instance
            .call(export, &[Value::I32(p)])
            .map(|vs| vs.into_iter().map(Value::as_i64).collect());
        assert_eq!(outcome, expected, "{export}({p})");
    }
    // The same shapes on a defined page: "far" never reaches its second
    // load in bounds.
    assert_eq!(run(&defined, "far", &[100]).outcome, oob);
    // A division between closes the window: its trap comes first.
    assert_eq!(
        run(&defined, "div_between", &[65520, 0]).outcome,
        trap(TrapKind::IntegerDivideByZero)
    );
    assert_eq!(
        run(&defined, "div_between", &[65516, 1]).outcome,
        Ok(vec![0])
    );
    assert_eq!(run(&defined, "div_between", &[65517, 1]).outcome, oob);
}

#[test]
fn memory_length_is_reloaded_where_a_loop_reads_it_again() {
    // The only read of the length comes before the call in the text, but
    // the loop's back edge reaches it after the callee grew the memory.
    let m = compile(&prepare(
        r#"(module
          (memory 1 3)
          (func $grow (drop (memory.grow (i32.const 1))))
          (func (export "read_after_grow_in_loop") (result i32)
            (local $i i32)
            (loop $l
              (if (local.get $i) (then (drop (i32.load (i32.const 65536)))))
              (call $grow)
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $l (i32.lt_u (local.get $i) (i32.const 2))))
            (local.get $i)))
        "#,
    ));
    assert_eq!(run(&m, "read_after_grow_in_loop", &[]).outcome, Ok(vec![2]));
}

/// A recursive function with few stack-height units (one param, one
/// local) but 200 values live across calls: the single-pass allocator gives
/// each its own spill slot, a frame of ~2.4 KB against a budget of
/// 8 units x 128 bytes x 3/4.
fn spilling_recursion() -> String {
    let body: String = (0..200)
        .map(|k| {
            format!(
                "(local.set $a (i32.add (local.get $n) (i32.const {k})))
                 (call $leaf)
                 (local.set $n (i32.add (local.get $n) (local.get $a)))\n"
            )
        })
        .collect();
    format!(
        r#"(module
  (func $leaf)
  (func (export "deep") (param $n i32) (result i32) (local $a i32)
    (if (i32.eqz (local.get $n)) (then (return (i32.const 0))))
    (drop (call 1 (i32.sub (local.get $n) (i32.const 1))))
    {body}
    (local.get $n)))"#
    )
}

/// Compiles `prepared` with `config` and runs `calls` on the module, on a
/// thread with more stack than `BASELINE_NATIVE_STACK_BYTES` plus
/// `FRAME_RESERVE` (the baseline's calls need it).
fn on_big_stack<T: Send + 'static>(
    prepared: &gasket_metering::Prepared,
    config: EngineConfig,
    calls: impl FnOnce(&gasket_vm::Module) -> T + Send + 'static,
) -> T {
    let prepared = prepared.clone();
    std::thread::Builder::new()
        .stack_size(16 << 20)
        .spawn(move || calls(&Engine::new(config).unwrap().compile(&prepared).unwrap()))
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn baseline_keeps_the_deterministic_stack_limit_first() {
    let prepared = prepare(&spilling_recursion());
    // Without the fallback, the backstop would fire, not a crash.
    let run_with = |config: EngineConfig| {
        on_big_stack(&prepared, config, |module| {
            run(module, "deep", &[1_000_000])
        })
    };
    let baseline = run_with(EngineConfig::baseline());
    assert_eq!(baseline.outcome, trap(TrapKind::StackOverflow));
    assert_eq!(baseline, run_with(EngineConfig::default()));
}

/// Recursions whose optimised frames exceed their share of native stack
/// by units: 2,000 products the optimiser merges with their recomputation
/// after the recursive call (16 KB for 8 units), and 900 calls each
/// carrying a value, dense enough for the single-pass allocator (one
/// spill slot per value). Their functions are compiled with their values
/// in frame cells, so the deterministic stack limit comes first with the
/// default 1 MiB of native stack, as on every machine; with the optimised
/// frames the backstop (a node failure) fired at a depth that depends on
/// the machine code.
fn recursions_over_their_share() -> Vec<(&'static str, String)> {
    let (stores, sum) =
        gasket_harness::shapes::products_stored_and_recomputed(2_000, "(local.get $n)");
    let merged = format!(
        r#"(module (memory 1)
  (func (export "deep") (param $n i64) (result i64)
    (if (i64.eqz (local.get $n)) (then (return (i64.const 0))))
    {stores}
    (drop (call 0 (i64.sub (local.get $n) (i64.const 1))))
    (i64.const 0) {sum}))"#
    );
    let calls: String = (0..900)
        .map(|k| format!("(local.set $a (i64.add (local.get $a) (call $pair (local.get $n) (i64.const {k}))))"))
        .collect();
    let dense = format!(
        r#"(module
  (func (export "deep") (param $n i64) (result i64) (local $a i64)
    (if (i64.eqz (local.get $n)) (then (return (i64.const 0))))
    (local.set $a (call 0 (i64.sub (local.get $n) (i64.const 1))))
    {calls}
    (local.get $a))
  (func $pair (param i64 i64) (result i64) (local {})
    (i64.xor (local.get 0) (local.get 1))))"#,
        " i32".repeat(40)
    );
    vec![("merged products", merged), ("dense calls", dense)]
}

#[test]
fn optimised_frames_keep_the_deterministic_stack_limit_first() {
    for (name, wat) in recursions_over_their_share() {
        let prepared = prepare(&wat);
        let run_with = |config: EngineConfig| {
            on_big_stack(&prepared, config, |module| {
                run(module, "deep", &[1_000_000])
            })
        };
        let optimised = run_with(EngineConfig::default());
        assert_eq!(optimised.outcome, trap(TrapKind::StackOverflow), "{name}");
        let in_slots = run_with(EngineConfig {
            values_in_slots: true,
            ..EngineConfig::default()
        });
        assert_eq!(optimised, in_slots, "{name}");
        assert_eq!(optimised, run_with(EngineConfig::baseline()), "{name}");
        // Shallow enough to return: the same result as all in slots.
        let returns = |config: EngineConfig| {
            on_big_stack(&prepared, config, |module| run(module, "deep", &[40]))
        };
        let shallow = returns(EngineConfig::default());
        assert!(shallow.outcome.is_ok(), "{name}: {shallow:?}");
        assert_eq!(
            shallow,
            returns(EngineConfig {
                values_in_slots: true,
                ..EngineConfig::default()
            }),
            "{name}"
        );
    }
}

/// Leaf callees small enough to be inlined by the default engine (the
/// single-pass baseline calls them), each with something that must happen
/// inside the callee as it would in a call: a branch out with values from
/// the middle, a trap, a charge, its stack-height units, a `memory.grow`
/// followed by a read of the grown page, a local that starts at zero on
/// every call; and a caller with more calls than its inlining budget.
const INLINED_CALLEES: &str = r#"
(module
  (memory 1 3)
  (func $pick (param i32 i32) (result i32 i32)
    (if (i32.eqz (local.get 0)) (then (return (local.get 1) (i32.const 7))))
    (i32.add (local.get 0) (local.get 1)) (local.get 0))
  (func $div (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
  (func $load (param i32) (result i32) (i32.load offset=4 (local.get 0)))
  (func $grow_then_read (result i32)
    (drop (memory.grow (i32.const 1)))
    (i32.store (i32.const 65536) (i32.const 41))
    (i32.add (i32.load (i32.const 65536)) (i32.const 1)))
  (func $stop (unreachable))
  (func $fresh (param i32) (result i32) (local $x i32)
    (local.set $x (i32.add (local.get $x) (local.get 0)))
    (local.get $x))
  (func (export "pick") (param i32 i32) (result i32)
    (call $pick (local.get 0) (local.get 1))
    (i32.mul))
  (func (export "div") (param i32 i32) (result i32)
    (i32.add (call $div (local.get 0) (local.get 1)) (i32.const 1)))
  (func (export "load") (param i32) (result i32) (call $load (local.get 0)))
  (func (export "grow_then_read") (result i32) (call $grow_then_read))
  (func (export "stop") (param i32) (result i32)
    (if (local.get 0) (then (call $stop)))
    (local.get 0))
  (func (export "fresh_in_loop") (param i32) (result i32) (local $sum i32)
    (loop $l
      (local.set $sum (i32.add (local.get $sum) (call $fresh (local.get 0))))
      (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))
      (br_if $l))
    (local.get $sum))
  (func (export "many") (param i32) (result i32) (local i32)
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 1))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 2))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 3))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 4))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 5))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 6))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 7))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 8))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 9))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 10))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 11))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 12))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 13))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 14))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 15))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 16))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 17))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 18))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 19))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 20))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 21))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 22))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 23))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 24))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 25))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 26))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 27))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 28))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 29))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 30))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 31))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 32))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 33))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 34))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 35))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 36))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 37))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 38))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 39))))
    (local.set 1 (i32.add (local.get 1) (call $div (local.get 0) (i32.const 40))))
    (local.get 1))
  ;; Recursion whose every level runs an inlined leaf: the leaf's
  ;; `stack_enter` is where the limit is crossed at some depth.
  (func $recurse (export "recurse") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else
        (i32.add
          (call $div (local.get 0) (i32.const 1))
          (call $recurse (i32.sub (local.get 0) (i32.const 1))))))))
"#;

/// Each case's outcome, gas left, stack height, globals and memory, with
/// limits that run out at every point of a call's first and last `window`
/// units of gas, and a large one.
fn gas_sweep(
    prepared: &gasket_metering::Prepared,
    config: EngineConfig,
    cases: &[(&str, &[i64])],
    window: u64,
) -> Vec<String> {
    let cases: Vec<(String, Vec<i64>)> = cases
        .iter()
        .map(|(export, args)| (export.to_string(), args.to_vec()))
        .collect();
    on_big_stack(prepared, config, move |module| {
        // What instantiation charges (the initial memory).
        let start = Instance::new(module, Imports::new(), common::GAS_LIMIT)
            .map(|instance| common::GAS_LIMIT - instance.gas_left() as u64)
            .unwrap();
        let mut seen = Vec::new();
        for (export, args) in &cases {
            let index = module.info().export(export).unwrap().index;
            let sig = module.info().func_sig(index).unwrap().clone();
            let args = common::values(&sig.params, args);
            let used = {
                let mut instance =
                    Instance::new(module, Imports::new(), common::GAS_LIMIT).unwrap();
                let _ = instance.call(export, &args);
                (common::GAS_LIMIT - start).saturating_sub(instance.gas_left().max(0) as u64)
            };
            let head = start..(start + used + 2).min(start.saturating_add(window));
            let tail = (start + used).saturating_sub(window).max(head.end)..start + used + 2;
            for limit in head.chain(tail).chain([common::GAS_LIMIT]) {
                let mut instance = Instance::new(module, Imports::new(), limit).unwrap();
                let outcome = instance.call(export, &args);
                let globals: Vec<_> = (0..module.info().globals.len() as u32)
                    .map(|g| instance.global(g))
                    .collect();
                seen.push(format!(
                    "{export}{args:?} at {limit}: {outcome:?}, gas left {}, stack height {}, \
                     globals {globals:?}, memory {}",
                    instance.gas_left(),
                    instance.stack_height(),
                    blake3::hash(instance.memory()).to_hex(),
                ));
            }
        }
        seen
    })
}

/// [`gas_sweep`] of the default engine (inlining, deferred charges), the
/// baseline (deferred charges) and [`slots`] (charges where the metering
/// makes them): the same at every limit. Returns the default's.
fn sweeps_agree(
    prepared: &gasket_metering::Prepared,
    cases: &[(&str, &[i64])],
    window: u64,
) -> Vec<String> {
    let default = gas_sweep(prepared, EngineConfig::default(), cases, window);
    let baseline = gas_sweep(prepared, EngineConfig::baseline(), cases, window);
    let in_slots = gas_sweep(prepared, slots(), cases, window);
    assert_eq!(default.len(), in_slots.len());
    assert_eq!(baseline.len(), in_slots.len());
    for ((default, baseline), in_slots) in default.iter().zip(&baseline).zip(&in_slots) {
        assert_eq!(default, in_slots);
        assert_eq!(baseline, in_slots);
    }
    default
}

/// Each case's outcome with the default engine and its gas limit.
fn outcomes(
    prepared: &gasket_metering::Prepared,
    cases: &[(&str, &[i64])],
) -> Vec<Result<Vec<i64>, Trap>> {
    let m = compile(prepared);
    cases
        .iter()
        .map(|(export, args)| run(&m, export, args).outcome)
        .collect()
}

/// The engine whose translation keeps every value in a frame cell: its
/// charges are never deferred (`Translation::Slots` checks each where the
/// metering makes it).
fn slots() -> EngineConfig {
    EngineConfig {
        values_in_slots: true,
        ..EngineConfig::default()
    }
}

#[test]
fn inlined_calls_end_as_calls_do() {
    let prepared = prepare(INLINED_CALLEES);
    let cases: [(&str, &[i64]); 15] = [
        ("pick", &[0, 5]),
        ("pick", &[3, 5]),
        ("pick", &[-1, 1]),
        ("div", &[7, 2]),
        ("div", &[7, 0]),
        ("load", &[8]),
        ("load", &[65532]),
        ("grow_then_read", &[]),
        ("stop", &[0]),
        ("stop", &[1]),
        ("recurse", &[10]),
        ("recurse", &[1_000_000]),
        ("fresh_in_loop", &[5]),
        ("many", &[1000]),
        ("many", &[0]),
    ];
    sweeps_agree(&prepared, &cases, 300);
    assert_eq!(
        outcomes(&prepared, &cases),
        [
            Ok(vec![35]),
            Ok(vec![24]),
            Ok(vec![0]),
            Ok(vec![4]),
            trap(TrapKind::IntegerDivideByZero),
            Ok(vec![0]),
            trap(TrapKind::MemoryOutOfBounds),
            Ok(vec![42]),
            Ok(vec![0]),
            trap(TrapKind::Unreachable),
            Ok(vec![55]),
            trap(TrapKind::StackOverflow),
            Ok(vec![15]),
            Ok(vec![(1..=40).map(|k| 1000 / k).sum()]),
            Ok(vec![0]),
        ]
    );
}

/// `big(skip)`: unless `skip`, fills memory with `i * 2654435761 + 7`,
/// loads `values` of them (9,999 into locals, the rest onto the operand
/// stack), calls a leaf with all of them live, and returns their sum: a
/// native frame of about 8 bytes per value. `deep(n, big)` recurses `n`
/// levels, then calls `big(0)` if `big`.
fn large_frame(values: u32) -> String {
    let locals = 9_999;
    let mut wat = format!(
        "(module (memory {pages})
  (func $leaf)
  (func $deep (export \"deep\") (param $n i32) (param $big i32)
    (if (local.get $n)
      (then (call $deep (i32.sub (local.get $n) (i32.const 1)) (local.get $big)))
      (else (if (local.get $big) (then (drop (call $big (i32.const 0))))))))
  (func $big (export \"big\") (param $skip i32) (result i64) (local $i i32)",
        pages = (values * 8).div_ceil(65536)
    );
    wat.push_str(&" (local i64)".repeat(locals as usize));
    wat.push_str(&format!(
        "\n(if (local.get $skip) (then (return (i64.const 0))))
         (loop $fill
           (i64.store (i32.shl (local.get $i) (i32.const 3))
             (i64.add (i64.mul (i64.extend_i32_u (local.get $i)) (i64.const 2654435761))
                      (i64.const 7)))
           (local.set $i (i32.add (local.get $i) (i32.const 1)))
           (br_if $fill (i32.lt_u (local.get $i) (i32.const {values}))))\n"
    ));
    for k in 0..locals {
        let (local, offset) = (k + 2, k * 8);
        wat.push_str(&format!(
            "(local.set {local} (i64.load offset={offset} (i32.const 0)))"
        ));
    }
    for k in locals..values {
        wat.push_str(&format!("(i64.load offset={} (i32.const 0))", k * 8));
    }
    wat.push_str("\n(call $leaf)\n");
    wat.push_str(&"(i64.add)".repeat((values - locals - 1) as usize));
    for k in 0..locals {
        wat.push_str(&format!("(i64.add (local.get {}))", k + 2));
    }
    wat.push_str("))");
    wat
}

/// A native frame over `FRAME_RESERVE` (19,000 values live across a call,
/// at least 152 KB; dense enough that the single-pass allocator gives it
/// a slot per value) compiles, for x86-64 and for aarch64, and runs. It
/// used to be a compile error decided by the machine code, whose frames
/// differ between architectures and CPU features (with the backtracking
/// allocator, by 16 bytes at 16,390 such values): a deploy one node could
/// reject and another accept. Instead its calls go through a guard that
/// checks the room for the frame first: on a thread with just the stack
/// the engine asks for, recursion one level short of the limit that then
/// calls the function stops with `NativeStackExhausted`; without the
/// guard, the frame would reach beyond the limit's reserve and the
/// thread's 16 KB margin, and its trap path's call would fault (checked:
/// SIGSEGV). Calls that do not reach it keep the whole native stack: the
/// recursion goes exactly as deep as in a module without the large frame.
#[test]
fn a_frame_over_the_reserve_compiles_everywhere_and_is_guarded() {
    let values = 19_000u32;
    let mut config = Config::default();
    config.stack.limit = 1 << 29;
    let prepare = |values| {
        let wasm = wat::parse_str(large_frame(values)).unwrap();
        prepare_with_policy(&wasm, &config, &Permissive).unwrap()
    };
    let (prepared, small) = (prepare(values), prepare(10_000));
    let other = match Target::host() {
        Some(Target::X86_64) => Target::Aarch64,
        _ => Target::X86_64,
    };
    let engine = |target| {
        Engine::new(EngineConfig {
            target,
            ..EngineConfig::default()
        })
        .unwrap()
    };
    if let Err(e) = engine(other).compile(&prepared) {
        panic!("{other:?}: {e}");
    }
    let native_stack = EngineConfig::default().native_stack_bytes;
    let stack = native_stack + gasket_vm::FRAME_RESERVE as usize + 16 * 1024;
    let (sum, exhausted, shallow, depths) = std::thread::Builder::new()
        .stack_size(stack)
        .spawn(move || {
            let target = Target::host().unwrap();
            let instance = |prepared| {
                let module = engine(target).compile(prepared).unwrap();
                Instance::new(&module, Imports::new(), common::GAS_LIMIT).unwrap()
            };
            let deep = |instance: &mut Instance, n: u32, big: bool| {
                instance.call("deep", &[Value::I32(n as i32), Value::I32(big.into())])
            };
            // The deepest recursion that fits: one more level crosses the
            // limit.
            let deepest = |instance: &mut Instance| {
                let (mut fits, mut crosses) = (0u32, 1u32 << 20);
                assert_eq!(
                    deep(instance, crosses, false),
                    Err(Trap::NativeStackExhausted)
                );
                while crosses - fits > 1 {
                    let mid = fits + (crosses - fits) / 2;
                    match deep(instance, mid, false) {
                        Ok(_) => fits = mid,
                        Err(_) => crosses = mid,
                    }
                }
                fits
            };
            let mut large = instance(&prepared);
            let sum = large.call("big", &[Value::I32(0)]);
            let fits = deepest(&mut large);
            let exhausted = deep(&mut large, fits, true);
            let shallow = deep(&mut large, 10, true);
            let without = deepest(&mut instance(&small));
            (sum, exhausted, shallow, (fits, without))
        })
        .unwrap()
        .join()
        .unwrap();
    let expected = (0..u64::from(values)).fold(0u64, |sum, i| {
        sum.wrapping_add(i.wrapping_mul(2_654_435_761).wrapping_add(7))
    });
    assert_eq!(sum, Ok(vec![Value::I64(expected as i64)]));
    assert_eq!(exhausted, Err(Trap::NativeStackExhausted));
    assert_eq!(shallow, Ok(vec![]));
    assert_eq!(depths.0, depths.1, "depth with and without the large frame");
}

/// A guarded function (17,000 values live across a call, a frame over
/// `FRAME_RESERVE`) with 20 parameters and 20 results, more than either
/// architecture passes in registers: the guard forwards them all, called
/// from the host, directly and through the table.
#[test]
fn a_guarded_function_passes_many_parameters_and_results() {
    let n = 20;
    let i64s = |count: usize| " i64".repeat(count);
    let loads: String = (0..17_000)
        .map(|k| format!("(i64.load offset={} (i32.const 0))", 8 * k))
        .collect();
    let sum = "(i64.add)".repeat(16_999);
    // Result k is parameter k plus the loads' sum (0: memory is zeros).
    let results: String = (0..n)
        .map(|k| format!("(i64.add (local.get {k}) (local.get $sum))"))
        .collect();
    // Calls `wide(1..=n)` and folds its results as sum of (k + 1) * r_k.
    let fold = |call: &str| {
        let args: String = (1..=n).map(|k| format!("(i64.const {k})")).collect();
        let sets: String = (0..n).rev().map(|k| format!("(local.set {k})")).collect();
        let weighted: String = (0..n)
            .map(|k| format!("(i64.add (i64.mul (local.get {k}) (i64.const {})))", k + 1))
            .collect();
        format!(
            "(local{}) {args} {call} {sets} (i64.const 0) {weighted}",
            i64s(n)
        )
    };
    let wat = format!(
        "(module (memory 3)
  (type $t (func (param{p}) (result{p})))
  (table 1 funcref) (elem (i32.const 0) $wide)
  (func $leaf)
  (func $wide (export \"wide\") (type $t) (local $sum i64)
    {loads} (call $leaf) {sum} (local.set $sum) {results})
  (func (export \"direct\") (result i64) {direct})
  (func (export \"indirect\") (result i64) {indirect}))",
        p = i64s(n),
        direct = fold("(call $wide)"),
        indirect = fold("(call_indirect (type $t) (i32.const 0))"),
    );
    let m = compile(&prepare(&wat));
    let expected: i64 = (1..=n as i64).map(|k| k * k).sum();
    assert_eq!(run(&m, "direct", &[]).outcome, Ok(vec![expected]));
    assert_eq!(run(&m, "indirect", &[]).outcome, Ok(vec![expected]));
    let args: Vec<i64> = (100..100 + n as i64).collect();
    assert_eq!(run(&m, "wide", &args).outcome, Ok(args.clone()));
}

/// Shapes where the translation checks a charge later than the metering
/// makes it (`Translator::defer_charge`): a loop testing its condition
/// at the top (a `br_if` into its body's block, the fall-through leaving),
/// `if` arms with and without `else`, a block entered only by `br_if`s
/// carrying different charges and values, a block entered by a `br_if`
/// and by falling through, the same in a function that calls and in an
/// inlined one, an `if` arm and a loop's exit ending in locals only, and
/// charges next to what may
/// trap or be observed (a division, a load, a store, a global).
const DEFERRED_CHARGES: &str = r#"
(module
  (memory 1)
  (global $g (mut i32) (i32.const 0))
  (func (export "top_tested") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (loop $next
        (block $body
          (br_if $body (i32.lt_u (local.get $i) (local.get $n)))
          (br $done))
        ;; divides by zero at i = 7
        (local.set $acc (i32.add (local.get $acc)
          (i32.div_u (i32.const 700) (i32.sub (i32.const 7) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $acc))
  (func (export "arms") (param i32 i32) (result i32)
    (if (result i32) (i32.and (local.get 0) (i32.const 1))
      (then (i32.div_u (i32.const 100) (local.get 1)))
      (else (i32.load (local.get 1)))))
  (func (export "then_only") (param i32 i32) (result i32)
    (if (local.get 0)
      (then (i32.store (local.get 1) (i32.const 9))))
    (global.set $g (i32.const 5))
    (i32.add (i32.load (i32.const 0)) (global.get $g)))
  (func (export "two_edges") (param i32 i32) (result i32)
    (i32.div_u (i32.const 1000)
      (block $out (result i32)
        (br_if $out (i32.const 1) (i32.eqz (local.get 0)))
        (local.set 0 (i32.mul (local.get 0) (i32.const 3)))
        (br_if $out (i32.add (local.get 0) (local.get 1)) (i32.gt_u (local.get 0) (i32.const 6)))
        (local.set 1 (i32.xor (local.get 1) (local.get 0)))
        (br_if $out (local.get 1) (i32.ne (local.get 1) (i32.const 5)))
        (unreachable))))
  (func (export "joined") (param i32) (result i32)
    (block $joined
      (br_if $joined (local.get 0))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1))))
    (i32.div_u (i32.const 10) (i32.add (local.get 0) (i32.const 1))))
  ;; Transparent tails: an if's then arm, a loop's exit path.
  (func (export "tails") (param i32 i32) (result i32)
    (local $i i32)
    (if (local.get 0) (then (local.set 1 (i32.add (local.get 1) (i32.const 3)))))
    (loop $again
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $i) (local.get 0)))
      (local.set 1 (i32.xor (local.get 1) (local.get $i))))
    (i32.div_u (i32.const 1000) (local.get 1)))
  (func (export "stored_first") (param i32) (result i32)
    (block $out
      (i32.store (i32.const 4) (local.get 0))
      (br_if $out (local.get 0))
      (i32.store (i32.const 8) (i32.const 1)))
    (i32.div_u (i32.load (i32.const 4)) (i32.load (i32.const 8))))
  ;; Not a leaf: its height lives in the global; the wrapper block is
  ;; entered only by the br_if's edge.
  (func $early (export "early") (param i32) (result i32)
    (i32.store (i32.const 12) (call $id (local.get 0)))
    (br_if 0 (i32.const 7) (local.get 0))
    (unreachable))
  (func $id (param i32) (result i32) (local.get 0))
  ;; A leaf inlined into its callers, the same shape.
  (func $early_leaf (param i32) (result i32)
    (global.set $g (local.get 0))
    (br_if 0 (i32.const 8) (local.get 0))
    (unreachable))
  (func (export "inlined") (param i32) (result i32)
    (i32.add (call $early (local.get 0)) (call $early_leaf (local.get 0))))
  ;; Two levels that call, then a trap in the outer one after they
  ;; return: the height the exits stored back is the trap's.
  (func (export "chain") (param i32) (result i32)
    (drop (call $early (i32.const 1)))
    (if (local.get 0) (then unreachable))
    (call $early (local.get 0))))
"#;

#[test]
fn deferred_charges_trap_where_the_metering_charges() {
    let prepared = prepare(DEFERRED_CHARGES);
    let cases: [(&str, &[i64]); 27] = [
        ("top_tested", &[0]),
        ("top_tested", &[5]),
        ("top_tested", &[9]),
        ("arms", &[1, 4]),
        ("arms", &[1, 0]),
        ("arms", &[0, 8]),
        ("arms", &[0, 65534]),
        ("then_only", &[1, 0]),
        ("then_only", &[0, 0]),
        ("then_only", &[1, 65536]),
        ("two_edges", &[0, 0]),
        ("two_edges", &[3, 1]),
        ("two_edges", &[1, 4]),
        ("two_edges", &[1, 6]),
        ("joined", &[0]),
        ("joined", &[-1]),
        ("tails", &[0, 0]),
        ("tails", &[2, 0]),
        ("tails", &[3, 0]),
        ("stored_first", &[0]),
        ("stored_first", &[3]),
        ("early", &[1]),
        ("early", &[0]),
        ("inlined", &[2]),
        ("inlined", &[0]),
        ("chain", &[1]),
        ("chain", &[0]),
    ];
    // Checked where the metering charges (slots) and later (the default
    // and the baseline): the same outcome, gas and stack height at every
    // limit.
    let deferred = sweeps_agree(&prepared, &cases, u64::MAX);
    // The sweep met every kind of end.
    for needle in [
        "OutOfGas",
        "IntegerDivideByZero",
        "MemoryOutOfBounds",
        "Unreachable",
        "Ok(",
    ] {
        assert!(
            deferred.iter().any(|seen| seen.contains(needle)),
            "{needle}"
        );
    }
    assert_eq!(
        outcomes(&prepared, &cases),
        [
            Ok(vec![0]),
            Ok(vec![100 + 116 + 140 + 175 + 233]),
            trap(TrapKind::IntegerDivideByZero),
            Ok(vec![25]),
            trap(TrapKind::IntegerDivideByZero),
            Ok(vec![0]),
            trap(TrapKind::MemoryOutOfBounds),
            Ok(vec![14]),
            Ok(vec![5]),
            trap(TrapKind::MemoryOutOfBounds),
            Ok(vec![1000]),
            Ok(vec![100]),
            Ok(vec![142]),
            trap(TrapKind::Unreachable),
            trap(TrapKind::IntegerDivideByZero),
            trap(TrapKind::IntegerDivideByZero),
            Ok(vec![1000]),
            Ok(vec![1000]),
            trap(TrapKind::IntegerDivideByZero),
            Ok(vec![0]),
            trap(TrapKind::IntegerDivideByZero),
            Ok(vec![7]),
            trap(TrapKind::Unreachable),
            Ok(vec![15]),
            trap(TrapKind::Unreachable),
            trap(TrapKind::Unreachable),
            trap(TrapKind::Unreachable),
        ]
    );
}

/// `global.set`s between the metering's charges (see
/// `Translator::defer_charge`, which checks a pending charge before
/// one): after an out-of-gas trap each global holds what the metering's
/// own checks would have left. `fib` is rustc's shape (a shadow-stack pointer moved at entry and
/// back at exit, a `br_if` over the recursion); `arms` stores in both
/// arms of an `if` and before it; `edges` stores before two `br_if`
/// edges into one block and again before the fall-through; `twice`
/// stores one global twice and another, i64, between charges.
const GLOBAL_STORES: &str = r#"
(module
  (memory 1)
  (global $sp (mut i32) (i32.const 1024))
  (global $a (mut i32) (i32.const 0))
  (global $w (mut i64) (i64.const 0))
  (func $fib (export "fib") (param $n i32) (result i64)
    (local $frame i32) (local $r i64)
    (global.set $sp (local.tee $frame (i32.sub (global.get $sp) (i32.const 16))))
    (block $done
      (block $small
        (br_if $small (i32.lt_u (local.get $n) (i32.const 2)))
        (i32.store offset=8 (local.get $frame) (i32.sub (local.get $n) (i32.const 1)))
        (local.set $r (call $fib (i32.load offset=8 (local.get $frame))))
        (i32.store offset=12 (local.get $frame) (i32.sub (local.get $n) (i32.const 2)))
        (local.set $r (i64.add (local.get $r)
          (call $fib (i32.load offset=12 (local.get $frame)))))
        (br $done))
      (local.set $r (i64.extend_i32_u (local.get $n))))
    (global.set $sp (i32.add (local.get $frame) (i32.const 16)))
    (local.get $r))
  (func (export "arms") (param i32 i32) (result i32)
    (global.set $a (i32.add (global.get $a) (local.get 1)))
    (if (result i32) (local.get 0)
      (then
        (global.set $a (i32.mul (global.get $a) (i32.const 3)))
        (i32.div_u (i32.const 100) (local.get 1)))
      (else
        (global.set $w (i64.extend_i32_u (local.get 1)))
        (i32.load (local.get 1)))))
  (func (export "edges") (param i32 i32) (result i32)
    (global.set $a (local.get 0))
    (i32.div_u (i32.const 1000)
      (block $out (result i32)
        (drop (br_if $out (i32.const 1) (i32.eqz (local.get 0))))
        (global.set $a (i32.add (global.get $a) (i32.const 7)))
        (drop (br_if $out (local.get 1) (i32.gt_u (local.get 0) (i32.const 6))))
        (global.set $w (i64.const -1))
        (local.get 0))))
  (func (export "twice") (param i32) (result i32)
    (global.set $a (i32.const 1))
    (global.set $w (i64.const 2))
    (global.set $a (i32.add (global.get $a) (local.get 0)))
    (if (local.get 0) (then (global.set $a (i32.const 9))))
    (i32.div_u (global.get $a) (local.get 0))))
"#;

#[test]
fn global_stores_under_a_pending_charge_end_as_the_metering_does() {
    let prepared = prepare(GLOBAL_STORES);
    let cases: [(&str, &[i64]); 11] = [
        ("fib", &[0]),
        ("fib", &[1]),
        ("fib", &[6]),
        ("arms", &[1, 4]),
        ("arms", &[1, 0]),
        ("arms", &[0, 8]),
        ("arms", &[0, 65534]),
        ("edges", &[0, 3]),
        ("edges", &[9, 0]),
        ("edges", &[2, 5]),
        ("twice", &[0]),
    ];
    // Every limit: a store the metering's check would stop is not made.
    let seen = sweeps_agree(&prepared, &cases, u64::MAX);
    for needle in [
        "OutOfGas",
        "IntegerDivideByZero",
        "MemoryOutOfBounds",
        "Ok(",
    ] {
        assert!(seen.iter().any(|seen| seen.contains(needle)), "{needle}");
    }
    assert_eq!(
        outcomes(&prepared, &cases),
        [
            Ok(vec![0]),
            Ok(vec![1]),
            Ok(vec![8]),
            Ok(vec![25]),
            trap(TrapKind::IntegerDivideByZero),
            Ok(vec![0]),
            trap(TrapKind::MemoryOutOfBounds),
            Ok(vec![1000]),
            trap(TrapKind::IntegerDivideByZero),
            Ok(vec![500]),
            trap(TrapKind::IntegerDivideByZero),
        ]
    );
}

/// Byte compares, as `memcmp` compiles: two loads, a `br_if` out, the
/// next segment. The translation checks one charge per iteration, the
/// loads keeping the first pending (`Translator::charge_ahead`); a load
/// that traps checks the pending charge first, each loop its own.
const LOADS_UNDER_A_PENDING_CHARGE: &str = r#"
(module
  (memory 1)
  (data (i32.const 0) "\00\00\00\00\00\09")
  ;; Two byte compares whose segments cost differently: their loads'
  ;; trap paths check different pending charges.
  (func (export "two_loops") (param $a i32) (param $b i32) (param $n i32) (result i32)
    (local $x i32) (local $y i32) (local $m i32)
    (local.set $m (local.get $n))
    (block $done
      (loop $next
        (local.set $x (i32.load8_u (local.get $a)))
        (local.set $y (i32.load16_u offset=1 (local.get $b)))
        (br_if $done (i32.ne (local.get $x) (local.get $y)))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
    (block $done
      (loop $next
        (local.set $x (i32.xor (i32.load8_u (local.get $b)) (i32.const 3)))
        (local.set $y (i32.add (i32.load8_u offset=2 (local.get $a)) (i32.const 3)))
        (br_if $done (i32.ne (local.get $x) (local.get $y)))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br_if $next (local.tee $m (i32.sub (local.get $m) (i32.const 1))))))
    (i32.sub (local.get $x) (local.get $y))))
"#;

/// More shapes around loads under a pending charge (from a review of
/// df65ac1): a trap with no charge pending before the loop, a widened
/// check; loads in both arms of an `if`; a load whose index is loaded;
/// an inlined callee with a loop of its own inside a loop; a block
/// entered only by `br_if` edges that carry a charge.
const LOADS_IN_MORE_SHAPES: &str = r#"
(module
  (memory 1)
  (data (i32.const 0) "\00\00\01\02\03\04\05\06")
  (func (export "shared") (param $a i32) (param $b i32) (param $n i32) (result i32)
    (local $x i32) (local $y i32)
    (local.set $x (i32.load8_u (local.get $b)))
    (block $done
      (loop $next
        (local.set $x (i32.load8_u (local.get $a)))
        (local.set $y (i32.load8_u offset=1 (local.get $a)))
        (br_if $done (i32.ne (local.get $x) (local.get $y)))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
    (i32.add (local.get $x) (local.get $y)))
  (func (export "arms") (param $a i32) (param $n i32) (result i32)
    (local $s i32) (local $x i32)
    (block $done
      (loop $next
        (if (i32.and (local.get $n) (i32.const 1))
          (then
            (local.set $x (i32.load8_u (local.get $a)))
            (br_if $done (i32.eq (local.get $x) (i32.const 7)))
            (local.set $s (i32.add (local.get $s) (local.get $x))))
          (else
            (local.set $x (i32.load16_u (local.get $a)))
            (br_if $done (i32.eq (local.get $x) (i32.const 7)))
            (local.set $s (i32.sub (local.get $s) (local.get $x)))))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
    (local.get $s))
  (func (export "indirect") (param $p i32) (param $n i32) (result i32)
    (local $i i32) (local $x i32) (local $y i32)
    (block $out
      (loop $l
        (br_if $out (i32.eq (local.get $i) (local.get $n)))
        (local.set $x (i32.load8_u (local.get $i)))
        (local.set $y (i32.load8_u (i32.add (local.get $p) (local.get $x))))
        (br_if $out (i32.eq (local.get $y) (i32.const 255)))
        (local.set $x (i32.add (local.get $x) (local.get $y)))
        (i32.store8 offset=100 (local.get $i) (local.get $x))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $i))
  (func $scan (param $a i32) (param $n i32) (result i32)
    (local $x i32)
    (block $done
      (loop $next
        (local.set $x (i32.load8_u (local.get $a)))
        (br_if $done (local.get $x))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
    (local.get $x))
  (func (export "outer") (param $a i32) (param $n i32) (result i32)
    (local $s i32)
    (block $done
      (loop $l
        (local.set $s (i32.add (local.get $s) (call $scan (local.get $a) (i32.const 4))))
        (local.set $s (i32.add (local.get $s) (i32.load8_u offset=2 (local.get $a))))
        (br_if $done (i32.gt_u (local.get $s) (i32.const 100)))
        (local.set $a (i32.add (local.get $a) (i32.const 3)))
        (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
    (local.get $s))
  (func (export "carried") (param $a i32) (param $n i32) (result i32)
    (local $x i32)
    (block $out
      (loop $l
        (block $b
          (br_if $b (i32.lt_u (local.get $n) (i32.const 100)))
          (br_if $b (i32.eq (local.get $n) (i32.const 200)))
          (br $out))
        (local.set $x (i32.add (local.get $x) (i32.load8_u offset=3 (local.get $a))))
        (br_if $out (i32.gt_u (local.get $x) (i32.const 200)))
        (local.set $x (i32.add (local.get $x) (i32.load8_u (local.get $a))))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $l)))
    (local.get $x)))
"#;

#[test]
fn loads_under_a_pending_charge_trap_as_the_metering_does() {
    let compare: [(&str, &[i64]); 6] = [
        // The first loop ends at the sixth byte, the second when $n runs out.
        ("two_loops", &[0, 16, 8]),
        // Out of bounds: the first loop's second load in its fifth
        // iteration, its first load in the second, the second loop's.
        ("two_loops", &[65530, 65530, 10]),
        ("two_loops", &[65535, 0, 3]),
        ("two_loops", &[65530, 0, 3]),
        ("two_loops", &[65534, 0, 5]),
        ("two_loops", &[0, 100, 2]),
    ];
    let more: [(&str, &[i64]); 17] = [
        ("shared", &[8, 70000, 3]),
        ("shared", &[65530, 8, 10]),
        ("shared", &[8, 8, 5]),
        ("arms", &[65530, 10]),
        ("arms", &[65531, 9]),
        ("arms", &[8, 20]),
        ("indirect", &[65534, 10]),
        ("indirect", &[0, 100]),
        ("indirect", &[65533, 6]),
        ("outer", &[65520, 10]),
        ("outer", &[8, 5]),
        ("outer", &[65530, 3]),
        ("outer", &[65531, 3]),
        ("carried", &[65530, 0]),
        ("carried", &[65520, 190]),
        ("carried", &[10, 0]),
        ("carried", &[65535, 99]),
    ];
    let oob = || trap(TrapKind::MemoryOutOfBounds);
    let modules = [
        (
            LOADS_UNDER_A_PENDING_CHARGE,
            &compare[..],
            vec![Ok(vec![0]), oob(), oob(), oob(), oob(), Ok(vec![-9])],
        ),
        (
            LOADS_IN_MORE_SHAPES,
            &more[..],
            vec![
                oob(),
                oob(),
                Ok(vec![0]),
                oob(),
                oob(),
                Ok(vec![0]),
                oob(),
                Ok(vec![100]),
                oob(),
                oob(),
                Ok(vec![0]),
                oob(),
                oob(),
                oob(),
                Ok(vec![0]),
                Ok(vec![0]),
                oob(),
            ],
        ),
    ];
    for (wat, cases, expected) in modules {
        let prepared = prepare(wat);
        // Every limit, so also those where the gas runs out in the
        // iteration whose load traps: OutOfGas there, as the metering's
        // check would.
        let seen = sweeps_agree(&prepared, cases, u64::MAX);
        for needle in ["OutOfGas", "MemoryOutOfBounds", "Ok("] {
            assert!(seen.iter().any(|seen| seen.contains(needle)), "{needle}");
        }
        assert_eq!(outcomes(&prepared, cases), expected);
    }
}

/// Counted loops the optimising pipeline versions (see
/// `translate::versioning`): `fill` (the exit test first, an early exit,
/// the counter from a parameter), `rounds` (rustc's shape, the exit
/// code inside the loop), `words` (a pointer run up to an end pointer,
/// the limit a local), `strided` (the test last, the body running
/// before it), `checksum` (a pointer stepping beside the counter) and
/// `nested` (rustc's shape whose exit code, shared by both copies, runs
/// a versioned loop of its own); and two shapes a review found unsound
/// in the first versions: `no_exit_code` (rustc's block with nothing
/// after the test, both ways going on into the body: not a counted
/// loop) and `inlined_exit` (a small leaf inlined into the exit code,
/// whose charges must keep their compares). Each copy must end as the other would: cases
/// where the guard holds, and where it fails because an access of a
/// later iteration is out of bounds, the counter does not meet the limit
/// (it starts past it, or off its step), or the gas would not last.
const COUNTED_LOOPS: &str = r#"
(module
  (memory 1)
  (func (export "fill") (param $base i32) (param $i i32) (result i32) (local $sum i32)
    (block $out
      (loop $top
        (br_if $out (i32.eq (local.get $i) (i32.const 256)))
        (br_if $out (i32.gt_u (local.get $i) (i32.const 4096)))
        (i32.store offset=8 (i32.add (local.get $base) (local.get $i))
          (i32.mul (local.get $i) (i32.const 3)))
        (local.set $sum (i32.add (local.get $sum)
          (i32.load offset=8 (i32.add (local.get $base) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $top)))
    (local.get $sum))
  (func (export "rounds") (param $base i32) (result i32) (local $i i32) (local $acc i32)
    (block $out
      (loop $top
        (block $body
          (br_if $body (i32.ne (local.get $i) (i32.const 64)))
          (i32.store (local.get $base) (local.get $acc))
          (br $out))
        (local.set $acc (i32.xor (i32.rotl (local.get $acc) (i32.const 5))
          (i32.add (local.get $i) (i32.load (i32.add (local.get $i) (local.get $base))))))
        (i32.store8 offset=100 (i32.add (local.get $base) (local.get $i)) (local.get $acc))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $top)))
    (local.get $acc))
  (func (export "words") (param $p i32) (param $end i32) (result i32)
    (block $out
      (loop $top
        (br_if $out (i32.eq (local.get $end) (local.get $p)))
        (i32.store offset=1024 (local.get $p)
          (i32.add (i32.load (local.get $p)) (local.get $p)))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $top)))
    (i32.load offset=1020 (local.get $p)))
  (func (export "strided") (param $base i32) (param $i i32) (result i32) (local $sum i32)
    (loop $top
      (local.set $sum (i32.add (local.get $sum)
        (i32.load16_u offset=2 (i32.add (local.get $base) (local.get $i)))))
      (i32.store16 (i32.add (local.get $base) (local.get $i)) (local.get $sum))
      (br_if $top (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 2)))
        (i32.const 512))))
    (local.get $sum))
  (func (export "checksum") (param $p i32) (param $n i32) (result i32) (local $i i32) (local $sum i32)
    (loop $top
      (local.set $sum (i32.xor (i32.mul (local.get $sum) (i32.const 31))
        (i32.add (local.get $i) (i32.load (local.get $p)))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br_if $top (i32.ne (local.get $n)
        (local.tee $i (i32.add (local.get $i) (i32.const 1))))))
    (local.get $sum))
  (func (export "nested") (param $base i32) (param $j i32) (result i32) (local $i i32)
    (block $out
      (loop $top
        (block $body
          (br_if $body (i32.ne (local.get $i) (i32.const 64)))
          (i32.store (local.get $base) (i32.popcnt (local.get $j)))
          (loop $inner
            (br_if $out (i32.eq (local.get $j) (i32.const 160)))
            (i32.store offset=200 (i32.add (local.get $base) (local.get $j))
              (i32.load offset=4 (i32.add (local.get $base) (local.get $j))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $inner)))
        (i32.store offset=4 (i32.add (local.get $base) (local.get $i))
          (i32.mul (local.get $i) (local.get $j)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $top)))
    (i32.load (local.get $base)))
  (func (export "no_exit_code") (param $i i32)
    (loop $top
      (block $body (br_if $body (i32.ne (local.get $i) (i32.const 256))))
      (i32.store (local.get $i) (i32.const 7))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $top)))
  (func $leaf (param i32) (result i32)
    (memory.fill (i32.const 0) (i32.const 0) (local.get 0))
    (i32.add (i32.mul (local.get 0) (i32.const 5)) (i32.const 7)))
  (func (export "inlined_exit") (param $size i32) (result i32) (local $i i32)
    (block $out
      (loop $top
        (block $body
          (br_if $body (i32.ne (local.get $i) (i32.const 64)))
          (return (call $leaf (local.get $size))))
        (i32.store (local.get $i) (local.get $i))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $top)))
    (i32.const -1)))
"#;

#[test]
fn versioned_loops_end_as_checked_loops_do() {
    let prepared = prepare(COUNTED_LOOPS);
    let cases: [(&str, &[i64]); 29] = [
        ("fill", &[0, 0]),
        ("fill", &[100, 8]),
        ("fill", &[65536 - 200, 0]),
        ("fill", &[0, 6]),
        ("fill", &[0, 300]),
        ("fill", &[65536 - 300, 300]),
        ("rounds", &[0]),
        ("rounds", &[65536 - 150]),
        ("rounds", &[65536 - 4]),
        ("words", &[0, 400]),
        ("words", &[63000, 65000]),
        ("words", &[0, 2]),
        ("words", &[500, 100]),
        ("strided", &[0, 0]),
        ("strided", &[7, 510]),
        ("strided", &[65536 - 300, 0]),
        ("strided", &[0, 512]),
        ("strided", &[0, 1]),
        ("checksum", &[0, 100]),
        ("checksum", &[100, 1]),
        ("checksum", &[65536 - 40, 100]),
        ("checksum", &[0, 0]),
        ("nested", &[0, 0]),
        ("nested", &[1000, 80]),
        ("nested", &[65536 - 300, 0]),
        ("nested", &[65536 - 50, 0]),
        ("no_exit_code", &[0]),
        ("inlined_exit", &[16]),
        ("inlined_exit", &[65536]),
    ];
    sweeps_agree(&prepared, &cases, 400);
    // The sum of `3 i` over the counter's values, as an i32.
    let fill = |from: i64| -> i64 {
        let stop = if from <= 256 && (256 - from) % 4 == 0 {
            256
        } else {
            4097
        };
        i64::from((from..stop).step_by(4).map(|i| i * 3).sum::<i64>() as i32)
    };
    let outcomes = outcomes(&prepared, &cases);
    assert_eq!(outcomes[0], Ok(vec![fill(0)]));
    assert_eq!(outcomes[1], Ok(vec![fill(8)]));
    assert_eq!(outcomes[2], trap(TrapKind::MemoryOutOfBounds));
    assert_eq!(outcomes[3], Ok(vec![fill(6)]));
    assert_eq!(outcomes[4], Ok(vec![fill(300)]));
    assert_eq!(outcomes[5], trap(TrapKind::MemoryOutOfBounds));
    assert!(outcomes[6].is_ok(), "{:?}", outcomes[6]);
    assert_eq!(outcomes[7], trap(TrapKind::MemoryOutOfBounds));
    assert_eq!(outcomes[8], trap(TrapKind::MemoryOutOfBounds));
    // The last word stored: the zero at 396 plus its address.
    assert_eq!(outcomes[9], Ok(vec![396]));
    for outcome in &outcomes[10..13] {
        assert_eq!(*outcome, trap(TrapKind::MemoryOutOfBounds));
    }
    // Memory starts zeroed: every half-word loaded is 0.
    assert_eq!(outcomes[13], Ok(vec![0]));
    assert_eq!(outcomes[14], Ok(vec![0]));
    for outcome in &outcomes[15..18] {
        assert_eq!(*outcome, trap(TrapKind::MemoryOutOfBounds));
    }
    // Over zeroed memory: sum = sum × 31 ^ i.
    let checksum = |n: i32| (0..n).fold(0i32, |sum, i| sum.wrapping_mul(31) ^ i);
    assert_eq!(outcomes[18], Ok(vec![i64::from(checksum(100))]));
    assert_eq!(outcomes[19], Ok(vec![0]));
    for outcome in &outcomes[20..22] {
        assert_eq!(*outcome, trap(TrapKind::MemoryOutOfBounds));
    }
    // The exit code stores the popcount of $j as it came.
    assert_eq!(outcomes[22], Ok(vec![0]));
    assert_eq!(outcomes[23], Ok(vec![2]));
    for outcome in &outcomes[24..27] {
        assert_eq!(*outcome, trap(TrapKind::MemoryOutOfBounds));
    }
    assert_eq!(outcomes[27], Ok(vec![16 * 5 + 7]));
    assert_eq!(outcomes[28], Ok(vec![65536 * 5 + 7]));
}

/// [`COUNTED_LOOPS`] with arguments at the edges of their guards: the
/// last base or end whose guard holds, the ones where it fails though
/// every access is in bounds (it bounds the counter by its limit and a
/// pointer by one more trip), and the first that traps.
#[test]
fn versioned_loops_agree_at_their_guards_edges() {
    let prepared = prepare(COUNTED_LOOPS);
    let mut cases: Vec<(&str, Vec<i64>)> = Vec::new();
    // fill: base + 256 + 8 + 4 <= 65536 holds up to 65268; the last store
    // (i = 252) is in bounds up to 65272.
    for base in 65266..=65274 {
        cases.push(("fill", vec![base, 0]));
    }
    // words: end + 1024 + 4 <= 65536 up to 64508.
    for end in [64504, 64508, 64512, 64516] {
        cases.push(("words", vec![end - 400, end]));
    }
    // strided: base + 512 + 2 + 2 <= 65536 up to 65020.
    for base in 65018..=65024 {
        cases.push(("strided", vec![base, 0]));
    }
    // checksum: p + 101 × 4 + 4 <= 65536 up to 65128; the last load
    // (p + 396) is in bounds up to 65136.
    for p in 65126..=65138 {
        cases.push(("checksum", vec![p, 100]));
    }
    let cases: Vec<(&str, &[i64])> = cases
        .iter()
        .map(|(export, args)| (*export, &args[..]))
        .collect();
    sweeps_agree(&prepared, &cases, 3);
    let outcomes = outcomes(&prepared, &cases);
    // Both sides of each edge ran: some returned, some trapped.
    for export in ["fill", "words", "strided", "checksum"] {
        let of = |ok: bool| {
            cases
                .iter()
                .zip(&outcomes)
                .any(|((name, _), outcome)| *name == export && outcome.is_ok() == ok)
        };
        assert!(of(true) && of(false), "{export}: {outcomes:?}");
    }
}

/// Loops counting down to 0 that the optimising pipeline versions (see
/// `translate::versioning`, `Limit::Zero`): `compare`, compiler-builtins'
/// `memcmp` (two pointers stepping by 1, a mismatch leaving early), as a
/// function of its own and inlined into `compare_inlined`; `clear`, the
/// counter in the index, stepping by 8. Each copy must end as the other
/// would: the guard holding, and failing because a later iteration's
/// access is out of bounds, the count is 0 (the decrement wraps and the
/// loop runs on) or off its step, or the gas would not last.
const COUNTED_DOWN_LOOPS: &str = include_str!("counted_down_loops.wat");

#[test]
fn loops_counting_down_end_as_checked_loops_do() {
    let prepared = prepare(COUNTED_DOWN_LOOPS);
    let mut cases: Vec<(&str, Vec<i64>)> = Vec::new();
    for export in ["compare", "compare_inlined"] {
        for args in [
            [4096, 8192, 8],
            [4096, 8192, 7],
            [0, 100, 1000],
            [0, 0, 0],
            [65536 - 100, 0, 100],
            [65536 - 100, 0, 200],
            [100, 65536 - 30, 40],
        ] {
            cases.push((export, args.to_vec()));
        }
    }
    for args in [[0, 256], [100, 4096], [65536 - 270, 256], [0, 0], [0, 12]] {
        cases.push(("clear", args.to_vec()));
    }
    // From 0, the decrement wraps: the loop runs to the end of memory.
    for args in [[0, 100], [65536 - 50, 64], [65536 - 10, 0]] {
        cases.push(("fill_down", args.to_vec()));
    }
    // The memory grown after an inlined callee's versioned loop, in the
    // callee and in the caller: the length is loaded again.
    cases.push(("grow_in_inlined", vec![]));
    cases.push(("grow_after_inlined", vec![]));
    // The guards' edges: compare holds while a + (n + 1) + 1 <= 65536 (the
    // last byte read is a + n - 1); clear while base + i + 16 <= 65536.
    for a in 65536 - 105..=65536 - 98 {
        cases.push(("compare", vec![a, 0, 100]));
    }
    for base in 65536 - 275..=65536 - 270 {
        cases.push(("clear", vec![base, 256]));
    }
    let cases: Vec<(&str, &[i64])> = cases
        .iter()
        .map(|(export, args)| (*export, &args[..]))
        .collect();
    let seen = sweeps_agree(&prepared, &cases, 300);
    for needle in ["OutOfGas", "MemoryOutOfBounds", "Ok("] {
        assert!(seen.iter().any(|seen| seen.contains(needle)), "{needle}");
    }
    let outcomes = outcomes(&prepared, &cases);
    let oob = trap(TrapKind::MemoryOutOfBounds);
    for (offset, base) in [(0, 0), (7, 1000)] {
        let at = |i: usize| &outcomes[offset + i];
        assert_eq!(*at(0), Ok(vec![base + i64::from(b'h') - i64::from(b'X')]));
        assert_eq!(*at(1), Ok(vec![base]));
        assert_eq!(*at(2), Ok(vec![base]));
        assert_eq!(*at(3), Ok(vec![base]));
        assert_eq!(*at(4), Ok(vec![base]));
        assert_eq!(*at(5), oob);
        assert_eq!(*at(6), oob);
    }
    // The word stored last at 16 holds the counter's last value, 8.
    assert_eq!(outcomes[14], Ok(vec![8]));
    assert_eq!(outcomes[15], Ok(vec![8]));
    for outcome in &outcomes[16..19] {
        assert_eq!(*outcome, oob);
    }
    assert_eq!(outcomes[19], Ok(vec![100]));
    assert_eq!(outcomes[20], oob);
    assert_eq!(outcomes[21], oob);
    // "abcdefgh" and 8 zeros, then the 41 stored in the new page.
    let abc: i64 = b"abcdefgh".iter().map(|&b| i64::from(b)).sum();
    assert_eq!(outcomes[22], Ok(vec![abc + 41]));
    assert_eq!(outcomes[23], Ok(vec![0]));
    // Both sides of each edge ran.
    let edges = &outcomes[24..];
    assert!(
        edges.iter().any(|o| o.is_ok()) && edges.contains(&oob),
        "{edges:?}"
    );
}
