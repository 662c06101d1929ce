//! `call` and `call_indirect`, and the metering helpers as intrinsics.
//!
//! ```text
//! WARNING: consensus code. The intrinsics must do exactly what the wasm
//! bodies in gasket_metering::inject::helpers do, in the same order (a
//! constant charge's check may move later only past what cannot observe
//! the difference: see below):
//! ```
//!
//! | helper            | inline code                                                   |
//! |-------------------|---------------------------------------------------------------|
//! | `charge_gas(c)`   | `if gas <u c { gas = -1; trap OutOfGas }; gas -= c`            |
//! | `charge_dynamic(u, r)` | `charge_gas(zext64(u) * r)`, leaves `u`                   |
//! | `charge_bytes(u, r)` | `charge_gas((zext64(u) * r + 1023) >>u 10)`, leaves `u`     |
//! | `stack_enter(f)`  | `h = stack + f; if h >u LIMIT { stack = -1; trap StackOverflow }; stack = h` |
//! | `stack_exit(f)`   | `stack -= f`                                                  |
//!
//! In a leaf (no calls but to these helpers and cold calls, see
//! [`crate::translate::inline::LeafScan`]) whose body starts with
//! `stack_enter`, and in the body of an inlined callee (always such a
//! leaf), the new height stays in a register instead of the global:
//! nothing can read the global before `stack_exit` would restore it but a
//! cold call's callee, and a cold call stores it first, as every trap path
//! after `stack_enter` does (trap blocks are per code and height to
//! store), so `stack_exit` is nothing. A cold call is never inlined: it
//! runs on the way to a trap. In a function that calls, the
//! global at its `stack_exit` holds what its `stack_enter` stored: every
//! wasm callee and host function returns it as it found it, a call into
//! another instance hands the caller back its own height and leaves the
//! callee's as it was (`runtime::libcalls::call_into_with`, also when the
//! callee is suspended in a call of its own), and a trap ends the whole
//! call. So `stack_exit` stores the height `stack_enter` loaded: `stack -
//! f` without reading the global. The slots translation subtracts, as the
//! wasm does. That height is kept in a 4-byte slot of the frame, stored at
//! entry and loaded at the exit, not in a register across the calls: with
//! the gas in the pinned register, x86-64 has four callee-saved registers
//! left, and a recursive function (the fib workload) then spilled its
//! context pointer instead, every load after a call waiting for it (fib
//! twice as slow); reading the global at the exit instead waits for the
//! callee's store to it (fib +5%); the slot costs nothing measurable. An
//! inlined callee's `stack_enter` adds its frame to the value of that
//! height, without a load (with a load of the slot, sort ran 7% slower
//! than before pinning instead of 7% faster): in a function that inlines
//! a call after a call, that value does live across the call.
//!
//! A constant `charge_gas` is checked later, merged with the charges that
//! follow it before anything can trap (but a load in an innermost loop,
//! whose trap path checks it first) or be observed
//! ([`Translator::defer_charge`]): the same trap, gas and state.
//!
//! The sentinel stores happen in the trap paths ([`Translator::trap_if`]
//! with `OutOfGas`/`StackOverflow`), so the globals read back after a trap
//! are the ones the wasm would leave. Gas lives in the pinned register
//! ([`crate::translate::func`]), where wasm callees find it and leave it.
//! The helpers are still compiled as ordinary functions (nothing calls
//! them).
//!
//! `call_indirect` checks, in this order: index below the table length
//! (`TableOutOfBounds`), entry not null (`IndirectCallToNull`), canonical
//! signature id equal (`IndirectCallSignatureMismatch`). Through a table
//! shared with other instances (imported or exported) the runtime makes the
//! same checks and the call (the `CallIndirect` libcall), since the entry
//! may belong to another instance.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{
    InstBuilder, MemFlagsData, StackSlotData, StackSlotKind, Value, types,
};
use wasmparser::Operator;

use crate::error::CompileError;
use crate::runtime::vmctx::{self, Libcall};
use crate::translate::func::Translator;
use crate::translate::{PTR, clif_type};
use crate::trap::TrapKind;

type Result<T> = std::result::Result<T, CompileError>;

pub(crate) fn visit(t: &mut Translator<'_, '_>, op: &Operator<'_>) -> Result<bool> {
    match *op {
        Operator::Call { function_index } => call(t, function_index)?,
        Operator::CallIndirect {
            type_index,
            table_index: 0,
        } => call_indirect(t, type_index)?,
        _ => return Ok(false),
    }
    Ok(true)
}

