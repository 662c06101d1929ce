//! How much work register allocation of a function will be: the total
//! length of its values' live ranges, in instructions.
//!
//! regalloc2's backtracking allocator is superlinear in it: values that
//! are live together interfere with each other and with every call they
//! cross, and a value live in many blocks is split block by block (its
//! dominator tree, too, takes time quadratic in a chain of blocks that
//! all branch to one block, and such a chain makes the context pointer
//! live in every block). 8,000 `i64` loads held on the operand stack across a call
//! (62 KB of wasm) took 0.84 s; 8,000 products that the optimiser merges
//! with their recomputation after a call, without a single local, 0.91 s;
//! 1,000 locals carried across 1,000 inlined calls (15 KB), 0.75 s, 37x
//! the real contracts' time per KB (benches/README.md, "Dense live
//! ranges"); one value across 10,000 `if`s that trap (90 KB), 1.9 s
//! ("Values live in many blocks").
//! The single-pass allocator is linear. [`crate::Engine`] measures the
//! optimised CLIF (and the CLIF of a translation in slots) with
//! [`allocation_cost`] and hands functions whose cost is out of
//! proportion with their size to the single-pass allocator. Both allocators run the same CLIF, so only speed and frame
//! sizes depend on the choice, and the choice depends on the CLIF alone.
//!
//! The lengths come from SSA liveness by path exploration: from each use,
//! backwards through predecessors to the definition, each block visited
//! once per value. Its work is the total it measures (every live block
//! adds at least one instruction) plus the uses, and it stops once the
//! total passes the caller's cap.

use cranelift_codegen::entity::EntityRef;
use cranelift_codegen::flowgraph::ControlFlowGraph;
use cranelift_codegen::ir::{Block, Function, Opcode, Value, ValueDef};

/// A value live across a call costs the backtracking allocator about as
/// much as this many instructions of live range (it is split around the
/// call's clobbers). Measured with a throw-away probe (2026-12-04, Zen 4
/// EPYC; its callee was inlined): 8,000 values on the operand stack, a
/// length of 128 M and 8 K crossings, 2.0 s (16 ns per instruction of
/// length); 1,000 locals across 1,000 calls not inlined, 4.0 M and 1.0 M,
/// about 0.5 s of the 0.74 s (so about 0.5 µs per crossing). Those
/// crossings were counted before calls at a block's first instruction
/// were (they start most blocks after a call's gas check), which about
/// doubles the count in call-heavy code: 32 weighs calls up to twice what
/// was measured, so call-heavy functions go to the single-pass allocator
/// sooner. Real contracts stay at most at 131 per byte either way.
pub(crate) const CALL_CROSSING: u64 = 32;

/// A value live in `n` blocks costs the backtracking allocator about
/// `n * n / BLOCKS_SQUARED_PER_UNIT` more: once it is split, each split
/// copies the rest of its ranges (regalloc2's `split_and_requeue_bundle`,
/// 41% of such a compile in memcpy). Measured with a throw-away probe
/// (2026-12-07, Zen 5 EPYC): one loaded local across 1,250, 2,500, 5,000
/// and 10,000 `if`s that trap took 67 ms, 185 ms, 544 ms and 1.9 s (5 to
/// 19x the references per KB), 0.07–0.22 ns per unit of the squares'
/// sum, whatever the number of values live. At 32 the densest real
/// function (of the 250 KB contract) stays at 169 per byte, under
/// `DENSE_ALLOCATION_PER_BYTE`'s 256, and 1,250 such `if`s are at 432.
pub(crate) const BLOCKS_SQUARED_PER_UNIT: u64 = 32;

