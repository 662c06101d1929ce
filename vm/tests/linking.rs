//! Instances sharing state: exported memories, tables, mutable globals and
//! functions imported by other instances (`Instance::export`,
//! `Imports::define`). Contracts never do this; the spec suite's linking
//! does, and these tests pin what the spec runner relies on: sharing is
//! visible both ways, gas flows through calls into other instances (also
//! when they trap), an instance called back while suspended in a host
//! call keeps its own gas and stack height, a host function's `Caller` is
//! the one access to its memory while it runs, freed instances leave no
//! callable entry behind, and a second thread gets an error, not a data
//! race.

mod common;

use common::{compile, prepare};
use gasket_vm::{Extern, Imports, Instance, InstantiationError, Module, Trap, TrapKind, Value};

const GAS: u64 = 1_000_000;

fn module(wat: &str) -> Module {
    compile(&prepare(wat))
}

/// The exporter: a memory, a table holding its own function, a mutable
/// global, and functions that use them.
const EXPORTER: &str = r#"
(module
  (memory (export "mem") 1 4)
  (table (export "tab") 4 funcref)
  (global $g (export "g") (mut i32) (i32.const 7))
  (elem (i32.const 0) $seven)
  (func $seven (result i32) (i32.const 7))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "get_g") (result i32) (global.get $g))
  (func (export "size") (result i32) (memory.size))
  (func (export "call") (param i32) (result i32)
    (call_indirect (result i32) (local.get 0)))
  (func (export "spin") (loop $l (br $l)))
)
"#;

/// The importer: writes its own function into the exporter's table, and
/// uses the exporter's memory, global and functions.
const IMPORTER: &str = r#"
(module
  (import "m" "mem" (memory 1))
  (import "m" "tab" (table 4 funcref))
  (import "m" "g" (global $g (mut i32)))
  (import "m" "load" (func $load (param i32) (result i32)))
  (import "m" "spin" (func $spin))
  (elem (i32.const 1) $forty_two)
  (func $forty_two (result i32) (i32.const 42))
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "set_g") (param i32) (global.set $g (local.get 0)))
  (func (export "load_via") (param i32) (result i32) (call $load (local.get 0)))
  (func (export "spin_via") (call $spin))
  (func (export "call") (param i32) (result i32)
    (call_indirect (result i32) (local.get 0)))
)
"#;

fn link(exporter: &mut Instance) -> Imports {
    let mut imports = Imports::new();
    for name in ["mem", "tab", "g", "load", "spin"] {
        imports.define("m", name, exporter.export(name).expect("export"));
    }
    imports
}

fn i32s(values: Vec<Value>) -> Vec<i32> {
    values
        .into_iter()
        .map(|v| match v {
            Value::I32(v) => v,
            Value::I64(v) => panic!("i64 {v}"),
        })
        .collect()
}

#[test]
fn memory_globals_and_tables_are_shared_both_ways() {
    let (m, n) = (module(EXPORTER), module(IMPORTER));
    let mut a = Instance::new(&m, Imports::new(), GAS).unwrap();
    let mut b = Instance::new(&n, link(&mut a), GAS).unwrap();

    b.call("store", &[Value::I32(16), Value::I32(0x1234)])
        .unwrap();
    assert_eq!(i32s(a.call("load", &[Value::I32(16)]).unwrap()), [0x1234]);
    // Growing through one instance is seen by the other's bounds checks.
    assert_eq!(i32s(b.call("grow", &[Value::I32(2)]).unwrap()), [1]);
    assert_eq!(i32s(a.call("size", &[]).unwrap()), [3]);
    assert_eq!(i32s(a.call("load", &[Value::I32(2 * 65536)]).unwrap()), [0]);
    b.call("set_g", &[Value::I32(99)]).unwrap();
    assert_eq!(i32s(a.call("get_g", &[]).unwrap()), [99]);
    assert_eq!(a.exported_global("g"), Some(Value::I32(99)));

    // Each instance's functions run in their own instance, whoever calls.
    assert_eq!(i32s(a.call("call", &[Value::I32(0)]).unwrap()), [7]);
    assert_eq!(i32s(a.call("call", &[Value::I32(1)]).unwrap()), [42]);
    assert_eq!(i32s(b.call("call", &[Value::I32(0)]).unwrap()), [7]);
    assert_eq!(
        b.call("call", &[Value::I32(2)]),
        Err(Trap::Wasm(TrapKind::IndirectCallToNull))
    );
    assert_eq!(
        b.call("call", &[Value::I32(4)]),
        Err(Trap::Wasm(TrapKind::TableOutOfBounds))
    );
}

