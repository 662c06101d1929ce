//! i32/i64 arithmetic, comparisons, bit operations, conversions and
//! sign-extension operators.
//!
//! Division and remainder check their operands explicitly (zero divisor,
//! `MIN / -1`) and branch to a trap path before the Cranelift instruction,
//! which would otherwise fault. `rem_s` by `-1` is `0` in wasm: the divisor
//! is replaced by `1`, which gives `0` without the overflowing `idiv`.
//! Shift and rotate amounts are taken modulo the width by Cranelift, as wasm
//! wants.

use cranelift_codegen::cursor::{Cursor, FuncCursor};
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{InstBuilder, InstructionData, Opcode, Type, Value, ValueDef, types};
use wasmparser::Operator;

use crate::error::CompileError;
use crate::translate::func::Translator;
use crate::trap::TrapKind;

type Result<T> = std::result::Result<T, CompileError>;

#[derive(Clone, Copy)]
enum Bin {
    Add,
    Sub,
    Mul,
    DivS,
    DivU,
    RemS,
    RemU,
    And,
    Or,
    Xor,
    Shl,
    ShrS,
    ShrU,
    Rotl,
    Rotr,
}

#[derive(Clone, Copy)]
enum Un {
    Clz,
    Ctz,
    Popcnt,
}

pub(crate) fn visit(t: &mut Translator<'_, '_>, op: &Operator<'_>) -> Result<bool> {
    use Operator as O;
    use types::{I32, I64};
    match *op {
        // A metering helper's argument: its call (next) takes the
        // constant; an `iconst` would mostly be dead code for every pass
        // to carry.
        O::I32Const { value } if t.constant_arg_is_next => t.constant_arg = Some(value.into()),
        O::I64Const { value } if t.constant_arg_is_next => t.constant_arg = Some(value),
        O::I32Const { value } => {
            let v = t.b.ins().iconst(I32, i64::from(value));
            t.push(v);
        }
        O::I64Const { value } => {
            let v = t.b.ins().iconst(I64, value);
            t.push(v);
        }
        O::I32Eqz | O::I64Eqz => {
            let a = t.pop()?;
            let c = t.b.ins().icmp_imm_s(IntCC::Equal, a, 0);
            let v = t.b.ins().uextend(I32, c);
            t.push(v);
        }
        O::I32Eq | O::I64Eq => cmp(t, IntCC::Equal)?,
        O::I32Ne | O::I64Ne => cmp(t, IntCC::NotEqual)?,
        O::I32LtS | O::I64LtS => cmp(t, IntCC::SignedLessThan)?,
        O::I32LtU | O::I64LtU => cmp(t, IntCC::UnsignedLessThan)?,
        O::I32GtS | O::I64GtS => cmp(t, IntCC::SignedGreaterThan)?,
        O::I32GtU | O::I64GtU => cmp(t, IntCC::UnsignedGreaterThan)?,
        O::I32LeS | O::I64LeS => cmp(t, IntCC::SignedLessThanOrEqual)?,
        O::I32LeU | O::I64LeU => cmp(t, IntCC::UnsignedLessThanOrEqual)?,
        O::I32GeS | O::I64GeS => cmp(t, IntCC::SignedGreaterThanOrEqual)?,
        O::I32GeU | O::I64GeU => cmp(t, IntCC::UnsignedGreaterThanOrEqual)?,
        O::I32Clz | O::I64Clz => unary(t, Un::Clz)?,
        O::I32Ctz | O::I64Ctz => unary(t, Un::Ctz)?,
        O::I32Popcnt | O::I64Popcnt => unary(t, Un::Popcnt)?,
        O::I32Add | O::I64Add => binary(t, Bin::Add)?,
        O::I32Sub | O::I64Sub => binary(t, Bin::Sub)?,
        O::I32Mul | O::I64Mul => binary(t, Bin::Mul)?,
        O::I32DivS | O::I64DivS => binary(t, Bin::DivS)?,
        O::I32DivU | O::I64DivU => binary(t, Bin::DivU)?,
        O::I32RemS | O::I64RemS => binary(t, Bin::RemS)?,
        O::I32RemU | O::I64RemU => binary(t, Bin::RemU)?,
        O::I32And | O::I64And => binary(t, Bin::And)?,
        O::I32Or | O::I64Or => binary(t, Bin::Or)?,
        O::I32Xor | O::I64Xor => binary(t, Bin::Xor)?,
        O::I32Shl | O::I64Shl => binary(t, Bin::Shl)?,
        O::I32ShrS | O::I64ShrS => binary(t, Bin::ShrS)?,
        O::I32ShrU | O::I64ShrU => binary(t, Bin::ShrU)?,
        O::I32Rotl | O::I64Rotl => binary(t, Bin::Rotl)?,
        O::I32Rotr | O::I64Rotr => binary(t, Bin::Rotr)?,
        O::I32WrapI64 => {
            let a = t.pop()?;
            let v = t.b.ins().ireduce(I32, a);
            t.push(v);
        }
        O::I64ExtendI32S => extend(t, I32, I64, true)?,
        O::I64ExtendI32U => extend(t, I32, I64, false)?,
        O::I32Extend8S => extend_in_place(t, types::I8, I32)?,
        O::I32Extend16S => extend_in_place(t, types::I16, I32)?,
        O::I64Extend8S => extend_in_place(t, types::I8, I64)?,
        O::I64Extend16S => extend_in_place(t, types::I16, I64)?,
        O::I64Extend32S => extend_in_place(t, I32, I64)?,
        _ => return Ok(false),
    }
    Ok(true)
}

