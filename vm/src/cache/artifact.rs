//! The artifact encoding: one file per cache entry (format in
//! `docs/CACHE_FORMAT.md`).
//!
//! ```text
//! header (68 bytes, little-endian)           payload
//! ┌───────┬─────────┬─────┬─────┬──────────┐ ┌──────────────────┬────────────┐
//! │ magic │ version │ key │ len │ checksum │ │ borsh Metadata   │ code bytes │
//! │   8   │    4    │ 32  │  8  │    16    │ │                  │            │
//! └───────┴─────────┴─────┴─────┴──────────┘ └──────────────────┴────────────┘
//! ```
//!
//! # Warning: integrity
//!
//! [`decode`] is the only way bytes from disk become a [`Module`], and it
//! trusts nothing before checking, in this order: length of the header,
//! magic, format version, key (the file must be the one asked for), payload
//! length, payload checksum; then it decodes the metadata and checks it
//! against the engine (target, native stack) and against itself (every
//! offset inside the code; every table entry, entry trampoline and
//! imported-function count within the functions; the injected globals,
//! the defined globals and every `global.get` of a constant expression
//! within the globals). Any failure is an
//! [`ArtifactError`], which the cache treats as a miss. Loosening any of
//! these checks can execute a stale or damaged blob: a consensus failure.

use borsh::{BorshDeserialize, BorshSerialize};
use gasket_metering::{ImportKind, ModuleInfo};

use super::FORMAT_VERSION;
use super::key::CacheKey;
use crate::engine::{Engine, Target};
use crate::error::ModuleError;
use crate::module::{ConstExpr, Module, Segments};

/// First bytes of every artifact file.
pub(crate) const MAGIC: [u8; 8] = *b"GASKETCA";
/// Size of the fixed header.
pub(crate) const HEADER_LEN: usize = 8 + 4 + 32 + 8 + 16;
/// Offset of the format version in the header.
#[cfg(test)]
pub(crate) const VERSION_AT: usize = 8;

/// Why a file is not a usable artifact (the cache counts it and recompiles).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ArtifactError {
    /// Shorter than the header.
    #[error("file shorter than the header")]
    Truncated,
    /// Not an artifact at all.
    #[error("bad magic")]
    Magic,
    /// Written by a build with another format.
    #[error("format version {0}")]
    Version(u32),
    /// The header names another key.
    #[error("another key")]
    Key,
    /// The payload is not as long as the header says.
    #[error("payload length")]
    Length,
    /// The payload's checksum differs from the header's.
    #[error("payload checksum")]
    Checksum,
    /// The metadata does not decode.
    #[error("metadata")]
    Metadata,
    /// Compiled for another target or with another native stack size.
    #[error("engine mismatch")]
    Engine,
    /// The metadata disagrees with itself or the code.
    #[error("layout: {0}")]
    Layout(&'static str),
}

/// What the payload's metadata holds: a compiled module, or the error
/// compiling it gave.
#[derive(BorshSerialize, BorshDeserialize)]
pub(crate) enum Metadata {
    /// A module; its code follows.
    Module(Box<ModuleMeta>),
    /// A deterministic compile error (no code follows).
    Error(ModuleError),
}

/// Everything of [`crate::module::ModuleInner`] except the code memory.
#[derive(Clone, BorshSerialize, BorshDeserialize)]
pub(crate) struct ModuleMeta {
    /// 0: x86-64, 1: aarch64.
    target: u8,
    native_stack_bytes: u64,
    info: ModuleInfo,
    sig_ids: Vec<u32>,
    function_offsets: Vec<u64>,
    entries: Vec<(u32, u64)>,
    indirect_entries: Vec<(u32, u64)>,
    segments: Segments,
}

fn target_tag(target: Target) -> u8 {
    match target {
        Target::X86_64 => 0,
        Target::Aarch64 => 1,
    }
}

