//! The compiled-code cache: modules loaded from disk behave exactly like
//! fresh compiles; every damaged or foreign file is a counted miss, never
//! executed; bounds hold; threads and processes share a directory; a
//! broken directory never stops compilation; errors are cached.
#![allow(missing_docs)]

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};

use common::{GOLDEN_WAT, compile_golden, metering_golden};
use gasket_harness::cache::{Artifact, Mutation, POLICY, compile, disk_cache, key, prepare};
use gasket_metering::{Config, ErrorKind, Feature};
use gasket_vm::{
    BASELINE_NATIVE_STACK_BYTES, Cache, CacheConfig, DiskConfig, Engine, EngineConfig, ModuleError,
    Target, Tier, Tiered,
};
use proptest::prelude::*;

const MIB: u64 = 1024 * 1024;

fn engine() -> Engine {
    Engine::new(EngineConfig::default()).unwrap()
}

fn golden_wasm(name: &str) -> Vec<u8> {
    wat::parse_file(metering_golden().join("modules").join(name)).unwrap()
}

/// The artifact files in `dir`; fails on leftover temporary files.
fn artifacts(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(!name.starts_with(".tmp."), "temporary file left: {name}");
        files.push(path);
    }
    files.sort();
    files
}

#[test]
fn modules_from_disk_match_fresh_compiles_on_the_golden_vectors() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine();
    for name in GOLDEN_WAT {
        let wasm = golden_wasm(name);
        let fresh = compile_golden(&engine, name);
        let compiled = compile(&engine, &disk_cache(dir.path(), MIB), &wasm).unwrap();
        // A new cache (as after a restart): the module comes from the file.
        let cold = disk_cache(dir.path(), MIB);
        let loaded = compile(&engine, &cold, &wasm).unwrap();
        let stats = cold.stats();
        assert_eq!((stats.hits_disk, stats.misses), (1, 0), "{name}");
        assert_eq!(loaded.code(), fresh.code(), "{name}");
        assert_eq!(loaded.info(), fresh.info(), "{name}");
        assert_ne!(loaded.code().as_ptr(), compiled.code().as_ptr());
        // Results, traps and gas: the vectors hold for all three.
        for module in [&fresh, &compiled, &loaded] {
            common::check_vectors(name, module);
        }
    }
}

/// The perf map's lines for code at `code`'s addresses, in `map`.
fn lines_within(map: &str, code: &[u8]) -> Vec<String> {
    let range = code.as_ptr() as usize..code.as_ptr() as usize + code.len();
    map.lines()
        .filter(|line| {
            let start = line.split(' ').next().unwrap_or("");
            usize::from_str_radix(start, 16).is_ok_and(|start| range.contains(&start))
        })
        .map(str::to_string)
        .collect()
}

/// This process's perf map path, after removing the file there: one
/// left by a process that had this PID before (a profiled run) is not
/// ours, and was seen to fail the check below when the PID came round.
fn remove_a_dead_process_s_perf_map() -> String {
    let path = format!("/tmp/perf-{}.map", std::process::id());
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => panic!("removing {path}: {e}"),
        _ => path,
    }
}

/// Run in a child process with `GASKET_PERF_MAP=1` by the test below
/// (the variable is read once per process).
#[test]
#[ignore = "run by a_process_with_gasket_perf_map_names_its_code"]
fn perf_map_child() {
    let path = remove_a_dead_process_s_perf_map();
    let dir = tempfile::tempdir().unwrap();
    let wasm = golden_wasm("fib.wat");
    let compiled = compile(&engine(), &disk_cache(dir.path(), MIB), &wasm).unwrap();
    let loaded = compile(&engine(), &disk_cache(dir.path(), MIB), &wasm).unwrap();
    let map = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    // Both the compile and the load from disk named their code.
    for module in [&compiled, &loaded] {
        let lines = lines_within(&map, module.code());
        assert!(
            lines.iter().any(|line| line.contains(" wasm func[")),
            "{lines:?}"
        );
        assert!(
            lines.iter().any(|line| line.contains(" wasm entry func[")),
            "{lines:?}"
        );
    }
}

