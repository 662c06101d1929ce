//! Small code blobs packed into shared chunks of executable memory (x86-64
//! Linux).
//!
//! A disk-cache hit of a small contract spent about half its time giving
//! its code a mapping of its own: a populated `mmap`, an `mprotect` to
//! read+execute, and a `munmap` when the module is dropped (benches/README.md,
//! "A cheaper disk hit"). Here a blob of at most [`MAX_BLOB_BYTES`] takes
//! whole pages of a 2 MiB chunk that is mapped once: loading it is a copy
//! and one `mprotect` of its own pages.
//!
//! Each page of a chunk is
//! - writable: free and read+write (never used, or made writable again);
//! - used: a live blob's, read+execute;
//! - released: free, of unknown protection (read+execute with the code of
//!   a dropped blob that no module references any more, or read+write).
//!
//! A blob takes a run of writable pages. When no chunk has one, a run of
//! free pages is made writable with one `mprotect` of up to
//! [`REFRESH_PAGES`] pages, so a call tree that dropped many contracts
//! next to each other pays about one `mprotect` per blob loaded after it.
//! A free run no longer than the blob (a gap between live blobs, the usual
//! state under a memory cache) costs a second one: the load's price is
//! measured that way (benches/README.md, "Small loads into gaps").
//!
//! What holds: a page is never writable and executable at once; a free
//! page changes protection only while no live blob is on it, and a new
//! blob's pages only before its module exists (nothing can reach them);
//! the last page of a blob is zeroed past its end, so no stale code shares
//! a page with a live blob. x86-64 keeps instruction fetch coherent with
//! stores, and new code is reached only through the module that holds it,
//! handed to other threads with the usual synchronisation, so no core can
//! fetch bytes older than the `mprotect` to read+execute.
//!
//! What does not: a dropped blob's pages stay read+execute, with its code
//! and nothing referring to it, until a new blob needs them (made writable
//! and overwritten) or the chunk is unmapped; a mapping of `code_memory`'s
//! pool is made writable at drop instead. And a chunk stays mapped (2 MiB,
//! populated) while any blob in it lives, so the process holds between the
//! live blobs' pages and a chunk per live blob, one empty chunk more; the
//! memory cache's byte limit counts artifacts, not this. A chunk whose
//! pages are all free is unmapped once another such chunk exists.

#![allow(unsafe_code)]

use std::sync::Mutex;

use crate::error::CompileError;

/// The base page size of x86-64 Linux (checked before the first chunk).
const PAGE: usize = 4096;
/// Pages per chunk: 2 MiB.
const CHUNK_PAGES: usize = 512;
/// Larger blobs get a mapping of their own.
pub(crate) const MAX_BLOB_BYTES: usize = 64 * PAGE;
/// Free pages made writable at once when no writable run fits.
const REFRESH_PAGES: usize = 64;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Page {
    Writable,
    Used,
    Released,
}

struct Chunk {
    /// Address of the chunk's mapping (`CHUNK_PAGES` pages).
    base: usize,
    pages: Vec<Page>,
    writable: usize,
    used: usize,
    /// Where the next search for writable pages starts (next fit).
    cursor: usize,
}

impl Chunk {
    fn contains(&self, address: usize) -> bool {
        (self.base..self.base + CHUNK_PAGES * PAGE).contains(&address)
    }

    /// The first run of `n` pages that are all `fit`, searched from
    /// `from` to the end, then from the start.
    fn find_run(&self, n: usize, from: usize, fit: impl Fn(Page) -> bool) -> Option<usize> {
        let run_in = |range: std::ops::Range<usize>| {
            let mut start = range.start;
            for i in range {
                if !fit(self.pages[i]) {
                    start = i + 1;
                } else if i + 1 - start == n {
                    return Some(start);
                }
            }
            None
        };
        run_in(from..CHUNK_PAGES).or_else(|| run_in(0..CHUNK_PAGES.min(from + n - 1)))
    }

    fn set(&mut self, pages: std::ops::Range<usize>, to: Page) {
        for page in &mut self.pages[pages] {
            match *page {
                Page::Writable => self.writable -= 1,
                Page::Used => self.used -= 1,
                Page::Released => {}
            }
            match to {
                Page::Writable => self.writable += 1,
                Page::Used => self.used += 1,
                Page::Released => {}
            }
            *page = to;
        }
    }
}

/// Every chunk; a page changes state only under this lock.
static CHUNKS: Mutex<Vec<Chunk>> = Mutex::new(Vec::new());

/// A blob's pages in a chunk, read+execute while it lives.
pub(crate) struct ArenaBlob {
    address: usize,
    len: usize,
    pages: usize,
}

