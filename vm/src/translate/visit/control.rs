//! Structured control flow: `block`, `loop`, `if`/`else`, `end`, `br`,
//! `br_if`, `br_table`, `return`, `unreachable`, `nop`, `drop`, `select`.
//!
//! Multi-value blocks carry their parameters on the operand stack and their
//! results as parameters of the frame's `dest` block; loops take their
//! parameters as parameters of the header block.

use cranelift_codegen::ir::{Block, InstBuilder, JumpTableData, Type};
use wasmparser::{BlockType, Operator};

use crate::error::CompileError;
use crate::translate::clif_type;
use crate::translate::func::Translator;
use crate::translate::stack::{Frame, FrameKind, GasEdge, Reach, args};
use crate::trap::TrapKind;

type Result<T> = std::result::Result<T, CompileError>;

pub(crate) fn visit(t: &mut Translator<'_, '_>, op: &Operator<'_>) -> Result<bool> {
    match *op {
        Operator::Nop => {}
        Operator::Unreachable => t.trap(TrapKind::Unreachable),
        Operator::Block { blockty } => {
            let (params, results) = block_sig(t, blockty)?;
            let dest = new_block(t, &results);
            let base = base(t, params.len())?;
            t.frames.push(Frame {
                kind: FrameKind::Block,
                dest,
                num_params: params.len(),
                num_results: results.len(),
                base,
                direct_entry: false,
                gas_edges: Vec::new(),
                checked_at_entry: t.checked.clone(),
            });
        }
        Operator::Loop { blockty } => {
            let (params, results) = block_sig(t, blockty)?;
            let header = new_block(t, &params);
            let dest = new_block(t, &results);
            let values = t.popn(params.len())?;
            t.jump(header, &values);
            t.b.switch_to_block(header);
            let header_params = t.b.block_params(header).to_vec();
            let base = t.stack.len();
            t.pushn(&header_params);
            // The loops around the nearest were marked when it opened.
            if let Some(FrameKind::Loop { innermost, .. }) = (t.frames.iter_mut().rev())
                .map(|frame| &mut frame.kind)
                .find(|kind| matches!(kind, FrameKind::Loop { .. }))
            {
                *innermost = false;
            }
            t.frames.push(Frame {
                kind: FrameKind::Loop {
                    header,
                    innermost: true,
                },
                dest,
                num_params: params.len(),
                num_results: results.len(),
                base,
                direct_entry: false,
                gas_edges: Vec::new(),
                checked_at_entry: t.checked.clone(),
            });
        }
        Operator::If { blockty } => {
            let (params, results) = block_sig(t, blockty)?;
            let cond = t.pop()?;
            // The else arm takes the parameters as its block's: nothing
            // is kept live through the then arm for it.
            let values = t.peekn(params.len())?;
            let then_block = t.b.create_block();
            let else_block = new_block(t, &params);
            let dest = new_block(t, &results);
            t.b.ins()
                .brif(cond, then_block, &[], else_block, &args(&values));
            t.b.switch_to_block(then_block);
            t.b.seal_block(then_block);
            let base = base(t, params.len())?;
            // A pending charge goes on in both arms (the else arm's block
            // has this one predecessor).
            t.frames.push(Frame {
                kind: FrameKind::If {
                    else_block,
                    else_seen: false,
                    gas_at_else: t.pending_gas,
                },
                dest,
                num_params: params.len(),
                num_results: results.len(),
                base,
                direct_entry: false,
                gas_edges: Vec::new(),
                checked_at_entry: t.checked.clone(),
            });
        }
        Operator::Else => else_(t)?,
        Operator::End => end(t)?,
        Operator::Br { relative_depth } => {
            branch(t, relative_depth)?;
        }
        Operator::Return => {
            // The function's outermost frame, or an inlined callee's
            // (prepared bodies branch to their exit instead, but a `return`
            // must not leave the caller).
            let depth = t.frames.len().saturating_sub(t.return_frame + 1) as u32;
            branch(t, depth)?;
        }
        Operator::BrIf { relative_depth } => {
            let cond = t.pop()?;
            let pending = t.pending_gas;
            let frame = t.frame(relative_depth)?;
            let (target, n) = frame.branch_target();
            let to_loop = matches!(frame.kind, FrameKind::Loop { .. });
            if !to_loop && pending == 0 {
                frame.direct_entry = true;
            }
            let values = t.peekn(n)?;
            let cont = t.b.create_block();
            if pending == 0 {
                t.b.ins().brif(cond, target, &args(&values), cont, &[]);
            } else {
                if to_loop {
                    return Err(t.internal("a gas charge pending at a br_if to a loop"));
                }
                // The fall-through merges the pending charge with the one
                // that starts it; the taken edge is finished at the
                // target's `end` (see Frame::gas_edges).
                let edge = t.b.create_block();
                t.b.ins().brif(cond, edge, &[], cont, &[]);
                t.b.seal_block(edge);
                t.frame(relative_depth)?.gas_edges.push(GasEdge {
                    block: edge,
                    gas: pending,
                    values,
                });
            }
            t.b.switch_to_block(cont);
            t.b.seal_block(cont);
        }
        Operator::BrTable { ref targets } => {
            let index = t.pop()?;
            let mut depths = Vec::with_capacity(targets.len() as usize);
            for depth in targets.targets() {
                depths.push(depth.map_err(|e| t.internal(e.message().to_string()))?);
            }
            let default = targets.default();
            let (_, arity) = t.frame(default)?.branch_target();
            // Cranelift jump tables carry no arguments: with values to pass,
            // go through one edge block per distinct target.
            let mut edges: Vec<(u32, Block)> = Vec::new();
            let mut block_for = |t: &mut Translator<'_, '_>, depth: u32| -> Result<Block> {
                let frame = t.frame(depth)?;
                let (target, n) = frame.branch_target();
                if !matches!(frame.kind, FrameKind::Loop { .. }) {
                    frame.direct_entry = true;
                }
                if n != arity {
                    return Err(t.internal("br_table targets of different arity"));
                }
                if arity == 0 {
                    return Ok(target);
                }
                if let Some(&(_, edge)) = edges.iter().find(|(d, _)| *d == depth) {
                    return Ok(edge);
                }
                let edge = t.b.create_block();
                edges.push((depth, edge));
                Ok(edge)
            };
            let default_block = block_for(t, default)?;
            let mut table = Vec::with_capacity(depths.len());
            for &depth in &depths {
                table.push(block_for(t, depth)?);
            }
            let default_call = t.b.func.dfg.block_call(default_block, &[]);
            let calls: Vec<_> = table
                .iter()
                .map(|&block| t.b.func.dfg.block_call(block, &[]))
                .collect();
            let jt =
                t.b.create_jump_table(JumpTableData::new(default_call, &calls));
            let values = t.peekn(arity)?;
            t.b.ins().br_table(index, jt);
            for (depth, edge) in edges {
                let (target, _) = t.frame(depth)?.branch_target();
                t.b.switch_to_block(edge);
                t.b.seal_block(edge);
                t.jump(target, &values);
            }
            t.reach = Reach::Dead(0);
        }
        Operator::Drop => {
            t.pop()?;
        }
        Operator::Select => {
            let (a, b, cond) = t.pop3()?;
            let v = t.b.ins().select(cond, a, b);
            t.push(v);
        }
        Operator::TypedSelect { ty } => {
            if !matches!(ty, wasmparser::ValType::I32 | wasmparser::ValType::I64) {
                return Err(t.internal("typed select of a non-integer type"));
            }
            let (a, b, cond) = t.pop3()?;
            let v = t.b.ins().select(cond, a, b);
            t.push(v);
        }
        _ => return Ok(false),
    }
    Ok(true)
}

