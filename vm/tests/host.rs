//! Host functions: closures, dispatch to a per-call `Host`, nested calls
//! into other instances (the shape of cross-contract calls).

mod common;

use common::{GAS_LIMIT, compile, prepare};
use gasket_vm::{
    Caller, Host, Imports, Instance, InstantiationError, Module, Trap, TrapKind, Value,
};

const ADDER: &str = r#"
(module
  (import "env" "add" (func $add (param i64 i64) (result i64)))
  (import "env" "add" (func $add_again (param i64 i64) (result i64)))
  (import "env" "store" (func $store (param i32 i32)))
  (memory (export "memory") 1)
  (func (export "sum") (param i64 i64) (result i64)
    (call $add_again (call $add (local.get 0) (local.get 1)) (i64.const 1)))
  (func (export "store") (param i32 i32)
    (call $store (local.get 0) (local.get 1))))
"#;

/// Counts calls and writes a marker through the caller's memory.
struct Recorder {
    calls: u32,
}

const ID_ADD: u32 = 7;
const ID_STORE: u32 = 8;

impl Host for Recorder {
    fn call(
        &mut self,
        id: u32,
        caller: &mut Caller<'_>,
        args: &[i64],
        results: &mut [i64],
    ) -> Result<(), Trap> {
        self.calls += 1;
        match id {
            ID_ADD => results[0] = args[0].wrapping_add(args[1]),
            ID_STORE => {
                caller.charge_gas(args[1] as u32 as u64)?;
                caller.write(args[0] as u32, &[0xAB; 4])?;
            }
            _ => return Err(Trap::Host(format!("unknown id {id}"))),
        }
        Ok(())
    }
}

fn adder() -> Module {
    compile(&prepare(ADDER))
}

fn dispatched_imports() -> Imports {
    let mut imports = Imports::new();
    imports
        .dispatch("env", "add", ID_ADD)
        .dispatch("env", "store", ID_STORE);
    imports
}

#[test]
fn dispatched_imports_reach_the_calls_host() {
    let module = adder();
    let mut instance = Instance::new(&module, dispatched_imports(), GAS_LIMIT).unwrap();
    let mut host = Recorder { calls: 0 };
    let out = instance
        .call_with("sum", &[Value::I64(40), Value::I64(1)], &mut host, 0)
        .unwrap();
    assert_eq!(out, vec![Value::I64(42)]);
    // The same function imported twice is served twice.
    assert_eq!(host.calls, 2);

    instance
        .call_with("store", &[Value::I32(100), Value::I32(0)], &mut host, 0)
        .unwrap();
    assert_eq!(&instance.memory()[100..104], &[0xAB; 4]);
}

/// `env.add` and `env.store` by name, nothing else.
fn resolve(module: &str, name: &str) -> Option<u32> {
    match (module, name) {
        ("env", "add") => Some(ID_ADD),
        ("env", "store") => Some(ID_STORE),
        _ => None,
    }
}

/// `sum(a, b)` of `adder()` instantiated with `imports`: the result and
/// how many calls reached the host.
fn sum_with(imports: Imports, a: i64, b: i64) -> (Vec<Value>, u32) {
    let mut instance = Instance::new(&adder(), imports, GAS_LIMIT).unwrap();
    let mut host = Recorder { calls: 0 };
    let out = instance
        .call_with("sum", &[Value::I64(a), Value::I64(b)], &mut host, 0)
        .unwrap();
    (out, host.calls)
}

#[test]
fn a_resolver_dispatches_what_no_entry_supplies() {
    let mut imports = Imports::new();
    imports.dispatch_with(resolve);
    assert_eq!(sum_with(imports, 40, 1), (vec![Value::I64(42)], 2));

    // An entry wins over the resolver: `add` goes to a closure.
    let mut imports = Imports::new();
    imports
        .dispatch_with(resolve)
        .func("env", "add", |_, args| Ok(vec![args[0] * args[1]]));
    assert_eq!(sum_with(imports, 6, 7), (vec![Value::I64(42)], 0));

    // A name the resolver does not know is missing, named.
    let mut imports = Imports::new();
    imports.dispatch_with(|_, name| (name == "add").then_some(ID_ADD));
    let err = Instance::new(&adder(), imports, GAS_LIMIT).unwrap_err();
    assert!(
        matches!(&err, InstantiationError::MissingImport { module, name } if module == "env" && name == "store"),
        "{err:?}"
    );
}

