//! The Rust functions generated code calls through the VM context.
//!
//! Each that can fail returns a status (0 or a trap code) instead of
//! unwinding: generated code raises the trap itself, so no Rust frame is
//! ever between the entry `setjmp` and a `longjmp` (see [`super::unwind`]).
//! `memory_copy` and `memory_fill` cannot fail and return nothing: they
//! write ranges the generated code has checked. None of them may panic
//! across the `extern "C"` boundary: host functions run under
//! `catch_unwind`, everything else is bounds-checked arithmetic.
#![allow(unsafe_code)]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr::NonNull;

use super::instance::{Host, HostImport, ImportSite, InstanceInner, table_entry};
use super::vmctx::{LIBCALL_COUNT, Libcall, TableEntry, VmCtx};
use crate::trap::{CODE_HOST, Trap, TrapKind};

/// The libcall table stored in every VM context, in [`Libcall`] order.
pub(crate) fn table() -> [usize; LIBCALL_COUNT] {
    let mut t = [0usize; LIBCALL_COUNT];
    t[Libcall::RaiseTrap as usize] = super::unwind::gasket_raise_trap as *const () as usize;
    t[Libcall::MemoryGrow as usize] = memory_grow as *const () as usize;
    t[Libcall::MemoryCopy as usize] = memory_copy as *const () as usize;
    t[Libcall::MemoryFill as usize] = memory_fill as *const () as usize;
    t[Libcall::MemoryInit as usize] = memory_init as *const () as usize;
    t[Libcall::DataDrop as usize] = data_drop as *const () as usize;
    t[Libcall::HostCall as usize] = host_call as *const () as usize;
    t[Libcall::CallIndirect as usize] = call_indirect as *const () as usize;
    t[Libcall::TableInit as usize] = table_init as *const () as usize;
    t[Libcall::ElemDrop as usize] = elem_drop as *const () as usize;
    t[Libcall::TableCopy as usize] = table_copy as *const () as usize;
    t
}

/// The instance that owns `vmctx`.
///
/// # Safety
///
/// `vmctx` must be the context of a live instance, called from its own
/// generated code (which runs only inside `Instance::call`, on the thread
/// that holds `&mut Instance`).
unsafe fn instance<'a>(vmctx: *mut VmCtx) -> &'a mut InstanceInner {
    // SAFETY: see the function's contract; `instance` points to the boxed
    // InstanceInner that contains this very VmCtx.
    unsafe { &mut *((*vmctx).instance as *mut InstanceInner) }
}

const OOB: u32 = 4; // TrapKind::MemoryOutOfBounds.code(), checked below.
const _: () = assert!(TrapKind::MemoryOutOfBounds as u32 + 1 == OOB);

fn range(start: u32, len: u32, size: u64) -> Option<std::ops::Range<usize>> {
    let end = u64::from(start) + u64::from(len);
    (end <= size).then_some(start as usize..end as usize)
}

extern "C" fn memory_grow(vmctx: *mut VmCtx, delta: u32) -> u32 {
    // SAFETY: called by generated code of this instance (libcall contract).
    let inst = unsafe { instance(vmctx) };
    inst.memory_grow(delta) as u32
}

/// `memory.copy` of ranges the generated code has checked (both within
/// the memory length it holds): a `memmove`, which cannot fail.
extern "C" fn memory_copy(vmctx: *mut VmCtx, dst: u32, src: u32, len: u32) {
    // SAFETY: called by generated code of this instance, which checked
    // `dst + len` and `src + len` against the memory length (libcall
    // contract; a debug build aborts here if not, a translator bug); the
    // memory is reserved up front and never moves, and `ptr::copy` allows
    // overlapping ranges.
    unsafe {
        debug_assert!(
            u64::from(dst.max(src)) + u64::from(len) <= (*vmctx).memory_len,
            "memory.copy of unchecked ranges"
        );
        let base = (*vmctx).memory_base;
        std::ptr::copy(base.add(src as usize), base.add(dst as usize), len as usize);
    }
}

