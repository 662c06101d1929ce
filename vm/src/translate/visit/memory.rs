//! Loads, stores, `memory.size`, `memory.grow`, `memory.copy`,
//! `memory.fill`, `memory.init`, `data.drop`, and bulk memory's table
//! operators (`table.init`, `table.copy`, `elem.drop`, as libcalls).
//!
//! Loads and stores are inline after an explicit bounds check
//! ([`crate::translate::bounds`]), and so are `memory.copy` and
//! `memory.fill` of a small constant length (see [`INLINE_BULK_BYTES`]).
//! Of other lengths, their ranges are checked inline too, and a libcall
//! that cannot fail moves the bytes. `memory.grow` and the other bulk
//! operators are libcalls: the runtime checks their ranges, returns a trap
//! code, and the generated code branches to the trap path on a non-zero
//! code (a Rust frame never unwinds). Their dynamic gas was charged by the
//! instrumented code before them.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::types::{I32, I64};
use cranelift_codegen::ir::{InstBuilder, Type, Value, types};
use wasmparser::{MemArg, Operator};

use crate::error::CompileError;
use crate::runtime::vmctx::Libcall;
use crate::translate::bounds::{checked_addr, checked_place, checked_place_in_slots, heap_flags};
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
        } if t.in_slots() => {
            // Checked before the operands are popped (see
            // `Translator::peek`); never inline (a length read from its
            // cell is no constant).
            for start in [2, 1] {
                let (start, len) = (t.peek(start)?, t.peek(0)?);
                check_moves(t, len, &[start])?;
            }
            let (dst, src, len) = t.pop3()?;
            t.raw_libcall(Libcall::MemoryCopy, &[dst, src, len]);
        }
        O::MemoryCopy {
            dst_mem: 0,
            src_mem: 0,
        } => {
            let (dst, src, len) = t.pop3()?;
            if !inline_copy(t, dst, src, len)? {
                checked_move(t, Libcall::MemoryCopy, [dst, src, len], &[dst, src])?;
            }
        }
        O::MemoryFill { mem: 0 } if t.in_slots() => {
            let (dst, len) = (t.peek(2)?, t.peek(0)?);
            check_moves(t, len, &[dst])?;
            let (dst, value, len) = t.pop3()?;
            t.raw_libcall(Libcall::MemoryFill, &[dst, value, len]);
        }
        O::MemoryFill { mem: 0 } => {
            let (dst, value, len) = t.pop3()?;
            if !inline_fill(t, dst, value, len)? {
                checked_move(t, Libcall::MemoryFill, [dst, value, len], &[dst])?;
            }
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

/// Whether `op` reads the memory length: loads and stores, `memory.copy`
/// and `memory.fill` (their bounds checks), and `memory.size`. A function
/// without any keeps no length.
pub(crate) fn reads_memory_len(op: &Operator<'_>) -> bool {
    access(op).is_some()
        || matches!(
            op,
            Operator::MemorySize { .. } | Operator::MemoryCopy { .. } | Operator::MemoryFill { .. }
        )
}

fn memarg_offset(t: &Translator<'_, '_>, memarg: MemArg) -> Result<u64> {
    if memarg.offset > u64::from(u32::MAX) {
        return Err(t.internal("memory immediate outside memory32 with one memory"));
    }
    Ok(memarg.offset)
}

fn load(t: &mut Translator<'_, '_>, memarg: MemArg, kind: Load) -> Result<()> {
    let offset = memarg_offset(t, memarg)?;
    let (addr, at) = if t.in_slots() {
        checked_place_in_slots(t, 0, offset, load_size(kind))?.1
    } else {
        let index = t.pop()?;
        checked_place(t, index, offset, load_size(kind))?
    };
    let f = heap_flags();
    let ins = t.b.ins();
    let v = match kind {
        Load::I32 => ins.load(I32, f, addr, at),
        Load::I64 => ins.load(I64, f, addr, at),
        Load::I32_8S => ins.sload8(I32, f, addr, at),
        Load::I32_8U => ins.uload8(I32, f, addr, at),
        Load::I32_16S => ins.sload16(I32, f, addr, at),
        Load::I32_16U => ins.uload16(I32, f, addr, at),
        Load::I64_8S => ins.sload8(I64, f, addr, at),
        Load::I64_8U => ins.uload8(I64, f, addr, at),
        Load::I64_16S => ins.sload16(I64, f, addr, at),
        Load::I64_16U => ins.uload16(I64, f, addr, at),
        Load::I64_32S => ins.sload32(f, addr, at),
        Load::I64_32U => ins.uload32(f, addr, at),
    };
    t.push(v);
    Ok(())
}

fn store(t: &mut Translator<'_, '_>, memarg: MemArg, size: u32) -> Result<()> {
    let offset = memarg_offset(t, memarg)?;
    let (value, (addr, at)) = if t.in_slots() {
        let (operands, place) = checked_place_in_slots(t, 1, offset, size)?;
        (operands[1], place)
    } else {
        let (index, value) = t.pop2()?;
        (value, checked_place(t, index, offset, size)?)
    };
    let f = heap_flags();
    let width = t.b.func.dfg.value_type(value).bytes();
    let ins = t.b.ins();
    match (size, width) {
        (1, _) => ins.istore8(f, value, addr, at),
        (2, _) => ins.istore16(f, value, addr, at),
        (4, 8) => ins.istore32(f, value, addr, at),
        _ => ins.store(f, value, addr, at),
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

/// `memory.copy` or `memory.fill` (`call`) of any length: each range
/// `start + len` of `ranges` checked against the memory length inline, as
/// loads are (the trap before anything is written), then the libcall,
/// which cannot fail and touches neither the gas nor the length: no
/// synchronisation around it, no status after it (as wasmtime calls its
/// `memory_copy` builtin).
fn checked_move(
    t: &mut Translator<'_, '_>,
    call: Libcall,
    args: [Value; 3],
    ranges: &[Value],
) -> Result<()> {
    check_moves(t, args[2], ranges)?;
    t.raw_libcall(call, &args);
    Ok(())
}

/// [`checked_move`]'s checks: each range `start + len` of `ranges` within
/// the memory.
fn check_moves(t: &mut Translator<'_, '_>, len: Value, ranges: &[Value]) -> Result<()> {
    // A pending charge would be taken after the move: an out-of-gas trap
    // would then show its writes.
    debug_assert_eq!(t.pending_gas, 0, "a charge pending at a bulk move");
    forget_widenable_checks(t);
    let len = t.b.ins().uextend(I64, len);
    for &start in ranges {
        // Both terms below 2^32: exact in i64.
        let start = t.b.ins().uextend(I64, start);
        let end = t.b.ins().iadd(start, len);
        let memory_len = t.memory_len()?;
        let oob = t.b.ins().icmp(IntCC::UnsignedGreaterThan, end, memory_len);
        t.trap_if(oob, OOB);
    }
    Ok(())
}

/// The longest `memory.copy` or `memory.fill` done inline, with loads and
/// stores, instead of a libcall: 8 stores of 16 bytes, LLVM's limit for an
/// inline `memcpy` on x86-64. rustc copies and zeroes small structs with
/// these operators and constant lengths (40-byte field elements in
/// ed25519), where the libcall's call and the registers it clobbers cost
/// more than the copy.
const INLINE_BULK_BYTES: u32 = 128;

/// The length of a bulk operator done inline: a constant from 1 to
/// [`INLINE_BULK_BYTES`], in a function that keeps the memory length.
/// (A length of 0 still checks its address: [`checked_move`] does.)
fn inline_length(t: &Translator<'_, '_>, len: Value) -> Option<u32> {
    t.memory_len?;
    let bytes = t.constant(len)? as u32;
    (1..=INLINE_BULK_BYTES).contains(&bytes).then_some(bytes)
}

/// The pieces that cover `bytes` bytes, as (offset, type): the widest type
/// of at most `widest` bytes that fits, repeated, the last one ending at
/// `bytes` (overlapping the one before it when `bytes` is not a multiple).
fn pieces(bytes: u32, widest: u32) -> Vec<(i32, Type)> {
    let (width, ty) = [(16, types::I8X16), (8, I64), (4, I32), (2, types::I16)]
        .into_iter()
        .find(|&(width, _)| width <= widest && width <= bytes)
        .unwrap_or((1, types::I8));
    let mut pieces: Vec<(i32, Type)> = (0..bytes - width)
        .step_by(width as usize)
        .map(|at| (at as i32, ty))
        .collect();
    pieces.push(((bytes - width) as i32, ty));
    pieces
}

/// Before an inline bulk operator's checks: no check made before it may be
/// widened to cover its ranges. The metering's `charge_bytes` call before
/// it already ends widening (a call is observable); this keeps the trap
/// order (out of gas before out of bounds) even if that ever changes.
///
/// Its checks are not in a versioned loop's proven accesses either: those
/// are loads and stores by operator offset, and a loop with a bulk operator
/// is no candidate (`super::super::versioning`).
fn forget_widenable_checks(t: &mut Translator<'_, '_>) {
    t.widenable.clear();
}

/// `memory.copy` of a small constant length, inline: both ranges checked
/// as [`checked_move`] does (the same trap, before anything is written), then
/// every piece loaded before any is stored, so overlapping ranges copy as
/// `memmove` does. Returns false (nothing emitted) for other lengths.
fn inline_copy(t: &mut Translator<'_, '_>, dst: Value, src: Value, len: Value) -> Result<bool> {
    let Some(bytes) = inline_length(t, len) else {
        return Ok(false);
    };
    forget_widenable_checks(t);
    let to = checked_addr(t, dst, bytes)?;
    let from = checked_addr(t, src, bytes)?;
    let f = heap_flags();
    let pieces = pieces(bytes, 16);
    let values: Vec<Value> = pieces
        .iter()
        .map(|&(at, ty)| t.b.ins().load(ty, f, from, at))
        .collect();
    for (&(at, _), value) in pieces.iter().zip(values) {
        t.b.ins().store(f, value, to, at);
    }
    Ok(true)
}

/// `memory.fill` of a small constant length, inline: the range checked as
/// [`checked_move`] does, then 8-byte (and smaller) stores of the value's low
/// byte repeated. Returns false (nothing emitted) for other lengths.
fn inline_fill(t: &mut Translator<'_, '_>, dst: Value, value: Value, len: Value) -> Result<bool> {
    let Some(bytes) = inline_length(t, len) else {
        return Ok(false);
    };
    forget_widenable_checks(t);
    let to = checked_addr(t, dst, bytes)?;
    let f = heap_flags();
    let wide = t.b.ins().uextend(I64, value);
    let byte = t.b.ins().band_imm_u(wide, 0xff);
    let pattern = t.b.ins().imul_imm_u(byte, 0x0101_0101_0101_0101);
    for (at, ty) in pieces(bytes, 8) {
        let piece = if ty == I64 {
            pattern
        } else {
            t.b.ins().ireduce(ty, pattern)
        };
        t.b.ins().store(f, piece, to, at);
    }
    Ok(true)
}
