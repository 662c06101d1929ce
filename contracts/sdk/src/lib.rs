//! Gasket contract SDK: safe, small, `no_std` wrappers over the host
//! interface of `ABI.md` (version 1), for contracts built for
//! `wasm32-unknown-unknown`.
//!
//! A contract is a `cdylib` whose methods are exported functions of type
//! `[] -> []`. The usual way to write them is [`contract`] on an `impl` block
//! of the contract's state (feature `macros`), which generates the exports,
//! the borsh decoding of arguments and encoding of results, and the
//! `gasket.abi` section:
//!
//! ```ignore
//! #[derive(Default, BorshSerialize, BorshDeserialize)]
//! #[borsh(crate = "gasket_sdk::borsh")]
//! pub struct Counter { count: u64 }
//!
//! #[gasket_sdk::contract(state_key = "count")]
//! impl Counter {
//!     pub fn increment(&mut self) { self.count += 1; }
//!     pub fn get(&self) -> u64 { self.count }
//! }
//! ```
//!
//! (`self.count += 1` panics on overflow, which reverts the call: the
//! contracts' release profile sets `overflow-checks = true`. A contract
//! built without it wraps silently; prefer `checked_add` with a reason.)
//!
//! They can also be written by hand:
//!
//! ```ignore
//! #[unsafe(no_mangle)]
//! pub extern "C" fn get() {
//!     let n: u64 = gasket_sdk::storage::get(b"count").unwrap_or(0);
//!     gasket_sdk::return_borsh(&n);
//! }
//! ```
//!
//! Arguments arrive as the call input ([`input`], [`input_borsh`]); results
//! leave through [`return_data`]; failures go through [`revert`], which rolls
//! back every state change of the call.
//!
//! # Features
//!
//! - `alloc` (default): `Vec`-returning wrappers, the borsh helpers
//!   ([`storage`], [`input_borsh`], [`return_borsh`]) and a bump global
//!   allocator ([`allocator`]). Without it the crate needs no allocator.
//! - `panic-handler` (default): a `#[panic_handler]` that reverts with
//!   `"panic: <message>"`.
//! - `macros` (default, implies `alloc`): the [`contract`] attribute.
//!
//! # Determinism
//!
//! The VM rejects any module with a float type or instruction. Nothing in this
//! crate uses floats; contracts must not either (not even through `core::fmt`
//! of `f32`/`f64`).

#![no_std]
#![deny(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc as alloc_crate;

#[cfg(feature = "alloc")]
pub mod allocator;
mod panic;
#[cfg(feature = "alloc")]
pub mod storage;
pub mod sys;

#[cfg(feature = "alloc")]
pub use borsh;

#[cfg(feature = "macros")]
pub use gasket_sdk_macros::contract;

#[cfg(feature = "alloc")]
use alloc_crate::vec::Vec;

/// A 32-byte account or contract address.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
#[cfg_attr(
    feature = "alloc",
    derive(borsh::BorshSerialize, borsh::BorshDeserialize)
)]
#[repr(transparent)]
pub struct Address(pub [u8; 32]);

impl Address {
    /// The all-zero address (used, for instance, as the `from` of a mint).
    pub const ZERO: Address = Address([0; 32]);

    /// The address bytes.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl From<[u8; 32]> for Address {
    fn from(bytes: [u8; 32]) -> Self {
        Address(bytes)
    }
}

impl From<Address> for [u8; 32] {
    fn from(addr: Address) -> Self {
        addr.0
    }
}