/// `memory.fill` of a range the generated code has checked.
extern "C" fn memory_fill(vmctx: *mut VmCtx, dst: u32, value: u32, len: u32) {
    // A 0-byte fill must not reach `memset`: glibc's AVX-512 version
    // does an all-masked store, which costs ~180 ns of microcode assist
    // when the page was never touched (36 gas; benches/README.md).
    if len == 0 {
        return;
    }
    // SAFETY: as in `memory_copy`: `dst + len` is within the memory.
    unsafe {
        debug_assert!(
            u64::from(dst) + u64::from(len) <= (*vmctx).memory_len,
            "memory.fill of an unchecked range"
        );
        let base = (*vmctx).memory_base;
        std::ptr::write_bytes(base.add(dst as usize), value as u8, len as usize);
    }
}

extern "C" fn memory_init(vmctx: *mut VmCtx, segment: u32, dst: u32, src: u32, len: u32) -> u32 {
    // SAFETY: as in memory_grow.
    let inst = unsafe { instance(vmctx) };
    let module = inst.module.clone();
    let Some(data) = module.inner.parsed.data.get(segment as usize) else {
        return OOB;
    };
    let bytes: &[u8] = if inst.dropped.get(segment as usize).copied().unwrap_or(true) {
        &[]
    } else {
        &data.bytes
    };
    let Some(memory) = inst.linear_memory() else {
        return OOB;
    };
    match (
        range(dst, len, memory.len()),
        range(src, len, bytes.len() as u64),
    ) {
        (Some(d), Some(s)) => {
            memory.data_mut()[d].copy_from_slice(&bytes[s]);
            0
        }
        _ => OOB,
    }
}

extern "C" fn data_drop(vmctx: *mut VmCtx, segment: u32) {
    // SAFETY: as in memory_grow.
    let inst = unsafe { instance(vmctx) };
    if let Some(d) = inst.dropped.get_mut(segment as usize) {
        *d = true;
    }
}

/// The table of the instance running `vmctx` (its own, a shared one, or
/// the one that adopted it).
///
/// # Safety
///
/// As [`instance`]; the table is claimed by this thread or private, and
/// the slice is the only reference to it while it lives.
unsafe fn table_of<'a>(vmctx: *mut VmCtx) -> &'a mut [TableEntry] {
    // SAFETY: the context's table pointer and length describe a live
    // table (see the function's contract).
    unsafe {
        let (base, len) = ((*vmctx).table, (*vmctx).table_len as usize);
        if base.is_null() {
            return &mut [];
        }
        std::slice::from_raw_parts_mut(base.cast_mut(), len)
    }
}

const TABLE_OOB: u32 = TrapKind::TableOutOfBounds.code();

extern "C" fn table_init(vmctx: *mut VmCtx, segment: u32, dst: u32, src: u32, len: u32) -> u32 {
    // SAFETY: as in memory_grow.
    let inst = unsafe { instance(vmctx) };
    let module = inst.module.clone();
    let Some(elements) = module.inner.parsed.elements.get(segment as usize) else {
        return TABLE_OOB;
    };
    let funcs: &[Option<u32>] = if inst
        .dropped_elements
        .get(segment as usize)
        .copied()
        .unwrap_or(true)
    {
        &[]
    } else {
        &elements.funcs
    };
    if len > 0 {
        // Entries with this instance's context may now be in the table.
        inst.wrote_table = true;
    }
    // SAFETY: as in `table_of`; `inst` is not used below.
    let table = unsafe { table_of(vmctx) };
    match (
        range(dst, len, table.len() as u64),
        range(src, len, funcs.len() as u64),
    ) {
        (Some(d), Some(s)) => {
            for (slot, &func) in table[d].iter_mut().zip(&funcs[s]) {
                *slot = table_entry(&module, vmctx, func);
            }
            0
        }
        _ => TABLE_OOB,
    }
}

extern "C" fn elem_drop(vmctx: *mut VmCtx, segment: u32) {
    // SAFETY: as in memory_grow.
    let inst = unsafe { instance(vmctx) };
    if let Some(d) = inst.dropped_elements.get_mut(segment as usize) {
        *d = true;
    }
}

extern "C" fn table_copy(vmctx: *mut VmCtx, dst: u32, src: u32, len: u32) -> u32 {
    // SAFETY: as in `table_of`.
    let table = unsafe { table_of(vmctx) };
    let size = table.len() as u64;
    match (range(dst, len, size), range(src, len, size)) {
        (Some(d), Some(s)) => {
            table.copy_within(s, d.start);
            0
        }
        _ => TABLE_OOB,
    }
}

