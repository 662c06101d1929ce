//! deep_recursion: recurses without bound. Every call must end
//! `Trapped(StackOverflow)` (the VM's deterministic stack-height limit),
//! not `OutOfGas` (unless the gas limit is tiny) and not a host crash.
//!
//! Methods (no input):
//! - `run`: non-tail recursion of one small function.
//! - `run_mutual`: the same through two mutually recursive functions.
//!
//! LLVM must not turn the recursion into a loop nor prove it infinite: the
//! stop condition compares with a volatile load of a static (opaque to the
//! optimiser, and never true), and a volatile store of the callee's result
//! after each call keeps the call out of tail position. Volatile accesses to
//! a static touch one fixed address, not Rust's shadow stack in linear
//! memory, so each frame lives in wasm locals only (checked in the `.wat`:
//! no `global.get 0` in the recursive functions) and the recursion cannot
//! end in `MemoryOutOfBounds` instead.

#![no_std]

use core::ptr::{read_volatile, write_volatile};

/// Never reached: the recursion's opaque stop value.
static LIMIT: u64 = u64::MAX;
/// Where results go (a side effect after every call).
static mut SINK: u64 = 0;

fn limit() -> u64 {
    // SAFETY: a plain read of a static.
    unsafe { read_volatile(&raw const LIMIT) }
}

fn sink(v: u64) {
    // SAFETY: single-threaded; SINK is only written through volatile stores.
    unsafe { write_volatile(&raw mut SINK, v) }
}

#[inline(never)]
fn recurse(n: u64) -> u64 {
    if n == limit() {
        return 0;
    }
    let r = recurse(n.wrapping_add(1));
    sink(r);
    r.wrapping_mul(3).wrapping_add(n)
}

#[inline(never)]
fn ping(n: u64) -> u64 {
    if n == limit() {
        return 1;
    }
    let r = pong(n.wrapping_add(1));
    sink(r);
    r.wrapping_add(n)
}

#[inline(never)]
fn pong(n: u64) -> u64 {
    if n == limit() {
        return 2;
    }
    let r = ping(n.wrapping_add(1));
    sink(r);
    r.wrapping_mul(n | 1)
}

/// Recurses until the VM's stack limit; returns never (in practice).
#[unsafe(no_mangle)]
pub extern "C" fn run() {
    let r = recurse(limit().wrapping_add(1));
    gasket_sdk::return_data(&r.to_le_bytes());
}

/// Mutual recursion until the VM's stack limit.
#[unsafe(no_mangle)]
pub extern "C" fn run_mutual() {
    let r = ping(limit().wrapping_add(1));
    gasket_sdk::return_data(&r.to_le_bytes());
}
