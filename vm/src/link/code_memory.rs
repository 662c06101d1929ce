//! Executable memory for a code blob, W^X.
//!
//! On x86-64 Linux a blob of at most 256 KiB takes pages of a shared chunk
//! (`code_arena`, one `mprotect` per load; its module docs say what holds
//! there); what follows is for larger blobs and other hosts.
//!
//! The blob is copied into an anonymous read+write mapping, which is then
//! turned read+execute (`memmap2`'s `make_exec`, an `mprotect`); it is never
//! writable and executable at once. On an aarch64 host the instruction cache
//! is then flushed (`__builtin___clear_cache` in the C shim); x86-64 keeps
//! its caches coherent.
//!
//! On x86-64, a dropped blob's mapping is turned read+write again and kept
//! in a small pool (at most [`POOL_MAPS`] mappings and [`POOL_BYTES`] in
//! all) for the next blob that fits it: loading a module from the disk
//! cache then writes to pages that are already present instead of
//! faulting each one in, and skips an `mmap`/`munmap` pair. The bytes past
//! the new blob are zeroed, so no stale code stays executable. (The
//! `mprotect` back to read+execute shoots down the other cores' TLB
//! entries, an interrupt, which serialises their instruction fetch. On
//! aarch64 another core could still run stale instructions from a reused
//! address, so mappings are not reused there, and after the flush every
//! core is made to resynchronise its instruction fetch with a
//! `membarrier`, since a fresh mapping may still land where code was.) The pool's lock is only tried: a contended or poisoned pool
//! means a fresh mapping or an unmap, never a wait.

use std::sync::Mutex;

use memmap2::{Mmap, MmapMut, MmapOptions};

use crate::error::CompileError;

/// Released mappings kept for reuse.
const POOL_MAPS: usize = 16;
/// Bytes of released mappings kept for reuse, in all.
const POOL_BYTES: usize = 32 << 20;

/// Read+write mappings of dropped blobs.
static POOL: Mutex<Vec<MmapMut>> = Mutex::new(Vec::new());

/// The smallest pooled mapping of at least `len` bytes and at most twice
/// that (a small blob does not pin a large mapping).
fn take_pooled(len: usize) -> Option<MmapMut> {
    let most = len.saturating_mul(2).max(4096);
    crate::runtime::memory::take_smallest(&mut *POOL.try_lock().ok()?, |size| {
        (len..=most).contains(&size)
    })
}

/// Whether `pool` can keep a released mapping of `len` bytes.
fn fits(pool: &[MmapMut], len: usize) -> bool {
    let pooled: usize = pool.iter().map(|m| m.len()).sum();
    pool.len() < POOL_MAPS && pooled + len <= POOL_BYTES
}

/// A mapped, executable code blob. Immutable once made, so `Send + Sync`.
pub(crate) struct CodeMemory {
    /// `None` while being dropped, and for a blob in `arena`.
    map: Option<Mmap>,
    /// A small blob's pages in a shared chunk (x86-64 Linux).
    #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
    arena: Option<super::code_arena::ArenaBlob>,
    /// The blob's length (the mapping may be longer).
    len: usize,
}

impl CodeMemory {
    pub(crate) fn new(code: &[u8]) -> Result<CodeMemory, CompileError> {
        #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
        if let Some(blob) = super::code_arena::ArenaBlob::new(code)? {
            return Ok(CodeMemory {
                map: None,
                arena: Some(blob),
                len: code.len(),
            });
        }
        let map = match take_pooled(code.len().max(1)) {
            Some(map) => map,
            // Populated: the copy below writes every page, and one
            // `mmap` that allocates them all is cheaper than a fault per
            // page (a disk hit of the 13 KB token writes 14).
            None => MmapOptions::new()
                .len(code.len().max(1))
                .populate()
                .map_anon()
                .map_err(|_| CompileError::CodeMemory)?,
        };
        Ok(CodeMemory {
            map: Some(write_blob(map, code)?),
            #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
            arena: None,
            len: code.len(),
        })
    }

    /// Address of the byte at `offset`.
    pub(crate) fn addr(&self, offset: usize) -> *const u8 {
        self.bytes()[offset..].as_ptr()
    }

    /// The code bytes.
    pub(crate) fn bytes(&self) -> &[u8] {
        #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
        if let Some(blob) = &self.arena {
            return blob.bytes();
        }
        self.map.as_ref().map_or(&[], |map| &map[..self.len])
    }
}

/// `code` at the start of `target` (at least as long), zeros after it: no
/// stale bytes stay beside new code.
pub(super) fn copy_code(target: &mut [u8], code: &[u8]) {
    target[..code.len()].copy_from_slice(code);
    target[code.len()..].fill(0);
}

