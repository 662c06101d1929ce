//! # gasket-metering
//!
//! The first stage of Gasket: every contract passes through [`prepare`]
//! before it is compiled. It
//!
//! 1. checks the module against Gasket's deterministic subset and the limits
//!    of [`Config`], naming the feature or limit, the function and the byte
//!    offset of anything it rejects ([`PrepareError`]);
//! 2. checks imports and exports against a [`Policy`] (by default the
//!    contract ABI, [`ContractAbi`]);
//! 3. injects gas metering and the deterministic stack-height limiter;
//! 4. re-encodes the module with wasm-encoder.
//!
//! ## Guarantees
//!
//! - The output is a valid, self-contained WebAssembly module: any
//!   conforming engine that runs it charges the same gas and hits the stack
//!   limit at the same depth. Gas lives in an exported mutable i64 global
//!   ([`GAS_EXPORT`]) that the host sets before a call and reads after;
//!   `-1` there after a trap means out of gas. The stack height lives in
//!   [`STACK_EXPORT`]; `-1` after a trap means stack overflow. Both must be
//!   reset (gas to the limit, height to 0) before each call.
//! - The same (bytes, config) always gives the same output, bit for bit,
//!   and the same error, however many threads share the work on bodies
//!   (none unless the caller asks: [`parallel::with_split`]).
//! - Work is linear in the module size; every limit is checked before the
//!   work it bounds. No input makes it panic.
//!
//! ## How gas is charged
//!
//! See [`analysis::gas`] for where metering points go and [`inject`] for
//! what is injected. In short: each straight-line segment of code pays its
//! whole cost (the sum of its operators' costs in [`CostSchedule`]) before
//! it runs; `memory.grow`, `memory.copy`, `memory.fill` and `memory.init`
//! additionally pay per page or byte, from their operand, before they run.

#![deny(missing_docs)]

mod abi;
pub mod analysis;
mod config;
mod error;
mod gate;
mod info;
pub mod inject;
pub mod parallel;
mod policy;
mod schedule;

pub use abi::{AbiLimits, HostCost, HostCosts, HostFn, host_gas_table};
pub use analysis::module::{FEATURES, RESERVED_PREFIX};
pub use config::{CODE_LOADING, Config, Limits, MAX_DYNAMIC_RATE, StackLimits};
pub use error::{ErrorKind, Feature, Limit, PolicyViolation, PrepareError};
pub use info::{
    Export, ExportKind, FuncSig, GlobalSig, Import, ImportKind, Injected, Limits as SizeLimits,
    ModuleInfo, ValType,
};
pub use policy::{ContractAbi, HOST_MODULE, ItemType, Permissive, Policy};
pub use schedule::{
    CostClass, CostSchedule, OpClass, TABLE_ELEMENT_BYTES, all_operators, op_class, op_name,
};

/// Export name of the gas global (mutable i64).
pub const GAS_EXPORT: &str = "__gasket_gas";
/// Export name of the stack-height global (mutable i32).
pub const STACK_EXPORT: &str = "__gasket_stack";
/// Export name of the module's start function, which instantiation no longer
/// runs: the host calls it, with gas set, right after instantiation.
pub const START_EXPORT: &str = "__gasket_start";

/// A module ready for compilation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    /// The instrumented module.
    pub wasm: Vec<u8>,
    /// What the VM needs to know about it.
    pub info: ModuleInfo,
    /// blake3 of the original bytes.
    pub code_hash: [u8; 32],
    /// blake3 of the canonical encoding of the config ([`Config::hash`]).
    pub config_hash: [u8; 32],
}

/// Prepares a contract under the contract ABI policy.
pub fn prepare(wasm: &[u8], config: &Config) -> Result<Prepared, PrepareError> {
    prepare_with_policy(wasm, config, &ContractAbi)
}

/// Prepares a module under any import/export policy.
pub fn prepare_with_policy(
    wasm: &[u8],
    config: &Config,
    policy: &dyn Policy,
) -> Result<Prepared, PrepareError> {
    config.validate()?;
    // A panic (a bug, here or in wasmparser or wasm-encoder) rejects the
    // module instead of unwinding into the node.
    let prepared = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let analysis = analysis::module::analyze_module(wasm, config, policy)?;
        inject::instrument(wasm, &analysis, config)
    }));
    let (instrumented, info) = match prepared {
        Ok(result) => result?,
        Err(panic) => return Err(PrepareError::internal(panic_message(&*panic))),
    };
    Ok(Prepared {
        wasm: instrumented,
        info,
        code_hash: *blake3::hash(wasm).as_bytes(),
        config_hash: config.hash(),
    })
}

/// The message of a caught panic (`panic!` with a literal or a format),
/// for errors that report one.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)")
}
