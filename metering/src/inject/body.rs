//! Rewriting one function body.
//!
//! ```text
//! WARNING: consensus code. The placement of every injected instruction
//! decides gas used and stack overflows in every engine.
//! ```
//!
//! ```text
//! original                      instrumented
//! (func (param ..) (result R)   (func (param ..) (result R)
//!   (local ..)                    (local ..)
//!                                 i32.const FRAME  call $stack_enter
//!                                 block (result R)
//!   ..                              i64.const COST call $charge_gas   ;; at each metering point
//!   ..                              i64.const RATE call $charge_dynamic ;; before memory.grow (per page)
//!   ..                              i64.const RATE call $charge_bytes   ;; before memory.copy/fill/init, table.copy/init (per KiB)
//!   return                          br DEPTH                        ;; to the wrapper block
//!   ..                              ..
//! end                             end
//!                                 i32.const FRAME  call $stack_exit
//!                               end
//! ```
//!
//! Wrapping the body in a block makes every exit (fall through, `return`,
//! any branch to the function's label) pass through `$stack_exit`, and keeps
//! every relative branch depth of the original valid: branches that targeted
//! the function's label now target the wrapper, which has the same results.
//! Operators are otherwise copied byte for byte.

use wasm_encoder::{BlockType, Function, Instruction as I};
use wasmparser::{FunctionBody, Operator};

use super::{Layout, internal, sig};
use crate::analysis::FunctionPlan;
use crate::analysis::module::ModuleAnalysis;
use crate::config::Config;
use crate::error::PrepareError;

pub(super) fn rewrite(
    body: &FunctionBody<'_>,
    function: u32,
    plan: &FunctionPlan,
    layout: &Layout,
    analysis: &ModuleAnalysis,
    config: &Config,
) -> Result<Function, PrepareError> {
    let injected = &layout.injected;
    let results = sig(&analysis.types[analysis.functions[function as usize] as usize]).results;
    let wrapper_type = match results.as_slice() {
        [] => BlockType::Empty,
        [one] => BlockType::Result(super::enc(*one)),
        many => BlockType::FunctionType(layout.multi_result_types[many]),
    };
    // Frame costs are below 2^30 (Config::validate).
    let frame = plan.frame_cost as i32;

    let mut locals_reader = body.get_locals_reader().map_err(internal)?;
    let mut locals = Vec::with_capacity(locals_reader.get_count() as usize);
    for _ in 0..locals_reader.get_count() {
        let (count, ty) = locals_reader.read().map_err(internal)?;
        let ty = super::enc(
            crate::info::ValType::from_wasm(ty).ok_or_else(|| internal("non-integer local"))?,
        );
        locals.push((count, ty));
    }
    let mut f = Function::new(locals);
    f.instruction(&I::I32Const(frame));
    f.instruction(&I::Call(injected.stack_enter_func));
    f.instruction(&I::Block(wrapper_type));

    let wasm_bytes = body.as_bytes();
    let body_start = body.range().start as usize;
    let mut reader = body.get_operators_reader().map_err(internal)?;
    let mut points = plan.points.iter().peekable();
    let mut depth = 0u32;
    let mut op_index = 0u32;
    // (rate, helper) of the operators with a cost that depends on an
    // operand. Rates are at most MAX_DYNAMIC_RATE (Config::validate), so
    // they fit an i64.const and the helpers cannot overflow.
    let costs = &config.costs;
    let dynamic_rate = |op: &Operator<'_>| match op {
        Operator::MemoryGrow { .. } => Some((
            u64::from(costs.memory_grow_per_page),
            injected.charge_dynamic_func,
        )),
        Operator::MemoryCopy { .. } | Operator::MemoryFill { .. } | Operator::MemoryInit { .. } => {
            Some((
                u64::from(costs.bulk_memory_per_kib),
                injected.charge_bytes_func,
            ))
        }
        // Elements, each priced as TABLE_ELEMENT_BYTES bytes.
        Operator::TableInit { .. } | Operator::TableCopy { .. } => {
            Some((costs.table_element_per_kib(), injected.charge_bytes_func))
        }
        _ => None,
    };
    while !reader.eof() {
        let start = reader.original_position() as usize - body_start;
        let op = reader.read().map_err(internal)?;
        let end = reader.original_position() as usize - body_start;
        if let Some(point) = points.next_if(|p| p.op_index == op_index) {
            // Cost of the whole segment that starts here: see analysis::gas.
            f.instruction(&I::I64Const(point.cost as i64));
            f.instruction(&I::Call(injected.charge_gas_func));
        }
        if let Some((rate, helper)) = dynamic_rate(&op) {
            // The length (pages for memory.grow) is on top of the stack:
            // charge it before the work, leave the units in place.
            f.instruction(&I::I64Const(rate as i64));
            f.instruction(&I::Call(helper));
        }
        match op {
            Operator::Return => {
                f.instruction(&I::Br(depth));
            }
            Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } => {
                depth += 1;
                f.raw(wasm_bytes[start..end].iter().copied());
            }
            Operator::End if depth == 0 => {
                // The body's own `end` closes the wrapper block.
                f.instruction(&I::End);
                f.instruction(&I::I32Const(frame));
                f.instruction(&I::Call(injected.stack_exit_func));
                f.instruction(&I::End);
            }
            Operator::End => {
                depth -= 1;
                f.raw(wasm_bytes[start..end].iter().copied());
            }
            _ => {
                f.raw(wasm_bytes[start..end].iter().copied());
            }
        }
        op_index += 1;
    }
    Ok(f)
}