#[test]
fn gas_flows_through_calls_into_other_instances() {
    let (m, n) = (module(EXPORTER), module(IMPORTER));
    let mut a = Instance::new(&m, Imports::new(), GAS).unwrap();
    let mut b = Instance::new(&n, link(&mut a), GAS).unwrap();

    // The same load costs the same gas whether called directly or through
    // the importer (plus the importer's own call).
    a.set_gas(GAS);
    a.call("load", &[Value::I32(0)]).unwrap();
    let direct = GAS - a.gas_left() as u64;
    b.set_gas(GAS);
    b.call("load_via", &[Value::I32(0)]).unwrap();
    let via = GAS - b.gas_left() as u64;
    assert!(via > direct, "via {via}, direct {direct}");
    assert_eq!(b.stack_height(), 0);

    // Out of gas in the callee is the caller's out of gas, with the
    // sentinel.
    b.set_gas(10_000);
    assert_eq!(b.call("spin_via", &[]), Err(Trap::Wasm(TrapKind::OutOfGas)));
    assert_eq!(b.gas_left(), -1);
    // And both instances still work afterwards.
    b.set_gas(GAS);
    assert_eq!(i32s(b.call("load_via", &[Value::I32(16)]).unwrap()), [0]);
    a.set_gas(GAS);
    assert_eq!(i32s(a.call("call", &[Value::I32(1)]).unwrap()), [42]);
}

#[test]
fn a_freed_instance_leaves_no_callable_entry() {
    let (m, n) = (module(EXPORTER), module(IMPORTER));
    let mut a = Instance::new(&m, Imports::new(), GAS).unwrap();
    let b = Instance::new(&n, link(&mut a), GAS).unwrap();
    assert_eq!(i32s(a.call("call", &[Value::I32(1)]).unwrap()), [42]);
    drop(b);
    assert_eq!(
        a.call("call", &[Value::I32(1)]),
        Err(Trap::Wasm(TrapKind::IndirectCallToNull))
    );
}

#[test]
fn failed_instantiation_keeps_the_entries_it_wrote() {
    // As the spec's linking.wast: the first segment lands, the second is
    // out of bounds, and the landed function stays callable.
    let partial = module(
        r#"
        (module
          (import "m" "tab" (table 4 funcref))
          (elem (i32.const 3) $five)
          (elem (i32.const 4) $five)
          (func $five (result i32) (i32.const 5)))
        "#,
    );
    let m = module(EXPORTER);
    let mut a = Instance::new(&m, Imports::new(), GAS).unwrap();
    let mut imports = Imports::new();
    imports.define("m", "tab", a.export("tab").unwrap());
    assert!(matches!(
        Instance::new(&partial, imports, GAS),
        Err(InstantiationError::Segment(TrapKind::TableOutOfBounds))
    ));
    assert_eq!(i32s(a.call("call", &[Value::I32(3)]).unwrap()), [5]);
}

