//! The frame cost of a function for the deterministic stack-height limit.
//!
//! ```text
//! frame_cost = params + declared locals + max operand stack height + frame_overhead
//! ```
//!
//! The maximum operand stack height is the largest height wasmparser's
//! validator reports after any operator of the body (wasmparser is pinned
//! exactly, so the number cannot drift under us). All terms are bounded by
//! the limits, so the sum fits in a `u32` with a wide margin.

use crate::config::StackLimits;

/// Units one activation of the function adds to the stack-height counter.
pub(crate) fn frame_cost(
    params: u32,
    locals: u64,
    max_operand_height: u32,
    stack: &StackLimits,
) -> u32 {
    let total = u64::from(params)
        + locals
        + u64::from(max_operand_height)
        + u64::from(stack.frame_overhead);
    u32::try_from(total).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_all_terms() {
        let stack = StackLimits {
            limit: 100,
            frame_overhead: 4,
        };
        assert_eq!(frame_cost(2, 3, 5, &stack), 14);
    }
}
