//! The translation driver: one wasm function body to one CLIF function.
//!
//! ```text
//! entry(vmctx, params..):            (the gas left in the pinned register)
//!     len = vmctx.memory_len        (cached, see below; only if read)
//!     native-stack backstop: if sp < vmctx.stack_limit → trap path
//!     locals = params, then zeros
//!     body ...                      (operators, visit/*)
//! exit(results..):
//!     return (results..)
//! trap paths (cold, one per kind, leaf height and pending charge):
//!     [under a pending charge p: if gas <u p → the OutOfGas path;
//!      gas -= p]
//!     gas global = the pinned register, or -1 for OutOfGas;
//!     [StackOverflow: stack global = -1]
//!     [after a leaf's stack_enter: stack global = the leaf's height]
//!     raise_trap(vmctx, code)       (longjmps; never returns)
//! ```
//!
//! Locals are cranelift-frontend variables and operand-stack values SSA
//! values, except in [`Translation::Slots`], where both live in cells of
//! the frame (the translation a function whose optimised frame exceeds
//! its share of native stack gets; see `Engine::codegen_optimising`).
//!
//! The gas left lives in Cranelift's pinned register (`r15` on x86-64,
//! `x21` on aarch64), which the register allocator never hands out: from
//! the entry trampoline's set to its read back, through every wasm
//! function and call, it is never spilled, passed or returned. A charge
//! reads it, compares, branches and writes it back (`get_pinned_reg`,
//! `set_pinned_reg`, ordered as side effects). The memory length is a
//! cranelift-frontend variable. Everything else is a synchronisation
//! point: a libcall (host functions go through one, inside their import
//! wrapper) stores gas before and reloads gas and length after, but for
//! `memory.copy` and `memory.fill`'s, which read neither and cannot trap
//! (`raw_libcall`: the register survives the call, callee-saved), and
//! every trap path stores the register; entry and import trampolines move the
//! gas between its global and the register, and an entry trampoline gives
//! its caller back the register's own value (callee-saved in both native
//! conventions; a trap's `longjmp` restores it too). So the gas global
//! holds exactly what the wasm helpers would have left in it at every
//! point that can observe it.
//!
//! Pinning was measured against the gas as a variable passed as the last
//! argument and first result (2026-12-06, Xeon, four interleaved rounds;
//! docs/RATIONALE.md): fib −10%, sort −6%, hash and copy unchanged,
//! host_reads and large_ed25519 +2%, large_mixed within noise. The
//! variable's copies ran through every block (a trap branch
//! carried it as an argument, re-derived in each block by Cranelift's
//! rematerialisation) and it was spilled in large functions' loops, a
//! store and reload per iteration; a call moved it in and out of
//! argument and result registers. The register is one fewer for
//! everything else: see `entry_stack_height` in `visit::call` for what
//! that cost calls.
//!
//! A constant charge is checked lazily: at the next operator that can
//! trap, write anything but locals, call or read the gas, or where control
//! flow joins or leaves but through an `if` or a forward `br_if` before a
//! charge, together with the charges met before it
//! (`Translator::defer_charge`). A loop whose
//! condition comes first (its segment, a `br_if` out, then the body's
//! segment) so checks once per iteration, not twice: the `br_if`'s
//! fall-through merges the pending charge with the one that starts it;
//! its taken edge checks it, or, when the target block is entered by
//! such edges only (a body reached by a `br_if` over the loop's exit),
//! the block starts with it pending (`Frame::gas_edges`). In an innermost
//! loop, loads keep a charge pending when the next charge follows them
//! (`Translator::charge_ahead`): a byte-compare loop's load, `br_if` out,
//! load again checks one charge per iteration. A trap path under a pending
//! charge checks it first: OutOfGas if the gas is short, else the charge
//! taken and the load's trap (`Translator::emit_trap_block`). An out-of-gas
//! trap then leaves what the metering's own check would have left:
//! nothing between the two could be observed. In a versioned loop's fast
//! copy (see [`super::versioning`]) the charges of its iterations are
//! subtracted without a compare: the guard at its entry found gas for
//! all of them.
//!
//! The stack height stays in its global, which lives in the VM context
//! itself (`VmCtx::stack_height`: the intrinsics load, add and store it
//! at one offset of the context, as the wasm helpers do), except in a
//! leaf and in an inlined callee's body, which keep their own height in a
//! register (see `visit::call`). A function that calls stores the height
//! its `stack_enter` loaded back at its `stack_exit`
//! (`Translator::entry_stack_height`) rather than loading and subtracting:
//! every return would otherwise wait for a store-to-load forwarding
//! through the global, twice per call. It keeps that height in a frame
//! slot, not in a register across the calls (see `visit::call`). Passing
//! the height from function to function was
//! measured and dropped: as an argument, in a stack slot, or as a
//! trap-path argument, it cost 10–16% on the large contract's mixed
//! workload, more than the loads it saved.

use cranelift_codegen::FxHashMap;

use cranelift_codegen::ir::{
    Block, FuncRef, Function, InstBuilder, InstructionData, MemFlagsData, Opcode, SigRef,
    StackSlot, StackSlotData, StackSlotKind, Type, UserFuncName, Value, condcodes::IntCC, types,
};
use cranelift_codegen::isa::TargetFrontendConfig;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};
use gasket_metering::{CostClass, OpClass, op_class};
use wasmparser::{FunctionBody, Operator};

use super::stack::{Frame, FrameKind, Reach, args};
use super::versioning::{Limit, LoopPlan, plan_loops};
use super::{ModuleEnv, NS_FUNC, PTR, clif_type, libcall_signature, visit, wasm_signature};
use crate::error::CompileError;
use crate::runtime::vmctx::{self, Libcall};
use crate::trap::{CODE_NATIVE_STACK, TrapKind};

type Result<T> = std::result::Result<T, CompileError>;

/// Where a trap path goes from: its code, the leaf height it stores and
/// the charge pending before it (see [`Translator::trap_block`]).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct TrapSite {
    code: u32,
    height: Option<Value>,
    pending: u64,
}

/// State of the translation of one function.
pub(crate) struct Translator<'a, 'f> {
    pub b: FunctionBuilder<'f>,
    pub env: &'a ModuleEnv<'a>,
    /// Function index being translated.
    pub func: u32,
    /// Byte offset of the operator being translated.
    pub offset: u64,
    pub vmctx: Value,
    pub locals: Vec<(Variable, Type)>,
    pub stack: Vec<Value>,
    pub frames: Vec<Frame>,
    pub reach: Reach,
    /// Bounds already checked on the straight-line path to here: index
    /// value → largest `offset + size` proven in bounds (see
    /// [`super::bounds`]). Saved at each block, loop and `if` and
    /// restored at its `else` and `end`; at most 1,024 kept, none in slots
    /// (`bounds::remember_checked`).
    pub checked: FxHashMap<Value, u64>,
    /// Checks that a later access may widen, for checks made since the last
    /// operator that could be observed or trap otherwise: the index's base
    /// value → the open check of the lowest constant above it (see
    /// [`super::bounds`]).
    pub widenable: FxHashMap<Value, super::bounds::OpenCheck>,
    /// Gas charged by the metering but not yet checked nor taken from
    /// the gas left ([`Self::gas_value`]; see
    /// [`Translator::defer_charge`]); 0 if none.
    pub pending_gas: u64,
    /// Whether the operator after the one being translated is an
    /// `i64.const` (the cost of a charge, where the metering starts a
    /// segment right after a `br_if`).
    pub next_is_i64_const: bool,
    /// Whether the operator being translated is a `call` and the one after
    /// it an `unreachable`: a cold call (see
    /// [`super::inline::next_is_unreachable`]).
    pub cold_call: bool,
    /// The argument of a metering helper (`charge_gas`, `stack_enter`,
    /// `stack_exit`) whose constant was read and whose `call` is next: no
    /// value is made for it (see `visit::numeric`); the call takes it.
    pub constant_arg: Option<i64>,
    /// Whether the operator being translated is a constant and the next
    /// the `call` of one of those helpers.
    pub constant_arg_is_next: bool,
    /// Heap addresses to reuse ([`super::bounds::HeapAddresses`]).
    pub heap_addresses: super::bounds::HeapAddresses,

    /// The block every trap path ends in, once one is made
    /// ([`Translator::emit_trap_block`]).
    raise_block: Option<Block>,
    /// The offsets of the body being read where loads keep a pending
    /// charge pending or not ([`Translator::charge_ahead`]); empty when
    /// none is known.
    load_meets_charge: (std::ops::Range<u64>, bool),
    /// The memory length in bytes (an `i64`), if the module has a memory.
    pub memory_len: Option<Variable>,
    /// Operators of the function's own body read so far (the one being
    /// translated included; an inlined callee's are not counted: its call
    /// is), and how many may run with a read of the memory length ahead
    /// of them (see `scan_body`).
    operators_read: usize,
    memory_len_needed_until: usize,
    /// The function calls no wasm or host function but on the way to a
    /// trap (cold calls, see `scan_body`).
    leaf: bool,
    /// Index in `frames` of the frame a `return` leaves: 0, or the body
    /// frame of the callee being inlined (see [`super::inline`]).
    pub return_frame: usize,
    /// What this function may still inline (see
    /// [`super::inline::inline_cost`]).
    inline_budget: usize,
    /// Whether it inlined any call.
    inlined: bool,
    /// The candidate loops not yet translated, by the byte offset of their
    /// `loop` (see [`super::versioning`]); empty but with
    /// [`Translation::Inlining`].
    loop_plans: FxHashMap<u64, LoopPlan>,
    /// In the fast copy of a versioned loop, its plan: the accesses it
    /// proves and where gas compares are dropped.
    pub fast_loop: Option<LoopPlan>,
    /// Where locals and operand-stack values live in
    /// [`Translation::Slots`].
    slots: Option<ValueSlots>,
    /// The value buffer of shared-table `call_indirect`s, one for the
    /// whole function (see `visit::call`).
    pub indirect_buffer: Option<StackSlot>,
    /// In a leaf, or in the body of an inlined callee (always a leaf), the
    /// stack height with the leaf's frame, kept out of the global: nothing
    /// reads the global before the leaf returns (restoring it), traps (the
    /// trap paths store it) or makes a cold call (which stores it first,
    /// see `visit::call`).
    pub leaf_stack_height: Option<Value>,
    /// Whether the operator being translated is the second of an inlined
    /// callee's body (its `call $stack_enter`).
    pub inlined_entry: bool,
    /// In a function that calls, the height its `stack_enter` found in
    /// the global, the frame slot it is also kept in, and the frame it
    /// added: its `stack_exit` of that frame stores the height back from
    /// the slot instead of loading and subtracting, and its inlined
    /// callees add to the value (see `visit::call`).
    pub entry_stack_height: Option<(Value, StackSlot, i64)>,
    /// In the body of an inlined callee, the caller's entry height and
    /// frame ([`Self::entry_stack_height`]): the global holds their sum.
    pub caller_stack_height: Option<(Value, i64)>,
    /// The trap blocks, in the order they were made: one per trap code,
    /// height to store (the [`Self::leaf_stack_height`] of the sites that
    /// branch to it) and charge pending at those sites
    /// ([`Self::pending_gas`]), found through `trap_block_of` (a function
    /// inlining a thousand calls has thousands).
    trap_blocks: Vec<(TrapSite, Block)>,
    trap_block_of: FxHashMap<TrapSite, Block>,
    func_refs: FxHashMap<u32, FuncRef>,
    sig_refs: FxHashMap<u32, SigRef>,
    libcall_refs: FxHashMap<u8, SigRef>,
    results: Vec<Type>,
}

