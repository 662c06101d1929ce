//! host_abuse: hands host functions pointers and lengths outside linear
//! memory. Each method makes exactly one bad host call (after at most a few
//! valid ones) and must end `Trapped(MemoryOutOfBounds)`; none may crash the
//! host, read or write host memory, or succeed.
//!
//! `END` below is the end of linear memory in bytes (`memory.size * 65536`,
//! read at run time; the module never grows memory). Pointers and lengths
//! are `i32`s that the host reads as unsigned.
//!
//! | method | bad call | kind of bug it catches |
//! |---|---|---|
//! | `ptr_past_end` | `return_data(END + 64, 1)` | start beyond memory |
//! | `ptr_at_end` | `return_data(END, 1)` | off by one at the end |
//! | `range_straddles_end` | `return_data(END - 4, 8)` | start in, end out |
//! | `len_wraps` | `return_data(0xFFFF_FFF0, 0x20)` | `ptr + len` wraps to `0x10` in 32 bits |
//! | `huge_len_wraps` | `return_data(16, 0xFFFF_FFF8)` | `ptr + len` wraps to 8 in 32 bits (see below) |
//! | `write_past_end` | `caller(END - 16)` | 32-byte write straddling the end |
//! | `write_ptr_wraps` | `self_address(0xFFFF_FFF0)` | `dst + 32` wraps |
//! | `key_past_end` | `storage_write(END, 4, valid, 1)` | key range out |
//! | `value_len_wraps` | `storage_write(valid, 1, 0xFFFF_FFF0, 0x20)` | value range wraps |
//! | `read_into_past_end` | `storage_write(b"k", 16 bytes)` then `storage_read(b"k", END - 1, 16)` | copy-out range straddles the end |
//! | `input_read_past_end` | `input_read(END - 2)` | needs an input of at least 3 bytes |
//! | `blake3_src_wraps` | `blake3(0xFFFF_FF00, 0x200, valid)` | source wraps |
//! | `blake3_dst_past_end` | `blake3(valid, 4, END - 8)` | 32-byte digest straddles the end |
//! | `event_topic_past_end` | `emit_event(END, 4, valid, 1)` | topic range out |
//! | `log_past_end` | `debug_log(END - 2, 16)` | a non-consensus function still checks |
//! | `revert_past_end` | `revert(END + 8, 4)` | must be `MemoryOutOfBounds`, not `Reverted` |
//! | `call_addr_past_end` | `call(END - 8, valid method, ...)` | 32-byte address straddles the end |
//! | `call_method_wraps` | `call(valid addr, 0xFFFF_FFF8, 0x10, ...)` | method name range wraps |
//!
//! `huge_len_wraps` passes a length near 4 GiB: a host that checks the
//! return-data length limit, or charges per-byte gas, before bounds ends it
//! in `LimitExceeded` or `OutOfGas` instead; any of the three is safe, a
//! success is a bug. All other lengths are small (≤ 0x200), below every
//! default limit.

#![no_std]

use core::arch::wasm32::memory_size;
use gasket_sdk::sys;

/// End of linear memory in bytes.
fn end() -> u32 {
    (memory_size(0) as u32).wrapping_mul(65536)
}

/// An `i32` address as a pointer for the raw imports (never dereferenced by
/// Rust).
fn p(addr: u32) -> *mut u8 {
    addr as usize as *mut u8
}

static VALID: [u8; 32] = [7; 32];

fn valid() -> *const u8 {
    VALID.as_ptr()
}

/// `return_data(END + 64, 1)`.
#[unsafe(no_mangle)]
pub extern "C" fn ptr_past_end() {
    unsafe { sys::return_data(p(end().wrapping_add(64)), 1) }
}

/// `return_data(END, 1)`.
#[unsafe(no_mangle)]
pub extern "C" fn ptr_at_end() {
    unsafe { sys::return_data(p(end()), 1) }
}

/// `return_data(END - 4, 8)`.
#[unsafe(no_mangle)]
pub extern "C" fn range_straddles_end() {
    unsafe { sys::return_data(p(end() - 4), 8) }
}

