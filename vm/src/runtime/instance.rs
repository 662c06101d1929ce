//! Instances: memory, globals, table and host functions of one module, and
//! typed calls into it.
//!
//! The metering contract of `gasket-metering` is kept here: before every
//! call the stack-height global is reset to 0; gas is whatever
//! [`Instance::set_gas`] left (the generated code updates the gas global in
//! place, so [`Instance::gas_left`] is exact after a return or a trap: `-1`
//! after out of gas). `__gasket_start`, if exported, runs once at
//! instantiation after gas is set.
#![allow(unsafe_code)]

use std::collections::HashMap;
use std::ptr::NonNull;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};

use gasket_metering::{ExportKind, ImportKind, START_EXPORT, ValType};

use super::libcalls;
use super::memory::LinearMemory;
use super::shared::{
    Claim, Extern, Func, Global, GlobalCell, Memory, MemoryCell, Table, TableCell,
};
use super::unwind::{self, Trampoline};
use super::vmctx::{self, TableEntry, VmCtx};
use crate::error::InstantiationError;
use crate::module::{ConstExpr, Module, ModuleInner};
use crate::trap::{CODE_HOST, CODE_NATIVE_STACK, Trap, TrapKind};

/// Calls with at most this many parameters or results pass them to the
/// entry trampoline in a stack buffer rather than a heap allocation.
const INLINE_SLOTS: usize = 16;

/// A wasm value of the subset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Value {
    /// An `i32`.
    I32(i32),
    /// An `i64`.
    I64(i64),
}

impl Value {
    /// The value as an `i64` (`i32` sign-extended).
    pub fn as_i64(self) -> i64 {
        match self {
            Value::I32(v) => i64::from(v),
            Value::I64(v) => v,
        }
    }

    fn ty(self) -> ValType {
        match self {
            Value::I32(_) => ValType::I32,
            Value::I64(_) => ValType::I64,
        }
    }
}

/// A host function: gets the caller (memory, gas) and the arguments (each
/// as an `i64`, `i32` sign-extended), returns the results the same way.
/// An `Err(Trap::Wasm(kind))` traps with that kind; any other error ends
/// the call with that error.
pub type HostFunc = Arc<dyn Fn(&mut Caller<'_>, &[i64]) -> Result<Vec<i64>, Trap> + Send + Sync>;

/// The embedder's side of a call made with [`Instance::call_with`]: runs
/// the imports routed to it with [`Imports::dispatch`].
///
/// Unlike a [`HostFunc`] it lives only for the call, so it may borrow the
/// embedder's state (storage, an overlay, the call context) and may itself
/// call into other instances (cross-contract calls): a nested call shares
/// the outer call's native-stack budget.
pub trait Host {
    /// Runs the host function the embedder named `id`. `args` are the
    /// arguments (`i32` sign-extended); `results` has one slot per result,
    /// each 0 until written (a result left unwritten is 0).
    /// An `Err(Trap::Wasm(kind))` traps with that kind; any other error
    /// ends the call with that error.
    fn call(
        &mut self,
        id: u32,
        caller: &mut Caller<'_>,
        args: &[i64],
        results: &mut [i64],
    ) -> Result<(), Trap>;
}

/// How one imported function is supplied.
#[derive(Clone)]
pub(crate) enum HostImport {
    Func(HostFunc),
    Dispatch(u32),
    /// Another instance's export.
    Instance(Func),
}

/// What `libcalls::host_call` needs of a function import, made at
/// instantiation so that a call reads one entry instead of the import and
/// the function's type through the module.
#[derive(Clone, Copy)]
pub(crate) struct ImportSite {
    /// The [`Host`] function's id of a dispatched import (the short path);
    /// `None` for an import supplied otherwise.
    pub dispatch: Option<u32>,
    pub params: u32,
    pub results: u32,
}

/// Names the [`Host`] function of an import `(module, name)`, or `None`:
/// [`Imports::dispatch_with`].
pub type DispatchResolver = fn(&str, &str) -> Option<u32>;

/// What the embedder supplies to instantiation.
#[derive(Default)]
pub struct Imports {
    funcs: HashMap<(String, String), HostImport>,
    globals: HashMap<(String, String), i64>,
    externs: HashMap<(String, String), Extern>,
    resolver: Option<DispatchResolver>,
}

/// `map[(import.module, import.name)]`, without building the key when the
/// map is empty (the common case of an embedder that only dispatches).
fn entry<'m, T>(
    map: &'m HashMap<(String, String), T>,
    import: &gasket_metering::Import,
) -> Option<&'m T> {
    if map.is_empty() {
        return None;
    }
    map.get(&(import.module.clone(), import.name.clone()))
}

impl std::fmt::Debug for Imports {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Imports")
            .field("funcs", &self.funcs.keys().collect::<Vec<_>>())
            .field("globals", &self.globals)
            .field("resolver", &self.resolver.is_some())
            .finish()
    }
}

impl Imports {
    /// No imports.
    pub fn new() -> Imports {
        Imports::default()
    }

    /// Supplies the function `module.name`.
    pub fn func(
        &mut self,
        module: &str,
        name: &str,
        f: impl Fn(&mut Caller<'_>, &[i64]) -> Result<Vec<i64>, Trap> + Send + Sync + 'static,
    ) -> &mut Self {
        self.funcs.insert(
            (module.to_string(), name.to_string()),
            HostImport::Func(Arc::new(f)),
        );
        self
    }

    /// Routes the function `module.name` to the [`Host`] of each call
    /// ([`Instance::call_with`]) under the embedder's number `id`.
    pub fn dispatch(&mut self, module: &str, name: &str, id: u32) -> &mut Self {
        self.funcs.insert(
            (module.to_string(), name.to_string()),
            HostImport::Dispatch(id),
        );
        self
    }

    /// Routes every imported function that no [`Imports::func`],
    /// [`Imports::dispatch`] or [`Imports::define`] supplies to the [`Host`]
    /// under the number `resolve(module, name)` (`None`: missing).
    ///
    /// An embedder that instantiates a contract per call (a node) builds
    /// these imports without allocating or hashing a name.
    pub fn dispatch_with(&mut self, resolve: DispatchResolver) -> &mut Self {
        self.resolver = Some(resolve);
        self
    }

    /// Supplies the value of the imported global `module.name` (default 0).
    pub fn global(&mut self, module: &str, name: &str, value: i64) -> &mut Self {
        self.globals
            .insert((module.to_string(), name.to_string()), value);
        self
    }

    /// Supplies `module.name` with a function, memory, table or global of
    /// another instance ([`Instance::export`]) or made by the embedder.
    /// Instantiation checks the kind and type; the embedder checks limits
    /// beyond "at least the declared initial size".
    pub fn define(&mut self, module: &str, name: &str, item: Extern) -> &mut Self {
        let key = (module.to_string(), name.to_string());
        match item {
            Extern::Func(func) => {
                self.funcs.insert(key, HostImport::Instance(func));
            }
            other => {
                self.externs.insert(key, other);
            }
        }
        self
    }
}

/// What a host function sees of its caller: bounds-checked memory, gas
/// and the stack height.
///
/// While it lives, the memory is its alone: [`Instance::memory`] of any
/// instance using that memory is empty, and entering one of them is
/// refused. The gas is the instance's account, which [`Instance::set_gas`]
/// and [`Instance::gas_left`] reach too (the host function may hold the
/// instance whose call it serves): it is read and written in place, never
/// borrowed.
pub struct Caller<'a> {
    memory: &'a mut [u8],
    gas: NonNull<i64>,
    stack_height: i64,
    /// The memory `memory` is lent from, given back when the view goes.
    lent: Option<&'a MemoryCell>,
}

