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
use std::sync::Arc;

use gasket_metering::{ExportKind, ImportKind, START_EXPORT, ValType};

use super::libcalls;
use super::memory::LinearMemory;
use super::unwind::{self, Trampoline};
use super::vmctx::{TableEntry, VmCtx};
use crate::error::InstantiationError;
use crate::module::{ConstExpr, Module};
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
    /// arguments (`i32` sign-extended); `results` has one slot per result.
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
}

/// What the embedder supplies to instantiation.
#[derive(Default)]
pub struct Imports {
    funcs: HashMap<(String, String), HostImport>,
    globals: HashMap<(String, String), i64>,
}

impl std::fmt::Debug for Imports {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Imports")
            .field("funcs", &self.funcs.keys().collect::<Vec<_>>())
            .field("globals", &self.globals)
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

    /// Supplies the value of the imported global `module.name` (default 0).
    pub fn global(&mut self, module: &str, name: &str, value: i64) -> &mut Self {
        self.globals
            .insert((module.to_string(), name.to_string()), value);
        self
    }
}

/// What a host function sees of its caller: bounds-checked memory, gas
/// and the stack height.
pub struct Caller<'a> {
    memory: &'a mut [u8],
    gas: &'a mut i64,
    stack_height: i64,
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
    pub fn read(&self, ptr: u32, len: u32) -> Result<&[u8], Trap> {
        let start = ptr as usize;
        let end = start + len as usize;
        self.memory
            .get(start..end)
            .ok_or(Trap::Wasm(TrapKind::MemoryOutOfBounds))
    }

    /// Writes `data` at `ptr`; out of bounds is `MemoryOutOfBounds`.
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
    pub fn gas_left(&self) -> i64 {
        *self.gas
    }

    /// Charges `amount` with the semantics of the metering helper: if less
    /// is left, gas becomes `-1` and the result is `OutOfGas`.
    pub fn charge_gas(&mut self, amount: u64) -> Result<(), Trap> {
        if (*self.gas as u64) < amount {
            *self.gas = -1;
            return Err(Trap::Wasm(TrapKind::OutOfGas));
        }
        *self.gas = (*self.gas as u64 - amount) as i64;
        Ok(())
    }
}

pub(crate) struct InstanceInner {
    /// Must stay first-class in this boxed struct: generated code holds its
    /// address during a call.
    pub vmctx: VmCtx,
    pub module: Module,
    pub memory: Option<LinearMemory>,
    pub globals: Box<[i64]>,
    pub table: Box<[TableEntry]>,
    pub host: Vec<Option<HostImport>>,
    /// The [`Host`] of the running call, if it was given one. Its lifetime
    /// is erased: it is set by `call_with` and cleared before that returns.
    pub dispatcher: Option<NonNull<dyn Host>>,
    /// Dropped data segments (`data.drop`, and active ones after
    /// instantiation).
    pub dropped: Vec<bool>,
    /// The error of a host function, taken when the call unwinds.
    pub pending: Option<Trap>,
}

impl InstanceInner {
    pub(crate) fn memory_grow(&mut self, delta: u32) -> i32 {
        let Some(memory) = self.memory.as_mut() else {
            return -1;
        };
        let old = memory.grow(delta);
        self.vmctx.memory_len = memory.len();
        old
    }

    /// The host function of import `index`, the running call's
    /// dispatcher, and a caller view.
    pub(crate) fn host_and_caller(
        &mut self,
        index: usize,
    ) -> (Option<&HostImport>, Option<NonNull<dyn Host>>, Caller<'_>) {
        let injected = &self.module.inner.info.injected;
        let (gas_index, stack_index) = (injected.gas_global as usize, injected.stack_global);
        let stack_height = self.globals[stack_index as usize];
        let memory: &mut [u8] = match self.memory.as_mut() {
            Some(m) => m.data_mut(),
            None => &mut [],
        };
        let caller = Caller {
            memory,
            gas: &mut self.globals[gas_index],
            stack_height: i64::from(stack_height as i32),
        };
        (
            self.host.get(index).and_then(Option::as_ref),
            self.dispatcher,
            caller,
        )
    }

    fn eval(&self, expr: ConstExpr) -> i64 {
        match expr {
            ConstExpr::I32(v) => i64::from(v),
            ConstExpr::I64(v) => v,
            ConstExpr::Global(g) => self.globals.get(g as usize).copied().unwrap_or(0),
        }
    }
}

/// An instance of a [`Module`]. Runs on any thread (one at a time).
pub struct Instance {
    /// A leaked `Box<InstanceInner>`, freed in `Drop`. A raw pointer rather
    /// than a `Box`: generated code and libcalls reach the same allocation
    /// through `vmctx.instance` while a call runs, which a `Box`'s
    /// uniqueness would forbid.
    ptr: NonNull<InstanceInner>,
}

impl Drop for Instance {
    fn drop(&mut self) {
        // SAFETY: `ptr` came from `Box::leak` in `Instance::new` and is
        // freed only here; no call is running (we have `&mut self`).
        drop(unsafe { Box::from_raw(self.ptr.as_ptr()) });
    }
}

