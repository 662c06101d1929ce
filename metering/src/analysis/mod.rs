//! Analysis: one pass over each function body that gates, validates and
//! measures it, producing the data the injection step consumes.
//!
//! For every operator, in this order: the subset gate
//! ([`crate::schedule::op_class`]), wasmparser's validator, the limits
//! (`br_table` targets, control depth), the gas segments ([`gas`]) and the
//! operand stack height ([`stack`]). Work is linear in the body size.

pub mod gas;
pub(crate) mod module;
pub mod stack;

use wasmparser::{
    BlockType, FuncValidator, FuncValidatorAllocations, FunctionBody, Operator, ValidatorResources,
};

use crate::config::Config;
use crate::error::{Limit, PrepareError};
use crate::gate;
use crate::schedule::{OpClass, op_class, op_name};
use gas::{GasAnalysis, MeteringPoint};
use module::check_limit;

/// What injection needs to know about one defined function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionPlan {
    /// Gas metering points, in operator order.
    pub points: Vec<MeteringPoint>,
    /// Units this function's frame adds to the stack-height counter.
    pub frame_cost: u32,
}

/// The first operator of `body` that the gate rejects for the same feature
/// as `err`, as an error; `None` if there is none (or the body does not
/// parse, which validation reports later).
fn first_rejected_op(body: &FunctionBody<'_>, err: &PrepareError) -> Option<PrepareError> {
    let crate::error::ErrorKind::Unsupported { feature, .. } = err.kind() else {
        return None;
    };
    let mut reader = body.get_operators_reader().ok()?;
    while !reader.eof() {
        let offset = reader.original_position();
        let op = reader.read().ok()?;
        if op_class(&op) == OpClass::Rejected(*feature) {
            return Some(PrepareError::unsupported(
                *feature,
                format!("instruction {}", op_name(&op)),
                offset,
            ));
        }
    }
    None
}

/// The bytes of a body's encoding (its locals and operators): the size
/// limits count it, and the work on a body grows with it.
pub(crate) fn body_bytes(body: &FunctionBody<'_>) -> u64 {
    let range = body.range();
    range.end - range.start
}

/// Gates, validates and measures one body. `function` is its index in the
/// module's function space, `params` its parameter count.
pub(crate) fn analyze_function(
    function: u32,
    params: u32,
    body: &FunctionBody<'_>,
    mut validator: FuncValidator<ValidatorResources>,
    config: &Config,
) -> Result<(FunctionPlan, FuncValidatorAllocations), PrepareError> {
    let in_function = |err: PrepareError| err.in_function(function);
    let limits = &config.limits;
    check_limit(
        Limit::FunctionBodyBytes,
        body_bytes(body),
        limits.function_body_bytes,
        body.range().start,
    )
    .map_err(in_function)?;

    let mut locals_reader = body
        .get_locals_reader()
        .map_err(|e| in_function(e.into()))?;
    let mut locals: u64 = 0;
    for _ in 0..locals_reader.get_count() {
        let offset = locals_reader.original_position();
        let (count, ty) = locals_reader.read().map_err(|e| in_function(e.into()))?;
        if let Err(err) = gate::val_type(ty, || format!("local {locals}"), offset) {
            // A body that declares a float local almost always computes with
            // floats: name its first such instruction, which says what the
            // code does; the local only when there is none.
            return Err(in_function(first_rejected_op(body, &err).unwrap_or(err)));
        }
        locals += u64::from(count);
        check_limit(Limit::Locals, locals, limits.locals, offset).map_err(in_function)?;
        validator
            .define_locals(offset, count, ty)
            .map_err(|e| in_function(e.into()))?;
    }

    let mut reader = body
        .get_operators_reader()
        .map_err(|e| in_function(e.into()))?;
    let mut gas = GasAnalysis::new();
    let mut max_operand_height = 0u32;
    let mut op_index = 0u32;
    let mut calls = 0u64;
    while !reader.eof() {
        let offset = reader.original_position();
        let op = reader.read().map_err(|e| in_function(e.into()))?;
        let class = match op_class(&op) {
            OpClass::Accepted(class) => class,
            OpClass::Rejected(feature) => {
                return Err(in_function(PrepareError::unsupported(
                    feature,
                    format!("instruction {}", op_name(&op)),
                    offset,
                )));
            }
        };
        if let Operator::Block {
            blockty: BlockType::Type(ty),
        }
        | Operator::Loop {
            blockty: BlockType::Type(ty),
        }
        | Operator::If {
            blockty: BlockType::Type(ty),
        } = &op
        {
            gate::val_type(*ty, || format!("block type of {}", op_name(&op)), offset)
                .map_err(in_function)?;
        }
        if let Operator::BrTable { targets } = &op {
            let count = u64::from(targets.len()) + 1;
            check_limit(
                Limit::BrTableTargets,
                count,
                limits.br_table_targets,
                offset,
            )
            .map_err(in_function)?;
        }
        if compiles_to_call(&op) {
            calls += 1;
            check_limit(
                Limit::CallsPerFunction,
                calls,
                limits.calls_per_function,
                offset,
            )
            .map_err(in_function)?;
        }
        validator
            .op(offset, &op)
            .map_err(|e| in_function(e.into()))?;
        // The function's own frame is not nesting.
        let depth = validator.control_stack_height().saturating_sub(1);
        check_limit(
            Limit::ControlDepth,
            depth.into(),
            limits.control_depth,
            offset,
        )
        .map_err(in_function)?;
        max_operand_height = max_operand_height.max(validator.operand_stack_height());
        gas.op(op_index, &op, config.costs.cost(class));
        op_index += 1;
    }
    // Checks that the body ended with its final `end` and nothing after it.
    reader.finish().map_err(|e| in_function(e.into()))?;

    let frame_cost = stack::frame_cost(params, locals, max_operand_height, &config.stack);
    Ok((
        FunctionPlan {
            points: gas.finish(),
            frame_cost,
        },
        validator.into_allocations(),
    ))
}

/// Whether `op` compiles to a call (of a function or into the runtime):
/// what [`crate::Limits::calls_per_function`] counts.
fn compiles_to_call(op: &Operator<'_>) -> bool {
    matches!(
        op,
        Operator::Call { .. }
            | Operator::CallIndirect { .. }
            | Operator::MemoryGrow { .. }
            | Operator::MemoryCopy { .. }
            | Operator::MemoryFill { .. }
            | Operator::MemoryInit { .. }
            | Operator::DataDrop { .. }
            | Operator::TableCopy { .. }
            | Operator::TableInit { .. }
            | Operator::ElemDrop { .. }
    )
}
