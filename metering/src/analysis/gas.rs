//! Where gas is charged, and how much.
//!
//! ```text
//! WARNING: the output of this pass is consensus. Changing which operator
//! starts a segment, or what a segment costs, changes gas for deployed code.
//! ```
//!
//! A function body is cut into *segments*: maximal runs of operators that,
//! once the first one runs, all run (barring a trap). A segment starts
//!
//! | at                                  | because                              |
//! |-------------------------------------|--------------------------------------|
//! | the first operator of the body      | function entry                       |
//! | the first operator inside a `loop`  | target of backward branches          |
//! | the first operator of an `if` arm   | runs only on one value of the test   |
//! | the first operator of an `else` arm | likewise                             |
//! | the operator after the `end` of an `if`, or of a `block` that some branch targets | target of forward branches |
//! | the operator after a `br_if`        | runs only when the branch is not taken |
//!
//! A segment's cost is the sum of its operators' costs from the schedule;
//! it is charged by one metering point placed before its first operator,
//! so a segment never runs partially for lack of gas. Code after `br`,
//! `br_table`, `return` or `unreachable` up to the `end` or `else` of the
//! same frame, and everything inside frames entered there, is dead: it
//! costs nothing and gets no metering point. Segments that cost 0 get no
//! metering point either.
//!
//! Worked example (`control` = 0, `local` = `const` = 1, `alu` = `branch` = 2):
//!
//! ```text
//!   op                     segment   cost
//! 0 local.get 0            A         1
//! 1 if                     A         2     A = 3, point before op 0
//! 2   i32.const 1          B         1
//! 3   br 1                 B         2     B = 3, point before op 2
//! 4   i32.const 2          (dead)    -
//! 5 end                    (dead)    -
//! 6 i32.const 3            C         1     C = 1, point before op 6
//! 7 end                    C         0
//! ```
//!
//! The operator after the `end` of a `loop`, or of a `block` no branch
//! targets, continues the segment before the `end`: it is reached only by
//! falling through. (Fewer metering points, same semantics.)
//!
//! Calls do not end a segment: the rest of the caller's segment is paid
//! before the callee runs. A trap in the callee (or in the middle of a
//! segment) therefore has the whole segment charged.

use wasmparser::Operator;

/// Charge `cost` before operator number `op_index` of the body (operators
/// counted from 0 in body order, the final `end` included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeteringPoint {
    /// Index of the first operator of the segment.
    pub op_index: u32,
    /// Gas of the whole segment.
    pub cost: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FrameKind {
    Block,
    Loop,
    If,
}

#[derive(Debug)]
struct Frame {
    kind: FrameKind,
    /// Whether live code entered the frame.
    entered_live: bool,
    /// Whether some branch targets the frame's label.
    targeted: bool,
}

/// Builds the metering points of one body, one operator at a time.
#[derive(Debug)]
pub(crate) struct GasAnalysis {
    points: Vec<MeteringPoint>,
    frames: Vec<Frame>,
    live: bool,
    segment_ends_here: bool,
}

impl GasAnalysis {
    pub(crate) fn new() -> Self {
        GasAnalysis {
            points: Vec::new(),
            frames: Vec::new(),
            live: true,
            segment_ends_here: true,
        }
    }

    /// Feeds the next operator, with its cost from the schedule.
    pub(crate) fn op(&mut self, op_index: u32, op: &Operator<'_>, cost: u64) {
        if self.live {
            if self.segment_ends_here {
                self.points.push(MeteringPoint { op_index, cost: 0 });
                self.segment_ends_here = false;
            }
            if let Some(point) = self.points.last_mut() {
                point.cost = point.cost.saturating_add(cost);
            }
        }
        let frame = |kind, entered_live| Frame {
            kind,
            entered_live,
            targeted: false,
        };
        match op {
            Operator::Block { .. } => self.frames.push(frame(FrameKind::Block, self.live)),
            Operator::Loop { .. } => {
                self.frames.push(frame(FrameKind::Loop, self.live));
                self.segment_ends_here = true;
            }
            Operator::If { .. } => {
                self.frames.push(frame(FrameKind::If, self.live));
                self.segment_ends_here = true;
            }
            Operator::Else => {
                self.live = self.frames.last().is_some_and(|f| f.entered_live);
                self.segment_ends_here = true;
            }
            Operator::End => match self.frames.pop() {
                // Reached only by falling through: the segment goes on.
                Some(
                    Frame {
                        kind: FrameKind::Loop,
                        ..
                    }
                    | Frame {
                        kind: FrameKind::Block,
                        targeted: false,
                        ..
                    },
                ) => {}
                Some(Frame { entered_live, .. }) => {
                    self.live = entered_live;
                    self.segment_ends_here = true;
                }
                // The function's own `end`: nothing follows it.
                None => self.live = false,
            },
            Operator::Br { relative_depth } => {
                self.target(*relative_depth);
                self.live = false;
            }
            Operator::BrTable { targets } => {
                self.target(targets.default());
                for depth in targets.targets().flatten() {
                    self.target(depth);
                }
                self.live = false;
            }
            Operator::Return | Operator::Unreachable => self.live = false,
            Operator::BrIf { relative_depth } => {
                self.target(*relative_depth);
                self.segment_ends_here = true;
            }
            _ => {}
        }
    }