impl AsRef<[u8]> for Address {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

// ------------------------------------------------------------------------ ABI

/// Embeds the contract's interface description in the custom section
/// `gasket.abi` (see `ABI.md`), for tools that encode JSON arguments as borsh
/// and decode results. Call it once per contract with a JSON string literal:
///
/// ```ignore
/// gasket_sdk::abi!(r#"{"abi":1,"methods":[{"name":"get","view":true,"args":[],"result":"u64"}],"events":[]}"#);
/// ```
///
/// The format (version `"abi":1`): `methods` lists every exported method as
/// `{"name", "view": bool, "args": [{"name", "type"}...], "result": type or
/// null}`, where `args` are the fields, in order, of the borsh struct the
/// method reads as input (`[]`: no input) and `result` is the borsh type of
/// the return data (`null`: none). `events` lists `{"topic", "fields":
/// [{"name", "type"}...]}`. Types: `u8`…`u128`, `i8`…`i128`, `bool`,
/// `string`, `bytes` (`Vec<u8>`), `address` (32 bytes), `option<T>`,
/// `vec<T>`, and (added with `#[contract]`) `array<T,N>`, `tuple<T1,...>`,
/// `unit`; the full table is in [`contract`]'s docs and `README.md`. The VM
/// does not read the section; it costs only its bytes. Do not combine with
/// [`contract`], which writes the section itself.
#[macro_export]
macro_rules! abi {
    ($json:literal) => {
        // No `#[used]`: on wasm that would also copy the bytes into the data
        // segment; a `link_section` static is kept as a custom section anyway.
        // The same crate-root name as `#[contract]` defines: a second use
        // of either is "defined multiple times", not a second document.
        #[doc(hidden)]
        #[macro_export]
        macro_rules! __gasket_abi_section {
            () => {};
        }
        #[unsafe(link_section = "gasket.abi")]
        #[allow(dead_code)]
        static GASKET_ABI_SECTION: [u8; $json.len()] =
            $crate::__abi_bytes::<{ $json.len() }>($json);
    };
}

#[doc(hidden)]
pub const fn __abi_bytes<const N: usize>(s: &str) -> [u8; N] {
    let b = s.as_bytes();
    let mut out = [0u8; N];
    let mut i = 0;
    while i < N {
        out[i] = b[i];
        i += 1;
    }
    out
}

// ---------------------------------------------------------------- input/output

/// Length of the call's input in bytes.
#[inline]
pub fn input_len() -> usize {
    // SAFETY: no memory is touched.
    unsafe { sys::input_len() as usize }
}

/// Copies the call's input into the front of `buf` and returns its length, or
/// returns `None` (copying nothing) if the input is longer than `buf`.
pub fn input_into(buf: &mut [u8]) -> Option<usize> {
    let len = input_len();
    if len > buf.len() {
        return None;
    }
    if len > 0 {
        // SAFETY: `buf` has room for the `len` bytes the host writes.
        unsafe { sys::input_read(buf.as_mut_ptr()) };
    }
    Some(len)
}

/// The call's whole input.
#[cfg(feature = "alloc")]
pub fn input() -> Vec<u8> {
    let len = input_len();
    let mut v = Vec::with_capacity(len);
    if len > 0 {
        // SAFETY: the host writes exactly `len` bytes into the reserved
        // capacity, which are then initialised.
        unsafe {
            sys::input_read(v.as_mut_ptr());
            v.set_len(len);
        }
    }
    v
}

/// Decodes the call's input as borsh `T`; reverts with `"invalid input"` if it
/// does not decode (trailing bytes included).
#[cfg(feature = "alloc")]
pub fn input_borsh<T: borsh::BorshDeserialize>() -> T {
    match borsh::from_slice(&input()) {
        Ok(v) => v,
        Err(_) => revert("invalid input"),
    }
}

/// Sets the call's return data (the last call wins).
#[inline]
pub fn return_data(data: &[u8]) {
    // SAFETY: the host only reads `data`.
    unsafe { sys::return_data(data.as_ptr(), data.len() as u32) }
}

/// Borsh-encodes `value` and sets it as the call's return data.
#[cfg(feature = "alloc")]
pub fn return_borsh<T: borsh::BorshSerialize + ?Sized>(value: &T) {
    return_data(&to_vec(value));
}

/// Stops the call, rolling back its state changes, with a UTF-8 reason.
#[inline]
pub fn revert(reason: &str) -> ! {
    revert_bytes(reason.as_bytes())
}

/// Stops the call, rolling back its state changes, with a raw reason.
#[inline]
pub fn revert_bytes(reason: &[u8]) -> ! {
    // SAFETY: the host only reads `reason`; it never returns.
    unsafe { sys::revert(reason.as_ptr(), reason.len() as u32) }
}

// --------------------------------------------------------------------- storage

/// Reads `key` into the front of `buf`. Returns `None` if the key is absent,
/// else the value's full length; only its first `min(len, buf.len())` bytes
/// are copied, so a result larger than `buf.len()` means `buf` was too small.
pub fn storage_read_into(key: &[u8], buf: &mut [u8]) -> Option<usize> {
    // SAFETY: the host reads `key` and writes at most `buf.len()` bytes.
    let n = unsafe {
        sys::storage_read(
            key.as_ptr(),
            key.len() as u32,
            buf.as_mut_ptr(),
            buf.len() as u32,
        )
    };
    if n < 0 { None } else { Some(n as usize) }
}

/// Reads the value of `key`, or `None` if it is absent.
///
/// Values of up to 64 bytes cost one host call; longer ones two (the first
/// learns the length).
#[cfg(feature = "alloc")]
pub fn storage_read(key: &[u8]) -> Option<Vec<u8>> {
    let mut small = [0u8; 64];
    let len = storage_read_into(key, &mut small)?;
    if len <= small.len() {
        return Some(small[..len].to_vec());
    }
    let mut v = Vec::with_capacity(len);
    // SAFETY: the host writes at most `len` bytes into the reserved capacity;
    // the value has exactly `len` bytes (storage does not change mid-call
    // between these two reads).
    unsafe {
        let n = sys::storage_read(key.as_ptr(), key.len() as u32, v.as_mut_ptr(), len as u32);
        v.set_len(if n < 0 { 0 } else { (n as usize).min(len) });
    }
    Some(v)
}

/// Sets `key` to `value`.
#[inline]
pub fn storage_write(key: &[u8], value: &[u8]) {
    // SAFETY: the host only reads both ranges.
    unsafe {
        sys::storage_write(
            key.as_ptr(),
            key.len() as u32,
            value.as_ptr(),
            value.len() as u32,
        )
    }
}

/// Removes `key`; returns whether it existed.
#[inline]
pub fn storage_remove(key: &[u8]) -> bool {
    // SAFETY: the host only reads `key`.
    unsafe { sys::storage_remove(key.as_ptr(), key.len() as u32) == 1 }
}

// --------------------------------------------------------------------- context

/// The 32-byte address of the account or contract that made this call.
#[inline]
pub fn caller() -> [u8; 32] {
    let mut a = [0u8; 32];
    // SAFETY: the host writes exactly 32 bytes.
    unsafe { sys::caller(a.as_mut_ptr()) };
    a
}

/// This contract's 32-byte address.
#[inline]
pub fn self_address() -> [u8; 32] {
    let mut a = [0u8; 32];
    // SAFETY: the host writes exactly 32 bytes.
    unsafe { sys::self_address(a.as_mut_ptr()) };
    a
}

/// Height of the block being executed.
#[inline]
pub fn block_height() -> u64 {
    // SAFETY: no memory is touched.
    unsafe { sys::block_height() as u64 }
}

/// Timestamp of the block being executed, milliseconds since the Unix epoch.
#[inline]
pub fn block_timestamp() -> u64 {
    // SAFETY: no memory is touched.
    unsafe { sys::block_timestamp() as u64 }
}

/// Gas remaining after this host call's own cost.
#[inline]
pub fn gas_left() -> u64 {
    // SAFETY: no memory is touched.
    unsafe { sys::gas_left() as u64 }
}

// ------------------------------------------------------ events, logs, hashing

/// Appends an event; it is kept only if the call succeeds.
#[inline]
pub fn emit_event(topic: &[u8], data: &[u8]) {
    // SAFETY: the host only reads both ranges.
    unsafe {
        sys::emit_event(
            topic.as_ptr(),
            topic.len() as u32,
            data.as_ptr(),
            data.len() as u32,
        )
    }
}

/// Writes a line to the developer's log (never part of consensus data).
#[inline]
pub fn debug_log(msg: &str) {
    // SAFETY: the host only reads `msg`.
    unsafe { sys::debug_log(msg.as_ptr(), msg.len() as u32) }
}

/// The blake3 digest of `data`, computed by the host.
#[inline]
pub fn blake3(data: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    // SAFETY: the host reads `data` and writes exactly 32 bytes to `out`.
    unsafe { sys::blake3(data.as_ptr(), data.len() as u32, out.as_mut_ptr()) };
    out
}

// -------------------------------------------------------- cross-contract calls

/// How a cross-contract [`call`] ended. Its return data or revert reason is
/// available through [`result_data`] until the next call.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum CallResult {
    /// The callee succeeded; its state changes are kept.
    Success,
    /// The callee reverted; [`result_data`] is its reason.
    Reverted,
    /// The callee trapped or ran out of gas.
    Failed,
}

