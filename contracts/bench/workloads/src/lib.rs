//! workloads: the compute half of the engine comparison
//! (`benches/benches/compare.rs`, issues 3 and 4). One import,
//! `env.read` (for `host_reads`), which every engine supplies the same
//! way, so Gasket (metered), wasmtime (with and without fuel) and wasmi
//! (with fuel) run the same module; each export returns a checksum that
//! the bench compares across engines, so no engine can skip the work.
//!
//! - `fib(n)`: recursive Fibonacci (calls and returns).
//! - `hash(blocks)`: SHA-256 compression over `blocks` 64-byte blocks
//!   (32-bit ALU: rotates, adds, xors).
//! - `sort(n)`: `sort_unstable` of `n` (≤ 16,384) pseudo-random words
//!   (loads, stores, branches).
//! - `copy(rounds)`: `rounds` copies and fills of 32 KiB buffers
//!   (`memory.copy` and `memory.fill`).
//! - `nop(x)`: returns `x`, for the cost of a call.
//! - `host_reads(n)`: `n` calls of the imported `env.read(key_ptr,
//!   key_len, out_ptr) -> len` on an 8-byte key (the round trip of a
//!   `storage_read` of a small key; the bench supplies it to every engine).
//!
//! Every export takes one `i32` and returns an `i64`, so the bench calls
//! each through the same typed path.

#![no_std]

use core::hint::black_box;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// Returns its argument: the cost of entering and leaving the engine.
#[unsafe(no_mangle)]
pub extern "C" fn nop(x: i32) -> i64 {
    x as i64
}

#[link(wasm_import_module = "env")]
unsafe extern "C" {
    fn read(key_ptr: *const u8, key_len: u32, out_ptr: *mut u8) -> i32;
}

/// Reads the value of the 8-byte key `balance\0` `n` times from the host;
/// returns the sum of the lengths and one byte of each value.
#[unsafe(no_mangle)]
pub extern "C" fn host_reads(n: i32) -> i64 {
    let key = *b"balance\0";
    let mut out = [0u8; 32];
    let mut sum = 0i64;
    for i in 0..n as usize {
        // SAFETY: `key` and `out` outlive the call; the host writes at most
        // 32 bytes (the bench's value), within `out`.
        let len = unsafe { read(key.as_ptr(), key.len() as u32, out.as_mut_ptr()) };
        sum = sum.wrapping_add(len as i64 + out[i % 32] as i64);
    }
    sum
}

#[inline(never)]
fn fib_rec(n: u32) -> u64 {
    if n < 2 {
        n as u64
    } else {
        fib_rec(black_box(n - 1)) + fib_rec(black_box(n - 2))
    }
}

/// The `n`th Fibonacci number, computed with two recursive calls per step.
#[unsafe(no_mangle)]
pub extern "C" fn fib(n: i32) -> i64 {
    fib_rec(n as u32) as i64
}

const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

fn compress(state: &mut [u32; 8], block: &[u32; 16]) {
    let mut w = [0u32; 64];
    w[..16].copy_from_slice(block);
    for i in 16..64 {
        let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
        let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16]
            .wrapping_add(s0)
            .wrapping_add(w[i - 7])
            .wrapping_add(s1);
    }
    let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = *state;
    for i in 0..64 {
        let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
        let ch = (e & f) ^ (!e & g);
        let t1 = h
            .wrapping_add(s1)
            .wrapping_add(ch)
            .wrapping_add(K[i])
            .wrapping_add(w[i]);
        let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
        let maj = (a & b) ^ (a & c) ^ (b & c);
        let t2 = s0.wrapping_add(maj);
        h = g;
        g = f;
        f = e;
        e = d.wrapping_add(t1);
        d = c;
        c = b;
        b = a;
        a = t1.wrapping_add(t2);
    }
    for (s, v) in state.iter_mut().zip([a, b, c, d, e, f, g, h]) {
        *s = s.wrapping_add(v);
    }
}

/// SHA-256 compression of `blocks` blocks, each derived from the state
/// before it; returns the first two state words.
#[unsafe(no_mangle)]
pub extern "C" fn hash(blocks: i32) -> i64 {
    let mut state = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut block = [0u32; 16];
    for n in 0..blocks as u32 {
        for (i, word) in block.iter_mut().enumerate() {
            *word = state[i % 8] ^ n.wrapping_mul(0x9e37_79b9) ^ i as u32;
        }
        compress(&mut state, &block);
    }
    ((state[0] as u64) << 32 | state[1] as u64) as i64
}

const SORT_MAX: usize = 16 * 1024;
/// `sort`'s array: 64 KiB, too large for the contracts' 64 KiB stack.
static mut SORT_WORDS: [u32; SORT_MAX] = [0; SORT_MAX];

/// Sorts `n` (at most 16,384) xorshift words; returns a position-weighted
/// checksum of the sorted array.
#[unsafe(no_mangle)]
pub extern "C" fn sort(n: i32) -> i64 {
    let n = (n as usize).min(SORT_MAX);
    // SAFETY: wasm32 contracts are single-threaded and no other function
    // touches SORT_WORDS, so this is the only reference while it lives.
    let words = unsafe { &mut *(&raw mut SORT_WORDS) };
    // What a fresh local array would be (the work is the same as when it
    // was one; it is static because it is the whole 64 KiB stack).
    words.fill(0);
    let mut x = 0x2545_f491u32;
    for word in words[..n].iter_mut() {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        *word = x;
    }
    let words = black_box(&mut words[..n]);
    words.sort_unstable();
    words
        .iter()
        .enumerate()
        .fold(0u64, |acc, (i, &w)| acc.wrapping_mul(31).wrapping_add(w as u64 ^ i as u64)) as i64
}

const COPY_BYTES: usize = 32 * 1024;
/// `copy`'s buffers (static: together they exceed the 64 KiB stack).
static mut COPY_SRC: [u8; COPY_BYTES] = [0; COPY_BYTES];
static mut COPY_DST: [u8; COPY_BYTES + 256] = [0; COPY_BYTES + 256];

/// `rounds` times: fill a 32 KiB buffer, copy it into another at a shifting
/// offset, and fold one byte of each into the checksum.
#[unsafe(no_mangle)]
pub extern "C" fn copy(rounds: i32) -> i64 {
    // SAFETY: single-threaded, and only `copy` touches these buffers.
    let (src, dst) = unsafe { (&mut *(&raw mut COPY_SRC), &mut *(&raw mut COPY_DST)) };
    src.fill(0);
    dst.fill(0);
    let mut sum = 0u64;
    for round in 0..rounds as usize {
        let src = black_box(&mut src[..]);
        src.fill(round as u8);
        let at = round % 256;
        let dst = black_box(&mut dst[..]);
        dst[at..at + COPY_BYTES].copy_from_slice(src);
        sum = sum.wrapping_mul(31).wrapping_add(dst[(round * 7919) % dst.len()] as u64);
    }
    sum as i64
}