extern "C" fn host_call(vmctx: *mut VmCtx, import: u32, values: *mut u64) -> u32 {
    let inst = vmctx_instance(vmctx);
    // SAFETY: `inst` called an import on this thread (as in memory_grow).
    match unsafe { InstanceInner::dispatch_site(inst, import) } {
        Some((dispatcher, id, site)) => run_dispatched(inst, dispatcher, id, site, import, values),
        None => host_call_general(vmctx, inst, import, values),
    }
}

/// [`host_call`] of an import the short path does not take: a closure,
/// another instance's export, an instance that shares state, a call
/// without a [`Host`]. Out of line, so that the short path's frame is its
/// own.
#[inline(never)]
fn host_call_general(
    vmctx: *mut VmCtx,
    inst: *mut InstanceInner,
    import: u32,
    values: *mut u64,
) -> u32 {
    let (host, site, shared) = {
        // SAFETY: as in memory_grow; the reference ends before the host
        // function runs (which may reach the instance through its handle).
        // The imports are never changed after instantiation, so `host`
        // stays valid for the call.
        let inst = unsafe { &mut *inst };
        let Some(&site) = inst.import_sites.get(import as usize) else {
            inst.pending = Some(Trap::Host("call to an unknown import".into()));
            return CODE_HOST;
        };
        let host: Option<&HostImport> = inst.host.get(import as usize).and_then(Option::as_ref);
        // SAFETY: as above: a reference into the imports, not the instance.
        let host: Option<&HostImport> = host.map(|h| unsafe { &*(h as *const HostImport) });
        if let Some(HostImport::Instance(func)) = host {
            let func = func.clone();
            // The entry trampoline writes the results from slot 0; the
            // wrapper reads them after the arguments.
            let code = call_into(vmctx, func.instance.inner(), func.entry, values);
            if code == 0 {
                // SAFETY: the wrapper's slot holds `params + results`
                // values (see `wrapper_values`).
                unsafe {
                    std::ptr::copy(
                        values,
                        values.add(site.params as usize),
                        site.results as usize,
                    )
                };
            }
            return code;
        }
        // A host function may run other instances sharing this one's state.
        if inst.shared {
            inst.sync_out();
        }
        (host, site, inst.shared)
    };
    let code = run_host(inst, host, import, site, values);
    if shared {
        // SAFETY: as above, after the host function.
        unsafe { &mut *inst }.sync_in();
    }
    code
}

/// The arguments and the result slots of import wrapper `values` of an
/// import of `site`'s type.
///
/// # Safety
///
/// `values` is the wrapper's stack slot: `site.params` arguments (an
/// `i64` has the same bits as the `u64` there), then `site.results` zeroed
/// result slots, 8 bytes each, which nothing else uses while the host
/// function runs.
#[inline(always)]
unsafe fn wrapper_values<'a>(values: *mut u64, site: ImportSite) -> (&'a [i64], &'a mut [i64]) {
    let (params, results) = (site.params as usize, site.results as usize);
    // SAFETY: the contract; the two ranges are disjoint.
    unsafe {
        (
            std::slice::from_raw_parts(values.cast::<i64>(), params),
            std::slice::from_raw_parts_mut(values.cast::<i64>().add(params), results),
        )
    }
}

/// `module.name` of function import `index`, for an error message.
fn function_import_name(inst: &InstanceInner, index: usize) -> String {
    let info = &inst.module.inner.info;
    info.imports
        .iter()
        .filter(|i| matches!(i.kind, gasket_metering::ImportKind::Func(_)))
        .nth(index)
        .map_or_else(
            || format!("#{index}"),
            |i| format!("{}.{}", i.module, i.name),
        )
}

/// The text a panic carried, if it was a string.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)")
}

