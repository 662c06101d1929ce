//! Memories, tables, globals and functions that instances share: imports
//! of another instance's exports, as the WebAssembly spec's linking allows.
//!
//! Contracts never share anything (the contract policy of
//! `gasket-metering` admits only `env` functions as imports); the spec
//! suite and tools do. Everything here is therefore built for correctness,
//! not speed:
//!
//! - a memory or table is reference-counted and outlives every instance
//!   that uses it; its base address never moves (memories are reserved up
//!   to their maximum, tables have no `table.grow` in the subset), so a
//!   context can keep a raw pointer to it;
//! - a mutable global lives in a cell; each instance keeps its own slot
//!   for generated code and copies it from and to the cell whenever
//!   control passes between instances (entry, exit, host calls, calls into
//!   another instance);
//! - memory length is kept per context the same way: reloaded from the
//!   shared memory whenever control comes back to an instance.
//!
//! Sharing is confined to one thread: the first thread that runs code over
//! shared state claims it for good ([`Claim`]); another thread that tries
//! gets a `Trap::Host` error, never a data race.
#![allow(unsafe_code)]

use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicI64, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use gasket_metering::{FuncSig, ValType};

use super::instance::{InstanceBox, Value};
use super::memory::LinearMemory;
use super::vmctx::TableEntry;
use crate::error::InstantiationError;

/// The thread that may use a piece of shared state: 0 until claimed.
#[derive(Debug, Default)]
pub(crate) struct Claim(AtomicUsize);

impl Claim {
    /// Claims for the current thread; `false` if another thread has.
    pub(crate) fn check(&self) -> bool {
        let me = thread_token();
        match self
            .0
            .compare_exchange(0, me, Ordering::AcqRel, Ordering::Acquire)
        {
            Ok(_) => true,
            Err(owner) => owner == me,
        }
    }

    /// Whether [`Claim::check`] would pass, without claiming.
    pub(crate) fn available(&self) -> bool {
        let owner = self.0.load(Ordering::Acquire);
        owner == 0 || owner == thread_token()
    }
}

/// A number unique to the current thread while it lives.
fn thread_token() -> usize {
    thread_local! {
        static TOKEN: u8 = const { 0 };
    }
    TOKEN.with(|t| t as *const u8 as usize)
}

/// A linear memory that may be shared between instances.
pub(crate) struct MemoryCell {
    memory: UnsafeCell<LinearMemory>,
    pub claim: Claim,
    /// Host functions running with a [`super::instance::Caller`] over this
    /// memory. While one does, the caller's slice is the only access: the
    /// memory is not handed out ([`crate::Instance::memory`]) and no code
    /// that could write it is entered.
    callers: AtomicU32,
}

// SAFETY: the memory is only reached through `get`, whose callers hold the
// memory's claim (or are its only user): one thread at a time.
unsafe impl Send for MemoryCell {}
// SAFETY: as above; the page count other threads may read is atomic.
unsafe impl Sync for MemoryCell {}

impl MemoryCell {
    pub(crate) fn new(initial: u32, maximum: u32) -> Option<Arc<MemoryCell>> {
        Some(Arc::new(MemoryCell {
            memory: UnsafeCell::new(LinearMemory::new(initial, maximum)?),
            claim: Claim::default(),
            callers: AtomicU32::new(0),
        }))
    }

    /// A host function's caller view takes the memory (only the claiming
    /// thread counts, so plain loads and stores suffice).
    pub(crate) fn lend(&self) {
        let n = self.callers.load(Ordering::Relaxed);
        self.callers.store(n + 1, Ordering::Relaxed);
    }

    /// The caller view of [`MemoryCell::lend`] is gone.
    pub(crate) fn give_back(&self) {
        let n = self.callers.load(Ordering::Relaxed);
        self.callers.store(n - 1, Ordering::Relaxed);
    }

    /// Whether a host function's caller view holds the memory.
    pub(crate) fn lent(&self) -> bool {
        self.callers.load(Ordering::Relaxed) > 0
    }

    /// The memory.
    ///
    /// # Safety
    ///
    /// The caller runs on the thread that holds the claim (or the memory
    /// is not shared) and keeps no other reference from `get` alive.
    #[allow(clippy::mut_from_ref)]
    pub(crate) unsafe fn get(&self) -> &mut LinearMemory {
        // SAFETY: see the function's contract.
        unsafe { &mut *self.memory.get() }
    }

    /// The memory, to read.
    ///
    /// # Safety
    ///
    /// As for [`MemoryCell::get`], but other shared references from
    /// `get_ref` may be alive (an [`crate::Instance`] is `Sync`).
    pub(crate) unsafe fn get_ref(&self) -> &LinearMemory {
        // SAFETY: see the function's contract.
        unsafe { &*self.memory.get() }
    }

    /// Current size in pages (any thread).
    pub(crate) fn pages(&self) -> u32 {
        // SAFETY: the memory is live while `self` is.
        unsafe { LinearMemory::pages_and_maximum(self.memory.get()) }.0
    }
}

/// A funcref table that may be shared between instances.
pub(crate) struct TableCell {
    entries: UnsafeCell<Box<[TableEntry]>>,
    pub maximum: u32,
    pub claim: Claim,
    /// Instances whose instantiation failed after they wrote functions
    /// into this table: the functions stay callable, as the spec requires,
    /// so the table keeps their instances alive.
    orphans: Mutex<Vec<Arc<InstanceBox>>>,
}

// SAFETY: entries are only reached through `entries`, under the table's
// claim (or with a single user), one thread at a time.
unsafe impl Send for TableCell {}
// SAFETY: as above.
unsafe impl Sync for TableCell {}

