//! Linear-memory bounds checks.
//!
//! ```text
//! WARNING: every load and store of generated code goes through here. There
//! are no guard pages and no signal handlers: a missing or wrong check is a
//! read or write outside the instance's memory.
//! ```
//!
//! For an access of `size` bytes at `index + offset` (index an `i32` read as
//! unsigned, offset the static `u32` immediate):
//!
//! ```text
//! limit = vmctx.memory_len + -(offset + size)  // signed; every term < 2^34
//!                    // (an add of the negation: one `lea` on x86-64)
//! if zext64(index) > limit (signed) → MemoryOutOfBounds
//!                    // ⟺ index + offset + size > memory_len, exactly
//! addr = vmctx.memory_base + zext64(index) + offset
//! ```
//!
//! Checks are skipped in two cases, both because memory never shrinks, and
//! merged in a third (and skipped in a fourth, the last):
//!
//! - a constant index whose `end` is within the *initial* size;
//! - an index value already checked for an `end` at least as large at a
//!   point that dominates this one (same SSA value). Structured control
//!   flow gives the dominators: a frame's opening dominates its body and
//!   its `end`; `br_if` and `if` continue in blocks dominated by where they
//!   are; `else` restores the facts of its `if`, a block's or if's `end`
//!   those of its opening, and a loop's `end` (reached only by falling
//!   out of the body) keeps the body's;
//! - a later access of the same index needing a larger `end`, with only
//!   loads, arithmetic, locals, constants, `global.get` and `memory.size`
//!   since the index's last check: that check's constant is raised to the
//!   larger `end` (`widen`). Nothing between could be observed or trap
//!   otherwise, so the trap comes with the same kind, memory, globals,
//!   gas and stack height (a charge pending at the earlier access is the
//!   later one's, or was checked between: the earlier trap path checks
//!   its own first, see `Translator::emit_trap_block`).
//! - the same for a later index `x + k2` after a check of `x + k1`
//!   (`i32.add` of a constant, as rustc computes addresses it cannot prove
//!   free of wrapping, or `x` itself with `k = 0`), when
//!   `d = k2 - k1 >= 0`: the check of `x + k1` is raised to
//!   `d + end2`. Exact when `d + end2 <= 2^32 - max_len` (the memory's
//!   largest length; defined memories only, an imported one may be
//!   larger): if the widened check fails but `x + k1`'s own access is in
//!   bounds, then `x + k1 < max_len`, so `x + k1 + d` does not wrap and
//!   is the later index, whose access fails; if it passes, the later
//!   access is in bounds;
//! - in a versioned loop's fast copy, an access at `base + counter +
//!   constant` that the loop's guard proved for every iteration at its
//!   entry (see [`super::versioning`]).
//!
//! `memory_len` is a variable of the function, reloaded after every call
//! that a read of it may still follow (only `memory.grow`, inside a
//! libcall or another function, changes it;
//! see [`super::func`]); the base never moves (memory is reserved up to its maximum at
//! instantiation), so its load is `readonly` and Cranelift may hoist it.
//! No Spectre masking: contracts have no clock.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::immediates::Imm64;
use cranelift_codegen::ir::{
    Block, Inst, InstBuilder, InstructionData, MemFlagsData, Opcode, Value, types,
};
use gasket_metering::{CostClass, OpClass, op_class};
use wasmparser::Operator;

use super::func::Translator;
use crate::error::CompileError;
use crate::runtime::vmctx;
use crate::trap::TrapKind;

/// Checks an access of `size` bytes at `index`; returns its native
/// address.
pub(crate) fn checked_addr(
    t: &mut Translator<'_, '_>,
    index: Value,
    size: u32,
) -> Result<Value, CompileError> {
    let (addr, offset) = checked_place(t, index, 0, size)?;
    debug_assert_eq!(offset, 0);
    Ok(addr)
}

/// Checks an access of `size` bytes at `index + offset`; returns its
/// native address as an address and an offset from it for the load or
/// store (no address arithmetic for the offsets that fit).
pub(crate) fn checked_place(
    t: &mut Translator<'_, '_>,
    index: Value,
    offset: u64,
    size: u32,
) -> Result<(Value, i32), CompileError> {
    check(t, index, offset, size)?;
    Ok(unchecked_place(t, index, offset))
}