fn new_block(t: &mut Translator<'_, '_>, params: &[Type]) -> Block {
    let block = t.b.create_block();
    for &ty in params {
        t.b.append_block_param(block, ty);
    }
    block
}

fn base(t: &Translator<'_, '_>, params: usize) -> Result<usize> {
    let floor = t.frames.last().map_or(0, |f| f.base);
    t.stack
        .len()
        .checked_sub(params)
        .filter(|&b| b >= floor)
        .ok_or_else(|| t.internal("block parameters missing"))
}

fn block_sig(t: &Translator<'_, '_>, ty: BlockType) -> Result<(Vec<Type>, Vec<Type>)> {
    let int = |ty: wasmparser::ValType| match ty {
        wasmparser::ValType::I32 => Ok(cranelift_codegen::ir::types::I32),
        wasmparser::ValType::I64 => Ok(cranelift_codegen::ir::types::I64),
        _ => Err(t.internal("non-integer block type")),
    };
    match ty {
        BlockType::Empty => Ok((vec![], vec![])),
        BlockType::Type(ty) => Ok((vec![], vec![int(ty)?])),
        BlockType::FuncType(index) => {
            let sig = t
                .env
                .info
                .types
                .get(index as usize)
                .ok_or_else(|| t.internal("unknown block type"))?;
            Ok((
                sig.params.iter().map(|&p| clif_type(p)).collect(),
                sig.results.iter().map(|&r| clif_type(r)).collect(),
            ))
        }
    }
}

