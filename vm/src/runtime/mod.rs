//! Instances and everything generated code calls at run time.
//!
//! - [`vmctx`]: the VM context layout generated code relies on;
//! - [`instance`]: instantiation, typed calls, gas;
//! - [`memory`]: linear memory, reserved up to its maximum;
//! - [`shared`]: memories, tables, globals and functions shared between
//!   instances (spec linking; never contracts);
//! - [`libcalls`]: the Rust functions generated code calls;
//! - [`unwind`]: entering generated code and unwinding from traps.

pub(crate) mod instance;
pub(crate) mod libcalls;
pub(crate) mod memory;
pub(crate) mod shared;
pub(crate) mod unwind;
pub(crate) mod vmctx;
