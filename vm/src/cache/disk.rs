//! The on-disk level: one artifact file per key in a flat directory,
//! bounded in total size and in number of files.
//!
//! - Name: `<key hex>.gkc`. Anything else in the directory is ignored,
//!   except stale temporary files (below). A `.gkc` name that is not a
//!   regular file (a FIFO, a symlink, a directory) is never opened (a
//!   FIFO would block the open forever): a lookup is a read failure
//!   naming the path, then a miss, whose write renames the artifact over
//!   it (but over a directory, which stays a failure).
//! - Write: the artifact goes to a temporary file `.tmp.<key>.<pid>.<n>`
//!   in the same directory, which is then renamed over the final name.
//!   Rename within a directory is atomic, so a reader sees either no file or
//!   a whole one; two writers of the same key (threads or processes) each
//!   rename a complete file with the same content, and one file remains. No
//!   fsync: a crash can leave a short or empty file under the final name,
//!   which the header checks turn into a miss.
//! - Bound: each file counts as its size rounded up to whole [`BLOCK`]s
//!   (what it takes on disk, at the least: a 200-byte cached error takes
//!   a block and an inode), and there are at most
//!   [`max_files`](super::DiskConfig::max_files) files. After a write, if
//!   the `.gkc` files exceed either, the least recently used (oldest
//!   modification time; a disk hit refreshes it when it is more than
//!   [`TOUCH_AFTER`] old, so that a hot file costs no metadata write per
//!   hit) are deleted until they fit. A file that cannot be deleted is
//!   skipped (it still counts) and eviction goes on with the next; the
//!   first such failure is reported with that file's path. Temporary
//!   files older than an hour are leftovers of a crash and are deleted
//!   too. Several processes may evict at once; a file that is already
//!   gone is not an error. Each write lists the directory once, which the
//!   file cap keeps short.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use super::key::CacheKey;

/// Extension of artifact files.
pub(crate) const EXTENSION: &str = "gkc";
/// What a file counts against the bound is its size rounded up to this
/// (an empty file counts one block: it still takes an inode).
pub(crate) const BLOCK: u64 = 4096;
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
    max_files: u64,
    temp_counter: AtomicU64,
}

/// What eviction after a write did.
#[derive(Debug, Default)]
pub(crate) struct Eviction {
    /// Files deleted.
    pub evicted: u64,
    /// Files that could not be deleted (skipped).
    pub failed: u64,
    /// The first file that could not be deleted (or the directory that
    /// could not be listed), and why. Eviction went on without it.
    pub failure: Option<(PathBuf, io::Error)>,
}

/// What `len` bytes of file count against the bound.
pub(crate) fn charged(len: u64) -> u64 {
    len.max(1).next_multiple_of(BLOCK)
}

/// Deletes a file in the directory. Tests make chosen files undeletable
/// through `tests::UNDELETABLE` (they run as root, which may delete
/// anything in a writable directory).
fn remove_file(path: &Path) -> io::Result<()> {
    #[cfg(test)]
    if tests::UNDELETABLE.with(|paths| paths.borrow().iter().any(|p| p == path)) {
        return Err(io::Error::from(io::ErrorKind::PermissionDenied));
    }
    fs::remove_file(path)
}

impl DiskCache {
    pub(crate) fn new(dir: PathBuf, max_bytes: u64, max_files: u64) -> DiskCache {
        DiskCache {
            dir,
            max_bytes,
            max_files,
            temp_counter: AtomicU64::new(0),
        }
    }

    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    pub(crate) fn path(&self, key: &CacheKey) -> PathBuf {
        self.dir.join(format!("{}.{EXTENSION}", key.to_hex()))
    }

