//! A wasmi runner for instrumented modules: the reference engine of the
//! differential tests.
//!
//! It plays the host's part of the metering contract (see the crate docs):
//! set `__gasket_gas` to the limit and `__gasket_stack` to 0, run
//! `__gasket_start` if the module had a start function, call the export,
//! read both globals back and classify a trap by their sentinels.
//!
//! Only modules without imports are supported.
//!
//! Values cross the boundary as `i64`: an `i32` argument is truncated to its
//! low 32 bits, an `i32` result is sign-extended (`-1i32` comes back as
//! `-1i64`).

use gasket_metering::{GAS_EXPORT, Prepared, STACK_EXPORT, START_EXPORT};
use wasmi::{CompilationMode, Engine, Func, Instance, Linker, Module, Store, Val, ValType};

/// How a call ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The export returned these results (`i32` results sign-extended).
    Returned(Vec<i64>),
    /// Execution trapped.
    Trap(TrapKind),
}

/// Why execution trapped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrapKind {
    /// The gas global holds the out-of-gas sentinel (-1).
    OutOfGas,
    /// The stack-height global holds the stack-overflow sentinel (-1).
    StackOverflow,
    /// An `unreachable` of the contract itself.
    Unreachable,
    /// Any other trap: the `Debug` name of wasmi's trap code
    /// (`"IntegerDivisionByZero"`, `"MemoryOutOfBounds"`, ... and
    /// `"StackOverflow"` for wasmi's *own* limit, which must never fire
    /// before ours), or the error message for errors without a trap code.
    Other(String),
}

/// The result of [`run`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// How the call ended.
    pub outcome: Outcome,
    /// `limit - gas left`, or the whole limit on out of gas.
    pub gas_used: u64,
    /// Every exported global after the call, sorted by export name
    /// (`i32` values sign-extended).
    pub globals: Vec<(String, i64)>,
    /// blake3 of the exported memory after the call, if there is one.
    pub memory: Option<[u8; 32]>,
}

/// A wasmi engine whose own limits are far above Gasket's, with fuel off.
fn engine() -> Engine {
    let mut config = wasmi::Config::default();
    config
        .consume_fuel(false)
        .compilation_mode(CompilationMode::Eager)
        // Gasket's default limit (32,768 units, >= 4 per frame) allows at
        // most 8,192 frames, plus one helper frame; wasmi's value stack
        // grows on demand.
        .set_max_recursion_depth(1 << 20)
        .set_max_stack_height(1 << 28);
    Engine::new(&config)
}

fn instantiate(wasm: &[u8]) -> (Store<()>, Instance) {
    try_instantiate(wasm).unwrap_or_else(|kind| panic!("instantiation failed: {kind:?}"))
}

/// Instantiates `wasm`; `Err` with the trap kind when a data or element
/// segment does not fit (the only way a valid module without imports fails
/// to instantiate). Panics on anything else: wasmi rejecting the module or
/// failing for another reason is not an outcome.
fn try_instantiate(wasm: &[u8]) -> Result<(Store<()>, Instance), TrapKind> {
    let engine = engine();
    let module = Module::new(&engine, wasm).expect("wasmi rejects the module");
    assert_eq!(
        module.imports().len(),
        0,
        "the test runner supports only modules without imports"
    );
    let mut store = Store::new(&engine, ());
    match Linker::<()>::new(&engine).instantiate_and_start(&mut store, &module) {
        Ok(instance) => Ok((store, instance)),
        Err(err) => Err(segment_error(&err)
            .unwrap_or_else(|| panic!("instantiation failed, not in a segment: {err}"))),
    }
}

/// The trap kind of a segment that does not fit, in the names of
/// [`TrapKind::Other`]: a data segment fails with wasmi's
/// `MemoryOutOfBounds` trap code, an element segment with an instantiation
/// error of its own that has none.
fn segment_error(err: &wasmi::Error) -> Option<TrapKind> {
    use wasmi::errors::{ErrorKind, InstantiationError};
    match err.kind() {
        ErrorKind::Instantiation(InstantiationError::ElementSegmentDoesNotFit { .. }) => {
            Some(TrapKind::Other("TableOutOfBounds".into()))
        }
        _ => match err.as_trap_code() {
            Some(
                code @ (wasmi::TrapCode::MemoryOutOfBounds | wasmi::TrapCode::TableOutOfBounds),
            ) => Some(TrapKind::Other(format!("{code:?}"))),
            _ => None,
        },
    }
}

fn classify_error(err: &wasmi::Error) -> TrapKind {
    match err.as_trap_code() {
        Some(wasmi::TrapCode::UnreachableCodeReached) => TrapKind::Unreachable,
        Some(code) => TrapKind::Other(format!("{code:?}")),
        None => TrapKind::Other(err.to_string()),
    }
}

/// Calls `func` with `args`, converted to its parameter types.
fn call(store: &mut Store<()>, func: Func, args: &[i64]) -> Result<Vec<i64>, wasmi::Error> {
    let ty = func.ty(&*store);
    assert_eq!(ty.params().len(), args.len(), "wrong number of arguments");
    let inputs: Vec<Val> = ty
        .params()
        .iter()
        .zip(args)
        .map(|(ty, &arg)| match ty {
            ValType::I32 => Val::I32(arg as i32),
            ValType::I64 => Val::I64(arg),
            other => panic!("unsupported parameter type {other:?}"),
        })
        .collect();
    let mut outputs: Vec<Val> = ty
        .results()
        .iter()
        .map(|&ty| Val::default_for_ty(ty))
        .collect();
    func.call(&mut *store, &inputs, &mut outputs)?;
    Ok(outputs
        .iter()
        .map(|val| match val {
            Val::I32(v) => i64::from(*v),
            Val::I64(v) => *v,
            other => panic!("unsupported result {other:?}"),
        })
        .collect())
}