impl Drop for Caller<'_> {
    fn drop(&mut self) {
        if let Some(memory) = self.lent {
            memory.give_back();
        }
    }
}

impl Caller<'_> {
    /// The caller's deterministic stack height (units of
    /// `gasket_metering::StackLimits`) at the call; a nested call
    /// ([`Instance::call_with`]) starts from it.
    pub fn stack_height(&self) -> u32 {
        self.stack_height.max(0) as u32
    }

    /// The accessible linear memory.
    pub fn memory(&self) -> &[u8] {
        self.memory
    }

    /// Reads `len` bytes at `ptr`; out of bounds is `MemoryOutOfBounds`.
    #[inline]
    pub fn read(&self, ptr: u32, len: u32) -> Result<&[u8], Trap> {
        let start = ptr as usize;
        let end = start + len as usize;
        self.memory
            .get(start..end)
            .ok_or(Trap::Wasm(TrapKind::MemoryOutOfBounds))
    }

    /// Writes `data` at `ptr`; out of bounds is `MemoryOutOfBounds`.
    #[inline]
    pub fn write(&mut self, ptr: u32, data: &[u8]) -> Result<(), Trap> {
        let start = ptr as usize;
        let end = start + data.len();
        self.memory
            .get_mut(start..end)
            .ok_or(Trap::Wasm(TrapKind::MemoryOutOfBounds))?
            .copy_from_slice(data);
        Ok(())
    }

    /// Gas left.
    #[inline]
    pub fn gas_left(&self) -> i64 {
        // SAFETY: the gas slot of the instance whose call is suspended in
        // this host call: it outlives the call, and nothing holds a
        // reference to it (the instance's own accessors make theirs only
        // for the access, on this thread).
        unsafe { self.gas.read() }
    }

    /// Charges `amount` with the semantics of the metering helper: if less
    /// is left, gas becomes `-1` and the result is `OutOfGas`.
    #[inline]
    pub fn charge_gas(&mut self, amount: u64) -> Result<(), Trap> {
        let gas = self.gas_left();
        let (left, outcome) = if (gas as u64) < amount {
            (-1, Err(Trap::Wasm(TrapKind::OutOfGas)))
        } else {
            ((gas as u64 - amount) as i64, Ok(()))
        };
        // SAFETY: as in `gas_left`.
        unsafe { self.gas.write(left) };
        outcome
    }
}

pub(crate) struct InstanceInner {
    /// Must stay first-class in this boxed struct: generated code holds its
    /// address during a call.
    pub vmctx: VmCtx,
    pub module: Module,
    pub memory: Option<Arc<MemoryCell>>,
    /// The globals' slots when they are not in the context
    /// ([`vmctx::globals_inline`]); empty otherwise. Read and written
    /// through [`Self::globals`] and [`Self::globals_mut`].
    pub spilled_globals: Box<[i64]>,
    /// `None` without a table, or once the table adopted this instance
    /// (its instantiation failed after writing into it; `vmctx.table`
    /// stays valid since the table outlives it).
    pub table: Option<Arc<TableCell>>,
    /// Slots of mutable globals shared with other instances, and their
    /// cells.
    pub shared_globals: Vec<(u32, Arc<GlobalCell>)>,
    /// Something of this instance is shared with another instance
    /// (imported or exported memory, table, mutable global or function):
    /// entries check the claims and synchronise ([`super::shared`]).
    pub shared: bool,
    /// The thread that runs this instance, once `shared`.
    pub claim: Claim,
    pub host: Vec<Option<HostImport>>,
    /// One per function import, in `host`'s order.
    pub import_sites: Box<[ImportSite]>,
    /// The [`Host`] of the running call, if it was given one. Its lifetime
    /// is erased: it is set by `call_with` and cleared before that returns.
    pub dispatcher: Option<NonNull<dyn Host>>,
    /// Dropped data segments (`data.drop`, and active ones after
    /// instantiation).
    pub dropped: Vec<bool>,
    /// Dropped element segments (`elem.drop`, declared ones, and active
    /// ones after instantiation).
    pub dropped_elements: Vec<bool>,
    /// The error of a host function, taken when the call unwinds.
    pub pending: Option<Trap>,
    /// Whether this instance ever wrote entries into its table (element
    /// segments, `table.init`): only then may the table hold entries with
    /// its context, which must be cleaned before it is freed. (Another
    /// instance's entries carry that instance's context, even for a
    /// function it imported from this one.)
    pub wrote_table: bool,
    /// Calls of this instance's code in progress: its own entries, and
    /// calls into it from another instance (`libcalls::call_into_with`).
    /// An entry from outside while one is (a host function calling the
    /// instance it holds) is refused: it would run on, and leave behind,
    /// the gas, height and dispatcher of the suspended call.
    pub running: u32,
    /// This instance's own allocation, for a call into it through a shared
    /// table to hold (a host function may drop the last [`Instance`]).
    pub this: Weak<InstanceBox>,
}

impl InstanceInner {
    /// The linear memory, if any.
    pub(crate) fn linear_memory(&mut self) -> Option<&mut LinearMemory> {
        // SAFETY: a memory is used only by instances running on the thread
        // holding its claim (checked on every entry into a sharing
        // instance), one at a time; the reference lives no longer than the
        // borrow of `self`, and no other is live meanwhile.
        self.memory.as_ref().map(|m| unsafe { m.get() })
    }

