//! A bump allocator: the global allocator of contracts built with the
//! `alloc` feature.
//!
//! A contract call is short-lived: its instance's memory is thrown away when
//! the call ends. So the allocator never really frees. It hands out memory
//! from a pointer that only moves up, starting at the linker's `__heap_base`
//! (the end of the data segment and shadow stack) and growing linear memory
//! with `memory.grow` when it reaches the end. Two cheap special cases keep
//! the usual `Vec` patterns from wasting memory:
//!
//! - freeing the most recent allocation moves the pointer back;
//! - growing the most recent allocation (`Vec::push` past capacity) extends it
//!   in place instead of copying.
//!
//! Every other `dealloc` is a no-op, so a contract that allocates in a loop
//! grows its memory, and pays its memory gas, every iteration: allocate
//! once outside loops. Out of memory (or the VM's memory-page limit) makes
//! `alloc` return null, which aborts the call through `handle_alloc_error`.
//!
//! The allocator keeps its state in plain cells and claims `Sync`: that is
//! sound only because a Gasket contract is single-threaded (the VM rejects
//! threads, atomics and shared memory).

use core::alloc::{GlobalAlloc, Layout};
use core::cell::Cell;

/// Size of a wasm page.
#[cfg(target_arch = "wasm32")]
const PAGE: usize = 65536;

/// A bump allocator over the wasm linear memory. See the module docs.
pub struct BumpAllocator {
    /// Next free byte, or 0 before the first allocation.
    next: Cell<usize>,
    /// End of linear memory as last seen (bytes).
    end: Cell<usize>,
    /// Start of the most recent allocation, for in-place free and growth.
    last: Cell<usize>,
}

// SAFETY: contracts are single-threaded; see the module docs.
unsafe impl Sync for BumpAllocator {}

impl BumpAllocator {
    /// A fresh allocator; it finds the heap on its first allocation.
    pub const fn new() -> Self {
        BumpAllocator {
            next: Cell::new(0),
            end: Cell::new(0),
            last: Cell::new(0),
        }
    }

    /// Makes `[.., new_end)` addressable, growing memory if needed.
    fn reserve(&self, new_end: usize) -> bool {
        #[cfg(target_arch = "wasm32")]
        {
            let end = self.end.get();
            if new_end <= end {
                return true;
            }
            let pages = (new_end - end).div_ceil(PAGE);
            if core::arch::wasm32::memory_grow::<0>(pages) == usize::MAX {
                return false;
            }
            self.end.set(end + pages * PAGE);
            true
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            new_end <= self.end.get()
        }
    }

    fn init(&self) {
        #[cfg(target_arch = "wasm32")]
        if self.next.get() == 0 {
            unsafe extern "C" {
                // Defined by wasm-ld: the first byte after data and stack.
                static __heap_base: u8;
            }
            self.next.set(&raw const __heap_base as usize);
            self.end.set(core::arch::wasm32::memory_size::<0>() * PAGE);
        }
    }
}

impl Default for BumpAllocator {
    fn default() -> Self {
        Self::new()
    }
}

unsafe impl GlobalAlloc for BumpAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        self.init();
        let align = layout.align();
        let Some(start) = self
            .next
            .get()
            .checked_add(align - 1)
            .map(|p| p & !(align - 1))
        else {
            return core::ptr::null_mut();
        };
        let Some(new_end) = start.checked_add(layout.size()) else {
            return core::ptr::null_mut();
        };
        if start == 0 || !self.reserve(new_end) {
            return core::ptr::null_mut();
        }
        self.next.set(new_end);
        self.last.set(start);
        start as *mut u8
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        if ptr as usize == self.last.get() {
            self.next.set(ptr as usize);
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = ptr as usize;
        if p == self.last.get() {
            // The most recent block: resize it where it is.
            if let Some(new_end) = p.checked_add(new_size)
                && self.reserve(new_end)
            {
                self.next.set(new_end);
                return ptr;
            }
            return core::ptr::null_mut();
        }
        if new_size <= layout.size() {
            return ptr;
        }
        // SAFETY: `layout.align()` is a valid alignment and `new_size` is
        // non-zero (it exceeds `layout.size()`).
        let new =
            unsafe { self.alloc(Layout::from_size_align_unchecked(new_size, layout.align())) };
        if !new.is_null() {
            // SAFETY: both blocks hold at least `layout.size()` bytes and do
            // not overlap (the new one lies above the old one).
            unsafe { core::ptr::copy_nonoverlapping(ptr, new, layout.size()) };
        }
        new
    }
}

#[cfg(target_arch = "wasm32")]
#[global_allocator]
static GLOBAL: BumpAllocator = BumpAllocator::new();