/// How a body is translated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Translation {
    /// Small leaf callees inlined (see [`super::inline`]).
    Inlining,
    /// Every call a call; locals and operand-stack values are SSA values.
    Plain,
    /// Every call a call, and every local and operand-stack position an
    /// 8-byte cell of the frame: a push stores, a pop loads, so no value
    /// lives from one operator to the next but the context pointer and
    /// the gas (the memory length is loaded where read), and none crosses
    /// a check into its next block (see [`Translator::peek`]). With the
    /// backtracking allocator the frame is then about 8 bytes per
    /// stack-height unit, plus a call's arguments and results held again
    /// in its outgoing and return areas (24 bytes per unit for a
    /// 128-argument call); the optimiser's merged values are not bounded
    /// by units, nor the single-pass allocator's slot per spilled value
    /// (it spills around calls and, on x86-64, divisions). See
    /// `Engine::codegen_optimising` and `Engine::codegen_slots`.
    Slots,
}

/// The cells of [`Translation::Slots`].
#[derive(Debug, Clone, Copy)]
struct ValueSlots {
    /// One cell per local, by index.
    locals: StackSlot,
    /// One cell per operand-stack position, by height.
    stack: StackSlot,
    /// The greatest operand-stack height so far.
    height: u32,
    /// A cell's offset did not fit an `i32` (locals or a stack height
    /// beyond 2^28, which only limits far above the defaults allow): the
    /// translation fails at its end.
    overflow: bool,
}

impl ValueSlots {
    fn offset(&mut self, index: usize) -> i32 {
        cell(index).unwrap_or_else(|| {
            self.overflow = true;
            0
        })
    }
}

/// The offset of cell `index` of a [`ValueSlots`] slot, `None` past 2 GiB
/// (a translation in slots then fails: see [`ValueSlots::overflow`]).
fn cell(index: usize) -> Option<i32> {
    i32::try_from(index.checked_mul(8)?).ok()
}

/// Key of the trap block whose code is a block argument
/// ([`Translator::trap_if_status`]).
const DYNAMIC_CODE: u32 = u32::MAX;

/// Translates the body of defined function `func`.
#[cfg(test)]
pub(crate) fn translate(
    env: &ModuleEnv<'_>,
    func: u32,
    body: &FunctionBody<'_>,
    fctx: &mut FunctionBuilderContext,
    frontend: TargetFrontendConfig,
) -> Result<Function> {
    let mut function = Function::new();
    translate_into(
        env,
        func,
        body,
        fctx,
        frontend,
        &mut function,
        Translation::Inlining,
    )?;
    Ok(function)
}

/// Translates the body of defined function `func` into `function`, cleared
/// first: a compile thread reuses one function's allocations. Returns
/// whether any call was inlined (only with [`Translation::Inlining`]).
pub(crate) fn translate_into(
    env: &ModuleEnv<'_>,
    func: u32,
    body: &FunctionBody<'_>,
    fctx: &mut FunctionBuilderContext,
    frontend: TargetFrontendConfig,
    function: &mut Function,
    translation: Translation,
) -> Result<bool> {
    // A translation that stops early (an error, or a panic a caller
    // catches) leaves the builder's context half used; the next
    // translation on this thread must not build on it.
    let translated = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        translate_body(env, func, body, fctx, frontend, function, translation)
    }));
    match translated {
        Ok(Ok(inlined)) => Ok(inlined),
        Ok(Err(error)) => {
            *fctx = FunctionBuilderContext::new();
            Err(error)
        }
        Err(panic) => {
            *fctx = FunctionBuilderContext::new();
            std::panic::resume_unwind(panic)
        }
    }
}

/// [`translate_into`] for defined function `func`, all but the function
/// to fill and the translation fixed: what the engine's compile of one
/// function (`Engine::codegen_function`) translates with, as often as its
/// fallbacks need.
pub(crate) fn translator<'t>(
    env: &'t ModuleEnv<'t>,
    func: u32,
    body: &'t FunctionBody<'t>,
    fctx: &'t mut FunctionBuilderContext,
    frontend: TargetFrontendConfig,
) -> impl FnMut(&mut Function, Translation) -> Result<bool> + 't {
    move |function, translation| {
        translate_into(env, func, body, fctx, frontend, function, translation)
    }
}

/// [`translate_into`], but for the reset of `fctx` when it stops early.
fn translate_body(
    env: &ModuleEnv<'_>,
    func: u32,
    body: &FunctionBody<'_>,
    fctx: &mut FunctionBuilderContext,
    frontend: TargetFrontendConfig,
    function: &mut Function,
    translation: Translation,
) -> Result<bool> {
    let internal = |e: wasmparser::BinaryReaderError| {
        CompileError::internal(e.message().to_string(), func, e.offset())
    };
    let sig = env
        .info
        .func_sig(func)
        .ok_or_else(|| CompileError::internal("function without a type", func, 0))?
        .clone();
    function.clear();
    function.name = UserFuncName::user(NS_FUNC, func);
    function.signature = wasm_signature(&sig);
    let b = FunctionBuilder::new(function, fctx);
    let mut t = Translator {
        b,
        env,
        func,
        offset: body.range().start,
        vmctx: Value::from_u32(0),
        locals: Vec::new(),
        stack: Vec::new(),
        frames: Vec::new(),
        reach: Reach::Live,
        checked: FxHashMap::default(),
        widenable: FxHashMap::default(),
        pending_gas: 0,
        next_is_i64_const: false,
        cold_call: false,
        constant_arg: None,
        constant_arg_is_next: false,
        heap_addresses: Default::default(),
        raise_block: None,
        load_meets_charge: (0..0, false),
        memory_len: None,
        operators_read: 0,
        memory_len_needed_until: 0,
        leaf: false,
        return_frame: 0,
        inline_budget: if translation == Translation::Inlining {
            super::inline::caller_budget(super::inline::body_bytes(body))
        } else {
            0
        },
        inlined: false,
        loop_plans: FxHashMap::default(),
        fast_loop: None,
        slots: None,
        indirect_buffer: None,
        leaf_stack_height: None,
        inlined_entry: false,
        entry_stack_height: None,
        caller_stack_height: None,
        trap_blocks: Vec::new(),
        trap_block_of: FxHashMap::default(),
        func_refs: FxHashMap::default(),
        sig_refs: FxHashMap::default(),
        libcall_refs: FxHashMap::default(),
        results: sig.results.iter().map(|&t| clif_type(t)).collect(),
    };

    let entry = t.b.create_block();
    t.b.append_block_params_for_function_params(entry);
    t.b.switch_to_block(entry);
    t.b.seal_block(entry);
    let params = t.b.block_params(entry).to_vec();
    t.vmctx = params[0];
    if translation == Translation::Slots {
        let mut slot = || {
            t.b.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, 0, 3))
        };
        let (locals, stack) = (slot(), slot());
        t.slots = Some(ValueSlots {
            locals,
            stack,
            height: 0,
            overflow: false,
        });
    }
    let n = sig.params.len();
    // The length is loaded at entry and after every call: only while
    // something may still read it (an unused load is not removed by
    // Cranelift).
    let scan = scan_body(body, env).map_err(internal)?;
    t.leaf = scan.leaf;
    if translation == Translation::Inlining {
        t.loop_plans = plan_loops(body, env.info.injected.charge_gas_func).map_err(internal)?;
    }
    if env.info.memory.is_some() {
        t.memory_len_needed_until = scan.memory_len_needed_until;
        if t.memory_len_needed_until > 0 {
            t.memory_len = Some(t.b.declare_var(types::I64));
        }
    }
    t.reload_memory_len();
    t.stack_check();
    let zero_implicitly = !t.in_slots();
    t.define_locals(&params[1..=n], &sig.params, body, zero_implicitly)?;

    let exit = t.b.create_block();
    for &ty in &t.results {
        t.b.append_block_param(exit, ty);
    }
    t.frames.push(Frame {
        kind: FrameKind::Block,
        dest: exit,
        num_params: 0,
        num_results: t.results.len(),
        base: 0,
        direct_entry: false,
        gas_edges: Vec::new(),
        checked_at_entry: FxHashMap::default(),
    });

    let mut reader = body.get_operators_reader().map_err(internal)?;
    while !reader.eof() {
        t.translate_next(&mut reader)?;
    }
    if !t.frames.is_empty() {
        return Err(t.internal("body without its final end"));
    }
    if t.reach == Reach::Live {
        t.flush_gas();
        let results = t.popn(t.stack.len())?;
        t.b.ins().return_(&results);
    }
    if let Some(slots) = t.slots {
        let sizes = (cell(t.locals.len()), cell(slots.height as usize));
        let (Some(locals), Some(stack), false) = (sizes.0, sizes.1, slots.overflow) else {
            return Err(t.internal("frame cells beyond 2 GiB"));
        };
        let sizes = &mut t.b.func.sized_stack_slots;
        sizes[slots.locals].size = locals.max(8) as u32;
        sizes[slots.stack].size = stack.max(8) as u32;
    }
    t.emit_trap_blocks();
    t.b.seal_all_blocks();
    t.b.finalize(frontend);
    Ok(t.inlined)
}

/// Whether `op` is a load.
fn is_load(op: &Operator<'_>) -> bool {
    matches!(op_class(op), OpClass::Accepted(CostClass::Load))
}

/// Whether `op` cannot trap, write anything but locals and the operand
/// stack, call, or leave straight-line code.
fn neither_traps_nor_writes(op: &Operator<'_>) -> bool {
    matches!(
        op_class(op),
        OpClass::Accepted(
            CostClass::Local
                | CostClass::Const
                | CostClass::Alu
                | CostClass::Mul
                | CostClass::MemorySize
        )
    )
}

/// Whether the next operator `reader` holds is an `i64.const`.
fn next_is_i64_const(reader: &wasmparser::OperatorsReader<'_>) -> bool {
    const I64_CONST: u8 = 0x42;
    let mut bytes = reader.get_binary_reader();
    bytes.read_u8().ok() == Some(I64_CONST)
}

/// Whether the next operator `reader` holds is a `call` of one of
/// `callees`.
fn next_calls_one_of<const N: usize>(
    reader: &wasmparser::OperatorsReader<'_>,
    callees: [u32; N],
) -> bool {
    const CALL: u8 = 0x10;
    let mut bytes = reader.get_binary_reader();
    bytes.read_u8().ok() == Some(CALL)
        && bytes
            .read_var_u32()
            .is_ok_and(|callee| callees.contains(&callee))
}