    pub(crate) fn memory_grow(&mut self, delta: u32) -> i32 {
        let Some(memory) = self.linear_memory() else {
            return -1;
        };
        let old = memory.grow(delta);
        let len = memory.len();
        self.vmctx.memory_len = len;
        old
    }

    /// [`InstanceInner::claim`] made without a reference to the instance
    /// (another thread may hold one: the claim decides which): `true` if
    /// it shares nothing, or this thread holds (or now takes) every claim.
    ///
    /// # Safety
    ///
    /// `inner` is live. `shared` is only written by the thread that may
    /// use the instance, before another can reach it or while holding its
    /// claim; the claims are atomic.
    pub(crate) unsafe fn claim_raw(inner: *const InstanceInner) -> bool {
        // SAFETY: see the function's contract; only these fields are read.
        unsafe {
            if !*std::ptr::addr_of!((*inner).shared) {
                return true;
            }
            let memory = &*std::ptr::addr_of!((*inner).memory);
            let table = &*std::ptr::addr_of!((*inner).table);
            (*std::ptr::addr_of!((*inner).claim)).check()
                && memory.as_ref().is_none_or(|m| m.claim.check())
                && table.as_ref().is_none_or(|t| t.claim.check())
        }
    }

    /// A host function's [`Caller`] holds this instance's memory.
    pub(crate) fn memory_lent(&self) -> bool {
        self.memory.as_ref().is_some_and(|m| m.lent())
    }

    /// Claims everything shared for this thread; `false` if another
    /// thread has any of it.
    pub(crate) fn claim(&self) -> bool {
        self.claim.check()
            && self.memory.as_ref().is_none_or(|m| m.claim.check())
            && self.table.as_ref().is_none_or(|t| t.claim.check())
    }

    /// The globals' slots, by index (the stack height's unused).
    pub(crate) fn globals(&self) -> &[i64] {
        let count = self.module.inner.info.globals.len();
        if vmctx::globals_inline(count) {
            &self.vmctx.inline_globals[..count]
        } else {
            &self.spilled_globals
        }
    }

    /// The globals' slots, by index, to write.
    pub(crate) fn globals_mut(&mut self) -> &mut [i64] {
        let count = self.module.inner.info.globals.len();
        global_slots(&mut self.vmctx, &mut self.spilled_globals, count)
    }

    /// The gas global's slot.
    pub(crate) fn gas_slot(&mut self) -> &mut i64 {
        let index = self.module.inner.info.injected.gas_global as usize;
        &mut self.globals_mut()[index]
    }

    /// The gas global's value.
    pub(crate) fn gas(&self) -> i64 {
        self.globals()[self.module.inner.info.injected.gas_global as usize]
    }

    /// Where global `index` lives: its slot, but for the stack-height
    /// global, which generated code keeps in the context.
    fn global_slot(&mut self, index: u32) -> &mut i64 {
        if index == self.module.inner.info.injected.stack_global {
            &mut self.vmctx.stack_height
        } else {
            &mut self.globals_mut()[index as usize]
        }
    }

    /// The value of global `index` (see [`Self::global_slot`]).
    fn global_value(&self, index: u32) -> i64 {
        if index == self.module.inner.info.injected.stack_global {
            self.vmctx.stack_height
        } else {
            self.globals()[index as usize]
        }
    }

    /// Control comes (back) to this instance: shared globals and memory
    /// length from their shared homes.
    pub(crate) fn sync_in(&mut self) {
        for i in 0..self.shared_globals.len() {
            let (slot, value) = {
                let (slot, cell) = &self.shared_globals[i];
                (*slot, cell.value.load(Ordering::Relaxed))
            };
            *self.global_slot(slot) = value;
        }
        if let Some(memory) = &self.memory {
            self.vmctx.memory_len = u64::from(memory.pages()) * super::memory::PAGE;
        }
    }

    /// Control leaves this instance: shared globals to their cells.
    pub(crate) fn sync_out(&self) {
        for (slot, cell) in &self.shared_globals {
            cell.value
                .store(self.global_value(*slot), Ordering::Relaxed);
        }
    }

    /// The running call's dispatcher and a caller view (which lends the
    /// memory), for a host function.
    ///
    /// # Safety
    ///
    /// `inst` is a live instance whose generated code called an import,
    /// on this thread; the results live only for that host call. No
    /// reference to the instance is made that outlives this function:
    /// while the host function runs, the embedder may reach the instance
    /// through its [`Instance`] handle.
    pub(crate) unsafe fn caller_view<'a>(
        inst: *mut InstanceInner,
    ) -> (Option<NonNull<dyn Host>>, Caller<'a>) {
        // SAFETY: the contract; this reference ends here. The memory cell
        // is an allocation of its own that the instance keeps.
        let (dispatcher, shared, cell) = unsafe {
            let this = &*inst;
            (this.dispatcher, this.shared, this.memory.as_deref())
        };
        // Only a memory another instance may use (imported or exported)
        // can be reached while the host function runs, through that
        // instance's handle: it is lent. An instance that shares nothing is
        // reached only through `&mut Instance`, which its call borrows.
        let caller = match cell.filter(|_| shared) {
            Some(cell) => {
                cell.lend();
                // SAFETY: as in `linear_memory`; the memory is lent to the
                // view until it drops, so no other reference is made.
                let memory = unsafe { cell.get() }.data_mut();
                // SAFETY: the contract.
                unsafe { Self::caller_over(inst, memory, Some(cell)) }
            }
            // SAFETY: the contract; the memory is not shared.
            None => unsafe { Self::private_caller(inst) },
        };
        (dispatcher, caller)
    }

    /// The caller view of an instance none of whose memory another
    /// instance may use (not `shared`, or without a memory): the memory is
    /// the context's.
    ///
    /// # Safety
    ///
    /// As for [`InstanceInner::caller_view`], and the memory is not shared.
    #[inline(always)]
    pub(crate) unsafe fn private_caller<'a>(inst: *mut InstanceInner) -> Caller<'a> {
        // SAFETY: the contract; the fields are read in place.
        let (base, len) = unsafe { ((*inst).vmctx.memory_base, (*inst).vmctx.memory_len) };
        let memory: &mut [u8] = if base.is_null() {
            &mut []
        } else {
            // SAFETY: the context's base and length describe the
            // instance's accessible memory (generated code accesses it
            // through them), which nothing else touches during the call.
            unsafe { std::slice::from_raw_parts_mut(base, len as usize) }
        };
        // SAFETY: the contract.
        unsafe { Self::caller_over(inst, memory, None) }
    }

    /// A caller view over `memory` (lent from `lent`, if shared).
    ///
    /// # Safety
    ///
    /// As for [`InstanceInner::caller_view`].
    #[inline(always)]
    unsafe fn caller_over<'a>(
        inst: *mut InstanceInner,
        memory: &'a mut [u8],
        lent: Option<&'a MemoryCell>,
    ) -> Caller<'a> {
        // SAFETY: the contract; the fields are read in place. The context's
        // gas pointer is the gas global's slot (generated code and the
        // import wrappers use it), in the instance's globals, never null.
        // It was made from a `&mut` of the instance at instantiation, so
        // under Stacked Borrows later `&mut`s of the instance retire it,
        // as they do for generated code's own uses (which Miri cannot
        // run): the same caveat as the context's other pointers.
        let (stack_height, gas) = unsafe {
            (
                (*inst).vmctx.stack_height,
                NonNull::new_unchecked((*inst).vmctx.gas),
            )
        };
        Caller {
            memory,
            gas,
            stack_height: i64::from(stack_height as i32),
            lent,
        }
    }

    /// The running call's dispatcher and import `import`'s site, when the
    /// call may take `libcalls::host_call`'s common path: a dispatched
    /// import, a call given a [`Host`], an instance that shares nothing.
    ///
    /// # Safety
    ///
    /// As for [`InstanceInner::caller_view`].
    #[inline(always)]
    pub(crate) unsafe fn dispatch_site(
        inst: *const InstanceInner,
        import: u32,
    ) -> Option<(NonNull<dyn Host>, u32, ImportSite)> {
        // SAFETY: the contract; this reference ends here.
        let this = unsafe { &*inst };
        if this.shared {
            return None;
        }
        let site = *this.import_sites.get(import as usize)?;
        Some((this.dispatcher?, site.dispatch?, site))
    }

    fn eval(&self, expr: ConstExpr) -> i64 {
        match expr {
            ConstExpr::I32(v) => i64::from(v),
            ConstExpr::I64(v) => v,
            ConstExpr::Global(g) => self.globals().get(g as usize).copied().unwrap_or(0),
        }
    }
}

