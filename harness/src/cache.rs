//! The compiled-code cache under test: a disk-level [`Cache`] in a
//! temporary directory, a valid artifact file of a real module, and
//! mutations of that file.
//!
//! Shared by the `cache` fuzz target ([`crate::targets::cache_artifact`]),
//! the cache half of the `differential` target
//! ([`crate::differential::compare_cache`]) and the proptests of
//! `vm/tests/cache.rs`.
//!
//! The property: a mutated artifact is never executed. Every check of
//! `artifact::decode` (magic, version, key, length, payload checksum) covers
//! every byte of the file, so any file that differs from the valid one must
//! be a counted miss (`corrupt_files` and `misses` both 1, no disk hit),
//! the module recompiled and the file rewritten to the valid bytes; only
//! the identical file may be a hit.

use std::path::{Path, PathBuf};

use arbitrary::{Arbitrary, Unstructured};
use gasket_metering::{Config, Permissive, PrepareError, Prepared};
use gasket_vm::{Cache, CacheConfig, CacheKey, DiskConfig, Engine, Module, ModuleError};

/// The policy id the harness compiles under (`prepare` is [`prepare`]).
pub const POLICY: &[u8] = b"permissive";

/// `prepare` with the permissive policy, the one [`POLICY`] names.
pub fn prepare(wasm: &[u8], config: &Config) -> Result<Prepared, PrepareError> {
    gasket_metering::prepare_with_policy(wasm, config, &Permissive)
}

/// A cache with `memory_bytes` in memory and a 64 MiB disk level in `dir`.
pub fn disk_cache(dir: &Path, memory_bytes: u64) -> Cache {
    Cache::new(CacheConfig {
        memory_bytes,
        disk: Some(DiskConfig {
            dir: dir.to_path_buf(),
            max_bytes: 64 << 20,
        }),
    })
}

/// `wasm` through `cache` with the default config and [`POLICY`].
pub fn compile(engine: &Engine, cache: &Cache, wasm: &[u8]) -> Result<Module, ModuleError> {
    engine.compile_cached(cache, wasm, &Config::default(), POLICY, prepare)
}

/// The cache key of `wasm` under the default config and [`POLICY`].
pub fn key(engine: &Engine, wasm: &[u8]) -> CacheKey {
    CacheKey::new(engine, wasm, &Config::default(), POLICY)
}

/// A module's valid artifact file, in a fresh directory of its own.
#[derive(Debug)]
pub struct Artifact {
    /// The cache directory (deleted on drop).
    pub dir: tempfile::TempDir,
    /// Where the module's artifact lives in `dir`.
    pub path: PathBuf,
    /// The artifact as the cache wrote it.
    pub valid: Vec<u8>,
    /// The module's original wasm bytes.
    pub wasm: Vec<u8>,
}

impl Artifact {
    /// Compiles `wasm` through a disk cache in a new temporary directory
    /// and keeps the artifact file it wrote. Panics if `wasm` is rejected
    /// (a rejection is cached too, but has no code to protect).
    pub fn new(engine: &Engine, wasm: &[u8]) -> Artifact {
        let dir = tempfile::tempdir().expect("create a temporary directory");
        let cache = disk_cache(dir.path(), 0);
        if let Err(e) = compile(engine, &cache, wasm) {
            panic!("the artifact's module does not compile: {e}");
        }
        let path = cache
            .artifact_path(&key(engine, wasm))
            .expect("a disk level");
        let valid = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Artifact {
            dir,
            path,
            valid,
            wasm: wasm.to_vec(),
        }
    }

    /// The same artifact in a new temporary directory (the file is
    /// written by [`Artifact::load`]).
    pub fn in_new_dir(&self) -> Artifact {
        let dir = tempfile::tempdir().expect("create a temporary directory");
        let path = dir
            .path()
            .join(self.path.file_name().expect("an artifact file name"));
        Artifact {
            dir,
            path,
            valid: self.valid.clone(),
            wasm: self.wasm.clone(),
        }
    }

    /// Puts `bytes` where the artifact goes and looks the module up in a
    /// new cache on the directory (as after a restart). Checks that bytes
    /// other than the valid file were rejected (a counted miss, never a
    /// hit) and the file rewritten valid, and that the valid file is a disk
    /// hit; returns the module for the caller to run. Panics naming
    /// `label` otherwise.
    pub fn load(&self, engine: &Engine, bytes: &[u8], label: &str) -> Module {
        std::fs::write(&self.path, bytes)
            .unwrap_or_else(|e| panic!("{label}: writing {}: {e}", self.path.display()));
        let cache = disk_cache(self.dir.path(), 0);
        let module = compile(engine, &cache, &self.wasm)
            .unwrap_or_else(|e| panic!("{label}: the module no longer compiles: {e}"));
        let stats = cache.stats();
        let counts = (stats.corrupt_files, stats.misses, stats.hits_disk);
        if bytes == self.valid.as_slice() {
            assert_eq!(counts, (0, 0, 1), "{label}: the valid file is not a hit");
        } else {
            assert_eq!(
                counts,
                (1, 1, 0),
                "{label}: a mutated file was not a counted miss (corrupt, misses, disk hits)"
            );
            let rewritten = std::fs::read(&self.path).unwrap_or_default();
            assert!(rewritten == self.valid, "{label}: file not rewritten");
        }
        module
    }
}