impl ArenaBlob {
    /// `code` in the pages of a chunk, read+execute; `None` if it is
    /// larger than [`MAX_BLOB_BYTES`] or the page size is not 4 KiB.
    pub(crate) fn new(code: &[u8]) -> Result<Option<ArenaBlob>, CompileError> {
        if code.len() > MAX_BLOB_BYTES || !page_is_4_kib() {
            return Ok(None);
        }
        let pages = code.len().max(1).div_ceil(PAGE);
        let address = take_writable(pages)?;
        let blob = ArenaBlob {
            address,
            len: code.len(),
            pages,
        };
        // SAFETY: `take_writable` gave this thread the `pages` pages at
        // `address`, read+write; nothing else reads or writes them until
        // they are released (by `blob`'s drop, also on the error path).
        unsafe {
            let target = std::slice::from_raw_parts_mut(address as *mut u8, pages * PAGE);
            super::code_memory::copy_code(target, code);
            if libc::mprotect(
                address as *mut libc::c_void,
                pages * PAGE,
                libc::PROT_READ | libc::PROT_EXEC,
            ) != 0
            {
                return Err(CompileError::CodeMemory);
            }
        }
        Ok(Some(blob))
    }

    /// The code bytes.
    pub(crate) fn bytes(&self) -> &[u8] {
        // SAFETY: the blob's pages stay mapped and unwritten until drop.
        unsafe { std::slice::from_raw_parts(self.address as *const u8, self.len) }
    }
}

// SAFETY: the blob's memory is immutable while it lives.
unsafe impl Send for ArenaBlob {}
// SAFETY: as above.
unsafe impl Sync for ArenaBlob {}

impl Drop for ArenaBlob {
    fn drop(&mut self) {
        // No code of this blob can run any more (see `CodeMemory`'s drop).
        let mut unmap = None;
        {
            let mut chunks = lock();
            let Some(index) = chunks.iter().position(|c| c.contains(self.address)) else {
                return;
            };
            let first = (self.address - chunks[index].base) / PAGE;
            chunks[index].set(first..first + self.pages, Page::Released);
            let empty = |c: &Chunk| c.used == 0;
            if empty(&chunks[index])
                && chunks
                    .iter()
                    .enumerate()
                    .any(|(i, c)| i != index && empty(c))
            {
                unmap = Some(chunks.swap_remove(index).base);
            }
        }
        if let Some(base) = unmap {
            // SAFETY: no page of the chunk is used, and it is no longer
            // listed, so nothing can take one.
            unsafe { libc::munmap(base as *mut libc::c_void, CHUNK_PAGES * PAGE) };
        }
    }
}

impl std::fmt::Debug for ArenaBlob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ArenaBlob")
            .field("pages", &self.pages)
            .finish()
    }
}

fn lock() -> std::sync::MutexGuard<'static, Vec<Chunk>> {
    // The page states are updated in place without unwinding in between:
    // a poisoned lock still holds consistent states.
    CHUNKS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn page_is_4_kib() -> bool {
    static PAGE_IS_4_KIB: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    // SAFETY: `sysconf` has no preconditions.
    *PAGE_IS_4_KIB.get_or_init(|| unsafe { libc::sysconf(libc::_SC_PAGESIZE) } == PAGE as i64)
}

/// The address of `n` read+write pages that the caller now owns (marked
/// used).
fn take_writable(n: usize) -> Result<usize, CompileError> {
    if let Some(taken) = take_from_chunks(&mut lock(), n)? {
        return Ok(taken);
    }
    // Mapped without the lock: other loads and drops go on meanwhile.
    // SAFETY: a fresh anonymous mapping; no address is given.
    let base = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            CHUNK_PAGES * PAGE,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_POPULATE,
            -1,
            0,
        )
    };
    if base == libc::MAP_FAILED {
        return Err(CompileError::CodeMemory);
    }
    let mut chunks = lock();
    chunks.push(Chunk {
        base: base as usize,
        pages: vec![Page::Writable; CHUNK_PAGES],
        writable: CHUNK_PAGES,
        used: 0,
        cursor: 0,
    });
    let chunk = chunks.last_mut().expect("just pushed");
    Ok(take(chunk, 0, n))
}