/// The globals' slots of an instance whose module has `count` globals,
/// from its fields (so that the memory can be borrowed beside them).
fn global_slots<'a>(vmctx: &'a mut VmCtx, spilled: &'a mut [i64], count: usize) -> &'a mut [i64] {
    if vmctx::globals_inline(count) {
        &mut vmctx.inline_globals[..count]
    } else {
        spilled
    }
}

/// An exported function of a [`Module`], looked up once
/// ([`Module::export_func`]) and called on any instance of that module
/// ([`Instance::call_func`]).
#[derive(Clone)]
pub struct ExportFunc {
    pub(crate) module: Arc<ModuleInner>,
    pub(crate) name: Arc<str>,
    /// Type index.
    pub(crate) ty: u32,
    /// Blob offset of the entry trampoline.
    pub(crate) entry: usize,
}

impl ExportFunc {
    /// The function's type.
    pub fn signature(&self) -> &gasket_metering::FuncSig {
        &self.module.info.types[self.ty as usize]
    }
}

impl std::fmt::Debug for ExportFunc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExportFunc")
            .field("name", &self.name)
            .field("sig", self.signature())
            .finish()
    }
}

/// What a call needs of an exported function of the instance's module.
#[derive(Clone, Copy)]
struct Resolved<'a> {
    module: &'a ModuleInner,
    name: &'a str,
    ty: u32,
    entry: usize,
}

/// The allocation of one instance, reference-counted: by its [`Instance`],
/// by the [`Func`]s other instances import from it, by the tables that
/// adopted it (a failed instantiation's entries) and, for the call, by a
/// call into it through a shared table.
pub(crate) struct InstanceBox {
    /// From `Box::into_raw`: the context's address must never change, and
    /// `Drop` may have to leak it (see there).
    inner: *mut InstanceInner,
}

// SAFETY: the instance is used by one thread at a time: through `&mut
// Instance`, or, once shared, only by the thread holding its claim.
unsafe impl Send for InstanceBox {}
// SAFETY: as above.
unsafe impl Sync for InstanceBox {}

impl InstanceBox {
    pub(crate) fn inner(&self) -> *mut InstanceInner {
        self.inner
    }
}

impl Drop for InstanceBox {
    fn drop(&mut self) {
        // SAFETY: the last reference is going away; nothing runs in it.
        let inner = unsafe { &mut *self.inner };
        let own: *mut VmCtx = &mut inner.vmctx;
        if let Some(table) = &inner.table
            && inner.wrote_table
            && Arc::strong_count(table) > 1
        {
            if !table.claim.check() {
                // Another thread uses the table, which may still hold this
                // instance's functions: it cannot be cleaned from here, so
                // the instance is leaked rather than freed under it.
                return;
            }
            // SAFETY: this thread holds the table's claim.
            for entry in unsafe { table.entries() } {
                if entry.vmctx == own {
                    *entry = TableEntry::NULL;
                }
            }
        }
        // SAFETY: from `Box::into_raw` in `Instance::new_unstarted`; freed
        // only here.
        drop(unsafe { Box::from_raw(self.inner) });
    }
}

/// An instance of a [`Module`]. Runs on any thread (one at a time); an
/// instance that shares state with others ([`Instance::export`],
/// [`Imports::define`]) belongs to the thread that first ran or used one
/// of them: on any other thread its calls fail with [`Trap::Host`], its
/// exports are `None`, and its accessors see nothing (an empty memory,
/// no globals, 0 gas and height; [`Instance::set_gas`] has no effect),
/// never what that thread may be changing.
pub struct Instance {
    /// Generated code and libcalls reach the same allocation through
    /// `vmctx.instance` while a call runs.
    ptr: Arc<InstanceBox>,
}

impl std::fmt::Debug for Instance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = f.debug_struct("Instance");
        if self.owned() {
            out.field("globals", &self.inner().globals());
        }
        out.finish_non_exhaustive()
    }
}

impl Instance {
    /// Instantiates `module`: imports, globals, table and element segments,
    /// memory and data segments; then sets gas to `gas` and runs
    /// `__gasket_start` if the module has one.
    pub fn new(
        module: &Module,
        imports: Imports,
        gas: u64,
    ) -> Result<Instance, InstantiationError> {
        let mut instance = Instance::new_unstarted(module, imports)?;
        instance.set_gas(gas);
        if module.inner.info.export(START_EXPORT).is_some()
            && let Err(trap) = instance.call(START_EXPORT, &[])
        {
            instance.orphan();
            return Err(InstantiationError::Start(trap));
        }
        Ok(instance)
    }

