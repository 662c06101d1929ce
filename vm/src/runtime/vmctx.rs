//! The VM context: the one pointer generated code gets (its first
//! parameter), and everything it reaches through it.
//!
//! ```text
//! offset  field         used by
//! 0       jmp_buf       the C entry shim (current jump buffer)
//! 8       trap_code     the C shim (code of the trap being raised)
//! 16      memory_base   loads, stores and the bulk-memory libcalls (never
//!                       moves: memory is reserved up to its maximum at
//!                       instantiation)
//! 24      memory_len    bounds checks (bytes; changed by memory.grow)
//! 32      globals       global.get/set and the gas intrinsics (one 8-byte
//!                       slot per global, i32 in the low half): the
//!                       `inline_globals` below, or an array of their own
//!                       for a module with more than [`INLINE_GLOBALS`]
//! 40      table         call_indirect ([`TableEntry`] array)
//! 48      table_len     call_indirect bounds check
//! 56      stack_limit   the native-stack backstop in every prologue
//! 64      instance      libcalls find the instance through it
//! 72      gas           the gas global's slot, for trampolines (an
//!                       indirect trampoline runs in another module's
//!                       instance, whose gas global has another index)
//!                       and a host function's `Caller`
//! 80      stack_height  the injected stack-height global itself (i32 in
//!                       the low half): every call's `stack_enter` and
//!                       `stack_exit` reach it in one load from the
//!                       context, not two through `globals`
//! 88      inline_globals a module's globals when it has at most
//!                       [`INLINE_GLOBALS`] (every Rust contract: the
//!                       shadow-stack pointer, two constants, gas and
//!                       stack height), reached in one load from the
//!                       context instead of two dependent ones
//! 152     libcalls      [`Libcall`] function pointers
//! ```
//!
//! Generated code holds no absolute address: everything outside the code
//! blob is reached through this table, so the blob can be stored and mapped
//! anywhere.

use std::ffi::c_void;
use std::mem::offset_of;

/// One entry of the funcref table as generated code sees it.
///
/// A table that is imported or exported may hold functions of other
/// instances (`vmctx` is not the caller's): generated code then calls
/// through the `CallIndirect` libcall, which switches instances. A table
/// that is neither (every contract's) only ever holds the module's own
/// functions and is called directly.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub(crate) struct TableEntry {
    /// Entry point (wasm calling convention), or null.
    pub func: *const u8,
    /// The context of the instance the function belongs to.
    pub vmctx: *mut VmCtx,
    /// Canonical signature id + 1 in the owning module; 0 for a null entry.
    pub sig: u32,
    /// Function index in the owning module.
    pub func_index: u32,
}

/// Size of a [`TableEntry`], as generated code indexes the table.
pub(crate) const TABLE_ENTRY_SIZE: i64 = 24;
pub(crate) const TABLE_ENTRY_FUNC: i32 = offset_of!(TableEntry, func) as i32;
pub(crate) const TABLE_ENTRY_SIG: i32 = offset_of!(TableEntry, sig) as i32;

impl TableEntry {
    pub(crate) const NULL: TableEntry = TableEntry {
        func: std::ptr::null(),
        vmctx: std::ptr::null_mut(),
        sig: 0,
        func_index: 0,
    };
}

/// Runtime functions generated code calls, all `extern "C"` (System V on
/// x86-64), reached through [`VmCtx::libcalls`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Libcall {
    /// `(vmctx, code: i32)`, never returns.
    RaiseTrap,
    /// `(vmctx, pages: i32) -> i32` old size or -1.
    MemoryGrow,
    /// `(vmctx, dst: i32, src: i32, len: i32)`, both ranges checked by
    /// the caller: cannot fail.
    MemoryCopy,
    /// `(vmctx, dst: i32, value: i32, len: i32)`, the range checked by the
    /// caller: cannot fail.
    MemoryFill,
    /// `(vmctx, segment: i32, dst: i32, src: i32, len: i32) -> i32` trap code or 0.
    MemoryInit,
    /// `(vmctx, segment: i32)`.
    DataDrop,
    /// `(vmctx, import: i32, values: *mut u64) -> i32` trap code or 0;
    /// `values`: the arguments, then the result slots.
    HostCall,
    /// `(vmctx, type: i32, element: i32, values: *mut u64) -> i32` trap
    /// code or 0: `call_indirect` through a table shared with other
    /// instances.
    CallIndirect,
    /// `(vmctx, segment: i32, dst: i32, src: i32, len: i32) -> i32` trap code or 0.
    TableInit,
    /// `(vmctx, segment: i32)`.
    ElemDrop,
    /// `(vmctx, dst: i32, src: i32, len: i32) -> i32` trap code or 0.
    TableCopy,
}

pub(crate) const LIBCALL_COUNT: usize = 11;

/// The VM context. `repr(C)`: generated code uses the offsets below.
#[repr(C)]
pub(crate) struct VmCtx {
    pub jmp_buf: *mut c_void,
    pub trap_code: u64,
    pub memory_base: *mut u8,
    pub memory_len: u64,
    pub globals: *mut i64,
    pub table: *const TableEntry,
    pub table_len: u64,
    pub stack_limit: usize,
    pub instance: *mut c_void,
    pub gas: *mut i64,
    /// The value of the stack-height global; its slot in `globals` is
    /// unused.
    pub stack_height: i64,
    /// The globals' slots when the module has at most
    /// [`INLINE_GLOBALS`] of them ([`globals_inline`]).
    pub inline_globals: [i64; INLINE_GLOBALS],
    pub libcalls: [usize; LIBCALL_COUNT],
}

pub(crate) const MEMORY_BASE: i32 = offset_of!(VmCtx, memory_base) as i32;
pub(crate) const MEMORY_LEN: i32 = offset_of!(VmCtx, memory_len) as i32;
pub(crate) const GLOBALS: i32 = offset_of!(VmCtx, globals) as i32;
pub(crate) const TABLE: i32 = offset_of!(VmCtx, table) as i32;
pub(crate) const TABLE_LEN: i32 = offset_of!(VmCtx, table_len) as i32;
pub(crate) const STACK_LIMIT: i32 = offset_of!(VmCtx, stack_limit) as i32;
pub(crate) const GAS: i32 = offset_of!(VmCtx, gas) as i32;
pub(crate) const STACK_HEIGHT: i32 = offset_of!(VmCtx, stack_height) as i32;
pub(crate) const INLINE_GLOBALS_OFFSET: i32 = offset_of!(VmCtx, inline_globals) as i32;

/// Globals a module may have for them to live in the context itself.
pub(crate) const INLINE_GLOBALS: usize = 8;

/// Whether a module with `count` globals keeps them in
/// [`VmCtx::inline_globals`] (generated code and the runtime must agree).
pub(crate) fn globals_inline(count: usize) -> bool {
    count <= INLINE_GLOBALS
}

/// Offset of a libcall's pointer.
pub(crate) fn libcall_offset(call: Libcall) -> i32 {
    (offset_of!(VmCtx, libcalls) + 8 * call as usize) as i32
}

// The C shim reads the jump buffer at offset 0 and the trap code at 8.
const _: () = assert!(offset_of!(VmCtx, jmp_buf) == 0);
const _: () = assert!(offset_of!(VmCtx, trap_code) == 8);
const _: () = assert!(std::mem::size_of::<TableEntry>() == TABLE_ENTRY_SIZE as usize);
