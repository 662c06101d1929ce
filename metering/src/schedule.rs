//! The per-instruction cost schedule and the opcode table behind it.
//!
//! Every operator wasmparser knows is classified exactly once, here, by a
//! table generated from `wasmparser::for_each_operator!`: either it belongs to
//! a cost class of the accepted subset, or it is rejected with the feature it
//! belongs to. A new wasmparser proposal fails to compile (the proposal arm is
//! missing); a new operator of a known proposal is classified by the same rule
//! as its siblings and shows up in the committed opcode table
//! (`tests/golden/opcodes.txt`), so it can never silently cost 0 or slip
//! through the gate.
//!
//! The gate (which operators are rejected) and the schedule (what accepted
//! ones cost) therefore cannot disagree.

use borsh::{BorshDeserialize, BorshSerialize};
use wasmparser::Operator;

use crate::error::Feature;

/// Cost class of an accepted operator. Each class has one field in
/// [`CostSchedule`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum CostClass {
    /// `nop`, `block`, `loop`, `else`, `end`.
    Control,
    /// `br`, `br_if`, `if`, `return`, `unreachable`.
    Branch,
    BrTable,
    Call,
    CallIndirect,
    /// `local.get`/`set`/`tee`, `drop`, `select`.
    Local,
    /// `i32.const`, `i64.const`.
    Const,
    Global,
    Load,
    Store,
    /// Integer add/sub, bitwise, shifts, rotations, comparisons, counts,
    /// conversions between i32 and i64, sign extension.
    Alu,
    Mul,
    /// `div_s`, `div_u`, `rem_s`, `rem_u`.
    Div,
    MemorySize,
    /// Base cost of `memory.grow`; the per-page part is dynamic.
    MemoryGrow,
    /// Base cost of `memory.copy`/`fill`/`init`, `data.drop`,
    /// `table.init`/`copy` and `elem.drop`; the per-KiB (per-element) part
    /// is dynamic.
    BulkMemory,
}

/// How the gate sees one operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpClass {
    /// Inside the subset, with its cost class.
    Accepted(CostClass),
    /// Outside the subset.
    Rejected(Feature),
}