// SAFETY: the raw pointers in the VM context point into the instance's own
// heap allocations (memory, globals, table, the box itself) and into the
// module's code, which it keeps alive; host functions are `Send + Sync`.
// Nothing is shared with another instance.
unsafe impl Send for Instance {}

impl std::fmt::Debug for Instance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Instance")
            .field("globals", &self.inner().globals)
            .finish_non_exhaustive()
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
        if module.inner.info.export(START_EXPORT).is_some() {
            instance
                .call(START_EXPORT, &[])
                .map_err(InstantiationError::Start)?;
        }
        Ok(instance)
    }

    /// Instantiates `module` like [`Instance::new`] but leaves gas at 0 and
    /// does not run `__gasket_start`: an embedder whose start function may
    /// reach dispatched imports, or who needs the gas left after a trap in
    /// it, calls that export itself ([`Instance::call_with`]).
    pub fn new_unstarted(
        module: &Module,
        imports: Imports,
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
        let mut globals = Vec::with_capacity(info.globals.len());
        for import in &info.imports {
            let key = (import.module.clone(), import.name.clone());
            match import.kind {
                ImportKind::Func(_) => {
                    // A function may be imported more than once.
                    let f = imports.funcs.get(&key).cloned().ok_or_else(|| {
                        InstantiationError::MissingImport {
                            module: import.module.clone(),
                            name: import.name.clone(),
                        }
                    })?;
                    host.push(Some(f));
                }
                ImportKind::Global(_) => {
                    globals.push(imports.globals.get(&key).copied().unwrap_or(0))
                }
                ImportKind::Memory(_) | ImportKind::Table(_) => {}
            }
        }
        let memory = match info.memory {
            Some(limits) => Some(LinearMemory::new(limits.initial, limits.maximum).ok_or(
                InstantiationError::Memory {
                    pages: limits.maximum,
                },
            )?),
            None => None,
        };
        let table_len = info.table.map_or(0, |t| t.initial) as usize;
        let mut inner = Box::new(InstanceInner {
            vmctx: VmCtx {
                jmp_buf: std::ptr::null_mut(),
                trap_code: 0,
                memory_base: std::ptr::null_mut(),
                memory_len: 0,
                globals: std::ptr::null_mut(),
                table: std::ptr::null(),
                table_len: table_len as u64,
                stack_limit: 0,
                instance: std::ptr::null_mut(),
                libcalls: libcalls::table(),
            },
            module: module.clone(),
            memory,
            globals: Box::new([]),
            table: vec![TableEntry::NULL; table_len].into_boxed_slice(),
            host,
            dispatcher: None,
            dropped: vec![false; parsed.data.len()],
            pending: None,
        });
        // Defined globals, in order (a const expr may read imported ones).
        let mut all = globals;
        all.resize(info.globals.len(), 0);
        inner.globals = all.into_boxed_slice();
        let imported_globals = info.globals.len() - parsed.globals.len();
        for (i, &expr) in parsed.globals.iter().enumerate() {
            let value = inner.eval(expr);
            let ty = info.globals[imported_globals + i].ty;
            inner.globals[imported_globals + i] = normalize(ty, value);
        }
        // Elements.
        let code = &module.inner.code;
        for segment in &parsed.elements {
            let Some(offset) = segment.offset else {
                continue;
            };
            let start = inner.eval(offset) as u32 as usize;
            let end = start + segment.funcs.len();
            if end > inner.table.len() {
                return Err(InstantiationError::Segment(TrapKind::TableOutOfBounds));
            }
            for (slot, func) in inner.table[start..end].iter_mut().zip(&segment.funcs) {
                *slot = match func {
                    Some(f) => TableEntry {
                        func: code.addr(module.inner.function_offsets[*f as usize]),
                        sig: module.inner.sig_ids[info.functions[*f as usize] as usize],
                        _pad: 0,
                    },
                    None => TableEntry::NULL,
                };
            }
        }
        // Data.
        for (index, segment) in parsed.data.iter().enumerate() {
            let Some(offset) = segment.offset else {
                continue;
            };
            let start = inner.eval(offset) as u32 as usize;
            let Some(memory) = inner.memory.as_mut() else {
                return Err(InstantiationError::Segment(TrapKind::MemoryOutOfBounds));
            };
            let dst = memory
                .data_mut()
                .get_mut(start..start + segment.bytes.len())
                .ok_or(InstantiationError::Segment(TrapKind::MemoryOutOfBounds))?;
            dst.copy_from_slice(&segment.bytes);
            inner.dropped[index] = true;
        }
        // The context: everything is in place, take the addresses.
        let ptr = NonNull::from(Box::leak(inner));
        // SAFETY: just leaked, not yet shared.
        let inner = unsafe { &mut *ptr.as_ptr() };
        inner.vmctx.instance = ptr.as_ptr().cast();
        inner.vmctx.globals = inner.globals.as_mut_ptr();
        inner.vmctx.table = inner.table.as_ptr();
        if let Some(memory) = inner.memory.as_mut() {
            inner.vmctx.memory_base = memory.base();
            inner.vmctx.memory_len = memory.len();
        }
        Ok(Instance { ptr })
    }

    fn inner(&self) -> &InstanceInner {
        // SAFETY: `ptr` is valid for the instance's lifetime; shared access
        // through `&self` while no call runs.
        unsafe { self.ptr.as_ref() }
    }

    fn inner_mut(&mut self) -> &mut InstanceInner {
        // SAFETY: as in `inner`, with exclusive access through `&mut self`.
        unsafe { self.ptr.as_mut() }
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

    fn invoke(
        &mut self,
        name: &str,
        args: &[Value],
        host: Option<NonNull<dyn Host>>,
        stack_base: u32,
    ) -> Result<Vec<Value>, Trap> {
        let module = self.inner().module.clone();
        let info = &module.inner.info;
        let index = match info.export(name) {
            Some(e) if e.kind == ExportKind::Func => e.index,
            _ => return Err(Trap::NoSuchExport(name.to_string())),
        };
        let sig = info
            .func_sig(index)
            .ok_or_else(|| Trap::NoSuchExport(name.to_string()))?;
        if sig.params.len() != args.len() || sig.params.iter().zip(args).any(|(&t, a)| a.ty() != t)
        {
            return Err(Trap::BadArguments(name.to_string()));
        }
        let entry = module
            .inner
            .entries
            .iter()
            .find(|&&(i, _)| i == index)
            .map(|&(_, offset)| offset)
            .ok_or_else(|| Trap::NoSuchExport(name.to_string()))?;
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
        let stack = info.injected.stack_global as usize;
        let inner = self.inner_mut();
        inner.globals[stack] = i64::from(stack_base.min(i32::MAX as u32));
        inner.pending = None;
        inner.dispatcher = host;

        let addr = module.inner.code.addr(entry);
        // SAFETY: `addr` is the start of an entry trampoline in the module's
        // executable code, compiled with exactly this signature.
        let trampoline: Trampoline = unsafe { std::mem::transmute::<*const u8, Trampoline>(addr) };
        // SAFETY: `ptr` is valid; no reference to the instance is held
        // across the call (libcalls make their own from `vmctx.instance`).
        let vmctx: *mut VmCtx = unsafe { std::ptr::addr_of_mut!((*self.ptr.as_ptr()).vmctx) };
        // SAFETY: the context belongs to this instance and is initialised;
        // `values` holds max(params, results) slots; we hold `&mut self`, so
        // nothing else touches the instance during the call.
        let code = unsafe {
            unwind::enter(
                trampoline,
                vmctx,
                values.as_mut_ptr(),
                module.inner.native_stack_bytes,
            )
        };
        self.inner_mut().dispatcher = None;
        match code {
            0 => Ok(sig
                .results
                .iter()
                .zip(values.iter().copied())
                .map(|(&ty, v)| match ty {
                    ValType::I32 => Value::I32(v as i32),
                    ValType::I64 => Value::I64(v as i64),
                })
                .collect()),
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

    /// Sets the gas left (at most `i64::MAX`).
    pub fn set_gas(&mut self, gas: u64) {
        let index = self.inner().module.inner.info.injected.gas_global as usize;
        self.inner_mut().globals[index] = gas.min(i64::MAX as u64) as i64;
    }

    /// The gas global: the gas left, or `-1` after out of gas.
    pub fn gas_left(&self) -> i64 {
        let index = self.inner().module.inner.info.injected.gas_global as usize;
        self.inner().globals[index]
    }

    /// The stack-height global (`-1` after a stack overflow).
    pub fn stack_height(&self) -> i32 {
        let index = self.inner().module.inner.info.injected.stack_global as usize;
        self.inner().globals[index] as i32
    }

    /// Global `index`.
    pub fn global(&self, index: u32) -> Option<Value> {
        let ty = self
            .inner()
            .module
            .inner
            .info
            .globals
            .get(index as usize)?
            .ty;
        let raw = self.inner().globals[index as usize];
        Some(match ty {
            ValType::I32 => Value::I32(raw as i32),
            ValType::I64 => Value::I64(raw),
        })
    }

    /// The exported global `name`.
    pub fn exported_global(&self, name: &str) -> Option<Value> {
        let export = self.inner().module.inner.info.export(name)?;
        (export.kind == ExportKind::Global).then(|| self.global(export.index))?
    }

    /// The accessible linear memory (empty without one).
    pub fn memory(&self) -> &[u8] {
        self.inner().memory.as_ref().map_or(&[], |m| m.data())
    }

    /// The accessible linear memory, writable.
    pub fn memory_mut(&mut self) -> &mut [u8] {
        match self.inner_mut().memory.as_mut() {
            Some(m) => m.data_mut(),
            None => &mut [],
        }
    }
}

/// An `i32` global keeps its value in the low half of its slot.
fn normalize(ty: ValType, value: i64) -> i64 {
    match ty {
        ValType::I32 => i64::from(value as i32),
        ValType::I64 => value,
    }
}