/// Calls `method` of the contract at `addr` with `input`, forwarding at most
/// `gas`. The callee's state changes are kept only on
/// [`CallResult::Success`]. The callee's first frame in the transaction
/// pays for loading its code from `gas` (`Config::code_loading`, by the
/// length of its wasm); too little for that is [`CallResult::Failed`].
pub fn call(addr: &[u8; 32], method: &str, input: &[u8], gas: u64) -> CallResult {
    // SAFETY: the host only reads the address (32 bytes), method and input.
    let code = unsafe {
        sys::call(
            addr.as_ptr(),
            method.as_ptr(),
            method.len() as u32,
            input.as_ptr(),
            input.len() as u32,
            gas.min(i64::MAX as u64) as i64,
        )
    };
    match code {
        0 => CallResult::Success,
        1 => CallResult::Reverted,
        _ => CallResult::Failed,
    }
}

/// Length of the last callee's return data or revert reason.
#[inline]
pub fn result_len() -> usize {
    // SAFETY: no memory is touched.
    unsafe { sys::result_len() as usize }
}

/// The last callee's return data or revert reason.
#[cfg(feature = "alloc")]
pub fn result_data() -> Vec<u8> {
    let len = result_len();
    let mut v = Vec::with_capacity(len);
    if len > 0 {
        // SAFETY: the host writes exactly `len` bytes into the reserved
        // capacity, which are then initialised.
        unsafe {
            sys::result_read(v.as_mut_ptr());
            v.set_len(len);
        }
    }
    v
}

