//! Translation of the accepted subset: control flow with multi-value,
//! br_table, locals and globals, numeric and sign-extension operators,
//! bulk memory, host functions, the start function.
#![allow(missing_docs)]

mod common;

use common::{compile, prepare, run};
use gasket_vm::{Engine, EngineConfig, Imports, Instance, Trap, TrapKind, Value};

#[test]
fn multi_value_blocks_loops_and_functions() {
    let m = compile(&prepare(
        r#"(module
          (func $pair (param i32) (result i32 i32) (local.get 0) (i32.mul (local.get 0) (i32.const 3)))
          (func (export "swap_sub") (param i32 i32) (result i32)
            (local.get 0) (local.get 1)
            (block (param i32 i32) (result i32 i32)
              (local.set 0) (local.set 1) (local.get 0) (local.get 1))
            (i32.sub))
          (func (export "pair_sum") (param i32) (result i32)
            (call $pair (local.get 0)) (i32.add))
          (func (export "multi") (param i32) (result i32 i64)
            (local.get 0) (i64.extend_i32_s (local.get 0)))
          (func (export "sum_to") (param $n i32) (result i32)
            (i32.const 0)
            (loop $l (param i32) (result i32)
              (i32.add (local.get $n))
              (local.set $n (i32.sub (local.get $n) (i32.const 1)))
              (br_if $l (i32.ge_s (local.get $n) (i32.const 0)))))
          (func (export "if_params") (param i32) (result i32)
            (i32.const 10)
            (if (param i32) (result i32) (local.get 0)
              (then (i32.add (i32.const 1)))
              (else (i32.sub (i32.const 1)))))
        )"#,
    ));
    assert_eq!(run(&m, "swap_sub", &[10, 3]).outcome, Ok(vec![-7]));
    assert_eq!(run(&m, "pair_sum", &[5]).outcome, Ok(vec![20]));
    assert_eq!(run(&m, "multi", &[-2]).outcome, Ok(vec![-2, -2]));
    assert_eq!(run(&m, "if_params", &[1]).outcome, Ok(vec![11]));
    assert_eq!(run(&m, "if_params", &[0]).outcome, Ok(vec![9]));
    assert_eq!(run(&m, "sum_to", &[4]).outcome, Ok(vec![10]));
}

#[test]
fn br_table_with_values() {
    let m = compile(&prepare(
        r#"(module
          (func (export "pick") (param i32) (result i32)
            (block $d (result i32)
              (block $b (result i32)
                (block $a (result i32)
                  (i32.const 7)
                  (br_table $a $b $d (local.get 0)))
                (i32.add (i32.const 100)) (return))
              (i32.add (i32.const 200)) (return)))
        )"#,
    ));
    assert_eq!(run(&m, "pick", &[0]).outcome, Ok(vec![107]));
    assert_eq!(run(&m, "pick", &[1]).outcome, Ok(vec![207]));
    assert_eq!(run(&m, "pick", &[2]).outcome, Ok(vec![7]));
    assert_eq!(run(&m, "pick", &[99]).outcome, Ok(vec![7]));
}

