//! Entering generated code and unwinding from traps, without signals.
//!
//! ```text
//! Instance::call (Rust, owns its locals)
//!   └─ gasket_enter (C: setjmp, stores the jump buffer in vmctx[0])
//!        └─ entry trampoline → wasm → wasm → ... (generated code only)
//!             └─ trap path → gasket_raise_trap (C: longjmp)  ──┐
//!   ◀──────────────── returns the trap code ───────────────────┘
//! ```
//!
//! Between the `setjmp` and the `longjmp` there are only generated frames
//! and C frames: the Rust libcalls generated code calls (memory.grow, bulk
//! memory, host functions) return a status, or cannot fail (`memory.copy`,
//! `memory.fill`), and have returned before a trap path runs, so no Rust
//! destructor is ever skipped. No signal handler is installed; generated
//! code never executes a faulting instruction.
//!
//! The native-stack backstop: [`enter`] sets `vmctx.stack_limit` to the
//! current stack pointer minus the engine's `native_stack_bytes` and every
//! generated prologue compares the stack pointer with it, raising
//! `NativeStackExhausted`. The limit is per thread, not per entry: a call
//! made from a host function into another instance (a cross-contract call)
//! inherits the limit of the outermost entry on its thread, so nesting
//! cannot multiply the budget.
#![allow(unsafe_code)]

use std::cell::Cell;
use std::ffi::c_int;

use super::vmctx::VmCtx;

/// An entry trampoline: `extern "C" fn(vmctx, values)`.
pub(crate) type Trampoline = unsafe extern "C" fn(*mut VmCtx, *mut u64);

unsafe extern "C" {
    fn gasket_enter(trampoline: Trampoline, vmctx: *mut VmCtx, values: *mut u64) -> c_int;
    /// Longjmps to the innermost `gasket_enter` with `code`.
    pub(crate) fn gasket_raise_trap(vmctx: *mut VmCtx, code: u32);
    #[cfg(target_arch = "aarch64")]
    fn gasket_flush_icache(start: *const u8, len: usize);
}

thread_local! {
    /// The native-stack limit of the outermost entry running on this
    /// thread, or 0.
    static THREAD_STACK_LIMIT: Cell<usize> = const { Cell::new(0) };
}

/// Makes `code`, just written, visible to instruction fetch.
#[cfg(target_arch = "aarch64")]
pub(crate) fn flush_icache(code: &[u8]) {
    // SAFETY: only cache maintenance over a mapped, readable range.
    unsafe { gasket_flush_icache(code.as_ptr(), code.len()) }
}

/// Calls `trampoline` under a jump point; returns 0 or the trap code.
///
/// # Safety
///
/// `trampoline` must be an entry trampoline of the module whose instance
/// owns `vmctx`, `vmctx` must be fully initialised, and `values` must have
/// room for the function's parameters and results.
pub(crate) unsafe fn enter(
    trampoline: Trampoline,
    vmctx: *mut VmCtx,
    values: *mut u64,
    native_stack_bytes: usize,
) -> u32 {
    let marker = 0u8;
    let sp = std::ptr::addr_of!(marker) as usize;
    // SAFETY: vmctx is valid (caller contract); only this thread uses it.
    let outermost = unsafe { (*vmctx).stack_limit == 0 };
    let thread_limit = THREAD_STACK_LIMIT.with(Cell::get);
    if outermost {
        let limit = match thread_limit {
            0 => sp.saturating_sub(native_stack_bytes).max(1),
            inherited => inherited,
        };
        // SAFETY: as above.
        unsafe { (*vmctx).stack_limit = limit };
        THREAD_STACK_LIMIT.with(|l| l.set(limit));
    }
    // SAFETY: the caller guarantees the trampoline, context and buffer; the
    // C shim returns normally whether or not the code trapped.
    let code = unsafe { call_shim(trampoline, vmctx, values) };
    if outermost {
        // SAFETY: as above.
        unsafe { (*vmctx).stack_limit = 0 };
        THREAD_STACK_LIMIT.with(|l| l.set(thread_limit));
    }
    code as u32
}

/// Calls `gasket_enter` (release builds, and hosts without a pinned
/// register check).
///
/// # Safety
///
/// As [`enter`].
#[cfg(any(
    not(debug_assertions),
    not(any(target_arch = "x86_64", target_arch = "aarch64"))
))]
unsafe fn call_shim(trampoline: Trampoline, vmctx: *mut VmCtx, values: *mut u64) -> c_int {
    // SAFETY: the caller's guarantees.
    unsafe { gasket_enter(trampoline, vmctx, values) }
}

/// A value the pinned register holds across a debug build's calls.
#[cfg(all(debug_assertions, any(target_arch = "x86_64", target_arch = "aarch64")))]
const PINNED_SENTINEL: u64 = 0x5eed_0f9a_5c0d_e000;

/// Calls `gasket_enter` with [`PINNED_SENTINEL`] in the pinned register
/// (`r15`, `x21`: where generated code keeps the gas, see
/// `translate::func`) and checks that it comes back: an entry trampoline
/// must give its caller the register back, a callee-saved one in both
/// native conventions, whether the call returns or traps.
///
/// # Safety
///
/// As [`enter`].
#[cfg(all(debug_assertions, any(target_arch = "x86_64", target_arch = "aarch64")))]
unsafe fn call_shim(trampoline: Trampoline, vmctx: *mut VmCtx, values: *mut u64) -> c_int {
    let shim = gasket_enter as unsafe extern "C" fn(Trampoline, *mut VmCtx, *mut u64) -> c_int;
    let code: u64;
    let pinned: u64;
    // SAFETY: a native (System V, AAPCS64) call of `gasket_enter` with its
    // arguments (the caller's guarantees), on the stack Rust aligns for
    // calls; every register the convention lets it change is declared
    // clobbered, and the pinned register is an operand.
    #[cfg(target_arch = "x86_64")]
    unsafe {
        std::arch::asm!(
            "call {shim}",
            shim = in(reg) shim,
            in("rdi") trampoline,
            in("rsi") vmctx,
            in("rdx") values,
            inout("r15") PINNED_SENTINEL => pinned,
            lateout("rax") code,
            clobber_abi("C"),
        );
    }
    // SAFETY: as above.
    #[cfg(target_arch = "aarch64")]
    unsafe {
        std::arch::asm!(
            "blr {shim}",
            shim = in(reg) shim,
            inlateout("x0") trampoline => code,
            in("x1") vmctx,
            in("x2") values,
            inout("x21") PINNED_SENTINEL => pinned,
            clobber_abi("C"),
        );
    }
    assert_eq!(
        pinned, PINNED_SENTINEL,
        "generated code did not give back the pinned register"
    );
    code as c_int
}

/// Calls the trampoline at `addr` from inside a running call (a libcall
/// entering another instance, or its own through a shared table): nested
/// under a jump point of its own, with the thread's native-stack limit.
///
/// # Safety
///
/// As [`enter`], and a call must be running on this thread.
pub(crate) unsafe fn reenter(addr: *const u8, vmctx: *mut VmCtx, values: *mut u64) -> u32 {
    // SAFETY: the caller guarantees `addr` is an entry-style trampoline.
    let trampoline = unsafe { std::mem::transmute::<*const u8, Trampoline>(addr) };
    // SAFETY: the caller's guarantees; the limit is inherited from the
    // running call (a 0 budget would only make it trap, never overrun).
    unsafe { enter(trampoline, vmctx, values, 0) }
}
