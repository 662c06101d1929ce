//! `memory.copy` and `memory.fill` of a length not done inline (variable,
//! 0, or over 128 bytes): bounds checks in the generated code against the
//! memory length the function holds, then a libcall that cannot fail
//! (a `memmove`/`memset` from the context's base). They must end as
//! wasmi does (result or trap, gas, memory) after the length changed —
//! `memory.grow` in the function, in a called one, in an inlined one, in
//! a loop, in another instance sharing the memory — at the memory's end,
//! with 0 bytes, where 32-bit `start + len` would wrap, on overlapping
//! ranges, and out of gas before out of bounds; in every engine
//! configuration.
#![allow(missing_docs)]

mod common;

use common::prepare;
use gasket_harness::differential;
use gasket_vm::{Engine, Imports, Instance, Trap, TrapKind, Value};

/// The engine configurations whose outcomes must all be wasmi's.
fn engines() -> Vec<(&'static str, Engine)> {
    vec![
        ("optimising", differential::engine()),
        ("baseline", differential::baseline_engine()),
        ("slots", differential::slots_engine()),
        ("host cpu", differential::host_cpu_engine()),
        (
            "host cpu baseline",
            differential::on_host_cpu(&differential::baseline_engine()),
        ),
        (
            "host cpu slots",
            differential::on_host_cpu(&differential::slots_engine()),
        ),
    ]
}

