//! Locals and globals.
//!
//! Locals are cranelift-frontend variables (SSA is built for them), or
//! cells of the frame (`Translation::Slots`). Globals live in 8-byte
//! slots (an `i32` in the low half): in the VM context itself for a module
//! with at most `vmctx::INLINE_GLOBALS` of them (every Rust contract),
//! else in an array the context points to; the stack height always in
//! the context (`VmCtx::stack_height`). They are read and written in
//! place, so their values, gas and stack height included, are what the
//! wasm says at every call boundary. (Both targets are little-endian.)

use cranelift_codegen::ir::{InstBuilder, MemFlagsData};
use wasmparser::Operator;

use crate::error::CompileError;
use crate::translate::clif_type;
use crate::translate::func::Translator;

type Result<T> = std::result::Result<T, CompileError>;

pub(crate) fn visit(t: &mut Translator<'_, '_>, op: &Operator<'_>) -> Result<bool> {
    match *op {
        Operator::LocalGet { local_index } => {
            let v = t.local_get(local_index)?;
            t.push(v);
        }
        Operator::LocalSet { local_index } => {
            let v = t.pop()?;
            t.local_set(local_index, v)?;
        }
        Operator::LocalTee { local_index } => {
            let v = *t.peekn(1)?.first().unwrap_or(&t.vmctx);
            t.local_set(local_index, v)?;
        }
        // The gas global lives in the pinned register (see translate::func).
        Operator::GlobalGet { global_index } if global_index == gas_global(t) => {
            let v = t.gas_value();
            t.push(v);
        }
        Operator::GlobalSet { global_index } if global_index == gas_global(t) => {
            let v = t.pop()?;
            t.set_gas(v);
        }
        Operator::GlobalGet { global_index } => {
            let ty = global_type(t, global_index)?;
            let (base, offset) = t.global_place(global_index);
            let v = t.b.ins().load(ty, MemFlagsData::trusted(), base, offset);
            t.push(v);
        }
        Operator::GlobalSet { global_index } => {
            global_type(t, global_index)?;
            let v = t.pop()?;
            let (base, offset) = t.global_place(global_index);
            t.b.ins().store(MemFlagsData::trusted(), v, base, offset);
        }
        _ => return Ok(false),
    }
    Ok(true)
}

fn gas_global(t: &Translator<'_, '_>) -> u32 {
    t.env.info.injected.gas_global
}

pub(crate) fn global_type(
    t: &Translator<'_, '_>,
    index: u32,
) -> Result<cranelift_codegen::ir::Type> {
    t.env
        .info
        .globals
        .get(index as usize)
        .map(|g| clif_type(g.ty))
        .ok_or_else(|| t.internal("global index out of range"))
}
