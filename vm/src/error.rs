//! Errors of compilation and instantiation. Each names what failed and where;
//! none carries OS text.

use borsh::{BorshDeserialize, BorshSerialize};
use gasket_metering::PrepareError;

use crate::trap::TrapKind;

/// Why [`crate::Engine::compile`] failed.
///
/// Borsh-encoded in the cache's error artifacts: reordering variants needs a
/// `FORMAT_VERSION` bump.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, BorshSerialize, BorshDeserialize)]
pub enum CompileError {
    /// The module is not what `gasket-metering` produces: an operator or
    /// construct outside the subset reached the backend. A bug upstream.
    #[error("internal error: {what} in function {func} at offset {offset:#x}")]
    Internal {
        /// What was wrong.
        what: String,
        /// Function index (`u32::MAX` outside code).
        func: u32,
        /// Byte offset in the module.
        offset: u64,
    },
    /// Cranelift rejected, failed or panicked on a function (a panic is
    /// caught: the module is rejected, the node keeps running).
    #[error("code generation failed for function {func}: {message}")]
    Codegen {
        /// Function index (for an entry trampoline, its export's; for
        /// an indirect-call trampoline, its type index).
        func: u32,
        /// Cranelift's message.
        message: String,
    },
    /// The code blob could not be mapped. A resource failure of this
    /// machine, not a property of the module: never cached.
    #[error("cannot map executable memory")]
    CodeMemory,
    /// The guard of a function whose native frame is over the reserve
    /// failed to compile or panicked. Whether a function needs a guard
    /// depends on its frame, so on the machine code (the architecture,
    /// the CPU's extensions): a failure of this machine, not a property of
    /// the module, never cached.
    #[error("the native-stack guard of function {func} failed to compile on this machine")]
    FrameGuard {
        /// Function index.
        func: u32,
    },
}

impl CompileError {
    /// Whether the same input always gives this error on every machine
    /// (anything but a failure of this one); only such errors are cached.
    pub fn is_deterministic(&self) -> bool {
        !matches!(
            self,
            CompileError::CodeMemory | CompileError::FrameGuard { .. }
        )
    }
}

/// Why [`crate::Engine::compile_cached`] gave no module: the module was
/// rejected by `prepare`, or could not be compiled. Deterministic (no OS
/// text, path or timing), so a cached error equals a fresh one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, BorshSerialize, BorshDeserialize)]
pub enum ModuleError {
    /// `prepare` rejected the module.
    #[error("prepare: {0}")]
    Prepare(PrepareError),
    /// The backend failed on the prepared module.
    #[error("compile: {0}")]
    Compile(CompileError),
}

impl From<CompileError> for ModuleError {
    fn from(error: CompileError) -> Self {
        ModuleError::Compile(error)
    }
}

impl From<PrepareError> for ModuleError {
    fn from(error: PrepareError) -> Self {
        ModuleError::Prepare(error)
    }
}

impl CompileError {
    pub(crate) fn internal(what: impl Into<String>, func: u32, offset: u64) -> Self {
        CompileError::Internal {
            what: what.into(),
            func,
            offset,
        }
    }
}

/// Why instantiation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InstantiationError {
    /// An imported function the embedder did not supply.
    #[error("missing import {module}.{name}")]
    MissingImport {
        /// Module name.
        module: String,
        /// Item name.
        name: String,
    },
    /// A segment's initialisation trapped (out of memory or table bounds).
    #[error("segment initialisation failed: {0}")]
    Segment(TrapKind),
    /// The start function trapped.
    #[error("start function failed: {0}")]
    Start(crate::trap::Trap),
    /// The module was compiled for another architecture.
    #[error("module compiled for {module:?}, this machine is {host:?}")]
    WrongTarget {
        /// The module's target.
        module: crate::engine::Target,
        /// The host's, if supported.
        host: Option<crate::engine::Target>,
    },
    /// An imported item does not fit the import.
    #[error("import {module}.{name}: incompatible {reason}")]
    IncompatibleImport {
        /// Module name.
        module: String,
        /// Item name.
        name: String,
        /// What does not match.
        reason: String,
    },
    /// An imported memory is held by a running host function's
    /// [`crate::Caller`]: the data segments would write under its view.
    #[error("import {module}.{name}: the memory is held by a running host function")]
    MemoryLent {
        /// Module name.
        module: String,
        /// Item name.
        name: String,
    },
    /// An imported item is used by instances another thread runs.
    #[error("an import is shared with instances another thread runs")]
    Shared,
    /// Memory for the instance could not be reserved.
    #[error("cannot allocate linear memory of {pages} pages")]
    Memory {
        /// Pages requested.
        pages: u32,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_of_this_machine_are_not_cached() {
        assert!(!CompileError::CodeMemory.is_deterministic());
        assert!(!CompileError::FrameGuard { func: 3 }.is_deterministic());
        let codegen = CompileError::Codegen {
            func: 3,
            message: "unsupported".into(),
        };
        assert!(codegen.is_deterministic());
    }
}
