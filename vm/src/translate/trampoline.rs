//! Code that is not a wasm body: entry trampolines and import wrappers.
//!
//! - An **entry trampoline** (`extern "C" fn(vmctx, values: *mut u64)`)
//!   reads the arguments from `values` (one 8-byte slot each, `i32` in the
//!   low half) and the gas from its global into the pinned register (after
//!   saving the caller's value of it, a callee-saved register), calls the
//!   wasm function directly, stores the register's gas in the global,
//!   restores the caller's value and writes the results back
//!   (sign-extended to 64 bits). The C shim calls it after `setjmp`, whose
//!   `longjmp` restores the register on a trap.
//! - An **import wrapper** gives an imported (host) function a wasm-ABI
//!   body, so direct calls and table entries treat it like any function: it
//!   stores the pinned register's gas in the gas global (the host reads
//!   and charges it there), spills the arguments to a stack slot with room
//!   for the results after them, calls the `HostCall` libcall, raises the
//!   code it returns, if any, from generated code, or loads the gas
//!   global's value into the register and returns the results.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{
    AbiParam, Function, InstBuilder, MemFlagsData, Signature, StackSlotData, StackSlotKind,
    UserFuncName, Value, types,
};
use cranelift_codegen::isa::{CallConv, TargetFrontendConfig};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use gasket_metering::{FuncSig, ValType};

use super::{NS_FUNC, PTR, clif_type, import_wasm_function, libcall_signature, wasm_signature};
use crate::runtime::vmctx::{self, Libcall};
use crate::trap::CODE_NATIVE_STACK;

/// Namespace of trampoline names (never called by name).
const NS_TRAMPOLINE: u32 = 1;
/// Namespace of indirect trampolines, by type index.
const NS_INDIRECT: u32 = 2;

/// The entry trampoline of wasm function `func`.
pub(crate) fn entry(
    func: u32,
    sig: &FuncSig,
    fctx: &mut FunctionBuilderContext,
    frontend: TargetFrontendConfig,
) -> Function {
    let name = UserFuncName::user(NS_TRAMPOLINE, func);
    buffer_trampoline(name, sig, Callee::Direct(func), fctx, frontend)
}

/// The indirect trampoline of wasm type `type_index`: an entry trampoline
/// whose callee is the address in `values[0]` (arguments from `values[1]`),
/// for `call_indirect` through a shared table (the runtime enters the
/// callee's instance with it).
pub(crate) fn indirect_entry(
    type_index: u32,
    sig: &FuncSig,
    fctx: &mut FunctionBuilderContext,
    frontend: TargetFrontendConfig,
) -> Function {
    let name = UserFuncName::user(NS_INDIRECT, type_index);
    buffer_trampoline(name, sig, Callee::InBuffer, fctx, frontend)
}

/// Whom a buffer trampoline calls.
enum Callee {
    /// Wasm function `index`, by a direct call.
    Direct(u32),
    /// The address in `values[0]`; the arguments follow it.
    InBuffer,
}

/// `extern "C" fn(vmctx, values)`: loads the arguments from `values`,
/// calls `callee` with the wasm convention, stores the results from slot 0.
fn buffer_trampoline(
    name: UserFuncName,
    sig: &FuncSig,
    callee: Callee,
    fctx: &mut FunctionBuilderContext,
    frontend: TargetFrontendConfig,
) -> Function {
    let mut tsig = Signature::new(CallConv::SystemV);
    tsig.params.push(AbiParam::new(PTR));
    tsig.params.push(AbiParam::new(PTR));
    let mut function = Function::with_name_signature(name, tsig);
    let mut b = FunctionBuilder::new(&mut function, fctx);
    let block = b.create_block();
    b.append_block_params_for_function_params(block);
    b.switch_to_block(block);
    b.seal_block(block);
    let (vmctx, values) = (b.block_params(block)[0], b.block_params(block)[1]);
    let flags = MemFlagsData::trusted();
    let first_arg = match callee {
        Callee::Direct(_) => 0,
        Callee::InBuffer => 1,
    };
    let gas_ptr = gas_pointer(&mut b, vmctx);
    let gas = b.ins().load(types::I64, flags, gas_ptr, 0);
    // The pinned register is a callee-saved register of the caller's.
    let saved = b.ins().get_pinned_reg(types::I64);
    b.ins().set_pinned_reg(gas);

    let mut args = vec![vmctx];
    for (i, &ty) in sig.params.iter().enumerate() {
        let offset = 8 * (i as i32 + first_arg);
        args.push(b.ins().load(clif_type(ty), flags, values, offset));
    }
    let inst = match callee {
        Callee::Direct(func) => {
            let callee = import_wasm_function(b.func, func, sig);
            b.ins().call(callee, &args)
        }
        Callee::InBuffer => {
            let callee_sig = b.import_signature(wasm_signature(sig));
            let address = b.ins().load(PTR, flags, values, 0);
            b.ins().call_indirect(callee_sig, address, &args)
        }
    };
    let returned = b.inst_results(inst).to_vec();
    let gas = b.ins().get_pinned_reg(types::I64);
    b.ins().store(flags, gas, gas_ptr, 0);
    b.ins().set_pinned_reg(saved);
    for (i, (&value, &ty)) in returned.iter().zip(&sig.results).enumerate() {
        store_slot(&mut b, values, i, value, ty);
    }
    b.ins().return_(&[]);
    b.finalize(frontend);
    function
}

