//! `call` and `call_indirect`, and the metering helpers as intrinsics.
//!
//! ```text
//! WARNING: consensus code. The intrinsics must do exactly what the wasm
//! bodies in gasket_metering::inject::helpers do, in the same order:
//! ```
//!
//! | helper            | inline code                                                   |
//! |-------------------|---------------------------------------------------------------|
//! | `charge_gas(c)`   | `if gas <u c { gas = -1; trap OutOfGas }; gas -= c`            |
//! | `charge_dynamic(u, r)` | `charge_gas(zext64(u) * r)`, leaves `u`                   |
//! | `stack_enter(f)`  | `h = stack + f; if h >u LIMIT { stack = -1; trap StackOverflow }; stack = h` |
//! | `stack_exit(f)`   | `stack -= f`                                                  |
//!
//! The sentinel stores happen in the trap paths ([`Translator::trap_if`]
//! with `OutOfGas`/`StackOverflow`), so the globals read back after a trap
//! are the ones the wasm would leave. Gas lives in a variable between
//! calls ([`crate::translate::func`]): every call stores it before and
//! reloads it after. The helpers are still compiled as ordinary functions
//! (nothing calls them).
//!
//! `call_indirect` checks, in this order: index below the table length
//! (`TableOutOfBounds`), entry not null (`IndirectCallToNull`), canonical
//! signature id equal (`IndirectCallSignatureMismatch`).

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{InstBuilder, MemFlagsData, Value, types};
use wasmparser::Operator;

use crate::error::CompileError;
use crate::runtime::vmctx;
use crate::translate::PTR;
use crate::translate::func::Translator;
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

fn call(t: &mut Translator<'_, '_>, callee: u32) -> Result<()> {
    let injected = &t.env.info.injected;
    let (stack, limit) = (injected.stack_global, injected.stack_limit);
    if callee == injected.charge_gas_func {
        let cost = t.pop()?;
        charge_gas(t, cost);
    } else if callee == injected.charge_dynamic_func {
        let (units, rate) = t.pop2()?;
        let wide = t.b.ins().uextend(types::I64, units);
        // units < 2^32 and rate <= 2^24: no overflow.
        let cost = t.b.ins().imul(wide, rate);
        charge_gas(t, cost);
        t.push(units);
    } else if callee == injected.stack_enter_func {
        let frame = t.pop()?;
        let addr = t.global_addr(stack);
        let height = t.b.ins().load(types::I32, MemFlagsData::trusted(), addr, 0);
        let new = t.b.ins().iadd(height, frame);
        let over =
            t.b.ins()
                .icmp_imm_s(IntCC::UnsignedGreaterThan, new, i64::from(limit));
        t.trap_if(over, TrapKind::StackOverflow);
        t.b.ins().store(MemFlagsData::trusted(), new, addr, 0);
    } else if callee == injected.stack_exit_func {
        let frame = t.pop()?;
        let addr = t.global_addr(stack);
        let height = t.b.ins().load(types::I32, MemFlagsData::trusted(), addr, 0);
        let new = t.b.ins().isub(height, frame);
        t.b.ins().store(MemFlagsData::trusted(), new, addr, 0);
    } else {
        let sig = t
            .env
            .info
            .func_sig(callee)
            .ok_or_else(|| t.internal("call to an unknown function"))?;
        let (params, results) = (sig.params.len(), sig.results.len());
        let func_ref = t.func_ref(callee)?;
        let mut args = vec![t.vmctx];
        args.extend(t.popn(params)?);
        t.store_gas();
        let inst = t.b.ins().call(func_ref, &args);
        let values = t.b.inst_results(inst).to_vec();
        debug_assert_eq!(values.len(), results);
        t.reload_cached();
        t.stack.extend(values);
    }
    Ok(())
}

/// `charge_gas`: the wasm helper's semantics, inline, on the cached gas.
fn charge_gas(t: &mut Translator<'_, '_>, cost: Value) {
    let left = t.b.use_var(t.gas);
    let short = t.b.ins().icmp(IntCC::UnsignedLessThan, left, cost);
    t.trap_if(short, TrapKind::OutOfGas);
    let new = t.b.ins().isub(left, cost);
    t.b.def_var(t.gas, new);
}

fn call_indirect(t: &mut Translator<'_, '_>, type_index: u32) -> Result<()> {
    let expected = *t
        .env
        .sig_ids
        .get(type_index as usize)
        .ok_or_else(|| t.internal("unknown type index"))?;
    let params = t.env.info.types[type_index as usize].params.len();
    let sig_ref = t.sig_ref(type_index)?;
    let index = t.pop()?;
    let mut args = vec![t.vmctx];
    args.extend(t.popn(params)?);

    let index = t.b.ins().uextend(types::I64, index);
    let len = t.vmctx_ptr(vmctx::TABLE_LEN);
    let oob =
        t.b.ins()
            .icmp(IntCC::UnsignedGreaterThanOrEqual, index, len);
    t.trap_if(oob, TrapKind::TableOutOfBounds);
    let base = t.vmctx_ptr(vmctx::TABLE);
    let scaled = t.b.ins().imul_imm_s(index, vmctx::TABLE_ENTRY_SIZE);
    let entry = t.b.ins().iadd(base, scaled);
    // The table never changes after instantiation (no table.* operators).
    let flags = MemFlagsData::trusted().with_readonly();
    let sig =
        t.b.ins()
            .load(types::I32, flags, entry, vmctx::TABLE_ENTRY_SIG);
    let null = t.b.ins().icmp_imm_s(IntCC::Equal, sig, 0);
    t.trap_if(null, TrapKind::IndirectCallToNull);
    let wrong =
        t.b.ins()
            .icmp_imm_s(IntCC::NotEqual, sig, i64::from(expected));
    t.trap_if(wrong, TrapKind::IndirectCallSignatureMismatch);
    let func = t.b.ins().load(PTR, flags, entry, vmctx::TABLE_ENTRY_FUNC);
    t.store_gas();
    let inst = t.b.ins().call_indirect(sig_ref, func, &args);
    let values = t.b.inst_results(inst).to_vec();
    t.reload_cached();
    t.stack.extend(values);
    Ok(())
}
