//! Linear memory.
//!
//! The whole maximum (`ModuleInfo.memory.maximum`, at most the configured
//! page limit) is reserved zeroed at instantiation, so the base never moves
//! and `memory.grow` only raises the length generated code checks against.
//!
//! Reserves come from a pool of zeroed blocks that earlier instances
//! released. A block is private anonymous memory, mapped lazily: the first
//! touch of each of its 4 KiB pages costs a page fault and zeroing (~1.8 µs
//! on the reference machine, benches/README.md "Worst cases"). A released
//! block is zeroed over the pages of its accessible length that may hold
//! data (on Linux, those `/proc/self/pagemap` shows present or swapped;
//! elsewhere all of them: ~0.5 µs per 64 KiB page) and stays mapped, so a
//! page is written by the zeroing only if some instance touched it. What a
//! call costs the node per page it can access is thus bounded by a fault
//! and a zeroing, which the gas schedule charges (`memory_grow_per_page`,
//! initial pages included), whatever the contract touches; a contract that
//! touches a few pages costs a few. The pool holds at most
//! [`POOL_BLOCKS`].
#![allow(unsafe_code)]

use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};

use memmap2::MmapMut;

/// Bytes per wasm page.
pub(crate) const PAGE: u64 = 65536;

/// The most pages a 32-bit memory has (4 GiB): `memory.size` and
/// `memory.grow` answer in `i32`, and addresses are `u32`.
pub(crate) const MAX_PAGES: u32 = 65536;

/// Released blocks kept for reuse: enough for a call tree at the default
/// depth (8) plus its root, each up to the default maximum (8 MiB).
pub(crate) const POOL_BLOCKS: usize = 9;

/// Zeroed blocks of released memories (every byte 0).
static POOL: Mutex<Vec<MmapMut>> = Mutex::new(Vec::new());

/// The smallest pooled block of at least `size` bytes.
fn take_pooled(size: usize) -> Option<MmapMut> {
    take_smallest(&mut *POOL.lock().ok()?, |len| len >= size)
}

/// Removes from `pool` the smallest mapping whose length `fits`.
pub(crate) fn take_smallest(
    pool: &mut Vec<MmapMut>,
    fits: impl Fn(usize) -> bool,
) -> Option<MmapMut> {
    let (index, _) = pool
        .iter()
        .enumerate()
        .filter(|(_, map)| fits(map.len()))
        .min_by_key(|(_, map)| map.len())?;
    Some(pool.swap_remove(index))
}

/// Keeps `block` (all zero) for reuse, or unmaps it when the pool is full.
fn release(block: MmapMut) {
    if let Ok(mut pool) = POOL.lock()
        && pool.len() < POOL_BLOCKS
    {
        pool.push(block);
    }
}

/// One linear memory.
pub(crate) struct LinearMemory {
    /// The reserve: private anonymous memory, page-aligned, zero until
    /// written (`None` for a maximum of 0 pages).
    block: Option<MmapMut>,
    /// Current size in pages (atomic: an exported memory's size may be
    /// read from any thread, see [`super::shared`]).
    pages: AtomicU32,
    maximum: u32,
}