fn cmp(t: &mut Translator<'_, '_>, cc: IntCC) -> Result<()> {
    let (a, b) = t.pop2()?;
    let c = t.b.ins().icmp(cc, a, b);
    let v = t.b.ins().uextend(types::I32, c);
    t.push(v);
    Ok(())
}

fn unary(t: &mut Translator<'_, '_>, op: Un) -> Result<()> {
    let a = t.pop()?;
    let v = match op {
        Un::Clz => t.b.ins().clz(a),
        Un::Ctz => t.b.ins().ctz(a),
        Un::Popcnt => t.b.ins().popcnt(a),
    };
    t.push(v);
    Ok(())
}

fn binary(t: &mut Translator<'_, '_>, op: Bin) -> Result<()> {
    let division = matches!(op, Bin::DivU | Bin::RemU | Bin::DivS | Bin::RemS);
    // In slots, the checks read the operands before they are popped (see
    // `Translator::peek`).
    // Each check reads them again: a check ends its block.
    if division && t.in_slots() {
        let b = t.peek(0)?;
        check_zero(t, b);
        if matches!(op, Bin::DivS) {
            let (a, b) = (t.peek(1)?, t.peek(0)?);
            check_overflow(t, a, b);
        }
    }
    let (a, b) = t.pop2()?;
    if division && !t.in_slots() {
        check_zero(t, b);
        if matches!(op, Bin::DivS) {
            check_overflow(t, a, b);
        }
    }
    let v = match op {
        Bin::Add => t.b.ins().iadd(a, b),
        Bin::Sub => t.b.ins().isub(a, b),
        Bin::Mul => t.b.ins().imul(a, b),
        Bin::And => t.b.ins().band(a, b),
        Bin::Or => t.b.ins().bor(a, b),
        Bin::Xor => t.b.ins().bxor(a, b),
        Bin::Shl => t.b.ins().ishl(a, b),
        Bin::ShrS => t.b.ins().sshr(a, b),
        Bin::ShrU => t.b.ins().ushr(a, b),
        Bin::Rotl => t.b.ins().rotl(a, b),
        Bin::Rotr => t.b.ins().rotr(a, b),
        Bin::DivU => t.b.ins().udiv(a, b),
        Bin::RemU => t.b.ins().urem(a, b),
        Bin::DivS => t.b.ins().sdiv(a, b),
        Bin::RemS => {
            let ty = t.b.func.dfg.value_type(b);
            let b_neg1 = t.b.ins().icmp_imm_s(IntCC::Equal, b, -1);
            let one = t.b.ins().iconst(ty, 1);
            let divisor = t.b.ins().select(b_neg1, one, b);
            t.b.ins().srem(a, divisor)
        }
    };
    t.push(v);
    Ok(())
}

