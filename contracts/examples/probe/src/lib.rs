//! Probe: a test contract that imports every host function of `ABI.md` and
//! exposes each through a method, so host-environment tests can drive them
//! from outside. Not an example of good contract design.
//!
//! | method | input | effect / result |
//! |---|---|---|
//! | `echo` | any bytes | returns the input |
//! | `echo_small` | ≤ 64 bytes | returns the input via `input_into`; reverts `"input too large"` |
//! | `context` | — | returns borsh `(caller: [u8;32], self: [u8;32], height: u64, timestamp: u64, gas_left: u64)` |
//! | `hash` | any bytes | returns the 32-byte blake3 of the input |
//! | `log` | UTF-8 text | `debug_log`s it; reverts `"not utf-8"` otherwise |
//! | `event` | borsh `{ topic: Vec<u8>, data: Vec<u8> }` | emits it |
//! | `set` | borsh `{ key: Vec<u8>, value: Vec<u8> }` | writes it |
//! | `get` | raw key | returns borsh `Option<Vec<u8>>` |
//! | `remove` | raw key | returns borsh `bool` (existed) |
//! | `fail` | any bytes | reverts with the input as reason |
//! | `panic` | — | panics with a formatted message (`"panic: probe 42"`) |
//! | `trap` | — | executes `unreachable` |
//! | `grow` | borsh `u32` n | allocates n KiB through the bump allocator, returns borsh `u32` memory pages |
//! | `forward` | borsh `{ addr: [u8;32], method: String, input: Vec<u8>, gas: u64 }` | calls it; returns borsh `(status: u8, data: Vec<u8>)`, status 0/1/2 as in `ABI.md` |
//! | `add` | borsh `(u64, u64)` | returns borsh `u64` `a + b` with a plain `+`: the contracts' release profile checks overflow, so an overflow reverts `"panic: attempt to add with overflow"` |

#![no_std]

extern crate alloc;

use alloc::{string::String, vec::Vec};
use borsh::BorshDeserialize;
use gasket_sdk as sdk;

/// Returns the input.
#[unsafe(no_mangle)]
pub extern "C" fn echo() {
    sdk::return_data(&sdk::input());
}

/// Returns the input, read into a fixed buffer.
#[unsafe(no_mangle)]
pub extern "C" fn echo_small() {
    let mut buf = [0u8; 64];
    let Some(n) = sdk::input_into(&mut buf) else {
        sdk::revert("input too large")
    };
    sdk::return_data(&buf[..n]);
}

/// Returns the call context.
#[unsafe(no_mangle)]
pub extern "C" fn context() {
    sdk::return_borsh(&(
        sdk::caller(),
        sdk::self_address(),
        sdk::block_height(),
        sdk::block_timestamp(),
        sdk::gas_left(),
    ));
}

/// Returns the blake3 digest of the input.
#[unsafe(no_mangle)]
pub extern "C" fn hash() {
    sdk::return_data(&sdk::blake3(&sdk::input()));
}

/// Logs the input.
#[unsafe(no_mangle)]
pub extern "C" fn log() {
    let input = sdk::input();
    let Ok(text) = core::str::from_utf8(&input) else {
        sdk::revert("not utf-8")
    };
    sdk::debug_log(text);
}

#[derive(BorshDeserialize)]
struct EventArgs {
    topic: Vec<u8>,
    data: Vec<u8>,
}

/// Emits the event given in the input.
#[unsafe(no_mangle)]
pub extern "C" fn event() {
    let args: EventArgs = sdk::input_borsh();
    sdk::emit_event(&args.topic, &args.data);
}

#[derive(BorshDeserialize)]
struct SetArgs {
    key: Vec<u8>,
    value: Vec<u8>,
}

/// Writes a key.
#[unsafe(no_mangle)]
pub extern "C" fn set() {
    let args: SetArgs = sdk::input_borsh();
    sdk::storage_write(&args.key, &args.value);
}

/// Reads the key given as raw input.
#[unsafe(no_mangle)]
pub extern "C" fn get() {
    sdk::return_borsh(&sdk::storage_read(&sdk::input()));
}

/// Removes the key given as raw input.
#[unsafe(no_mangle)]
pub extern "C" fn remove() {
    sdk::return_borsh(&sdk::storage_remove(&sdk::input()));
}

/// Reverts with the input as reason.
#[unsafe(no_mangle)]
pub extern "C" fn fail() {
    sdk::revert_bytes(&sdk::input());
}

/// Panics with a formatted message.
#[unsafe(no_mangle)]
pub extern "C" fn panic() {
    panic!("probe {}", core::hint::black_box(42u32));
}

/// Traps with `unreachable`.
#[unsafe(no_mangle)]
pub extern "C" fn trap() {
    core::arch::wasm32::unreachable();
}

/// Allocates the given number of KiB; returns the memory size in pages.
#[unsafe(no_mangle)]
pub extern "C" fn grow() {
    let kib: u32 = sdk::input_borsh();
    let v: Vec<u8> = core::hint::black_box(alloc::vec![1u8; kib as usize * 1024]);
    core::hint::black_box(&v);
    sdk::return_borsh(&(core::arch::wasm32::memory_size::<0>() as u32));
}

#[derive(BorshDeserialize)]
struct ForwardArgs {
    addr: [u8; 32],
    method: String,
    input: Vec<u8>,
    gas: u64,
}

/// Calls another contract and returns its status and data.
#[unsafe(no_mangle)]
pub extern "C" fn forward() {
    let args: ForwardArgs = sdk::input_borsh();
    let status = match sdk::call(&args.addr, &args.method, &args.input, args.gas) {
        sdk::CallResult::Success => 0u8,
        sdk::CallResult::Reverted => 1,
        sdk::CallResult::Failed => 2,
    };
    sdk::return_borsh(&(status, sdk::result_data()));
}

/// Adds two `u64` with a plain `+` (an overflow panics: the release
/// profile of `contracts/Cargo.toml` has `overflow-checks = true`).
#[unsafe(no_mangle)]
pub extern "C" fn add() {
    let (a, b): (u64, u64) = sdk::input_borsh();
    sdk::return_borsh(&(a + b));
}