impl LinearMemory {
    pub(crate) fn new(initial: u32, maximum: u32) -> Option<LinearMemory> {
        let maximum = maximum.max(initial);
        if maximum > MAX_PAGES {
            return None;
        }
        let size = usize::try_from(u64::from(maximum) * PAGE).ok()?;
        let block = if size == 0 {
            None
        } else if let Some(block) = take_pooled(size) {
            Some(block)
        } else {
            // Mapped lazily: the reserve costs nothing until it is touched.
            Some(MmapMut::map_anon(size).ok()?)
        };
        Some(LinearMemory {
            block,
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

    /// The page count and the maximum of `memory`, read without a
    /// reference to the whole memory (the thread running it may hold one).
    ///
    /// # Safety
    ///
    /// `memory` is live. The count is atomic; the maximum never changes.
    pub(crate) unsafe fn pages_and_maximum(memory: *const LinearMemory) -> (u32, u32) {
        // SAFETY: see the function's contract; only these fields are read.
        unsafe {
            (
                (*std::ptr::addr_of!((*memory).pages)).load(Ordering::Relaxed),
                *std::ptr::addr_of!((*memory).maximum),
            )
        }
    }

    /// Current length in bytes.
    pub(crate) fn len(&self) -> u64 {
        u64::from(self.pages()) * PAGE
    }

    pub(crate) fn base(&mut self) -> *mut u8 {
        match &mut self.block {
            Some(block) => block.as_mut_ptr(),
            // Never dereferenced: the length is 0.
            None => std::ptr::NonNull::dangling().as_ptr(),
        }
    }

    /// The accessible bytes.
    pub(crate) fn data(&self) -> &[u8] {
        let len = self.len() as usize;
        self.block.as_deref().map_or(&[], |block| &block[..len])
    }

    /// The accessible bytes, writable.
    pub(crate) fn data_mut(&mut self) -> &mut [u8] {
        let len = self.len() as usize;
        self.block
            .as_deref_mut()
            .map_or(&mut [], |block| &mut block[..len])
    }
}

/// Zeroes what may have been written of `bytes`, the accessible part of a
/// block (so it starts on an OS page boundary): on Linux the OS pages that
/// are present or swapped out ([`pagemap`]), since a page of private
/// anonymous memory that is neither has never been written and reads as
/// zero; all of it elsewhere or when that cannot be told.
///
/// A contract touches a few of its pages (the top of its stack, its data,
/// the start of its heap), and its pages stay mapped in the pool, so
/// zeroing them all cost most of a small call (3 µs of a 10 µs token
/// transfer, whose memory is 128 KiB).
fn zero_written(bytes: &mut [u8]) {
    #[cfg(target_os = "linux")]
    if pagemap::zero_touched(bytes).is_some() {
        return;
    }
    let all = 0..bytes.len();
    zero_runs(bytes, std::slice::from_ref(&all));
}

/// Zeroing at least this much in one release bypasses the caches where
/// that is faster ([`streaming`]). Below it, the pool's blocks ([`POOL_BLOCKS`]
/// of them, 2.3 MiB) stay within any L3 we run on, where `memset` is as
/// fast or faster (13 µs each for nine 256 KiB blocks on the 2 GHz EPYC;
/// 33 GB/s against 25 in another run) and leaves the lines cached.
const STREAM_BYTES: usize = 256 * 1024;

/// Zeroes the `runs` of `bytes`.
fn zero_runs(bytes: &mut [u8], runs: &[std::ops::Range<usize>]) {
    let total: usize = runs.iter().map(|run| run.len()).sum();
    zero_runs_with(bytes, runs, total >= STREAM_BYTES && streaming::preferred());
}

fn zero_runs_with(bytes: &mut [u8], runs: &[std::ops::Range<usize>], stream: bool) {
    for run in runs {
        let run = &mut bytes[run.clone()];
        if stream {
            streaming::zero(run);
        } else {
            run.fill(0);
        }
    }
    if stream {
        streaming::fence();
    }
}

/// Zeroing with non-temporal stores. An attacker's contract can write one
/// byte in each OS page of 8 MiB memories, call after call; zeroing those
/// pages then runs from DRAM, where `memset` reads each cache line before
/// writing it. On CPUs without fast `rep stosb` (ERMSB; the 2 GHz EPYC,
/// Zen 1, where glibc's `memset` uses vector stores) that ran at 8–10 GB/s
/// and non-temporal stores at 22–25 GB/s, whatever the working set (a
/// throw-away C loop, touch and zero, 8 MiB: 939 µs against 364 µs).
/// With ERMSB (the Xeon) `memset` is left as it was measured. A heuristic:
/// what matters is whether libc's `memset` streams large fills itself
/// (glibc 2.40 and later do; Debian 12 has 2.36), and a hypervisor may
/// hide the flag (then this streams, 1.3x slower than `memset` at worst).
#[cfg(target_arch = "x86_64")]
mod streaming {
    use std::arch::x86_64::{__m128i, _mm_setzero_si128, _mm_sfence, _mm_stream_si128};

    pub(super) fn preferred() -> bool {
        !std::arch::is_x86_feature_detected!("ermsb")
    }

    /// Completes the non-temporal stores (weakly ordered) before the block
    /// goes back to the pool, whose lock publishes it.
    pub(super) fn fence() {
        // SAFETY: no preconditions.
        unsafe { _mm_sfence() };
    }

    pub(super) fn zero(bytes: &mut [u8]) {
        // SAFETY: every bit pattern is a valid `__m128i` and a valid `u8`.
        let (head, body, tail) = unsafe { bytes.align_to_mut::<__m128i>() };
        head.fill(0);
        tail.fill(0);
        for chunk in body {
            // SAFETY: `chunk` is an aligned, writable `__m128i` (SSE2 is
            // part of x86-64).
            unsafe { _mm_stream_si128(chunk, _mm_setzero_si128()) };
        }
    }
}

#[cfg(not(target_arch = "x86_64"))]
mod streaming {
    pub(super) fn preferred() -> bool {
        false
    }

    pub(super) fn fence() {}

    pub(super) fn zero(bytes: &mut [u8]) {
        bytes.fill(0);
    }
}

impl Drop for LinearMemory {
    fn drop(&mut self) {
        let len = self.len() as usize;
        if let Some(mut block) = self.block.take() {
            // Only the accessible bytes can have been written (the length
            // never shrinks): zeroing them makes the whole block zero again.
            zero_written(&mut block[..len]);
            release(block);
        }
    }
}

/// Which pages of this process may hold data, from `/proc/self/pagemap`.
#[cfg(target_os = "linux")]
mod pagemap {
    use std::fs::File;
    use std::os::unix::fs::FileExt;
    use std::sync::Mutex;

    use memmap2::MmapMut;

    /// Bits 63 (present in RAM) and 62 (swapped out) of an entry.
    const PRESENT_OR_SWAPPED: u64 = 3 << 62;

    /// Entries read at once.
    const BATCH: usize = 64;

    /// An open pagemap. The kernel ties it to its opener's address
    /// space: a child of `fork` reading the inherited file would see its
    /// parent's pages, hence [`Opened::pid`].
    struct PageMap {
        file: File,
        page: usize,
    }

    /// What opening pagemap gave the process `pid`.
    struct Opened {
        pid: u32,
        map: Option<PageMap>,
    }

    /// This process's pagemap, if it reads as documented ([`self_test`]);
    /// opened again after a `fork`. Held while reading (the kernel takes
    /// the address space's lock for each read anyway).
    fn with_pagemap<R>(f: impl FnOnce(&PageMap) -> Option<R>) -> Option<R> {
        static PAGEMAP: Mutex<Option<Opened>> = Mutex::new(None);
        let mut slot = PAGEMAP.lock().ok()?;
        let pid = std::process::id();
        if slot.as_ref().is_none_or(|opened| opened.pid != pid) {
            *slot = Some(Opened { pid, map: open() });
        }
        f(slot.as_ref()?.map.as_ref()?)
    }

    fn open() -> Option<PageMap> {
        // SAFETY: `sysconf` has no preconditions.
        let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        let page = usize::try_from(page).ok().filter(|p| p.is_power_of_two())?;
        let map = PageMap {
            file: File::open("/proc/self/pagemap").ok()?,
            page,
        };
        self_test(&map).then_some(map)
    }

    /// Whether pagemap reports written pages of a fresh mapping as
    /// present or swapped, and untouched pages far from them as neither:
    /// a sandbox or emulator that fakes or misplaces it (qemu-user passes
    /// the host's through) must not be trusted to skip a page. Reporting
    /// an untouched page as present is harmless (it is zeroed for
    /// nothing), so pages next to a written one are not checked: large
    /// folios (mTHP, up to 64 KiB here) map them together.
    fn self_test(map: &PageMap) -> bool {
        const PAGES: usize = 64;
        const WRITTEN: [usize; 3] = [0, 1, 60];
        // Beyond any 64 KiB folio of a written page, whatever the
        // mapping's alignment.
        const UNTOUCHED: std::ops::Range<usize> = 20..40;
        let Some(bytes) = PAGES.checked_mul(map.page) else {
            return false;
        };
        let Ok(mut block) = MmapMut::map_anon(bytes) else {
            return false;
        };
        for &page in &WRITTEN {
            block[page * map.page + map.page / 2] = 1;
        }
        let mut held = [false; PAGES];
        let read = for_each_entry(map, block.as_ptr() as usize, bytes, |index, h| {
            held[index] = h;
        });
        read.is_some()
            && WRITTEN.iter().all(|&page| held[page])
            && UNTOUCHED.clone().all(|page| !held[page])
    }

    /// Calls `f(page index, present or swapped)` for each OS page of the
    /// `len` bytes at address `start`, a page boundary; `None` if pagemap
    /// could not be read.
    fn for_each_entry(
        map: &PageMap,
        start: usize,
        len: usize,
        mut f: impl FnMut(usize, bool),
    ) -> Option<()> {
        if !start.is_multiple_of(map.page) {
            return None;
        }
        let pages = len.div_ceil(map.page);
        let mut entries = [0u8; 8 * BATCH];
        for first in (0..pages).step_by(BATCH) {
            let count = BATCH.min(pages - first);
            let offset = ((start / map.page + first) * 8) as u64;
            map.file
                .read_exact_at(&mut entries[..8 * count], offset)
                .ok()?;
            for (i, entry) in entries[..8 * count].chunks_exact(8).enumerate() {
                let entry = u64::from_ne_bytes(entry.try_into().ok()?);
                f(first + i, entry & PRESENT_OR_SWAPPED != 0);
            }
        }
        Some(())
    }

    /// Zeroes the pages of `bytes` (starting on a page boundary) that are
    /// present or swapped, each run of them at once (page by page, a 4
    /// MiB memory all written took 1.4x as long; [`super::zero_runs`]);
    /// `None`, having written nothing, when pagemap cannot tell.
    pub(super) fn zero_touched(bytes: &mut [u8]) -> Option<()> {
        let (start, len) = (bytes.as_ptr() as usize, bytes.len());
        let runs = with_pagemap(|map| {
            let mut runs = Vec::new();
            // The held pages from `run` up to the page being looked at.
            let mut run: Option<usize> = None;
            for_each_entry(map, start, len, |index, held| match (held, run) {
                (true, None) => run = Some(index * map.page),
                (false, Some(from)) => {
                    runs.push(from..index * map.page);
                    run = None;
                }
                _ => {}
            })?;
            if let Some(from) = run {
                runs.push(from..len);
            }
            Some(runs)
        })?;
        super::zero_runs(bytes, &runs);
        Some(())
    }

    #[cfg(test)]
    pub(super) fn available() -> bool {
        with_pagemap(|_| Some(())).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Validation keeps a module's memories within 4 GiB; a memory the
    /// embedder makes ([`crate::Memory::new`]) is held to it here.
    #[test]
    fn no_memory_beyond_4_gib() {
        assert!(LinearMemory::new(0, MAX_PAGES).is_some());
        assert!(LinearMemory::new(0, MAX_PAGES + 1).is_none());
        assert!(LinearMemory::new(MAX_PAGES + 1, 0).is_none());
    }

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

    /// A block whose memory wrote a byte here and there (the pages
    /// pagemap sees as present) and grew is zero when taken again, and
    /// on Linux pagemap is what decided it.
    #[test]
    fn scattered_writes_are_zeroed() {
        #[cfg(target_os = "linux")]
        assert!(pagemap::available(), "/proc/self/pagemap unusable");
        for round in 0..4usize {
            let mut m = LinearMemory::new(3, 6).unwrap();
            assert!(m.data().iter().all(|&b| b == 0), "round {round}");
            let len = m.data().len();
            for at in [0, 4095, 4096 * 7 + round, len / 2, len - 1] {
                m.data_mut()[at] = 0x5A;
            }
            assert_eq!(m.grow(3), 3);
            let len = m.data().len();
            m.data_mut()[len - 1 - round] = 0xA5;
        }
    }

    /// Streaming zeroes exactly its slice, at any alignment and length,
    /// and both ways zero exactly the runs.
    #[test]
    fn streaming_zeroes_exactly_its_slice() {
        for (from, to) in [(0, 4096), (3, 1000), (17, 18), (5, 5), (1, 70_001)] {
            let mut buffer = vec![0xEEu8; 70_016];
            streaming::zero(&mut buffer[from..to]);
            streaming::fence();
            assert!(buffer[from..to].iter().all(|&b| b == 0), "{from}..{to}");
            assert!(buffer[..from].iter().all(|&b| b == 0xEE), "{from}..{to}");
            assert!(buffer[to..].iter().all(|&b| b == 0xEE), "{from}..{to}");
        }
        for stream in [false, true] {
            let mut buffer = vec![0xEEu8; 64 * 1024];
            let runs = [0..4096, 8192..40960, 61440..65536];
            zero_runs_with(&mut buffer, &runs, stream);
            for (at, &byte) in buffer.iter().enumerate() {
                let zeroed = runs.iter().any(|run| run.contains(&at));
                assert_eq!(byte, if zeroed { 0 } else { 0xEE }, "{at} {stream}");
            }
        }
    }

    /// A memory made from a released block reads as zeros everywhere,
    /// though the previous one wrote to every page it could access (448
    /// KiB: streamed where that is preferred).
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

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 64,
            ..proptest::prelude::ProptestConfig::default()
        })]

        /// Whatever a memory wrote where, and however far it grew, the
        /// next memory of its size reads zeros up to its maximum.
        #[test]
        fn any_writes_come_back_zero(
            initial in 1u32..4,
            grow in 0u32..4,
            writes in proptest::collection::vec((proptest::prelude::any::<u32>(), 1u8..), 0..40),
        ) {
            let maximum = initial + 3;
            let mut m = LinearMemory::new(initial, maximum).unwrap();
            m.grow(grow);
            let len = m.data().len();
            for (at, byte) in writes {
                m.data_mut()[at as usize % len] = byte;
            }
            drop(m);
            let mut m = LinearMemory::new(initial, maximum).unwrap();
            proptest::prop_assert_eq!(m.grow(maximum - initial), initial as i32);
            proptest::prop_assert!(m.data().iter().all(|&b| b == 0));
        }
    }
}
