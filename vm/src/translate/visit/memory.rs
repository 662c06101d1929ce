//! Loads, stores, `memory.size`, `memory.grow`, `memory.copy`,
//! `memory.fill`, `memory.init`, `data.drop`, and bulk memory's table
//! operators (`table.init`, `table.copy`, `elem.drop`, as libcalls).
//!
//! Loads and stores are inline after an explicit bounds check
//! ([`crate::translate::bounds`]). `memory.grow` and the bulk operators are
//! libcalls: the runtime checks their ranges, returns a trap code, and the
//! generated code branches to the trap path on a non-zero code (a Rust
//! frame never unwinds). Their dynamic gas was charged by the instrumented
//! code before them.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{InstBuilder, types};
use wasmparser::{MemArg, Operator};

use crate::error::CompileError;
use crate::runtime::vmctx::Libcall;
use crate::translate::bounds::{checked_addr, heap_flags};
use crate::translate::func::Translator;
use crate::trap::TrapKind;

type Result<T> = std::result::Result<T, CompileError>;

#[derive(Clone, Copy)]
enum Load {
    I32,
    I64,
    I32_8S,
    I32_8U,
    I32_16S,
    I32_16U,
    I64_8S,
    I64_8U,
    I64_16S,
    I64_16U,
    I64_32S,
    I64_32U,
}

/// A load (its kind) or a store (its width in bytes).
#[derive(Clone, Copy)]
enum Access {
    Load(Load),
    Store(u32),
}

/// The linear-memory access `op` makes, if it is a load or a store: the one
/// table both translation and [`reads_memory_len`] use.
fn access(op: &Operator<'_>) -> Option<(MemArg, Access)> {
    use Operator as O;
    let (memarg, access) = match *op {
        O::I32Load { memarg } => (memarg, Access::Load(Load::I32)),
        O::I64Load { memarg } => (memarg, Access::Load(Load::I64)),
        O::I32Load8S { memarg } => (memarg, Access::Load(Load::I32_8S)),
        O::I32Load8U { memarg } => (memarg, Access::Load(Load::I32_8U)),
        O::I32Load16S { memarg } => (memarg, Access::Load(Load::I32_16S)),
        O::I32Load16U { memarg } => (memarg, Access::Load(Load::I32_16U)),
        O::I64Load8S { memarg } => (memarg, Access::Load(Load::I64_8S)),
        O::I64Load8U { memarg } => (memarg, Access::Load(Load::I64_8U)),
        O::I64Load16S { memarg } => (memarg, Access::Load(Load::I64_16S)),
        O::I64Load16U { memarg } => (memarg, Access::Load(Load::I64_16U)),
        O::I64Load32S { memarg } => (memarg, Access::Load(Load::I64_32S)),
        O::I64Load32U { memarg } => (memarg, Access::Load(Load::I64_32U)),
        O::I32Store { memarg } | O::I64Store32 { memarg } => (memarg, Access::Store(4)),
        O::I64Store { memarg } => (memarg, Access::Store(8)),
        O::I32Store8 { memarg } | O::I64Store8 { memarg } => (memarg, Access::Store(1)),
        O::I32Store16 { memarg } | O::I64Store16 { memarg } => (memarg, Access::Store(2)),
        _ => return None,
    };
    Some((memarg, access))
}

pub(crate) fn visit(t: &mut Translator<'_, '_>, op: &Operator<'_>) -> Result<bool> {
    use Operator as O;
    if let Some((memarg, access)) = access(op) {
        match access {
            Access::Load(kind) => load(t, memarg, kind)?,
            Access::Store(size) => store(t, memarg, size)?,
        }
        return Ok(true);
    }
    match *op {
        O::MemorySize { mem: 0 } => {
            let len = t.memory_len()?;
            let pages = t.b.ins().ushr_imm_s(len, 16);
            let v = t.b.ins().ireduce(types::I32, pages);
            t.push(v);
        }
        O::MemoryGrow { mem: 0 } => {
            let delta = t.pop()?;
            let v = t
                .libcall(Libcall::MemoryGrow, &[delta])
                .ok_or_else(|| t.internal("memory.grow libcall without result"))?;
            t.push(v);
        }
        O::MemoryCopy {
            dst_mem: 0,
            src_mem: 0,
        } => {
            let (dst, src, len) = t.pop3()?;
            bulk(t, Libcall::MemoryCopy, &[dst, src, len], OOB)?;
        }
        O::MemoryFill { mem: 0 } => {
            let (dst, value, len) = t.pop3()?;
            bulk(t, Libcall::MemoryFill, &[dst, value, len], OOB)?;
        }
        O::MemoryInit { data_index, mem: 0 } => {
            let (dst, src, len) = t.pop3()?;
            let segment = t.b.ins().iconst(types::I32, i64::from(data_index));
            bulk(t, Libcall::MemoryInit, &[segment, dst, src, len], OOB)?;
        }
        O::DataDrop { data_index } => {
            let segment = t.b.ins().iconst(types::I32, i64::from(data_index));
            t.libcall(Libcall::DataDrop, &[segment]);
        }
        O::TableInit {
            elem_index,
            table: 0,
        } => {
            let (dst, src, len) = t.pop3()?;
            let segment = t.b.ins().iconst(types::I32, i64::from(elem_index));
            bulk(t, Libcall::TableInit, &[segment, dst, src, len], TABLE_OOB)?;
        }
        O::TableCopy {
            dst_table: 0,
            src_table: 0,
        } => {
            let (dst, src, len) = t.pop3()?;
            bulk(t, Libcall::TableCopy, &[dst, src, len], TABLE_OOB)?;
        }
        O::ElemDrop { elem_index } => {
            let segment = t.b.ins().iconst(types::I32, i64::from(elem_index));
            t.libcall(Libcall::ElemDrop, &[segment]);
        }
        _ => return Ok(false),
    }
    Ok(true)
}