/// Runs `host`, import `import` of `inst` (a live instance whose code
/// called it), holding no reference to the instance while it runs.
fn run_host(
    inst: *mut InstanceInner,
    host: Option<&HostImport>,
    import: u32,
    site: ImportSite,
    values: *mut u64,
) -> u32 {
    let mut failed = None;
    let caught = {
        // SAFETY: `values` is the import wrapper's slot for this import.
        let (args, out) = unsafe { wrapper_values(values, site) };
        // SAFETY: `inst` called an import on this thread; the view ends
        // with this block.
        let (dispatcher, mut caller) = unsafe { InstanceInner::caller_view(inst) };
        let mut call = || match host {
            Some(&HostImport::Dispatch(id)) => {
                let Some(mut host) = dispatcher else {
                    return Err(Trap::Host(
                        "a dispatched import needs Instance::call_with".into(),
                    ));
                };
                // SAFETY: `call_with` set the dispatcher from a live
                // `&mut dyn Host` it still borrows, and nothing else uses
                // it while this call runs.
                let host = unsafe { host.as_mut() };
                host.call(id, &mut caller, args, out)
            }
            Some(HostImport::Func(func)) => {
                let values = func(&mut caller, args)?;
                if values.len() != out.len() {
                    return Err(Trap::Host(
                        "host function returned the wrong number of results".into(),
                    ));
                }
                out.copy_from_slice(&values);
                Ok(())
            }
            Some(HostImport::Instance(_)) | None => Err(Trap::Host("missing host function".into())),
        };
        catch_unwind(AssertUnwindSafe(|| outcome_code(call(), &mut failed)))
    };
    finish_host(inst, import, caught, failed)
}

/// The common path of [`host_call`] ([`InstanceInner::dispatch_site`]):
/// dispatched import `import` (the host's function `id`) of `inst`, an
/// instance that shares nothing, whose call was given `dispatcher`.
#[inline(always)]
fn run_dispatched(
    inst: *mut InstanceInner,
    mut dispatcher: NonNull<dyn Host>,
    id: u32,
    site: ImportSite,
    import: u32,
    values: *mut u64,
) -> u32 {
    let mut failed = None;
    let caught = {
        // SAFETY: as in run_host.
        let (args, out) = unsafe { wrapper_values(values, site) };
        // SAFETY: `inst` called an import on this thread and shares no
        // memory; the view ends with this block.
        let mut caller = unsafe { InstanceInner::private_caller(inst) };
        // SAFETY: as in run_host.
        let host = unsafe { dispatcher.as_mut() };
        catch_unwind(AssertUnwindSafe(|| {
            outcome_code(host.call(id, &mut caller, args, out), &mut failed)
        }))
    };
    finish_host(inst, import, caught, failed)
}

/// The wrapper's code for a host function's outcome `result`: 0, a
/// trap's code, or [`CODE_HOST`] with any other error moved to `failed`.
///
/// Matched in place, inside the `catch_unwind`, so that the common path
/// reads only the tag the host function stored. Copied out of
/// `catch_unwind` whole, the outcome was read back in 8-byte words, and a
/// load wider than the store before it waits for that store to retire:
/// every host call stalled on it (read from the compiled code; `Trap`'s
/// layout is rustc's to choose, so this is a matter of speed only).
#[inline(always)]
fn outcome_code(result: Result<(), Trap>, failed: &mut Option<Trap>) -> u32 {
    match result {
        Ok(()) => 0,
        Err(Trap::Wasm(kind)) => kind.code(),
        Err(other) => keep_failure(other, failed),
    }
}

/// [`outcome_code`] of an error that is not a wasm trap, out of line.
#[cold]
#[inline(never)]
fn keep_failure(error: Trap, failed: &mut Option<Trap>) -> u32 {
    *failed = Some(error);
    CODE_HOST
}

/// The wrapper's code for a host call that returned `caught` (from
/// [`outcome_code`], with `failed` the error behind a [`CODE_HOST`]); an
/// error or a panic becomes the instance's pending trap.
#[inline(always)]
fn finish_host(
    inst: *mut InstanceInner,
    import: u32,
    caught: std::thread::Result<u32>,
    failed: Option<Trap>,
) -> u32 {
    match caught {
        Ok(code) if code != CODE_HOST => code,
        caught => host_failed(inst, import, caught, failed),
    }
}

