//! Linear memory.
//!
//! The whole maximum (`ModuleInfo.memory.maximum`, at most the configured
//! page limit) is reserved zeroed at instantiation, so the base never moves
//! and `memory.grow` only raises the length generated code checks against.
//!
//! Reserves come from a pool of zeroed blocks that earlier instances
//! released: a block fresh from the allocator is mapped lazily, and the
//! first touch of each of its 4 KiB pages costs a page fault and zeroing
//! (~1.8 µs on the reference machine, benches/README.md "Worst cases"),
//! while a released block is zeroed over the length that was accessible
//! (~0.5 µs per 64 KiB page) and stays mapped. So what a call costs the
//! node per page it can access is bounded by the zeroing, which the gas
//! schedule charges (`memory_grow_per_page`, initial pages included),
//! whatever the contract touches. Fresh blocks fault once per block, and
//! the pool holds at most [`POOL_BLOCKS`].
#![allow(unsafe_code)]

use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};

/// Bytes per wasm page.
pub(crate) const PAGE: u64 = 65536;

/// Released blocks kept for reuse: enough for a call tree at the default
/// depth (8) plus its root, each up to the default maximum (8 MiB).
pub(crate) const POOL_BLOCKS: usize = 9;

/// Zeroed blocks of released memories (every byte 0).
static POOL: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());

/// The smallest pooled block of at least `size` bytes.
fn take_pooled(size: usize) -> Option<Vec<u8>> {
    let mut pool = POOL.lock().ok()?;
    let (index, _) = pool
        .iter()
        .enumerate()
        .filter(|(_, block)| block.len() >= size)
        .min_by_key(|(_, block)| block.len())?;
    Some(pool.swap_remove(index))
}

/// Keeps `block` (all zero) for reuse, or frees it when the pool is full.
fn release(block: Vec<u8>) {
    if let Ok(mut pool) = POOL.lock()
        && pool.len() < POOL_BLOCKS
    {
        pool.push(block);
    }
}

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
        let bytes = if size == 0 {
            Vec::new()
        } else if let Some(block) = take_pooled(size) {
            block
        } else {
            // Zeroed allocation: the allocator maps fresh zero pages for
            // large sizes, so the reserve costs nothing until it is touched.
            let layout = std::alloc::Layout::array::<u8>(size).ok()?;
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

impl Drop for LinearMemory {
    fn drop(&mut self) {
        if self.bytes.is_empty() {
            return;
        }
        // Only the accessible bytes can have been written (the length
        // never shrinks): zeroing them makes the whole block zero again.
        let len = self.len() as usize;
        self.bytes[..len].fill(0);
        release(std::mem::take(&mut self.bytes));
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

    /// A memory made from a released block reads as zeros everywhere,
    /// though the previous one wrote to every page it could access.
    #[test]
    fn a_reused_block_is_zero() {
        for _ in 0..3 {
            let mut m = LinearMemory::new(2, 7).unwrap();
            assert!(m.data().iter().all(|&b| b == 0));
            m.data_mut().fill(0xAB);
            assert_eq!(m.grow(5), 2);
            assert!(m.data()[2 * PAGE as usize..].iter().all(|&b| b == 0));
            m.data_mut().fill(0xCD);
        }
    }
}
