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

use std::collections::HashMap;

use cranelift_codegen::ir::{Block, BlockArg, Value};

/// What a control frame is.
#[derive(Debug, Clone)]
pub(crate) enum FrameKind {
    /// `block` (or the function body).
    Block,
    /// `loop`: branches go to `header`.
    Loop { header: Block },
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
    /// Whether anything jumps to `dest`.
    pub dest_reached: bool,
    /// The bounds proven where the frame opened (see
    /// [`super::bounds`]): they hold everywhere inside it and at its `end`,
    /// which that point dominates.
    pub checked_at_entry: HashMap<Value, u64>,
}

impl Frame {
    /// Where a branch to this frame goes, and how many values it carries.
    pub(crate) fn branch_target(&self) -> (Block, usize) {
        match self.kind {
            FrameKind::Loop { header } => (header, self.num_params),
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