/// [`finish_host`] of an error or a panic, out of line: the host call's
/// common path then keeps fewer values across the host function.
#[cold]
#[inline(never)]
fn host_failed(
    inst: *mut InstanceInner,
    import: u32,
    caught: std::thread::Result<u32>,
    failed: Option<Trap>,
) -> u32 {
    let error = match caught {
        // Only `keep_failure` gives `CODE_HOST`, and it sets `failed`;
        // were it unset, `Instance::run` reports the missing error.
        Ok(code) => match failed {
            Some(error) => error,
            None => return code,
        },
        Err(payload) => {
            let error = Trap::Host(format!(
                "host function {} panicked: {}",
                // SAFETY: the host function is over; the reference ends here.
                function_import_name(unsafe { &*inst }, import as usize),
                panic_message(payload.as_ref())
            ));
            // A payload whose drop panics must not unwind into generated
            // code: that second panic is caught, and its payload leaked.
            if let Err(again) = catch_unwind(AssertUnwindSafe(move || drop(payload))) {
                std::mem::forget(again);
            }
            error
        }
    };
    // SAFETY: as above.
    unsafe { &mut *inst }.pending = Some(error);
    CODE_HOST
}

/// `call_indirect` through a table shared with other instances: the
/// checks generated code makes for a private table, then the call, in the
/// instance the entry belongs to. `values`: slot 0 free, the arguments
/// from slot 1; the results from slot 0 on return.
extern "C" fn call_indirect(
    vmctx: *mut VmCtx,
    type_index: u32,
    element: u32,
    values: *mut u64,
) -> u32 {
    // SAFETY: as in memory_grow; the reference ends before any call.
    let (entry, trampoline, expected) = {
        let inst = unsafe { instance(vmctx) };
        let module = &inst.module.inner;
        // SAFETY: the context's table pointer and length describe a live
        // table (the instance's, or one that adopted it), claimed by this
        // thread.
        let table =
            unsafe { std::slice::from_raw_parts((*vmctx).table, (*vmctx).table_len as usize) };
        let Some(&entry) = table.get(element as usize) else {
            return TrapKind::TableOutOfBounds.code();
        };
        if entry.func.is_null() {
            return TrapKind::IndirectCallToNull.code();
        }
        let (Some(expected), Some(&(_, trampoline))) = (
            module.info.types.get(type_index as usize),
            module
                .indirect_entries
                .iter()
                .find(|&&(t, _)| t == type_index),
        ) else {
            inst.pending = Some(Trap::Host("call_indirect of an unknown type".into()));
            return CODE_HOST;
        };
        (entry, trampoline, expected.clone())
    };
    let matches = if entry.vmctx == vmctx {
        // SAFETY: as above.
        let inst = unsafe { instance(vmctx) };
        inst.module.inner.sig_ids.get(type_index as usize) == Some(&entry.sig)
    } else {
        // SAFETY: an entry's context is that of a live instance: entries
        // are cleared when their instance is freed. Its module is never
        // written after instantiation, so it is read without a reference
        // to an instance another thread may be running (`call_into_with`
        // checks the claims).
        let module = unsafe {
            let owner = (*entry.vmctx).instance.cast::<InstanceInner>();
            &*std::ptr::addr_of!((*owner).module)
        };
        module.inner.info.func_sig(entry.func_index) == Some(&expected)
    };
    if !matches {
        return TrapKind::IndirectCallSignatureMismatch.code();
    }
    // SAFETY: `values` has room for the callee address and the arguments
    // (or the results): `indirect_slots` of the type.
    unsafe { *values = entry.func as u64 };
    // SAFETY: as above.
    let owner = unsafe { (*entry.vmctx).instance.cast::<InstanceInner>() };
    // The trampoline is the caller module's, for this type.
    // SAFETY: as above.
    let caller_code = unsafe { instance(vmctx) }.module.clone();
    // The callee stays allocated for the whole call, even if a host
    // function it calls drops its last `Instance`: its state, memory and
    // code (whose mapping could otherwise be reused for another module's
    // code while it runs). `None` only for an instance leaked rather than
    // freed, which stays allocated anyway.
    // SAFETY: as above: the owner is alive here.
    let callee = unsafe { (*owner).this.upgrade() };
    let code = call_into_with(
        vmctx,
        owner,
        caller_code.inner.code.addr(trampoline),
        values,
    );
    // Maybe the last reference: the instance is freed here, dropping the
    // embedder's closures, which must not unwind into generated code.
    if catch_unwind(AssertUnwindSafe(move || drop(callee))).is_err() {
        // SAFETY: as above.
        unsafe { instance(vmctx) }.pending = Some(Trap::Host(
            "dropping an instance freed during the call panicked".into(),
        ));
        return CODE_HOST;
    }
    code
}