/// Proposals as wasmparser groups its operators.
#[derive(Clone, Copy)]
enum Proposal {
    Mvp,
    SignExtension,
    SaturatingFloatToInt,
    BulkMemory,
    ReferenceTypes,
    TailCall,
    MemoryControl,
    Threads,
    SharedEverythingThreads,
    Simd,
    RelaxedSimd,
    Exceptions,
    LegacyExceptions,
    Gc,
    CustomDescriptors,
    FunctionReferences,
    StackSwitching,
    WideArithmetic,
    AcquireReleaseAtomics,
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

const fn contains(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let mut start = 0;
    while start + n.len() <= h.len() {
        let mut i = 0;
        while i < n.len() && h[start + i] == n[i] {
            i += 1;
        }
        if i == n.len() {
            return true;
        }
        start += 1;
    }
    false
}

/// Classifies one operator by its proposal and its wasmparser variant name.
/// Evaluated at compile time for every operator (see `op_class`).
const fn classify(proposal: Proposal, name: &str) -> OpClass {
    use CostClass::*;
    use OpClass::{Accepted, Rejected};
    match proposal {
        Proposal::Mvp | Proposal::SignExtension => {}
        Proposal::SaturatingFloatToInt => return Rejected(Feature::Float),
        // The whole proposal: memory.* and data.drop, and table.init,
        // table.copy, elem.drop on the one table.
        Proposal::BulkMemory => return Accepted(BulkMemory),
        Proposal::ReferenceTypes => {
            return if contains(name, "Table") {
                Rejected(Feature::TableOps)
            } else {
                Rejected(Feature::ReferenceTypes)
            };
        }
        Proposal::TailCall => return Rejected(Feature::TailCall),
        Proposal::MemoryControl => return Rejected(Feature::MemoryControl),
        Proposal::Threads | Proposal::SharedEverythingThreads | Proposal::AcquireReleaseAtomics => {
            return Rejected(Feature::Threads);
        }
        Proposal::Simd => return Rejected(Feature::Simd),
        Proposal::RelaxedSimd => return Rejected(Feature::RelaxedSimd),
        Proposal::Exceptions | Proposal::LegacyExceptions => return Rejected(Feature::Exceptions),
        Proposal::Gc => return Rejected(Feature::Gc),
        Proposal::CustomDescriptors => return Rejected(Feature::CustomDescriptors),
        Proposal::FunctionReferences => return Rejected(Feature::FunctionReferences),
        Proposal::StackSwitching => return Rejected(Feature::StackSwitching),
        Proposal::WideArithmetic => return Rejected(Feature::WideArithmetic),
    }
    // MVP and sign extension: floats first, then exact names, then families.
    if contains(name, "F32") || contains(name, "F64") {
        return Rejected(Feature::Float);
    }
    const EXACT: &[(&str, CostClass)] = &[
        ("Unreachable", Branch),
        ("Nop", Control),
        ("Block", Control),
        ("Loop", Control),
        ("If", Branch),
        ("Else", Control),
        ("End", Control),
        ("Br", Branch),
        ("BrIf", Branch),
        ("BrTable", BrTable),
        ("Return", Branch),
        ("Call", Call),
        ("CallIndirect", CallIndirect),
        ("Drop", Local),
        ("Select", Local),
        ("LocalGet", Local),
        ("LocalSet", Local),
        ("LocalTee", Local),
        ("GlobalGet", Global),
        ("GlobalSet", Global),
        ("MemorySize", MemorySize),
        ("MemoryGrow", MemoryGrow),
        ("I32Const", Const),
        ("I64Const", Const),
    ];
    let mut i = 0;
    while i < EXACT.len() {
        if str_eq(EXACT[i].0, name) {
            return Accepted(EXACT[i].1);
        }
        i += 1;
    }
    if contains(name, "Load") {
        Accepted(Load)
    } else if contains(name, "Store") {
        Accepted(Store)
    } else if contains(name, "Mul") {
        Accepted(Mul)
    } else if contains(name, "Div") || contains(name, "Rem") {
        Accepted(Div)
    } else {
        Accepted(Alu)
    }
}

macro_rules! proposal {
    (mvp) => {
        Proposal::Mvp
    };
    (sign_extension) => {
        Proposal::SignExtension
    };
    (saturating_float_to_int) => {
        Proposal::SaturatingFloatToInt
    };
    (bulk_memory) => {
        Proposal::BulkMemory
    };
    (reference_types) => {
        Proposal::ReferenceTypes
    };
    (tail_call) => {
        Proposal::TailCall
    };
    (memory_control) => {
        Proposal::MemoryControl
    };
    (threads) => {
        Proposal::Threads
    };
    (shared_everything_threads) => {
        Proposal::SharedEverythingThreads
    };
    (simd) => {
        Proposal::Simd
    };
    (relaxed_simd) => {
        Proposal::RelaxedSimd
    };
    (exceptions) => {
        Proposal::Exceptions
    };
    (legacy_exceptions) => {
        Proposal::LegacyExceptions
    };
    (gc) => {
        Proposal::Gc
    };
    (custom_descriptors) => {
        Proposal::CustomDescriptors
    };
    (function_references) => {
        Proposal::FunctionReferences
    };
    (stack_switching) => {
        Proposal::StackSwitching
    };
    (wide_arithmetic) => {
        Proposal::WideArithmetic
    };
    (acquire_release_atomics) => {
        Proposal::AcquireReleaseAtomics
    };
}

macro_rules! define_op_table {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*) )*) => {
        /// Gate and cost class of an operator.
        pub fn op_class(op: &Operator<'_>) -> OpClass {
            match op {
                $(
                    Operator::$op { .. } => {
                        const CLASS: OpClass = classify(proposal!($proposal), stringify!($op));
                        CLASS
                    }
                )*
                // `Operator` is `#[non_exhaustive]`, but the arms above are
                // generated from the very list that defines it.
                _ => OpClass::Rejected(Feature::Gc),
            }
        }

        /// Text-format name of an operator (`i32.add`, `br_if`).
        pub fn op_name(op: &Operator<'_>) -> String {
            match op {
                $( Operator::$op { .. } => text_name(stringify!($visit)), )*
                _ => "unknown".to_string(),
            }
        }

        /// Every operator wasmparser knows: (text name, class). For the
        /// committed opcode table.
        pub fn all_operators() -> Vec<(String, OpClass)> {
            vec![$( (
                text_name(stringify!($visit)),
                const { classify(proposal!($proposal), stringify!($op)) },
            ), )*]
        }
    };
}
wasmparser::for_each_operator!(define_op_table);