#[test]
fn imports_are_checked() {
    let m = module(EXPORTER);
    let mut a = Instance::new(&m, Imports::new(), GAS).unwrap();
    let wants_i64 = module(r#"(module (import "m" "g" (global (mut i64))))"#);
    let mut imports = Imports::new();
    imports.define("m", "g", a.export("g").unwrap());
    assert!(matches!(
        Instance::new(&wants_i64, imports, GAS),
        Err(InstantiationError::IncompatibleImport { .. })
    ));
    let wants_big = module(r#"(module (import "m" "mem" (memory 2)))"#);
    let mut imports = Imports::new();
    imports.define("m", "mem", a.export("mem").unwrap());
    assert!(matches!(
        Instance::new(&wants_big, imports, GAS),
        Err(InstantiationError::IncompatibleImport { .. })
    ));
    let wants_memory = module(r#"(module (import "m" "mem" (memory 1)))"#);
    assert!(matches!(
        Instance::new(&wants_memory, Imports::new(), GAS),
        Err(InstantiationError::MissingImport { .. })
    ));
    let mut imports = Imports::new();
    imports.define("m", "mem", a.export("tab").unwrap());
    assert!(matches!(
        Instance::new(&wants_memory, imports, GAS),
        Err(InstantiationError::IncompatibleImport { .. })
    ));
}

#[test]
fn shared_state_stays_on_one_thread() {
    let (m, n) = (module(EXPORTER), module(IMPORTER));
    let mut a = Instance::new(&m, Imports::new(), GAS).unwrap();
    let mut b = Instance::new(&n, link(&mut a), GAS).unwrap();
    b.call("store", &[Value::I32(0), Value::I32(1)]).unwrap();
    // Moved to another thread while the exporter stays here: an error,
    // never a race.
    let outcome = std::thread::spawn(move || {
        let call = b.call("store", &[Value::I32(0), Value::I32(2)]);
        (call, b.memory().len())
    })
    .join()
    .unwrap();
    assert!(matches!(outcome.0, Err(Trap::Host(_))), "{:?}", outcome.0);
    assert_eq!(outcome.1, 0);
    assert_eq!(i32s(a.call("load", &[Value::I32(0)]).unwrap()), [1]);
    // An exported function is a function of its instance wherever it is
    // imported.
    assert!(matches!(a.export("load"), Some(Extern::Func(_))));
}

#[test]
fn a_shared_instance_moved_to_another_thread_shows_nothing_there() {
    // The exporter's code ran here (through the importer), so it belongs
    // to this thread; its handle, moved to another thread, neither reads
    // nor writes what this thread may be running.
    let (m, n) = (module(EXPORTER), module(IMPORTER));
    let mut a = Instance::new(&m, Imports::new(), GAS).unwrap();
    let mut b = Instance::new(&n, link(&mut a), GAS).unwrap();
    assert_eq!(i32s(b.call("load_via", &[Value::I32(0)]).unwrap()), [0]);
    let gas = a.gas_left();
    let (a, seen) = std::thread::spawn(move || {
        a.set_gas(5);
        let seen = (
            a.gas_left(),
            a.stack_height(),
            a.exported_global("g"),
            a.memory().len(),
            a.export("load").is_none(),
            a.call("size", &[]),
        );
        (a, seen)
    })
    .join()
    .unwrap();
    let (gas_there, height, global, memory, no_export, call) = seen;
    assert_eq!((gas_there, height, global, memory), (0, 0, None, 0));
    assert!(no_export);
    assert!(matches!(call, Err(Trap::Host(_))), "{call:?}");
    assert_eq!(a.gas_left(), gas);
    assert_eq!(a.exported_global("g"), Some(Value::I32(7)));
}

#[test]
fn an_instance_that_never_wrote_a_shared_table_is_freed_on_any_thread() {
    // An instance importing a table this thread holds, dropped on another
    // thread: it cannot clean the table from there, but it never wrote
    // an entry, so there is nothing to clean and it is freed (its host
    // function, and what that holds, with it), not leaked.
    const IMPORTS_A_TABLE: &str = r#"
    (module
      (import "env" "f" (func $f))
      (import "m" "tab" (table 1 funcref))
      (func (export "run") (call $f)))
    "#;
    let table = gasket_vm::Table::new(1, 1);
    let held = std::sync::Arc::new(());
    let mut imports = Imports::new();
    let in_closure = held.clone();
    imports.func("env", "f", move |_, _| {
        let _ = &in_closure;
        Ok(vec![])
    });
    imports.define("m", "tab", Extern::Table(table.clone()));
    let mut instance = Instance::new(&module(IMPORTS_A_TABLE), imports, GAS).unwrap();
    instance.call("run", &[]).unwrap();
    std::thread::spawn(move || drop(instance)).join().unwrap();
    assert_eq!(
        std::sync::Arc::strong_count(&held),
        1,
        "the instance leaked"
    );
    drop(table);
}

#[test]
fn an_instantiation_refused_for_another_threads_table_claims_nothing() {
    // A fresh memory and a table this thread holds: another thread's
    // instantiation importing both is refused, and leaves the memory
    // free for this thread.
    let mut a = Instance::new(&module(EXPORTER), Imports::new(), GAS).unwrap();
    let memory = gasket_vm::Memory::new(1, 4).unwrap();
    let table = a.export("tab").expect("tab");
    a.call("call", &[Value::I32(0)]).unwrap();
    let imports = |memory: &gasket_vm::Memory, table: &Extern| {
        let mut imports = Imports::new();
        imports.define("m", "mem", Extern::Memory(memory.clone()));
        imports.define("m", "tab", table.clone());
        imports
    };
    const USES_BOTH: &str = r#"
    (module
      (import "m" "mem" (memory 1))
      (import "m" "tab" (table 4 funcref))
      (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1))))
    "#;
    let m = module(USES_BOTH);
    let there = {
        let (m, imports) = (m.clone(), imports(&memory, &table));
        std::thread::spawn(move || Instance::new(&m, imports, GAS).map(|_| ()))
            .join()
            .unwrap()
    };
    assert!(
        matches!(there, Err(InstantiationError::Shared)),
        "{there:?}"
    );
    let mut here = Instance::new(&m, imports(&memory, &table), GAS).unwrap();
    here.call("store", &[Value::I32(0), Value::I32(9)]).unwrap();
    assert_eq!(here.memory()[..4], 9u32.to_le_bytes());
}

/// A function in a shared table that calls a host function, then reads
/// its own memory.
const DROPPED_MID_CALL: &str = r#"
(module
  (import "env" "drop_owner" (func $drop_owner))
  (memory 1)
  (table (export "tab") 1 funcref)
  (elem (i32.const 0) $after_drop)
  (func $after_drop (result i32)
    (i32.store (i32.const 16) (i32.const 42))
    (call $drop_owner)
    (i32.load (i32.const 16))))
"#;

/// A host whose every function (none takes arguments or gives results)
/// runs the closure.
struct OnCall<F>(F);

impl<F: FnMut()> gasket_vm::Host for OnCall<F> {
    fn call(
        &mut self,
        _id: u32,
        _caller: &mut gasket_vm::Caller<'_>,
        _args: &[i64],
        _results: &mut [i64],
    ) -> Result<(), Trap> {
        (self.0)();
        Ok(())
    }
}

/// An instance whose `call` calls entry 0 of `owner`'s table `tab`.
fn caller_through_table(owner: &mut Instance) -> Instance {
    let caller_module = module(
        r#"
        (module
          (import "m" "tab" (table 1 funcref))
          (func (export "call") (result i32)
            (call_indirect (result i32) (i32.const 0))))
        "#,
    );
    let mut imports = Imports::new();
    imports.define("m", "tab", owner.export("tab").unwrap());
    Instance::new(&caller_module, imports, GAS).unwrap()
}

#[test]
fn an_instance_dropped_during_its_call_lives_until_the_call_returns() {
    // An embedder-owned instance whose function another instance calls
    // through a shared table, dropped by a host function while that
    // function runs: its memory (zeroed and pooled when the instance is
    // freed) must stay its own until the call returns.
    let owner_module = module(DROPPED_MID_CALL);
    let mut imports = Imports::new();
    imports.dispatch("env", "drop_owner", 0);
    let mut owner = Instance::new(&owner_module, imports, GAS).unwrap();
    let mut caller = caller_through_table(&mut owner);
    let mut owner = Some(owner);
    let out = caller.call_with("call", &[], &mut OnCall(|| owner = None), 0);
    assert!(owner.is_none());
    assert_eq!(i32s(out.unwrap()), [42]);
    // Freed once the call returned: its table entry is gone.
    assert_eq!(
        caller.call("call", &[]),
        Err(Trap::Wasm(TrapKind::IndirectCallToNull))
    );
}

/// Panics when dropped, as an embedder's value might.
struct PanicsOnDrop;

impl Drop for PanicsOnDrop {
    fn drop(&mut self) {
        panic!("an embedder's value panicked while dropped");
    }
}

#[test]
fn a_panic_freeing_an_instance_after_its_call_is_a_host_trap() {
    // As above, and the freed instance's host closure panics when dropped,
    // at the end of the call into it: a trap, never an unwind into
    // generated code.
    let owner_module = module(&DROPPED_MID_CALL.replace(
        "(memory 1)",
        "(import \"env\" \"held\" (func))\n  (memory 1)",
    ));
    let mut imports = Imports::new();
    imports.dispatch("env", "drop_owner", 0);
    let held = PanicsOnDrop;
    imports.func("env", "held", move |_, _| {
        let _ = &held;
        Ok(vec![])
    });
    let mut owner = Instance::new(&owner_module, imports, GAS).unwrap();
    let mut caller = caller_through_table(&mut owner);
    let mut owner = Some(owner);
    let out = caller.call_with("call", &[], &mut OnCall(|| owner = None), 0);
    assert!(
        matches!(&out, Err(Trap::Host(message)) if message.contains("panicked")),
        "{out:?}"
    );
    // The caller goes on.
    assert_eq!(
        caller.call("call", &[]),
        Err(Trap::Wasm(TrapKind::IndirectCallToNull))
    );
}

#[test]
fn the_metering_globals_read_what_the_code_left() {
    // Generated code keeps the stack-height global in the VM context and
    // the globals of a module with few of them there too: every way of
    // reading them must find those values.
    let module = module(
        r#"(module
          (func $down (export "down") (param i32)
            (if (i32.eqz (local.get 0)) (then unreachable))
            (call $down (i32.sub (local.get 0) (i32.const 1)))))"#,
    );
    let injected = &module.info().injected;
    let (gas_index, stack_index) = (injected.gas_global, injected.stack_global);
    let mut instance = Instance::new(&module, Imports::new(), GAS).unwrap();

    // Unreachable at the bottom of 10 frames: the heights entered stay.
    let out = instance.call("down", &[Value::I32(9)]);
    assert_eq!(out, Err(Trap::Wasm(TrapKind::Unreachable)));
    let left = instance.stack_height();
    assert!(left >= 10, "{left}");
    assert_eq!(instance.global(stack_index), Some(Value::I32(left)));
    let gas = instance.gas_left();
    assert!(gas > 0 && (gas as u64) < GAS, "{gas}");
    assert_eq!(instance.global(gas_index), Some(Value::I64(gas)));

    // A stack overflow leaves the sentinel.
    let out = instance.call("down", &[Value::I32(1_000_000)]);
    assert_eq!(out, Err(Trap::Wasm(TrapKind::StackOverflow)));
    assert_eq!(instance.stack_height(), -1);
    assert_eq!(instance.global(stack_index), Some(Value::I32(-1)));

    // They are the instance's account, never shared with another.
    assert!(instance.export(gasket_metering::STACK_EXPORT).is_none());
    assert!(instance.export(gasket_metering::GAS_EXPORT).is_none());
}

