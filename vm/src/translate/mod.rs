//! wasm → CLIF translation.
//!
//! One function at a time, one pass over its operators, with
//! cranelift-frontend building SSA. Layout:
//!
//! - [`func`]: the driver (signature, locals, prologue, operator dispatch,
//!   trap paths);
//! - [`stack`]: the operand stack and control frames;
//! - [`bounds`]: linear-memory bounds checks;
//! - [`inline`]: small leaf functions translated into their callers;
//! - [`versioning`]: counted loops without checks when one guard proves them;
//! - `visit/*`: one file per opcode family;
//! - [`trampoline`]: entry trampolines (host → wasm) and import wrappers
//!   (wasm → host).
//!
//! Guarantees: every wasm trap is an explicit compare and branch to a trap
//! path that calls the `raise_trap` libcall; no CLIF `trap`, `trapz`,
//! `trapnz` or faulting instruction is emitted (divisors are checked before
//! `sdiv`/`udiv`/`srem`/`urem`, memory accesses before the load or store).
//! Calls to the metering helpers (`ModuleInfo::injected`) are compiled
//! inline with the exact semantics of their wasm bodies, including the `-1`
//! sentinels stored before trapping. An operator outside the subset is a
//! [`crate::CompileError::Internal`], never a panic.

pub(crate) mod bounds;
pub(crate) mod func;
pub(crate) mod inline;
pub(crate) mod stack;
pub(crate) mod trampoline;
pub(crate) mod versioning;
mod visit;

use cranelift_codegen::ir::{
    AbiParam, ExtFuncData, ExternalName, FuncRef, Function, Signature, Type, UserExternalName,
    types,
};
use cranelift_codegen::isa::CallConv;
use gasket_metering::{FuncSig, ModuleInfo, ValType};
use wasmparser::FunctionBody;

use crate::runtime::vmctx::Libcall;

/// Pointer type of the target (64-bit hosts only).
pub(crate) const PTR: Type = types::I64;

/// Namespace of user external names that are function indices.
pub(crate) const NS_FUNC: u32 = 0;

/// What translation needs to know about the module.
pub(crate) struct ModuleEnv<'a> {
    pub info: &'a ModuleInfo,
    /// Canonical signature id + 1 of each type index (structurally equal
    /// types share an id).
    pub sig_ids: Vec<u32>,
    /// The table is imported or exported, so it may hold other instances'
    /// functions: `call_indirect` goes through the runtime.
    pub table_shared: bool,
    /// How far past its own index a bounds check may be widened to cover
    /// a later index (see [`bounds`]).
    pub widening_slack: u64,
    /// The body of each defined function that calls may inline, and what
    /// inlining it costs (see [`inline`]), by defined-function index.
    pub inline_bodies: Vec<Option<(FunctionBody<'a>, usize)>>,
    /// Each function's trap paths end in one shared call of `raise_trap`
    /// rather than each in its own: less CLIF for a single-pass engine,
    /// whose compile time is its point; its functions that fall back to
    /// the optimising pipeline share the call too. An optimising engine
    /// keeps one call per path: the shared block's shape reached its hot
    /// code's register allocation. The same traps, gas and globals
    /// either way.
    pub one_raise_per_function: bool,
}

impl<'a> ModuleEnv<'a> {
    /// `bodies`: the code section's bodies, in order.
    pub(crate) fn new(info: &'a ModuleInfo, bodies: &[FunctionBody<'a>]) -> Self {
        let sig_ids = info
            .types
            .iter()
            .map(|ty| 1 + info.types.iter().position(|t| t == ty).unwrap_or(0) as u32)
            .collect();
        ModuleEnv {
            info,
            sig_ids,
            table_shared: table_shared(info),
            widening_slack: bounds::widening_slack(info),
            inline_bodies: (info.imported_functions..)
                .zip(bodies)
                .map(|(index, body)| {
                    inline::inline_cost(index, body, info).map(|cost| (body.clone(), cost))
                })
                .collect(),
            one_raise_per_function: false,
        }
    }

    /// The body of function `index` and what inlining it costs, if a call
    /// to it may be inlined.
    pub(crate) fn inline_body(&self, index: u32) -> Option<&(FunctionBody<'a>, usize)> {
        let defined = index.checked_sub(self.info.imported_functions)?;
        self.inline_bodies.get(defined as usize)?.as_ref()
    }
}

/// Whether the module's table is imported or exported.
pub(crate) fn table_shared(info: &ModuleInfo) -> bool {
    use gasket_metering::{ExportKind, ImportKind};
    info.table.is_some()
        && (info
            .imports
            .iter()
            .any(|i| matches!(i.kind, ImportKind::Table(_)))
            || info.exports.iter().any(|e| e.kind == ExportKind::Table))
}

pub(crate) fn clif_type(ty: ValType) -> Type {
    match ty {
        ValType::I32 => types::I32,
        ValType::I64 => types::I64,
    }
}

/// The signature of wasm functions: `(vmctx, params..) -> (results..)`, in
/// Cranelift's `tail` convention (any number of results). The gas left is
/// in the pinned register (see [`func`] for where it is written to its
/// global).
pub(crate) fn wasm_signature(sig: &FuncSig) -> Signature {
    let mut s = Signature::new(CallConv::Tail);
    s.params.push(AbiParam::new(PTR));
    s.params
        .extend(sig.params.iter().map(|&t| AbiParam::new(clif_type(t))));
    s.returns
        .extend(sig.results.iter().map(|&t| AbiParam::new(clif_type(t))));
    s
}

/// A reference in `func` to wasm function `index`, of type `sig`, for a
/// direct call (a relocation the linker resolves by index).
pub(crate) fn import_wasm_function(func: &mut Function, index: u32, sig: &FuncSig) -> FuncRef {
    let signature = func.import_signature(wasm_signature(sig));
    let name = func.declare_imported_user_function(UserExternalName::new(NS_FUNC, index));
    func.import_function(ExtFuncData {
        name: ExternalName::user(name),
        signature,
        colocated: true,
        patchable: false,
    })
}

/// The signature of a libcall (System V, as `extern "C"` Rust and C).
pub(crate) fn libcall_signature(call: Libcall) -> Signature {
    let mut s = Signature::new(CallConv::SystemV);
    s.params.push(AbiParam::new(PTR));
    let (params, ret): (&[Type], Option<Type>) = match call {
        Libcall::RaiseTrap => (&[types::I32], None),
        Libcall::MemoryGrow => (&[types::I32], Some(types::I32)),
        Libcall::MemoryCopy | Libcall::MemoryFill => (&[types::I32, types::I32, types::I32], None),
        Libcall::TableCopy => (&[types::I32, types::I32, types::I32], Some(types::I32)),
        Libcall::MemoryInit | Libcall::TableInit => (
            &[types::I32, types::I32, types::I32, types::I32],
            Some(types::I32),
        ),
        Libcall::DataDrop | Libcall::ElemDrop => (&[types::I32], None),
        Libcall::HostCall => (&[types::I32, PTR], Some(types::I32)),
        Libcall::CallIndirect => (&[types::I32, types::I32, PTR], Some(types::I32)),
    };
    s.params.extend(params.iter().map(|&t| AbiParam::new(t)));
    s.returns.extend(ret.map(AbiParam::new));
    s
}