/// `visit_i32_load8_s` → `i32.load8_s`, `visit_br_if` → `br_if`: the first
/// underscore after a type or namespace prefix becomes a dot. Runs only on
/// error paths and for the opcode table.
fn text_name(visit: &str) -> String {
    const PREFIXES: &[&str] = &[
        "i32_", "i64_", "f32_", "f64_", "v128_", "i8x16_", "i16x8_", "i32x4_", "i64x2_", "f32x4_",
        "f64x2_", "memory_", "table_", "local_", "global_", "ref_", "data_", "elem_", "struct_",
        "array_", "i31_", "any_", "extern_", "atomic_", "cont_",
    ];
    let name = visit.strip_prefix("visit_").unwrap_or(visit);
    let Some(prefix) = PREFIXES
        .iter()
        .find(|p| name.len() > p.len() && name.starts_with(*p))
    else {
        return name.to_string();
    };
    let rest = &name[prefix.len()..];
    // `i32.atomic.rmw8.add_u`, `memory.atomic.notify`.
    let rest = match rest.strip_prefix("atomic_") {
        Some(tail) => match tail.strip_prefix("rmw") {
            Some(rmw) => format!("atomic.rmw{}", rmw.replacen('_', ".", 1)),
            None => format!("atomic.{tail}"),
        },
        None => rest.to_string(),
    };
    format!("{}.{rest}", &prefix[..prefix.len() - 1])
}

/// Bytes a table element is priced as by `table.init` and `table.copy`:
/// the size of a table entry in the VM (function pointer, signature id,
/// owning instance), so moving an element is never cheaper than moving the
/// bytes of memory it takes.
pub const TABLE_ELEMENT_BYTES: u32 = 24;

/// Gas per operator class, and the dynamic rates.
///
/// Units: one gas tracks about 0.15 ns of execution on the reference
/// machine (a 2-core x86-64 server). The defaults come from the
/// calibration bench (`scripts/bench-calibrate.sh`, benches/README.md "Gas
/// calibration"): each class's measured ns per instruction / 0.15, the
/// mean of two runs, at least 1 (`control` compiles to nothing and stays
/// 0); `call`, `call_indirect` and `br_table` instead cost their
/// worst-case floors (the cost at which a deep recursion, a
/// `call_indirect` or `br_table` to a random one of 8 targets stays at the
/// rate; the largest of the runs on either machine kind, each run's floor
/// divided by how much slower than the rate that machine runs the
/// rate-priced classes), since their micros measure the best case; `div`
/// costs its micro's time (a 64-bit division of a large dividend, its
/// worst case) on the slowest divider, Zen 1's, over that machine's speed
/// (docs/RATIONALE.md, "Division priced for the slowest divider"); the
/// per-page rate is not lowered (it prices memory, not time), so
/// `memory.grow`'s base is its time only. The bulk rate is per KiB: one
/// byte is about 0.015 ns of work, a tenth of a gas, so a per-byte integer
/// rate could not go below 10x its time (docs/RATIONALE.md, "Byte rates
/// per KiB"). Every field is part of the config hash.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
#[allow(missing_docs)]
pub struct CostSchedule {
    pub control: u32,
    pub branch: u32,
    pub br_table: u32,
    pub call: u32,
    pub call_indirect: u32,
    pub local: u32,
    pub constant: u32,
    pub global: u32,
    pub load: u32,
    pub store: u32,
    pub alu: u32,
    pub mul: u32,
    pub div: u32,
    pub memory_size: u32,
    pub memory_grow: u32,
    pub bulk_memory: u32,
    /// Charged per page requested by `memory.grow`, before it runs, whether
    /// the grow succeeds or not.
    pub memory_grow_per_page: u32,
    /// Gas per KiB of the length operand of `memory.copy`, `memory.fill`
    /// and `memory.init`, charged before they run, rounded up:
    /// `ceil(bytes × rate / 1024)`. `table.init` and `table.copy` charge
    /// their elements as [`TABLE_ELEMENT_BYTES`] bytes each (see
    /// [`CostSchedule::table_element_per_kib`]).
    pub bulk_memory_per_kib: u32,
}