fn min_value(ty: Type) -> i64 {
    if ty == types::I32 {
        i64::from(i32::MIN)
    } else {
        i64::MIN
    }
}

/// A division's first trap: a zero divisor.
fn check_zero(t: &mut Translator<'_, '_>, divisor: Value) {
    let zero = t.b.ins().icmp_imm_s(IntCC::Equal, divisor, 0);
    t.trap_if(zero, TrapKind::IntegerDivideByZero);
}

/// `div_s`'s second: the quotient that overflows, `MIN / -1` (`rem_s`
/// gives 0 there instead).
fn check_overflow(t: &mut Translator<'_, '_>, a: Value, b: Value) {
    let ty = t.b.func.dfg.value_type(a);
    let a_min = t.b.ins().icmp_imm_s(IntCC::Equal, a, min_value(ty));
    let b_neg1 = t.b.ins().icmp_imm_s(IntCC::Equal, b, -1);
    let overflow = t.b.ins().band(a_min, b_neg1);
    t.trap_if(overflow, TrapKind::IntegerOverflow);
}

fn extend(t: &mut Translator<'_, '_>, _from: Type, to: Type, signed: bool) -> Result<()> {
    let a = t.pop()?;
    let v = match widen_load(t, a, to, signed) {
        Some(wide) => wide,
        None if signed => t.b.ins().sextend(to, a),
        None => t.b.ins().uextend(to, a),
    };
    t.push(v);
    Ok(())
}

/// `i64.extend_i32_{s,u}` of an `i32` load: the load becomes the
/// extending load (`uload32`/`sload32` to `i64`, the same 4 bytes at the
/// same point) and its `i32` value the `ireduce` of that, which costs no
/// instruction. Returns the extended value.
///
/// Cranelift's x64 backend holds an `i32` with its upper bits undefined,
/// so `uextend` of a loaded value is a `mov` of its own (a `movslq` for
/// `sextend`), and both widths of the value stay live: Rust's
/// `u64::from(limb)` in field arithmetic (Ed25519) paid a move and often
/// a spill per operand. Not in [`Translation::Slots`] (the slots' own
/// loads and stores are kept as they are).
///
/// [`Translation::Slots`]: crate::translate::func::Translation::Slots
fn widen_load(t: &mut Translator<'_, '_>, narrow: Value, to: Type, signed: bool) -> Option<Value> {
    if to != types::I64 || t.in_slots() {
        return None;
    }
    let dfg = &t.b.func.dfg;
    let ValueDef::Result(load, 0) = dfg.value_def(narrow) else {
        return None;
    };
    // `value_def` looks through aliases: only the load's own result
    // (`replace_result` would panic on an alias). `use_var` hands out
    // resolved values, so this guards against a future change only.
    if dfg.resolve_aliases(narrow) != narrow || dfg.value_type(narrow) != types::I32 {
        return None;
    }
    let InstructionData::Load {
        opcode: Opcode::Load,
        arg,
        flags,
        offset,
    } = dfg.insts[load]
    else {
        return None;
    };
    let opcode = if signed {
        Opcode::Sload32
    } else {
        Opcode::Uload32
    };
    let func = &mut *t.b.func;
    func.dfg.insts[load] = InstructionData::Load {
        opcode,
        arg,
        flags,
        offset,
    };
    let wide = func.dfg.replace_result(narrow, types::I64);
    let reduced = FuncCursor::new(func)
        .after_inst(load)
        .ins()
        .ireduce(types::I32, wide);
    func.dfg.change_to_alias(narrow, reduced);
    Some(wide)
}

/// `iN.extendM_s`: sign-extend the low M bits, keeping the type.
fn extend_in_place(t: &mut Translator<'_, '_>, narrow: Type, ty: Type) -> Result<()> {
    let a = t.pop()?;
    let low = t.b.ins().ireduce(narrow, a);
    let v = t.b.ins().sextend(ty, low);
    t.push(v);
    Ok(())
}