/// A metering helper's argument: the constant the translator kept for it
/// (`Translator::constant_arg`), or the value popped.
enum HelperArg {
    Constant(i64),
    Value(Value),
}

impl HelperArg {
    fn take(t: &mut Translator<'_, '_>) -> Result<HelperArg> {
        Ok(match t.constant_arg.take() {
            Some(constant) => HelperArg::Constant(constant),
            None => HelperArg::Value(t.pop()?),
        })
    }

    fn constant(&self, t: &Translator<'_, '_>) -> Option<i64> {
        match *self {
            HelperArg::Constant(constant) => Some(constant),
            HelperArg::Value(value) => t.constant(value),
        }
    }

    /// The argument as a value (of `ty`, the helper's parameter type).
    fn value(&self, t: &mut Translator<'_, '_>, ty: types::Type) -> Value {
        match *self {
            HelperArg::Constant(constant) => t.b.ins().iconst(ty, constant),
            HelperArg::Value(value) => value,
        }
    }
}

/// The metering's dynamic charge of the `units` and `rate` on top of the
/// stack, at the cost `cost` makes of the units widened to `i64` and the
/// rate; leaves the units on the stack. In slots the operands are read
/// from their cells again after the charge's check (see
/// `Translator::peek`).
fn charge_units(
    t: &mut Translator<'_, '_>,
    cost: impl FnOnce(&mut Translator<'_, '_>, Value, Value) -> Value,
) -> Result<()> {
    let (units, rate) = if t.in_slots() {
        (t.peek(1)?, t.peek(0)?)
    } else {
        t.pop2()?
    };
    let wide = t.b.ins().uextend(types::I64, units);
    let cost = cost(t, wide, rate);
    t.charge_gas(cost);
    if t.in_slots() {
        // The units stay in their cell; the rate, above them, goes.
        t.stack.pop();
    } else {
        t.push(units);
    }
    Ok(())
}

fn call(t: &mut Translator<'_, '_>, callee: u32) -> Result<()> {
    let injected = &t.env.info.injected;
    let (stack, limit) = (injected.stack_global, injected.stack_limit);
    if callee == injected.charge_gas_func {
        let cost = HelperArg::take(t)?;
        // In slots, every charge is checked where the metering makes it:
        // the reference the gas sweeps compare deferral against.
        match cost.constant(t).filter(|_| !t.in_slots()) {
            Some(cost) => t.defer_charge(cost as u64),
            None => {
                t.flush_gas();
                let cost = cost.value(t, types::I64);
                t.charge_gas(cost);
            }
        }
    } else if callee == injected.charge_dynamic_func {
        // units < 2^32 and rate <= 2^24: no overflow.
        charge_units(t, |t, wide, rate| t.b.ins().imul(wide, rate))?;
    } else if callee == injected.charge_bytes_func {
        charge_units(t, |t, wide, rate| {
            // units < 2^32 and rate <= 2^24: the product plus 1023 is below
            // 2^56, no overflow; the shift is the wasm's i64.shr_u.
            let product = t.b.ins().imul(wide, rate);
            let rounded = t.b.ins().iadd_imm_u(product, 1023);
            t.b.ins().ushr_imm_u(rounded, 10)
        })?;
    } else if callee == injected.stack_enter_func {
        let frame = HelperArg::take(t)?;
        let (base, offset) = t.global_place(stack);
        let caller = t.caller_stack_height.filter(|_| t.inlined_entry);
        let (height, new) = match (caller, frame.constant(t)) {
            // An inlined callee's: the global holds the caller's entry
            // height plus its frame, so no load.
            (Some((entered, units)), Some(frame)) => {
                let new = t.b.ins().iadd_imm_s(entered, units.wrapping_add(frame));
                (None, new)
            }
            _ => {
                let height =
                    t.b.ins()
                        .load(types::I32, MemFlagsData::trusted(), base, offset);
                let frame = frame.value(t, types::I32);
                (Some(height), t.b.ins().iadd(height, frame))
            }
        };
        let over =
            t.b.ins()
                .icmp_imm_s(IntCC::UnsignedGreaterThan, new, i64::from(limit));
        t.trap_if(over, TrapKind::StackOverflow);
        if t.leaf_entry() || t.inlined_entry {
            t.leaf_stack_height = Some(new);
        } else {
            t.b.ins().store(MemFlagsData::trusted(), new, base, offset);
            // In slots, the exit subtracts as the wasm does: a reference
            // for the tests that compare heights across translations.
            if t.body_entry()
                && !t.in_slots()
                && let (Some(height), Some(units)) = (height, frame.constant(t))
            {
                // 4 bytes, 4-aligned.
                let slot = t.b.create_sized_stack_slot(StackSlotData::new(
                    StackSlotKind::ExplicitSlot,
                    4,
                    2,
                ));
                t.b.ins().stack_store(PTR, height, slot, 0);
                t.entry_stack_height = Some((height, slot, units));
            }
        }
    } else if callee == injected.stack_exit_func {
        let frame = HelperArg::take(t)?;
        if t.leaf_stack_height.is_some() {
            // The global still holds the height this function entered with
            // (a cold call stored this frame's, but an `unreachable`
            // follows it).
            return Ok(());
        }
        let (base, offset) = t.global_place(stack);
        if let Some((_, slot, units)) = t.entry_stack_height
            && frame.constant(t) == Some(units)
        {
            let entered = t.b.ins().stack_load(PTR, types::I32, slot, 0);
            // Every call returned the global as it found it: it holds the
            // entry's height plus this frame.
            t.b.ins()
                .store(MemFlagsData::trusted(), entered, base, offset);
            return Ok(());
        }
        let height =
            t.b.ins()
                .load(types::I32, MemFlagsData::trusted(), base, offset);
        let frame = frame.value(t, types::I32);
        let new = t.b.ins().isub(height, frame);
        t.b.ins().store(MemFlagsData::trusted(), new, base, offset);
    } else if let Some(body) = (!t.cold_call).then(|| t.take_inline_body(callee)).flatten() {
        t.inline_call(callee, &body)?;
    } else {
        if let Some(height) = t.leaf_stack_height {
            // A cold call (a leaf calls nothing else): the callee's
            // `stack_enter` reads the height from the global.
            let (base, offset) = t.global_place(stack);
            t.b.ins()
                .store(MemFlagsData::trusted(), height, base, offset);
        }
        let sig = t
            .env
            .info
            .func_sig(callee)
            .ok_or_else(|| t.internal("call to an unknown function"))?;
        let (params, results) = (sig.params.len(), sig.results.len());
        let func_ref = t.func_ref(callee)?;
        let params = t.popn(params)?;
        let args = t.wasm_call_args(params);
        let inst = t.b.ins().call(func_ref, &args);
        let returned = t.b.inst_results(inst).to_vec();
        let values = t.wasm_call_returned(&returned);
        debug_assert_eq!(values.len(), results);
        t.pushn(&values);
    }
    Ok(())
}