#[test]
fn numeric_and_sign_extension() {
    let m = compile(&prepare(
        r#"(module
          (func (export "ext8") (param i32) (result i32) (i32.extend8_s (local.get 0)))
          (func (export "ext16") (param i32) (result i32) (i32.extend16_s (local.get 0)))
          (func (export "ext32") (param i64) (result i64) (i64.extend32_s (local.get 0)))
          (func (export "ext64_8") (param i64) (result i64) (i64.extend8_s (local.get 0)))
          (func (export "clz") (param i64) (result i64) (i64.clz (local.get 0)))
          (func (export "ctz") (param i32) (result i32) (i32.ctz (local.get 0)))
          (func (export "popcnt") (param i64) (result i64) (i64.popcnt (local.get 0)))
          (func (export "rotl") (param i32 i32) (result i32) (i32.rotl (local.get 0) (local.get 1)))
          (func (export "shr_s") (param i64 i64) (result i64) (i64.shr_s (local.get 0) (local.get 1)))
          (func (export "shl32") (param i32 i32) (result i32) (i32.shl (local.get 0) (local.get 1)))
          (func (export "wrap") (param i64) (result i32) (i32.wrap_i64 (local.get 0)))
          (func (export "extu") (param i32) (result i64) (i64.extend_i32_u (local.get 0)))
          (func (export "lt") (param i64 i64) (result i32) (i64.lt_s (local.get 0) (local.get 1)))
          (func (export "select") (param i32 i32 i32) (result i32)
            (select (local.get 0) (local.get 1) (local.get 2)))
        )"#,
    ));
    let r = |f: &str, a: &[i64]| run(&m, f, a).outcome.unwrap()[0];
    assert_eq!(r("ext8", &[0x80]), -128);
    assert_eq!(r("ext16", &[0x7fff]), 0x7fff);
    assert_eq!(r("ext32", &[0xffff_ffff]), -1);
    assert_eq!(r("ext64_8", &[0x1ff]), -1);
    assert_eq!(r("clz", &[1]), 63);
    assert_eq!(r("clz", &[0]), 64);
    assert_eq!(r("ctz", &[0]), 32);
    assert_eq!(r("popcnt", &[-1]), 64);
    assert_eq!(r("rotl", &[i64::from(0x8000_0001u32 as i32), 1]), 3);
    assert_eq!(r("shr_s", &[-16, 66]), -4);
    assert_eq!(r("shl32", &[1, 33]), 2);
    assert_eq!(r("wrap", &[0x1_0000_0005]), 5);
    assert_eq!(r("extu", &[-1]), 0xffff_ffff);
    assert_eq!(r("lt", &[-1, 0]), 1);
    assert_eq!(r("select", &[1, 2, 0]), 2);
    assert_eq!(r("select", &[1, 2, 5]), 1);
}

/// `i64.extend_i32_{u,s}` of a loaded `i32` becomes an extending load
/// (`translate::visit::numeric::widen_load`): the value keeps both
/// widths, used before its extension and after it, a second extension
/// of it is of the same 4 bytes, a store between the load and the
/// extension does not change what is extended, and a value extended
/// with its sign is still an unsigned memory index. (A use before the
/// extension fails Cranelift's verifier, on in debug builds, if the
/// `ireduce` is not right after the load.)
#[test]
fn an_extended_load_is_the_value_loaded() {
    let m = compile(&prepare(
        r#"(module (memory 1)
          (data (i32.const 8) "\f0\de\bc\9a\78\56\34\12")
          (func (export "u") (param i32) (result i64)
            (i64.extend_i32_u (i32.load (local.get 0))))
          (func (export "s") (param i32) (result i64)
            (i64.extend_i32_s (i32.load offset=4 (local.get 0))))
          (func (export "s_top") (param i32) (result i64)
            (i64.extend_i32_s (i32.load (local.get 0))))
          (func (export "both") (param i32) (result i64) (local i32)
            (local.set 1 (i32.load (local.get 0)))
            (i64.xor
              (i64.xor
                (i64.extend_i32_u (local.get 1))
                (i64.shl (i64.extend_i32_s (local.get 1)) (i64.const 1)))
              (i64.extend_i32_u (i32.add (local.get 1) (i32.const 1)))))
          (func (export "used_before") (param i32) (result i64) (local i32)
            (local.set 1 (i32.load (local.get 0)))
            (i64.add
              (i64.extend_i32_u (i32.add (local.get 1) (i32.const 1)))
              (i64.extend_i32_s (local.get 1))))
          (func (export "then_index") (param i32) (result i32) (local i32)
            (local.set 1 (i32.load (local.get 0)))
            (drop (i64.extend_i32_s (local.get 1)))
            (i32.load (local.get 1)))
          (func (export "after_join") (param i32) (result i64) (local i32)
            (local.set 1 (i32.load (local.get 0)))
            (if (local.get 0) (then nop))
            (i64.extend_i32_u (local.get 1)))
          (func (export "stored_between") (param i32) (result i64) (local i32)
            (local.set 1 (i32.load (local.get 0)))
            (i32.store (local.get 0) (i32.const 7))
            (if (i32.eqz (local.get 0)) (then (unreachable)))
            (i64.add (i64.extend_i32_u (local.get 1)) (i64.load32_u (local.get 0))))
        )"#,
    ));
    let r = |f: &str, a: &[i64]| run(&m, f, a).outcome.unwrap()[0];
    let word = 0x9abc_def0_u32;
    assert_eq!(r("u", &[8]), i64::from(word));
    assert_eq!(r("s", &[8]), 0x1234_5678);
    assert_eq!(r("s_top", &[8]), i64::from(word as i32));
    let both = u64::from(word) ^ ((i64::from(word as i32) as u64) << 1) ^ u64::from(word + 1);
    assert_eq!(r("both", &[8]), both as i64);
    assert_eq!(r("stored_between", &[8]), i64::from(word) + 7);
    assert_eq!(
        r("used_before", &[8]),
        i64::from(word + 1) + i64::from(word as i32)
    );
    // Sign-extended for the extension, zero-extended as an index.
    assert_eq!(
        run(&m, "then_index", &[8]).outcome,
        Err(Trap::Wasm(TrapKind::MemoryOutOfBounds))
    );
    assert_eq!(r("after_join", &[8]), i64::from(word));
    assert_eq!(
        run(&m, "u", &[65534]).outcome,
        Err(Trap::Wasm(TrapKind::MemoryOutOfBounds))
    );
}

