//! Executable memory for a code blob, W^X.
//!
//! The blob is copied into an anonymous read+write mapping, which is then
//! turned read+execute (`memmap2`'s `make_exec`, an `mprotect`); it is never
//! writable and executable at once. On an aarch64 host the instruction cache
//! is then flushed (`__builtin___clear_cache` in the C shim); x86-64 keeps
//! its caches coherent.

use memmap2::Mmap;

use crate::error::CompileError;

/// A mapped, executable code blob. Immutable once made, so `Send + Sync`.
pub(crate) struct CodeMemory {
    map: Mmap,
}

impl CodeMemory {
    pub(crate) fn new(code: &[u8]) -> Result<CodeMemory, CompileError> {
        let mut map =
            memmap2::MmapMut::map_anon(code.len().max(1)).map_err(|_| CompileError::CodeMemory)?;
        map[..code.len()].copy_from_slice(code);
        let map = map.make_exec().map_err(|_| CompileError::CodeMemory)?;
        #[cfg(target_arch = "aarch64")]
        crate::runtime::unwind::flush_icache(&map);
        Ok(CodeMemory { map })
    }

    /// Address of the byte at `offset`.
    pub(crate) fn addr(&self, offset: usize) -> *const u8 {
        self.map[offset..].as_ptr()
    }

    /// The code bytes.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.map
    }
}

impl std::fmt::Debug for CodeMemory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CodeMemory")
            .field("len", &self.map.len())
            .finish()
    }
}