#[test]
fn a_process_with_gasket_perf_map_names_its_code() {
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "perf_map_child", "--ignored", "--quiet"])
        .env("GASKET_PERF_MAP", "1")
        .status()
        .unwrap();
    assert!(status.success(), "the child with GASKET_PERF_MAP=1 failed");
    // Without the variable, this process writes no map.
    let path = remove_a_dead_process_s_perf_map();
    let module = compile_golden(&engine(), "fib.wat");
    assert!(module.code_size() > 0);
    assert!(
        !Path::new(&path).exists(),
        "{path} written without GASKET_PERF_MAP"
    );
}

#[test]
fn second_lookup_is_a_memory_hit_and_shares_the_module() {
    let engine = engine();
    let cache = Cache::new(CacheConfig::default());
    let wasm = golden_wasm("fib.wat");
    let a = compile(&engine, &cache, &wasm).unwrap();
    let b = compile(&engine, &cache, &wasm).unwrap();
    assert_eq!(a.code().as_ptr(), b.code().as_ptr());
    let stats = cache.stats();
    assert_eq!(
        (stats.misses, stats.hits_memory, stats.hits_disk),
        (1, 1, 0)
    );
    assert!(stats.memory_bytes >= a.code_size() as u64);
}

/// fib's valid artifact, in a fresh directory.
fn fixture() -> Artifact {
    Artifact::new(&engine(), &golden_wasm("fib.wat"))
}

/// Puts `bytes` where fib's artifact goes, looks fib up in a new cache,
/// and checks (in the harness, shared with the `cache` fuzz target) that
/// the file was rejected (a counted miss) and rewritten valid; then that
/// the module is right.
fn assert_rejected_and_rewritten(f: &Artifact, bytes: &[u8]) {
    assert_ne!(bytes, f.valid, "not a mutation");
    let module = f.load(&engine(), bytes, "fib.wat");
    common::check_vectors("fib.wat", &module);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn any_flipped_bit_is_a_counted_miss(at in any::<u32>(), bit in 0u8..8) {
        let f = fixture();
        let bytes = Mutation::apply_all(&[Mutation::Flip { at, bit }], &f.valid);
        assert_rejected_and_rewritten(&f, &bytes);
    }

    #[test]
    fn any_truncation_is_a_counted_miss(len in any::<u32>()) {
        let f = fixture();
        let bytes = Mutation::apply_all(&[Mutation::Truncate { len }], &f.valid);
        assert_rejected_and_rewritten(&f, &bytes);
    }
}

#[test]
fn appended_bytes_are_a_counted_miss() {
    let f = fixture();
    let bytes = Mutation::apply_all(&[Mutation::Append(vec![0])], &f.valid);
    assert_rejected_and_rewritten(&f, &bytes);
}

#[test]
fn another_format_version_is_a_miss() {
    // The version field follows the 8-byte magic (docs/CACHE_FORMAT.md).
    let f = fixture();
    let version = u64::from(gasket_vm::cache::FORMAT_VERSION + 1);
    let field = Mutation::Header {
        field: 1,
        value: version,
    };
    let bytes = Mutation::apply_all(&[field], &f.valid);
    assert_eq!(bytes[8..12], (version as u32).to_le_bytes());
    assert_rejected_and_rewritten(&f, &bytes);
}

#[test]
fn another_target_or_another_key_is_a_miss() {
    // An aarch64 artifact of the same module, and an artifact of another
    // module, each put under this module's name.
    let f = fixture();
    let other_target = match Target::host() {
        Some(Target::Aarch64) => Target::X86_64,
        _ => Target::Aarch64,
    };
    let foreign = Engine::new(EngineConfig {
        target: other_target,
        ..Default::default()
    })
    .unwrap();
    let other_dir = tempfile::tempdir().unwrap();
    let other = disk_cache(other_dir.path(), 0);
    compile(&foreign, &other, &f.wasm).unwrap();
    let other_module = golden_wasm("switch.wat");
    compile(&engine(), &other, &other_module).unwrap();
    for path in [
        other.artifact_path(&key(&foreign, &f.wasm)).unwrap(),
        other.artifact_path(&key(&engine(), &other_module)).unwrap(),
    ] {
        assert_rejected_and_rewritten(&f, &std::fs::read(path).unwrap());
    }
}