/// `br depth` (and `return`): jump with the target's arity, then dead code.
fn branch(t: &mut Translator<'_, '_>, depth: u32) -> Result<()> {
    let frame = t.frame(depth)?;
    let (target, n) = frame.branch_target();
    if !matches!(frame.kind, FrameKind::Loop { .. }) {
        frame.direct_entry = true;
    }
    let values = t.peekn(n)?;
    t.jump(target, &values);
    t.reach = Reach::Dead(0);
    Ok(())
}

/// `else`: close the `then` arm, start the `else` arm with the `if`'s
/// parameters.
pub(crate) fn else_(t: &mut Translator<'_, '_>) -> Result<()> {
    let live = t.reach == Reach::Live;
    let Some(frame) = t.frames.last().cloned() else {
        return Err(t.internal("else outside a frame"));
    };
    let FrameKind::If {
        else_block,
        gas_at_else,
        ..
    } = frame.kind
    else {
        return Err(t.internal("else without if"));
    };
    if t.pending_gas != 0 {
        return Err(t.internal("a gas charge pending at an else"));
    }
    if live {
        let results = t.popn(frame.num_results)?;
        t.jump(frame.dest, &results);
    }
    let top = t.frames.len() - 1;
    t.frames[top].direct_entry |= live;
    t.frames[top].kind = FrameKind::If {
        else_block,
        else_seen: true,
        gas_at_else: 0,
    };
    // The else arm is dominated by the `if`, not by the then arm.
    t.checked = frame.checked_at_entry;
    t.b.switch_to_block(else_block);
    t.b.seal_block(else_block);
    t.stack.truncate(frame.base);
    let params = t.b.block_params(else_block).to_vec();
    t.pushn(&params);
    t.reach = Reach::Live;
    t.pending_gas = gas_at_else;
    Ok(())
}

/// `end`: close the frame, continue in its `dest` block with its results.
pub(crate) fn end(t: &mut Translator<'_, '_>) -> Result<()> {
    let live = t.reach == Reach::Live;
    let Some(mut frame) = t.frames.last().cloned() else {
        return Err(t.internal("end outside a frame"));
    };
    if t.pending_gas != 0 {
        return Err(t.internal("a gas charge pending at an end"));
    }
    // A block nothing branches to: `dest` would have the fall-through as
    // its one predecessor, so the code goes on in the current block (the
    // results stay where they are, what was proven still holds); `dest`
    // stays out of the function. One block fewer for every pass (the
    // metering wraps each body in one).
    if live
        && matches!(frame.kind, FrameKind::Block)
        && !frame.dest_reached()
        && t.stack.len() == frame.base + frame.num_results
    {
        t.frames.pop();
        return Ok(());
    }
    if live {
        let results = t.popn(frame.num_results)?;
        t.jump(frame.dest, &results);
        frame.direct_entry = true;
    }
    match &frame.kind {
        FrameKind::If {
            else_block,
            else_seen: false,
            gas_at_else,
        } => {
            // No else arm: the parameters pass through (the type is [t*] -> [t*]).
            t.b.switch_to_block(*else_block);
            t.b.seal_block(*else_block);
            t.pending_gas = *gas_at_else;
            t.flush_gas();
            let params = t.b.block_params(*else_block).to_vec();
            t.jump(frame.dest, &params);
            frame.direct_entry = true;
        }
        FrameKind::Loop { header, .. } => t.b.seal_block(*header),
        _ => {}
    }
    t.frames.pop();
    t.stack.truncate(frame.base);
    // A loop's `dest` is reached only by falling out of its body, so what
    // the body proved still holds; a block's or if's `dest` may be reached
    // from several arms, dominated only by the frame's opening.
    if !matches!(frame.kind, FrameKind::Loop { .. }) {
        t.checked = std::mem::take(&mut frame.checked_at_entry);
    }
    // The edges that carry a charge: when they are all that enters
    // `dest`, it starts with the least of their charges pending, and each
    // checks the rest of its own (two charges with nothing between).
    let carried = match frame.gas_edges.iter().map(|edge| edge.gas).min() {
        Some(least) if !frame.direct_entry => least,
        _ => 0,
    };
    for edge in &frame.gas_edges {
        t.b.switch_to_block(edge.block);
        t.pending_gas = edge.gas - carried;
        t.flush_gas();
        t.jump(frame.dest, &edge.values);
    }
    t.b.switch_to_block(frame.dest);
    t.b.seal_block(frame.dest);
    if frame.dest_reached() {
        let results = t.b.block_params(frame.dest).to_vec();
        t.pushn(&results);
        t.reach = Reach::Live;
        t.pending_gas = carried;
    } else {
        t.reach = Reach::Dead(0);
    }
    Ok(())
}