/// Encodes a cache entry as an artifact file.
pub(crate) fn encode(key: &CacheKey, entry: &Result<Module, ModuleError>) -> Vec<u8> {
    let mut payload = Vec::new();
    let code: &[u8] = match entry {
        Ok(module) => {
            let inner = &module.inner;
            let meta = ModuleMeta {
                target: target_tag(inner.target),
                native_stack_bytes: inner.native_stack_bytes as u64,
                info: inner.info.clone(),
                sig_ids: inner.sig_ids.clone(),
                function_offsets: inner.function_offsets.iter().map(|&o| o as u64).collect(),
                entries: inner.entries.iter().map(|&(i, o)| (i, o as u64)).collect(),
                indirect_entries: inner
                    .indirect_entries
                    .iter()
                    .map(|&(i, o)| (i, o as u64))
                    .collect(),
                segments: inner.parsed.clone(),
            };
            // Writing borsh into a Vec cannot fail.
            Metadata::Module(Box::new(meta))
                .serialize(&mut payload)
                .unwrap_or_default();
            inner.code.bytes()
        }
        Err(error) => {
            Metadata::Error(error.clone())
                .serialize(&mut payload)
                .unwrap_or_default();
            &[]
        }
    };
    payload.extend_from_slice(code);
    let mut file = Vec::with_capacity(HEADER_LEN + payload.len());
    file.extend_from_slice(&MAGIC);
    file.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    file.extend_from_slice(&key.0);
    file.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    file.extend_from_slice(&checksum(&payload));
    file.extend_from_slice(&payload);
    file
}

/// The payload's checksum: XXH3-128, little-endian.
///
/// It catches damage (a torn write, a flipped bit), the only thing a
/// checksum in the file can catch: whoever can write the file can write
/// its checksum too, so a keyed or cryptographic hash would buy nothing
/// here, and blake3 took a fifth of a disk hit (1.6 GB/s against 16 GB/s
/// on the Zen 1 EPYC; benches/README.md, "A cheaper disk hit").
fn checksum(payload: &[u8]) -> [u8; 16] {
    xxhash_rust::xxh3::xxh3_128(payload).to_le_bytes()
}

/// A checked artifact: the module's metadata and code, or a cached error.
pub(crate) enum Decoded<'a> {
    Module(Box<ModuleMeta>, &'a [u8]),
    Error(ModuleError),
}

/// Checks `file` (see the module docs for the order) and decodes it.
pub(crate) fn decode<'a>(
    file: &'a [u8],
    key: &CacheKey,
    engine: &Engine,
) -> Result<Decoded<'a>, ArtifactError> {
    let header = file.get(..HEADER_LEN).ok_or(ArtifactError::Truncated)?;
    let (magic, rest) = header.split_at(8);
    let (version, rest) = rest.split_at(4);
    let (file_key, rest) = rest.split_at(32);
    let (length, stored_checksum) = rest.split_at(8);
    if magic != MAGIC {
        return Err(ArtifactError::Magic);
    }
    let version = u32::from_le_bytes(version.try_into().map_err(|_| ArtifactError::Truncated)?);
    if version != FORMAT_VERSION {
        return Err(ArtifactError::Version(version));
    }
    if file_key != key.0 {
        return Err(ArtifactError::Key);
    }
    let length = u64::from_le_bytes(length.try_into().map_err(|_| ArtifactError::Truncated)?);
    let payload = &file[HEADER_LEN..];
    if payload.len() as u64 != length {
        return Err(ArtifactError::Length);
    }
    if checksum(payload) != stored_checksum {
        return Err(ArtifactError::Checksum);
    }
    // Only now is the payload what this build wrote for this key.
    let mut reader = payload;
    let metadata = Metadata::deserialize(&mut reader).map_err(|_| ArtifactError::Metadata)?;
    let code = reader;
    match metadata {
        Metadata::Error(error) => {
            if !code.is_empty() {
                return Err(ArtifactError::Layout("code after an error"));
            }
            Ok(Decoded::Error(error))
        }
        Metadata::Module(meta) => {
            if meta.target != target_tag(engine.config().target)
                || meta.native_stack_bytes != engine.config().native_stack_bytes as u64
            {
                return Err(ArtifactError::Engine);
            }
            check_layout(&meta, code.len())?;
            Ok(Decoded::Module(meta, code))
        }
    }
}

