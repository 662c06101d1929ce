//! Inlining small leaf functions into their callers.
//!
//! A `call` of a defined function whose body is at most
//! [`MAX_CALLEE_BYTES`], with at most [`MAX_CALLEE_LOCALS`] parameters
//! and locals, that calls nothing but the metering helpers and cold
//! callees (a panic's call, right before an `unreachable`: [`LeafScan`])
//! is translated in place, unless the call is cold itself: the callee's
//! operators run in the caller's CLIF
//! function, on fresh variables for its locals, with its body as a block
//! whose `end` (and every `return` in it) continues after the call. Rust
//! contracts call such helpers in their hottest loops (`sort_unstable`'s
//! partition step is one), where the call's prologue, epilogue and the
//! registers saved around it cost more than the body.
//!
//! Nothing observable changes: the callee's operators are the same
//! operators, gas charges and stack-height bookkeeping included (its
//! `stack_enter` checks the limit and keeps the new height in a register
//! as a leaf function does, its trap paths store it, its `stack_exit` is
//! nothing: a trap inside it leaves the globals as the call would have),
//! so outcomes and gas are those of the call. Only the native
//! frame changes: the caller's holds the callee's values while it runs,
//! and the callee's units are counted only while it runs. So a function
//! whose frame with inlining exceeds its share of native stack by units
//! (the rule single-pass frames follow, `native_share` in engine.rs) is
//! compiled without inlining.
//!
//! Compile cost stays bounded: a caller inlines at most [`caller_budget`]
//! (twice its size, plus one largest callee) of callee bytes and locals in
//! all, and a callee has at most [`MAX_CALLEE_LOCALS`], so a module
//! translates at most about three times its code plus one small callee per
//! function, whatever its calls. Only the optimising pipeline inlines
//! (see `Engine::compile`): the single-pass tier is chosen for compile
//! time, which inlining costs it.

use gasket_metering::{Injected, ModuleInfo};
use wasmparser::{FunctionBody, Operator, OperatorsReader};

/// Largest callee body (bytes of its code-section entry, locals included,
/// after instrumentation) the optimising pipeline inlines.
pub const MAX_CALLEE_BYTES: usize = 128;

/// Most parameters and declared locals of a callee inlined: each is a
/// variable defined again at every inlined call, work its bytes do not
/// count (a few bytes declare thousands of locals).
pub(crate) const MAX_CALLEE_LOCALS: usize = 32;

/// Size of `body` in bytes (its code-section entry, locals included).
pub(crate) fn body_bytes(body: &FunctionBody<'_>) -> usize {
    let range = body.range();
    usize::try_from(range.end - range.start).unwrap_or(usize::MAX)
}

/// What a caller of `caller_bytes` may inline in all, in units of
/// [`inline_cost`]: twice its size, plus the largest callee (so that a
/// wrapper of one call inlines it). Translation then stays within about
/// three times the module's code, plus one small callee per function,
/// whatever its calls.
pub(crate) fn caller_budget(caller_bytes: usize) -> usize {
    caller_bytes
        .saturating_mul(2)
        .saturating_add(MAX_CALLEE_BYTES + MAX_CALLEE_LOCALS)
}

/// The metering helpers, which are translated as intrinsics rather than
/// called.
pub(crate) fn helpers(injected: &Injected) -> [u32; 5] {
    [
        injected.charge_gas_func,
        injected.charge_dynamic_func,
        injected.charge_bytes_func,
        injected.stack_enter_func,
        injected.stack_exit_func,
    ]
}

/// Whether the next operator `reader` holds is an `unreachable`: a `call`
/// before it is cold. A cold call runs only on the way to a trap, as
/// Rust's panics do (`call $core::panicking::panic; unreachable`), so it
/// costs a function nothing where it returns.
pub(crate) fn next_is_unreachable(reader: &OperatorsReader<'_>) -> bool {
    const UNREACHABLE: u8 = 0x00;
    reader.get_binary_reader().read_u8().ok() == Some(UNREACHABLE)
}

/// Whether a body is a leaf, fed its operators in order with the reader
/// after each: it calls nothing but the metering helpers, except cold
/// calls ([`next_is_unreachable`]). At a cold call a leaf stores its
/// height in the global first, for the callee's `stack_enter`
/// (`visit::call`).
pub(crate) struct LeafScan {
    helpers: [u32; 5],
    leaf: bool,
}

impl LeafScan {
    pub(crate) fn new(injected: &Injected) -> Self {
        LeafScan {
            helpers: helpers(injected),
            leaf: true,
        }
    }

    /// Takes the body's next operator, `op`, and the reader after it.
    pub(crate) fn see(&mut self, op: &Operator<'_>, after: &OperatorsReader<'_>) {
        self.leaf &= match *op {
            Operator::Call { function_index } => {
                self.helpers.contains(&function_index) || next_is_unreachable(after)
            }
            Operator::CallIndirect { .. } => false,
            _ => true,
        };
    }

    /// Whether the operators seen so far make a leaf.
    pub(crate) fn is_leaf(&self) -> bool {
        self.leaf
    }
}

/// What inlining a call of function `index`, of body `body`, costs its
/// caller's budget (its bytes plus its parameters and locals), if calls to
/// it may be inlined: not a metering helper, at most [`MAX_CALLEE_BYTES`]
/// and [`MAX_CALLEE_LOCALS`], and a leaf ([`LeafScan`]: cold calls
/// allowed). A body that does not parse may not be (its own translation
/// reports the error).
pub(crate) fn inline_cost(index: u32, body: &FunctionBody<'_>, info: &ModuleInfo) -> Option<usize> {
    let bytes = body_bytes(body);
    if helpers(&info.injected).contains(&index) || bytes > MAX_CALLEE_BYTES {
        return None;
    }
    let mut locals = info.func_sig(index)?.params.len();
    let mut reader = body.get_locals_reader().ok()?;
    for _ in 0..reader.get_count() {
        let (count, _) = reader.read().ok()?;
        locals = locals.saturating_add(count as usize);
    }
    if locals > MAX_CALLEE_LOCALS {
        return None;
    }
    let mut reader = body.get_operators_reader().ok()?;
    let mut leaf = LeafScan::new(&info.injected);
    while !reader.eof() {
        let op = reader.read().ok()?;
        leaf.see(&op, &reader);
    }
    leaf.is_leaf().then_some(bytes + locals)
}
