//! Names for generated code in Linux `perf` profiles.
//!
//! With the environment variable `GASKET_PERF_MAP` set (to anything but
//! empty or `0`) when a module's code is mapped, compiled or loaded from a
//! cache, one line per function, import wrapper and trampoline is appended
//! to `/tmp/perf-<pid>.map`, the file `perf report` reads to name samples
//! in JIT code (`START SIZE name`, hexadecimal), as wasmtime's
//! `--profile=perfmap` and .NET's `DOTNET_PerfMapEnabled` do. Without it
//! `perf` shows contract code as bare addresses.
//!
//! Nothing else changes: the code, the cache key and every result are
//! the same either way. A map that cannot be written is skipped: a
//! profiling aid never fails a compile or a load. Code memory is reused
//! once a module is dropped, so a long-running process's map may hold
//! older names for reused addresses (as any perf map of a JIT does).
//!
//! Names: `wasm func[7] transfer` (a defined function and its exports),
//! `wasm import env.read` (an import's wrapper), `wasm entry func[7]`
//! (the trampoline a host call into export 7 enters by) and `wasm
//! indirect entry type[2]` (a shared table's trampoline for type 2). A
//! function whose frame needs a guard (over `FRAME_RESERVE`) has the
//! guard at its name; its body, laid out last, takes the name before it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::module::ModuleInner;

/// Whether `GASKET_PERF_MAP` asks for a map (read once per process).
fn enabled() -> bool {
    static ENABLED: OnceLock<bool> = OnceLock::new();
    *ENABLED.get_or_init(|| {
        std::env::var_os("GASKET_PERF_MAP").is_some_and(|v| !v.is_empty() && v != "0")
    })
}

/// The map perf reads for this process.
fn map_path() -> PathBuf {
    PathBuf::from(format!("/tmp/perf-{}.map", std::process::id()))
}

/// Appends `module`'s names to this process's perf map if
/// `GASKET_PERF_MAP` asks for one.
pub(crate) fn announce(module: &ModuleInner) {
    if enabled() {
        // Best effort: see the module docs.
        let _ = append(&map_path(), &lines(module));
    }
}

/// Appends `text` with one write, so that modules mapped on several
/// threads do not interleave their lines.
fn append(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)?
        .write_all(text.as_bytes())
}

/// The perf map lines of `module`: each piece of code from its start to
/// the next one's (the last to the blob's end), in address order; pieces
/// at one address share a line.
fn lines(module: &ModuleInner) -> String {
    let info = &module.info;
    // Imported functions come first in the index space, in import order.
    let imports: Vec<_> = (info.imports.iter())
        .filter(|import| matches!(import.kind, gasket_metering::ImportKind::Func(_)))
        .collect();
    let mut pieces: Vec<(usize, String)> = Vec::new();
    for (index, &offset) in module.function_offsets.iter().enumerate() {
        let name = match imports.get(index) {
            Some(import) => format!("wasm import {}.{}", import.module, import.name),
            None => {
                let mut name = format!("wasm func[{index}]");
                for export in &info.exports {
                    if export.kind == gasket_metering::ExportKind::Func
                        && export.index as usize == index
                    {
                        name.push(' ');
                        name.push_str(&export.name);
                    }
                }
                name
            }
        };
        pieces.push((offset, name));
    }
    for &(index, offset) in &module.entries {
        pieces.push((offset, format!("wasm entry func[{index}]")));
    }
    for &(type_index, offset) in &module.indirect_entries {
        pieces.push((offset, format!("wasm indirect entry type[{type_index}]")));
    }
    pieces.sort();
    let code = module.code.bytes();
    let groups: Vec<_> = pieces.chunk_by(|a, b| a.0 == b.0).collect();
    let mut text = String::new();
    for (at, group) in groups.iter().enumerate() {
        let start = group[0].0;
        let end = groups.get(at + 1).map_or(code.len(), |next| next[0].0);
        if start < end {
            let names: Vec<&str> = group.iter().map(|(_, name)| name.as_str()).collect();
            let address = code.as_ptr() as usize + start;
            text.push_str(&format!(
                "{address:x} {:x} {}\n",
                end - start,
                names.join(" / ")
            ));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Engine, EngineConfig};
    use gasket_metering::{Config, Permissive, prepare_with_policy};

    const WAT: &str = r#"(module
        (import "env" "memory" (memory 1))
        (import "env" "read" (func $read (param i32 i32 i32) (result i32)))
        (func $helper (param i32) (result i32) local.get 0 i32.const 1 i32.add)
        (func (export "run") (export "go") (param i32) (result i32)
            local.get 0 call $helper)
        (func (export "read") (result i32)
            i32.const 0 i32.const 0 i32.const 0 call $read))"#;

    fn module() -> crate::Module {
        let wasm = wat::parse_str(WAT).unwrap();
        let prepared = prepare_with_policy(&wasm, &Config::default(), &Permissive).unwrap();
        Engine::new(EngineConfig::default())
            .unwrap()
            .compile(&prepared)
            .unwrap()
    }

    /// Each line's address, size and name.
    fn parsed(text: &str) -> Vec<(usize, usize, String)> {
        text.lines()
            .map(|line| {
                let mut fields = line.splitn(3, ' ');
                let mut hex = || usize::from_str_radix(fields.next().unwrap(), 16).unwrap();
                let (address, size) = (hex(), hex());
                (address, size, fields.next().unwrap().to_string())
            })
            .collect()
    }

    #[test]
    fn every_piece_of_code_is_named_once_and_the_lines_tile_the_blob() {
        let module = module();
        let inner = &module.inner;
        let lines = parsed(&lines(inner));
        let names: Vec<&str> = lines.iter().map(|(_, _, name)| name.as_str()).collect();
        assert!(names.contains(&"wasm import env.read"), "{names:?}");
        assert!(names.contains(&"wasm func[2] run go"), "{names:?}");
        assert!(names.contains(&"wasm func[3] read"), "{names:?}");
        assert!(
            names.iter().any(|n| n.contains("entry func[2]")),
            "{names:?}"
        );
        // From the blob's start to its end, one piece after another.
        let code = inner.code.bytes();
        let mut expected = code.as_ptr() as usize;
        for &(address, size, _) in &lines {
            assert_eq!(address, expected);
            assert!(size > 0);
            expected = address + size;
        }
        assert_eq!(expected, code.as_ptr() as usize + code.len());
        let pieces = inner.function_offsets.len() + inner.entries.len();
        assert_eq!(
            names.iter().map(|n| n.split(" / ").count()).sum::<usize>(),
            pieces
        );
    }

    #[test]
    fn lines_are_appended_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("perf-1.map");
        let module = module();
        let text = lines(&module.inner);
        append(&path, &text).unwrap();
        append(&path, &text).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            format!("{text}{text}")
        );
        assert!(append(&dir.path().join("missing/perf-1.map"), &text).is_err());
    }
}