fn export_func(store: &Store<()>, instance: &Instance, export: &str) -> Func {
    instance
        .get_func(store, export)
        .unwrap_or_else(|| panic!("no exported function {export:?}"))
}

/// Runs `export` of an instrumented module with `gas_limit` gas.
///
/// Also checks the invariants of the sentinels: after a return, the stack
/// height is back to 0 and gas left is between 0 and the limit.
pub fn run(prepared: &Prepared, export: &str, args: &[i64], gas_limit: u64) -> Run {
    try_run(prepared, export, args, gas_limit)
        .unwrap_or_else(|kind| panic!("instantiation failed: a segment: {kind:?}"))
}

/// [`run`], or `Err` with the trap kind when a data or element segment
/// does not fit at instantiation (a trap the module's own code never
/// reaches). Everything else that goes wrong still panics, the checks of
/// the sentinels included: a caller must not catch those.
pub fn try_run(
    prepared: &Prepared,
    export: &str,
    args: &[i64],
    gas_limit: u64,
) -> Result<Run, TrapKind> {
    let limit = i64::try_from(gas_limit).expect("gas limit above i64::MAX");
    let (mut store, instance) = try_instantiate(&prepared.wasm)?;
    let gas = instance
        .get_global(&store, GAS_EXPORT)
        .expect("no gas global");
    let stack = instance
        .get_global(&store, STACK_EXPORT)
        .expect("no stack global");
    gas.set(&mut store, Val::I64(limit))
        .expect("gas global is not a mutable i64");
    stack
        .set(&mut store, Val::I32(0))
        .expect("stack global is not a mutable i32");

    let mut result = Ok(Vec::new());
    if let Some(start) = instance.get_func(&store, START_EXPORT) {
        result = call(&mut store, start, &[]);
    }
    if result.is_ok() {
        let func = export_func(&store, &instance, export);
        result = call(&mut store, func, args);
    }

    let gas_left = gas.get(&store).i64().expect("gas global is an i64");
    let height = stack.get(&store).i32().expect("stack global is an i32");
    let outcome = match result {
        Ok(values) => {
            assert_eq!(height, 0, "stack height not back to 0 after a return");
            Outcome::Returned(values)
        }
        Err(_) if gas_left == -1 => Outcome::Trap(TrapKind::OutOfGas),
        Err(_) if height == -1 => Outcome::Trap(TrapKind::StackOverflow),
        Err(err) => Outcome::Trap(classify_error(&err)),
    };
    let gas_used = if outcome == Outcome::Trap(TrapKind::OutOfGas) {
        gas_limit
    } else {
        assert!(
            (0..=limit).contains(&gas_left),
            "gas left {gas_left} outside 0..={limit}"
        );
        gas_limit - gas_left as u64
    };
    let (globals, memory) = observe(&store, &instance);
    Ok(Run {
        outcome,
        gas_used,
        globals,
        memory,
    })
}

/// The exported globals and a digest of the exported memory.
fn observe(store: &Store<()>, instance: &Instance) -> (Vec<(String, i64)>, Option<[u8; 32]>) {
    let mut globals = Vec::new();
    let mut memory = None;
    for export in instance.exports(store) {
        let name = export.name().to_string();
        match export.into_extern() {
            wasmi::Extern::Global(global) => {
                let value = match global.get(store) {
                    Val::I32(v) => i64::from(v),
                    Val::I64(v) => v,
                    other => panic!("unsupported global value {other:?}"),
                };
                globals.push((name, value));
            }
            wasmi::Extern::Memory(mem) => {
                memory = Some(*blake3::hash(mem.data(store)).as_bytes());
            }
            _ => {}
        }
    }
    globals.sort();
    (globals, memory)
}

/// Runs `export` of an un-instrumented module (its start function runs at
/// instantiation, as usual).
pub fn run_original(wasm: &[u8], export: &str, args: &[i64]) -> Outcome {
    let (mut store, instance) = instantiate(wasm);
    let func = export_func(&store, &instance, export);
    match call(&mut store, func, args) {
        Ok(values) => Outcome::Returned(values),
        Err(err) => Outcome::Trap(classify_error(&err)),
    }
}

/// The frame cost the instrumented module charges on entry to function
/// `func_index` (in the function index space): the `FRAME` of the
/// `i32.const FRAME; call $stack_enter` that starts its body.
pub fn frame_cost(prepared: &Prepared, func_index: u32) -> u32 {
    let imported = prepared.info.imported_functions;
    let defined = func_index
        .checked_sub(imported)
        .expect("an imported function has no frame") as usize;
    let mut bodies = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(&prepared.wasm) {
        if let wasmparser::Payload::CodeSectionEntry(body) =
            payload.expect("instrumented module parses")
        {
            bodies.push(body);
        }
    }
    let mut ops = bodies[defined].get_operators_reader().expect("body parses");
    let first = ops.read().expect("body has operators");
    let second = ops.read().expect("body has operators");
    match (first, second) {
        (
            wasmparser::Operator::I32Const { value },
            wasmparser::Operator::Call { function_index },
        ) if function_index == prepared.info.injected.stack_enter_func => {
            u32::try_from(value).expect("frame cost is not negative")
        }
        other => panic!(
            "function {func_index} does not start with i32.const FRAME; call $stack_enter: {other:?}"
        ),
    }
}