/// In slots: checks an access of `size` bytes at `index + offset`, the
/// index `depth` below the top of the operand stack, then pops the top
/// `depth + 1` operands (bottom first, the index first) and returns them
/// with the access's place, made from the index popped. That index is
/// read from its cell again, so no value crosses the check into its next
/// block (see `Translator::peek`).
///
/// ```text
/// WARNING: the index checked and the index addressed are two reads of
/// one cell: nothing may write the operand stack between them (checked
/// in debug builds by its height).
/// ```
pub(crate) fn checked_place_in_slots(
    t: &mut Translator<'_, '_>,
    depth: usize,
    offset: u64,
    size: u32,
) -> Result<(Vec<Value>, (Value, i32)), CompileError> {
    debug_assert!(t.in_slots());
    let height = t.stack.len();
    let index = t.peek(depth)?;
    check(t, index, offset, size)?;
    debug_assert_eq!(
        t.stack.len(),
        height,
        "the operand stack changed across a check"
    );
    let operands = t.popn(depth + 1)?;
    let place = unchecked_place(t, operands[0], offset);
    Ok((operands, place))
}

/// The most bounds facts ([`Translator::checked`]) a function keeps:
/// every block, loop and `if` saves them at its opening, so their number
/// multiplies the translation's work by frames (a 78 KB function of
/// 3,000 `if`s and 6,000 facts spent a third of its compile copying
/// them). A fact not kept only costs a check. The 250 KB contract's
/// largest function keeps fewer than 512.
const MAX_CHECKED_FACTS: usize = 1024;

/// Records that `index` is checked for an access ending `end` bytes past
/// it, if there is room ([`MAX_CHECKED_FACTS`]). None in slots: every
/// index there is a new read of its cell, which no later access uses.
fn remember_checked(t: &mut Translator<'_, '_>, index: Value, end: u64) {
    if t.in_slots() {
        return;
    }
    if t.checked.len() < MAX_CHECKED_FACTS || t.checked.contains_key(&index) {
        t.checked.insert(index, end);
    }
}

/// The native address of an access at `index + offset` that
/// [`check`] checked, as an address and an offset from it.
fn unchecked_place(t: &mut Translator<'_, '_>, index: Value, offset: u64) -> (Value, i32) {
    let addr = heap_address(t, index);
    place(t, addr, offset)
}

/// Checks an access of `size` bytes at `index + offset`: traps
/// MemoryOutOfBounds unless it is in bounds or proven so.
fn check(
    t: &mut Translator<'_, '_>,
    index: Value,
    offset: u64,
    size: u32,
) -> Result<(), CompileError> {
    // offset < 2^32 (memory32): no overflow.
    let needed = offset + u64::from(size);
    // In a versioned loop's fast copy, its guard proves this access
    // (see `super::versioning`).
    if t.fast_loop
        .as_ref()
        .is_some_and(|plan| plan.proven.contains(&t.offset))
    {
        return Ok(());
    }
    let proven = t.checked.get(&index).is_some_and(|&end| end >= needed)
        || constant_within_initial(t, index, needed)
        || widen(t, index, needed);
    if !proven {
        remember_checked(t, index, needed);
    }
    if !proven {
        let wide = wide_index(t, index);
        // offset < 2^32 (memory32), so -(offset + size) fits in an i64
        // immediate; its own constant, so that `widen` may lower it.
        let needed_const = t.b.ins().iconst(types::I64, -(needed as i64));
        if let Some(inst) = t.b.func.dfg.value_def(needed_const).inst() {
            let (base, constant) = split_index(t, index);
            let open = OpenCheck {
                index,
                constant,
                needed: inst,
            };
            // The lowest constant can absorb the most later accesses.
            match t.widenable.get(&base) {
                Some(other) if other.constant <= constant => {}
                _ => {
                    t.widenable.insert(base, open);
                }
            }
        }
        // index + needed > len  ⟺  index > len + (-needed), exact in i64
        // (every term is under 2^34); the limit does not depend on the
        // index, so Cranelift computes it once outside a loop. An `iadd`
        // of the negated constant, not an `isub`: x86-64 lowers it to one
        // `lea` where `len` stays live, not a `mov` and a `sub`.
        let len = t.memory_len()?;
        let limit = t.b.ins().iadd(len, needed_const);
        let oob = t.b.ins().icmp(IntCC::SignedGreaterThan, wide, limit);
        t.trap_if(oob, TrapKind::MemoryOutOfBounds);
    }
    Ok(())
}

