//! large: a contract of real library code for the engine comparison
//! (`benches/benches/compare.rs`, issue 4's "one large contract mixing
//! them (150 KB+)"). Like `workloads` it has no imports, so Gasket
//! (metered), wasmtime and wasmi run the same bytes, and every export takes
//! one `i32` and returns an `i64` the bench compares across engines.
//!
//! - `ed25519(n)`: `n` Ed25519 `verify_strict` checks (ed25519-dalek).
//! - `secp256k1(n)`: `n` Ethereum-style checks: Keccak-256, public-key
//!   recovery, address comparison and ECDSA verification (k256); every
//!   eighth a BIP-340 Schnorr verification instead.
//! - `p256(n)`: `n` P-256 ECDSA verifications with SHA-256 (p256), keys
//!   SEC1-compressed.
//! - `p384(n)`: the same with P-384 and SHA-384 (p384).
//!
//!   The three signature exports return `accepted << 32 | rejected`. The
//!   signatures are fixed vectors in `vectors.rs` (RFC 8032's first two,
//!   the rest signed once on the host from fixed keys); every fourth check
//!   (index ≡ 3 mod 4) flips a bit of the message and must be rejected, so
//!   the answer for `n` is `(n - n/4) << 32 | n/4`.
//! - `hashes(n)`: `n` rounds of SHA-256, SHA-512, Keccak-256, SHA3-256,
//!   BLAKE2b, BLAKE2s and RIPEMD-160 over a 1 KiB buffer (hash compression
//!   loops and bulk copies).
//! - `sign(n)`: `n` rounds of Ed25519, secp256k1 and P-256 ECDSA signing
//!   (RFC 6979 nonces) from fixed keys, each signature verified.
//! - `mixed(n)`: a block of `n` (≤ 4096) transfers: build, borsh encode and
//!   decode, one Ed25519 check, sort, a recursive Merkle root, balances in a
//!   `BTreeMap`, Keccak of the block (calls, hashing, sorting, copying).
//!
//! No floats (Gasket rejects them): nothing here formats, and the panic
//! handler is a trap. Memory: a bump allocator over linear memory that
//! every export resets on entry, so an instance can be called any number of
//! times.
//!
//! The logic lives in `logic.rs`, which also compiles natively: the
//! expected results of `hashes` and `mixed` in the root workspace's test
//! were computed by that native build and agree with every engine.

#![no_std]

extern crate alloc;

mod logic;
mod vectors;

use core::alloc::{GlobalAlloc, Layout};
use core::cell::Cell;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// A bump allocator that frees nothing until [`Arena::reset`], which each
/// export calls on entry (nothing allocated outlives a call).
struct Arena {
    /// Start of the heap (`__heap_base`), 0 before first use.
    base: Cell<usize>,
    /// Next free byte.
    next: Cell<usize>,
}

// SAFETY: a Gasket contract is single-threaded (no threads or atomics).
unsafe impl Sync for Arena {}

const PAGE: usize = 65536;

impl Arena {
    fn reset(&self) {
        if self.base.get() == 0 {
            unsafe extern "C" {
                // Defined by wasm-ld: the first byte after data and stack.
                static __heap_base: u8;
            }
            self.base.set(&raw const __heap_base as usize);
        }
        self.next.set(self.base.get());
    }
}

unsafe impl GlobalAlloc for Arena {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if self.base.get() == 0 {
            self.reset();
        }
        let start = (self.next.get() + layout.align() - 1) & !(layout.align() - 1);
        let Some(end) = start.checked_add(layout.size()) else {
            return core::ptr::null_mut();
        };
        let have = core::arch::wasm32::memory_size::<0>() * PAGE;
        if end > have
            && core::arch::wasm32::memory_grow::<0>((end - have).div_ceil(PAGE)) == usize::MAX
        {
            return core::ptr::null_mut();
        }
        self.next.set(end);
        start as *mut u8
    }

    unsafe fn dealloc(&self, _ptr: *mut u8, _layout: Layout) {}
}

#[global_allocator]
static ARENA: Arena = Arena {
    base: Cell::new(0),
    next: Cell::new(0),
};

/// `n` Ed25519 checks; `accepted << 32 | rejected`.
#[unsafe(no_mangle)]
pub extern "C" fn ed25519(n: i32) -> i64 {
    ARENA.reset();
    logic::ed25519(n as u32) as i64
}

/// `n` secp256k1 checks (ECDSA with recovery, some Schnorr);
/// `accepted << 32 | rejected`.
#[unsafe(no_mangle)]
pub extern "C" fn secp256k1(n: i32) -> i64 {
    ARENA.reset();
    logic::secp256k1(n as u32) as i64
}

/// `n` P-256 checks; `accepted << 32 | rejected`.
#[unsafe(no_mangle)]
pub extern "C" fn p256(n: i32) -> i64 {
    ARENA.reset();
    logic::p256(n as u32) as i64
}

/// `n` P-384 checks; `accepted << 32 | rejected`.
#[unsafe(no_mangle)]
pub extern "C" fn p384(n: i32) -> i64 {
    ARENA.reset();
    logic::p384(n as u32) as i64
}

/// `n` rounds of seven hashes over 1 KiB; 8 bytes of the result.
#[unsafe(no_mangle)]
pub extern "C" fn hashes(n: i32) -> i64 {
    ARENA.reset();
    logic::hashes(n as u32) as i64
}

/// `n` rounds of signing and verifying with Ed25519, secp256k1 and P-256.
#[unsafe(no_mangle)]
pub extern "C" fn sign(n: i32) -> i64 {
    ARENA.reset();
    logic::sign(n as u32) as i64
}

/// A block of `n` transfers processed end to end; an 8-byte digest.
#[unsafe(no_mangle)]
pub extern "C" fn mixed(n: i32) -> i64 {
    ARENA.reset();
    logic::mixed(n as u32) as i64
}