#[test]
fn an_unwritable_directory_never_stops_compilation() {
    // Tests run as root, and root ignores permission bits, so a chmod'ed
    // directory would still be writable. A path below a regular file cannot
    // be created or written by anyone (ENOTDIR), root included.
    let base = tempfile::tempdir().unwrap();
    let file = base.path().join("not-a-directory");
    std::fs::write(&file, b"").unwrap();
    let engine = engine();
    let wasm = golden_wasm("fib.wat");
    for memory_bytes in [MIB, 0] {
        let cache = disk_cache(&file.join("cache"), memory_bytes);
        let first = cache
            .first_disk_error()
            .expect("creating fails")
            .to_string();
        assert!(first.contains("not-a-directory"), "{first}");
        for _ in 0..3 {
            let module = compile(&engine, &cache, &wasm).unwrap();
            common::check_vectors("fib.wat", &module);
        }
        // Reported once: the first message stays, later failures only count.
        assert_eq!(cache.first_disk_error(), Some(first.as_str()));
        let stats = cache.stats();
        if memory_bytes > 0 {
            assert_eq!((stats.misses, stats.hits_memory), (1, 2));
            assert_eq!(stats.write_failures, 2);
        } else {
            assert_eq!((stats.misses, stats.hits_memory), (3, 0));
            assert_eq!(stats.write_failures, 4);
        }
    }
}

/// `count` distinct small modules.
fn distinct_modules(count: i32) -> Vec<Vec<u8>> {
    (0..count)
        .map(|i| {
            wat::parse_str(format!(
                r#"(module (func (export "f") (param i32) (result i32)
                     (i32.mul (local.get 0) (i32.const {})))
                   (func (export "g") (result i32) (call 0 (i32.const {i}))))"#,
                1000 + i
            ))
            .unwrap()
        })
        .collect()
}

#[test]
fn eviction_keeps_both_levels_within_their_bounds() {
    let engine = engine();
    let modules = distinct_modules(8);
    // Measure one entry in each level.
    let probe_dir = tempfile::tempdir().unwrap();
    let probe = disk_cache(probe_dir.path(), MIB);
    compile(&engine, &probe, &modules[0]).unwrap();
    let entry = probe.stats().memory_bytes;
    let file = probe.disk_bytes().unwrap();
    assert!(entry > 0 && file > 0);

    // Room for two and a half entries in each level.
    let dir = tempfile::tempdir().unwrap();
    let (memory_bound, disk_bound) = (entry * 5 / 2, file * 5 / 2);
    let cache = Cache::new(CacheConfig {
        memory_bytes: memory_bound,
        disk: Some(DiskConfig {
            dir: dir.path().to_path_buf(),
            max_bytes: disk_bound,
        }),
    });
    for wasm in &modules {
        compile(&engine, &cache, wasm).unwrap();
        assert!(cache.stats().memory_bytes <= memory_bound);
        assert!(cache.disk_bytes().unwrap() <= disk_bound);
        assert!(!artifacts(dir.path()).is_empty());
    }
    let stats = cache.stats();
    assert_eq!(stats.misses, 8);
    assert!(stats.evictions_memory >= 6, "{stats:?}");
    assert!(stats.evictions_disk >= 6, "{stats:?}");
    // The newest is still in memory; the oldest is gone from both levels.
    compile(&engine, &cache, &modules[7]).unwrap();
    assert_eq!(cache.stats().hits_memory, 1);
    compile(&engine, &cache, &modules[0]).unwrap();
    assert_eq!(cache.stats().misses, 9);
}

/// A module `prepare` rejects, distinct for each `i`: its cached error is
/// a file of a few hundred bytes.
fn junk(i: u8) -> Vec<u8> {
    vec![0, b'a', b's', b'm', 1, 0, 0, 0, 0xff, i]
}

/// A flood of tiny files (cached errors of junk modules) stays within the
/// bound counted in whole 4 KiB blocks, and within the number of files.
#[test]
fn small_files_count_whole_blocks_and_their_number_is_capped() {
    let engine = engine();
    // 32 KiB: 8 blocks, the byte bound binds (16 files allowed). 2 MiB:
    // 512 blocks, the file cap of 32 binds.
    for (max_bytes, most) in [(32 * 1024, 8), (2 * MIB, 32)] {
        let dir = tempfile::tempdir().unwrap();
        let config = DiskConfig {
            dir: dir.path().to_path_buf(),
            max_bytes,
        };
        assert_eq!(config.max_files(), (max_bytes / (64 * 1024)).max(16));
        let cache = Cache::new(CacheConfig {
            memory_bytes: 0,
            disk: Some(config),
        });
        for i in 0..48 {
            assert!(compile(&engine, &cache, &junk(i)).is_err());
            let files = artifacts(dir.path()).len() as u64;
            assert!(files <= most, "{files} files, {max_bytes} bytes");
            assert!(cache.disk_bytes().unwrap() <= max_bytes);
            assert_eq!(cache.disk_bytes().unwrap(), files * 4096);
        }
        assert_eq!(artifacts(dir.path()).len() as u64, most);
        assert_eq!(cache.stats().evictions_disk, 48 - most);
    }
}