/// Heap index `index` extended to 64 bits: the `uextend` already made
/// where it can be reused ([`HeapAddresses`]), else a new one.
fn wide_index(t: &mut Translator<'_, '_>, index: Value) -> Value {
    if let Some(known) = heap_addresses(t).known(index) {
        return known.wide;
    }
    let wide = t.b.ins().uextend(types::I64, index);
    t.heap_addresses.remember(KnownIndex {
        index,
        wide,
        addr: None,
    });
    wide
}

/// The native address of heap index `index`: the one already computed
/// where it can be reused ([`HeapAddresses`]), else computed now.
fn heap_address(t: &mut Translator<'_, '_>, index: Value) -> Value {
    let known = heap_addresses(t).known(index);
    if let Some(KnownIndex {
        addr: Some(addr), ..
    }) = known
    {
        return addr;
    }
    let wide = match known {
        Some(known) => known.wide,
        None => t.b.ins().uextend(types::I64, index),
    };
    let base = match t.heap_addresses.base {
        Some(base) => base,
        None => {
            let base = t.vmctx_ptr(vmctx::MEMORY_BASE);
            *t.heap_addresses.base.insert(base)
        }
    };
    let addr = t.b.ins().iadd(base, wide);
    t.heap_addresses.remember(KnownIndex {
        index,
        wide,
        addr: Some(addr),
    });
    addr
}

/// The translator's [`HeapAddresses`], holding only what was made where
/// the code being translated now may reuse it: the block being filled,
/// and in slots the operator too (a slots translation keeps no value
/// from one operator to the next but the context, the gas and the
/// memory length, which bounds its frame at about 8 bytes a unit).
fn heap_addresses<'t>(t: &'t mut Translator<'_, '_>) -> &'t mut HeapAddresses {
    let operator = t.in_slots().then_some(t.offset);
    let at = t.b.current_block().map(|block| (block, operator));
    if t.heap_addresses.at != at {
        t.heap_addresses = HeapAddresses {
            at,
            ..HeapAddresses::default()
        };
    }
    &mut t.heap_addresses
}

/// The heap's base, and heap indexes' `uextend`s and addresses, made in
/// a block or in blocks that lead only to it, so they dominate the rest
/// of it: reused rather than made again. Cranelift's optimiser shares
/// them too, but the single-pass tier does not optimise, and every pass
/// carries each copy.
#[derive(Default)]
pub(crate) struct HeapAddresses {
    /// The block (and in slots the operator's offset) they were made in.
    at: Option<(Block, Option<u64>)>,
    base: Option<Value>,
    indexes: Vec<KnownIndex>,
}

/// A heap index, its `uextend` and its address if made.
#[derive(Clone, Copy)]
struct KnownIndex {
    index: Value,
    wide: Value,
    addr: Option<Value>,
}

impl HeapAddresses {
    /// Indexes remembered per block: a linear search stays short.
    const MAX_INDEXES: usize = 16;

    fn known(&self, index: Value) -> Option<KnownIndex> {
        self.indexes
            .iter()
            .find(|known| known.index == index)
            .copied()
    }

    fn remember(&mut self, new: KnownIndex) {
        let room = self.indexes.len() < Self::MAX_INDEXES;
        match self
            .indexes
            .iter_mut()
            .find(|known| known.index == new.index)
        {
            Some(known) => *known = new,
            None if room => self.indexes.push(new),
            None => {}
        }
    }

    /// `to`, whose only predecessor is `from`, goes on where `from` ended:
    /// what `from` defined dominates it.
    pub(crate) fn follow(&mut self, from: Option<Block>, to: Block) {
        if let Some((block, operator)) = self.at
            && Some(block) == from
        {
            self.at = Some((to, operator));
        }
    }
}

/// `addr + offset` as an address and an immediate offset.
fn place(t: &mut Translator<'_, '_>, addr: Value, offset: u64) -> (Value, i32) {
    match i32::try_from(offset) {
        Ok(offset) => (addr, offset),
        Err(_) => (t.b.ins().iadd_imm_s(addr, offset as i64), 0),
    }
}