    /// The file for `key`, if there is one. Anything under its name but a
    /// regular file is an error, and is not opened.
    pub(crate) fn read(&self, key: &CacheKey) -> io::Result<Option<DiskFile>> {
        let path = self.path(key);
        // Before opening: opening a FIFO for reading blocks until a writer
        // comes, and a symlink may lead anywhere. (Only a process writing
        // the directory could swap one in after this check; see the
        // module docs of `cache` on trusting the directory.)
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_file() => {}
            Ok(_) => return Err(not_a_file()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        }
        let mut file = match fs::File::open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        // Files are written whole and renamed, never changed: read exactly
        // the length the metadata gives (`read_to_end` would ask the size
        // and the position again).
        let meta = file.metadata()?;
        if !meta.is_file() {
            return Err(not_a_file());
        }
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
        let _ = remove_file(&self.path(key));
    }

    /// Writes `bytes` as the file for `key` atomically, then evicts to the
    /// bound. An `Err` is a failed write (the file is not there); what
    /// eviction did, failures included, is the `Ok`. A file larger than
    /// the whole bound is not written.
    pub(crate) fn write(&self, key: &CacheKey, bytes: &[u8]) -> io::Result<Eviction> {
        if charged(bytes.len() as u64) > self.max_bytes {
            return Ok(Eviction::default());
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
            let _ = remove_file(&temp);
            return Err(e);
        }
        Ok(self.evict(key))
    }

    /// Deletes least recently used artifacts (never `keep`) until the rest
    /// fit in the bounds, skipping any that cannot be deleted, and stale
    /// temporary files.
    fn evict(&self, keep: &CacheKey) -> Eviction {
        let keep = format!("{}.{EXTENSION}", keep.to_hex());
        let now = SystemTime::now();
        let mut eviction = Eviction::default();
        let listing = match fs::read_dir(&self.dir) {
            Ok(listing) => listing,
            Err(e) => {
                eviction.failed += 1;
                eviction.failure = Some((self.dir.clone(), e));
                return eviction;
            }
        };
        let mut files = Vec::new();
        let (mut total, mut count) = (0u64, 0u64);
        for entry in listing {
            let Ok(entry) = entry else { continue };
            let Ok(meta) = entry.metadata() else { continue };
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
            if name.starts_with(TEMP_PREFIX) {
                if now.duration_since(modified).unwrap_or_default() > STALE_TEMP {
                    let _ = remove_file(&entry.path());
                }
                continue;
            }
            if !meta.is_file() || !name.ends_with(&format!(".{EXTENSION}")) {
                continue;
            }
            let size = charged(meta.len());
            total += size;
            count += 1;
            if *name != keep {
                files.push((modified, name.into_owned(), size));
            }
        }
        // Oldest first; the name breaks ties so every process agrees.
        files.sort();
        for (_, name, size) in files {
            if total <= self.max_bytes && count <= self.max_files {
                break;
            }
            let path = self.dir.join(&name);
            match remove_file(&path) {
                Ok(()) => eviction.evicted += 1,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => {
                    // It still takes its room: the next one goes instead.
                    eviction.failed += 1;
                    if eviction.failure.is_none() {
                        eviction.failure = Some((path, e));
                    }
                    continue;
                }
            }
            total -= size;
            count -= 1;
        }
        eviction
    }

    /// What the artifact files count against the bound now, each rounded
    /// up to whole blocks (for tests and tools).
    pub(crate) fn bytes(&self) -> io::Result<u64> {
        let mut total = 0;
        for entry in fs::read_dir(&self.dir)? {
            let entry = entry?;
            let meta = entry.metadata()?;
            if meta.is_file()
                && entry
                    .file_name()
                    .to_string_lossy()
                    .ends_with(&format!(".{EXTENSION}"))
            {
                total += charged(meta.len());
            }
        }
        Ok(total)
    }
}

/// The error of a `.gkc` name that is not a regular file.
fn not_a_file() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, "not a regular file")
}

#[cfg(test)]
pub(crate) mod tests {
    use std::cell::RefCell;
    use std::path::PathBuf;

    thread_local! {
        /// Paths `remove_file` refuses on this thread.
        pub(crate) static UNDELETABLE: RefCell<Vec<PathBuf>> = const { RefCell::new(Vec::new()) };
    }
}
