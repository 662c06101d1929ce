//! Raw host imports, exactly as listed in `ABI.md` (version 1).
//!
//! Every function is imported from the wasm module `env`. On wasm32 an ABI
//! `i32` pointer is `*const u8`/`*mut u8`, an `i32` length is `u32` (the host
//! reads both as unsigned) and an `i64` is `i64`, so each import below has
//! exactly the wasm type the ABI table gives. The VM rejects a contract that
//! imports anything else, so do not add functions here that `ABI.md` lacks.
//!
//! All of these are `unsafe`: the host traps with `MemoryOutOfBounds` on a
//! range outside linear memory, but a pointer into the wrong Rust object is
//! still undefined behaviour. Prefer the safe wrappers in the crate root.

#[link(wasm_import_module = "env")]
unsafe extern "C" {
    // ---- Input and output ----

    /// `() -> i32`: length of the call's input.
    pub fn input_len() -> u32;
    /// `(dst: i32)`: copy the whole input to `dst`.
    pub fn input_read(dst: *mut u8);
    /// `(ptr: i32, len: i32)`: set the call's return data (the last call wins).
    pub fn return_data(ptr: *const u8, len: u32);
    /// `(ptr: i32, len: i32)`: stop and roll back this call; the range is the
    /// reason. Never returns.
    pub fn revert(ptr: *const u8, len: u32) -> !;

    // ---- Storage ----

    /// `(key_ptr: i32, key_len: i32, val_ptr: i32, val_cap: i32) -> i64`:
    /// `-1` if absent, else the value's full length, with its first
    /// `min(len, val_cap)` bytes copied to `val_ptr`.
    pub fn storage_read(key_ptr: *const u8, key_len: u32, val_ptr: *mut u8, val_cap: u32) -> i64;
    /// `(key_ptr: i32, key_len: i32, val_ptr: i32, val_len: i32)`: set the key.
    pub fn storage_write(key_ptr: *const u8, key_len: u32, val_ptr: *const u8, val_len: u32);
    /// `(key_ptr: i32, key_len: i32) -> i32`: `1` if the key existed, else `0`.
    pub fn storage_remove(key_ptr: *const u8, key_len: u32) -> i32;

    // ---- Context ----

    /// `(dst: i32)`: write the 32-byte address of the caller.
    pub fn caller(dst: *mut u8);
    /// `(dst: i32)`: write this contract's 32-byte address.
    pub fn self_address(dst: *mut u8);
    /// `() -> i64`: height of the block being executed.
    pub fn block_height() -> i64;
    /// `() -> i64`: block timestamp, milliseconds since the Unix epoch.
    pub fn block_timestamp() -> i64;
    /// `() -> i64`: gas remaining after this call's own cost.
    pub fn gas_left() -> i64;

    // ---- Events, logs, hashing ----

    /// `(topic_ptr: i32, topic_len: i32, data_ptr: i32, data_len: i32)`:
    /// append an event (kept only if the call succeeds).
    pub fn emit_event(topic_ptr: *const u8, topic_len: u32, data_ptr: *const u8, data_len: u32);
    /// `(ptr: i32, len: i32)`: a UTF-8 line for the developer, never consensus data.
    pub fn debug_log(ptr: *const u8, len: u32);
    /// `(src_ptr: i32, src_len: i32, dst: i32)`: write the 32-byte blake3
    /// digest of the range to `dst`.
    pub fn blake3(src_ptr: *const u8, src_len: u32, dst: *mut u8);

    // ---- Cross-contract calls ----

    /// `(addr_ptr: i32, method_ptr: i32, method_len: i32, input_ptr: i32,
    /// input_len: i32, gas: i64) -> i32`: `0` success, `1` reverted,
    /// `2` failed (trap or out of gas).
    pub fn call(
        addr_ptr: *const u8,
        method_ptr: *const u8,
        method_len: u32,
        input_ptr: *const u8,
        input_len: u32,
        gas: i64,
    ) -> i32;
    /// `() -> i32`: length of the last callee's return data or revert reason.
    pub fn result_len() -> u32;
    /// `(dst: i32)`: copy the last callee's return data or revert reason.
    pub fn result_read(dst: *mut u8);
}