/// Copies the last callee's return data into the front of `buf` and returns
/// its length, or returns `None` (copying nothing) if it is longer than `buf`.
pub fn result_data_into(buf: &mut [u8]) -> Option<usize> {
    let len = result_len();
    if len > buf.len() {
        return None;
    }
    if len > 0 {
        // SAFETY: `buf` has room for the `len` bytes the host writes.
        unsafe { sys::result_read(buf.as_mut_ptr()) };
    }
    Some(len)
}

/// Borsh-encodes `value`. Encoding into a `Vec` cannot fail except on
/// allocation failure, which aborts.
#[cfg(feature = "alloc")]
pub(crate) fn to_vec<T: borsh::BorshSerialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut v = Vec::new();
    if value.serialize(&mut v).is_err() {
        revert("borsh: encode failed");
    }
    v
}

// ------------------------------------------------------------------ #[contract]

/// The state of a [`contract`]: its storage key, and loading and saving it
/// on demand. `#[contract]` implements it for the type of its `impl` block
/// (`STATE_KEY` is its `state_key`); bring it into scope with
/// `use gasket_sdk::ContractState;` to call `self.save()` or `Self::load()`.
///
/// # State and calls to other contracts
///
/// The wrapper of a `&mut self` method loads the state before the method
/// and writes it back **after the method returns**. During a [`call`]
/// inside the method, storage therefore still holds the state from before
/// the method: a callee that calls back into this contract (re-entrancy)
/// sees the old state, and whatever that re-entrant call writes under the
/// state key is then overwritten by the write-back. So a method that calls
/// another contract must write its state before the call (checks, then
/// effects, then the call):
///
/// - Preferred: a method **without receiver** that loads, changes and
///   saves the state itself, then calls. Nothing is written after the
///   call, and the state is written once. `examples/escrow` does this:
///
///   ```ignore
///   pub fn deposit(amount: u128) -> Result<(), &'static str> {
///       let mut state = Self::load();
///       // ... checks, then change `state` ...
///       state.save();
///       call_token(...); // a re-entrant call sees the new state
///       Ok(())
///   }
///   ```
///
/// - Or `&mut self` and `self.save()` before the call. The wrapper still
///   writes `self` back at the end (a second `storage_write`), so do not
///   change the state after the call, and know that the write-back
///   replaces anything a re-entrant call stored under the key.
///
/// A revert after `save` still rolls the write back with everything else.
#[cfg(feature = "alloc")]
pub trait ContractState {
    /// The storage key of the state (`state_key` of `#[contract]`).
    const STATE_KEY: &'static [u8];

    /// The stored state; reverts `"not initialized"` if it is absent
    /// (whether or not the contract has a constructor: without one, use
    /// `storage::get(Self::STATE_KEY).unwrap_or_default()` for the
    /// wrappers' behaviour).
    fn load() -> Self
    where
        Self: Sized + borsh::BorshDeserialize,
    {
        __private::load_state(Self::STATE_KEY)
    }

    /// Writes `self` under [`Self::STATE_KEY`] now (one `storage_write`).
    fn save(&self)
    where
        Self: borsh::BorshSerialize,
    {
        __private::save_state(Self::STATE_KEY, self)
    }
}

/// Support code for the code `#[contract]` generates. Not a stable API.
#[cfg(feature = "alloc")]
#[doc(hidden)]
pub mod __private {
    use borsh::{BorshDeserialize, BorshSerialize};

    /// The state under `key`; reverts `"not initialized"` if absent.
    pub fn load_state<T: BorshDeserialize>(key: &[u8]) -> T {
        match crate::storage::get(key) {
            Some(v) => v,
            None => crate::revert("not initialized"),
        }
    }

    /// The state under `key`, or `T::default()` if absent.
    pub fn load_state_or_default<T: BorshDeserialize + Default>(key: &[u8]) -> T {
        crate::storage::get(key).unwrap_or_default()
    }

    /// Stores the state under `key`.
    pub fn save_state<T: BorshSerialize + ?Sized>(key: &[u8], state: &T) {
        crate::storage::set(key, state)
    }

    /// Reverts `"already initialized"` if `key` exists.
    pub fn init_guard(key: &[u8]) {
        if crate::storage::contains(key) {
            crate::revert("already initialized")
        }
    }

    /// `Ok(v)` → `v`; `Err(e)` → revert with `e` as the reason.
    #[inline]
    pub fn unwrap_or_revert<T, E: AsRef<str>>(r: Result<T, E>) -> T {
        match r {
            Ok(v) => v,
            Err(e) => crate::revert(e.as_ref()),
        }
    }
}
