//! The operand stack and the control stack of the translator.
//!
//! The wasm operand stack is mirrored as a `Vec` of SSA values. Each
//! `block`/`loop`/`if` pushes a [`Frame`]; branch arguments travel as
//! Cranelift block parameters: the `dest` block of a frame takes its
//! results, a loop's `header` its parameters.
//!
//! Unreachable code (after `br`, `return`, `unreachable`, `br_table`) is not
//! translated: [`Reach`] counts the frames opened inside it until the `end`
//! or `else` that makes code reachable again.

use cranelift_codegen::FxHashMap;

use cranelift_codegen::ir::{Block, BlockArg, Value};

/// What a control frame is.
#[derive(Debug, Clone)]
pub(crate) enum FrameKind {
    /// `block` (or the function body).
    Block,
    /// `loop`: branches go to `header`. `innermost` until a loop opens
    /// inside it.
    Loop { header: Block, innermost: bool },
    /// `if`: `else_block` runs when the condition is zero; its block
    /// parameters are the values the `else` arm starts with, and it
    /// starts with `gas_at_else` pending (see
    /// `Translator::defer_charge`).
    If {
        else_block: Block,
        else_seen: bool,
        gas_at_else: u64,
    },
}

/// One open `block`, `loop` or `if`.
#[derive(Debug, Clone)]
pub(crate) struct Frame {
    pub kind: FrameKind,
    /// The block that follows `end`; its parameters are the results.
    pub dest: Block,
    pub num_params: usize,
    pub num_results: usize,
    /// Operand stack height below the frame's parameters.
    pub base: usize,
    /// Whether anything enters `dest` but `gas_edges`: a branch, or the
    /// fall-through at `end`.
    pub direct_entry: bool,
    /// Taken `br_if` edges to `dest` that carry a pending charge (see
    /// `Translator::defer_charge`), finished at the frame's `end`: when
    /// they are all of `dest`'s entries, `dest` starts with the smallest
    /// of their charges pending and each edge checks the rest of its own;
    /// otherwise each checks its whole charge.
    pub gas_edges: Vec<GasEdge>,
    /// The bounds proven where the frame opened (see
    /// [`super::bounds`]): they hold everywhere inside it and at its `end`,
    /// which that point dominates.
    pub checked_at_entry: FxHashMap<Value, u64>,
}

/// A taken `br_if` edge with a charge pending (see [`Frame::gas_edges`]).
#[derive(Debug, Clone)]
pub(crate) struct GasEdge {
    /// The edge's block: its one predecessor is the `br_if`; it has no
    /// instructions until the frame's `end`.
    pub block: Block,
    /// The charge pending at the `br_if`.
    pub gas: u64,
    /// The values the branch carries to `dest`.
    pub values: Vec<Value>,
}

impl Frame {
    /// Whether anything enters `dest`.
    pub(crate) fn dest_reached(&self) -> bool {
        self.direct_entry || !self.gas_edges.is_empty()
    }

    /// Where a branch to this frame goes, and how many values it carries.
    pub(crate) fn branch_target(&self) -> (Block, usize) {
        match self.kind {
            FrameKind::Loop { header, .. } => (header, self.num_params),
            _ => (self.dest, self.num_results),
        }
    }
}

/// Reachability of the code being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reach {
    /// Translating.
    Live,
    /// Skipping dead code; the number of frames opened in it.
    Dead(u32),
}

/// Block arguments for cranelift's `jump`/`brif`.
pub(crate) fn args(values: &[Value]) -> Vec<BlockArg> {
    values.iter().map(|&v| BlockArg::Value(v)).collect()
}