/// A FIFO (or a symlink to one) under an artifact's name would block the
/// open forever: it is a read failure naming the path, a miss, and the
/// rewritten file replaces it.
#[cfg(unix)]
#[test]
fn a_fifo_under_an_artifacts_name_is_a_miss_not_a_hang() {
    let wasm = golden_wasm("fib.wat");
    for through_symlink in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let other = tempfile::tempdir().unwrap();
        let path = disk_cache(dir.path(), 0)
            .artifact_path(&key(&engine(), &wasm))
            .unwrap();
        let fifo = if through_symlink {
            other.path().join("fifo")
        } else {
            path.clone()
        };
        // coreutils' mkfifo: a test that skipped without it could not fail.
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(
            made.as_ref().is_ok_and(|status| status.success()),
            "mkfifo {}: {made:?}",
            fifo.display()
        );
        if through_symlink {
            std::os::unix::fs::symlink(&fifo, &path).unwrap();
        }
        // On a thread of its own: a lookup that opens the FIFO never
        // returns, and the test fails on the timeout instead of hanging.
        let (sender, receiver) = std::sync::mpsc::channel();
        let (dir_path, bytes) = (dir.path().to_path_buf(), wasm.clone());
        std::thread::spawn(move || {
            let cache = disk_cache(&dir_path, 0);
            let compiled = compile(&engine(), &cache, &bytes).is_ok();
            let error = cache.first_disk_error().map(str::to_string);
            let _ = sender.send((compiled, cache.stats(), error));
        });
        let (compiled, stats, error) = receiver
            .recv_timeout(std::time::Duration::from_secs(120))
            .expect("the lookup blocked on the FIFO");
        assert!(compiled);
        assert_eq!(
            (stats.read_failures, stats.misses, stats.hits_disk),
            (1, 1, 0)
        );
        let error = error.unwrap();
        assert!(error.contains(&path.display().to_string()), "{error}");
        assert!(error.contains("not a regular file"), "{error}");
        assert!(std::fs::symlink_metadata(&path).unwrap().is_file());
        let restarted = disk_cache(dir.path(), 0);
        compile(&engine(), &restarted, &wasm).unwrap();
        assert_eq!(restarted.stats().hits_disk, 1);
    }
}

/// A rejected file is reported once, with its path and why.
#[test]
fn a_rejected_file_is_reported_with_its_path() {
    let f = fixture();
    let mut bytes = f.valid.clone();
    *bytes.last_mut().unwrap() ^= 1;
    std::fs::write(&f.path, &bytes).unwrap();
    let cache = disk_cache(f.dir.path(), 0);
    compile(&engine(), &cache, &f.wasm).unwrap();
    assert_eq!(cache.stats().corrupt_files, 1);
    let error = cache.first_disk_error().unwrap();
    let named = format!("rejecting {}: payload checksum", f.path.display());
    assert_eq!(error, named);
}

#[test]
fn a_disk_hit_marks_a_stale_file_used_and_leaves_a_fresh_one() {
    // Eviction drops the oldest modification time; a hit refreshes it only
    // when it is more than a minute old (no metadata write per hot hit).
    let engine = engine();
    let dir = tempfile::tempdir().unwrap();
    let modules = distinct_modules(2);
    let writer = disk_cache(dir.path(), 0);
    for wasm in &modules {
        compile(&engine, &writer, wasm).unwrap();
    }
    let files = artifacts(dir.path());
    assert_eq!(files.len(), 2);
    let modified = |path: &Path| std::fs::metadata(path).unwrap().modified().unwrap();
    let set_age = |path: &Path, age: u64| {
        let file = std::fs::File::options().append(true).open(path).unwrap();
        let when = std::time::SystemTime::now() - std::time::Duration::from_secs(age);
        file.set_modified(when).unwrap();
        modified(path)
    };
    let reader = disk_cache(dir.path(), 0);
    for wasm in &modules {
        let ages: Vec<_> = files.iter().map(|f| set_age(f, 3600)).collect();
        compile(&engine, &reader, wasm).unwrap();
        let refreshed: Vec<_> = files
            .iter()
            .zip(&ages)
            .filter(|(f, age)| modified(f) != **age)
            .map(|(f, _)| f.clone())
            .collect();
        assert_eq!(refreshed.len(), 1, "one stale file refreshed by its hit");
        // Fresh (10 s old): another hit leaves it alone.
        let fresh = set_age(&refreshed[0], 10);
        compile(&engine, &reader, wasm).unwrap();
        assert_eq!(modified(&refreshed[0]), fresh);
    }
    assert_eq!(reader.stats().hits_disk, 4);
}

