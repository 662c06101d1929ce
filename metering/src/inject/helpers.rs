//! The functions injection appends to every module.
//!
//! ```text
//! WARNING: these bodies are consensus. They define what running out of gas
//! and overflowing the stack mean in any engine that runs the output.
//! ```
//!
//! Out of gas and stack overflow must be told apart from a contract's own
//! `unreachable` without adding imports (the output stays self-contained).
//! Before trapping, each helper stores a sentinel the host reads back: gas
//! `-1` means out of gas, stack height `-1` means stack overflow. Gas never
//! goes below 0 and the height never above the limit otherwise.
//!
//! ```wat
//! (func $charge_gas (param $cost i64)
//!   (if (i64.lt_u (global.get $gas) (local.get $cost))
//!     (then (global.set $gas (i64.const -1)) (unreachable)))
//!   (global.set $gas (i64.sub (global.get $gas) (local.get $cost))))
//! (func $charge_dynamic (param $units i32) (param $rate i64) (result i32)
//!   (call $charge_gas (i64.mul (i64.extend_i32_u (local.get $units)) (local.get $rate)))
//!   (local.get $units))
//! (func $charge_bytes (param $units i32) (param $rate i64) (result i32)
//!   (call $charge_gas
//!     (i64.shr_u
//!       (i64.add (i64.mul (i64.extend_i32_u (local.get $units)) (local.get $rate))
//!                (i64.const 1023))
//!       (i64.const 10)))
//!   (local.get $units))
//! (func $stack_enter (param $frame i32)
//!   (local.set $frame (i32.add (global.get $stack) (local.get $frame)))
//!   (if (i32.gt_u (local.get $frame) (i32.const LIMIT))
//!     (then (global.set $stack (i32.const -1)) (unreachable)))
//!   (global.set $stack (local.get $frame)))
//! (func $stack_exit (param $frame i32)
//!   (global.set $stack (i32.sub (global.get $stack) (local.get $frame))))
//! ;; Only when the instance costs gas; exported as `__gasket_start`.
//! (func $start
//!   (call $charge_gas (i64.const INITIAL_PAGES * memory_grow_per_page
//!                       + ceil((ACTIVE_DATA_BYTES + 24 * ACTIVE_ELEMENTS)
//!                              * bulk_memory_per_kib / 1024)))
//!   (call $original_start))          ;; if the module had one
//! ```
//!
//! `$start` charges what instantiating the module cost before it runs any
//! code ([`crate::CostSchedule::instance_gas`]): the pages the instance
//! has, at the rate `memory.grow` charges for pages it adds (every page an
//! instance can touch is paid for: a fresh page costs the node a page
//! fault and zeroing the first time it is touched, benches/README.md,
//! "Worst cases"), and what instantiation wrote, at the bulk rate of
//! `memory.init` and `table.init`: the bytes of its active data segments
//! and the items of its active element segments (a module of up to 4 MiB
//! of data or elements would otherwise be copied at every call for the
//! pages' price alone).
//!
//! `$charge_dynamic` takes the page count operand that is on top of the
//! stack for `memory.grow`, charges `units * rate` and leaves it in place.
//! `$charge_bytes` does the same for the length operand of `memory.copy`,
//! `memory.fill`, `memory.init`, `table.copy` and `table.init` with a rate
//! per KiB, rounded up: `ceil(units * rate / 1024)`, so a byte can cost a
//! fraction of a gas (one byte of copy is about a tenth of a gas of time)
//! while any non-empty operation at a non-zero rate still costs at least 1.
//! Both rates are at
//! most 2^24 ([`crate::config::MAX_DYNAMIC_RATE`]) and units below 2^32, so
//! `units * rate + 1023` stays below 2^56: no overflow, and `shr_u` is an
//! exact division of a non-negative value.

use wasm_encoder::{BlockType, Function, Instruction as I};

use crate::info::Injected;

pub(crate) fn charge_gas(injected: &Injected) -> Function {
    let gas = injected.gas_global;
    let mut f = Function::new([]);
    for ins in [
        I::GlobalGet(gas),
        I::LocalGet(0),
        I::I64LtU,
        I::If(BlockType::Empty),
        I::I64Const(-1),
        I::GlobalSet(gas),
        I::Unreachable,
        I::End,
        I::GlobalGet(gas),
        I::LocalGet(0),
        I::I64Sub,
        I::GlobalSet(gas),
        I::End,
    ] {
        f.instruction(&ins);
    }
    f
}

pub(crate) fn charge_dynamic(injected: &Injected) -> Function {
    let mut f = Function::new([]);
    for ins in [
        I::LocalGet(0),
        I::I64ExtendI32U,
        I::LocalGet(1),
        I::I64Mul,
        I::Call(injected.charge_gas_func),
        I::LocalGet(0),
        I::End,
    ] {
        f.instruction(&ins);
    }
    f
}

pub(crate) fn charge_bytes(injected: &Injected) -> Function {
    let mut f = Function::new([]);
    for ins in [
        I::LocalGet(0),
        I::I64ExtendI32U,
        I::LocalGet(1),
        I::I64Mul,
        // Round up to whole gas: ceil(x / 1024) = (x + 1023) >> 10.
        I::I64Const(1023),
        I::I64Add,
        I::I64Const(10),
        I::I64ShrU,
        I::Call(injected.charge_gas_func),
        I::LocalGet(0),
        I::End,
    ] {
        f.instruction(&ins);
    }
    f
}

pub(crate) fn stack_enter(injected: &Injected, limit: u32) -> Function {
    let stack = injected.stack_global;
    let mut f = Function::new([]);
    for ins in [
        I::GlobalGet(stack),
        I::LocalGet(0),
        I::I32Add,
        I::LocalTee(0),
        // The limit is below 2^30 (Config::validate), so the cast is exact.
        I::I32Const(limit as i32),
        I::I32GtU,
        I::If(BlockType::Empty),
        I::I32Const(-1),
        I::GlobalSet(stack),
        I::Unreachable,
        I::End,
        I::LocalGet(0),
        I::GlobalSet(stack),
        I::End,
    ] {
        f.instruction(&ins);
    }
    f
}

pub(crate) fn stack_exit(injected: &Injected) -> Function {
    let stack = injected.stack_global;
    let mut f = Function::new([]);
    for ins in [
        I::GlobalGet(stack),
        I::LocalGet(0),
        I::I32Sub,
        I::GlobalSet(stack),
        I::End,
    ] {
        f.instruction(&ins);
    }
    f
}

/// `$start`: charges `start_gas` ([`Injected::start_gas`]), then calls the
/// module's own start function, if any.
pub(crate) fn start(injected: &Injected, start_gas: u64, original: Option<u32>) -> Function {
    let mut f = Function::new([]);
    // The u64's bits: `$charge_gas` compares unsigned, as a host checking
    // `start_gas` does (the limits keep it below 2^47 anyway).
    f.instruction(&I::I64Const(start_gas as i64));
    f.instruction(&I::Call(injected.charge_gas_func));
    if let Some(original) = original {
        f.instruction(&I::Call(original));
    }
    f.instruction(&I::End);
    f
}
