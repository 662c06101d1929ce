//! Shared by Gasket's tests and fuzz targets, so that CI replays on fixed
//! seeds exactly what the fuzzers run.
//!
//! - [`smith`]: wasm-smith modules inside the accepted subset, from a seed or
//!   from fuzzer bytes.
//! - [`wasmi_oracle`]: runs instrumented modules in wasmi, playing the host's
//!   part of the metering contract (gas and stack globals, sentinels).
//! - [`differential`]: Gasket against the wasmi oracle on one module, and
//!   a cold compile against the same module loaded from the cache.
//! - [`cache`]: a disk-level cache in a temporary directory, valid artifact
//!   files and their mutations.
//! - [`contract`]: token and escrow through host-env against a model of
//!   their state.
//! - [`targets`]: the bodies of the fuzz targets, with seeded smoke tests.
//! - [`shapes`]: adversarial module shapes for compile-cost tests and
//!   benches.
//! - [`loops`]: counted loops in the shapes the VM versions, at their
//!   guards' edges, in every engine and in wasmi.

#![deny(missing_docs)]

pub mod cache;
pub mod contract;
pub mod differential;
pub mod loops;
pub mod shapes;
pub mod smith;
pub mod targets;
pub mod wasmi_oracle;

/// Panics on [`gasket_metering::ErrorKind::Internal`]: `prepare` caught a
/// panic of its own, which the fuzz targets must report as the crash it
/// was. Any other rejection is a verdict on the module, and passes.
pub fn panic_if_internal(error: &gasket_metering::PrepareError, label: &str) {
    if matches!(error.kind(), gasket_metering::ErrorKind::Internal { .. }) {
        panic!("{label}: prepare: {error}");
    }
}