#[test]
fn a_file_larger_than_the_bound_is_a_miss_not_an_allocation() {
    // Never written by a cache with this bound: read as a failure (no
    // allocation of its length), recompiled, and replaced.
    let engine = engine();
    let dir = tempfile::tempdir().unwrap();
    let wasm = &distinct_modules(1)[0];
    compile(&engine, &disk_cache(dir.path(), 0), wasm).unwrap();
    let file = artifacts(dir.path()).remove(0);
    let huge = 1 << 40; // sparse
    std::fs::File::options()
        .append(true)
        .open(&file)
        .unwrap()
        .set_len(huge)
        .unwrap();
    let cache = disk_cache(dir.path(), 0);
    compile(&engine, &cache, wasm).unwrap();
    let stats = cache.stats();
    assert_eq!(
        (stats.hits_disk, stats.misses, stats.read_failures),
        (0, 1, 1),
        "{stats:?}"
    );
    assert!(std::fs::metadata(&file).unwrap().len() < huge, "rewritten");
    compile(&engine, &disk_cache(dir.path(), 0), wasm).unwrap();
}

#[test]
fn threads_compiling_the_same_module_at_once_all_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = Arc::new(golden_wasm("recursion.wat"));
    let shared = Arc::new(disk_cache(dir.path(), MIB));
    const THREADS: usize = 8;
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|i| {
            let (wasm, shared, barrier, dir) = (
                wasm.clone(),
                shared.clone(),
                barrier.clone(),
                dir.path().to_path_buf(),
            );
            std::thread::spawn(move || {
                // Half share one cache, half have their own on the same
                // directory (like separate processes).
                let own = disk_cache(&dir, MIB);
                let cache = if i % 2 == 0 { &*shared } else { &own };
                barrier.wait();
                compile(&engine(), cache, &wasm).unwrap().code().to_vec()
            })
        })
        .collect();
    let codes: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert!(codes.windows(2).all(|w| w[0] == w[1]));
    assert_eq!(artifacts(dir.path()).len(), 1);
    let cold = disk_cache(dir.path(), MIB);
    let module = compile(&engine(), &cold, &wasm).unwrap();
    assert_eq!(cold.stats().hits_disk, 1);
    common::check_vectors("recursion.wat", &module);
}

const CHILD_DIR: &str = "GASKET_CACHE_TEST_CHILD_DIR";

/// Run by `processes_share_a_directory` in child processes (ignored
/// otherwise): looks up memory.wat in the directory named by
/// `GASKET_CACHE_TEST_CHILD_DIR`, runs its vectors, prints its stats.
#[test]
#[ignore = "child process of processes_share_a_directory"]
fn cache_child_process() {
    let Some(dir) = std::env::var_os(CHILD_DIR) else {
        return;
    };
    let cache = disk_cache(Path::new(&dir), MIB);
    let module = compile(&engine(), &cache, &golden_wasm("memory.wat")).unwrap();
    common::check_vectors("memory.wat", &module);
    let stats = cache.stats();
    println!(
        "CHILD-STATS hits_disk={} misses={} corrupt={}",
        stats.hits_disk, stats.misses, stats.corrupt_files
    );
}

