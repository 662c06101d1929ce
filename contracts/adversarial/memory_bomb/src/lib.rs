//! memory_bomb: grows linear memory until the VM refuses.
//!
//! Methods (no input):
//! - `run`: `memory.grow(1)` until it returns -1, then returns the final page
//!   count as a 4-byte little-endian `u32` (the VM's page limit, 512 by
//!   default, unless gas ran out first: then `Trapped(OutOfGas)`).
//! - `run_revert`: the same, but then reverts `"memory refused at <n>
//!   pages"` (decimal `n`).
//! - `grow_huge`: one `memory.grow(65536)` (4 GiB, more than wasm32 can
//!   address): returns the result as a 4-byte LE `i32`, which must be -1.
//!
//! No allocator: the module's only memory use is the stack.

#![no_std]

use core::arch::wasm32::{memory_grow, memory_size};

/// Grows memory one page at a time until refused; the final page count.
fn grow_until_refused() -> u32 {
    while memory_grow(0, 1) != usize::MAX {}
    memory_size(0) as u32
}

/// Grows until refused, returns the page count (u32 LE).
#[unsafe(no_mangle)]
pub extern "C" fn run() {
    let pages = grow_until_refused();
    gasket_sdk::return_data(&pages.to_le_bytes());
}

/// Grows until refused, reverts `"memory refused at <n> pages"`.
#[unsafe(no_mangle)]
pub extern "C" fn run_revert() {
    let n = grow_until_refused();
    let mut msg = Msg {
        buf: [0; 48],
        len: 0,
    };
    msg.push(b"memory refused at ");
    // Decimal digits, most significant first (n < 10^10).
    let mut div = 1_000_000_000;
    while div > 1 && n / div == 0 {
        div /= 10;
    }
    while div > 0 {
        msg.push(&[b'0' + (n / div % 10) as u8]);
        div /= 10;
    }
    msg.push(b" pages");
    gasket_sdk::revert_bytes(msg.buf.get(..msg.len).unwrap_or_default())
}

/// A fixed buffer that drops what does not fit (no panics, so no
/// formatting code in the module).
struct Msg {
    buf: [u8; 48],
    len: usize,
}

impl Msg {
    fn push(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if let Some(slot) = self.buf.get_mut(self.len) {
                *slot = b;
                self.len += 1;
            }
        }
    }
}

/// One `memory.grow(65536)`; returns its result (i32 LE; -1 expected).
#[unsafe(no_mangle)]
pub extern "C" fn grow_huge() {
    let r = memory_grow(0, 65536) as i32;
    gasket_sdk::return_data(&r.to_le_bytes());
}