/// `n` pages from the chunks there are: a writable run, or else a free
/// run made writable; `None` if no chunk has `n` free pages in a row.
fn take_from_chunks(chunks: &mut [Chunk], n: usize) -> Result<Option<usize>, CompileError> {
    for chunk in chunks.iter_mut().filter(|c| c.writable >= n) {
        if let Some(start) = chunk.find_run(n, chunk.cursor, |p| p == Page::Writable) {
            return Ok(Some(take(chunk, start, n)));
        }
    }
    for chunk in chunks.iter_mut().filter(|c| CHUNK_PAGES - c.used >= n) {
        let Some(start) = chunk.find_run(n, 0, |p| p != Page::Used) else {
            continue;
        };
        let end = (start..CHUNK_PAGES)
            .take(n.max(REFRESH_PAGES))
            .take_while(|&i| chunk.pages[i] != Page::Used)
            .last()
            .map_or(start, |i| i + 1);
        // SAFETY: pages `start..end` are free: no live blob is on them and
        // no other thread can take them while the lock is held.
        let writable = unsafe {
            libc::mprotect(
                (chunk.base + start * PAGE) as *mut libc::c_void,
                (end - start) * PAGE,
                libc::PROT_READ | libc::PROT_WRITE,
            )
        };
        if writable != 0 {
            return Err(CompileError::CodeMemory);
        }
        chunk.set(start..end, Page::Writable);
        return Ok(Some(take(chunk, start, n)));
    }
    Ok(None)
}

fn take(chunk: &mut Chunk, start: usize, n: usize) -> usize {
    chunk.set(start..start + n, Page::Used);
    chunk.cursor = (start + n) % CHUNK_PAGES;
    chunk.base + start * PAGE
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blob(len: usize, byte: u8) -> ArenaBlob {
        ArenaBlob::new(&vec![byte; len])
            .unwrap()
            .expect("fits a chunk")
    }

    /// Blobs of every size class read back exactly, zeros after them to the
    /// page's end, and larger blobs are left to a mapping of their own.
    #[test]
    fn blobs_read_back_and_their_last_page_is_zeroed() {
        let blobs: Vec<ArenaBlob> = [0, 1, 4095, 4096, 4097, 40_000, MAX_BLOB_BYTES]
            .iter()
            .enumerate()
            .map(|(i, &len)| blob(len, 0xC0 + i as u8))
            .collect();
        for (i, b) in blobs.iter().enumerate() {
            assert!(b.bytes().iter().all(|&x| x == 0xC0 + i as u8));
            // SAFETY: the blob's pages are mapped and readable.
            let page =
                unsafe { std::slice::from_raw_parts(b.address as *const u8, b.pages * PAGE) };
            assert!(page[b.len..].iter().all(|&x| x == 0), "blob {i}");
        }
        assert!(
            ArenaBlob::new(&vec![0; MAX_BLOB_BYTES + 1])
                .unwrap()
                .is_none()
        );
    }

    /// Released pages are taken again, written, and read back, from many
    /// threads at once; no two live blobs overlap.
    #[test]
    fn released_pages_are_reused_without_overlap() {
        // Every thread holds its blobs at the barrier, so bytes read after
        // it would show any page another thread was given too.
        let all_loaded = std::sync::Arc::new(std::sync::Barrier::new(4));
        let threads: Vec<_> = (0..4u8)
            .map(|t| {
                let all_loaded = all_loaded.clone();
                std::thread::spawn(move || {
                    for round in 0..20u8 {
                        let byte = t.wrapping_mul(61).wrapping_add(round);
                        let held: Vec<ArenaBlob> = (0..50)
                            .map(|i| blob(1 + (i * 977 + round as usize * 31) % 20_000, byte))
                            .collect();
                        all_loaded.wait();
                        for b in &held {
                            assert!(b.bytes().iter().all(|&x| x == byte));
                        }
                        let mut ranges: Vec<(usize, usize)> = held
                            .iter()
                            .map(|b| (b.address, b.address + b.pages * PAGE))
                            .collect();
                        ranges.sort();
                        assert!(ranges.windows(2).all(|w| w[0].1 <= w[1].0));
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        // At most one chunk is kept without a live blob (other tests'
        // blobs may live in the others).
        assert!(lock().iter().filter(|c| c.used == 0).count() <= 1);
    }

    #[test]
    fn a_run_is_found_after_the_cursor_then_before_it() {
        let mut chunk = Chunk {
            base: 0,
            pages: vec![Page::Used; CHUNK_PAGES],
            writable: 0,
            used: CHUNK_PAGES,
            cursor: 0,
        };
        chunk.set(10..13, Page::Writable);
        chunk.set(500..502, Page::Writable);
        let writable = |p| p == Page::Writable;
        assert_eq!(chunk.find_run(2, 100, writable), Some(500));
        assert_eq!(chunk.find_run(3, 100, writable), Some(10));
        assert_eq!(chunk.find_run(4, 0, writable), None);
        assert_eq!(chunk.find_run(1, 511, writable), Some(10));
        assert_eq!(chunk.writable, 5);
        assert_eq!(chunk.used, CHUNK_PAGES - 5);
    }
}