/// Starts `count` children at once on `dir`; returns their (hits_disk,
/// misses, corrupt).
fn run_children(dir: &Path, count: usize) -> Vec<(u64, u64, u64)> {
    let exe = std::env::current_exe().unwrap();
    // Under scripts/test-vm-aarch64.sh this binary runs in qemu-user, which
    // does not follow exec: start the children through the same runner.
    let runner = std::env::var("CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER")
        .ok()
        .filter(|_| cfg!(target_arch = "aarch64"));
    let mut command_line: Vec<std::ffi::OsString> = runner
        .iter()
        .flat_map(|r| r.split_whitespace())
        .map(Into::into)
        .collect();
    command_line.push(exe.into());
    let children: Vec<_> = (0..count)
        .map(|_| {
            std::process::Command::new(&command_line[0])
                .args(&command_line[1..])
                .args(["--ignored", "--exact", "cache_child_process", "--nocapture"])
                .env(CHILD_DIR, dir)
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    children
        .into_iter()
        .map(|child| {
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success(), "child failed");
            let text = String::from_utf8(out.stdout).unwrap();
            let line = text
                .lines()
                .find_map(|l| l.strip_prefix("CHILD-STATS "))
                .unwrap_or_else(|| panic!("no stats in {text}"));
            let field = |name: &str| -> u64 {
                line.split(' ')
                    .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
                    .unwrap()
                    .parse()
                    .unwrap()
            };
            (field("hits_disk"), field("misses"), field("corrupt"))
        })
        .collect()
}

#[test]
fn processes_share_a_directory_and_a_warm_start_loads_from_disk() {
    let dir = tempfile::tempdir().unwrap();
    // Four processes race on an empty directory: all succeed, one file.
    let racing = run_children(dir.path(), 4);
    for &(hits, misses, corrupt) in &racing {
        assert_eq!(hits + misses, 1);
        assert_eq!(corrupt, 0, "a process saw a partial file");
    }
    let files = artifacts(dir.path());
    assert_eq!(files.len(), 1);
    // A new process starts warm: a disk hit, no compile.
    assert_eq!(run_children(dir.path(), 1), vec![(1, 0, 0)]);
    // And the file is the one this process would write.
    let here = tempfile::tempdir().unwrap();
    let cache = disk_cache(here.path(), 0);
    compile(&engine(), &cache, &golden_wasm("memory.wat")).unwrap();
    assert_eq!(
        std::fs::read(&files[0]).unwrap(),
        std::fs::read(&artifacts(here.path())[0]).unwrap()
    );
}

#[test]
fn compile_errors_are_cached_in_memory_and_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine();
    let wasm = wat::parse_str(
        r#"(module (func (export "f") (result f32) (f32.add (f32.const 1) (f32.const 2))))"#,
    )
    .unwrap();
    let prepared = AtomicUsize::new(0);
    let counting = |wasm: &[u8], config: &Config| {
        prepared.fetch_add(1, Ordering::Relaxed);
        prepare(wasm, config)
    };
    let cache = disk_cache(dir.path(), MIB);
    let first = engine
        .compile_cached(&cache, &wasm, &Config::default(), POLICY, counting)
        .unwrap_err();
    match &first {
        ModuleError::Prepare(e) => assert!(matches!(
            e.kind(),
            ErrorKind::Unsupported {
                feature: Feature::Float,
                ..
            }
        )),
        other => panic!("expected a prepare error, got {other}"),
    }
    let again = engine
        .compile_cached(&cache, &wasm, &Config::default(), POLICY, counting)
        .unwrap_err();
    assert_eq!(again, first);
    assert_eq!(artifacts(dir.path()).len(), 1);
    // A restart: the error comes from its file, equal and just as typed.
    let cold = disk_cache(dir.path(), MIB);
    let from_disk = engine
        .compile_cached(&cold, &wasm, &Config::default(), POLICY, counting)
        .unwrap_err();
    assert_eq!(from_disk, first);
    assert_eq!(from_disk.to_string(), first.to_string());
    assert_eq!(prepared.load(Ordering::Relaxed), 1, "prepared again");
    assert_eq!((cache.stats().hits_memory, cold.stats().hits_disk), (1, 1));
}

#[test]
fn the_policy_id_is_part_of_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine();
    let cache = disk_cache(dir.path(), MIB);
    let wasm = golden_wasm("fib.wat");
    for policy in [&b"permissive"[..], b"another policy"] {
        engine
            .compile_cached(&cache, &wasm, &Config::default(), policy, prepare)
            .unwrap();
    }
    assert_eq!(cache.stats().misses, 2);
    assert_eq!(artifacts(dir.path()).len(), 2);
}

