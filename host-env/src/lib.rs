//! # gasket-host-env
//!
//! What a node embeds to run contracts: the host functions of `ABI.md`
//! (version 1) over a [`Storage`] the node implements, a transactional
//! [`Overlay`] with nested checkpoints, gas for host calls, synchronous
//! cross-contract calls, and the [`Outcome`] of a call.
//!
//! ```text
//! CallContext ──execute──▶ Frame (instance + host functions) ──▶ Report { Outcome, writes, logs }
//!                            │  └─ call ──▶ nested Frame (checkpoint) ...
//!                            └─ Overlay over Storage (applied on success)
//! ```
//!
//! ## Guarantees
//!
//! - Every host function validates each pointer and length against the
//!   caller's memory (out of bounds is `MemoryOutOfBounds`, never a host
//!   panic) and charges its gas — `base + ceil(per_kib × bytes / 1024)`,
//!   from the one table in `gasket_metering::abi` (documented in
//!   `docs/HOST_GAS.md`) — before it does the work.
//! - A call's writes and events are applied only if it succeeds; a revert,
//!   a trap or out of gas leaves storage as it was and reports the gas
//!   used. The same holds for each cross-contract call, with its own
//!   checkpoint.
//! - Failures of the node (its storage, memory) are [`HostError`]s, never
//!   contract outcomes.
//! - Calls may run at once on many threads over shared `gasket_vm::Module`s;
//!   each call has its own instances, overlay and storage handle.

#![deny(missing_docs)]

mod calls;
mod capabilities;
mod host;
mod overlay;
mod storage;
mod types;

pub use calls::{INIT_METHOD, execute};
pub use capabilities::Capabilities;
pub use overlay::{Checkpoint, Overlay};
pub use storage::{Contract, Contracts, MemoryContracts, MemoryStorage, Storage, StorageError};
pub use types::{
    AbiLimit, Address, BlockInfo, CallContext, CallMode, Event, Outcome, Report, Status, TrapKind,
    Write,
};

/// A failure of the node rather than of the contract: the call has no
/// consensus outcome and nothing was applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HostError {
    /// The node's storage failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// An instance could not be created (its memory could not be
    /// allocated).
    #[error("instantiation failed: {0}")]
    Instantiation(String),
    /// The native-stack backstop fired: the embedder gave the VM too little
    /// native stack (`gasket_vm::EngineConfig::native_stack_bytes`).
    #[error("native stack exhausted")]
    NativeStackExhausted,
    /// A bug: a host function panicked or the VM reported something
    /// impossible.
    #[error("internal error: {0}")]
    Internal(String),
    /// One of the above, in the frame of the call tree that ran `method`
    /// of `contract` at call depth `depth` (0: the call from outside).
    ///
    /// Its message includes the failure's (so it is not also given as the
    /// error's `source`); [`HostError::innermost`] gives the failure.
    #[error("in contract {contract}, method `{method}`, call depth {depth}: {error}")]
    InFrame {
        /// The contract the frame ran.
        contract: Address,
        /// The method it ran.
        method: String,
        /// Its call depth.
        depth: u32,
        /// What failed.
        error: Box<HostError>,
    },
}

impl HostError {
    /// What failed, without the frame it failed in.
    pub fn innermost(&self) -> &HostError {
        match self {
            HostError::InFrame { error, .. } => error.innermost(),
            other => other,
        }
    }
}