impl Default for CostSchedule {
    fn default() -> Self {
        CostSchedule {
            control: 0,
            branch: 1,
            br_table: 35,
            // Worst-case floors at the reference rate (the slower machine's
            // floors over its speed): a deep recursion mispredicts every
            // return, 12-20 ns per level on the 2.0 GHz Xeon, in wasmtime too
            // (docs/RATIONALE.md, "Calls are priced for deep recursion").
            call: 73,
            // A call's floor and the table check (an indirect call recurses
            // as deeply as a direct one).
            call_indirect: 76,
            local: 1,
            constant: 1,
            global: 1,
            load: 8,
            store: 2,
            alu: 2,
            mul: 5,
            // The rate-priced time of a 64-bit division of a large dividend
            // on the slowest machine kind, the 2 GHz EPYC (Zen 1: 17.5 ns,
            // ~35 cycles), over that machine's speed (docs/RATIONALE.md,
            // "Division priced for the slowest divider").
            div: 83,
            memory_size: 1,
            memory_grow: 21,
            bulk_memory: 33,
            memory_grow_per_page: 8192,
            // The worst case, not the 4 KiB copy in L1 (~100 per KiB): a
            // copy of 4 MiB within the 8 MiB memory limit runs at the
            // bandwidth beyond the caches a core owns, 405-527 per KiB at
            // the rate (benches/README.md, "Bulk memory's worst case").
            bulk_memory_per_kib: 527,
        }
    }
}

impl CostSchedule {
    /// The per-KiB rate of `table.init` and `table.copy`, whose length
    /// operand counts elements: each is priced as the [`TABLE_ELEMENT_BYTES`]
    /// bytes it moves. At most `MAX_DYNAMIC_RATE` (`Config::validate`).
    pub fn table_element_per_kib(&self) -> u64 {
        u64::from(self.bulk_memory_per_kib) * u64::from(TABLE_ELEMENT_BYTES)
    }

    /// What instantiating a module costs, charged by `__gasket_start`
    /// before any code runs: its `initial_pages` at the `memory.grow` rate
    /// (every page an instance can touch is paid for), and what
    /// instantiation writes besides, at the bulk-memory rate (`memory.init`
    /// and `table.init`'s), rounded up: the `active_data_bytes` it copies
    /// and the `active_elements` it writes into the table (the items of the
    /// active element segments, [`TABLE_ELEMENT_BYTES`] each). The table's
    /// own allocation (zeroed, at most `table_elements` entries: a few µs)
    /// is left to the call's base price. Saturates (the limits keep it far
    /// below).
    pub fn instance_gas(
        &self,
        initial_pages: u32,
        active_data_bytes: u32,
        active_elements: u32,
    ) -> u64 {
        let pages = u64::from(initial_pages) * u64::from(self.memory_grow_per_page);
        let bytes = u64::from(active_elements)
            .saturating_mul(u64::from(TABLE_ELEMENT_BYTES))
            .saturating_add(u64::from(active_data_bytes));
        let written = bytes
            .saturating_mul(u64::from(self.bulk_memory_per_kib))
            .div_ceil(1024);
        pages.saturating_add(written)
    }