fn call_indirect(t: &mut Translator<'_, '_>, type_index: u32) -> Result<()> {
    if t.env.table_shared {
        return call_indirect_shared(t, type_index);
    }
    let expected = *t
        .env
        .sig_ids
        .get(type_index as usize)
        .ok_or_else(|| t.internal("unknown type index"))?;
    let params = t.env.info.types[type_index as usize].params.len();
    let sig_ref = t.sig_ref(type_index)?;
    // In slots, the checks read the index before the operands are popped
    // (see `Translator::peek`), and the entry is found again after them.
    let (index, params) = if t.in_slots() {
        check_table_entry_in_slots(t, expected)?;
        (t.pop()?, t.popn(params)?)
    } else {
        let index = t.pop()?;
        let params = t.popn(params)?;
        (index, params)
    };
    let entry = if t.in_slots() {
        let wide = t.b.ins().uextend(types::I64, index);
        table_entry(t, wide)
    } else {
        check_table_entry(t, index, expected)
    };
    let flags = MemFlagsData::trusted();
    let func = t.b.ins().load(PTR, flags, entry, vmctx::TABLE_ENTRY_FUNC);
    let args = t.wasm_call_args(params);
    let inst = t.b.ins().call_indirect(sig_ref, func, &args);
    let returned = t.b.inst_results(inst).to_vec();
    let values = t.wasm_call_returned(&returned);
    t.pushn(&values);
    Ok(())
}

/// Traps unless the table has an entry at `index` holding a function of
/// signature `expected`; returns the entry's address.
fn check_table_entry(t: &mut Translator<'_, '_>, index: Value, expected: u32) -> Value {
    let wide = t.b.ins().uextend(types::I64, index);
    check_table_index(t, wide);
    let (entry, sig) = table_entry_sig(t, wide);
    check_not_null(t, sig);
    check_signature(t, sig, expected);
    entry
}