/// Lengths come from mutable globals, so the translator never sees a
/// constant (a constant 1..=128 would be done inline).
const SINGLE: &str = r#"
(module
  (memory (export "mem") 1 4)
  (global $len (mut i32) (i32.const 300))
  (global $zero (mut i32) (i32.const 0))
  (global $all (mut i32) (i32.const -1))
  (data (i32.const 0) "0123456789abcdefghijklmnopqrstuvwxyz")
  ;; Calls: never inlined.
  (func $grow_far (param i32) (result i32) (call $grow_near (local.get 0)))
  ;; A small leaf: inlined by the optimising tier.
  (func $grow_near (param i32) (result i32) (memory.grow (local.get 0)))
  (func $end (result i32) (i32.mul (memory.size) (i32.const 65536)))

  (func (export "grow_here") (result i32)
    (drop (memory.grow (i32.const 1)))
    (memory.copy (i32.sub (i32.const 131072) (global.get $len)) (i32.const 0) (global.get $len))
    (memory.fill (i32.const 65536) (i32.const 0x5a) (global.get $len))
    (memory.copy (i32.const 131072) (i32.const 0) (global.get $zero))
    (i32.add (i32.load8_u (i32.const 131071)) (i32.load8_u (i32.const 65536))))
  (func (export "grow_here_then_past_end")
    (drop (memory.grow (i32.const 1)))
    (memory.fill (i32.sub (i32.const 131072) (global.get $len)) (i32.const 1) (global.get $len))
    (memory.fill (i32.sub (i32.const 131073) (global.get $len)) (i32.const 2) (global.get $len)))
  (func (export "grow_in_callee") (result i32)
    (drop (call $grow_far (i32.const 2)))
    (memory.fill (i32.sub (i32.const 196608) (global.get $len)) (i32.const 0x33) (global.get $len))
    (memory.copy (i32.const 150000) (i32.sub (i32.const 196608) (global.get $len)) (global.get $len))
    (i32.load8_u (i32.const 150000)))
  (func (export "grow_inlined") (result i32)
    (drop (call $grow_near (i32.const 1)))
    (memory.copy (i32.sub (i32.const 131072) (global.get $len)) (i32.const 0) (global.get $len))
    (i32.load8_u (i32.sub (i32.const 131072) (global.get $len))))
  (func (export "grow_inlined_then_past_end")
    (drop (call $grow_near (i32.const 1)))
    (memory.copy (i32.const 0) (i32.sub (i32.const 131073) (global.get $len)) (global.get $len)))
  ;; Each round copies to the end of the memory, then grows it (in a
  ;; callee); the last round's copy is past the maximum's end.
  (func (export "grow_in_a_loop") (local $i i32)
    (loop $round
      (memory.copy (i32.sub (call $end) (global.get $len)) (i32.const 0) (global.get $len))
      (memory.fill (i32.sub (call $end) (i32.const 1000)) (local.get $i) (i32.const 700))
      (if (i32.eq (call $grow_far (i32.const 1)) (i32.const -1))
        (then (memory.copy (i32.sub (call $end) (i32.const 299)) (i32.const 0) (global.get $len))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $round (i32.lt_u (local.get $i) (i32.const 5)))))
  (func (export "zero_at_end")
    (memory.copy (i32.const 65536) (i32.const 65536) (global.get $zero))
    (memory.copy (i32.const 0) (i32.const 65536) (global.get $zero))
    (memory.fill (i32.const 65536) (i32.const 9) (global.get $zero))
    (memory.copy (i32.const 65536) (i32.const 0) (i32.const 0))
    (memory.fill (i32.const 65536) (i32.const 9) (i32.const 0)))
  (func (export "zero_past_end_dst")
    (memory.fill (i32.const 0) (i32.const 7) (global.get $len))
    (memory.copy (i32.const 65537) (i32.const 0) (global.get $zero)))
  (func (export "zero_past_end_src")
    (memory.fill (i32.const 0) (i32.const 7) (global.get $len))
    (memory.copy (i32.const 0) (i32.const 65537) (global.get $zero)))
  (func (export "zero_past_end_fill")
    (memory.fill (i32.const 0) (i32.const 7) (global.get $len))
    (memory.fill (i32.const 65537) (i32.const 7) (i32.const 0)))
  ;; start + len is 2^32 + 44, or exactly 2^32: 44 or 0 in 32 bits.
  (func (export "wrap_dst")
    (memory.copy (i32.const -256) (i32.const 0) (global.get $len)))
  (func (export "wrap_dst_exact")
    (memory.copy (i32.sub (i32.const 0) (global.get $len)) (i32.const 0) (global.get $len)))
  (func (export "wrap_src")
    (memory.copy (i32.const 0) (i32.const -256) (global.get $len)))
  (func (export "wrap_fill")
    (memory.fill (i32.sub (i32.const 0) (global.get $len)) (i32.const 1) (global.get $len)))
  ;; 4 GiB of bytes: out of gas (charged before) rather than out of bounds.
  (func (export "out_of_gas_copy")
    (memory.fill (i32.const 0) (i32.const 3) (global.get $len))
    (memory.copy (i32.const 65536) (i32.const 0) (global.get $all)))
  (func (export "out_of_gas_fill")
    (memory.fill (i32.const 0) (i32.const 3) (global.get $len))
    (memory.fill (i32.const 0) (i32.const 4) (global.get $all)))
  ;; A copy's writes are there when a later charge runs out.
  (func (export "copy_then_out_of_gas")
    (memory.copy (i32.const 1000) (i32.const 0) (global.get $len))
    (loop $spin (br $spin)))
  (func (export "overlap_up") (result i32)
    (memory.copy (i32.const 10) (i32.const 0) (global.get $len))
    (i32.load (i32.const 10)))
  (func (export "overlap_down") (result i32)
    (memory.copy (i32.const 0) (i32.const 10) (global.get $len))
    (i32.load (i32.const 0)))
  (func (export "long_constant")
    (memory.copy (i32.const 40000) (i32.const 0) (i32.const 25536))
    (memory.fill (i32.const 200) (i32.const 0xee) (i32.const 129))
    (memory.copy (i32.const 40001) (i32.const 0) (i32.const 25536)))
)
"#;

/// A memory of 0 pages that cannot grow: only 0 bytes at 0.
const EMPTY: &str = r#"
(module
  (memory (export "mem") 0 0)
  (global $zero (mut i32) (i32.const 0))
  (func (export "copy_0_at_0") (memory.copy (i32.const 0) (i32.const 0) (global.get $zero)))
  (func (export "fill_0_at_0") (memory.fill (i32.const 0) (i32.const 1) (global.get $zero)))
  (func (export "copy_0_at_1") (memory.copy (i32.const 1) (i32.const 0) (global.get $zero)))
  (func (export "fill_0_at_1") (memory.fill (i32.const 1) (i32.const 1) (global.get $zero)))
)
"#;

#[test]
fn checked_bulk_memory_agrees_with_wasmi_in_every_configuration() {
    differential::with_big_stack(|| {
        for (name, wat, exports) in [("single", SINGLE, 20), ("empty", EMPTY, 4)] {
            let wasm = wat::parse_str(wat).unwrap();
            for (config, engine) in engines() {
                let compared =
                    differential::compare_module(&engine, &wasm, 0, &format!("{name}, {config}"));
                // Every export called (a module `prepare` rejects calls none).
                assert_eq!(compared.calls, exports, "{name}, {config}: {compared:?}");
            }
        }
    });
}

const EXPORTER: &str = r#"
(module
  (memory (export "mem") 1 4)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
)
"#;

/// Uses the exporter's memory; grows it through the exporter.
const IMPORTER: &str = r#"
(module
  (import "m" "mem" (memory 1))
  (import "m" "grow" (func $grow (param i32) (result i32)))
  (func (export "grow_there_then_copy") (param $len i32) (result i32)
    (drop (call $grow (i32.const 1)))
    (memory.fill (i32.sub (i32.const 131072) (local.get $len)) (i32.const 0x77) (local.get $len))
    (memory.copy (i32.const 65536) (i32.sub (i32.const 131072) (local.get $len)) (local.get $len))
    (i32.load8_u (i32.const 65536)))
  (func (export "copy_to_end") (param $len i32)
    (memory.copy
      (i32.sub (i32.mul (memory.size) (i32.const 65536)) (local.get $len))
      (i32.const 0)
      (local.get $len)))
)
"#;

#[test]
fn checked_bulk_memory_on_a_memory_another_instance_grows() {
    let oob = Err(Trap::Wasm(TrapKind::MemoryOutOfBounds));
    let (exporter, importer) = (prepare(EXPORTER), prepare(IMPORTER));
    for (config, engine) in engines() {
        let m = engine.compile(&exporter).unwrap();
        let n = engine.compile(&importer).unwrap();
        let mut a = Instance::new(&m, Imports::new(), 1_000_000).unwrap();
        let mut imports = Imports::new();
        for name in ["mem", "grow"] {
            imports.define("m", name, a.export(name).unwrap());
        }
        let mut b = Instance::new(&n, imports, 1_000_000).unwrap();
        a.memory_mut()[..300].copy_from_slice(&[0xab; 300]);

        // Grown by the exporter during the importer's call.
        let got = b.call("grow_there_then_copy", &[Value::I32(300)]);
        assert_eq!(got, Ok(vec![Value::I32(0x77)]), "{config}");
        assert_eq!(a.memory().len(), 131072, "{config}");
        assert!(
            a.memory()[65536..65836].iter().all(|&x| x == 0x77),
            "{config}"
        );
        assert_eq!(
            b.call("grow_there_then_copy", &[Value::I32(131073)]),
            oob,
            "{config}"
        );
        // That call grew the memory before it trapped.
        assert_eq!(a.memory().len(), 196608, "{config}");

        // Grown by the exporter between the importer's calls.
        assert_eq!(a.call("grow", &[Value::I32(1)]), Ok(vec![Value::I32(3)]));
        b.call("copy_to_end", &[Value::I32(300)]).unwrap();
        assert_eq!(a.memory()[262144 - 300..], [0xab; 300], "{config}");
        b.call("copy_to_end", &[Value::I32(0)]).unwrap();
        b.call("copy_to_end", &[Value::I32(262144)]).unwrap();
        assert_eq!(
            b.call("copy_to_end", &[Value::I32(262145)]),
            oob,
            "{config}"
        );
        // At the maximum: a grow fails, the length stays.
        assert_eq!(
            b.call("grow_there_then_copy", &[Value::I32(1)]),
            Ok(vec![Value::I32(0x77)]),
            "{config}"
        );
        assert_eq!(a.memory().len(), 262144, "{config}");
    }
}