#[test]
fn host_traps_and_errors_end_the_call() {
    let module = adder();
    let mut instance = Instance::new(&module, dispatched_imports(), GAS_LIMIT).unwrap();
    let mut host = Recorder { calls: 0 };
    // Past the end of memory: the host's bounds check traps.
    let err = instance
        .call_with("store", &[Value::I32(65534), Value::I32(0)], &mut host, 0)
        .unwrap_err();
    assert_eq!(err, Trap::Wasm(TrapKind::MemoryOutOfBounds));
    // More gas than is left: out of gas, with the sentinel.
    instance.set_gas(10);
    let err = instance
        .call_with("store", &[Value::I32(0), Value::I32(1_000)], &mut host, 0)
        .unwrap_err();
    assert_eq!(err, Trap::Wasm(TrapKind::OutOfGas));
    assert_eq!(instance.gas_left(), -1);
    // Without a host, a dispatched import is an error, not a crash.
    instance.set_gas(GAS_LIMIT);
    let err = instance
        .call("sum", &[Value::I64(1), Value::I64(2)])
        .unwrap_err();
    assert_eq!(
        err,
        Trap::Host("a dispatched import needs Instance::call_with".into())
    );
}

/// Returns the error it holds from every call.
struct Fails(Trap);

impl Host for Fails {
    fn call(&mut self, _: u32, _: &mut Caller<'_>, _: &[i64], _: &mut [i64]) -> Result<(), Trap> {
        Err(self.0.clone())
    }
}

#[test]
fn every_error_of_a_dispatched_host_comes_back_as_it_was() {
    let module = adder();
    let mut instance = Instance::new(&module, dispatched_imports(), GAS_LIMIT).unwrap();
    let errors = TrapKind::ALL.into_iter().map(Trap::Wasm).chain([
        Trap::Host("host says no".into()),
        Trap::NoSuchExport("elsewhere".into()),
        Trap::BadArguments("f".into()),
        Trap::NativeStackExhausted,
    ]);
    for error in errors {
        let err = instance
            .call_with(
                "sum",
                &[Value::I64(1), Value::I64(2)],
                &mut Fails(error.clone()),
                0,
            )
            .unwrap_err();
        assert_eq!(err, error);
    }
}

#[test]
fn a_panicking_closure_is_an_error() {
    let module = adder();
    let mut imports = Imports::new();
    imports
        .func("env", "add", |_, args| {
            if args[0] < 0 {
                panic!("closure got {}", args[0]);
            }
            Ok(vec![args[0] + args[1]])
        })
        .func("env", "store", |_, _| Ok(vec![]));
    let mut instance = Instance::new(&module, imports, GAS_LIMIT).unwrap();
    let err = instance
        .call("sum", &[Value::I64(-5), Value::I64(2)])
        .unwrap_err();
    assert_eq!(
        err,
        Trap::Host("host function env.add panicked: closure got -5".into())
    );
    let out = instance.call("sum", &[Value::I64(1), Value::I64(2)]);
    assert_eq!(out, Ok(vec![Value::I64(4)]));
}

#[test]
fn a_dispatched_hosts_own_error_comes_back_whole() {
    let module = adder();
    let mut imports = Imports::new();
    imports
        .dispatch("env", "add", 99)
        .dispatch("env", "store", ID_STORE);
    let mut instance = Instance::new(&module, imports, GAS_LIMIT).unwrap();
    let mut host = Recorder { calls: 0 };
    let err = instance
        .call_with("sum", &[Value::I64(1), Value::I64(2)], &mut host, 0)
        .unwrap_err();
    assert_eq!(err, Trap::Host("unknown id 99".into()));
    assert_eq!(host.calls, 1);
    // Nothing of the error stays behind: the next call of a good import
    // succeeds, and a trap after it is the trap, not the old error.
    instance
        .call_with("store", &[Value::I32(8), Value::I32(0)], &mut host, 0)
        .unwrap();
    assert_eq!(&instance.memory()[8..12], &[0xAB; 4]);
    let err = instance
        .call_with("store", &[Value::I32(65534), Value::I32(0)], &mut host, 0)
        .unwrap_err();
    assert_eq!(err, Trap::Wasm(TrapKind::MemoryOutOfBounds));
}

/// Panics in every call: with a message, or with a payload whose drop
/// panics too.
struct Panics {
    payload_panics_when_dropped: bool,
}

struct PanicsWhenDropped;

impl Drop for PanicsWhenDropped {
    fn drop(&mut self) {
        panic!("the payload's drop");
    }
}