/// What translation needs to know about a body before reading it once.
struct BodyScan {
    /// How many operators, from the first, may run with a read of the
    /// memory length still ahead of them: 0 when no operator reads it;
    /// otherwise up to the last reading operator (one past it for a call
    /// that may be inlined: the callee may grow the memory and read it),
    /// or to the `end` of the outermost loop around one (its back edge
    /// leads to the read again).
    memory_len_needed_until: usize,
    /// No `call` but to the metering helpers and cold calls, no
    /// `call_indirect` ([`super::inline::LeafScan`]): no wasm or host code
    /// runs before the function returns, or before a cold call on the way
    /// to a trap.
    leaf: bool,
}

/// The stack-height units of an instrumented function's frame: the
/// constant of the `i32.const N; call $stack_enter` that starts its body.
/// `None` for a body that does not start so.
pub(crate) fn frame_units(
    body: &FunctionBody<'_>,
    injected: &gasket_metering::Injected,
) -> Option<u32> {
    let mut reader = body.get_operators_reader().ok()?;
    let Operator::I32Const { value } = reader.read().ok()? else {
        return None;
    };
    match reader.read().ok()? {
        Operator::Call { function_index } if function_index == injected.stack_enter_func => {
            u32::try_from(value).ok()
        }
        _ => None,
    }
}

fn scan_body(
    body: &FunctionBody<'_>,
    env: &ModuleEnv<'_>,
) -> std::result::Result<BodyScan, wasmparser::BinaryReaderError> {
    let mut reader = body.get_operators_reader()?;
    // Open frames: whether each is a loop that contains a read.
    let mut frames: Vec<(bool, bool)> = Vec::new();
    let mut until = 0;
    let mut leaf = super::inline::LeafScan::new(&env.info.injected);
    let mut index = 0;
    while !reader.eof() {
        let op = reader.read()?;
        leaf.see(&op, &reader);
        index += 1;
        // If the operator reads the length: up to which operator it must
        // then be loaded.
        let read_until = match op {
            Operator::Block { .. } | Operator::If { .. } => {
                frames.push((false, false));
                None
            }
            Operator::Loop { .. } => {
                frames.push((true, false));
                None
            }
            Operator::End => {
                if let Some((true, true)) = frames.pop() {
                    until = until.max(index);
                }
                None
            }
            // Not a leaf's call even when inlined (but a cold one): the
            // callee's `stack_enter` must find this function's height in
            // the global. An inlined callee may read the length, also
            // after a `memory.grow` of its own, whose reload comes while
            // this operator is still being translated. A cold call is
            // never inlined.
            Operator::Call { function_index } if !super::inline::next_is_unreachable(&reader) => {
                env.inline_body(function_index).map(|_| index + 1)
            }
            ref op => visit::memory::reads_memory_len(op).then_some(index),
        };
        if let Some(read_until) = read_until {
            until = until.max(read_until);
            for frame in frames.iter_mut().filter(|f| f.0) {
                frame.1 = true;
            }
        }
    }
    Ok(BodyScan {
        memory_len_needed_until: until,
        leaf: leaf.is_leaf(),
    })
}

impl<'a, 'f> Translator<'a, 'f> {
    /// Whether the operator being translated is the function's own
    /// second: in an instrumented body (the metering starts every body
    /// with `i32.const F; call $stack_enter`), its `stack_enter`. Nothing
    /// but trap paths has branched yet, so what it defines dominates the
    /// rest of the body.
    pub(crate) fn body_entry(&self) -> bool {
        self.operators_read == 2 && !self.inlined_entry
    }

    /// Whether the operator being translated is the body's second, the
    /// `call $stack_enter` of an instrumented leaf function, with no trap
    /// site before it but the native-stack check and its own.
    pub(crate) fn leaf_entry(&self) -> bool {
        self.leaf
            && self.body_entry()
            && self.trap_blocks.iter().all(|&(TrapSite { code, .. }, _)| {
                code == CODE_NATIVE_STACK || code == TrapKind::StackOverflow.code()
            })
    }

    pub(crate) fn internal(&self, what: impl Into<String>) -> CompileError {
        CompileError::internal(what, self.func, self.offset)
    }

    /// Defines the locals of a function of `body` after those in `locals`:
    /// its parameters, of types `params`, as `args`, then the locals it
    /// declares, each zero. With `zero_implicitly`, the declared locals
    /// are left undefined: the SSA builder makes a zero for one read
    /// before any write (`FunctionBuilder::use_var`), so the locals that
    /// are written first cost nothing. Only for a function's own entry,
    /// which runs once: an inlined callee's locals must be zero again at
    /// each of its entries, and cells in slots must be written.
    fn define_locals(
        &mut self,
        args: &[Value],
        params: &[gasket_metering::ValType],
        body: &FunctionBody<'_>,
        zero_implicitly: bool,
    ) -> Result<()> {
        for (&value, &ty) in args.iter().zip(params) {
            let ty = clif_type(ty);
            let var = self.b.declare_var(ty);
            self.locals.push((var, ty));
            self.local_set(self.locals.len() as u32 - 1, value)?;
        }
        let func = self.func;
        let internal = |e: wasmparser::BinaryReaderError| {
            CompileError::internal(e.message().to_string(), func, e.offset())
        };
        let mut locals = body.get_locals_reader().map_err(internal)?;
        for _ in 0..locals.get_count() {
            let (count, ty) = locals.read().map_err(internal)?;
            let ty = match ty {
                wasmparser::ValType::I32 => types::I32,
                wasmparser::ValType::I64 => types::I64,
                _ => return Err(self.internal("non-integer local")),
            };
            for _ in 0..count {
                let var = self.b.declare_var(ty);
                self.locals.push((var, ty));
                if !zero_implicitly {
                    let zero = self.b.ins().iconst(ty, 0);
                    self.local_set(self.locals.len() as u32 - 1, zero)?;
                }
            }
        }
        Ok(())
    }