/// The linear-memory access `op` makes, if it is a load or a store: its
/// immediate, its size in bytes, and whether it stores.
pub(crate) fn access_bytes(op: &Operator<'_>) -> Option<(MemArg, u32, bool)> {
    Some(match access(op)? {
        (memarg, Access::Load(kind)) => (memarg, load_size(kind), false),
        (memarg, Access::Store(size)) => (memarg, size, true),
    })
}

/// The bytes a load of `kind` reads.
fn load_size(kind: Load) -> u32 {
    match kind {
        Load::I32 | Load::I64_32S | Load::I64_32U => 4,
        Load::I64 => 8,
        Load::I32_8S | Load::I32_8U | Load::I64_8S | Load::I64_8U => 1,
        Load::I32_16S | Load::I32_16U | Load::I64_16S | Load::I64_16U => 2,
    }
}

/// Whether `op` reads the memory length: loads and stores (their bounds
/// checks) and `memory.size`. A function without any keeps no length.
pub(crate) fn reads_memory_len(op: &Operator<'_>) -> bool {
    access(op).is_some() || matches!(op, Operator::MemorySize { .. })
}

fn memarg_offset(t: &Translator<'_, '_>, memarg: MemArg) -> Result<u64> {
    if memarg.offset > u64::from(u32::MAX) {
        return Err(t.internal("memory immediate outside memory32 with one memory"));
    }
    Ok(memarg.offset)
}

fn load(t: &mut Translator<'_, '_>, memarg: MemArg, kind: Load) -> Result<()> {
    use types::{I32, I64};
    let offset = memarg_offset(t, memarg)?;
    let index = t.pop()?;
    let addr = checked_addr(t, index, offset, load_size(kind))?;
    let f = heap_flags();
    let ins = t.b.ins();
    let v = match kind {
        Load::I32 => ins.load(I32, f, addr, 0),
        Load::I64 => ins.load(I64, f, addr, 0),
        Load::I32_8S => ins.sload8(I32, f, addr, 0),
        Load::I32_8U => ins.uload8(I32, f, addr, 0),
        Load::I32_16S => ins.sload16(I32, f, addr, 0),
        Load::I32_16U => ins.uload16(I32, f, addr, 0),
        Load::I64_8S => ins.sload8(I64, f, addr, 0),
        Load::I64_8U => ins.uload8(I64, f, addr, 0),
        Load::I64_16S => ins.sload16(I64, f, addr, 0),
        Load::I64_16U => ins.uload16(I64, f, addr, 0),
        Load::I64_32S => ins.sload32(f, addr, 0),
        Load::I64_32U => ins.uload32(f, addr, 0),
    };
    t.push(v);
    Ok(())
}

fn store(t: &mut Translator<'_, '_>, memarg: MemArg, size: u32) -> Result<()> {
    let offset = memarg_offset(t, memarg)?;
    let (index, value) = t.pop2()?;
    let addr = checked_addr(t, index, offset, size)?;
    let f = heap_flags();
    let width = t.b.func.dfg.value_type(value).bytes();
    let ins = t.b.ins();
    match (size, width) {
        (1, _) => ins.istore8(f, value, addr, 0),
        (2, _) => ins.istore16(f, value, addr, 0),
        (4, 8) => ins.istore32(f, value, addr, 0),
        _ => ins.store(f, value, addr, 0),
    };
    Ok(())
}

const OOB: TrapKind = TrapKind::MemoryOutOfBounds;
const TABLE_OOB: TrapKind = TrapKind::TableOutOfBounds;

/// A bulk-memory libcall (memory or table operator): traps with `kind` if
/// it returns a non-zero code.
fn bulk(
    t: &mut Translator<'_, '_>,
    call: Libcall,
    args: &[cranelift_codegen::ir::Value],
    kind: TrapKind,
) -> Result<()> {
    let code = t
        .libcall(call, args)
        .ok_or_else(|| t.internal("bulk-memory libcall without result"))?;
    let failed = t.b.ins().icmp_imm_s(IntCC::NotEqual, code, 0);
    t.trap_if(failed, kind);
    Ok(())
}