#[test]
fn globals_and_start_function() {
    let m = compile(&prepare(
        r#"(module
          (global $counter (mut i64) (i64.const 40))
          (global $small (mut i32) (i32.const -5))
          (func $start (global.set $counter (i64.add (global.get $counter) (i64.const 2))))
          (start $start)
          (func (export "get") (result i64) (global.get $counter))
          (func (export "bump") (result i32)
            (global.set $small (i32.add (global.get $small) (i32.const 1)))
            (global.get $small))
        )"#,
    ));
    let mut instance = Instance::new(&m, Imports::new(), 1_000_000).unwrap();
    assert_eq!(instance.call("get", &[]), Ok(vec![Value::I64(42)]));
    assert_eq!(instance.call("bump", &[]), Ok(vec![Value::I32(-4)]));
    assert_eq!(instance.call("bump", &[]), Ok(vec![Value::I32(-3)]));
    assert!(
        instance.gas_left() < 1_000_000,
        "start and calls were charged"
    );
    assert_eq!(
        instance.call("nope", &[]),
        Err(Trap::NoSuchExport("nope".into()))
    );
    assert_eq!(
        instance.call("get", &[Value::I32(1)]),
        Err(Trap::BadArguments("get".into()))
    );
}

#[test]
fn globals_in_the_context_and_beyond_it() {
    // A module with at most 8 globals (injected gas and stack height
    // included) keeps them in the VM context, one with more in an array
    // of their own: both sides of the boundary, read and written by wasm
    // and read by the host, with an imported global among them.
    for defined in 4..=8u32 {
        let mut wat = String::from("(module (import \"env\" \"base\" (global $base i64))\n");
        for i in 0..defined {
            wat += &format!("(global $g{i} (mut i64) (i64.const {}))\n", 10 * i + 1);
        }
        wat += "(func (export \"bump\") (result i64) (local $sum i64)\n";
        for i in 0..defined {
            wat += &format!(
                "(global.set $g{i} (i64.add (global.get $g{i}) (i64.add (global.get $base) (i64.const {i}))))\n\
                 (local.set $sum (i64.add (local.get $sum) (global.get $g{i})))\n"
            );
        }
        wat += "(local.get $sum)))";
        let m = compile(&prepare(&wat));
        let count = m.info().globals.len() as u32;
        assert_eq!(count, defined + 3, "the import and the injected two");
        let mut imports = Imports::new();
        imports.global("env", "base", 1000);
        let mut instance = Instance::new(&m, imports, 1_000_000).unwrap();
        let expected: i64 = (0..defined).map(|i| i64::from(11 * i + 1001)).sum();
        assert_eq!(
            instance.call("bump", &[]),
            Ok(vec![Value::I64(expected)]),
            "{count} globals"
        );
        assert_eq!(
            instance.global(0),
            Some(Value::I64(1000)),
            "{count} globals"
        );
        for i in 0..defined {
            let value = i64::from(11 * i + 1001);
            assert_eq!(
                instance.global(1 + i),
                Some(Value::I64(value)),
                "{count} globals, global {}",
                1 + i
            );
        }
        let gas = instance.gas_left();
        assert!(gas > 0 && gas < 1_000_000, "{count} globals: gas {gas}");
        assert_eq!(
            instance.global(m.info().injected.gas_global),
            Some(Value::I64(gas))
        );
        assert_eq!(instance.stack_height(), 0, "{count} globals");
    }
}