/// `return_data(0xFFFF_FFF0, 0x20)`.
#[unsafe(no_mangle)]
pub extern "C" fn len_wraps() {
    unsafe { sys::return_data(p(0xFFFF_FFF0), 0x20) }
}

/// `return_data(16, 0xFFFF_FFF8)`.
#[unsafe(no_mangle)]
pub extern "C" fn huge_len_wraps() {
    unsafe { sys::return_data(p(16), 0xFFFF_FFF8) }
}

/// `caller(END - 16)`.
#[unsafe(no_mangle)]
pub extern "C" fn write_past_end() {
    unsafe { sys::caller(p(end() - 16)) }
}

/// `self_address(0xFFFF_FFF0)`.
#[unsafe(no_mangle)]
pub extern "C" fn write_ptr_wraps() {
    unsafe { sys::self_address(p(0xFFFF_FFF0)) }
}

/// `storage_write(END, 4, valid, 1)`.
#[unsafe(no_mangle)]
pub extern "C" fn key_past_end() {
    unsafe { sys::storage_write(p(end()), 4, valid(), 1) }
}

/// `storage_write(valid, 1, 0xFFFF_FFF0, 0x20)`.
#[unsafe(no_mangle)]
pub extern "C" fn value_len_wraps() {
    unsafe { sys::storage_write(valid(), 1, p(0xFFFF_FFF0), 0x20) }
}

/// Writes 16 bytes under `b"k"`, then `storage_read(b"k", END - 1, 16)`.
#[unsafe(no_mangle)]
pub extern "C" fn read_into_past_end() {
    gasket_sdk::storage_write(b"k", &VALID[..16]);
    unsafe {
        core::hint::black_box(sys::storage_read(b"k".as_ptr(), 1, p(end() - 1), 16));
    }
}

/// `input_read(END - 2)` (call it with at least 3 bytes of input).
#[unsafe(no_mangle)]
pub extern "C" fn input_read_past_end() {
    unsafe { sys::input_read(p(end() - 2)) }
}

/// `blake3(0xFFFF_FF00, 0x200, valid)`.
#[unsafe(no_mangle)]
pub extern "C" fn blake3_src_wraps() {
    let mut out = [0u8; 32];
    unsafe { sys::blake3(p(0xFFFF_FF00), 0x200, out.as_mut_ptr()) }
    core::hint::black_box(&out);
}

/// `blake3(valid, 4, END - 8)`.
#[unsafe(no_mangle)]
pub extern "C" fn blake3_dst_past_end() {
    unsafe { sys::blake3(valid(), 4, p(end() - 8)) }
}

/// `emit_event(END, 4, valid, 1)`.
#[unsafe(no_mangle)]
pub extern "C" fn event_topic_past_end() {
    unsafe { sys::emit_event(p(end()), 4, valid(), 1) }
}

/// `debug_log(END - 2, 16)`.
#[unsafe(no_mangle)]
pub extern "C" fn log_past_end() {
    unsafe { sys::debug_log(p(end() - 2), 16) }
}

/// `revert(END + 8, 4)`.
#[unsafe(no_mangle)]
pub extern "C" fn revert_past_end() {
    unsafe { sys::revert(p(end().wrapping_add(8)), 4) }
}

/// `call(END - 8, "x", ...)`: the 32-byte address straddles the end.
#[unsafe(no_mangle)]
pub extern "C" fn call_addr_past_end() {
    unsafe {
        core::hint::black_box(sys::call(
            p(end() - 8),
            b"x".as_ptr(),
            1,
            valid(),
            0,
            10_000,
        ));
    }
}

/// `call(valid, 0xFFFF_FFF8, 0x10, ...)`: the method name wraps.
#[unsafe(no_mangle)]
pub extern "C" fn call_method_wraps() {
    unsafe {
        core::hint::black_box(sys::call(valid(), p(0xFFFF_FFF8), 0x10, valid(), 0, 10_000));
    }
}