    /// Instantiates `module` like [`Instance::new`] but leaves gas at 0 and
    /// does not run `__gasket_start`: an embedder whose start function may
    /// reach dispatched imports, or who needs the gas left after a trap in
    /// it, calls that export itself ([`Instance::call_with`]).
    pub fn new_unstarted(
        module: &Module,
        mut imports: Imports,
    ) -> Result<Instance, InstantiationError> {
        let host_target = crate::engine::Target::host();
        if host_target != Some(module.inner.target) {
            return Err(InstantiationError::WrongTarget {
                module: module.inner.target,
                host: host_target,
            });
        }
        let info = &module.inner.info;
        let parsed = &module.inner.parsed;
        let mut host = Vec::new();
        let mut import_sites = Vec::new();
        let mut globals = Vec::with_capacity(info.globals.len());
        let mut shared_globals = Vec::new();
        let mut memory = None;
        let mut table = None;
        let missing = |import: &gasket_metering::Import| InstantiationError::MissingImport {
            module: import.module.clone(),
            name: import.name.clone(),
        };
        let incompatible =
            |import: &gasket_metering::Import, what: &str| InstantiationError::IncompatibleImport {
                module: import.module.clone(),
                name: import.name.clone(),
                reason: what.to_string(),
            };
        let key = |import: &gasket_metering::Import| (import.module.clone(), import.name.clone());
        for import in &info.imports {
            match import.kind {
                ImportKind::Func(ty) => {
                    // A function may be imported more than once.
                    let f = match entry(&imports.funcs, import) {
                        Some(f) => f.clone(),
                        None => imports
                            .resolver
                            .and_then(|resolve| resolve(&import.module, &import.name))
                            .map(HostImport::Dispatch)
                            .ok_or_else(|| missing(import))?,
                    };
                    let Some(sig) = info.types.get(ty as usize) else {
                        return Err(incompatible(import, "function type"));
                    };
                    if let HostImport::Instance(func) = &f
                        && func.sig != *sig
                    {
                        return Err(incompatible(import, "function type"));
                    }
                    import_sites.push(ImportSite {
                        dispatch: match f {
                            HostImport::Dispatch(id) => Some(id),
                            _ => None,
                        },
                        params: sig.params.len() as u32,
                        results: sig.results.len() as u32,
                    });
                    host.push(Some(f));
                }
                ImportKind::Global(sig) => match entry(&imports.externs, import) {
                    Some(Extern::Global(global)) => {
                        let cell = &global.0;
                        if cell.ty != sig.ty || cell.mutable != sig.mutable {
                            return Err(incompatible(import, "global type"));
                        }
                        if sig.mutable {
                            shared_globals.push((globals.len() as u32, cell.clone()));
                        }
                        globals.push(cell.value.load(Ordering::Relaxed));
                    }
                    Some(_) => return Err(incompatible(import, "not a global")),
                    None => globals.push(entry(&imports.globals, import).copied().unwrap_or(0)),
                },
                ImportKind::Memory(limits) => match imports.externs.remove(&key(import)) {
                    Some(Extern::Memory(m)) if m.0.lent() => {
                        return Err(InstantiationError::MemoryLent {
                            module: import.module.clone(),
                            name: import.name.clone(),
                        });
                    }
                    Some(Extern::Memory(m)) if m.pages() >= limits.initial => memory = Some(m.0),
                    Some(Extern::Memory(_)) => return Err(incompatible(import, "memory size")),
                    Some(_) => return Err(incompatible(import, "not a memory")),
                    None => return Err(missing(import)),
                },
                ImportKind::Table(limits) => match imports.externs.remove(&key(import)) {
                    Some(Extern::Table(t)) if t.len() >= limits.initial => table = Some(t.0),
                    Some(Extern::Table(_)) => return Err(incompatible(import, "table size")),
                    Some(_) => return Err(incompatible(import, "not a table")),
                    None => return Err(missing(import)),
                },
            }
        }
        let imports_shared = memory.is_some()
            || table.is_some()
            || !shared_globals.is_empty()
            || host
                .iter()
                .any(|h| matches!(h, Some(HostImport::Instance(_))));
        // Before anything is built or claimed: a refused instantiation
        // leaves no claim on the memory behind, and no half-made instance
        // (which could not clean a table another thread holds, and would
        // be leaked).
        let available = memory.as_ref().is_none_or(|m| m.claim.available())
            && table.as_ref().is_none_or(|t| t.claim.available());
        if !available {
            return Err(InstantiationError::Shared);
        }
        if memory.is_none()
            && let Some(limits) = info.memory
        {
            memory = Some(MemoryCell::new(limits.initial, limits.maximum).ok_or(
                InstantiationError::Memory {
                    pages: limits.maximum,
                },
            )?);
        }
        if table.is_none()
            && let Some(limits) = info.table
        {
            table = Some(TableCell::new(limits.initial, limits.maximum));
        }
        let mut inner = Box::new(InstanceInner {
            vmctx: VmCtx {
                jmp_buf: std::ptr::null_mut(),
                trap_code: 0,
                memory_base: std::ptr::null_mut(),
                memory_len: 0,
                globals: std::ptr::null_mut(),
                table: std::ptr::null(),
                table_len: 0,
                stack_limit: 0,
                instance: std::ptr::null_mut(),
                gas: std::ptr::null_mut(),
                stack_height: 0,
                inline_globals: [0; vmctx::INLINE_GLOBALS],
                libcalls: libcalls::table(),
            },
            module: module.clone(),
            memory,
            spilled_globals: Box::new([]),
            table,
            shared_globals,
            shared: imports_shared,
            claim: Claim::default(),
            host,
            import_sites: import_sites.into_boxed_slice(),
            dispatcher: None,
            dropped: vec![false; parsed.data.len()],
            dropped_elements: parsed.elements.iter().map(|e| e.declared).collect(),
            pending: None,
            wrote_table: false,
            running: 0,
            this: Weak::new(),
        });
        let ptr = Arc::new_cyclic(|this| {
            inner.this = this.clone();
            InstanceBox {
                inner: Box::into_raw(inner),
            }
        });
        let mut instance = Instance { ptr };
        let inner = instance.inner_mut();
        if inner.shared && !inner.claim() {
            return Err(InstantiationError::Shared);
        }
        // Defined globals, in order (a const expr may read imported ones).
        let mut all = globals;
        all.resize(info.globals.len(), 0);
        if vmctx::globals_inline(all.len()) {
            inner.vmctx.inline_globals[..all.len()].copy_from_slice(&all);
        } else {
            inner.spilled_globals = all.into_boxed_slice();
        }
        let imported_globals = info.globals.len() - parsed.globals.len();
        for (i, &expr) in parsed.globals.iter().enumerate() {
            let value = inner.eval(expr);
            let ty = info.globals[imported_globals + i].ty;
            inner.globals_mut()[imported_globals + i] = normalize(ty, value);
        }
        // The context: everything is in place, take the addresses.
        let own: *mut InstanceInner = inner;
        inner.vmctx.instance = own.cast();
        inner.vmctx.globals = inner.globals_mut().as_mut_ptr();
        let gas_global = info.injected.gas_global as usize;
        inner.vmctx.gas = &mut inner.globals_mut()[gas_global];
        if let Some(table) = &inner.table {
            inner.vmctx.table = table.base();
            inner.vmctx.table_len = table.len() as u64;
        }
        if let Some(memory) = inner.linear_memory() {
            let (base, len) = (memory.base(), memory.len());
            inner.vmctx.memory_base = base;
            inner.vmctx.memory_len = len;
        }
        if let Err(e) = instance.write_segments() {
            instance.orphan();
            return Err(e);
        }
        Ok(instance)
    }