/// The metadata's indices and offsets must all be usable: instantiation
/// and calls index with them.
fn check_layout(meta: &ModuleMeta, code_len: usize) -> Result<(), ArtifactError> {
    let functions = meta.info.functions.len();
    let inside = |offset: u64| offset < code_len as u64;
    if meta.function_offsets.len() != functions {
        return Err(ArtifactError::Layout("function offsets"));
    }
    if meta.sig_ids.len() != meta.info.types.len() {
        return Err(ArtifactError::Layout("signature ids"));
    }
    if !meta.function_offsets.iter().all(|&o| inside(o))
        || !meta.entries.iter().all(|&(_, o)| inside(o))
        || !meta.indirect_entries.iter().all(|&(_, o)| inside(o))
    {
        return Err(ArtifactError::Layout("offset outside the code"));
    }
    if !meta
        .indirect_entries
        .iter()
        .all(|&(t, _)| (t as usize) < meta.info.types.len())
    {
        return Err(ArtifactError::Layout("indirect trampoline type"));
    }
    let valid_type = |f: usize| {
        meta.info
            .functions
            .get(f)
            .is_some_and(|&ty| (ty as usize) < meta.sig_ids.len())
    };
    if !(0..functions).all(valid_type) {
        return Err(ArtifactError::Layout("function type"));
    }
    let table_funcs = meta.segments.elements.iter().flat_map(|e| &e.funcs);
    if !table_funcs.flatten().all(|&f| (f as usize) < functions) {
        return Err(ArtifactError::Layout("table entry"));
    }
    if !meta.entries.iter().all(|&(f, _)| (f as usize) < functions) {
        return Err(ArtifactError::Layout("entry trampoline function"));
    }
    let imported =
        |kind: fn(&ImportKind) -> bool| meta.info.imports.iter().filter(|i| kind(&i.kind)).count();
    let imported_functions = imported(|k| matches!(k, ImportKind::Func(_)));
    if meta.info.imported_functions as usize != imported_functions || imported_functions > functions
    {
        return Err(ArtifactError::Layout("imported functions"));
    }
    // Instantiation indexes the globals with these, and takes the defined
    // ones (initialisers) after the imported ones.
    let globals = meta.info.globals.len();
    if imported(|k| matches!(k, ImportKind::Global(_))) + meta.segments.globals.len() != globals {
        return Err(ArtifactError::Layout("defined globals"));
    }
    if meta.info.injected.gas_global as usize >= globals {
        return Err(ArtifactError::Layout("gas global"));
    }
    if meta.info.injected.stack_global as usize >= globals {
        return Err(ArtifactError::Layout("stack global"));
    }
    let offsets = (meta.segments.data.iter().map(|d| &d.offset))
        .chain(meta.segments.elements.iter().map(|e| &e.offset))
        .flatten();
    let in_range = |expr: &ConstExpr| match *expr {
        ConstExpr::Global(g) => (g as usize) < globals,
        ConstExpr::I32(_) | ConstExpr::I64(_) => true,
    };
    if !meta.segments.globals.iter().chain(offsets).all(in_range) {
        return Err(ArtifactError::Layout("global in a constant expression"));
    }
    Ok(())
}

