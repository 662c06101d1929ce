//! Linking: compiled functions → one position-independent code blob →
//! executable memory.
//!
//! - [`blob`]: lays functions out (16-byte aligned) and applies relocations;
//! - [`reloc`]: the relocations we accept and how each is patched;
//! - [`code_memory`]: maps the blob W^X (written, then read+execute);
//!   on x86-64 Linux a small blob takes pages of a shared chunk
//!   (`code_arena`) instead of a mapping of its own;
//! - [`perf_map`]: names for the mapped code in Linux `perf` profiles,
//!   when `GASKET_PERF_MAP` asks for them.
//!
//! The blob holds no absolute address: intra-module calls are PC-relative,
//! everything else is reached through the VM context.

pub(crate) mod blob;
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
mod code_arena;
pub(crate) mod code_memory;
pub(crate) mod perf_map;
pub(crate) mod reloc;