    /// Element segments, then data segments, in order; a failing segment
    /// leaves the ones before it written (they may be in shared state).
    fn write_segments(&mut self) -> Result<(), InstantiationError> {
        let inner = self.inner_mut();
        let module = inner.module.clone();
        let parsed = &module.inner.parsed;
        let own: *mut VmCtx = &mut inner.vmctx;
        for (index, segment) in parsed.elements.iter().enumerate() {
            let Some(offset) = segment.offset else {
                continue;
            };
            inner.dropped_elements[index] = true;
            let start = inner.eval(offset) as u32 as usize;
            let Some(table) = &inner.table else {
                return Err(InstantiationError::Segment(TrapKind::TableOutOfBounds));
            };
            // SAFETY: this thread holds the table's claim (checked when the
            // instance was made), or the table is this instance's alone.
            let entries = unsafe { table.entries() };
            let slots = start
                .checked_add(segment.funcs.len())
                .and_then(|end| entries.get_mut(start..end))
                .ok_or(InstantiationError::Segment(TrapKind::TableOutOfBounds))?;
            inner.wrote_table |= !slots.is_empty();
            for (slot, &func) in slots.iter_mut().zip(&segment.funcs) {
                *slot = table_entry(&module, own, func);
            }
        }
        for (index, segment) in parsed.data.iter().enumerate() {
            let Some(offset) = segment.offset else {
                continue;
            };
            let start = inner.eval(offset) as u32 as usize;
            let Some(memory) = inner.linear_memory() else {
                return Err(InstantiationError::Segment(TrapKind::MemoryOutOfBounds));
            };
            let dst = start
                .checked_add(segment.bytes.len())
                .and_then(|end| memory.data_mut().get_mut(start..end))
                .ok_or(InstantiationError::Segment(TrapKind::MemoryOutOfBounds))?;
            dst.copy_from_slice(&segment.bytes);
            inner.dropped[index] = true;
        }
        Ok(())
    }

    /// Instantiation failed: if the instance wrote its functions into a
    /// table it shares, the table keeps it (they stay callable).
    fn orphan(self) {
        let inner = self.inner();
        let Some(table) = inner.table.clone() else {
            return;
        };
        if Arc::strong_count(&table) <= 2 {
            return; // Only this instance (and the clone) use it.
        }
        let own: *const VmCtx = &inner.vmctx;
        // SAFETY: claimed at instantiation; read only.
        let wrote = unsafe { table.entries() }
            .iter()
            .any(|e| std::ptr::eq(e.vmctx, own));
        if wrote {
            // The table outlives the instance now: drop the instance's
            // reference to it (no cycle), keep `vmctx.table`.
            // SAFETY: no call runs; this is the only handle.
            unsafe { (*self.ptr.inner()).table = None };
            table.adopt(self.ptr.clone());
        }
    }

    /// An export of this instance, to import into another
    /// ([`Imports::define`]). From then on the instance shares state and
    /// runs only on the thread that first runs it or one sharing with it.
    ///
    /// `None` for the metering's own globals (gas and stack height): they
    /// are this instance's account, which calls set and read
    /// ([`Instance::set_gas`], [`Instance::gas_left`],
    /// [`Instance::stack_height`]); shared, a cell synchronised at entries
    /// would write an older value back over the account.
    pub fn export(&mut self, name: &str) -> Option<Extern> {
        if !self.owned() {
            return None;
        }
        let module = self.inner().module.clone();
        let info = &module.inner.info;
        let export = info.export(name)?;
        let index = export.index;
        let injected = &info.injected;
        if export.kind == ExportKind::Global
            && (index == injected.gas_global || index == injected.stack_global)
        {
            return None;
        }
        let item = match export.kind {
            ExportKind::Func => {
                let entry = module
                    .inner
                    .entries
                    .iter()
                    .find(|&&(i, _)| i == index)
                    .map(|&(_, offset)| offset)?;
                Extern::Func(Func {
                    instance: self.ptr.clone(),
                    entry,
                    sig: info.func_sig(index)?.clone(),
                })
            }
            ExportKind::Memory => Extern::Memory(Memory(self.inner().memory.clone()?)),
            ExportKind::Table => Extern::Table(Table(self.inner().table.clone()?)),
            ExportKind::Global => {
                let sig = *info.globals.get(index as usize)?;
                let inner = self.inner_mut();
                if let Some((_, cell)) = inner.shared_globals.iter().find(|(i, _)| *i == index) {
                    return Some(Extern::Global(Global(cell.clone())));
                }
                let cell = Arc::new(GlobalCell {
                    value: std::sync::atomic::AtomicI64::new(inner.global_value(index)),
                    ty: sig.ty,
                    mutable: sig.mutable,
                });
                if sig.mutable {
                    inner.shared_globals.push((index, cell.clone()));
                }
                Extern::Global(Global(cell))
            }
        };
        self.inner_mut().shared = true;
        Some(item)
    }

    /// Whether this thread may use the instance: it shares nothing, or
    /// this thread holds (or now takes) its claims. Decided before any
    /// reference to the instance is made: the thread that holds them may
    /// be running it.
    fn owned(&self) -> bool {
        // SAFETY: the instance is live; `shared` is written only through
        // `&mut Instance` after this check passed.
        unsafe { InstanceInner::claim_raw(self.ptr.inner()) }
    }