/// The register allocator's work on `func` (whose control-flow graph is
/// `cfg`): the sum over its values of the instructions each is live
/// across (its definition's to its last use's, through every block it is
/// live in), plus [`CALL_CROSSING`] per call it is live across, plus the
/// square of the number of blocks it is live in over
/// [`BLOCKS_SQUARED_PER_UNIT`]; or the first partial sum over `cap`.
pub(crate) fn allocation_cost(func: &Function, cfg: &ControlFlowGraph, cap: u64) -> u64 {
    let layout = &func.layout;
    let blocks = func.dfg.num_blocks();
    // Each block's first and last instruction's position in layout order.
    let mut first = vec![0u32; blocks];
    let mut last = vec![0u32; blocks];
    let mut inst_pos = vec![0u32; func.dfg.num_insts()];
    // Calls before each position, and at it (`calls[pos + 1]`).
    let mut calls = vec![0u32];
    let mut uses: Vec<(u32, u32, u32)> = Vec::new(); // (value, block, position)
    let mut pos = 0u32;
    for block in layout.blocks() {
        first[block.index()] = pos;
        for inst in layout.block_insts(block) {
            inst_pos[inst.index()] = pos;
            let is_call = func.dfg.insts[inst].opcode().is_call();
            calls.push(calls[pos as usize] + u32::from(is_call));
            for value in func.dfg.inst_values(inst) {
                let value = func.dfg.resolve_aliases(value);
                uses.push((value.as_u32(), block.as_u32(), pos));
            }
            pos += 1;
        }
        last[block.index()] = pos.saturating_sub(1).max(first[block.index()]);
    }
    uses.sort_unstable();
    // Predecessors as flat lists (the graph's own iterator walks a B-tree):
    // block b's are `preds[pred_start[b]..pred_start[b + 1]]`.
    let mut pred_start = Vec::with_capacity(blocks + 1);
    let mut preds: Vec<Block> = Vec::new();
    for b in 0..blocks {
        pred_start.push(preds.len());
        preds.extend(cfg.pred_iter(Block::new(b)).map(|pred| pred.block));
    }
    pred_start.push(preds.len());

    // Per-value scratch, valid where the stamp is the value's index + 1.
    let mut touched_stamp = vec![0u32; blocks];
    let mut live_in_stamp = vec![0u32; blocks];
    let mut extent = vec![0u32; blocks];
    let mut touched: Vec<Block> = Vec::new();
    let mut work: Vec<Block> = Vec::new();
    let mut total = 0u64;
    for group in uses.chunk_by(|a, b| a.0 == b.0) {
        let value = Value::from_u32(group[0].0);
        let stamp = group[0].0 + 1;
        let (def_block, def_pos) = match func.dfg.value_def(value) {
            ValueDef::Result(inst, _) => match layout.inst_block(inst) {
                Some(block) => (block, inst_pos[inst.index()]),
                None => continue,
            },
            ValueDef::Param(block, _) => (block, first[block.index()]),
            ValueDef::Union(..) => continue,
        };
        touched.clear();
        let mut reach = |block: Block, to: u32, touched: &mut Vec<Block>| {
            let b = block.index();
            if touched_stamp[b] != stamp {
                touched_stamp[b] = stamp;
                extent[b] = to;
                touched.push(block);
            } else {
                extent[b] = extent[b].max(to);
            }
        };
        for &(_, block, at) in group {
            let block = Block::from_u32(block);
            reach(block, at, &mut touched);
            if block != def_block && live_in_stamp[block.index()] != stamp {
                live_in_stamp[block.index()] = stamp;
                work.push(block);
            }
        }
        while let Some(block) = work.pop() {
            let b = block.index();
            for &p in &preds[pred_start[b]..pred_start[b + 1]] {
                reach(p, last[p.index()], &mut touched);
                if p != def_block && live_in_stamp[p.index()] != stamp {
                    live_in_stamp[p.index()] = stamp;
                    work.push(p);
                }
            }
        }
        let blocks_live = touched.len() as u64;
        total += blocks_live * blocks_live / BLOCKS_SQUARED_PER_UNIT;
        for &block in &touched {
            let b = block.index();
            // Every block reached but the definition's is live-in, and
            // carries the value into its first instruction too.
            let live_in = live_in_stamp[b] == stamp;
            let (from, to) = if live_in {
                (first[b] as usize, extent[b] as usize)
            } else {
                (def_pos as usize, extent[b] as usize)
            };
            total += (to - from) as u64 + 1;
            // The calls it crosses: from its block's first instruction (if
            // live-in) or after its definition, to before its last use
            // here (a call that uses it last does not carry it; a block's
            // last instruction, where a live-out value ends, is a branch).
            let crossed_from = calls[from + usize::from(!live_in)];
            total += CALL_CROSSING * u64::from(calls[to].saturating_sub(crossed_from));
        }
        if total > cap {
            break;
        }
    }
    total
}