#[test]
fn bulk_memory() {
    let m = compile(&prepare(
        r#"(module
          (memory 1)
          (data $d "hello")
          (func (export "init") (param i32 i32 i32) (result i32)
            (memory.init $d (local.get 0) (local.get 1) (local.get 2))
            (i32.load8_u (local.get 0)))
          (func (export "drop_then_init") (param i32) (result i32)
            (data.drop $d)
            (memory.init $d (i32.const 0) (i32.const 0) (local.get 0))
            (i32.const 1))
          (func (export "fill_copy") (result i32)
            (memory.fill (i32.const 100) (i32.const 0x41) (i32.const 4))
            (memory.copy (i32.const 200) (i32.const 98) (i32.const 8))
            (i32.load (i32.const 202)))
          (func (export "fill") (param i32 i32) (memory.fill (local.get 0) (i32.const 0) (local.get 1)))
        )"#,
    ));
    let oob = Err(Trap::Wasm(TrapKind::MemoryOutOfBounds));
    assert_eq!(
        run(&m, "init", &[10, 1, 4]).outcome,
        Ok(vec![i64::from(b'e')])
    );
    assert_eq!(run(&m, "init", &[10, 2, 4]).outcome, oob);
    assert_eq!(run(&m, "init", &[65535, 0, 2]).outcome, oob);
    assert_eq!(run(&m, "drop_then_init", &[0]).outcome, Ok(vec![1]));
    assert_eq!(run(&m, "drop_then_init", &[1]).outcome, oob);
    assert_eq!(run(&m, "fill_copy", &[]).outcome, Ok(vec![0x4141_4141]));
    assert_eq!(run(&m, "fill", &[65536, 0]).outcome, Ok(vec![]));
    assert_eq!(run(&m, "fill", &[65536, 1]).outcome, oob);
}

/// The memory after `name(args)` (`i32` arguments) on a new instance whose
/// memory `init` wrote first, or the trap.
fn memory_after(
    module: &gasket_vm::Module,
    name: &str,
    args: &[i32],
    init: impl FnOnce(&mut [u8]),
) -> Result<Vec<u8>, Trap> {
    let mut instance = Instance::new(module, Imports::new(), common::GAS_LIMIT).unwrap();
    init(instance.memory_mut());
    let args: Vec<Value> = args.iter().map(|&v| Value::I32(v)).collect();
    instance
        .call(name, &args)
        .map(|_| instance.memory().to_vec())
}