/// [`check_table_entry`] of the index on top of the stack, in slots: each
/// check reads it from its cell again (a check ends its block; see
/// `Translator::peek`).
fn check_table_entry_in_slots(t: &mut Translator<'_, '_>, expected: u32) -> Result<()> {
    let wide_top = |t: &mut Translator<'_, '_>| -> Result<Value> {
        let index = t.peek(0)?;
        Ok(t.b.ins().uextend(types::I64, index))
    };
    let wide = wide_top(t)?;
    check_table_index(t, wide);
    let wide = wide_top(t)?;
    let (_, sig) = table_entry_sig(t, wide);
    check_not_null(t, sig);
    let wide = wide_top(t)?;
    let (_, sig) = table_entry_sig(t, wide);
    check_signature(t, sig, expected);
    Ok(())
}

fn check_table_index(t: &mut Translator<'_, '_>, wide: Value) {
    let len = t.vmctx_ptr(vmctx::TABLE_LEN);
    let oob = t.b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, wide, len);
    t.trap_if(oob, TrapKind::TableOutOfBounds);
}

/// Table entry `wide`'s address and signature id (0: null).
fn table_entry_sig(t: &mut Translator<'_, '_>, wide: Value) -> (Value, Value) {
    let entry = table_entry(t, wide);
    // Not readonly: table.init and table.copy write entries.
    let flags = MemFlagsData::trusted();
    let sig =
        t.b.ins()
            .load(types::I32, flags, entry, vmctx::TABLE_ENTRY_SIG);
    (entry, sig)
}

fn check_not_null(t: &mut Translator<'_, '_>, sig: Value) {
    let null = t.b.ins().icmp_imm_s(IntCC::Equal, sig, 0);
    t.trap_if(null, TrapKind::IndirectCallToNull);
}

fn check_signature(t: &mut Translator<'_, '_>, sig: Value, expected: u32) {
    let wrong =
        t.b.ins()
            .icmp_imm_s(IntCC::NotEqual, sig, i64::from(expected));
    t.trap_if(wrong, TrapKind::IndirectCallSignatureMismatch);
}

/// The address of table entry `wide` (an index extended to 64 bits;
/// unchecked).
fn table_entry(t: &mut Translator<'_, '_>, wide: Value) -> Value {
    let base = t.vmctx_ptr(vmctx::TABLE);
    let scaled = t.b.ins().imul_imm_s(wide, vmctx::TABLE_ENTRY_SIZE);
    t.b.ins().iadd(base, scaled)
}

/// `call_indirect` through a shared table: the arguments go to a stack
/// buffer (slot 0 is the runtime's, for the callee's address), the runtime
/// checks the entry and calls it in its own instance through this
/// module's indirect trampoline for `type_index`, results come back in the
/// buffer from slot 0.
fn call_indirect_shared(t: &mut Translator<'_, '_>, type_index: u32) -> Result<()> {
    let sig = t
        .env
        .info
        .types
        .get(type_index as usize)
        .ok_or_else(|| t.internal("unknown type index"))?
        .clone();
    let index = t.pop()?;
    let args = t.popn(sig.params.len())?;
    // One buffer for all sites: a slot per site would give a frame that
    // grows with the number of sites, not with stack-height units.
    let size = 8 * indirect_slots(&sig);
    let slot = match t.indirect_buffer {
        Some(slot) => {
            let buffer = &mut t.b.func.sized_stack_slots[slot].size;
            *buffer = (*buffer).max(size);
            slot
        }
        None => {
            let slot = t.b.create_sized_stack_slot(StackSlotData::new(
                StackSlotKind::ExplicitSlot,
                size,
                3,
            ));
            t.indirect_buffer = Some(slot);
            slot
        }
    };
    let values = t.b.ins().stack_addr(PTR, slot, 0);
    for (i, &arg) in args.iter().enumerate() {
        t.b.ins()
            .store(MemFlagsData::trusted(), arg, values, 8 * (i as i32 + 1));
    }
    let ty = t.b.ins().iconst(types::I32, i64::from(type_index));
    let status = t
        .libcall(Libcall::CallIndirect, &[ty, index, values])
        .ok_or_else(|| t.internal("call_indirect libcall without result"))?;
    t.trap_if_status(status);
    // In slots no value crosses a check (see `Translator::peek`).
    let values = if t.in_slots() {
        t.b.ins().stack_addr(PTR, slot, 0)
    } else {
        values
    };
    for (i, &ty) in sig.results.iter().enumerate() {
        let value =
            t.b.ins()
                .load(clif_type(ty), MemFlagsData::trusted(), values, 8 * i as i32);
        t.push(value);
    }
    Ok(())
}

/// Slots of the value buffer of a shared-table `call_indirect`: the
/// callee's address and the parameters, or the results.
pub(crate) fn indirect_slots(sig: &gasket_metering::FuncSig) -> u32 {
    (sig.params.len() + 1).max(sig.results.len()) as u32
}