impl Host for Panics {
    fn call(&mut self, _: u32, _: &mut Caller<'_>, _: &[i64], _: &mut [i64]) -> Result<(), Trap> {
        if self.payload_panics_when_dropped {
            std::panic::panic_any(PanicsWhenDropped);
        }
        panic!("host bug");
    }
}

#[test]
fn a_panicking_host_is_an_error() {
    let module = adder();
    let mut instance = Instance::new(&module, dispatched_imports(), GAS_LIMIT).unwrap();
    // A payload whose drop panics as well must not unwind into generated
    // code (that aborted the process).
    for (payload_panics_when_dropped, message) in [(false, "host bug"), (true, "(no message)")] {
        let mut host = Panics {
            payload_panics_when_dropped,
        };
        let err = instance
            .call_with("sum", &[Value::I64(1), Value::I64(2)], &mut host, 0)
            .unwrap_err();
        // It names the import and says what the panic said.
        assert_eq!(
            err,
            Trap::Host(format!("host function env.add panicked: {message}"))
        );
        // The instance still works.
        let out = instance
            .call_with(
                "sum",
                &[Value::I64(1), Value::I64(2)],
                &mut Recorder { calls: 0 },
                0,
            )
            .unwrap();
        assert_eq!(out, vec![Value::I64(4)]);
    }
}

/// `run(levels, frames)`: recurses `frames` deep, then asks the host to run
/// `run(levels - 1, frames)` in a fresh instance; returns the total number
/// of levels that ran.
const NESTER: &str = r#"
(module
  (import "env" "nest" (func $nest (param i32) (result i32)))
  (global $levels (mut i32) (i32.const 0))
  (func $deep (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (call $nest (global.get $levels)))
      (else (i32.add (call $deep (i32.sub (local.get $n) (i32.const 1))) (i32.const 0)))))
  (func (export "run") (param $levels i32) (param $frames i32) (result i32)
    (global.set $levels (local.get $levels))
    (if (result i32) (i32.eqz (local.get $levels))
      (then (i32.const 1))
      (else (i32.add (call $deep (local.get $frames)) (i32.const 1))))))
"#;

/// Serves `nest` by running the same module one level down, as a
/// cross-contract call would.
struct Nester<'m> {
    module: &'m Module,
    frames: i32,
}

impl Host for Nester<'_> {
    fn call(
        &mut self,
        _id: u32,
        caller: &mut Caller<'_>,
        args: &[i64],
        results: &mut [i64],
    ) -> Result<(), Trap> {
        let levels = args[0] as i32 - 1;
        let mut imports = Imports::new();
        imports.dispatch("env", "nest", 0);
        let mut callee = Instance::new(self.module, imports, caller.gas_left() as u64)
            .map_err(|e| Trap::Host(e.to_string()))?;
        let out = callee.call_with(
            "run",
            &[Value::I32(levels), Value::I32(self.frames)],
            self,
            caller.stack_height(),
        )?;
        let used = caller.gas_left() - callee.gas_left();
        caller.charge_gas(used as u64)?;
        results[0] = out[0].as_i64();
        Ok(())
    }
}

fn nest(levels: i32, frames: i32) -> Result<Vec<Value>, Trap> {
    let module = compile(&prepare(NESTER));
    let mut imports = Imports::new();
    imports.dispatch("env", "nest", 0);
    let mut instance = Instance::new(&module, imports, GAS_LIMIT).unwrap();
    let mut host = Nester {
        module: &module,
        frames,
    };
    instance.call_with(
        "run",
        &[Value::I32(levels), Value::I32(frames)],
        &mut host,
        0,
    )
}

#[test]
fn nested_calls_run_to_the_bottom() {
    assert_eq!(nest(20, 10), Ok(vec![Value::I32(21)]));
}

#[test]
fn the_stack_limit_bounds_the_whole_call_tree() {
    // 1,000 frames per level fit one instance's limit several times over;
    // with the height carried into every nested call, the deterministic
    // limit fires a few levels down, long before 200 levels could exhaust
    // the native stack.
    assert_eq!(nest(200, 1_000), Err(Trap::Wasm(TrapKind::StackOverflow)));
    // And the same depth without the recursion is fine.
    assert_eq!(nest(200, 0), Ok(vec![Value::I32(201)]));
}