    /// The body of `callee` if this call of it is to be inlined: a
    /// candidate (see [`super::inline`]) within what is left of this
    /// function's budget, which it then uses up.
    pub(crate) fn take_inline_body(&mut self, callee: u32) -> Option<FunctionBody<'a>> {
        // An inlined callee's locals would take the caller's cells.
        if self.slots.is_some() {
            return None;
        }
        let (body, cost) = self.env.inline_body(callee)?;
        self.inline_budget = self.inline_budget.checked_sub(*cost)?;
        self.inlined = true;
        Some(body.clone())
    }

    /// Translates a call of `callee`, whose body is `body`, in place: its
    /// arguments become its first locals, its body a block that its `end`
    /// and its `return`s leave with its results (see [`super::inline`]).
    pub(crate) fn inline_call(&mut self, callee: u32, body: &FunctionBody<'_>) -> Result<()> {
        let sig = self
            .env
            .info
            .func_sig(callee)
            .ok_or_else(|| self.internal("function without a type"))?
            .clone();
        let args = self.popn(sig.params.len())?;
        let caller = (
            std::mem::take(&mut self.locals),
            self.func,
            self.offset,
            self.return_frame,
        );
        // A callee inlined into a versioned loop's exit code keeps all its
        // checks (its offsets are not the loop's anyway).
        let fast_loop = self.fast_loop.take();
        debug_assert!(
            fast_loop.is_none() || self.pending_gas == 0,
            "a charge pending into a callee inlined in a versioned loop"
        );
        self.func = callee;
        self.offset = body.range().start;
        self.define_locals(&args, &sig.params, body, false)?;
        let dest = self.b.create_block();
        for &ty in &sig.results {
            self.b.append_block_param(dest, clif_type(ty));
        }
        self.widenable.clear();
        self.return_frame = self.frames.len();
        self.frames.push(Frame {
            kind: FrameKind::Block,
            dest,
            num_params: 0,
            num_results: sig.results.len(),
            base: self.stack.len(),
            direct_entry: false,
            gas_edges: Vec::new(),
            checked_at_entry: self.checked.clone(),
        });
        let mut reader = body
            .get_operators_reader()
            .map_err(|e| CompileError::internal(e.message().to_string(), callee, e.offset()))?;
        // The callee is a leaf: like a leaf function, it keeps the height
        // with its frame out of the global until it ends.
        let caller_height = self.leaf_stack_height;
        // The caller's entry height is not the callee's to restore.
        let caller_entry = self.entry_stack_height.take();
        self.caller_stack_height = caller_entry.map(|(height, _, units)| (height, units));
        // Looked-ahead answers hold for the body they were found in.
        self.load_meets_charge = (0..0, false);
        // The callee's counted loops are versioned as the caller's are
        // (compiler-builtins' `memcmp` is such a leaf).
        let callee_plans = plan_loops(body, self.env.info.injected.charge_gas_func)
            .map_err(|e| CompileError::internal(e.message().to_string(), callee, e.offset()))?;
        let caller_plans = std::mem::replace(&mut self.loop_plans, callee_plans);
        // The body's final `end` closes its frame.
        let mut read = 0;
        while self.frames.len() > self.return_frame {
            if reader.eof() {
                return Err(self.internal("body without its final end"));
            }
            let (op, offset) = reader
                .read_with_offset()
                .map_err(|e| CompileError::internal(e.message().to_string(), callee, e.offset()))?;
            read += 1;
            self.inlined_entry = read == 2;
            if matches!(op, Operator::Loop { .. })
                && self.reach == Reach::Live
                && let Some(plan) = self.loop_plans.remove(&offset)
            {
                self.version_loop(plan, op, offset, &mut reader)?;
                continue;
            }
            self.look_ahead(&op, offset, &reader);
            self.operator(op)?;
        }
        self.loop_plans = caller_plans;
        self.inlined_entry = false;
        self.load_meets_charge = (0..0, false);
        // Its traps store its height: its charges are checked inside it.
        self.flush_gas();
        self.leaf_stack_height = caller_height;
        self.entry_stack_height = caller_entry;
        self.caller_stack_height = None;
        if !reader.eof() {
            return Err(self.internal("operators after the final end"));
        }
        (self.locals, self.func, self.offset, self.return_frame) = caller;
        self.fast_loop = fast_loop;
        Ok(())
    }

    /// Reads the next operator of the body from `reader` and translates
    /// it: a candidate loop (see [`super::versioning`]) with its copies,
    /// through its `end`.
    fn translate_next(&mut self, reader: &mut wasmparser::OperatorsReader<'_>) -> Result<()> {
        let (op, offset) = reader
            .read_with_offset()
            .map_err(|e| CompileError::internal(e.message().to_string(), self.func, e.offset()))?;
        if matches!(op, Operator::Loop { .. })
            && self.reach == Reach::Live
            && let Some(plan) = self.loop_plans.remove(&offset)
        {
            return self.version_loop(plan, op, offset, reader);
        }
        self.read_operator(op, offset, reader)
    }

    /// Translates `op`, at byte `offset` of the body, read from `reader`.
    fn read_operator(
        &mut self,
        op: Operator<'_>,
        offset: u64,
        reader: &wasmparser::OperatorsReader<'_>,
    ) -> Result<()> {
        // An inlined callee's operators are not counted: the count is the
        // caller's, which `reload_memory_len` compares with its scan.
        if self.return_frame == 0 {
            self.operators_read += 1;
        }
        self.look_ahead(&op, offset, reader);
        self.operator(op)
    }

    /// Before translating `op`, at byte `offset`: what the operators after
    /// it, which `reader` holds, tell about it.
    fn look_ahead(
        &mut self,
        op: &Operator<'_>,
        offset: u64,
        reader: &wasmparser::OperatorsReader<'_>,
    ) {
        self.offset = offset;
        self.next_is_i64_const = next_is_i64_const(reader);
        // In slots every charge is a value checked where the metering
        // makes it, and the heights are computed as the wasm does
        // (`visit::call`).
        let injected = &self.env.info.injected;
        self.constant_arg_is_next =
            matches!(op, Operator::I32Const { .. } | Operator::I64Const { .. })
                && !self.in_slots()
                && next_calls_one_of(
                    reader,
                    [
                        injected.charge_gas_func,
                        injected.stack_enter_func,
                        injected.stack_exit_func,
                    ],
                );
        self.cold_call =
            matches!(op, Operator::Call { .. }) && super::inline::next_is_unreachable(reader);
        if self.pending_gas != 0 && is_load(op) && !self.load_meets_charge.0.contains(&offset) {
            self.load_meets_charge = self.charge_ahead(offset, reader);
        }
    }

    /// Translates the candidate loop `op` at byte `offset` (see
    /// [`super::versioning`]), whose operators after it `reader` holds,
    /// twice: a fast copy, entered when `plan`'s guard holds, and the
    /// checked one. Leaves `reader` after the loop's `end`.
    fn version_loop(
        &mut self,
        plan: LoopPlan,
        op: Operator<'_>,
        offset: u64,
        reader: &mut wasmparser::OperatorsReader<'_>,
    ) -> Result<()> {
        self.offset = offset;
        self.flush_gas();
        let Some(guard) = self.loop_guard(&plan)? else {
            return self.read_operator(op, offset, reader);
        };
        let (fast, checked, join) = (
            self.b.create_block(),
            self.b.create_block(),
            self.b.create_block(),
        );
        self.b.ins().brif(guard, fast, &[], checked, &[]);
        self.b.seal_block(fast);
        self.b.seal_block(checked);
        let (stack, bounds, read) = (
            self.stack.clone(),
            self.checked.clone(),
            self.operators_read,
        );
        let depth = self.frames.len();
        let exit = (!plan.exit.is_empty()).then_some(plan.exit.start);
        // The exit code is translated once, in the fast copy (with its
        // checks: it is outside the iterations), and the checked copy
        // jumps to it: it leaves the loop, so its code serves both.
        let mut exit_block = None;
        let mut joined = false;
        let mut after = reader.clone();
        // A versioned loop may be in another's exit code.
        let outer = self.fast_loop.take();
        for (block, fast_loop) in [(fast, Some(plan)), (checked, None)] {
            self.b.switch_to_block(block);
            self.stack.clone_from(&stack);
            self.checked.clone_from(&bounds);
            self.widenable.clear();
            self.operators_read = read;
            self.load_meets_charge = (0..0, false);
            self.reach = Reach::Live;
            // Which compares the fast copy drops depends on where a
            // pending charge is checked: none may cross into its plan.
            debug_assert_eq!(self.pending_gas, 0, "a charge pending into a loop's copy");
            self.fast_loop = fast_loop;
            let mut copy = reader.clone();
            self.read_operator(op.clone(), offset, &copy)?;
            while self.frames.len() > depth {
                if copy.eof() {
                    return Err(self.internal("loop without its end"));
                }
                if exit == Some(copy.original_position()) && self.reach == Reach::Live {
                    self.flush_gas();
                    match exit_block {
                        None => {
                            let block = self.b.create_block();
                            self.jump(block, &[]);
                            self.b.switch_to_block(block);
                            // Both copies' paths enter it: only what held
                            // at the loop's entry holds there.
                            self.checked.clone_from(&bounds);
                            self.widenable.clear();
                            exit_block = Some(block);
                        }
                        Some(block) => {
                            self.jump(block, &[]);
                            self.reach = Reach::Dead(0);
                        }
                    }
                }
                self.translate_next(&mut copy)?;
            }
            debug_assert_eq!(self.pending_gas, 0, "a charge pending out of a loop's copy");
            self.fast_loop = None;
            if self.reach == Reach::Live {
                self.flush_gas();
                self.jump(join, &[]);
                joined = true;
            }
            self.pending_gas = 0;
            after = copy;
        }
        self.fast_loop = outer;
        *reader = after;
        self.b.switch_to_block(join);
        self.stack = stack;
        // The loop's entry dominates the join; nothing after it does.
        self.checked = bounds;
        self.widenable.clear();
        self.reach = if joined { Reach::Live } else { Reach::Dead(0) };
        Ok(())
    }

    /// The guard of `plan` at its loop's entry (see
    /// [`super::versioning`]): non-zero when the fast copy may run.
    /// `None` when the loop is better left as it is.
    fn loop_guard(&mut self, plan: &LoopPlan) -> Result<Option<Value>> {
        use types::{I32, I64};
        let (counter, ty) = self.local(plan.counter)?;
        if ty != I32 || !plan.step.is_power_of_two() || self.slots.is_some() {
            return Ok(None);
        }
        let (init, limit) = match plan.limit {
            // Down from its entry value to 0: as many trips as up from 0
            // to that value.
            Limit::Zero => (self.b.ins().iconst(I32, 0), self.b.use_var(counter)),
            Limit::Constant(limit) => (
                self.b.use_var(counter),
                self.b.ins().iconst(I32, i64::from(limit)),
            ),
            Limit::Local(local) => match self.local(local)? {
                (limit, I32) => (self.b.use_var(counter), self.b.use_var(limit)),
                _ => return Ok(None),
            },
        };
        // A body that runs before the test needs one trip at least.
        let meets = match plan.runs_once {
            true => IntCC::UnsignedLessThan,
            false => IntCC::UnsignedLessThanOrEqual,
        };
        let meets = self.b.ins().icmp(meets, init, limit);
        let distance = self.b.ins().isub(limit, init);
        let distance = self.b.ins().uextend(I64, distance);
        let step = i64::from(plan.step);
        let rest = self.b.ins().band_imm_s(distance, step - 1);
        let exact = self.b.ins().icmp_imm_s(IntCC::Equal, rest, 0);
        let trips = self
            .b
            .ins()
            .ushr_imm_s(distance, i64::from(plan.step.trailing_zeros()));
        let iterations = self.b.ins().iadd_imm_s(trips, 1);
        // Below 2^33 × 2^24: no overflow.
        let needed = self.b.ins().imul_imm_s(iterations, plan.charge as i64);
        let gas = self.gas_value();
        let enough = self
            .b
            .ins()
            .icmp(IntCC::UnsignedGreaterThanOrEqual, gas, needed);
        let mut guard = self.b.ins().band(meets, exact);
        guard = self.b.ins().band(guard, enough);
        if !plan.bounds.is_empty() {
            let Some(len) = self.memory_len else {
                return Ok(None);
            };
            let len = self.b.use_var(len);
            let initial = self
                .env
                .info
                .memory
                .map_or(0, |m| u64::from(m.initial) * 65536);
            let wide_limit = self.b.ins().uextend(I64, limit);
            for bound in &plan.bounds {
                // base + trips' × stride + (N) + end <= len, every term
                // below 2^63 (trips' <= 2^32, stride < 2^31) and their
                // sum below 2^64: exact in i64 (compared unsigned).
                let base = match bound.base {
                    None => None,
                    Some(base) => match self.local(base)? {
                        (base, I32) => {
                            let base = self.b.use_var(base);
                            Some(self.b.ins().uextend(I64, base))
                        }
                        _ => return Ok(None),
                    },
                };
                let mut start = base;
                let mut add = |t: &mut Self, term: Value| {
                    start = Some(match start {
                        Some(start) => t.b.ins().iadd(start, term),
                        None => term,
                    });
                };
                if bound.stride != 0 {
                    let strided = self.b.ins().imul_imm_s(iterations, i64::from(bound.stride));
                    add(self, strided);
                }
                if bound.with_limit {
                    add(self, wide_limit);
                }
                let start = match start {
                    None if bound.end <= initial => continue,
                    None => self.b.ins().iconst(I64, 0),
                    Some(start) => start,
                };
                // len - end >= 0 for a guard that may hold.
                let room = self.b.ins().iadd_imm_s(len, -(bound.end as i64));
                let fits = self
                    .b
                    .ins()
                    .icmp_imm_s(IntCC::SignedGreaterThanOrEqual, room, 0);
                let within = self
                    .b
                    .ins()
                    .icmp(IntCC::UnsignedLessThanOrEqual, start, room);
                guard = self.b.ins().band(guard, fits);
                guard = self.b.ins().band(guard, within);
            }
        }
        Ok(Some(guard))
    }

    fn operator(&mut self, op: Operator<'_>) -> Result<()> {
        if let Reach::Dead(depth) = self.reach {
            match op {
                Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } => {
                    self.reach = Reach::Dead(depth + 1);
                }
                Operator::Else if depth == 0 => visit::control::else_(self)?,
                Operator::End if depth == 0 => visit::control::end(self)?,
                Operator::End => self.reach = Reach::Dead(depth - 1),
                _ => {}
            }
            return Ok(());
        }
        if self.pending_gas != 0 && !self.keeps_gas_pending(&op) {
            self.flush_gas();
        }
        let handled = visit::control::visit(self, &op)?
            || visit::numeric::visit(self, &op)?
            || visit::global::visit(self, &op)?
            || visit::memory::visit(self, &op)?
            || visit::call::visit(self, &op)?;
        if !self.widenable.is_empty() && !super::bounds::keeps_checks_widenable(&op) {
            self.widenable.clear();
        }
        if handled {
            Ok(())
        } else {
            Err(self.internal(format!("operator outside the subset: {op:?}")))
        }
    }

    // ---- operand stack ----

    pub(crate) fn push(&mut self, v: Value) {
        if let Some(slots) = &mut self.slots {
            let height = self.stack.len();
            slots.height = slots.height.max(height as u32 + 1);
            let (stack, offset) = (slots.stack, slots.offset(height));
            self.b.ins().stack_store(PTR, v, stack, offset);
        }
        // With slots, the value stays only for its type: an unused value
        // is live nowhere.
        self.stack.push(v);
    }

    pub(crate) fn pushn(&mut self, values: &[Value]) {
        for &v in values {
            self.push(v);
        }
    }

    /// The value at operand-stack `height`: the stack's value, or with
    /// slots, a load of its cell.
    fn stack_value(&mut self, height: usize) -> Value {
        let v = self.stack[height];
        match &mut self.slots {
            Some(slots) => {
                let (stack, offset) = (slots.stack, slots.offset(height));
                let ty = self.b.func.dfg.value_type(v);
                self.b.ins().stack_load(PTR, ty, stack, offset)
            }
            None => v,
        }
    }

    pub(crate) fn pop(&mut self) -> Result<Value> {
        let v = self.peek(0)?;
        self.stack.pop();
        Ok(v)
    }

    pub(crate) fn pop2(&mut self) -> Result<(Value, Value)> {
        let b = self.pop()?;
        let a = self.pop()?;
        Ok((a, b))
    }

    pub(crate) fn pop3(&mut self) -> Result<(Value, Value, Value)> {
        let c = self.pop()?;
        let (a, b) = self.pop2()?;
        Ok((a, b, c))
    }

    /// The value `depth` below the top (0: the top), left on the stack.
    /// With slots, an operator that checks before it uses its operands
    /// peeks the ones the check needs and pops them all after it, so that
    /// they are read from their cells again and no value lives on into the
    /// check's next block: the single-pass allocator, which a dense slots
    /// translation gets, gives each such value a frame slot of its own.
    pub(crate) fn peek(&mut self, depth: usize) -> Result<Value> {
        let floor = self.frames.last().map_or(0, |f| f.base);
        if self.stack.len() <= floor + depth {
            return Err(self.internal("operand stack underflow"));
        }
        Ok(self.stack_value(self.stack.len() - 1 - depth))
    }

    /// The top `n` values, bottom first, left on the stack.
    pub(crate) fn peekn(&mut self, n: usize) -> Result<Vec<Value>> {
        let floor = self.frames.last().map_or(0, |f| f.base);
        if self.stack.len() < floor + n {
            return Err(self.internal("operand stack underflow"));
        }
        let top = self.stack.len();
        Ok((top - n..top).map(|h| self.stack_value(h)).collect())
    }

    /// Pops the top `n` values, bottom first.
    pub(crate) fn popn(&mut self, n: usize) -> Result<Vec<Value>> {
        let values = self.peekn(n)?;
        self.stack.truncate(self.stack.len() - n);
        Ok(values)
    }

    // ---- locals ----

    fn local(&self, index: u32) -> Result<(Variable, Type)> {
        self.locals
            .get(index as usize)
            .copied()
            .ok_or_else(|| self.internal("local index out of range"))
    }

    pub(crate) fn local_get(&mut self, index: u32) -> Result<Value> {
        let (var, ty) = self.local(index)?;
        Ok(match &mut self.slots {
            Some(slots) => {
                let (locals, offset) = (slots.locals, slots.offset(index as usize));
                self.b.ins().stack_load(PTR, ty, locals, offset)
            }
            None => self.b.use_var(var),
        })
    }

    pub(crate) fn local_set(&mut self, index: u32, v: Value) -> Result<()> {
        let (var, _) = self.local(index)?;
        match &mut self.slots {
            Some(slots) => {
                let (locals, offset) = (slots.locals, slots.offset(index as usize));
                self.b.ins().stack_store(PTR, v, locals, offset);
            }
            None => self.b.def_var(var, v),
        }
        Ok(())
    }

    /// The frame `depth` levels out (0 = innermost).
    pub(crate) fn frame(&mut self, depth: u32) -> Result<&mut Frame> {
        let len = self.frames.len();
        let index = len
            .checked_sub(depth as usize + 1)
            .ok_or_else(|| self.internal("branch depth out of range"))?;
        Ok(&mut self.frames[index])
    }

    // ---- VM context ----

    /// Loads a pointer-sized field of the VM context that never changes
    /// during a call. `can_move`: valid anywhere in the function (the VM
    /// context outlives the call), so Cranelift may share one load between
    /// blocks and hoist it out of loops.
    pub(crate) fn vmctx_ptr(&mut self, offset: i32) -> Value {
        let flags = MemFlagsData::trusted().with_readonly().with_can_move();
        self.b.ins().load(PTR, flags, self.vmctx, offset)
    }

    /// Where global `index` lives: a base address and an offset from it
    /// (loads and stores take the offset, so no address arithmetic).
    pub(crate) fn global_place(&mut self, index: u32) -> (Value, i32) {
        if index == self.env.info.injected.stack_global {
            return (self.vmctx, vmctx::STACK_HEIGHT);
        }
        let slot = |index: u32| i32::try_from(index).ok()?.checked_mul(8);
        if vmctx::globals_inline(self.env.info.globals.len())
            && let Some(offset) =
                slot(index).and_then(|s| s.checked_add(vmctx::INLINE_GLOBALS_OFFSET))
        {
            return (self.vmctx, offset);
        }
        let base = self.vmctx_ptr(vmctx::GLOBALS);
        match slot(index) {
            Some(offset) => (base, offset),
            None => (self.b.ins().iadd_imm_s(base, i64::from(index) * 8), 0),
        }
    }

    /// The gas left, read from the pinned register (see the module docs).
    pub(crate) fn gas_value(&mut self) -> Value {
        self.b.ins().get_pinned_reg(types::I64)
    }

    /// Sets the gas left, in the pinned register.
    pub(crate) fn set_gas(&mut self, gas: Value) {
        self.b.ins().set_pinned_reg(gas);
    }

    /// Where the gas global lives ([`Self::global_place`]).
    fn gas_place(&mut self) -> (Value, i32) {
        self.global_place(self.env.info.injected.gas_global)
    }

    /// Arguments of a call to a wasm function: the context, then `params`
    /// (the gas is in the pinned register).
    pub(crate) fn wasm_call_args(&mut self, params: Vec<Value>) -> Vec<Value> {
        let mut args = vec![self.vmctx];
        args.extend(params);
        args
    }

    /// After a call to a wasm function: reloads the memory length; returns
    /// the wasm results.
    pub(crate) fn wasm_call_returned(&mut self, results: &[Value]) -> Vec<Value> {
        self.reload_memory_len();
        results.to_vec()
    }

    /// Whether this is [`Translation::Slots`].
    pub(crate) fn in_slots(&self) -> bool {
        self.slots.is_some()
    }

    /// The immediate of `value` if an `iconst` defines it.
    pub(crate) fn constant(&self, value: Value) -> Option<i64> {
        let dfg = &self.b.func.dfg;
        match dfg.value_def(value).inst().map(|inst| &dfg.insts[inst]) {
            Some(InstructionData::UnaryImm {
                opcode: Opcode::Iconst,
                imm,
            }) => Some(imm.bits()),
            _ => None,
        }
    }

    /// `charge_gas(cost)` of the metering, now: `if gas <u cost { trap
    /// OutOfGas }; gas -= cost` (the trap path stores the sentinel).
    pub(crate) fn charge_gas(&mut self, cost: Value) {
        let left = self.gas_value();
        // In a versioned loop's fast copy, the guard covers every charge
        // of its iterations (see `super::versioning`).
        let covered = (self.fast_loop.as_ref()).is_some_and(|plan| plan.in_iteration(self.offset));
        // In slots taken before the check, so that nothing the charge
        // made lives on into the next block: the single-pass allocator
        // would give each such value a frame slot of its own. Exact: the
        // OutOfGas trap path stores its sentinel, not the gas.
        let taken_first = self.in_slots();
        if taken_first {
            let new = self.b.ins().isub(left, cost);
            self.set_gas(new);
        }
        if !covered {
            let short = self.b.ins().icmp(IntCC::UnsignedLessThan, left, cost);
            self.trap_if(short, TrapKind::OutOfGas);
        }
        if !taken_first {
            let new = self.b.ins().isub(left, cost);
            self.set_gas(new);
        }
    }

    /// `charge_gas(cost)` of a constant cost, checked later: before the
    /// next operator that does not keep it pending
    /// ([`Self::keeps_gas_pending`]: one that can trap, but for a load in
    /// an innermost loop, change anything but locals and operand stack, or
    /// join or leave control flow), with the charges met before it. Exact:
    /// a charge `a` and a later `b`, with only such operators between, trap
    /// OutOfGas iff `gas <u a + b` (the first if `gas <u a`, else the
    /// second), and an OutOfGas trap stores the same sentinel wherever it
    /// happens; nothing between could have been observed; a load that
    /// traps between them goes through a trap path that checks `a` first
    /// ([`Self::emit_trap_block`]). So a `br_if` whose fall-through starts
    /// a segment (the metering charges right after it) checks once per
    /// path: its fall-through merges the pending charge with the next one,
    /// its taken edge checks it at the target's `end` (all of it, or, when
    /// only such edges enter the target, what exceeds the least of theirs,
    /// which the target takes pending: `Frame::gas_edges`); an `if`'s arms
    /// each take it to their first charge.
    pub(crate) fn defer_charge(&mut self, cost: u64) {
        match self.pending_gas.checked_add(cost) {
            Some(total) => self.pending_gas = total,
            None => {
                self.flush_gas();
                self.pending_gas = cost;
            }
        }
    }

    /// Checks and takes the pending charge ([`Self::defer_charge`]).
    pub(crate) fn flush_gas(&mut self) {
        let cost = std::mem::take(&mut self.pending_gas);
        if cost != 0 {
            // The bits of a u64: the comparison is unsigned.
            let cost = self.b.ins().iconst(types::I64, cost as i64);
            self.charge_gas(cost);
        }
    }

    /// Whether `op` may run with a charge still pending: it cannot trap,
    /// write memory, a global or a table, call, or read the gas; or it
    /// passes the charge on itself (`charge_gas`, `if`, `block`, a forward
    /// `br_if` followed by an `i64.const`, likely a charge's: see
    /// `visit::control`; exact whatever follows); or it is a load that
    /// [`Self::charge_ahead`] lets through, whose trap path checks the
    /// charge before its own trap (exact too).
    fn keeps_gas_pending(&self, op: &Operator<'_>) -> bool {
        let injected = &self.env.info.injected;
        match *op {
            Operator::Call { function_index } => function_index == injected.charge_gas_func,
            Operator::GlobalGet { global_index } => global_index != injected.gas_global,
            Operator::Block { .. } | Operator::If { .. } | Operator::Nop => true,
            // A loop's back edge is likely the hot one: not through an
            // edge block.
            Operator::BrIf { relative_depth } => {
                self.next_is_i64_const
                    && (self.frames.len())
                        .checked_sub(1 + relative_depth as usize)
                        .and_then(|i| self.frames.get(i))
                        .is_some_and(|f| !matches!(f.kind, FrameKind::Loop { .. }))
            }
            ref op if is_load(op) => {
                self.load_meets_charge.1 && self.load_meets_charge.0.contains(&self.offset)
            }
            ref op => neither_traps_nor_writes(op),
        }
    }

    /// Whether the load being read is in an innermost loop: the loop
    /// around it has opened none so far (`FrameKind::Loop`'s
    /// `innermost`), and `reader`'s operators after the load open none up
    /// to its `end`. Looks at 256 operators at most, so that compiling
    /// stays linear.
    fn in_innermost_loop(&self, reader: &wasmparser::OperatorsReader<'_>) -> bool {
        let Some(above) =
            (self.frames.iter().rev()).position(|f| matches!(f.kind, FrameKind::Loop { .. }))
        else {
            return false;
        };
        let loop_frame = &self.frames[self.frames.len() - 1 - above];
        if !matches!(
            loop_frame.kind,
            FrameKind::Loop {
                innermost: true,
                ..
            }
        ) {
            return false;
        }
        let mut depth = above;
        let mut ahead = reader.clone();
        for _ in 0..256 {
            match ahead.read() {
                Ok(Operator::Loop { .. }) | Err(_) => return false,
                Ok(Operator::Block { .. } | Operator::If { .. }) => depth += 1,
                Ok(Operator::End) if depth == 0 => return true,
                Ok(Operator::End) => depth -= 1,
                Ok(_) => {}
            }
        }
        false
    }

    /// Whether a charge pending at the load at `offset` should stay
    /// pending through loads: when it reaches the next constant charge
    /// (and is checked with it) through operators that keep it pending, in
    /// an innermost loop. And the offsets from `offset` up to the first
    /// operator that ends the search, where that answer holds for loads.
    ///
    /// Only innermost loops: there a merge saves a charge per iteration;
    /// elsewhere it saves little and moves the rest of the function's
    /// register allocation. Measured (2026-12-06, Xeon, criterion rounds
    /// alternating): with every load keeping charges pending, `exec/sort`
    /// ran 12% slower; with loads that reach a charge in any loop, 11%,
    /// from one merge before its inner loop (the same charges in the loop
    /// itself, allocated differently); in innermost loops only,
    /// `large_mixed` ran 2–3.5% faster (a byte-compare loop checks one
    /// charge per iteration instead of two) and the workloads' code did
    /// not change.
    fn charge_ahead(
        &self,
        offset: u64,
        reader: &wasmparser::OperatorsReader<'_>,
    ) -> (std::ops::Range<u64>, bool) {
        let injected = &self.env.info.injected;
        let mut ahead = reader.clone();
        while let Ok((op, at)) = ahead.read_with_offset() {
            let keeps = match op {
                Operator::Call { function_index } => {
                    let meets = function_index == injected.charge_gas_func
                        && self.in_innermost_loop(reader);
                    return (offset..at, meets);
                }
                Operator::GlobalGet { global_index } => global_index != injected.gas_global,
                Operator::Block { .. } | Operator::If { .. } | Operator::Nop => true,
                Operator::BrIf { .. } => next_is_i64_const(&ahead),
                ref op => is_load(op) || neither_traps_nor_writes(op),
            };
            if !keeps {
                return (offset..at, false);
            }
        }
        (offset..u64::MAX, false)
    }

    /// Stores the gas left into its global (before anything outside wasm
    /// code can read it).
    fn sync_out(&mut self) {
        let gas = self.gas_value();
        let (base, offset) = self.gas_place();
        self.b
            .ins()
            .store(MemFlagsData::trusted(), gas, base, offset);
    }

    /// Reloads the gas left and the cached memory length (after anything
    /// outside wasm code may have changed them).
    fn sync_in(&mut self) {
        let (base, offset) = self.gas_place();
        let gas = (self.b.ins()).load(types::I64, MemFlagsData::trusted(), base, offset);
        self.set_gas(gas);
        self.reload_memory_len();
    }

    /// Reloads the cached memory length (after a call: only `memory.grow`,
    /// in a libcall or another function, changes it).
    fn reload_memory_len(&mut self) {
        // In slots it is loaded where read (`Self::memory_len`).
        if self.operators_read >= self.memory_len_needed_until || self.in_slots() {
            return;
        }
        if let Some(var) = self.memory_len {
            let len = self.b.ins().load(
                types::I64,
                MemFlagsData::trusted(),
                self.vmctx,
                vmctx::MEMORY_LEN,
            );
            self.b.def_var(var, len);
        }
    }

    /// The memory length in bytes (the module has a memory). In slots,
    /// loaded where it is read: the length cached since the last call
    /// would cross every check after it into the next block (see
    /// [`Self::peek`]).
    pub(crate) fn memory_len(&mut self) -> Result<Value> {
        let var = self
            .memory_len
            .ok_or_else(|| self.internal("memory access without a memory"))?;
        if self.in_slots() {
            let flags = MemFlagsData::trusted();
            return Ok((self.b.ins()).load(types::I64, flags, self.vmctx, vmctx::MEMORY_LEN));
        }
        Ok(self.b.use_var(var))
    }

    /// Calls a libcall through the VM context, with gas and memory length
    /// synchronised around it.
    pub(crate) fn libcall(&mut self, call: Libcall, call_args: &[Value]) -> Option<Value> {
        self.sync_out();
        let result = self.raw_libcall(call, call_args);
        self.sync_in();
        result
    }

    /// Calls a libcall through the VM context as it is: for one that
    /// neither reads nor changes the gas or the memory length and returns
    /// without trapping (the checked bulk-memory moves), or `RaiseTrap`.
    pub(crate) fn raw_libcall(&mut self, call: Libcall, call_args: &[Value]) -> Option<Value> {
        let sig = match self.libcall_refs.get(&(call as u8)) {
            Some(&sig) => sig,
            None => {
                let sig = self.b.import_signature(libcall_signature(call));
                self.libcall_refs.insert(call as u8, sig);
                sig
            }
        };
        let callee = self.vmctx_ptr(vmctx::libcall_offset(call));
        let mut all = vec![self.vmctx];
        all.extend_from_slice(call_args);
        let inst = self.b.ins().call_indirect(sig, callee, &all);
        self.b.inst_results(inst).first().copied()
    }

    /// A reference to wasm function `index` for a direct call.
    pub(crate) fn func_ref(&mut self, index: u32) -> Result<FuncRef> {
        if let Some(&r) = self.func_refs.get(&index) {
            return Ok(r);
        }
        let sig = self
            .env
            .info
            .func_sig(index)
            .ok_or_else(|| self.internal("call to an unknown function"))?;
        let r = super::import_wasm_function(self.b.func, index, sig);
        self.func_refs.insert(index, r);
        Ok(r)
    }

    /// The CLIF signature of wasm type `index`, for `call_indirect`.
    pub(crate) fn sig_ref(&mut self, index: u32) -> Result<SigRef> {
        if let Some(&r) = self.sig_refs.get(&index) {
            return Ok(r);
        }
        let sig = self
            .env
            .info
            .types
            .get(index as usize)
            .ok_or_else(|| self.internal("unknown type index"))?;
        let r = self.b.import_signature(wasm_signature(sig));
        self.sig_refs.insert(index, r);
        Ok(r)
    }

    // ---- traps ----

    fn trap_block(&mut self, code: u32) -> Block {
        let pending = if code == DYNAMIC_CODE || code == TrapKind::OutOfGas.code() {
            // None is pending at either: a libcall, a dynamic charge and a
            // constant one flush it first.
            debug_assert_eq!(self.pending_gas, 0, "a charge pending at trap code {code}");
            0
        } else {
            self.pending_gas
        };
        self.trap_block_at(TrapSite {
            code,
            height: self.leaf_stack_height,
            pending,
        })
    }

    fn trap_block_at(&mut self, site: TrapSite) -> Block {
        if let Some(&block) = self.trap_block_of.get(&site) {
            return block;
        }
        let block = self.b.create_block();
        if site.code == DYNAMIC_CODE {
            self.b.append_block_param(block, types::I32);
        }
        self.b.set_cold_block(block);
        self.trap_blocks.push((site, block));
        self.trap_block_of.insert(site, block);
        block
    }

    /// Traps with `kind` if `cond` is non-zero; continues in a new block.
    pub(crate) fn trap_if(&mut self, cond: Value, kind: TrapKind) {
        self.trap_if_code(cond, kind.code());
    }

    fn trap_if_code(&mut self, cond: Value, code: u32) {
        let trap = self.trap_block(code);
        let cont = self.b.create_block();
        self.b.ins().brif(cond, trap, &[], cont, &[]);
        let from = self.b.current_block();
        self.b.switch_to_block(cont);
        self.b.seal_block(cont);
        // In slots no value crosses a check (see `Self::peek`).
        if !self.in_slots() {
            self.heap_addresses.follow(from, cont);
        }
    }

    /// Traps with the code `status` (an `i32` returned by the runtime) if
    /// it is non-zero; continues in a new block. The runtime has already
    /// stored any sentinel in the globals, so the gas is the reloaded one.
    pub(crate) fn trap_if_status(&mut self, status: Value) {
        let trap = self.trap_block(DYNAMIC_CODE);
        let cont = self.b.create_block();
        self.b.ins().brif(status, trap, &args(&[status]), cont, &[]);
        self.b.switch_to_block(cont);
        self.b.seal_block(cont);
    }

    /// Traps with `kind` unconditionally; what follows is dead code.
    pub(crate) fn trap(&mut self, kind: TrapKind) {
        let trap = self.trap_block(kind.code());
        self.jump(trap, &[]);
        self.reach = Reach::Dead(0);
    }

    /// The native-stack backstop (see [`crate::runtime::unwind`]).
    fn stack_check(&mut self) {
        let sp = self.b.ins().get_stack_pointer(PTR);
        let limit = self.vmctx_ptr(vmctx::STACK_LIMIT);
        let below = self.b.ins().icmp(IntCC::UnsignedLessThan, sp, limit);
        self.trap_if_code(below, CODE_NATIVE_STACK);
    }

    fn emit_trap_blocks(&mut self) {
        // A pending charge's trap path makes its own targets: take the
        // list until it stays empty.
        while !self.trap_blocks.is_empty() {
            for (site, block) in std::mem::take(&mut self.trap_blocks) {
                self.emit_trap_block(site, block);
            }
        }
        self.trap_block_of.clear();
        self.emit_raise_block();
    }

    /// A trap path. Under a pending charge ([`Self::defer_charge`]), it
    /// first does what checking the charge where the metering made it
    /// would have: OutOfGas if the gas is short, else the charge taken
    /// and the trap of `site.code` with the gas that leaves. It ends in
    /// [`Self::raise`], or jumps to the function's one block that does
    /// (`ModuleEnv::one_raise_per_function`).
    fn emit_trap_block(&mut self, site: TrapSite, block: Block) {
        let TrapSite {
            code,
            height,
            pending,
        } = site;
        self.b.switch_to_block(block);
        if pending != 0 {
            let out_of_gas = self.trap_block_at(TrapSite {
                code: TrapKind::OutOfGas.code(),
                height,
                pending: 0,
            });
            let charged = self.trap_block_at(TrapSite { pending: 0, ..site });
            let left = self.gas_value();
            let cost = self.b.ins().iconst(types::I64, pending as i64);
            let short = self.b.ins().icmp(IntCC::UnsignedLessThan, left, cost);
            let take = self.b.create_block();
            self.b.set_cold_block(take);
            self.b.ins().brif(short, out_of_gas, &[], take, &[]);
            self.b.switch_to_block(take);
            let new = self.b.ins().isub(left, cost);
            self.set_gas(new);
            self.jump(charged, &[]);
            return;
        }
        // The gas of the trapping site, or the sentinels of
        // gasket_metering::inject::helpers, stored exactly where the
        // wasm helpers store them: before trapping.
        let gas = if code == TrapKind::OutOfGas.code() {
            self.b.ins().iconst(types::I64, -1)
        } else {
            self.gas_value()
        };
        if code == TrapKind::StackOverflow.code() {
            let (base, offset) = self.global_place(self.env.info.injected.stack_global);
            let minus_one = self.b.ins().iconst(types::I32, -1);
            (self.b.ins()).store(MemFlagsData::trusted(), minus_one, base, offset);
        } else if let Some(height) = height
            && code != CODE_NATIVE_STACK
        {
            // A trap after a leaf's `stack_enter`.
            let (base, offset) = self.global_place(self.env.info.injected.stack_global);
            (self.b.ins()).store(MemFlagsData::trusted(), height, base, offset);
        }
        let code = if code == DYNAMIC_CODE {
            self.b.block_params(block)[0]
        } else {
            self.b.ins().iconst(types::I32, i64::from(code))
        };
        if !self.env.one_raise_per_function {
            self.raise(code, gas);
            return;
        }
        let raise = match self.raise_block {
            Some(raise) => raise,
            None => {
                let raise = self.b.create_block();
                self.b.append_block_param(raise, types::I32);
                self.b.append_block_param(raise, types::I64);
                self.b.set_cold_block(raise);
                self.raise_block = Some(raise);
                raise
            }
        };
        self.jump(raise, &[code, gas]);
    }

    /// The block every trap path of the function ends in: it raises the
    /// trap of its parameter.
    fn emit_raise_block(&mut self) {
        let Some(raise) = self.raise_block.take() else {
            return;
        };
        self.b.switch_to_block(raise);
        let (code, gas) = (self.b.block_params(raise)[0], self.b.block_params(raise)[1]);
        self.raise(code, gas);
    }

    /// Stores `gas` in the gas global, calls `raise_trap` with `code` and
    /// ends the block.
    fn raise(&mut self, code: Value, gas: Value) {
        let (base, offset) = self.gas_place();
        self.b
            .ins()
            .store(MemFlagsData::trusted(), gas, base, offset);
        self.raw_libcall(Libcall::RaiseTrap, &[code]);
        // raise_trap never returns; the block still needs a terminator.
        let zeros: Vec<Value> = (self.results.clone().into_iter())
            .map(|ty| self.b.ins().iconst(ty, 0))
            .collect();
        self.b.ins().return_(&zeros);
    }

    /// Jumps to `target` with `values` as block arguments.
    pub(crate) fn jump(&mut self, target: Block, values: &[Value]) {
        self.b.ins().jump(target, &args(values));
    }
}

