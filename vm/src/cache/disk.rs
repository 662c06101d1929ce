//! The on-disk level: one artifact file per key in a flat directory,
//! bounded in total size.
//!
//! - Name: `<key hex>.gkc`. Anything else in the directory is ignored,
//!   except stale temporary files (below).
//! - Write: the artifact goes to a temporary file `.tmp.<key>.<pid>.<n>`
//!   in the same directory, which is then renamed over the final name.
//!   Rename within a directory is atomic, so a reader sees either no file or
//!   a whole one; two writers of the same key (threads or processes) each
//!   rename a complete file with the same content, and one file remains. No
//!   fsync: a crash can leave a short or empty file under the final name,
//!   which the header checks turn into a miss.
//! - Bound: after a write, if the `.gkc` files exceed `max_bytes`, the
//!   least recently used (oldest modification time; a disk hit refreshes
//!   it when it is more than [`TOUCH_AFTER`] old, so that a hot file costs
//!   no metadata write per hit) are deleted until they fit. Temporary
//!   files older than an hour are leftovers of a crash and are deleted
//!   too. Several processes may evict
//!   at once; a file that is already gone is not an error.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use super::key::CacheKey;

/// Extension of artifact files.
pub(crate) const EXTENSION: &str = "gkc";
const TEMP_PREFIX: &str = ".tmp.";
const STALE_TEMP: Duration = Duration::from_secs(3600);
/// How stale a file's modification time may get before a hit refreshes it:
/// the eviction order's resolution.
pub(crate) const TOUCH_AFTER: Duration = Duration::from_secs(60);

/// An artifact file as read: its bytes and when it was last marked used.
pub(crate) struct DiskFile {
    pub bytes: Vec<u8>,
    modified: Option<SystemTime>,
}

pub(crate) struct DiskCache {
    dir: PathBuf,
    max_bytes: u64,
    temp_counter: AtomicU64,
}

impl DiskCache {
    pub(crate) fn new(dir: PathBuf, max_bytes: u64) -> DiskCache {
        DiskCache {
            dir,
            max_bytes,
            temp_counter: AtomicU64::new(0),
        }
    }

    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    pub(crate) fn path(&self, key: &CacheKey) -> PathBuf {
        self.dir.join(format!("{}.{EXTENSION}", key.to_hex()))
    }

    /// The file for `key`, if there is one.
    pub(crate) fn read(&self, key: &CacheKey) -> io::Result<Option<DiskFile>> {
        let mut file = match fs::File::open(self.path(key)) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        // Files are written whole and renamed, never changed: read exactly
        // the length the metadata gives (`read_to_end` would ask the size
        // and the position again).
        let meta = file.metadata()?;
        // No artifact larger than the bound is ever written: a larger file
        // is not ours, and must not make us allocate its size.
        if meta.len() > self.max_bytes {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{} bytes, above the cache bound of {}",
                    meta.len(),
                    self.max_bytes
                ),
            ));
        }
        let length = usize::try_from(meta.len()).map_err(io::Error::other)?;
        let mut bytes = Vec::new();
        bytes.try_reserve_exact(length).map_err(io::Error::other)?;
        bytes.resize(length, 0);
        file.read_exact(&mut bytes)?;
        Ok(Some(DiskFile {
            bytes,
            modified: meta.modified().ok(),
        }))
    }

    /// Marks the file for `key`, as read in `file`, as just used if its
    /// mark is more than [`TOUCH_AFTER`] old (best effort: eviction order
    /// only).
    pub(crate) fn touch(&self, key: &CacheKey, file: &DiskFile) {
        let now = SystemTime::now();
        let fresh = file
            .modified
            .and_then(|modified| now.duration_since(modified).ok())
            .is_some_and(|age| age < TOUCH_AFTER);
        if fresh {
            return;
        }
        if let Ok(file) = fs::File::options().append(true).open(self.path(key)) {
            let _ = file.set_modified(now);
        }
    }

    /// Deletes the file for `key` (a rejected one); already gone is fine.
    pub(crate) fn remove(&self, key: &CacheKey) {
        let _ = fs::remove_file(self.path(key));
    }

    /// Writes `bytes` as the file for `key` atomically, then evicts to the
    /// bound; returns how many files were evicted. A file larger than the
    /// whole bound is not written.
    pub(crate) fn write(&self, key: &CacheKey, bytes: &[u8]) -> io::Result<u64> {
        if bytes.len() as u64 > self.max_bytes {
            return Ok(0);
        }
        let n = self.temp_counter.fetch_add(1, Ordering::Relaxed);
        let temp = self.dir.join(format!(
            "{TEMP_PREFIX}{}.{}.{n}",
            key.to_hex(),
            std::process::id()
        ));
        let written = fs::File::options()
            .write(true)
            .create_new(true)
            .open(&temp)
            .and_then(|mut file| file.write_all(bytes))
            .and_then(|()| fs::rename(&temp, self.path(key)));
        if let Err(e) = written {
            let _ = fs::remove_file(&temp);
            return Err(e);
        }
        self.evict(key)
    }

    /// Deletes least recently used artifacts (never `keep`) until the rest
    /// fit in the bound, and stale temporary files.
    fn evict(&self, keep: &CacheKey) -> io::Result<u64> {
        let keep = format!("{}.{EXTENSION}", keep.to_hex());
        let now = SystemTime::now();
        let mut files = Vec::new();
        let mut total = 0u64;
        for entry in fs::read_dir(&self.dir)? {
            let Ok(entry) = entry else { continue };
            let Ok(meta) = entry.metadata() else { continue };
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
            if name.starts_with(TEMP_PREFIX) {
                if now.duration_since(modified).unwrap_or_default() > STALE_TEMP {
                    let _ = fs::remove_file(entry.path());
                }
                continue;
            }
            if !meta.is_file() || !name.ends_with(&format!(".{EXTENSION}")) {
                continue;
            }
            total += meta.len();
            if *name != keep {
                files.push((modified, name.into_owned(), meta.len()));
            }
        }
        // Oldest first; the name breaks ties so every process agrees.
        files.sort();
        let mut evicted = 0;
        for (_, name, len) in files {
            if total <= self.max_bytes {
                break;
            }
            match fs::remove_file(self.dir.join(&name)) {
                Ok(()) => evicted += 1,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
            total -= len;
        }
        Ok(evicted)
    }

    /// Total size of the artifact files now (for tests and tools).
    pub(crate) fn bytes(&self) -> io::Result<u64> {
        let mut total = 0;
        for entry in fs::read_dir(&self.dir)? {
            let entry = entry?;
            if entry
                .file_name()
                .to_string_lossy()
                .ends_with(&format!(".{EXTENSION}"))
            {
                total += entry.metadata()?.len();
            }
        }
        Ok(total)
    }
}