    /// Marks the frame a branch of `depth` goes to; depth = frames is the
    /// function's own label.
    fn target(&mut self, depth: u32) {
        let frames = self.frames.len();
        if let Some(index) = frames.checked_sub(1 + depth as usize) {
            self.frames[index].targeted = true;
        }
    }

    /// The metering points, in operator order, each with a non-zero cost.
    pub(crate) fn finish(mut self) -> Vec<MeteringPoint> {
        self.points.retain(|p| p.cost > 0);
        self.points
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(ops: &[(Operator<'static>, u64)]) -> Vec<(u32, u64)> {
        let mut gas = GasAnalysis::new();
        for (i, (op, cost)) in ops.iter().enumerate() {
            gas.op(i as u32, op, *cost);
        }
        gas.finish()
            .into_iter()
            .map(|p| (p.op_index, p.cost))
            .collect()
    }

    #[test]
    fn worked_example_of_the_module_docs() {
        use wasmparser::BlockType::Empty;
        let ops = [
            (Operator::LocalGet { local_index: 0 }, 1),
            (Operator::If { blockty: Empty }, 2),
            (Operator::I32Const { value: 1 }, 1),
            (Operator::Br { relative_depth: 1 }, 2),
            (Operator::I32Const { value: 2 }, 1),
            (Operator::End, 0),
            (Operator::I32Const { value: 3 }, 1),
            (Operator::End, 0),
        ];
        assert_eq!(points(&ops), vec![(0, 3), (2, 3), (6, 1)]);
    }

    #[test]
    fn br_if_splits_and_loop_header_is_a_point() {
        use wasmparser::BlockType::Empty;
        let ops = [
            (Operator::Loop { blockty: Empty }, 0),
            (Operator::I32Const { value: 1 }, 1),
            (Operator::BrIf { relative_depth: 0 }, 2),
            (Operator::Nop, 5),
            (Operator::End, 0),
            (Operator::End, 0),
        ];
        assert_eq!(points(&ops), vec![(1, 3), (3, 5)]);
    }

    #[test]
    fn code_after_a_loop_or_an_untargeted_block_continues_the_segment() {
        use wasmparser::BlockType::Empty;
        let ops = [
            (Operator::Block { blockty: Empty }, 0),
            (Operator::Nop, 1),
            (Operator::End, 0),
            (Operator::Loop { blockty: Empty }, 0),
            (Operator::Nop, 2),
            (Operator::End, 0),
            (Operator::Nop, 4),
            (Operator::End, 0),
        ];
        // The loop body and what follows the loop form one segment.
        assert_eq!(points(&ops), vec![(0, 1), (4, 6)]);
    }

    #[test]
    fn a_targeted_block_end_starts_a_segment() {
        use wasmparser::BlockType::Empty;
        let ops = [
            (Operator::Block { blockty: Empty }, 0),
            (Operator::I32Const { value: 0 }, 1),
            (Operator::BrIf { relative_depth: 0 }, 2),
            (Operator::Nop, 3),
            (Operator::End, 0),
            (Operator::Nop, 4),
            (Operator::End, 0),
        ];
        assert_eq!(points(&ops), vec![(0, 3), (3, 3), (5, 4)]);
    }

    #[test]
    fn frames_opened_in_dead_code_stay_dead() {
        use wasmparser::BlockType::Empty;
        let ops = [
            (Operator::Block { blockty: Empty }, 0),
            (Operator::Unreachable, 2),
            (Operator::Loop { blockty: Empty }, 0),
            (Operator::Nop, 7),
            (Operator::End, 0),
            (Operator::Nop, 7),
            (Operator::End, 0),
            (Operator::Nop, 1),
            (Operator::End, 0),
        ];
        // Nothing branches to the block, so what follows it is dead too.
        assert_eq!(points(&ops), vec![(0, 2)]);
    }
}