    fn inner(&self) -> &InstanceInner {
        // SAFETY: `ptr` is valid for the instance's lifetime. A call of
        // this instance may be suspended in a host function that holds
        // this handle, but no reference to the instance lives across it:
        // libcalls make theirs for their own steps, the host's `Caller`
        // reaches the gas slot by raw pointer and holds the memory, which
        // the accessors then refuse (`MemoryCell::lent`).
        unsafe { &*self.ptr.inner() }
    }

    fn inner_mut(&mut self) -> &mut InstanceInner {
        // SAFETY: as in `inner`, with exclusive access through `&mut self`
        // for as long as the reference lives.
        unsafe { &mut *self.ptr.inner() }
    }

    /// Calls the exported function `name`. Imports routed with
    /// [`Imports::dispatch`] fail with [`Trap::Host`]: use
    /// [`Instance::call_with`].
    pub fn call(&mut self, name: &str, args: &[Value]) -> Result<Vec<Value>, Trap> {
        self.invoke(name, args, None, 0)
    }

    /// Calls the exported function `name` with `host` serving the
    /// dispatched imports, the stack height starting at `stack_base`
    /// (0 for a call from outside; [`Caller::stack_height`] for a nested
    /// call, so that the deterministic limit bounds the whole call tree).
    pub fn call_with(
        &mut self,
        name: &str,
        args: &[Value],
        host: &mut dyn Host,
        stack_base: u32,
    ) -> Result<Vec<Value>, Trap> {
        let host: NonNull<dyn Host + '_> = NonNull::from(host);
        // SAFETY: only the lifetime is erased; `invoke` clears the pointer
        // before returning, while `host` is still borrowed.
        let host: NonNull<dyn Host> = unsafe { std::mem::transmute(host) };
        self.invoke(name, args, Some(host), stack_base)
    }

    /// Calls `func` (resolved once with [`Module::export_func`]) and writes
    /// its results into `results`, which must have one slot per result:
    /// the call path without a lookup by name or an allocation.
    pub fn call_func(
        &mut self,
        func: &ExportFunc,
        args: &[Value],
        results: &mut [Value],
    ) -> Result<(), Trap> {
        self.run(self.resolved(func)?, args, None, 0, results)
    }

    /// [`Instance::call_func`] with a [`Host`] and a stack base, as
    /// [`Instance::call_with`].
    pub fn call_func_with(
        &mut self,
        func: &ExportFunc,
        args: &[Value],
        results: &mut [Value],
        host: &mut dyn Host,
        stack_base: u32,
    ) -> Result<(), Trap> {
        let host: NonNull<dyn Host + '_> = NonNull::from(host);
        // SAFETY: only the lifetime is erased; `run` clears the pointer
        // before returning, while `host` is still borrowed.
        let host: NonNull<dyn Host> = unsafe { std::mem::transmute(host) };
        let func = self.resolved(func)?;
        self.run(func, args, Some(host), stack_base, results)
    }