/// The host's prices and limits are read at run time, not compiled in: a
/// node whose only config change is there keeps its compiled code, on
/// disk as in memory; a config that is invalid there is still the
/// error `prepare` gives, hit or miss.
#[test]
fn host_only_config_changes_keep_the_compiled_code() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine();
    let wasm = golden_wasm("fib.wat");
    let base = Config::default();
    let mut host_only = base.clone();
    host_only.code_loading.base += 1;
    host_only.abi_limits.value_bytes += 1;
    host_only.host_costs.set(
        gasket_metering::HostFn::Blake3,
        gasket_metering::HostCost {
            base: 1,
            per_kib: 1,
        },
    );
    let mut costs = base.clone();
    costs.costs.alu += 1;
    let cache = disk_cache(dir.path(), MIB);
    let compiled = engine
        .compile_cached(&cache, &wasm, &base, POLICY, prepare)
        .unwrap();
    let same = engine
        .compile_cached(&cache, &wasm, &host_only, POLICY, prepare)
        .unwrap();
    assert_eq!(same.code().as_ptr(), compiled.code().as_ptr());
    let restarted = disk_cache(dir.path(), MIB);
    engine
        .compile_cached(&restarted, &wasm, &host_only, POLICY, prepare)
        .unwrap();
    assert_eq!(
        (restarted.stats().hits_disk, restarted.stats().misses),
        (1, 0)
    );
    // A cost `prepare` compiles in is another key.
    engine
        .compile_cached(&cache, &wasm, &costs, POLICY, prepare)
        .unwrap();
    assert_eq!(cache.stats().misses, 2);

    // Host costs missing a function (as an old encoding would decode):
    // `prepare` rejects the config, and so does the cache holding the module.
    let mut incomplete = base.clone();
    incomplete.host_costs = borsh::from_slice(&borsh::to_vec(&Vec::<u8>::new()).unwrap()).unwrap();
    let fresh = prepare(&wasm, &incomplete).unwrap_err();
    for cache in [&cache, &restarted] {
        let cached = engine
            .compile_cached(cache, &wasm, &incomplete, POLICY, prepare)
            .unwrap_err();
        assert_eq!(cached, ModuleError::Prepare(fresh.clone()));
    }
}

#[test]
fn a_prepare_for_other_bytes_is_an_uncached_error() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine();
    let cache = disk_cache(dir.path(), MIB);
    let wasm = golden_wasm("fib.wat");
    let other = golden_wasm("switch.wat");
    for _ in 0..2 {
        let error = engine
            .compile_cached(&cache, &wasm, &Config::default(), POLICY, |_, c| {
                prepare(&other, c)
            })
            .unwrap_err();
        assert!(matches!(
            error,
            ModuleError::Compile(gasket_vm::CompileError::Internal { .. })
        ));
    }
    assert_eq!(cache.stats().misses, 2);
    assert!(artifacts(dir.path()).is_empty());
}

#[test]
fn a_known_code_hash_gives_the_same_entry_and_a_wrong_one_is_caught() {
    let engine = engine();
    let cache = Cache::new(CacheConfig::default());
    let wasm = golden_wasm("fib.wat");
    let hash = *blake3::hash(&wasm).as_bytes();
    let by_hash = engine
        .compile_cached_with_hash(&cache, &hash, &wasm, &Config::default(), POLICY, prepare)
        .unwrap();
    let by_bytes = compile(&engine, &cache, &wasm).unwrap();
    assert_eq!(by_hash.code().as_ptr(), by_bytes.code().as_ptr());
    assert_eq!((cache.stats().misses, cache.stats().hits_memory), (1, 1));
    // A hash that is not the bytes' own: an uncached internal error.
    let error = engine
        .compile_cached_with_hash(&cache, &[0; 32], &wasm, &Config::default(), POLICY, prepare)
        .unwrap_err();
    assert!(matches!(
        error,
        ModuleError::Compile(gasket_vm::CompileError::Internal { .. })
    ));
    assert_eq!(cache.stats().misses, 2);
}

