//! Inlining small leaf functions into their callers.
//!
//! A `call` of a defined function whose body is at most
//! [`MAX_CALLEE_BYTES`] and calls nothing but the metering helpers is
//! translated in place: the callee's operators run in the caller's CLIF
//! function, on fresh variables for its locals, with its body as a block
//! whose `end` (and every `return` in it) continues after the call. Rust
//! contracts call such helpers in their hottest loops (`sort_unstable`'s
//! partition step is one), where the call's prologue, epilogue and the
//! registers saved around it cost more than the body.
//!
//! Nothing observable changes: the callee's operators are the same
//! operators, gas charges and stack-height bookkeeping included (its
//! `stack_enter` and `stack_exit` update the global as in any non-leaf
//! function, and a trap inside it leaves the globals as the call would
//! have), so outcomes and gas are those of the call. Only the native
//! frame changes: the caller's holds the callee's values while it runs.
//! The deterministic stack limit is unchanged (the callee's units are
//! counted by its own `stack_enter`), and the callee is at most
//! [`MAX_CALLEE_BYTES`] of wasm, so its values add little to the caller's
//! frame.
//!
//! Compile cost stays bounded: a caller inlines at most
//! [`caller_budget`] bytes of callee bodies in all (its own size, or
//! [`MIN_CALLER_BUDGET`] if larger), so a module translates at most twice
//! its code plus a constant per function, whatever its calls. Only the
//! optimising pipeline inlines (see `Engine::compile`): the single-pass
//! tier is chosen for compile time, which inlining costs it.

use gasket_metering::Injected;
use wasmparser::{FunctionBody, Operator};

/// Largest callee body (bytes of its code-section entry, locals included)
/// inlined.
pub(crate) const MAX_CALLEE_BYTES: usize = 128;

/// Callee bytes any caller may inline, however small the caller.
pub(crate) const MIN_CALLER_BUDGET: usize = 1024;

/// Size of `body` in bytes (its code-section entry, locals included).
pub(crate) fn body_bytes(body: &FunctionBody<'_>) -> usize {
    let range = body.range();
    usize::try_from(range.end - range.start).unwrap_or(usize::MAX)
}

/// Bytes of callee bodies a caller of `caller_bytes` may inline.
pub(crate) fn caller_budget(caller_bytes: usize) -> usize {
    caller_bytes.max(MIN_CALLER_BUDGET)
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

/// Whether calls to function `index`, of body `body`, may be inlined: not
/// a metering helper, small, and calling nothing but the helpers. A body
/// that does not parse may not (its own translation reports the error).
pub(crate) fn is_candidate(index: u32, body: &FunctionBody<'_>, injected: &Injected) -> bool {
    let helpers = helpers(injected);
    if helpers.contains(&index) || body_bytes(body) > MAX_CALLEE_BYTES {
        return false;
    }
    let Ok(mut reader) = body.get_operators_reader() else {
        return false;
    };
    while !reader.eof() {
        match reader.read() {
            Ok(Operator::Call { function_index }) if helpers.contains(&function_index) => {}
            Ok(Operator::Call { .. } | Operator::CallIndirect { .. }) | Err(_) => return false,
            Ok(_) => {}
        }
    }
    true
}