/// Stores `value` in 8-byte slot `slot` of the buffer at `values`, an
/// `i32` sign-extended (the runtime reads every slot as an `i64`).
fn store_slot(b: &mut FunctionBuilder<'_>, values: Value, slot: usize, value: Value, ty: ValType) {
    let wide = match ty {
        ValType::I32 => b.ins().sextend(types::I64, value),
        ValType::I64 => value,
    };
    b.ins()
        .store(MemFlagsData::trusted(), wide, values, 8 * slot as i32);
}

fn libcall(b: &mut FunctionBuilder<'_>, vmctx: Value, call: Libcall, args: &[Value]) -> Inst {
    let sig = b.import_signature(libcall_signature(call));
    let callee = b.ins().load(
        PTR,
        MemFlagsData::trusted().with_readonly(),
        vmctx,
        vmctx::libcall_offset(call),
    );
    let mut all = vec![vmctx];
    all.extend_from_slice(args);
    b.ins().call_indirect(sig, callee, &all)
}

use cranelift_codegen::ir::Inst;

/// The address of the gas global, through the context's pointer rather
/// than this module's global index: an indirect trampoline runs in
/// another module's instance.
fn gas_pointer(b: &mut FunctionBuilder<'_>, vmctx: Value) -> Value {
    b.ins().load(
        PTR,
        MemFlagsData::trusted().with_readonly(),
        vmctx,
        vmctx::GAS,
    )
}

/// The native stack's limit (the backstop's), from the context.
fn stack_limit(b: &mut FunctionBuilder<'_>, vmctx: Value) -> Value {
    b.ins().load(
        PTR,
        MemFlagsData::trusted().with_readonly(),
        vmctx,
        vmctx::STACK_LIMIT,
    )
}

/// Raises trap `code` and ends the block (the libcall never returns; the
/// return of zeros of a wasm function of `sig` only closes it).
fn raise(b: &mut FunctionBuilder<'_>, vmctx: Value, code: Value, sig: &FuncSig) {
    libcall(b, vmctx, Libcall::RaiseTrap, &[code]);
    let zeros: Vec<Value> = (sig.results.iter().map(|&ty| clif_type(ty)))
        .map(|ty| b.ins().iconst(ty, 0))
        .collect();
    b.ins().return_(&zeros);
}

