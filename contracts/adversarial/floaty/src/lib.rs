//! Floaty: an adversarial contract that really computes with `f64`.
//!
//! Float results may differ across hardware (NaN bit patterns), so the VM must
//! refuse this module at deploy, naming the float instruction, its function
//! and byte offset. `black_box` keeps the arithmetic in the module.

#![no_std]

use core::hint::black_box;

/// Computes `(x * y + x) / y` in `f64` and returns its bits (8 bytes, LE).
#[unsafe(no_mangle)]
pub extern "C" fn compute() {
    let x: f64 = black_box(1.5);
    let y: f64 = black_box(2.25);
    let z = black_box((x * y + x) / y);
    gasket_sdk::return_data(&z.to_bits().to_le_bytes());
}