/// Rebuilds a module: the code goes into fresh W^X memory.
pub(crate) fn load(
    meta: Box<ModuleMeta>,
    code: &[u8],
) -> Result<Module, crate::error::CompileError> {
    let meta = *meta;
    let target = if meta.target == 0 {
        Target::X86_64
    } else {
        Target::Aarch64
    };
    Ok(Module::from(crate::module::ModuleInner {
        info: meta.info,
        sig_ids: meta.sig_ids,
        function_offsets: meta.function_offsets.iter().map(|&o| o as usize).collect(),
        entries: meta.entries.iter().map(|&(i, o)| (i, o as usize)).collect(),
        indirect_entries: meta
            .indirect_entries
            .iter()
            .map(|&(i, o)| (i, o as usize))
            .collect(),
        code: crate::link::code_memory::CodeMemory::new(code)?,
        parsed: meta.segments,
        native_stack_bytes: meta.native_stack_bytes as usize,
        target,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::EngineConfig;
    use gasket_metering::{Config, Permissive, prepare_with_policy};

    fn engine(target: Target) -> Engine {
        Engine::new(EngineConfig {
            target,
            ..Default::default()
        })
        .unwrap()
    }

    fn module(engine: &Engine) -> Module {
        let wasm = wat::parse_str(
            r#"(module (memory 1) (table 2 funcref) (elem (i32.const 0) $f)
                 (data (i32.const 8) "hi")
                 (func $f (export "f") (param i32) (result i32)
                   (i32.add (local.get 0) (i32.const 1))))"#,
        )
        .unwrap();
        let prepared = prepare_with_policy(&wasm, &Config::default(), &Permissive).unwrap();
        engine.compile(&prepared).unwrap()
    }

    fn host() -> Target {
        Target::host().unwrap_or(Target::X86_64)
    }

    #[test]
    fn round_trip_gives_the_same_module() {
        let engine = engine(host());
        let module = module(&engine);
        let key = CacheKey([7; 32]);
        let file = encode(&key, &Ok(module.clone()));
        let Ok(Decoded::Module(meta, code)) = decode(&file, &key, &engine) else {
            panic!("artifact does not decode");
        };
        let loaded = load(meta, code).unwrap();
        assert_eq!(loaded.code(), module.code());
        assert_ne!(loaded.code().as_ptr(), module.code().as_ptr());
        assert_eq!(loaded.info(), module.info());
        assert_eq!(loaded.inner.parsed, module.inner.parsed);
        assert_eq!(loaded.inner.entries, module.inner.entries);
        assert_eq!(loaded.inner.function_offsets, module.inner.function_offsets);
        assert_eq!(loaded.inner.sig_ids, module.inner.sig_ids);
    }

    #[test]
    fn header_checks_come_first() {
        let engine = engine(host());
        let key = CacheKey([1; 32]);
        let file = encode(&key, &Ok(module(&engine)));
        let check = |bytes: &[u8]| decode(bytes, &key, &engine).err();
        assert_eq!(check(&file[..10]), Some(ArtifactError::Truncated));
        let mut bad = file.clone();
        bad[0] ^= 1;
        assert_eq!(check(&bad), Some(ArtifactError::Magic));
        let mut bad = file.clone();
        bad[VERSION_AT..VERSION_AT + 4].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
        assert_eq!(
            check(&bad),
            Some(ArtifactError::Version(FORMAT_VERSION + 1))
        );
        assert_eq!(
            decode(&file, &CacheKey([2; 32]), &engine).err(),
            Some(ArtifactError::Key)
        );
        assert_eq!(check(&file[..file.len() - 1]), Some(ArtifactError::Length));
        let mut bad = file.clone();
        *bad.last_mut().unwrap() ^= 0x80;
        assert_eq!(check(&bad), Some(ArtifactError::Checksum));
    }

    #[test]
    fn another_target_is_rejected_even_under_the_right_key() {
        // A file for aarch64 re-labelled with this engine's key (and a
        // recomputed checksum) still fails on the metadata's target.
        let other = match host() {
            Target::X86_64 => Target::Aarch64,
            Target::Aarch64 => Target::X86_64,
        };
        let key = CacheKey([3; 32]);
        let file = encode(&key, &Ok(module(&engine(other))));
        assert_eq!(
            decode(&file, &key, &engine(host())).err(),
            Some(ArtifactError::Engine)
        );
    }

    /// `meta` and `code` as a file for `key` with a valid header and
    /// checksum: what a buggy writer of the same format version could
    /// produce.
    fn forge(key: &CacheKey, meta: Box<ModuleMeta>, code: &[u8]) -> Vec<u8> {
        let mut payload = Vec::new();
        Metadata::Module(meta).serialize(&mut payload).unwrap();
        payload.extend_from_slice(code);
        let mut forged = Vec::new();
        forged.extend_from_slice(&MAGIC);
        forged.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        forged.extend_from_slice(&key.0);
        forged.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        forged.extend_from_slice(&checksum(&payload));
        forged.extend_from_slice(&payload);
        forged
    }

    #[test]
    fn inconsistent_metadata_is_rejected_after_the_checksum() {
        // A payload with a good checksum whose offsets point outside the code.
        let engine = engine(host());
        let module = module(&engine);
        let key = CacheKey([4; 32]);
        let file = encode(&key, &Ok(module.clone()));
        let Ok(Decoded::Module(mut meta, code)) = decode(&file, &key, &engine) else {
            panic!("artifact does not decode");
        };
        meta.function_offsets[0] = code.len() as u64;
        assert_eq!(
            decode(&forge(&key, meta, code), &key, &engine).err(),
            Some(ArtifactError::Layout("offset outside the code"))
        );
    }

    /// Every index instantiation takes from the metadata is checked: each
    /// field set out of range (checksum recomputed) is a layout error, not
    /// a module whose instantiation would index out of bounds.
    #[test]
    fn indices_instantiation_uses_are_checked() {
        let engine = engine(host());
        // An imported global read by a defined global's initialiser and by
        // both segments' offsets; an exported function in the table.
        let wasm = wat::parse_str(
            r#"(module (import "env" "base" (global $base i32))
                 (global $g (mut i32) (global.get $base))
                 (memory 1) (table 2 funcref) (elem (global.get $base) $f)
                 (data (global.get $base) "hi")
                 (func $f (export "f") (result i32) (global.get $g)))"#,
        )
        .unwrap();
        let prepared = prepare_with_policy(&wasm, &Config::default(), &Permissive).unwrap();
        let module = engine.compile(&prepared).unwrap();
        let key = CacheKey([6; 32]);
        let file = encode(&key, &Ok(module));
        let Ok(Decoded::Module(valid, code)) = decode(&file, &key, &engine) else {
            panic!("artifact does not decode");
        };
        let globals = valid.info.globals.len() as u32;
        let functions = valid.info.functions.len() as u32;
        type Corrupt = fn(&mut ModuleMeta, u32, u32);
        let corruptions: [(&str, Corrupt); 8] = [
            ("gas global", |m, globals, _| {
                m.info.injected.gas_global = globals
            }),
            ("stack global", |m, globals, _| {
                m.info.injected.stack_global = globals
            }),
            ("defined globals", |m, _, _| {
                m.segments.globals.push(ConstExpr::I32(0))
            }),
            ("imported functions", |m, _, functions| {
                m.info.imported_functions = functions + 1
            }),
            ("global in a constant expression", |m, globals, _| {
                m.segments.globals[0] = ConstExpr::Global(globals)
            }),
            ("global in a constant expression", |m, globals, _| {
                m.segments.data[0].offset = Some(ConstExpr::Global(globals))
            }),
            ("global in a constant expression", |m, globals, _| {
                m.segments.elements[0].offset = Some(ConstExpr::Global(globals))
            }),
            ("entry trampoline function", |m, _, functions| {
                m.entries[0].0 = functions
            }),
        ];
        // The fixture has what each corruption changes.
        assert!(matches!(
            valid.segments.globals[..],
            [ConstExpr::Global(0), ..]
        ));
        assert!(matches!(
            valid.segments.data[0].offset,
            Some(ConstExpr::Global(0))
        ));
        assert!(matches!(
            valid.segments.elements[0].offset,
            Some(ConstExpr::Global(0))
        ));
        assert!(!valid.entries.is_empty());
        assert!(decode(&forge(&key, valid.clone(), code), &key, &engine).is_ok());
        for (what, corrupt) in corruptions {
            let mut meta = valid.clone();
            corrupt(&mut meta, globals, functions);
            assert_eq!(
                decode(&forge(&key, meta, code), &key, &engine).err(),
                Some(ArtifactError::Layout(what)),
            );
        }
    }

    #[test]
    fn errors_round_trip_as_the_same_typed_error() {
        let engine = engine(host());
        let prepare_error =
            prepare_with_policy(b"\0asm\x01\0\0\0\x0b", &Config::default(), &Permissive)
                .unwrap_err();
        let missing_memory =
            gasket_metering::prepare(&wat::parse_str("(module)").unwrap(), &Config::default())
                .unwrap_err();
        let errors = [
            ModuleError::Prepare(prepare_error),
            ModuleError::Prepare(missing_memory),
            ModuleError::Compile(crate::error::CompileError::Codegen {
                func: 3,
                message: "unsupported".into(),
            }),
        ];
        for error in errors {
            let key = CacheKey([5; 32]);
            let file = encode(&key, &Err(error.clone()));
            match decode(&file, &key, &engine) {
                Ok(Decoded::Error(decoded)) => assert_eq!(decoded, error),
                _ => panic!("{error} does not round-trip"),
            }
        }
    }
}