/// The wasm-ABI body of imported function `func` (import number `import`).
pub(crate) fn import_wrapper(
    func: u32,
    import: u32,
    sig: &FuncSig,
    fctx: &mut FunctionBuilderContext,
    frontend: TargetFrontendConfig,
) -> Function {
    let mut function =
        Function::with_name_signature(UserFuncName::user(NS_FUNC, func), wasm_signature(sig));
    let mut b = FunctionBuilder::new(&mut function, fctx);
    let entry = b.create_block();
    let ok = b.create_block();
    let native = b.create_block();
    let failed = b.create_block();
    let code_param = b.append_block_param(failed, types::I32);
    b.set_cold_block(native);
    b.set_cold_block(failed);
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    let params = b.block_params(entry).to_vec();
    let vmctx = params[0];
    // Synchronisation point: the host (and a trap raised here) reads it.
    let flags = MemFlagsData::trusted();
    let gas_ptr = gas_pointer(&mut b, vmctx);
    let n = sig.params.len();
    let gas = b.ins().get_pinned_reg(types::I64);
    b.ins().store(flags, gas, gas_ptr, 0);

    // The native-stack backstop, as in every wasm function.
    let sp = b.ins().get_stack_pointer(PTR);
    let limit = stack_limit(&mut b, vmctx);
    let below = b.ins().icmp(IntCC::UnsignedLessThan, sp, limit);
    let go = b.create_block();
    b.ins().brif(below, native, &[], go, &[]);
    b.switch_to_block(go);

    // The arguments, then the result slots, zeroed so that a result the
    // host function leaves unwritten reads 0. (An import of another
    // instance's export runs its entry trampoline, which writes results
    // from slot 0: `host_call` moves them after the arguments.)
    let value_slots = (n + sig.results.len()).max(1) as u32;
    let slot = b.create_sized_stack_slot(StackSlotData::new(
        StackSlotKind::ExplicitSlot,
        8 * value_slots,
        3,
    ));
    let values = b.ins().stack_addr(PTR, slot, 0);
    for (i, (&value, &ty)) in params[1..=n].iter().zip(&sig.params).enumerate() {
        store_slot(&mut b, values, i, value, ty);
    }
    if !sig.results.is_empty() {
        let zero = b.ins().iconst(types::I64, 0);
        for i in n..n + sig.results.len() {
            b.ins()
                .store(MemFlagsData::trusted(), zero, values, 8 * i as i32);
        }
    }
    let import = b.ins().iconst(types::I32, i64::from(import));
    let inst = libcall(&mut b, vmctx, Libcall::HostCall, &[import, values]);
    let code = b.inst_results(inst)[0];
    b.ins().brif(code, failed, &[code.into()], ok, &[]);

    b.switch_to_block(ok);
    let mut results = Vec::with_capacity(sig.results.len());
    let gas = b.ins().load(types::I64, flags, gas_ptr, 0);
    b.ins().set_pinned_reg(gas);
    for (i, &ty) in sig.results.iter().enumerate() {
        let offset = 8 * (n + i) as i32;
        results.push(
            b.ins()
                .load(clif_type(ty), MemFlagsData::trusted(), values, offset),
        );
    }
    b.ins().return_(&results);

    b.switch_to_block(native);
    let native_code = b.ins().iconst(types::I32, i64::from(CODE_NATIVE_STACK));
    b.ins().jump(failed, &[native_code.into()]);

    b.switch_to_block(failed);
    raise(&mut b, vmctx, code_param, sig);
    b.seal_all_blocks();
    b.finalize(frontend);
    function
}

/// The guard of wasm function `func`, whose body (at blob slot `body`)
/// needs `excess` bytes of native stack more than `FRAME_RESERVE` holds:
/// it checks that there is room for the body's frame below the native
/// stack's limit, with the reserve, before calling it (the body's own
/// check runs after its frame is allocated). Calls of the function go to
/// the guard, so only they pay for the frame.
pub(crate) fn frame_guard(
    func: u32,
    body: u32,
    excess: u32,
    sig: &FuncSig,
    fctx: &mut FunctionBuilderContext,
    frontend: TargetFrontendConfig,
) -> Function {
    let mut function =
        Function::with_name_signature(UserFuncName::user(NS_FUNC, func), wasm_signature(sig));
    let mut b = FunctionBuilder::new(&mut function, fctx);
    let entry = b.create_block();
    let go = b.create_block();
    let native = b.create_block();
    b.set_cold_block(native);
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    let params = b.block_params(entry).to_vec();
    let vmctx = params[0];
    let sp = b.ins().get_stack_pointer(PTR);
    let limit = stack_limit(&mut b, vmctx);
    // sp - excess < limit, without wrapping below zero.
    let room = b.ins().iadd_imm_u(limit, i64::from(excess));
    let below = b.ins().icmp(IntCC::UnsignedLessThan, sp, room);
    b.ins().brif(below, native, &[], go, &[]);

    b.switch_to_block(go);
    let callee = import_wasm_function(b.func, body, sig);
    let inst = b.ins().call(callee, &params);
    let results = b.inst_results(inst).to_vec();
    b.ins().return_(&results);

    b.switch_to_block(native);
    // The gas at the trap, where every trap path leaves it.
    let gas_ptr = gas_pointer(&mut b, vmctx);
    let gas = b.ins().get_pinned_reg(types::I64);
    b.ins().store(MemFlagsData::trusted(), gas, gas_ptr, 0);
    let code = b.ins().iconst(types::I32, i64::from(CODE_NATIVE_STACK));
    raise(&mut b, vmctx, code, sig);
    b.seal_all_blocks();
    b.finalize(frontend);
    function
}
