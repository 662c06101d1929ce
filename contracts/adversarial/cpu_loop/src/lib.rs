//! cpu_loop: loops forever. Every call must end `Trapped(OutOfGas)`, with
//! all the gas it was given used.
//!
//! Methods (no input, never return):
//! - `run`: a pure arithmetic loop (`black_box` keeps each iteration).
//! - `run_host`: a loop that calls the host (`gas_left`) every iteration, so
//!   host-call gas and the loop's own gas are both exercised.

#![no_std]

use core::hint::black_box;

/// Loops forever without calling the host.
#[unsafe(no_mangle)]
pub extern "C" fn run() {
    let mut x = black_box(0u64);
    loop {
        x = black_box(x.wrapping_add(1));
    }
}

/// Loops forever, calling `gas_left` each iteration.
#[unsafe(no_mangle)]
pub extern "C" fn run_host() {
    loop {
        black_box(gasket_sdk::gas_left());
    }
}