impl TableCell {
    pub(crate) fn new(initial: u32, maximum: u32) -> Arc<TableCell> {
        Arc::new(TableCell {
            entries: UnsafeCell::new(vec![TableEntry::NULL; initial as usize].into_boxed_slice()),
            maximum: maximum.max(initial),
            claim: Claim::default(),
            orphans: Mutex::new(Vec::new()),
        })
    }

    /// Number of elements (fixed: the subset has no `table.grow`).
    pub(crate) fn len(&self) -> usize {
        // SAFETY: the boxed slice itself is never replaced, only its
        // elements written; the length is immutable.
        unsafe { (&(*self.entries.get())).len() }
    }

    /// Address of the first entry (stable for the table's life).
    pub(crate) fn base(&self) -> *const TableEntry {
        // SAFETY: as in `len`.
        unsafe { (*self.entries.get()).as_ptr() }
    }

    /// The entries.
    ///
    /// # Safety
    ///
    /// As [`MemoryCell::get`].
    #[allow(clippy::mut_from_ref)]
    pub(crate) unsafe fn entries(&self) -> &mut [TableEntry] {
        // SAFETY: see the function's contract.
        unsafe { &mut *self.entries.get() }
    }

    pub(crate) fn adopt(&self, orphan: Arc<InstanceBox>) {
        if let Ok(mut orphans) = self.orphans.lock() {
            orphans.push(orphan);
        }
    }
}

/// A global that may be shared between instances.
#[derive(Debug)]
pub(crate) struct GlobalCell {
    pub value: AtomicI64,
    pub ty: ValType,
    pub mutable: bool,
}

/// A linear memory to import: made by the embedder ([`Memory::new`]) or
/// exported by an instance ([`crate::Instance::export`]).
#[derive(Clone)]
pub struct Memory(pub(crate) Arc<MemoryCell>);

impl Memory {
    /// A zeroed memory of `initial` pages that can grow to `maximum`
    /// (at most 65,536 pages, 4 GiB: more is [`InstantiationError::Memory`]).
    pub fn new(initial: u32, maximum: u32) -> Result<Memory, InstantiationError> {
        MemoryCell::new(initial, maximum)
            .map(Memory)
            .ok_or(InstantiationError::Memory { pages: maximum })
    }

    /// Current size in pages.
    pub fn pages(&self) -> u32 {
        self.0.pages()
    }

    /// The maximum in pages.
    pub fn maximum(&self) -> u32 {
        // SAFETY: the memory is live while `self` is.
        unsafe { LinearMemory::pages_and_maximum(self.0.memory.get()) }.1
    }
}

impl std::fmt::Debug for Memory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Memory")
            .field("pages", &self.pages())
            .finish()
    }
}

/// A funcref table to import: made by the embedder ([`Table::new`], all
/// null) or exported by an instance.
#[derive(Clone)]
pub struct Table(pub(crate) Arc<TableCell>);

impl Table {
    /// A table of `initial` null elements (the subset cannot grow it;
    /// `maximum` is what importers see).
    pub fn new(initial: u32, maximum: u32) -> Table {
        Table(TableCell::new(initial, maximum))
    }

    /// Number of elements.
    pub fn len(&self) -> u32 {
        self.0.len() as u32
    }

    /// Whether the table has no elements.
    pub fn is_empty(&self) -> bool {
        self.0.len() == 0
    }

    /// The declared maximum.
    pub fn maximum(&self) -> u32 {
        self.0.maximum
    }
}

impl std::fmt::Debug for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Table").field("len", &self.len()).finish()
    }
}

/// A global to import: made by the embedder ([`Global::new`]) or exported
/// by an instance (a mutable one is then shared with it).
#[derive(Clone, Debug)]
pub struct Global(pub(crate) Arc<GlobalCell>);

impl Global {
    /// A global holding `value`.
    pub fn new(value: Value, mutable: bool) -> Global {
        Global(Arc::new(GlobalCell {
            value: AtomicI64::new(value.as_i64()),
            ty: match value {
                Value::I32(_) => ValType::I32,
                Value::I64(_) => ValType::I64,
            },
            mutable,
        }))
    }

    /// The value (as of the last time control left the instances sharing
    /// it).
    pub fn get(&self) -> Value {
        let raw = self.0.value.load(Ordering::Relaxed);
        match self.0.ty {
            ValType::I32 => Value::I32(raw as i32),
            ValType::I64 => Value::I64(raw),
        }
    }

    /// The value type.
    pub fn ty(&self) -> ValType {
        self.0.ty
    }

    /// Whether it may be set.
    pub fn is_mutable(&self) -> bool {
        self.0.mutable
    }
}

/// An exported function of an instance, to import into another: calls run
/// in the exporting instance, with the caller's gas.
#[derive(Clone)]
pub struct Func {
    pub(crate) instance: Arc<InstanceBox>,
    /// Blob offset of the function's entry trampoline.
    pub(crate) entry: usize,
    pub(crate) sig: FuncSig,
}

impl Func {
    /// The function's type.
    pub fn signature(&self) -> &FuncSig {
        &self.sig
    }
}

impl std::fmt::Debug for Func {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Func").field("sig", &self.sig).finish()
    }
}

/// Anything an instance exports.
#[derive(Clone, Debug)]
pub enum Extern {
    /// A function.
    Func(Func),
    /// The linear memory.
    Memory(Memory),
    /// The table.
    Table(Table),
    /// A global.
    Global(Global),
}
