//! Linear memory.
//!
//! The whole maximum (`ModuleInfo.memory.maximum`, at most the configured
//! page limit) is allocated zeroed at instantiation, so the base never moves
//! and `memory.grow` only raises the length generated code checks against.
//! The allocator maps large zeroed blocks lazily, so untouched pages cost
//! address space only.
#![allow(unsafe_code)]

use std::sync::atomic::{AtomicU32, Ordering};

/// Bytes per wasm page.
pub(crate) const PAGE: u64 = 65536;

/// One linear memory.
pub(crate) struct LinearMemory {
    bytes: Vec<u8>,
    /// Current size in pages (atomic: an exported memory's size may be
    /// read from any thread, see [`super::shared`]).
    pages: AtomicU32,
    maximum: u32,
}

impl LinearMemory {
    pub(crate) fn new(initial: u32, maximum: u32) -> Option<LinearMemory> {
        let maximum = maximum.max(initial);
        let size = usize::try_from(u64::from(maximum) * PAGE).ok()?;
        // Zeroed allocation: the allocator maps fresh zero pages for large
        // sizes, so the reserve costs nothing until it is touched.
        let layout = std::alloc::Layout::array::<u8>(size).ok()?;
        let bytes = if size == 0 {
            Vec::new()
        } else {
            // SAFETY: `layout` has a non-zero size; a null result is an
            // allocation failure, reported as `None`.
            let ptr = unsafe { std::alloc::alloc_zeroed(layout) };
            if ptr.is_null() {
                return None;
            }
            // SAFETY: `ptr` was allocated by the global allocator with this
            // layout, and all `size` bytes are initialised (zeroed).
            unsafe { Vec::from_raw_parts(ptr, size, size) }
        };
        Some(LinearMemory {
            bytes,
            pages: AtomicU32::new(initial),
            maximum,
        })
    }

    /// `memory.grow`: the old size in pages, or `-1` past the maximum.
    pub(crate) fn grow(&mut self, delta: u32) -> i32 {
        let old = self.pages();
        match old.checked_add(delta) {
            Some(new) if new <= self.maximum => {
                self.pages.store(new, Ordering::Relaxed);
                old as i32
            }
            _ => -1,
        }
    }

    /// Current size in pages.
    pub(crate) fn pages(&self) -> u32 {
        self.pages.load(Ordering::Relaxed)
    }

    /// The maximum in pages.
    pub(crate) fn maximum(&self) -> u32 {
        self.maximum
    }

    /// Current length in bytes.
    pub(crate) fn len(&self) -> u64 {
        u64::from(self.pages()) * PAGE
    }

    pub(crate) fn base(&mut self) -> *mut u8 {
        self.bytes.as_mut_ptr()
    }

    /// The accessible bytes.
    pub(crate) fn data(&self) -> &[u8] {
        &self.bytes[..self.len() as usize]
    }

    /// The accessible bytes, writable.
    pub(crate) fn data_mut(&mut self) -> &mut [u8] {
        let len = self.len() as usize;
        &mut self.bytes[..len]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grow_within_the_maximum() {
        let mut m = LinearMemory::new(1, 3).unwrap();
        assert_eq!(m.len(), PAGE);
        assert_eq!(m.grow(0), 1);
        assert_eq!(m.grow(2), 1);
        assert_eq!(m.len(), 3 * PAGE);
        assert_eq!(m.grow(1), -1);
        assert_eq!(m.grow(u32::MAX), -1);
        assert_eq!(m.data().len() as u64, 3 * PAGE);
    }
}