/// A wrong hash with bytes `prepare` rejects (a node whose code went
/// missing reads empty bytes) is an uncached error naming both hashes: the
/// rejection never answers for the real contract's key, in memory or on
/// disk after a restart.
#[test]
fn a_wrong_hash_with_rejected_bytes_poisons_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine();
    let cache = disk_cache(dir.path(), MIB);
    let wasm = golden_wasm("fib.wat");
    let hash = *blake3::hash(&wasm).as_bytes();
    let lookup = |cache: &Cache, bytes: &[u8]| {
        engine.compile_cached_with_hash(cache, &hash, bytes, &Config::default(), POLICY, prepare)
    };
    for bytes in [&b""[..], b"\0asm\x01\0\0\0\x0b"] {
        let error = lookup(&cache, bytes).unwrap_err();
        let ModuleError::Compile(gasket_vm::CompileError::Internal { what, .. }) = &error else {
            panic!("expected an internal error, got {error}");
        };
        assert!(
            what.contains(&blake3::hash(&wasm).to_hex().to_string()),
            "{what}"
        );
        assert!(
            what.contains(&blake3::hash(bytes).to_hex().to_string()),
            "{what}"
        );
    }
    assert!(artifacts(dir.path()).is_empty(), "nothing cached");
    assert_eq!(cache.stats().memory_bytes, 0);
    let module = lookup(&cache, &wasm).unwrap();
    common::check_vectors("fib.wat", &module);
    let restarted = disk_cache(dir.path(), MIB);
    lookup(&restarted, &wasm).unwrap();
    assert_eq!(restarted.stats().hits_disk, 1);
}

/// Runs `f` on a thread with room for `BASELINE_NATIVE_STACK_BYTES`.
fn with_baseline_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(16 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn tiered_lookups_give_the_baseline_then_the_optimised_code_with_the_same_gas() {
    with_baseline_stack(|| {
        let dir = tempfile::tempdir().unwrap();
        let tiered = Tiered::new(EngineConfig {
            native_stack_bytes: BASELINE_NATIVE_STACK_BYTES,
            ..EngineConfig::default()
        })
        .unwrap();
        let config = Config::default();
        let cache = disk_cache(dir.path(), 64 * MIB);
        let lookup = |cache: &Cache, wasm: &[u8]| {
            let hash = *blake3::hash(wasm).as_bytes();
            tiered
                .compile_cached_with_hash(cache, &hash, wasm, &config, POLICY, prepare)
                .unwrap()
        };
        for name in GOLDEN_WAT {
            let wasm = golden_wasm(name);
            let (baseline, tier) = lookup(&cache, &wasm);
            assert_eq!(tier, Tier::Baseline, "{name}");
            common::check_vectors(name, &baseline);
            assert_eq!(lookup(&cache, &wasm).1, Tier::Baseline, "{name}");

            let hash = *blake3::hash(&wasm).as_bytes();
            let optimized = tiered
                .tier_up(&cache, &hash, &wasm, &config, POLICY, prepare)
                .unwrap();
            assert_ne!(baseline.code(), optimized.code(), "{name}");
            common::check_vectors(name, &optimized);
            let (again, tier) = lookup(&cache, &wasm);
            assert_eq!(tier, Tier::Optimized, "{name}");
            assert_eq!(again.code().as_ptr(), optimized.code().as_ptr(), "{name}");
            // The baseline module outlives its cache entry.
            common::check_vectors(name, &baseline);
        }
        // Two compiles per module, and the baseline entries left memory.
        assert_eq!(cache.stats().misses, 2 * GOLDEN_WAT.len() as u64);
        let baseline = tiered.baseline().compile_cached(
            &cache,
            &golden_wasm("fib.wat"),
            &config,
            POLICY,
            prepare,
        );
        assert!(baseline.is_ok());
        assert_eq!(
            (cache.stats().hits_memory, cache.stats().hits_disk),
            (2 * GOLDEN_WAT.len() as u64, 1)
        );
        // A restarted node starts with the optimised code, from disk.
        let restarted = disk_cache(dir.path(), 64 * MIB);
        for name in GOLDEN_WAT {
            assert_eq!(lookup(&restarted, &golden_wasm(name)).1, Tier::Optimized);
        }
        assert_eq!(restarted.stats().hits_disk, GOLDEN_WAT.len() as u64);
    });
}

#[test]
fn tiered_needs_the_optimising_pipeline_and_single_pass_a_large_enough_stack() {
    // The baseline falls back to the optimised tier's settings; with a
    // baseline as "optimised" both tiers would be one.
    for optimized in [
        EngineConfig::baseline(),
        EngineConfig {
            opt_level: gasket_vm::OptLevel::None,
            ..EngineConfig::default()
        },
    ] {
        let error = Tiered::new(optimized).unwrap_err();
        assert!(error.to_string().contains("optimised tier"), "{error}");
    }
    let small = Engine::new(EngineConfig {
        native_stack_bytes: gasket_vm::MIN_SINGLE_PASS_NATIVE_STACK_BYTES - 1,
        ..EngineConfig::baseline()
    })
    .unwrap_err();
    assert!(small.to_string().contains("native_stack_bytes"), "{small}");
}