/// Calls into `callee` (maybe the caller itself) through its entry
/// trampoline at blob offset `entry`.
fn call_into(vmctx: *mut VmCtx, callee: *mut InstanceInner, entry: usize, values: *mut u64) -> u32 {
    // SAFETY: `callee` is alive (a `Func` holds it) and its module's code
    // with it.
    let module = unsafe { (*callee).module.clone() };
    call_into_with(vmctx, callee, module.inner.code.addr(entry), values)
}

/// Runs the trampoline at `addr` in `callee`'s context, the way a wasm
/// call would: the caller's gas and stack height go in and come back
/// (also after a trap), shared state is synchronised both ways, and a trap
/// comes back as its code for the caller to raise. The callee's own gas
/// and stack height are as before afterwards: it may be suspended in a
/// call of its own (a host function that called the caller), whose code
/// goes on with them.
fn call_into_with(
    vmctx: *mut VmCtx,
    callee: *mut InstanceInner,
    addr: *const u8,
    values: *mut u64,
) -> u32 {
    let caller_inner = vmctx_instance(vmctx);
    if std::ptr::eq(caller_inner, callee) {
        // SAFETY: `addr` is a trampoline of this module taking (vmctx,
        // values); nothing is borrowed across the call.
        return unsafe { super::unwind::reenter(addr, vmctx, values) };
    }
    let (gas, stack, dispatcher) = {
        // SAFETY: the caller's instance; the reference ends here.
        let caller = unsafe { &mut *caller_inner };
        caller.sync_out();
        (caller.gas(), caller.vmctx.stack_height, caller.dispatcher)
    };
    // SAFETY: a live instance (a `Func` or a table entry holds it).
    if !unsafe { InstanceInner::claim_raw(callee) } {
        // SAFETY: the caller's instance; the reference ends here.
        unsafe { &mut *caller_inner }.pending = Some(Trap::Host(
            "the callee shares state with instances another thread runs".into(),
        ));
        return CODE_HOST;
    }
    let (callee_vmctx, saved) = {
        // SAFETY: a live instance other than the caller, which this thread
        // holds the claims of (above); the reference ends here.
        let inner = unsafe { &mut *callee };
        if inner.memory_lent() {
            // SAFETY: as above.
            unsafe { &mut *caller_inner }.pending = Some(super::instance::memory_lent());
            return CODE_HOST;
        }
        inner.sync_in();
        let saved = (
            inner.dispatcher,
            inner.pending.take(),
            inner.gas(),
            inner.vmctx.stack_height,
        );
        *inner.gas_slot() = gas;
        inner.vmctx.stack_height = stack;
        inner.dispatcher = dispatcher;
        inner.running += 1;
        (std::ptr::addr_of_mut!(inner.vmctx), saved)
    };
    // SAFETY: as in the same-instance case, in the callee's context.
    let code = unsafe { super::unwind::reenter(addr, callee_vmctx, values) };
    let (gas, stack, pending) = {
        // SAFETY: as above.
        let inner = unsafe { &mut *callee };
        inner.sync_out();
        let out = (inner.gas(), inner.vmctx.stack_height, inner.pending.take());
        let own_gas;
        (
            inner.dispatcher,
            inner.pending,
            own_gas,
            inner.vmctx.stack_height,
        ) = saved;
        *inner.gas_slot() = own_gas;
        inner.running -= 1;
        out
    };
    // SAFETY: the caller's instance again.
    let caller = unsafe { &mut *caller_inner };
    *caller.gas_slot() = gas;
    caller.vmctx.stack_height = stack;
    if code == CODE_HOST {
        caller.pending = pending;
    }
    caller.sync_in();
    code
}

fn vmctx_instance(vmctx: *mut VmCtx) -> *mut InstanceInner {
    // SAFETY: a live context (libcall contract).
    unsafe { (*vmctx).instance.cast() }
}