/// A bounds check that a later access may still widen: it checks `index`
/// (`base + constant`) with the `iconst` instruction `needed`, which holds
/// minus the bytes it checks past `index`.
#[derive(Clone, Copy)]
pub(crate) struct OpenCheck {
    index: Value,
    constant: u32,
    needed: Inst,
}

/// `index` as `base + constant` (wrapping, as `i32.add` does): an `iadd` of
/// an `iconst`, else `index + 0`.
fn split_index(t: &Translator<'_, '_>, index: Value) -> (Value, u32) {
    let dfg = &t.b.func.dfg;
    let constant = |v: Value| t.constant(v).map(|k| k as u32);
    if let Some(inst) = dfg.value_def(index).inst()
        && let InstructionData::Binary {
            opcode: Opcode::Iadd,
            args: [a, b],
        } = dfg.insts[inst]
    {
        if let Some(k) = constant(b) {
            return (a, k);
        }
        if let Some(k) = constant(a) {
            return (b, k);
        }
    }
    (index, 0)
}

/// How far past its own index a check may be widened to cover a later
/// index (see the module docs): `2^32` minus the memory's largest length,
/// 0 for an imported memory (whose maximum this module does not bound).
pub(crate) fn widening_slack(info: &gasket_metering::ModuleInfo) -> u64 {
    let imported = info
        .imports
        .iter()
        .any(|i| matches!(i.kind, gasket_metering::ImportKind::Memory(_)));
    match info.memory {
        Some(limits) if !imported => (1u64 << 32).saturating_sub(u64::from(limits.maximum) * 65536),
        _ => 0,
    }
}

/// Widens the open check of `index`'s base (made since the last operator
/// that could be observed), if there is one at or below `index`, to cover
/// `needed` bytes at `index`: the access it guards then traps exactly when
/// either access would have, at a point where the memory, globals, gas and
/// stack height are the same.
fn widen(t: &mut Translator<'_, '_>, index: Value, needed: u64) -> bool {
    let (base, constant) = split_index(t, index);
    let Some(&open) = t.widenable.get(&base) else {
        return false;
    };
    let Some(delta) = constant.checked_sub(open.constant).map(u64::from) else {
        return false;
    };
    let same_index = delta == 0;
    if !same_index && delta + needed > t.env.widening_slack {
        return false;
    }
    let end = delta + needed;
    match &mut t.b.func.dfg.insts[open.needed] {
        InstructionData::UnaryImm {
            opcode: Opcode::Iconst,
            imm,
        } => {
            // The constant is the negated end (see `checked_addr`).
            *imm = Imm64::new(imm.bits().min(-(end as i64)));
            let checked_end = imm.bits().unsigned_abs();
            remember_checked(t, open.index, checked_end);
            remember_checked(t, index, needed);
            true
        }
        _ => false,
    }
}

/// Whether a check made before `op` may still be widened after it: `op`
/// neither writes anything a trap would expose (memory, globals, the gas),
/// nor calls, nor branches, nor traps but for a load's own bounds check.
pub(crate) fn keeps_checks_widenable(op: &Operator<'_>) -> bool {
    match op_class(op) {
        OpClass::Accepted(class) => match class {
            CostClass::Local
            | CostClass::Const
            | CostClass::Load
            | CostClass::Alu
            | CostClass::Mul
            | CostClass::MemorySize => true,
            CostClass::Global => matches!(op, Operator::GlobalGet { .. }),
            _ => false,
        },
        OpClass::Rejected(_) => false,
    }
}

/// Whether `index` is a constant and `index + needed` is within the initial
/// memory size (a lower bound of the size at any time).
fn constant_within_initial(t: &Translator<'_, '_>, index: Value, needed: u64) -> bool {
    let Some(initial) = t.env.info.memory.map(|m| u64::from(m.initial) * 65536) else {
        return false;
    };
    t.constant(index)
        .is_some_and(|k| u64::from(k as u32) + needed <= initial)
}

/// Flags of a checked linear-memory access: it cannot trap (checked), may be
/// unaligned, and is little-endian on every target.
pub(crate) fn heap_flags() -> MemFlagsData {
    MemFlagsData::new()
        .with_notrap()
        .with_endianness(cranelift_codegen::ir::Endianness::Little)
}