/// The values of `func` used in a block other than the one that defines
/// them, but constants (`iconst`, which the backend makes again where it
/// needs them or folds into an instruction). The single-pass allocator
/// gives each such value a frame slot of its own, of at least 8 bytes,
/// and never reuses one: 8 times their number estimates its frame. An
/// estimate, not a bound: the backend may fold a pure instruction of
/// another block into its use (its operands then cross instead), and a
/// block the optimiser left unreachable still counts.
pub(crate) fn crossing_values(func: &Function) -> u64 {
    let mut crossing = vec![false; func.dfg.num_values()];
    let mut count = 0;
    for block in func.layout.blocks() {
        for inst in func.layout.block_insts(block) {
            for value in func.dfg.inst_values(inst) {
                let value = func.dfg.resolve_aliases(value);
                let elsewhere = match func.dfg.value_def(value) {
                    ValueDef::Result(def, _) => {
                        func.layout.inst_block(def) != Some(block)
                            && func.dfg.insts[def].opcode() != Opcode::Iconst
                    }
                    ValueDef::Param(def, _) => def != block,
                    ValueDef::Union(..) => false,
                };
                if elsewhere && !std::mem::replace(&mut crossing[value.index()], true) {
                    count += 1;
                }
            }
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;
    use cranelift_codegen::ir::{
        AbiParam, ExtFuncData, ExternalName, InstBuilder, Signature, UserFuncName, types,
    };
    use cranelift_codegen::isa::CallConv;
    use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};

    fn frontend() -> cranelift_codegen::isa::TargetFrontendConfig {
        crate::Engine::new(crate::EngineConfig::default())
            .unwrap()
            .frontend_config()
    }

    /// An `i64 -> i64` function; `build` fills it from its entry block,
    /// given the parameter.
    fn function(build: impl FnOnce(&mut FunctionBuilder, Value)) -> Function {
        let mut sig = Signature::new(CallConv::SystemV);
        sig.params.push(AbiParam::new(types::I64));
        sig.returns.push(AbiParam::new(types::I64));
        let mut func = Function::with_name_signature(UserFuncName::user(0, 0), sig);
        let mut fctx = FunctionBuilderContext::new();
        let mut b = FunctionBuilder::new(&mut func, &mut fctx);
        let entry = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.switch_to_block(entry);
        let p = b.block_params(entry)[0];
        build(&mut b, p);
        b.seal_all_blocks();
        b.finalize(frontend());
        func
    }

    /// `n` values defined in a row, then summed in reverse: value `k` is
    /// live across at least `2 * (n - k)` instructions.
    fn stack_shape(n: usize) -> Function {
        function(|b, p| {
            let values: Vec<_> = (0..n as i64).map(|k| b.ins().iadd_imm_s(p, k)).collect();
            let sum = values
                .into_iter()
                .rev()
                .fold(p, |sum, v| b.ins().iadd(sum, v));
            b.ins().return_(&[sum]);
        })
    }

    #[test]
    fn nested_ranges_add_up_quadratically_and_stop_at_the_cap() {
        let length = |n| {
            let func = stack_shape(n);
            allocation_cost(&func, &ControlFlowGraph::with_function(&func), u64::MAX)
        };
        // n values, each from its definition to its use in the sum, plus
        // the parameter and the running sums.
        let (small, large) = (length(10), length(100));
        assert!(small >= 100 && large >= 10_000, "{small} {large}");
        assert!(large > 50 * small, "{small} {large}");
        let func = stack_shape(100);
        let capped = allocation_cost(&func, &ControlFlowGraph::with_function(&func), 1_000);
        assert!((1_000..large).contains(&capped), "{capped}");
    }

    /// A value live across `k` calls, each starting a block of its own,
    /// costs `CALL_CROSSING` plus one instruction per call more than the
    /// same blocks without the calls.
    #[test]
    fn calls_crossed_are_counted_at_block_starts_too() {
        let k = 10;
        let cost = |with_calls: bool| {
            let func = function(|b, p| {
                let v = b.ins().iadd_imm_s(p, 1);
                let sig = b.import_signature(Signature::new(CallConv::SystemV));
                let callee = b.import_function(ExtFuncData {
                    name: ExternalName::testcase("callee"),
                    signature: sig,
                    colocated: true,
                    patchable: false,
                });
                for _ in 0..k {
                    let next = b.create_block();
                    b.ins().jump(next, &[]);
                    b.switch_to_block(next);
                    if with_calls {
                        b.ins().call(callee, &[]);
                    }
                }
                b.ins().return_(&[v]);
            });
            allocation_cost(&func, &ControlFlowGraph::with_function(&func), u64::MAX)
        };
        assert_eq!(cost(true), cost(false) + k * (CALL_CROSSING + 1));
    }

    /// A value live through a chain of `n` blocks costs the square of `n`
    /// over `BLOCKS_SQUARED_PER_UNIT` more than it is long: twice the
    /// blocks, about four times the cost.
    #[test]
    fn a_value_live_in_many_blocks_costs_their_square() {
        let cost = |n: u64| {
            let func = function(|b, p| {
                let v = b.ins().iadd_imm_s(p, 1);
                for _ in 0..n {
                    let next = b.create_block();
                    b.ins().jump(next, &[]);
                    b.switch_to_block(next);
                }
                b.ins().return_(&[v]);
            });
            allocation_cost(&func, &ControlFlowGraph::with_function(&func), u64::MAX)
        };
        let square = |n: u64| n * n / BLOCKS_SQUARED_PER_UNIT;
        for n in [1_000, 2_000] {
            // `v` spans its `n + 1` blocks' jumps; `p` dies at `v`.
            let length = cost(n) - square(n + 1);
            assert!((n..=n + 8).contains(&length), "{n}: {}", cost(n));
        }
        assert!(cost(2_000) > 3 * cost(1_000));
    }

    /// A value used in two other blocks counts once; a constant used in
    /// another block and a value used only in its own do not count.
    #[test]
    fn crossing_values_count_each_value_used_elsewhere_once() {
        let func = function(|b, p| {
            let local = b.ins().iadd_imm_s(p, 1);
            let crossing = b.ins().iadd(local, p);
            let constant = b.ins().iconst(types::I64, 7);
            let (next, last) = (b.create_block(), b.create_block());
            b.ins().jump(next, &[]);
            b.switch_to_block(next);
            let sum = b.ins().iadd(crossing, constant);
            b.ins().jump(last, &[]);
            b.switch_to_block(last);
            let sum = b.ins().iadd(sum, crossing);
            b.ins().return_(&[sum]);
        });
        // `p` (the entry's parameter, used in the entry block only),
        // `local` and `constant` do not count; `crossing` and the first
        // `sum` do.
        assert_eq!(crossing_values(&func), 2);
    }

    /// A loop of `n` additions from `p` that runs again (`back_edge`) or
    /// falls through to the exit.
    fn loop_shape(n: usize, back_edge: bool) -> Function {
        function(|b, p| {
            let (header, exit) = (b.create_block(), b.create_block());
            b.ins().jump(header, &[]);
            b.switch_to_block(header);
            let mut x = p;
            for _ in 0..n {
                x = b.ins().iadd_imm_s(x, 3);
            }
            let again = if back_edge { header } else { exit };
            b.ins().brif(x, again, &[], exit, &[]);
            b.switch_to_block(exit);
            b.ins().return_(&[x]);
        })
    }

    /// `p` is used at the loop's start only; the back edge keeps it live
    /// through the whole body for the next iteration.
    #[test]
    fn a_value_used_in_a_loop_is_live_through_the_loop() {
        let n = 50;
        let cost = |back_edge| {
            let func = loop_shape(n, back_edge);
            allocation_cost(&func, &ControlFlowGraph::with_function(&func), u64::MAX)
        };
        let (looping, straight) = (cost(true), cost(false));
        // `p` spans the header's instructions once more, and `x` (used by
        // the exit) is the same in both.
        assert!(looping >= straight + n as u64, "{looping} {straight}");
        assert!(looping <= straight + 4 * n as u64, "{looping} {straight}");
    }
}