#[cfg(test)]
mod tests {
    use cranelift_codegen::isa::TargetFrontendConfig;
    use cranelift_frontend::FunctionBuilderContext;
    use gasket_metering::{Config, Permissive, prepare_with_policy};
    use wasmparser::{FunctionBody, Parser, Payload};

    use crate::translate::ModuleEnv;

    /// Calls `visit` with `wat` prepared: its environment, the bodies of
    /// its defined functions, the index of the first, and the host's
    /// frontend configuration.
    fn with_module<T>(
        wat: &str,
        visit: impl FnOnce(&ModuleEnv<'_>, &[FunctionBody<'_>], u32, TargetFrontendConfig) -> T,
    ) -> T {
        let wasm = wat::parse_str(wat).unwrap();
        let prepared = prepare_with_policy(&wasm, &Config::default(), &Permissive).unwrap();
        let bodies: Vec<_> = Parser::new(0)
            .parse_all(&prepared.wasm)
            .filter_map(|payload| match payload.unwrap() {
                Payload::CodeSectionEntry(body) => Some(body),
                _ => None,
            })
            .collect();
        let env = ModuleEnv::new(&prepared.info, &bodies);
        let engine = crate::Engine::new(crate::EngineConfig::default()).unwrap();
        let frontend = engine.frontend_config();
        visit(&env, &bodies, prepared.info.imported_functions, frontend)
    }

    /// CLIF of every defined function of `wat`, after preparation.
    fn clif(wat: &str) -> Vec<String> {
        with_module(wat, |env, bodies, first, frontend| {
            let mut fctx = FunctionBuilderContext::new();
            (first..)
                .zip(bodies)
                .map(|(index, body)| {
                    let f = super::translate(env, index, body, &mut fctx, frontend).unwrap();
                    f.display().to_string()
                })
                .collect()
        })
    }

    /// A translation that fails half way (here: a body under another
    /// function's signature, whose local 0 does not exist) leaves the
    /// builder's context as new: the next translation on the same context
    /// gives the same function as on a fresh one. (Without the reset,
    /// `FunctionBuilder::new` finds it in use.)
    #[test]
    fn a_translation_that_stops_early_leaves_nothing_behind() {
        let wat = r#"(module
              (func $a (param i32) (result i32)
                (loop (br_if 0 (i32.eqz (local.get 0))))
                (i32.add (local.get 0) (i32.const 1)))
              (func $b (result i32) (i32.const 1)))"#;
        with_module(wat, |env, bodies, a, frontend| {
            let mut fresh = FunctionBuilderContext::new();
            let expected = super::translate(env, a, &bodies[0], &mut fresh, frontend)
                .unwrap()
                .display()
                .to_string();
            let mut fctx = FunctionBuilderContext::new();
            let error = super::translate(env, a + 1, &bodies[0], &mut fctx, frontend).unwrap_err();
            assert!(
                error.to_string().contains("local index out of range"),
                "{error}"
            );
            let again = super::translate(env, a, &bodies[0], &mut fctx, frontend).unwrap();
            assert_eq!(again.display().to_string(), expected);
        });
    }

    /// An `i32` load that `i64.extend_i32_{u,s}` extends is an extending
    /// load, with no extension of its own; other extensions stay.
    #[test]
    fn an_extended_load_is_an_extending_load() {
        let functions = clif(
            r#"(module (memory 1)
              (func (param i32) (result i64) (i64.extend_i32_u (i32.load (local.get 0))))
              (func (param i32) (result i64) (i64.extend_i32_s (i32.load (local.get 0))))
              (func (param i32) (result i64) (i64.extend_i32_u (local.get 0))))"#,
        );
        let [unsigned, signed, param] = &functions[..3] else {
            panic!("{} functions", functions.len());
        };
        // The one `uextend` left is the address's.
        let extensions = |clif: &str| clif.matches("extend").count();
        assert!(unsigned.contains("= uload32 notrap little"), "{unsigned}");
        assert_eq!(extensions(unsigned), 1, "{unsigned}");
        assert!(signed.contains("= sload32 notrap little"), "{signed}");
        assert_eq!(extensions(signed), 1, "{signed}");
        assert_eq!(extensions(param), 1, "{param}");
    }

    /// `memory.copy` and `memory.fill` of a constant length up to 128
    /// bytes are loads and stores; longer or variable ones call the
    /// runtime (one more `call_indirect` than the trap paths' own).
    #[test]
    fn constant_bulk_memory_up_to_128_bytes_is_inline() {
        let functions = clif(
            r#"(module (memory 1)
              (func (param i32 i32) (memory.copy (local.get 0) (local.get 1) (i32.const 128)))
              (func (param i32 i32) (memory.copy (local.get 0) (local.get 1) (i32.const 129)))
              (func (param i32 i32) (memory.fill (local.get 0) (local.get 1) (i32.const 128)))
              (func (param i32 i32) (memory.fill (local.get 0) (local.get 1) (i32.const 129)))
              (func (param i32 i32 i32)
                (memory.copy (local.get 0) (local.get 1) (local.get 2))))"#,
        );
        let indirect_calls = |clif: &str| clif.matches("call_indirect").count();
        let [copy128, copy129, fill128, fill129, copy_variable] = &functions[..5] else {
            panic!("{} functions", functions.len());
        };
        assert_eq!(copy128.matches("load.i8x16").count(), 8, "{copy128}");
        assert_eq!(
            fill128.matches("store notrap little").count(),
            16,
            "{fill128}"
        );
        assert_eq!(indirect_calls(copy128) + 1, indirect_calls(copy129));
        assert_eq!(indirect_calls(copy128) + 1, indirect_calls(copy_variable));
        assert_eq!(indirect_calls(fill128) + 1, indirect_calls(fill129));
        assert_eq!(copy129.matches("load.i8x16").count(), 0);
    }

    /// Direct calls to wasm functions (`call fnN`) in a function's CLIF.
    fn wasm_calls(clif: &str) -> usize {
        clif.lines()
            .filter(|line| line.contains("= call fn") || line.trim_start().starts_with("call fn"))
            .count()
    }

    #[test]
    fn small_leaf_callees_are_inlined_within_the_budget() {
        // $add is a small leaf: inlined. $loops calls itself: not a leaf.
        // $big is over MAX_CALLEE_BYTES, $locals over MAX_CALLEE_LOCALS:
        // called.
        let big_body = "(drop (i32.add (local.get 0) (i32.const 1)))\n".repeat(40);
        let functions = clif(&format!(
            r#"(module
              (func $add (param i32 i32) (result i32)
                (if (local.get 0) (then (return (i32.const 7))))
                (i32.add (local.get 0) (local.get 1)))
              (func $loops (param i32) (result i32)
                (if (result i32) (local.get 0)
                  (then (call $loops (i32.sub (local.get 0) (i32.const 1))))
                  (else (i32.const 0))))
              (func $big (param i32) {big_body})
              (func $locals (param i32) (local i64 i64 i64 i64 i64 i64 i64 i64
                i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
                i64 i64 i64 i64 i64 i64 i64 i64))
              (func (export "f") (param i32) (result i32)
                (call $big (local.get 0))
                (call $locals (local.get 0))
                (i32.add
                  (call $add (local.get 0) (i32.const 1))
                  (call $loops (local.get 0)))))"#
        ));
        assert_eq!(wasm_calls(&functions[1]), 1, "{}", functions[1]);
        assert_eq!(wasm_calls(&functions[4]), 3, "{}", functions[4]);
        // Each inlined call uses up the budget (twice the caller's size):
        // the calls after it are made.
        let calls = "(drop (call $add (local.get 0) (local.get 0)))\n".repeat(200);
        let functions = clif(&format!(
            r#"(module
              (func $add (param i32 i32) (result i32)
                (i32.add (local.get 0) (local.get 1)))
              (func (export "f") (param i32) {calls}))"#
        ));
        let called = wasm_calls(&functions[1]);
        assert!(called > 0 && called < 200, "{called} of 200 calls left");
    }

    /// A function whose only call is a panic's (`call; unreachable`) is a
    /// leaf: no entry-height slot (its height stays in a register), and
    /// its caller inlines it. The cold call itself is made, never inlined,
    /// though its callee is a small leaf too, so a function that reads no
    /// memory does not load the memory length for it.
    #[test]
    fn a_panic_s_call_leaves_a_leaf() {
        let functions = clif(
            r#"(module (memory 1)
              (func $panic (param i32))
              (func $check (param i32) (result i32)
                (if (i32.ge_u (local.get 0) (i32.const 100))
                  (then (call $panic (local.get 0)) (unreachable)))
                (i32.mul (local.get 0) (i32.const 3)))
              (func $not_cold (param i32) (result i32)
                (if (i32.ge_u (local.get 0) (i32.const 100))
                  (then (call $panic (local.get 0))))
                (i32.mul (local.get 0) (i32.const 3)))
              (func (export "f") (param i32) (result i32)
                (i32.add (call $check (local.get 0)) (call $not_cold (local.get 0)))))"#,
        );
        let [_, check, not_cold, f] = &functions[..4] else {
            panic!("{} functions", functions.len());
        };
        assert!(!check.contains("explicit_slot"), "{check}");
        let memory_len = format!("v0+{}", crate::runtime::vmctx::MEMORY_LEN);
        assert!(!check.contains(&memory_len), "{check}");
        assert!(not_cold.contains("explicit_slot"), "{not_cold}");
        assert_eq!(wasm_calls(check), 1, "{check}");
        // $check inlined, its cold call to $panic made; $not_cold called.
        assert_eq!(wasm_calls(f), 2, "{f}");
        assert!(f.contains("colocated u0:0 "), "{f}");
        assert!(f.contains("colocated u0:2 "), "{f}");
        assert!(!f.contains("colocated u0:1 "), "{f}");
    }

    /// What makes no CLIF: a charge's cost (no dead `iconst`), a global's
    /// or a heap access's offset (the load's or store's), a second address
    /// of an index in the same block or one it alone leads to (past a
    /// check), the zero of a local written before it is read, a block
    /// nothing branches to (the body's and the metering's wrapper: no
    /// block that only jumps on).
    #[test]
    fn the_same_code_in_fewer_instructions() {
        let functions = clif(
            r#"(module (memory 1) (global $g (mut i32) (i32.const 0))
              (func (export "f") (param i32) (result i32) (local i32 i32 i64)
                (local.set 1 (i32.load offset=8 (local.get 0)))
                (global.set $g (local.get 1))
                (i32.store offset=16 (local.get 0) (global.get $g))
                (i32.add (local.get 1) (i32.load offset=24 (local.get 0)))))"#,
        );
        let f = &functions[0];
        let lines_with = |what: &str| f.lines().filter(|line| line.contains(what)).count();
        let memory_base = format!("v0+{}", crate::runtime::vmctx::MEMORY_BASE);
        assert_eq!(lines_with(&memory_base), 1, "{f}");
        assert_eq!(lines_with("uextend.i64"), 1, "{f}");
        let base = f.lines().find(|line| line.contains(&memory_base));
        let base = base
            .and_then(|line| line.split_whitespace().next())
            .unwrap();
        assert_eq!(lines_with(&format!("iadd {base},")), 1, "{f}");
        for offset in ["+8", "+16", "+24"] {
            assert!(
                f.lines().any(|line| line.ends_with(offset)),
                "{offset}: {f}"
            );
        }
        assert!(
            !f.contains("iadd v0,") && !f.contains("iadd.i64 v0,"),
            "{f}"
        );
        assert!(!f.contains("jump"), "{f}");
        // Every `iconst` is used (no local is read before it is written,
        // so none is zeroed): its name appears again.
        let tokens: Vec<&str> = f.split(|c: char| !c.is_ascii_alphanumeric()).collect();
        for line in f.lines().filter(|line| line.contains(" = iconst")) {
            let value = line.split_whitespace().next().unwrap();
            let uses = tokens.iter().filter(|&&token| token == value).count() - 1;
            assert!(uses > 0, "{value} unused: {f}");
        }
    }

    /// In slots, the values of one operator stay in it: each access makes
    /// its own heap address (a reused one would live across operators and
    /// grow the frame slots bound).
    #[test]
    fn in_slots_heap_addresses_stay_in_their_operator() {
        let wat = r#"(module (memory 1)
              (func (export "f") (param i32) (result i32)
                (i32.add (i32.load offset=8 (local.get 0))
                  (i32.load offset=8 (local.get 0)))))"#;
        let functions = with_module(wat, |env, bodies, first, frontend| {
            let mut fctx = FunctionBuilderContext::new();
            let mut function = cranelift_codegen::ir::Function::new();
            super::translate_into(
                env,
                first,
                &bodies[0],
                &mut fctx,
                frontend,
                &mut function,
                super::Translation::Slots,
            )
            .unwrap();
            function.display().to_string()
        });
        let memory_base = format!("v0+{}", crate::runtime::vmctx::MEMORY_BASE);
        let bases = functions.lines().filter(|l| l.contains(&memory_base));
        assert_eq!(bases.count(), 2, "{functions}");
    }

    /// A counted loop (see `super::super::versioning`) is translated
    /// twice: a fast copy without the bounds checks its guard proves and
    /// without gas compares, and the checked copy.
    /// At most 1,024 bounds facts are kept: of 1,030 indexes checked once
    /// each and read again, the last six are checked again.
    #[test]
    fn bounds_facts_past_the_cap_cost_a_check_each() {
        let indexes = 1_030;
        let mut body = String::new();
        for k in 0..indexes {
            body.push_str(&format!(
                "(local.set {k} (i32.load offset={} (i32.const 0))) (drop (i32.load (local.get {k})))",
                4 * k
            ));
        }
        // A store: no earlier check may be widened past it.
        body.push_str("(i32.store (i32.const 0) (i32.const 0))");
        for k in 0..indexes {
            body.push_str(&format!("(drop (i32.load (local.get {k})))"));
        }
        let functions = clif(&format!(
            "(module (memory 1) (func (export \"f\") (local{}) {body}))",
            " i32".repeat(indexes)
        ));
        let checks = functions[0].matches("icmp sgt").count();
        assert_eq!(checks, indexes + 6);
    }

    #[test]
    fn a_counted_loop_gets_a_fast_copy() {
        let functions = clif(
            r#"(module (memory 1)
              (func (export "f") (param $base i32) (param $i i32) (result i32)
                (block $out
                  (loop $top
                    (br_if $out (i32.eq (local.get $i) (i32.const 256)))
                    (i32.store (i32.add (local.get $base) (local.get $i))
                      (i32.mul (local.get $i) (i32.const 3)))
                    (local.set $i (i32.add (local.get $i) (i32.const 4)))
                    (br $top)))
                (local.get $i)))"#,
        );
        let f = &functions[0];
        let count = |what: &str| f.lines().filter(|line| line.contains(what)).count();
        assert_eq!(count("imul.i32"), 2, "{f}");
        // The store's bounds check and the iteration's gas compare in the
        // checked copy only; the native-stack check and the exit's gas
        // compare once.
        assert_eq!(count("icmp sgt"), 1, "{f}");
        assert_eq!(count(" ult v"), 3, "{f}");
    }

    /// A loop counting down to 0 (compiler-builtins' `memcmp`, the module
    /// `vm/tests/traps.rs` runs) is versioned too, in a function
    /// (`compare`) and in a leaf inlined into its caller
    /// (`compare_inlined`).
    #[test]
    fn a_loop_counting_down_gets_a_fast_copy_inlined_too() {
        let functions = clif(include_str!("../../tests/counted_down_loops.wat"));
        for f in &functions[..2] {
            // Two loads in each copy.
            let loads = f.lines().filter(|line| line.contains("uload8")).count();
            assert_eq!(loads, 4, "{f}");
        }
    }

    /// A byte compare as rustc emits it: in an innermost loop, its loads
    /// keep the charge before them pending up to the one after the
    /// `br_if` out, so an iteration checks one charge; around an inner
    /// loop, two (see `Translator::charge_ahead`).
    #[test]
    fn loads_in_an_innermost_loop_keep_the_charge_pending() {
        let compare = |inner: &str| {
            clif(&format!(
                r#"(module (memory 1)
                  (func (export "f") (param $a i32) (param $b i32) (param $n i32) (result i32)
                    (block $done
                      (loop $next
                        {inner}
                        (br_if $done (i32.ne (i32.load8_u (local.get $a))
                                             (i32.load8_u (local.get $b))))
                        (local.set $a (i32.add (local.get $a) (i32.const 1)))
                        (local.set $b (i32.add (local.get $b) (i32.const 1)))
                        (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
                    (local.get $n)))"#
            ))
            .remove(0)
        };
        // The constants of the gas compares (`icmp ult` of the pinned
        // register's value and a charge), in hot blocks and in trap paths.
        let compares = |f: &str, in_cold: bool| {
            let mut cold = false;
            let mut found = Vec::new();
            for line in f.lines() {
                if line.starts_with("block") {
                    cold = line.contains("cold");
                } else if cold == in_cold && line.contains(" ult ") {
                    found.extend(
                        line.rsplit(" = ")
                            .next()
                            .and_then(|k| k.parse::<u64>().ok()),
                    );
                }
            }
            found
        };
        // The segment up to the `br_if` (21) and the next (16): merged on
        // the way round, checked alone on the way out and in the loads'
        // trap paths.
        let innermost = compare("");
        assert!(compares(&innermost, false).contains(&37), "{innermost}");
        assert!(!compares(&innermost, false).contains(&16), "{innermost}");
        assert!(compares(&innermost, true).contains(&21), "{innermost}");
        // An inner loop closed before the loads; the block around it is
        // joined, so the loads' segment starts with a charge after it.
        let around = compare(
            "(block $j (loop $spin (br_if $spin (i32.const 0))) (br_if $j (local.get $n)))",
        );
        assert!(!compares(&around, false).contains(&37), "{around}");
        assert!(compares(&around, false).contains(&16), "{around}");
    }

    /// rustc's shape: the exit code inside the loop (here with a loop of
    /// its own, itself versioned) is translated once, both copies jumping
    /// to it.
    #[test]
    fn a_versioned_loop_s_exit_code_is_translated_once() {
        let functions = clif(
            r#"(module (memory 1)
              (func (export "f") (param $base i32) (result i32) (local $i i32) (local $j i32)
                (block $out
                  (loop $top
                    (block $body
                      (br_if $body (i32.ne (local.get $i) (i32.const 64)))
                      (i32.store (local.get $base) (i32.popcnt (local.get $i)))
                      (loop $inner
                        (br_if $out (i32.eq (local.get $j) (i32.const 256)))
                        (i32.store (local.get $j) (i32.clz (local.get $j)))
                        (local.set $j (i32.add (local.get $j) (i32.const 4)))
                        (br $inner)))
                    (i32.store (i32.add (local.get $base) (local.get $i))
                      (i32.ctz (local.get $i)))
                    (local.set $i (i32.add (local.get $i) (i32.const 4)))
                    (br $top)))
                (local.get $i)))"#,
        );
        let f = &functions[0];
        let count = |what: &str| f.lines().filter(|line| line.contains(what)).count();
        assert_eq!(count("popcnt"), 1, "{f}");
        assert_eq!(count("ctz"), 2, "{f}");
        assert_eq!(count("clz"), 2, "{f}");
    }

    #[test]
    fn no_cranelift_trap_instructions() {
        let functions = clif(
            r#"(module
              (memory 1)
              (table 1 funcref)
              (type $t (func (param i32) (result i32)))
              (func (export "f") (param i32 i64) (result i64)
                (drop (i32.div_s (local.get 0) (local.get 0)))
                (drop (i32.rem_u (local.get 0) (local.get 0)))
                (drop (i64.load (local.get 0)))
                (i64.store (local.get 0) (local.get 1))
                (drop (call_indirect (type $t) (local.get 0) (local.get 0)))
                (memory.fill (local.get 0) (local.get 0) (local.get 0))
                (if (local.get 0) (then (unreachable)))
                (i64.div_u (local.get 1) (local.get 1))))"#,
        );
        assert!(!functions.is_empty());
        for text in functions {
            for line in text.lines() {
                let op = line.split('=').next_back().unwrap_or("").trim_start();
                assert!(
                    !(op.starts_with("trap") || op.contains(" trapz") || op.contains(" trapnz")),
                    "a Cranelift trap instruction: {line}"
                );
            }
        }
    }
}
