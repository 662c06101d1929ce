//! Traps: how a call into generated code can end other than by returning.
//!
//! Every trap is an explicit check in generated code that branches to a trap
//! path; the path calls the `raise_trap` libcall, which longjmps back to the
//! entry shim (see [`crate::runtime::unwind`]). The code travels as a `u32`
//! ([`TrapKind::code`]); `0` is never used.

/// The trap kinds of ABI.md that generated code raises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrapKind {
    /// `unreachable` executed.
    Unreachable,
    /// Integer division or remainder by zero.
    IntegerDivideByZero,
    /// Signed division overflow (`MIN / -1`).
    IntegerOverflow,
    /// A memory access, `memory.copy`/`fill`/`init` or data segment outside
    /// linear memory.
    MemoryOutOfBounds,
    /// `call_indirect` index, or an element segment, outside the table.
    TableOutOfBounds,
    /// `call_indirect` to an empty table entry.
    IndirectCallToNull,
    /// `call_indirect` to a function of another type.
    IndirectCallSignatureMismatch,
    /// Gas ran out; the gas global holds `-1` (the sentinel of
    /// `gasket_metering::inject::helpers`).
    OutOfGas,
    /// The deterministic stack-height limit was exceeded; the stack global
    /// holds `-1`.
    StackOverflow,
}

/// Code of the native-stack backstop ([`Trap::NativeStackExhausted`]).
pub(crate) const CODE_NATIVE_STACK: u32 = 10;
/// Code of a host function's error (the [`Trap`] waits in the instance).
pub(crate) const CODE_HOST: u32 = 11;

impl TrapKind {
    /// Every kind, in code order.
    pub const ALL: [TrapKind; 9] = [
        TrapKind::Unreachable,
        TrapKind::IntegerDivideByZero,
        TrapKind::IntegerOverflow,
        TrapKind::MemoryOutOfBounds,
        TrapKind::TableOutOfBounds,
        TrapKind::IndirectCallToNull,
        TrapKind::IndirectCallSignatureMismatch,
        TrapKind::OutOfGas,
        TrapKind::StackOverflow,
    ];

    /// The non-zero code passed to `raise_trap`.
    pub(crate) const fn code(self) -> u32 {
        self as u32 + 1
    }

    pub(crate) fn from_code(code: u32) -> Option<TrapKind> {
        Self::ALL.get((code as usize).checked_sub(1)?).copied()
    }
}

impl std::fmt::Display for TrapKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self, f)
    }
}

/// Why a call did not return normally.
///
/// Messages are deterministic: no OS text, paths or timings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Trap {
    /// A trap of the wasm code.
    #[error("trap: {0}")]
    Wasm(TrapKind),
    /// The native-stack backstop fired before the deterministic limit did.
    /// Not a consensus outcome: it means the embedder gave the VM too little
    /// native stack ([`crate::EngineConfig::native_stack_bytes`]).
    #[error("native stack exhausted")]
    NativeStackExhausted,
    /// A host function failed.
    #[error("host function failed: {0}")]
    Host(String),
    /// No exported function of that name.
    #[error("no exported function {0:?}")]
    NoSuchExport(String),
    /// Arguments that do not match the export's parameter types.
    #[error("arguments do not match the signature of {0:?}")]
    BadArguments(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_avoid_special_codes() {
        for kind in TrapKind::ALL {
            let code = kind.code();
            assert_ne!(code, 0);
            assert_ne!(code, CODE_NATIVE_STACK);
            assert_ne!(code, CODE_HOST);
            assert_eq!(TrapKind::from_code(code), Some(kind));
        }
        assert_eq!(TrapKind::from_code(0), None);
        assert_eq!(TrapKind::from_code(CODE_NATIVE_STACK), None);
    }
}