    /// `func`'s call data, if it belongs to this instance's module.
    #[inline(always)]
    fn resolved<'a>(&self, func: &'a ExportFunc) -> Result<Resolved<'a>, Trap> {
        if !self.owned() {
            return Err(shared_elsewhere());
        }
        if !Arc::ptr_eq(&func.module, &self.inner().module.inner) {
            return Err(Trap::NoSuchExport(func.name.to_string()));
        }
        Ok(Resolved {
            module: &func.module,
            name: &func.name,
            ty: func.ty,
            entry: func.entry,
        })
    }

    fn invoke(
        &mut self,
        name: &str,
        args: &[Value],
        host: Option<NonNull<dyn Host>>,
        stack_base: u32,
    ) -> Result<Vec<Value>, Trap> {
        if !self.owned() {
            return Err(shared_elsewhere());
        }
        // SAFETY: the instance holds its module for its whole life and
        // never replaces it; `run` does not touch `InstanceInner::module`.
        let module: &ModuleInner = unsafe { &*Arc::as_ptr(&self.inner().module.inner) };
        let no_such = || Trap::NoSuchExport(name.to_string());
        let (ty, entry) = module.export_entry(name).ok_or_else(no_such)?;
        let func = Resolved {
            module,
            name,
            ty,
            entry,
        };
        let mut results = [Value::I32(0); INLINE_SLOTS];
        let mut spilled = Vec::new();
        let count = module.info.types[ty as usize].results.len();
        let out: &mut [Value] = if count <= INLINE_SLOTS {
            &mut results[..count]
        } else {
            spilled.resize(count, Value::I32(0));
            &mut spilled
        };
        self.run(func, args, host, stack_base, out)?;
        Ok(out.to_vec())
    }

    fn run(
        &mut self,
        func: Resolved<'_>,
        args: &[Value],
        host: Option<NonNull<dyn Host>>,
        stack_base: u32,
        results: &mut [Value],
    ) -> Result<(), Trap> {
        let module = func.module;
        let sig = &module.info.types[func.ty as usize];
        if sig.params.len() != args.len()
            || sig.params.iter().zip(args).any(|(&t, a)| a.ty() != t)
            || results.len() != sig.results.len()
        {
            return Err(Trap::BadArguments(func.name.to_string()));
        }
        // Argument and result slots: on the stack for the common case.
        let slots = sig.params.len().max(sig.results.len()).max(1);
        let mut inline = [0u64; INLINE_SLOTS];
        let mut spilled = Vec::new();
        let values: &mut [u64] = if slots <= INLINE_SLOTS {
            &mut inline[..slots]
        } else {
            spilled.resize(slots, 0);
            &mut spilled
        };
        for (slot, arg) in values.iter_mut().zip(args.iter()) {
            *slot = arg.as_i64() as u64;
        }
        // The metering contract: the height starts at 0 for every call
        // from outside, and where the caller was for a nested one.
        let inner = self.inner_mut();
        if inner.running > 0 {
            return Err(Trap::Host(
                "the instance is in a call already: a host function called it again".into(),
            ));
        }
        if inner.shared {
            if !inner.claim() {
                return Err(shared_elsewhere());
            }
            if inner.memory_lent() {
                return Err(memory_lent());
            }
            inner.sync_in();
        }
        inner.vmctx.stack_height = i64::from(stack_base.min(i32::MAX as u32));
        inner.pending = None;
        inner.dispatcher = host;
        inner.running += 1;

        let addr = module.code.addr(func.entry);
        // SAFETY: `addr` is the start of an entry trampoline in the module's
        // executable code (the handle's module is this instance's),
        // compiled with exactly this signature.
        let trampoline: Trampoline = unsafe { std::mem::transmute::<*const u8, Trampoline>(addr) };
        // SAFETY: `ptr` is valid; no reference to the instance is held
        // across the call (libcalls make their own from `vmctx.instance`).
        let vmctx: *mut VmCtx = unsafe { std::ptr::addr_of_mut!((*self.ptr.inner()).vmctx) };
        // SAFETY: the context belongs to this instance and is initialised;
        // `values` holds max(params, results) slots; we hold `&mut self`, so
        // nothing else touches the instance during the call.
        let code = unsafe {
            unwind::enter(
                trampoline,
                vmctx,
                values.as_mut_ptr(),
                module.native_stack_bytes,
            )
        };
        let inner = self.inner_mut();
        inner.dispatcher = None;
        inner.running -= 1;
        if inner.shared {
            inner.sync_out();
        }
        match code {
            0 => {
                for ((out, &ty), &v) in results.iter_mut().zip(&sig.results).zip(values.iter()) {
                    *out = match ty {
                        ValType::I32 => Value::I32(v as i32),
                        ValType::I64 => Value::I64(v as i64),
                    };
                }
                Ok(())
            }
            CODE_NATIVE_STACK => Err(Trap::NativeStackExhausted),
            CODE_HOST => Err(self
                .inner_mut()
                .pending
                .take()
                .unwrap_or_else(|| Trap::Host("host error without a trap".into()))),
            other => Err(TrapKind::from_code(other)
                .map(Trap::Wasm)
                .unwrap_or_else(|| Trap::Host(format!("unknown trap code {other}")))),
        }
    }

    /// The module this is an instance of.
    pub fn module(&self) -> &Module {
        // SAFETY: the field is set at instantiation and never written
        // again, so it is read without a reference to the instance (which
        // another thread may be running).
        unsafe { &*std::ptr::addr_of!((*self.ptr.inner()).module) }
    }

    /// Sets the gas left (at most `i64::MAX`).
    ///
    /// Between calls, the next call starts with it. From a host function
    /// serving this instance's call, the call goes on with it after the
    /// host function returns (as a host's own charge would); while the
    /// instance waits on a call into another instance (a shared table or
    /// an imported function), that call's return gives it back the gas
    /// the other instance left, and this setting is lost.
    ///
    /// No effect on a thread that may not use the instance (see
    /// [`Instance`]).
    pub fn set_gas(&mut self, gas: u64) {
        if self.owned() {
            let gas = gas.min(i64::MAX as u64) as i64;
            // SAFETY: the context's gas pointer is the gas global's slot
            // in this instance's globals (set at instantiation, never null,
            // as `Caller` and the import wrappers use it); through `&mut
            // self` nothing else uses the instance. One load fewer than
            // `gas_slot`, whose index and globals come from the module,
            // on the way into every call.
            unsafe { *self.inner_mut().vmctx.gas = gas };
        }
    }

    /// The gas global: the gas left, or `-1` after out of gas (0 on a
    /// thread that may not use the instance).
    pub fn gas_left(&self) -> i64 {
        if !self.owned() {
            return 0;
        }
        self.inner().gas()
    }

    /// The stack-height global (`-1` after a stack overflow; 0 on a
    /// thread that may not use the instance).
    pub fn stack_height(&self) -> i32 {
        if !self.owned() {
            return 0;
        }
        self.inner().vmctx.stack_height as i32
    }

    /// Global `index` (`None` on a thread that may not use the instance).
    pub fn global(&self, index: u32) -> Option<Value> {
        if !self.owned() {
            return None;
        }
        let ty = self
            .inner()
            .module
            .inner
            .info
            .globals
            .get(index as usize)?
            .ty;
        let inner = self.inner();
        let raw = match inner.shared_globals.iter().find(|(i, _)| *i == index) {
            // Another instance may have set it since this one last ran.
            Some((_, cell)) => cell.value.load(Ordering::Relaxed),
            None => inner.global_value(index),
        };
        Some(match ty {
            ValType::I32 => Value::I32(raw as i32),
            ValType::I64 => Value::I64(raw),
        })
    }

    /// The exported global `name`.
    pub fn exported_global(&self, name: &str) -> Option<Value> {
        let export = self.module().inner.info.export(name)?;
        (export.kind == ExportKind::Global).then(|| self.global(export.index))?
    }

    /// The accessible linear memory (empty without one).
    ///
    /// Empty while a host function runs with a [`Caller`] over this
    /// memory (this instance's, or one sharing the memory: the caller's
    /// view is the one access then), and if the memory is shared with
    /// instances another thread runs.
    pub fn memory(&self) -> &[u8] {
        if !self.owned() {
            return &[];
        }
        let inner = self.inner();
        match &inner.memory {
            // SAFETY: this thread holds the memory's claim (or nothing else
            // uses it), no caller view has it, and the slice borrows
            // `self`: no call runs while it lives (other threads with
            // `&Instance` only read too).
            Some(m) if !m.lent() && (!inner.shared || m.claim.check()) => {
                unsafe { m.get_ref() }.data()
            }
            _ => &[],
        }
    }

    /// The accessible linear memory, writable; empty when
    /// [`Instance::memory`] is.
    pub fn memory_mut(&mut self) -> &mut [u8] {
        if !self.owned() {
            return &mut [];
        }
        let inner = self.inner_mut();
        match &inner.memory {
            Some(m) if !m.lent() && (!inner.shared || m.claim.check()) => {}
            _ => return &mut [],
        }
        inner.linear_memory().map_or(&mut [], |m| m.data_mut())
    }
}

fn shared_elsewhere() -> Trap {
    Trap::Host("the instance shares state with instances another thread runs".into())
}

/// Entering an instance whose memory a host function's [`Caller`] holds:
/// its code could write under the host function's view.
pub(crate) fn memory_lent() -> Trap {
    Trap::Host(
        "the instance's memory is held by a running host function (a Caller over a shared memory)"
            .into(),
    )
}

/// The table entry of function `func` (or null) of `module`'s instance
/// with context `vmctx`.
pub(crate) fn table_entry(module: &Module, vmctx: *mut VmCtx, func: Option<u32>) -> TableEntry {
    let inner = &module.inner;
    match func {
        Some(f) => TableEntry {
            func: inner.code.addr(inner.function_offsets[f as usize]),
            vmctx,
            sig: inner.sig_ids[inner.info.functions[f as usize] as usize],
            func_index: f,
        },
        None => TableEntry::NULL,
    }
}

/// An `i32` global keeps its value in the low half of its slot.
fn normalize(ty: ValType, value: i64) -> i64 {
    match ty {
        ValType::I32 => i64::from(value as i32),
        ValType::I64 => value,
    }
}