/// An instance whose `run` calls a host function from two non-leaf
/// frames and then a function with a large frame, and whose table holds
/// `$k`, which another instance calls (and which spins while `$spin` is
/// set).
const SUSPENDED: &str = r#"
(module
  (import "env" "reenter" (func $reenter))
  (table (export "tab") 1 funcref)
  (global $spin (mut i32) (i32.const 0))
  (elem (i32.const 0) $k)
  (func $k (result i32)
    (if (global.get $spin) (then (loop $forever (br $forever))))
    (i32.const 42))
  (func $inner (param i32) (result i32)
    (global.set $spin (local.get 0))
    (call $reenter)
    (call $after (local.get 0)))
  (func $after (param i32) (result i32)
    (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
    (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
    (call $leaf (local.get 0)))
  (func $leaf (param i32) (result i32) (i32.add (local.get 0) (i32.const 20)))
  (func (export "run") (param i32) (result i32)
    (i32.mul (call $inner (local.get 0)) (i32.const 2))))
"#;

#[test]
fn an_instance_called_back_while_suspended_keeps_its_gas_and_stack_height() {
    // run → host → another instance → this instance's `$k` through the
    // shared table. The call back runs on the other instance's gas and
    // height (20 units below the limit, where `$after`'s 32 locals would
    // overflow); the suspended frames go on with their own, whichever code
    // the engine gave them (exits that store the entry height back, or the
    // slots translation's that subtract), also after the call back ran
    // out of gas.
    let prepared = prepare(SUSPENDED);
    let limit = prepared.info.injected.stack_limit;
    let configs = [
        gasket_vm::EngineConfig::default(),
        gasket_vm::EngineConfig::baseline(),
        gasket_vm::EngineConfig {
            values_in_slots: true,
            ..gasket_vm::EngineConfig::default()
        },
    ];
    for config in configs {
        let m = gasket_vm::Engine::new(config)
            .unwrap()
            .compile(&prepared)
            .unwrap();
        let run = |spin: i32, called_back: bool| {
            let mut imports = Imports::new();
            imports.dispatch("env", "reenter", 0);
            let mut suspended = Instance::new(&m, imports, GAS).unwrap();
            // The host calls `through`'s `call` (entry 0 of this
            // instance's table) with its own gas, near the stack limit,
            // and goes on whatever that call gives.
            let mut through = called_back.then(|| caller_through_table(&mut suspended));
            let mut returned = None;
            let out = suspended.call_with(
                "run",
                &[Value::I32(spin)],
                &mut OnCall(|| {
                    if let Some(through) = &mut through {
                        through.set_gas(GAS / 3);
                        returned =
                            Some(through.call_with("call", &[], &mut OnCall(|| ()), limit - 20));
                    }
                }),
                0,
            );
            (
                out,
                suspended.gas_left(),
                suspended.stack_height(),
                returned,
            )
        };
        for (spin, returned) in [
            (0, Ok(vec![Value::I32(42)])),
            (1, Err(Trap::Wasm(TrapKind::OutOfGas))),
        ] {
            let (out, gas, height, called_back) = run(spin, true);
            assert_eq!(called_back, Some(returned));
            assert_eq!(i32s(out.unwrap()), [(spin + 20) * 2]);
            assert_eq!(height, 0);
            let (_, alone, _, _) = run(spin, false);
            assert_eq!(gas, alone, "the call back charged the suspended instance");
        }
    }
}

/// Called through a shared table, calls a host function; `direct` is
/// for the host to call.
const CALLED_BY_ITS_HOST: &str = r#"
(module
  (import "env" "poke" (func $poke))
  (table (export "tab") 1 funcref)
  (elem (i32.const 0) $via_table)
  (func $via_table (result i32) (call $poke) (i32.const 42))
  (func (export "direct") (result i32) (i32.const 7)))
"#;

#[test]
fn a_host_function_cannot_enter_the_instance_whose_call_it_serves() {
    // Another instance calls the owner's function through the shared
    // table; that function's host function calls the owner directly. It
    // would run on the suspended call's gas and leave its own height and
    // dispatcher behind: refused, and the owner works once the call ends.
    let mut imports = Imports::new();
    imports.dispatch("env", "poke", 0);
    let mut owner = Instance::new(&module(CALLED_BY_ITS_HOST), imports, GAS).unwrap();
    let mut caller = caller_through_table(&mut owner);
    // The host function calls the owner it holds directly.
    let mut got = None;
    let out = caller.call_with(
        "call",
        &[],
        &mut OnCall(|| got = Some(owner.call("direct", &[]))),
        0,
    );
    assert_eq!(i32s(out.unwrap()), [42]);
    assert!(
        matches!(&got, Some(Err(Trap::Host(message))) if message.contains("in a call already")),
        "{got:?}"
    );
    assert_eq!(i32s(owner.call("direct", &[]).unwrap()), [7]);
    assert_eq!(owner.stack_height(), 0);
}

/// Hands the host function's [`gasket_vm::Caller`] to a closure.
struct WithCaller<F>(F);

impl<F: FnMut(&mut gasket_vm::Caller<'_>)> gasket_vm::Host for WithCaller<F> {
    fn call(
        &mut self,
        _id: u32,
        caller: &mut gasket_vm::Caller<'_>,
        _args: &[i64],
        _results: &mut [i64],
    ) -> Result<(), Trap> {
        (self.0)(caller);
        Ok(())
    }
}

/// Exports its memory; its table's function calls the host, then loads
/// what the host wrote.
const LENDS_ITS_MEMORY: &str = r#"
(module
  (import "env" "poke" (func $poke))
  (memory (export "mem") 1 2)
  (table (export "tab") 1 funcref)
  (elem (i32.const 0) $via_table)
  (func $via_table (result i32) (call $poke) (i32.load (i32.const 8))))
"#;

const SHARES_THE_MEMORY: &str = r#"
(module
  (import "m" "mem" (memory 1))
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1))))
"#;