/// The fields of the artifact header (`docs/CACHE_FORMAT.md`), as byte
/// ranges.
pub const HEADER_FIELDS: [(&str, std::ops::Range<usize>); 5] = [
    ("magic", 0..8),
    ("format version", 8..12),
    ("key", 12..44),
    ("payload length", 44..52),
    ("payload checksum", 52..68),
];

/// One way of damaging an artifact file, chosen by the fuzzer. Positions
/// are taken modulo the file's length, so every value is meaningful.
#[derive(Debug, Clone, PartialEq, Eq, Arbitrary)]
pub enum Mutation {
    /// Flip bit `bit % 8` of byte `at`.
    Flip {
        /// Byte position.
        at: u32,
        /// Bit to flip.
        bit: u8,
    },
    /// Keep only the first `len` bytes.
    Truncate {
        /// New length.
        len: u32,
    },
    /// Append bytes.
    Append(Vec<u8>),
    /// Overwrite from `at` with `bytes` (extending the file if needed).
    Overwrite {
        /// Start position.
        at: u32,
        /// New bytes.
        bytes: Vec<u8>,
    },
    /// Set header field `field % 5` of [`HEADER_FIELDS`] to a little-endian
    /// `value` (repeated for the wide fields): another version, a length
    /// off by some bytes, a zeroed key or hash.
    Header {
        /// Which field.
        field: u8,
        /// Its new value.
        value: u64,
    },
    /// Add `delta` to the header's payload length and append as many
    /// zero bytes (up to 4 KiB), so that the length matches the file.
    Grow {
        /// Bytes added.
        delta: u16,
    },
}

impl Mutation {
    /// `valid` with `mutations` applied in order (may equal `valid`, e.g.
    /// an overwrite with the same bytes).
    pub fn apply_all(mutations: &[Mutation], valid: &[u8]) -> Vec<u8> {
        let mut bytes = valid.to_vec();
        for m in mutations {
            m.apply_to(&mut bytes);
        }
        bytes
    }

    fn apply_to(&self, bytes: &mut Vec<u8>) {
        let pos = |at: u32, len: usize| if len == 0 { 0 } else { at as usize % len };
        match self {
            Mutation::Flip { at, bit } => {
                if !bytes.is_empty() {
                    let at = pos(*at, bytes.len());
                    bytes[at] ^= 1 << (bit % 8);
                }
            }
            Mutation::Truncate { len } => {
                let len = pos(*len, bytes.len());
                bytes.truncate(len);
            }
            Mutation::Append(extra) => bytes.extend_from_slice(extra),
            Mutation::Overwrite { at, bytes: new } => {
                let at = pos(*at, bytes.len());
                let end = at + new.len();
                if bytes.len() < end {
                    bytes.resize(end, 0);
                }
                bytes[at..end].copy_from_slice(new);
            }
            Mutation::Header { field, value } => {
                let (_, range) = &HEADER_FIELDS[*field as usize % HEADER_FIELDS.len()];
                if bytes.len() >= range.end {
                    let le = value.to_le_bytes();
                    for (i, b) in bytes[range.clone()].iter_mut().enumerate() {
                        *b = le[i % 8];
                    }
                }
            }
            Mutation::Grow { delta } => {
                let delta = (*delta % 4096) as usize;
                if bytes.len() >= 52 {
                    let mut len = [0u8; 8];
                    len.copy_from_slice(&bytes[44..52]);
                    let len = u64::from_le_bytes(len).wrapping_add(delta as u64);
                    bytes[44..52].copy_from_slice(&len.to_le_bytes());
                    bytes.resize(bytes.len() + delta, 0);
                }
            }
        }
    }

    /// The mutations fuzzer bytes describe, at least one (an input too
    /// short for any is a flip of the first bit).
    pub fn from_bytes(data: &[u8]) -> Vec<Mutation> {
        let mut all =
            Vec::<Mutation>::arbitrary_take_rest(Unstructured::new(data)).unwrap_or_default();
        if all.is_empty() {
            all.push(Mutation::Flip { at: 0, bit: 0 });
        }
        all
    }
}