    /// Gas of one operator of `class`.
    pub fn cost(&self, class: CostClass) -> u64 {
        u64::from(match class {
            CostClass::Control => self.control,
            CostClass::Branch => self.branch,
            CostClass::BrTable => self.br_table,
            CostClass::Call => self.call,
            CostClass::CallIndirect => self.call_indirect,
            CostClass::Local => self.local,
            CostClass::Const => self.constant,
            CostClass::Global => self.global,
            CostClass::Load => self.load,
            CostClass::Store => self.store,
            CostClass::Alu => self.alu,
            CostClass::Mul => self.mul,
            CostClass::Div => self.div,
            CostClass::MemorySize => self.memory_size,
            CostClass::MemoryGrow => self.memory_grow,
            CostClass::BulkMemory => self.bulk_memory,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_names_follow_the_text_format() {
        assert_eq!(text_name("visit_i32_load8_s"), "i32.load8_s");
        assert_eq!(text_name("visit_br_if"), "br_if");
        assert_eq!(text_name("visit_call_indirect"), "call_indirect");
        assert_eq!(text_name("visit_memory_grow"), "memory.grow");
        assert_eq!(text_name("visit_f32_add"), "f32.add");
        assert_eq!(text_name("visit_i64_extend_i32_u"), "i64.extend_i32_u");
        assert_eq!(text_name("visit_i32_atomic_load"), "i32.atomic.load");
        assert_eq!(
            text_name("visit_i32_atomic_rmw8_add_u"),
            "i32.atomic.rmw8.add_u"
        );
        assert_eq!(
            text_name("visit_memory_atomic_notify"),
            "memory.atomic.notify"
        );
    }

    #[test]
    fn representative_classes() {
        use CostClass::*;
        let cases = [
            (Operator::I32Add, OpClass::Accepted(Alu)),
            (Operator::I64DivS, OpClass::Accepted(Div)),
            (Operator::I64RemU, OpClass::Accepted(Div)),
            (Operator::I32Mul, OpClass::Accepted(Mul)),
            (Operator::I64Extend32S, OpClass::Accepted(Alu)),
            (Operator::I32WrapI64, OpClass::Accepted(Alu)),
            (Operator::F32Add, OpClass::Rejected(Feature::Float)),
            (Operator::I32TruncF32S, OpClass::Rejected(Feature::Float)),
            (
                Operator::I32ReinterpretF32,
                OpClass::Rejected(Feature::Float),
            ),
            (Operator::I32TruncSatF64U, OpClass::Rejected(Feature::Float)),
            (
                Operator::MemoryCopy {
                    dst_mem: 0,
                    src_mem: 0,
                },
                OpClass::Accepted(BulkMemory),
            ),
            (
                Operator::DataDrop { data_index: 0 },
                OpClass::Accepted(BulkMemory),
            ),
            (
                Operator::TableCopy {
                    dst_table: 0,
                    src_table: 0,
                },
                OpClass::Accepted(BulkMemory),
            ),
            (
                Operator::ElemDrop { elem_index: 0 },
                OpClass::Accepted(BulkMemory),
            ),
            (
                Operator::TableSize { table: 0 },
                OpClass::Rejected(Feature::TableOps),
            ),
            (
                Operator::RefIsNull,
                OpClass::Rejected(Feature::ReferenceTypes),
            ),
            (
                Operator::TableGrow { table: 0 },
                OpClass::Rejected(Feature::TableOps),
            ),
            (
                Operator::ReturnCall { function_index: 0 },
                OpClass::Rejected(Feature::TailCall),
            ),
            (
                Operator::I64Add128,
                OpClass::Rejected(Feature::WideArithmetic),
            ),
            (Operator::V128Not, OpClass::Rejected(Feature::Simd)),
            (Operator::I32Const { value: 0 }, OpClass::Accepted(Const)),
            (
                Operator::MemoryGrow { mem: 0 },
                OpClass::Accepted(MemoryGrow),
            ),
            (Operator::Select, OpClass::Accepted(Local)),
        ];
        for (op, class) in cases {
            assert_eq!(op_class(&op), class, "{op:?}");
        }
    }
}