/// `memory.copy` and `memory.fill` of a constant length up to 128 bytes
/// are loads and stores, longer or variable ones a libcall: both must
/// agree on every length, at the memory's end and one byte past it (a
/// trap that writes nothing), and on overlapping ranges in both
/// directions, under both compile tiers.
#[test]
fn inline_bulk_memory_matches_the_libcall() {
    const LENGTHS: [i32; 20] = [
        1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 24, 31, 33, 40, 64, 100, 127, 128, 129,
    ];
    let mut wat = String::from(
        "(module (memory 1)
           (func (export \"copy\") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
           (func (export \"fill\") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))",
    );
    for len in LENGTHS {
        wat.push_str(&format!(
            "(func (export \"copy{len}\") (param i32 i32) (memory.copy (local.get 0) (local.get 1) (i32.const {len})))
             (func (export \"fill{len}\") (param i32 i32) (memory.fill (local.get 0) (local.get 1) (i32.const {len})))"
        ));
    }
    wat.push(')');
    let prepared = prepare(&wat);
    let end = 65536;
    for config in [EngineConfig::default(), EngineConfig::baseline()] {
        let module = Engine::new(config).unwrap().compile(&prepared).unwrap();
        // Every byte differs from its neighbours.
        let after = |name: &str, args: &[i32]| {
            memory_after(&module, name, args, |memory| {
                for (i, byte) in memory.iter_mut().enumerate() {
                    *byte = (i * 7 + i / 251) as u8;
                }
            })
        };
        for len in LENGTHS {
            let mut copies = vec![(0, 1000), (1000, 0), (end - len, 0), (0, end - len)];
            copies.extend([(end - len + 1, 0), (0, end - len + 1), (-1, 0), (0, -1)]);
            for delta in [1, 3, 8, 15, 16, 17, 63] {
                copies.extend([(5000 + delta, 5000), (5000, 5000 + delta)]);
            }
            for (dst, src) in copies {
                let inline = after(&format!("copy{len}"), &[dst, src]);
                assert_eq!(
                    inline,
                    after("copy", &[dst, src, len]),
                    "copy {dst} {src} {len}"
                );
                if dst > end - len || src > end - len || dst < 0 || src < 0 {
                    assert_eq!(inline, Err(Trap::Wasm(TrapKind::MemoryOutOfBounds)));
                }
            }
            for (dst, value) in [
                (0, 0),
                (77, 0x1ab),
                (end - len, -1),
                (end - len + 1, 5),
                (-1, 1),
            ] {
                let inline = after(&format!("fill{len}"), &[dst, value]);
                assert_eq!(
                    inline,
                    after("fill", &[dst, value, len]),
                    "fill {dst} {value} {len}"
                );
                if let Ok(memory) = &inline {
                    let at = dst as usize;
                    assert!(
                        memory[at..at + len as usize]
                            .iter()
                            .all(|&b| b == value as u8)
                    );
                } else {
                    assert!(dst > end - len || dst < 0, "fill {dst} {len} trapped");
                }
            }
        }
    }
}

/// The inline `memory.copy` and `memory.fill` where the translator knows
/// more about their operands: after a `memory.grow` (the length it checks
/// against must be the new one), a source on the destination's base (its
/// check may widen the destination's), an index checked before, and
/// constant addresses (checks skipped within the initial size).
#[test]
fn inline_bulk_memory_after_growth_and_known_indices() {
    let m = compile(&prepare(
        r#"(module (memory 1 2)
          (func (export "grow_then_copy")
            (drop (i32.load (i32.const 0)))
            (drop (memory.grow (i32.const 1)))
            (memory.copy (i32.const 65536) (i32.const 0) (i32.const 8))
            (memory.fill (i32.const 131064) (i32.const 0xab) (i32.const 8)))
          (func (export "shift") (param i32)
            (memory.copy (local.get 0) (i32.add (local.get 0) (i32.const 16)) (i32.const 40)))
          (func (export "checked_before") (param i32) (result i32)
            (i32.load (local.get 0))
            (memory.copy (local.get 0) (i32.const 0) (i32.const 64)))
          (func (export "constant_in") (memory.copy (i32.const 65496) (i32.const 0) (i32.const 40)))
          (func (export "constant_out") (memory.copy (i32.const 65497) (i32.const 0) (i32.const 40)))
        )"#,
    ));
    let oob = Err(Trap::Wasm(TrapKind::MemoryOutOfBounds));
    let after = |name: &str, args: &[i32]| {
        memory_after(&m, name, args, |memory| {
            memory[..64].copy_from_slice(&[0x5a; 64]);
            memory[16..56].copy_from_slice(&[7; 40]);
        })
    };
    let grown = after("grow_then_copy", &[]).unwrap();
    assert_eq!(grown.len(), 131072);
    assert_eq!(grown[65536..65544], [0x5a; 8]);
    assert_eq!(grown[131064..], [0xab; 8]);
    assert_eq!(after("shift", &[0]).unwrap()[..40], [7; 40]);
    assert!(after("shift", &[65536 - 56]).is_ok());
    assert_eq!(after("shift", &[65536 - 55]), oob);
    assert!(after("checked_before", &[65536 - 64]).is_ok());
    assert_eq!(after("checked_before", &[65536 - 63]), oob);
    assert_eq!(after("constant_in", &[]).unwrap()[65496..65512], [0x5a; 16]);
    assert_eq!(after("constant_out", &[]), oob);
}

#[test]
fn host_functions() {
    let m = compile(&prepare(
        r#"(module
          (import "env" "add" (func $add (param i32 i64) (result i64)))
          (import "env" "peek" (func $peek (param i32) (result i32)))
          (import "env" "fail" (func $fail))
          (memory (export "memory") 1)
          (data (i32.const 8) "\2a")
          (table 1 funcref)
          (elem (i32.const 0) $add)
          (func (export "direct") (param i32 i64) (result i64) (call $add (local.get 0) (local.get 1)))
          (func (export "indirect") (param i32 i64) (result i64)
            (call_indirect (param i32 i64) (result i64) (local.get 0) (local.get 1) (i32.const 0)))
          (func (export "peek") (param i32) (result i32) (call $peek (local.get 0)))
          (func (export "fail") (call $fail))
        )"#,
    ));
    let mut imports = Imports::new();
    imports
        .func("env", "add", |caller, args| {
            caller.charge_gas(5)?;
            Ok(vec![args[0] + args[1]])
        })
        .func("env", "peek", |caller, args| {
            let byte = caller.read(args[0] as u32, 1)?[0];
            Ok(vec![i64::from(byte)])
        })
        .func("env", "fail", |_, _| Err(Trap::Host("nope".into())));
    let mut instance = Instance::new(&m, imports, 1_000_000).unwrap();
    let args = [Value::I32(-2), Value::I64(10)];
    assert_eq!(instance.call("direct", &args), Ok(vec![Value::I64(8)]));
    assert_eq!(instance.call("indirect", &args), Ok(vec![Value::I64(8)]));
    assert_eq!(
        instance.call("peek", &[Value::I32(8)]),
        Ok(vec![Value::I32(42)])
    );
    assert_eq!(
        instance.call("peek", &[Value::I32(65536)]),
        Err(Trap::Wasm(TrapKind::MemoryOutOfBounds))
    );
    assert_eq!(instance.call("fail", &[]), Err(Trap::Host("nope".into())));
    instance.set_gas(3);
    let out = instance.call("direct", &args);
    assert_eq!(out, Err(Trap::Wasm(TrapKind::OutOfGas)));
    assert_eq!(instance.gas_left(), -1);

    let missing = Instance::new(&m, Imports::new(), 0).unwrap_err();
    assert!(matches!(
        missing,
        gasket_vm::InstantiationError::MissingImport { .. }
    ));
}

#[test]
fn module_is_send_sync_and_instances_run_on_other_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<gasket_vm::Module>();
    assert_send_sync::<gasket_vm::Engine>();
    let m = compile(&prepare(
        r#"(module (func (export "f") (param i64) (result i64) (i64.mul (local.get 0) (local.get 0))))"#,
    ));
    let handles: Vec<_> = (0..4i64)
        .map(|i| {
            let m = m.clone();
            std::thread::spawn(move || {
                let mut instance = Instance::new(&m, Imports::new(), 1000).unwrap();
                instance.call("f", &[Value::I64(i)]).unwrap()
            })
        })
        .collect();
    for (i, h) in handles.into_iter().enumerate() {
        assert_eq!(h.join().unwrap(), vec![Value::I64(i as i64 * i as i64)]);
    }
}

#[test]
fn resolved_exports_call_like_names() {
    let wat = r#"(module
      (func (export "multi") (param i32) (result i32 i64)
        (local.get 0) (i64.extend_i32_s (local.get 0)))
      (func (export "boom") (unreachable)))"#;
    let m = compile(&prepare(wat));
    let mut instance = Instance::new(&m, Imports::new(), 1_000_000).unwrap();
    let multi = m.export_func("multi").expect("export");
    assert_eq!(multi.signature().results.len(), 2);
    let mut results = [Value::I32(0); 2];
    instance
        .call_func(&multi, &[Value::I32(-5)], &mut results)
        .unwrap();
    assert_eq!(results, [Value::I32(-5), Value::I64(-5)]);
    assert_eq!(
        instance.call("multi", &[Value::I32(-5)]).unwrap(),
        results.to_vec()
    );
    // Wrong result slots or arguments, a trap, a handle of another module.
    assert!(matches!(
        instance.call_func(&multi, &[Value::I32(1)], &mut results[..1]),
        Err(Trap::BadArguments(_))
    ));
    assert!(matches!(
        instance.call_func(&multi, &[Value::I64(1)], &mut results),
        Err(Trap::BadArguments(_))
    ));
    let boom = instance.module().export_func("boom").unwrap();
    assert_eq!(
        instance.call_func(&boom, &[], &mut []),
        Err(Trap::Wasm(TrapKind::Unreachable))
    );
    let other = compile(&prepare(wat));
    let foreign = other.export_func("multi").unwrap();
    assert!(matches!(
        instance.call_func(&foreign, &[Value::I32(1)], &mut results),
        Err(Trap::NoSuchExport(_))
    ));
    assert!(m.export_func("missing").is_none());
}

#[test]
fn set_gas_sets_the_gas_global_whether_globals_are_inline_or_not() {
    // The injected gas and stack globals come after the module's own:
    // with 1 own global the globals sit in the context, with 40 they
    // are spilled to the heap.
    for own in [1, 40] {
        let globals: String = (0..own)
            .map(|i| format!("(global $g{i} (mut i64) (i64.const {i}))"))
            .collect();
        let m = compile(&prepare(&format!(
            r#"(module {globals}
              (func (export "spin") (param $n i32) (result i64)
                (loop $l
                  (global.set $g0 (i64.add (global.get $g0) (i64.const 1)))
                  (br_if $l (i32.ne (local.tee $n (i32.sub (local.get $n) (i32.const 1))) (i32.const 0))))
                (global.get $g0)))"#
        )));
        let mut instance = Instance::new(&m, Imports::new(), 1_000_000).unwrap();
        instance.set_gas(12_345);
        assert_eq!(instance.gas_left(), 12_345, "{own} globals");
        let out = instance.call("spin", &[Value::I32(10)]).unwrap();
        assert_eq!(out, vec![Value::I64(10)], "{own} globals");
        let used = 12_345 - instance.gas_left();
        assert!(used > 0, "{own} globals");
        // Just enough gas again, then one unit short.
        instance.set_gas(used as u64);
        instance.call("spin", &[Value::I32(10)]).unwrap();
        assert_eq!(instance.gas_left(), 0, "{own} globals");
        instance.set_gas(used as u64 - 1);
        let err = instance.call("spin", &[Value::I32(10)]).unwrap_err();
        assert_eq!(err, Trap::Wasm(TrapKind::OutOfGas), "{own} globals");
        // Above i64::MAX: capped.
        instance.set_gas(u64::MAX);
        assert_eq!(instance.gas_left(), i64::MAX, "{own} globals");
    }
}