#[test]
fn a_host_functions_caller_is_the_one_access_to_its_memory() {
    // The owner's function, called through another instance's table,
    // calls a host function that holds the owner (and an instance sharing
    // its memory). While the host's view of the memory lives, nothing else
    // reads or writes that memory: the handles show none, the sharer is
    // not entered and no instance importing it is made. The gas is one
    // account, which both the view and the handle reach.
    let mut imports = Imports::new();
    imports.dispatch("env", "poke", 0);
    let mut owner = Instance::new(&module(LENDS_ITS_MEMORY), imports, GAS).unwrap();
    let sharer_module = module(SHARES_THE_MEMORY);
    let share = |owner: &mut Instance| {
        let mut imports = Imports::new();
        imports.define("m", "mem", owner.export("mem").expect("mem"));
        imports
    };
    let mut sharer = Instance::new(&sharer_module, share(&mut owner), GAS).unwrap();
    let mut late_imports = Some(share(&mut owner));
    let mut caller = caller_through_table(&mut owner);
    let mut seen = None;
    let mut late = None;
    let out = caller.call_with(
        "call",
        &[],
        &mut WithCaller(|view: &mut gasket_vm::Caller<'_>| {
            view.write(8, &42u32.to_le_bytes()).unwrap();
            let gas_seen = (owner.gas_left(), view.gas_left());
            owner.set_gas(1_000);
            seen = Some((
                owner.memory().len(),
                owner.memory_mut().len(),
                sharer.memory().len(),
                sharer.call("store", &[Value::I32(0), Value::I32(5)]),
                gas_seen,
                view.gas_left(),
                view.memory().len(),
            ));
            late = late_imports
                .take()
                .map(|imports| Instance::new(&sharer_module, imports, GAS).map(|_| ()));
        }),
        0,
    );
    assert_eq!(i32s(out.unwrap()), [42]);
    let (owner_len, owner_mut_len, sharer_len, stored, (handle_gas, view_gas), set, view_len) =
        seen.unwrap();
    assert_eq!((owner_len, owner_mut_len, sharer_len), (0, 0, 0));
    assert!(
        matches!(&stored, Err(Trap::Host(m)) if m.contains("held by a running host function")),
        "{stored:?}"
    );
    assert_eq!(handle_gas, view_gas);
    assert_eq!(set, 1_000);
    assert_eq!(view_len, 65_536);
    assert!(
        matches!(&late, Some(Err(InstantiationError::MemoryLent { name, .. })) if name == "mem"),
        "{late:?}"
    );
    // Once the view is gone, all of it works again.
    assert_eq!(owner.memory().len(), 65_536);
    sharer
        .call("store", &[Value::I32(0), Value::I32(5)])
        .unwrap();
    assert_eq!(owner.memory()[..4], 5u32.to_le_bytes());
}
