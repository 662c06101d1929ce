//! What the VM needs to know about a prepared module, without parsing it
//! again for anything but code and segments. All of it describes the
//! *instrumented* module; borsh-encoded in compiled artifacts.

use borsh::{BorshDeserialize, BorshSerialize};

/// Value types of the subset.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, BorshSerialize, BorshDeserialize,
)]
pub enum ValType {
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
}

impl ValType {
    pub(crate) fn from_wasm(ty: wasmparser::ValType) -> Option<ValType> {
        match ty {
            wasmparser::ValType::I32 => Some(ValType::I32),
            wasmparser::ValType::I64 => Some(ValType::I64),
            _ => None,
        }
    }
}

/// A function signature.
#[derive(Debug, Clone, PartialEq, Eq, Hash, BorshSerialize, BorshDeserialize)]
pub struct FuncSig {
    /// Parameter types.
    pub params: Vec<ValType>,
    /// Result types.
    pub results: Vec<ValType>,
}

/// Size limits of a memory (pages) or table (elements).
#[derive(Debug, Clone, Copy, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Limits {
    /// Initial size.
    pub initial: u32,
    /// Maximum size: the module's own, else the configured one.
    pub maximum: u32,
}

/// A global's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct GlobalSig {
    /// Value type.
    pub ty: ValType,
    /// Whether it may be set.
    pub mutable: bool,
}

/// What an import provides.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub enum ImportKind {
    /// A function of this type index.
    Func(u32),
    /// A memory.
    Memory(Limits),
    /// A funcref table.
    Table(Limits),
    /// A global.
    Global(GlobalSig),
}

/// One import.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Import {
    /// Module name.
    pub module: String,
    /// Item name.
    pub name: String,
    /// What it is.
    pub kind: ImportKind,
}

/// Kinds of exported items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub enum ExportKind {
    /// Function.
    Func,
    /// Table.
    Table,
    /// Memory.
    Memory,
    /// Global.
    Global,
}

/// One export.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Export {
    /// Export name.
    pub name: String,
    /// Item kind.
    pub kind: ExportKind,
    /// Index in that kind's index space.
    pub index: u32,
}

/// Indices of what injection added. The VM may compile calls to the helper
/// functions as intrinsics with the same semantics (see
/// `inject::helpers`); gas and stack height must stay observable in the
/// globals at every host call and at the end of a call.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Injected {
    /// Mutable i64 global holding the gas left; exported as [`crate::GAS_EXPORT`].
    pub gas_global: u32,
    /// Mutable i32 global holding the stack height; exported as [`crate::STACK_EXPORT`].
    pub stack_global: u32,
    /// `(i64) -> ()`: charge a static cost.
    pub charge_gas_func: u32,
    /// `(i32 units, i64 rate) -> i32 units`: charge `units × rate`
    /// (`memory.grow` pages).
    pub charge_dynamic_func: u32,
    /// `(i32 units, i64 rate per KiB) -> i32 units`: charge
    /// `ceil(units × rate / 1024)` (bulk memory and table lengths).
    pub charge_bytes_func: u32,
    /// `(i32 frame) -> ()`: enter a frame, checking the limit.
    pub stack_enter_func: u32,
    /// `(i32 frame) -> ()`: leave a frame.
    pub stack_exit_func: u32,
    /// The module's start function, no longer run by instantiation: the
    /// host calls it (exported as [`crate::START_EXPORT`]) after setting gas.
    pub start_func: Option<u32>,
    /// What `__gasket_start` charges before any code runs (0 if nothing):
    /// the instance's initial pages and what instantiation writes, its
    /// active data and element segments
    /// ([`crate::CostSchedule::instance_gas`]). A host may refuse to
    /// instantiate for less gas: the call would run out there.
    pub start_gas: u64,
    /// The configured stack-height limit.
    pub stack_limit: u32,
}

/// Everything about the instrumented module the VM needs besides code.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct ModuleInfo {
    /// The type section.
    pub types: Vec<FuncSig>,
    /// Type index of every function, imports first, helpers included.
    pub functions: Vec<u32>,
    /// Number of imported functions (the first entries of `functions`).
    pub imported_functions: u32,
    /// Imports, in order.
    pub imports: Vec<Import>,
    /// Exports, in order, injected ones included.
    pub exports: Vec<Export>,
    /// The memory, imported or defined.
    pub memory: Option<Limits>,
    /// The table, imported or defined.
    pub table: Option<Limits>,
    /// Every global, imports first, injected ones included.
    pub globals: Vec<GlobalSig>,
    /// What injection added.
    pub injected: Injected,
}

impl ModuleInfo {
    /// The export of that name.
    pub fn export(&self, name: &str) -> Option<&Export> {
        self.exports.iter().find(|e| e.name == name)
    }

    /// Signature of function `index`.
    pub fn func_sig(&self, index: u32) -> Option<&FuncSig> {
        let ty = *self.functions.get(index as usize)?;
        self.types.get(ty as usize)
    }
}