/// `code` at the start of `map` (at least as long), zeros after it, then
/// read+execute.
fn write_blob(mut map: MmapMut, code: &[u8]) -> Result<Mmap, CompileError> {
    copy_code(&mut map, code);
    let map = map.make_exec().map_err(|_| CompileError::CodeMemory)?;
    #[cfg(target_arch = "aarch64")]
    crate::runtime::unwind::flush_icache(&map);
    #[cfg(all(target_arch = "aarch64", target_os = "linux"))]
    sync_cores();
    Ok(map)
}

/// Makes every core running this process's threads resynchronise its
/// instruction fetch: `flush_icache` invalidates the caches everywhere but
/// issues its `isb` on this core only, and a fresh mapping may get an
/// address where another thread ran code before. Linux's `membarrier`
/// with `PRIVATE_EXPEDITED_SYNC_CORE` does it (as wasmtime does), once the
/// process has registered for it; a kernel without it gets the global
/// barrier (every core passes through the kernel: a context
/// synchronisation), and one without `membarrier` at all nothing more.
#[cfg(all(target_arch = "aarch64", target_os = "linux"))]
#[allow(unsafe_code)]
fn sync_cores() {
    use std::sync::OnceLock;
    const GLOBAL: libc::c_long = 1;
    const PRIVATE_EXPEDITED_SYNC_CORE: libc::c_long = 32;
    const REGISTER_PRIVATE_EXPEDITED_SYNC_CORE: libc::c_long = 64;
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    // SAFETY: `membarrier` takes no pointers; registering only changes
    // what the process may ask for later.
    let registered = *REGISTERED.get_or_init(|| unsafe {
        libc::syscall(
            libc::SYS_membarrier,
            REGISTER_PRIVATE_EXPEDITED_SYNC_CORE,
            0,
            0,
        ) == 0
    });
    let command = if registered {
        PRIVATE_EXPEDITED_SYNC_CORE
    } else {
        GLOBAL
    };
    // SAFETY: as above. Its result is not needed: it fails only on a
    // kernel that cannot do it, where nothing better is left to do.
    unsafe { libc::syscall(libc::SYS_membarrier, command, 0, 0) };
}

impl Drop for CodeMemory {
    fn drop(&mut self) {
        let Some(map) = self.map.take() else { return };
        if !cfg!(target_arch = "x86_64") {
            return;
        }
        // No code of this blob can run any more: every `Module` holding it
        // is gone (an instance owns its module; a call through a shared
        // table holds the callee's instance for the call). If the pool has
        // room, read+write again (an `mprotect`, outside the lock) and
        // pooled if it still fits; otherwise, or on failure, the mapping
        // is unmapped, without the `mprotect` (a call tree that held many
        // contracts drops more than the pool keeps).
        if !POOL.try_lock().is_ok_and(|pool| fits(&pool, map.len())) {
            return;
        }
        let Ok(map) = map.make_mut() else { return };
        if let Ok(mut pool) = POOL.try_lock()
            && fits(&pool, map.len())
        {
            pool.push(map);
        }
    }
}

impl std::fmt::Debug for CodeMemory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CodeMemory")
            .field("len", &self.len)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A blob written into a used mapping reads back exactly, and nothing
    /// of the mapping's previous content stays past it.
    #[test]
    fn a_reused_mapping_holds_the_new_blob_and_zeros() {
        let mut used = MmapMut::map_anon(6000).unwrap();
        used.fill(0xC3);
        let code = vec![0x90; 4000];
        let map = write_blob(used, &code).unwrap();
        assert_eq!(&map[..code.len()], &code[..]);
        assert!(map[code.len()..].iter().all(|&b| b == 0));
    }

    /// A dropped blob's mapping is offered to the next blob that fits (on
    /// x86-64; blobs too large for the arena), which then reads back
    /// exactly.
    #[test]
    fn a_dropped_mapping_is_reused() {
        let old = CodeMemory::new(&vec![0xC3; 600_000]).unwrap();
        let address = old.bytes().as_ptr();
        drop(old);
        let code = vec![0x90; 400_000];
        let blob = CodeMemory::new(&code).unwrap();
        assert_eq!(blob.bytes(), &code[..]);
        // Other tests share the pool: reuse is likely, not certain.
        if cfg!(target_arch = "x86_64") && blob.bytes().as_ptr() == address {
            let map = blob.map.as_ref().unwrap();
            assert!(map[code.len()..].iter().all(|&b| b == 0));
        }
        let pool = POOL.lock().unwrap();
        assert!(pool.len() <= POOL_MAPS);
        assert!(pool.iter().map(|m| m.len()).sum::<usize>() <= POOL_BYTES);
    }
}
