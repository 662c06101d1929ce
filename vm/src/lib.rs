//! # gasket-vm
//!
//! The backend of Gasket: compiles modules prepared by `gasket-metering`
//! to native code with Cranelift and runs them.
//!
//! ```text
//! Prepared ──Engine::compile──▶ Module ──Instance::new──▶ Instance ──call──▶ results | Trap
//! ```
//!
//! - `translate`: our own wasm → CLIF translator;
//! - `link`: one position-independent code blob per module, mapped W^X;
//! - `runtime`: VM context, instances, memory, libcalls, trap unwinding;
//! - [`cache`]: compiled modules by key, in memory and on disk
//!   ([`Engine::compile_cached`]).
//!
//! ## Guarantees
//!
//! - Generated code never executes a faulting instruction: every trap is an
//!   explicit check that branches to a trap path, which unwinds with
//!   `longjmp` to the entry shim. No signal handler is installed.
//! - Gas and stack height live in the instrumented module's globals and are
//!   updated in place with exactly the semantics of the wasm helpers, so
//!   gas used and trap kinds are those of any conforming engine running the
//!   same instrumented bytes.
//! - Native stack: every function prologue checks the stack pointer
//!   against a limit in the VM context; exhaustion is
//!   [`Trap::NativeStackExhausted`], never a crash.
//! - The code blob holds no absolute address.
//! - Code settings ([`EngineConfig::opt_level`], [`EngineConfig::regalloc`],
//!   [`EngineConfig::baseline`] for the fastest compile) change speed, never
//!   outcomes or gas: those come from the instrumented module.
//!
//! Targets: x86-64 and aarch64 ([`Target`]); the tests pass on both
//! (aarch64 under qemu-user: `scripts/test-vm-aarch64.sh`).

#![deny(missing_docs)]

pub mod cache;
mod engine;
mod error;
mod link;
mod liveness;
mod module;
mod runtime;
pub(crate) mod translate;
mod trap;

pub use cache::{ByteLru, Cache, CacheConfig, CacheKey, CacheStats, DiskConfig, Tier, Tiered};
pub use engine::{
    BASELINE_NATIVE_STACK_BYTES, CpuFeatures, DEFAULT_NATIVE_STACK_BYTES, Engine, EngineConfig,
    FRAME_RESERVE, MIN_SINGLE_PASS_NATIVE_STACK_BYTES, OptLevel, Regalloc, Target,
};
pub use error::{CompileError, InstantiationError, ModuleError};
pub use module::Module;
pub use runtime::instance::{
    Caller, DispatchResolver, ExportFunc, Host, HostFunc, Imports, Instance, Value,
};
pub use runtime::shared::{Extern, Func, Global, Memory, Table};
pub use translate::inline::MAX_CALLEE_BYTES as INLINE_MAX_CALLEE_BYTES;
pub use trap::{Trap, TrapKind};