/// A host function's results each reach their slot, however many
/// (they are written in place, after the arguments), and a result it
/// leaves unwritten reads 0, even where an earlier call of the same
/// import left other values in the same stack slot.
#[test]
fn a_dispatched_import_returns_its_results_in_their_slots() {
    const MANY: &str = r#"
(module
  (import "env" "eight" (func $eight (param i64) (result i64 i64 i64 i64 i64 i64 i64 i64)))
  (import "env" "nine" (func $nine (result i64 i64 i64 i64 i64 i64 i64 i64 i64)))
  (import "env" "skip" (func $skip (param i32 i64) (result i32 i64 i64)))
  (func (export "eight") (param i64) (result i64 i64 i64 i64 i64 i64 i64 i64)
    (call $eight (local.get 0)))
  (func (export "nine") (result i64 i64 i64 i64 i64 i64 i64 i64 i64)
    (call $nine))
  (func (export "skip") (result i32 i64 i64)
    (call $skip (i32.const -7) (i64.const 40))))
"#;
    /// Result `i` is the first argument (or 0) plus `i`; `skip` (id 3)
    /// writes all its results the first time, then only its last.
    struct Counting {
        skipped_before: bool,
    }
    impl Host for Counting {
        fn call(
            &mut self,
            id: u32,
            _: &mut Caller<'_>,
            args: &[i64],
            results: &mut [i64],
        ) -> Result<(), Trap> {
            if id == 3 {
                if !std::mem::replace(&mut self.skipped_before, true) {
                    results.fill(-1);
                }
                results[2] = args[0] + args[1];
                return Ok(());
            }
            let base = args.first().copied().unwrap_or(0);
            for (i, result) in results.iter_mut().enumerate() {
                *result = base + i as i64;
            }
            Ok(())
        }
    }
    let module = compile(&prepare(MANY));
    let mut imports = Imports::new();
    imports
        .dispatch("env", "eight", 1)
        .dispatch("env", "nine", 2)
        .dispatch("env", "skip", 3);
    let mut instance = Instance::new(&module, imports, GAS_LIMIT).unwrap();
    let mut host = Counting {
        skipped_before: false,
    };
    let out = instance
        .call_with("eight", &[Value::I64(100)], &mut host, 0)
        .unwrap();
    assert_eq!(out, (100..108).map(Value::I64).collect::<Vec<_>>());
    let out = instance.call_with("nine", &[], &mut host, 0).unwrap();
    assert_eq!(out, (0..9).map(Value::I64).collect::<Vec<_>>());
    let out = instance.call_with("skip", &[], &mut host, 0).unwrap();
    assert_eq!(out, vec![Value::I32(-1), Value::I64(-1), Value::I64(33)]);
    // The same call again: the same wrapper frame at the same depth, whose
    // slots held -1 a moment ago.
    let out = instance.call_with("skip", &[], &mut host, 0).unwrap();
    assert_eq!(out, vec![Value::I32(0), Value::I64(0), Value::I64(33)]);
}

/// The other ways to supply an import give their results the same way: a
/// closure's nine results, and another instance's export whose results
/// outnumber its parameters (they come back from slot 0 and are moved
/// after the arguments, over them).
#[test]
fn closures_and_other_instances_return_their_results_in_their_slots() {
    const CALLER: &str = r#"
(module
  (import "env" "nine" (func $nine (param i32) (result i64 i64 i64 i64 i64 i64 i64 i64 i64)))
  (import "env" "spread" (func $spread (param i32 i64) (result i64 i32 i64)))
  (func (export "nine") (result i64 i64 i64 i64 i64 i64 i64 i64 i64)
    (call $nine (i32.const -3)))
  (func (export "spread") (result i64 i32 i64)
    (call $spread (i32.const 5) (i64.const -2))))
"#;
    const CALLEE: &str = r#"
(module
  (func (export "spread") (param i32 i64) (result i64 i32 i64)
    (i64.extend_i32_s (local.get 0))
    (i32.wrap_i64 (local.get 1))
    (i64.mul (i64.extend_i32_s (local.get 0)) (local.get 1))))
"#;
    let mut callee = Instance::new(&compile(&prepare(CALLEE)), Imports::new(), GAS_LIMIT).unwrap();
    let mut imports = Imports::new();
    imports
        .func("env", "nine", |_, args| {
            Ok((0..9).map(|i| args[0] * 10 + i).collect())
        })
        .define("env", "spread", callee.export("spread").expect("export"));
    let mut instance = Instance::new(&compile(&prepare(CALLER)), imports, GAS_LIMIT).unwrap();
    let out = instance.call("nine", &[]).unwrap();
    assert_eq!(out, (0..9).map(|i| Value::I64(-30 + i)).collect::<Vec<_>>());
    let out = instance.call("spread", &[]).unwrap();
    assert_eq!(out, vec![Value::I64(5), Value::I32(-2), Value::I64(-10)]);
}
