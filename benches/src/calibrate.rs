//! Microbenchmarks for the gas calibration bench (`benches/benches/calibrate.rs`,
//! issue 4's "gas fidelity"): one small module per cost class of
//! [`CostClass`], whose loop body is a long unrolled straight-line sequence
//! dominated by that class, and the ABI host-function contracts.
//!
//! Every microbenchmark module exports `run(n: i32) -> i64`, which runs a
//! counted loop of `n` iterations; each iteration runs a `prefix`, then
//! [`REPS`] copies of a `rep` sequence, then a `suffix`. The [`baseline`]
//! module runs the same loop with an empty body, so
//! `(t(micro) − t(baseline)) / (n × REPS)` is the time of one `rep`, and the
//! same difference of gas is its gas. Which classes a `rep` is made of is
//! not declared by hand: [`Micro::counts`] classifies every instruction with
//! [`gasket_metering::op_class`], the table the metering itself uses.
//!
//! Values the compiler could fold are derived from `n` at run time
//! (`zero = n >> 31`, `one = zero == 0`), so no `rep` is optimised away.

use std::collections::BTreeMap;

use gasket_metering::{CostClass, CostSchedule, HostFn, OpClass};
use wasm_encoder::{
    BlockType, CodeSection, ConstExpr, ElementSection, Elements, Encode, ExportKind, ExportSection,
    Function, FunctionSection, GlobalSection, GlobalType, Instruction as I, MemArg, MemArgTarget,
    MemorySection, MemoryType, Module, RefType, TableSection, TableType, TypeSection, ValType,
};

/// Copies of the `rep` sequence per loop iteration.
pub const REPS: u32 = 100;

/// Bytes moved by one `memory.copy` / `memory.fill` of the per-KiB
/// microbenchmarks.
pub const BULK_BYTES: u32 = 4096;

/// Every cost class, in the schedule's field order.
pub const CLASSES: [CostClass; 16] = [
    CostClass::Control,
    CostClass::Branch,
    CostClass::BrTable,
    CostClass::Call,
    CostClass::CallIndirect,
    CostClass::Local,
    CostClass::Const,
    CostClass::Global,
    CostClass::Load,
    CostClass::Store,
    CostClass::Alu,
    CostClass::Mul,
    CostClass::Div,
    CostClass::MemorySize,
    CostClass::MemoryGrow,
    CostClass::BulkMemory,
];

/// The schedule field name of `class` (`br_table`, `const`, ...).
pub fn class_name(class: CostClass) -> &'static str {
    match class {
        CostClass::Control => "control",
        CostClass::Branch => "branch",
        CostClass::BrTable => "br_table",
        CostClass::Call => "call",
        CostClass::CallIndirect => "call_indirect",
        CostClass::Local => "local",
        CostClass::Const => "const",
        CostClass::Global => "global",
        CostClass::Load => "load",
        CostClass::Store => "store",
        CostClass::Alu => "alu",
        CostClass::Mul => "mul",
        CostClass::Div => "div",
        CostClass::MemorySize => "memory_size",
        CostClass::MemoryGrow => "memory_grow",
        CostClass::BulkMemory => "bulk_memory",
    }
}

/// Sets the cost of `class` in `schedule`.
pub fn set_cost(schedule: &mut CostSchedule, class: CostClass, cost: u32) {
    let field = match class {
        CostClass::Control => &mut schedule.control,
        CostClass::Branch => &mut schedule.branch,
        CostClass::BrTable => &mut schedule.br_table,
        CostClass::Call => &mut schedule.call,
        CostClass::CallIndirect => &mut schedule.call_indirect,
        CostClass::Local => &mut schedule.local,
        CostClass::Const => &mut schedule.constant,
        CostClass::Global => &mut schedule.global,
        CostClass::Load => &mut schedule.load,
        CostClass::Store => &mut schedule.store,
        CostClass::Alu => &mut schedule.alu,
        CostClass::Mul => &mut schedule.mul,
        CostClass::Div => &mut schedule.div,
        CostClass::MemorySize => &mut schedule.memory_size,
        CostClass::MemoryGrow => &mut schedule.memory_grow,
        CostClass::BulkMemory => &mut schedule.bulk_memory,
    };
    *field = cost;
}

// Locals of `run`: the parameter `n` is local 0.
const N: u32 = 0;
const IDX: u32 = 1;
const X: u32 = 2;
const Y: u32 = 3;
const P: u32 = 4;
const ZERO: u32 = 5;
const ONE: u32 = 6;
const XL: u32 = 7;
const YL: u32 = 8;
const ONEL: u32 = 9;
const DST: u32 = 10;

/// Function indices: `run`, then the callee `id(x) = x`.
const ID: u32 = 1;

fn memarg(offset: u64, align: u32) -> MemArg {
    MemArg {
        offset,
        align,
        target: MemArgTarget::Memory(0),
        ordering: None,
    }
}

/// One microbenchmark.
#[derive(Debug, Clone)]
pub struct Micro {
    /// Row name, e.g. `alu` or `bulk_memory copy 4096 B`.
    pub name: String,
    /// The class the `rep` is dominated by.
    pub class: CostClass,
    /// Bytes moved per `rep` by its one bulk operator (bulk-memory per-KiB
    /// rows), else 0.
    pub bytes_per_rep: u32,
    /// Once per iteration, before the reps.
    pub prefix: Vec<I<'static>>,
    /// The repeated sequence; its argument is the copy's index.
    pub rep: Vec<Vec<I<'static>>>,
    /// Once per iteration, after the reps.
    pub suffix: Vec<I<'static>>,
    /// Run elsewhere once per rep: the body of the callee `id`.
    pub callee: Vec<I<'static>>,
}

fn classify(instruction: &I<'_>) -> CostClass {
    let mut bytes = Vec::new();
    instruction.encode(&mut bytes);
    let mut reader = wasmparser::OperatorsReader::new(wasmparser::BinaryReader::new(&bytes, 0));
    let op = reader.read().expect("a generated instruction parses");
    match gasket_metering::op_class(&op) {
        OpClass::Accepted(class) => class,
        OpClass::Rejected(feature) => panic!("{op:?} is outside the subset: {feature:?}"),
    }
}

impl Micro {
    /// Instructions of each class in one iteration beyond the baseline's,
    /// divided by [`REPS`]: the composition of one `rep`, including its
    /// share of the prefix and suffix.
    pub fn counts(&self) -> BTreeMap<&'static str, (CostClass, f64)> {
        let mut counts: BTreeMap<&'static str, (CostClass, f64)> = BTreeMap::new();
        for instruction in self.executed() {
            let class = classify(instruction);
            counts.entry(class_name(class)).or_insert((class, 0.0)).1 += 1.0 / f64::from(REPS);
        }
        counts
    }

    /// Gas of one iteration beyond the baseline's under `schedule`, bulk
    /// bytes included: what the unit test checks against a run. Each rep's
    /// one bulk operator is charged `ceil(bytes × per_kib / 1024)` on its
    /// own, so the rounding is per rep, not per iteration.
    pub fn iteration_gas(&self, schedule: &CostSchedule) -> u64 {
        let fixed: u64 = self.executed().map(|i| schedule.cost(classify(i))).sum();
        let bytes_gas = (u64::from(self.bytes_per_rep) * u64::from(schedule.bulk_memory_per_kib))
            .div_ceil(1024);
        fixed + u64::from(REPS) * bytes_gas
    }

    /// Every instruction one iteration runs beyond the baseline's.
    fn executed(&self) -> impl Iterator<Item = &I<'static>> {
        let callee = (0..self.rep.len()).flat_map(|_| self.callee.iter());
        self.prefix
            .iter()
            .chain(self.rep.iter().flatten())
            .chain(&self.suffix)
            .chain(callee)
    }

    /// The module: `run(n)` with `n` iterations of the body.
    pub fn wasm(&self) -> Vec<u8> {
        let mut body: Vec<I<'static>> = self.prefix.clone();
        for rep in &self.rep {
            body.extend(rep.iter().cloned());
        }
        body.extend(self.suffix.iter().cloned());
        module(&body)
    }
}

/// The loop with an empty body: what every microbenchmark subtracts.
pub fn baseline() -> Vec<u8> {
    module(&[])
}

/// `run(n: i32) -> i64` around `body`, plus `id`, a table holding `id`, one
/// memory page, one mutable global.
fn module(body: &[I<'static>]) -> Vec<u8> {
    let mut module = Module::new();
    let mut types = TypeSection::new();
    types.ty().function([ValType::I32], [ValType::I64]);
    types.ty().function([ValType::I32], [ValType::I32]);
    module.section(&types);
    let mut funcs = FunctionSection::new();
    funcs.function(0);
    funcs.function(1);
    module.section(&funcs);
    let mut tables = TableSection::new();
    tables.table(TableType {
        element_type: RefType::FUNCREF,
        table64: false,
        minimum: 1,
        maximum: Some(1),
        shared: false,
    });
    module.section(&tables);
    let mut memory = MemorySection::new();
    memory.memory(MemoryType {
        minimum: 1,
        maximum: None,
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    module.section(&memory);
    let mut globals = GlobalSection::new();
    globals.global(
        GlobalType {
            val_type: ValType::I32,
            mutable: true,
            shared: false,
        },
        &ConstExpr::i32_const(0),
    );
    module.section(&globals);
    let mut exports = ExportSection::new();
    exports.export("run", ExportKind::Func, 0);
    exports.export("memory", ExportKind::Memory, 0);
    module.section(&exports);
    let mut elements = ElementSection::new();
    elements.active(
        Some(0),
        &ConstExpr::i32_const(0),
        Elements::Functions([ID].as_slice().into()),
    );
    module.section(&elements);

    let mut code = CodeSection::new();
    let mut run = Function::new([(6, ValType::I32), (3, ValType::I64), (1, ValType::I32)]);
    let prologue = [
        // zero = n >> 31 (0 for every n the bench passes), one = zero == 0.
        I::LocalGet(N),
        I::I32Const(31),
        I::I32ShrU,
        I::LocalTee(ZERO),
        I::I32Eqz,
        I::LocalSet(ONE),
        I::LocalGet(N),
        I::I32Const(0x1357),
        I::I32Or,
        I::LocalSet(X),
        I::LocalGet(N),
        I::I32Const(0x0246_8ace),
        I::I32Xor,
        I::LocalSet(Y),
        // p = 0: memory[0..4] is 0, so a chain of loads from p stays at 0.
        I::LocalGet(ZERO),
        I::LocalSet(P),
        I::LocalGet(ZERO),
        I::I32Const(0x8000),
        I::I32Add,
        I::LocalSet(DST),
        I::LocalGet(X),
        I::I64ExtendI32U,
        I::I64Const(0x1234_5678_9abc_def0),
        I::I64Or,
        I::LocalSet(XL),
        I::LocalGet(Y),
        I::I64ExtendI32U,
        I::I64Const(1),
        I::I64Or,
        I::LocalSet(YL),
        I::LocalGet(ONE),
        I::I64ExtendI32U,
        I::LocalSet(ONEL),
        I::LocalGet(N),
        I::LocalSet(IDX),
    ];
    for i in &prologue {
        run.instruction(i);
    }
    run.instruction(&I::Loop(BlockType::Empty));
    for i in body {
        run.instruction(i);
    }
    for i in [
        I::LocalGet(IDX),
        I::I32Const(1),
        I::I32Sub,
        I::LocalTee(IDX),
        I::BrIf(0),
        I::End,
    ] {
        run.instruction(&i);
    }
    // Everything the body computed stays live.
    for i in [
        I::LocalGet(XL),
        I::LocalGet(X),
        I::I64ExtendI32U,
        I::I64Add,
        I::LocalGet(P),
        I::I64ExtendI32U,
        I::I64Add,
        I::GlobalGet(0),
        I::I64ExtendI32U,
        I::I64Add,
        I::End,
    ] {
        run.instruction(&i);
    }
    code.function(&run);
    let mut id = Function::new([]);
    id.instruction(&I::LocalGet(0));
    id.instruction(&I::End);
    code.function(&id);
    module.section(&code);
    module.finish()
}

fn micro(
    name: &str,
    class: CostClass,
    prefix: Vec<I<'static>>,
    rep: impl Fn(u32) -> Vec<I<'static>>,
    suffix: Vec<I<'static>>,
) -> Micro {
    Micro {
        name: name.to_string(),
        class,
        bytes_per_rep: 0,
        prefix,
        rep: (0..REPS).map(rep).collect(),
        suffix,
        callee: Vec::new(),
    }
}

/// One microbenchmark per cost class (two for bulk memory and its
/// per-KiB rate). Dependent chains where the class produces a value
/// (ALU, mul, div, loads: latency, as on a critical path), independent
/// sequences where it does not (stores, branches, calls).
pub fn micros() -> Vec<Micro> {
    use CostClass::*;
    let alu_ops = [I::I32Add, I::I32Xor, I::I32Rotl, I::I32Or];
    let mut list = vec![
        // block/nop/end compile to nothing: control stays 0.
        micro(
            "control",
            Control,
            vec![],
            |_| vec![I::Block(BlockType::Empty), I::Nop, I::End],
            vec![],
        ),
        // A not-taken br_if, a taken if, a taken br: each starts a new
        // metered block (a gas check) as in real code.
        micro(
            "branch",
            Branch,
            vec![],
            |_| {
                vec![
                    I::Block(BlockType::Empty),
                    I::LocalGet(ZERO),
                    I::BrIf(0),
                    I::LocalGet(ONE),
                    I::If(BlockType::Empty),
                    I::End,
                    I::Br(0),
                    I::End,
                ]
            },
            vec![],
        ),
        micro(
            "br_table",
            BrTable,
            vec![],
            |_| {
                vec![
                    I::Block(BlockType::Empty),
                    I::Block(BlockType::Empty),
                    I::Block(BlockType::Empty),
                    I::LocalGet(ZERO),
                    I::BrTable(vec![0, 1, 2].into(), 2),
                    I::End,
                    I::End,
                    I::End,
                ]
            },
            vec![],
        ),
        Micro {
            callee: vec![I::LocalGet(0), I::End],
            ..micro(
                "call",
                Call,
                vec![I::LocalGet(X)],
                |_| vec![I::Call(ID)],
                vec![I::LocalSet(X)],
            )
        },
        Micro {
            callee: vec![I::LocalGet(0), I::End],
            ..micro(
                "call_indirect",
                CallIndirect,
                vec![I::LocalGet(X)],
                |_| {
                    vec![
                        I::LocalGet(ZERO),
                        I::CallIndirect {
                            type_index: 1,
                            table_index: 0,
                        },
                    ]
                },
                vec![I::LocalSet(X)],
            )
        },
        // Register moves: nothing left after Cranelift's SSA construction.
        micro(
            "local",
            Local,
            vec![],
            |_| {
                vec![
                    I::LocalGet(X),
                    I::LocalSet(Y),
                    I::LocalGet(Y),
                    I::LocalSet(X),
                ]
            },
            vec![],
        ),
        micro(
            "const",
            Const,
            vec![],
            |j| vec![I::I32Const(j as i32 * 7), I::Drop],
            vec![],
        ),
        // global += 1, each a load and a store of the instance's global.
        micro(
            "global",
            Global,
            vec![],
            |_| {
                vec![
                    I::GlobalGet(0),
                    I::LocalGet(ONE),
                    I::I32Add,
                    I::GlobalSet(0),
                ]
            },
            vec![],
        ),
        // Pointer chasing: each address is the value loaded before (0).
        micro(
            "load",
            Load,
            vec![I::LocalGet(P)],
            |_| vec![I::I32Load(memarg(0, 2))],
            vec![I::LocalSet(P)],
        ),
        micro(
            "store",
            Store,
            vec![],
            |j| {
                vec![
                    I::LocalGet(P),
                    I::LocalGet(X),
                    I::I32Store(memarg(u64::from(4 * (j % 256)), 2)),
                ]
            },
            vec![],
        ),
        micro(
            "alu",
            Alu,
            vec![I::LocalGet(X)],
            move |j| vec![I::LocalGet(Y), alu_ops[j as usize % alu_ops.len()].clone()],
            vec![I::LocalSet(X)],
        ),
        micro(
            "mul",
            Mul,
            vec![I::LocalGet(XL)],
            |_| vec![I::LocalGet(YL), I::I64Mul],
            vec![I::LocalSet(XL)],
        ),
        // 64-bit division of a large dividend by a divisor only known at
        // run time (1), alternately signed and unsigned: the worst case.
        micro(
            "div",
            Div,
            vec![I::LocalGet(XL)],
            |j| {
                vec![
                    I::LocalGet(ONEL),
                    if j % 2 == 0 { I::I64DivU } else { I::I64DivS },
                ]
            },
            vec![I::LocalSet(XL)],
        ),
        micro(
            "memory_size",
            MemorySize,
            vec![I::LocalGet(X)],
            |_| vec![I::MemorySize(0), I::I32Add],
            vec![I::LocalSet(X)],
        ),
        // Grow by 0 pages: the base cost (the per-page rate has its own
        // measurement, `grow_module`).
        micro(
            "memory_grow",
            MemoryGrow,
            vec![],
            |_| vec![I::LocalGet(ZERO), I::MemoryGrow(0), I::Drop],
            vec![],
        ),
    ];
    for (op, bytes) in [
        ("copy", 0),
        ("fill", 0),
        ("copy", BULK_BYTES),
        ("fill", BULK_BYTES),
    ] {
        let name = if bytes == 0 {
            format!("bulk_memory {op} 0 B")
        } else {
            format!("bulk_memory {op} {bytes} B")
        };
        let mut m = micro(
            &name,
            BulkMemory,
            vec![],
            move |_| {
                vec![
                    I::LocalGet(DST),
                    if op == "copy" {
                        I::LocalGet(ZERO)
                    } else {
                        I::LocalGet(ONE)
                    },
                    I::I32Const(bytes as i32),
                    if op == "copy" {
                        I::MemoryCopy {
                            src_mem: 0,
                            dst_mem: 0,
                        }
                    } else {
                        I::MemoryFill(0)
                    },
                ]
            },
            vec![],
        );
        m.bytes_per_rep = bytes;
        list.push(m);
    }
    list
}

/// `grow(pages: i32) -> i64` (text): `memory.grow` by `pages`, run on a
/// fresh instance each time, for the per-page rate.
pub const GROW_MODULE: &str = r#"(module
  (memory (export "memory") 1)
  (func (export "grow") (param i32) (result i64)
    (i64.extend_i32_s (memory.grow (local.get 0)))))"#;

/// The calls module's functions besides its loops: 8 targets in a table,
/// and `$down`, recursing `d` deep.
const CALLS_FUNCS: &str = r#"  (type $t (func (param i32) (result i32)))
  (table 8 funcref)
  (elem (i32.const 0) $f0 $f1 $f2 $f3 $f4 $f5 $f6 $f7)
  (func $f0 (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func $f1 (param i32) (result i32) (i32.add (local.get 0) (i32.const 2)))
  (func $f2 (param i32) (result i32) (i32.add (local.get 0) (i32.const 3)))
  (func $f3 (param i32) (result i32) (i32.add (local.get 0) (i32.const 4)))
  (func $f4 (param i32) (result i32) (i32.add (local.get 0) (i32.const 5)))
  (func $f5 (param i32) (result i32) (i32.add (local.get 0) (i32.const 6)))
  (func $f6 (param i32) (result i32) (i32.add (local.get 0) (i32.const 7)))
  (func $f7 (param i32) (result i32) (i32.add (local.get 0) (i32.const 8)))
  ;; recursion depth d, one call per level
  (func $down (param $d i32) (result i32)
    (if (result i32) (local.get $d)
      (then (i32.add (call $down (i32.sub (local.get $d) (i32.const 1))) (i32.const 1)))
      (else (i32.const 0))))
"#;

/// Calls in the shapes a calibration loop does not have but an attacker
/// can write (text): `indirect_random(n)`, `n` `call_indirect`s to one of
/// 8 functions picked by an LCG (indirect-branch mispredictions), against
/// `indirect_same(n)` (same loop, always the first) and `indirect_none(n)`
/// (same loop, no call); `deep(n)`, `n` recursions 1,000 deep (return-stack
/// overflow), against `shallow(n)`, 10 deep. Each returns a value that
/// depends on every call.
pub fn calls_module() -> String {
    let target = |mask: u32| {
        format!("(i32.and (i32.shr_u (local.get $x) (i32.const 16)) (i32.const {mask}))")
    };
    let call = |mask| {
        format!(
            "(local.set $acc (call_indirect (type $t) (local.get $acc) {}))",
            target(mask)
        )
    };
    let none = format!("(local.set $acc (i32.add (local.get $acc) {}))", target(7));
    // `n` recursions `depth` deep.
    let recursion = |name: &str, depth: u32| {
        format!(
            r#"  (func (export "{name}") (param $n i32) (result i32)
    (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (call $down (i32.const {depth}))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))
"#
        )
    };
    module_of(
        CALLS_FUNCS,
        [
            lcg_loop("indirect_random", &call(7)),
            lcg_loop("indirect_same", &call(0)),
            lcg_loop("indirect_none", &none),
            recursion("deep", 1000),
            recursion("shallow", 10),
        ],
    )
}

/// `(module ...)` of `funcs` and `loops`.
fn module_of(funcs: &str, loops: impl IntoIterator<Item = String>) -> String {
    loops
        .into_iter()
        .fold(format!("(module\n{funcs}"), |module, f| module + &f)
        + ")"
}

/// `$table(i, acc)`: a `br_table` to one of 8 arms, arm `k` adding
/// `k + 1` to `acc`.
const BR_TABLE_FUNC: &str = r#"  (func $table (param $i i32) (param $acc i32) (result i32)
    (block $exit
      (block $b7 (block $b6 (block $b5 (block $b4 (block $b3 (block $b2 (block $b1 (block $b0
        (br_table $b0 $b1 $b2 $b3 $b4 $b5 $b6 $b7 (local.get $i)))
        (local.set $acc (i32.add (local.get $acc) (i32.const 1))) (br $exit))
        (local.set $acc (i32.add (local.get $acc) (i32.const 2))) (br $exit))
        (local.set $acc (i32.add (local.get $acc) (i32.const 3))) (br $exit))
        (local.set $acc (i32.add (local.get $acc) (i32.const 4))) (br $exit))
        (local.set $acc (i32.add (local.get $acc) (i32.const 5))) (br $exit))
        (local.set $acc (i32.add (local.get $acc) (i32.const 6))) (br $exit))
        (local.set $acc (i32.add (local.get $acc) (i32.const 7))) (br $exit))
        (local.set $acc (i32.add (local.get $acc) (i32.const 8))))
    (local.get $acc))
"#;

/// Export `name(n)` (text): `n` times, one LCG step into `$x`, then
/// `body`; returns `$acc`.
fn lcg_loop(name: &str, body: &str) -> String {
    format!(
        r#"  (func (export "{name}") (param $n i32) (result i32)
    (local $x i32) (local $acc i32)
    (local.set $x (i32.const 12345))
    (loop $l
      (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 1103515245)) (i32.const 12345)))
      {body}
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))
"#
    )
}

/// Branches an attacker can make unpredictable (text), each loop drawing
/// one LCG step per iteration: `if_random(n)`, 16 `if`s per step on bits
/// 16–31 (branch mispredictions), against `if_none(n)` (the same bits
/// added without a branch); `br_table_random(n)`, a `br_table` to one of 8
/// arms picked by the LCG, against `br_table_same(n)` (always the first)
/// and `br_table_none(n)` (no table). Each returns a value that depends on
/// every branch.
pub fn branches_module() -> String {
    let bits = 16..32;
    let if_random: String = bits
        .clone()
        .map(|b| {
            format!(
                "(if (i32.and (local.get $x) (i32.const {})) (then (local.set $acc (i32.add (local.get $acc) (i32.const 1)))))",
                1u32 << b
            )
        })
        .collect();
    let if_none: String = bits
        .map(|b| {
            format!(
                "(local.set $acc (i32.add (local.get $acc) (i32.and (i32.shr_u (local.get $x) (i32.const {b})) (i32.const 1))))"
            )
        })
        .collect();
    let arm = |mask: u32| {
        format!(
            "(local.set $acc (call $table (i32.and (i32.shr_u (local.get $x) (i32.const 16)) (i32.const {mask})) (local.get $acc)))"
        )
    };
    let table_none = "(local.set $acc (i32.add (local.get $acc) (i32.add (i32.and (i32.shr_u (local.get $x) (i32.const 16)) (i32.const 7)) (i32.const 1))))";
    module_of(
        BR_TABLE_FUNC,
        [
            lcg_loop("if_random", &if_random),
            lcg_loop("if_none", &if_none),
            lcg_loop("br_table_random", &arm(7)),
            lcg_loop("br_table_same", &arm(0)),
            lcg_loop("br_table_none", table_none),
        ],
    )
}

/// Memory an attacker can make slow (text), 64 pages of the default limit's
/// 128: `chase(n)`, `n` loads at LCG addresses over the whole 8 MiB, each
/// address depending on the previous load (cache and TLB misses), after
/// `dirty(0)` grew it to 128 pages and wrote every byte; `touch(n)`, the first write to each of `n`
/// OS pages (4 KiB apart) of the initial memory, against `touch_none(n)`
/// (`n` writes to one page); `grow_touch(p)`, `memory.grow` by `p` pages
/// and the first write to each of their OS pages; `copy_half(n)` and
/// `fill_half(n)`, `n` copies of the lower 4 MiB onto the upper and `n`
/// fills of the upper 4 MiB, the last with 2s (bandwidth beyond the caches
/// a core owns), against `copy_none(n)`, the same loop copying 0 bytes.
/// `touch*` run on a fresh instance each time.
pub const MEMORY_MODULE: &str = r#"(module
  (memory 64 128)
  (func (export "dirty") (param i32) (result i32)
    (drop (memory.grow (i32.sub (i32.const 128) (memory.size))))
    (memory.fill (i32.const 0) (i32.const 1) (i32.const 0x800000))
    (i32.const 0))
  (func (export "chase") (param $n i32) (result i32)
    (local $x i32)
    (local.set $x (i32.const 12345))
    (loop $l
      (local.set $x (i32.xor
        (i32.add (i32.mul (local.get $x) (i32.const 1103515245)) (i32.const 12345))
        (i32.load (i32.and (local.get $x) (i32.const 0x7ffffc)))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $x))
  (func (export "touch") (param $n i32) (result i32)
    (local $p i32)
    (loop $l
      (i32.store8 (local.get $p) (i32.const 1))
      (local.set $p (i32.add (local.get $p) (i32.const 4096)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $p))
  (func (export "touch_none") (param $n i32) (result i32)
    (local $p i32)
    (loop $l
      (i32.store8 (i32.and (local.get $p) (i32.const 0)) (i32.const 1))
      (local.set $p (i32.add (local.get $p) (i32.const 4096)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $p))
  (func (export "grow_touch") (param $pages i32) (result i32)
    (local $p i32) (local $n i32)
    (local.set $p (i32.mul (memory.grow (local.get $pages)) (i32.const 65536)))
    (local.set $n (i32.mul (local.get $pages) (i32.const 16)))
    (loop $l
      (i32.store8 (local.get $p) (i32.const 1))
      (local.set $p (i32.add (local.get $p) (i32.const 4096)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $p))
  (func (export "copy_half") (param $n i32) (result i32)
    (loop $l
      (memory.copy (i32.const 0x400000) (i32.const 0) (i32.const 0x400000))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.load (i32.const 0x400000)))
  (func (export "copy_none") (param $n i32) (result i32)
    (loop $l
      (memory.copy (i32.const 0x400000) (i32.const 0) (i32.const 0))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.load (i32.const 0x400000)))
  (func (export "fill_half") (param $n i32) (result i32)
    (loop $l
      (memory.fill (i32.const 0x400000) (i32.add (local.get $n) (i32.const 1)) (i32.const 0x400000))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.load (i32.const 0x7ffffc))))
"#;

/// Where the host-function contracts keep their operands.
pub mod layout {
    /// The 8-byte storage key `key00001`.
    pub const KEY: u32 = 0x100;
    /// A 4-byte event topic.
    pub const TOPIC: u32 = 0x200;
    /// The callee's address (32 bytes of 0xBB).
    pub const CALLEE: u32 = 0x300;
    /// The method name `noop`.
    pub const METHOD: u32 = 0x340;
    /// Output buffer (up to 8 KiB).
    pub const OUT: u32 = 0x2000;
    /// Input data for the function (up to 8 KiB).
    pub const DATA: u32 = 0x4000;
}

/// The step between the keys of `host_contract`'s `distinct_keys`: a
/// store can hold other entries between them, so that consecutive calls
/// touch different parts of its index, as a contract's map of many
/// holders is read.
pub const KEY_STRIDE: u32 = 101;

/// The 8-byte key `key0 ‖ j` (little-endian), as `host_contract`'s
/// `distinct_keys` writes it for `j = i · KEY_STRIDE` (a 7-byte key is its
/// first 7 bytes).
pub fn stored_key(j: u32) -> [u8; 8] {
    let mut key = *b"key00000";
    key[4..].copy_from_slice(&j.to_le_bytes());
    key
}

/// Address of the callee of the `call` measurements.
pub const CALLEE_ADDRESS: [u8; 32] = [0xBB; 32];

/// A contract whose method `run` reads `n` from the first 4 bytes of its
/// input and calls host function `f` with `args` `n` times (`None`: the
/// same loop without the call, the baseline). Results are dropped. With
/// `distinct_keys`, iteration `i` (counting down from `n`) first stores
/// `i · KEY_STRIDE`, little-endian, over bytes 4..8 of the key at
/// [`layout::KEY`], so an 8-byte key there is `key0 ‖ i·KEY_STRIDE` and
/// each call touches another entry (a 7-byte key: `key0` ‖ that number's
/// low 3 bytes); for `call`, it stores `i` over the last 4 bytes of the
/// callee's address instead, so that each call reaches a contract the
/// call tree has not loaded yet.
pub fn host_contract(f: Option<HostFn>, args: &[i64], distinct_keys: bool) -> String {
    let mut imports = String::from(r#"(import "env" "input_read" (func $input_read (param i32)))"#);
    let mut call = String::new();
    if let Some(f) = f {
        let sig = |tys: &[wasmparser::ValType]| {
            tys.iter()
                .map(|t| {
                    if *t == wasmparser::ValType::I64 {
                        "i64"
                    } else {
                        "i32"
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        if f != HostFn::InputRead {
            imports.push_str(&format!(
                r#"(import "env" "{}" (func $f (param {}) (result {})))"#,
                f.name(),
                sig(f.params()),
                sig(f.results()),
            ));
        }
        let callee = if f == HostFn::InputRead {
            "$input_read"
        } else {
            "$f"
        };
        let operands: Vec<String> = f
            .params()
            .iter()
            .zip(args)
            .map(|(t, a)| {
                if *t == wasmparser::ValType::I64 {
                    format!("(i64.const {a})")
                } else {
                    format!("(i32.const {a})")
                }
            })
            .collect();
        call = format!("(call {callee} {})", operands.join(" "));
        if !f.results().is_empty() {
            call = format!("(drop {call})");
        }
    }
    let vary_key = if distinct_keys && f == Some(HostFn::Call) {
        format!(
            "(i32.store (i32.const {}) (local.get $i))",
            layout::CALLEE + 28
        )
    } else if distinct_keys {
        format!(
            "(i32.store (i32.const {}) (i32.mul (local.get $i) (i32.const {KEY_STRIDE})))",
            layout::KEY + 4
        )
    } else {
        String::new()
    };
    // A `(result)` clause with no types is not valid text: drop it.
    let imports = imports.replace(" (result )", "").replace("(param )", "");
    format!(
        r#"(module
  {imports}
  (memory (export "memory") 2)
  (data (i32.const {key}) "key00001")
  (data (i32.const {topic}) "tpc1")
  (data (i32.const {callee}) "{callee_bytes}")
  (data (i32.const {method}) "noop")
  (func (export "run")
    (local $i i32)
    (call $input_read (i32.const {data}))
    (local.set $i (i32.load (i32.const {data})))
    (block (loop
      (br_if 1 (i32.eqz (local.get $i)))
      {vary_key}
      {call}
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (br 0)))))"#,
        key = layout::KEY,
        topic = layout::TOPIC,
        callee = layout::CALLEE,
        callee_bytes = "\\bb".repeat(32),
        method = layout::METHOD,
        data = layout::DATA,
    )
}

/// The callee of the `call` measurements: `noop` returns at once.
pub const CALLEE_CONTRACT: &str = r#"(module (memory (export "memory") 1) (func (export "noop")))"#;

#[cfg(test)]
mod tests {
    use super::*;
    use gasket_vm::{Engine, EngineConfig, Imports, Instance, Value};

    const GAS: u64 = 1 << 40;

    fn gas_of(engine: &Engine, wasm: &[u8], n: i32) -> u64 {
        let config = gasket_metering::Config::default();
        // `run(n) -> i64` is not a contract export: the permissive policy.
        let prepared =
            gasket_metering::prepare_with_policy(wasm, &config, &gasket_metering::Permissive)
                .expect("prepare");
        let module = engine.compile(&prepared).expect("compile");
        let mut instance = Instance::new(&module, Imports::new(), GAS).expect("instantiate");
        instance.set_gas(GAS);
        instance.call("run", &[Value::I32(n)]).expect("run");
        GAS - instance.gas_left() as u64
    }

    /// Each microbenchmark validates, prepares, compiles and runs, and one
    /// iteration costs exactly its instructions' gas beyond the baseline.
    #[test]
    fn every_micro_runs_with_the_expected_gas() {
        let engine = Engine::new(EngineConfig::default()).expect("engine");
        let schedule = CostSchedule::default();
        let base = gas_of(&engine, &baseline(), 3);
        let micros = micros();
        for class in CLASSES {
            assert!(
                micros.iter().any(|m| m.class == class),
                "no microbenchmark for {class:?}"
            );
        }
        for m in &micros {
            let wasm = m.wasm();
            wasmparser::Validator::new()
                .validate_all(&wasm)
                .unwrap_or_else(|e| panic!("{}: {e}", m.name));
            let gas = gas_of(&engine, &wasm, 3);
            assert_eq!(
                gas - base,
                3 * m.iteration_gas(&schedule),
                "{}: gas of 3 iterations beyond the baseline",
                m.name
            );
            let (class, count) = m.counts()[class_name(m.class)];
            assert_eq!(class, m.class);
            assert!(count >= 1.0, "{}: {count} of its class per rep", m.name);
        }
    }

    /// An instance of `wat`, prepared with the default config.
    fn instance_of(wat: &str) -> Instance {
        let engine = Engine::new(EngineConfig::default()).expect("engine");
        let wasm = wat::parse_str(wat).expect("parse");
        let prepared = gasket_metering::prepare_with_policy(
            &wasm,
            &gasket_metering::Config::default(),
            &gasket_metering::Permissive,
        )
        .expect("prepare");
        let module = engine.compile(&prepared).expect("compile");
        Instance::new(&module, Imports::new(), GAS).expect("instantiate")
    }

    /// `export(n)` with ample gas: its `i32` or `i64` result.
    fn call(instance: &mut Instance, export: &str, n: i32) -> i64 {
        instance.set_gas(GAS);
        instance.call(export, &[Value::I32(n)]).expect(export)[0].as_i64()
    }

    /// The adversarial-call exports compute what their documentation says:
    /// the LCG's targets, every call of every recursion.
    #[test]
    fn calls_module_computes_what_it_says() {
        let mut instance = instance_of(&calls_module());
        let mut run = |export: &str, n: i32| call(&mut instance, export, n);
        let n = 1000;
        let (mut x, mut targets) = (12345u32, 0i64);
        for _ in 0..n {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            targets += i64::from((x >> 16) & 7);
        }
        assert_eq!(run("indirect_random", n), targets + i64::from(n));
        assert_eq!(run("indirect_same", n), i64::from(n));
        assert_eq!(run("indirect_none", n), targets);
        assert_eq!(run("deep", 3), 3000);
        assert_eq!(run("shallow", 3), 30);
    }

    /// The branch and memory exports compute what their documentation
    /// says.
    #[test]
    fn branches_and_memory_modules_compute_what_they_say() {
        let n = 1000;
        let (mut x, mut bits, mut arms) = (12345u32, 0i64, 0i64);
        for _ in 0..n {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            bits += i64::from((x >> 16).count_ones());
            arms += i64::from((x >> 16) & 7) + 1;
        }
        let mut branches = instance_of(&branches_module());
        assert_eq!(call(&mut branches, "if_random", n), bits);
        assert_eq!(call(&mut branches, "if_none", n), bits);
        assert_eq!(call(&mut branches, "br_table_random", n), arms);
        assert_eq!(call(&mut branches, "br_table_same", n), i64::from(n));
        assert_eq!(call(&mut branches, "br_table_none", n), arms);

        let mut memory = instance_of(MEMORY_MODULE);
        assert_eq!(call(&mut memory, "touch", 16), 16 * 4096);
        assert_eq!(call(&mut memory, "touch_none", 16), 16 * 4096);
        assert_eq!(call(&mut memory, "grow_touch", 2), (64 + 2) * 65536);
        assert_eq!(call(&mut memory, "dirty", 0), 0);
        // Every byte is 1 after `dirty`: each load XORs 0x01010101 in.
        let mut x = 12345u32;
        for _ in 0..n {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345) ^ 0x0101_0101;
        }
        assert_eq!(call(&mut memory, "chase", n), i64::from(x as i32));
        // `dirty` wrote 1s everywhere; the fills end with 2s in the upper
        // half, which a copy of the lower half overwrites with 1s.
        assert_eq!(call(&mut memory, "fill_half", 2), 0x0202_0202);
        assert_eq!(call(&mut memory, "copy_none", 3), 0x0202_0202);
        assert_eq!(call(&mut memory, "copy_half", 2), 0x0101_0101);
        // Each copy and fill is charged for its 4 MiB.
        let costs = CostSchedule::default();
        let per_kib = u64::from(costs.bulk_memory_per_kib);
        let mut gas = |export: &str| {
            memory.set_gas(GAS);
            memory.call(export, &[Value::I32(1)]).expect(export);
            GAS - memory.gas_left() as u64
        };
        let copy_none = gas("copy_none");
        assert_eq!(gas("copy_half") - copy_none, 4096 * per_kib);
        // `fill_half`'s value is computed (`local.get`, `i32.add`).
        let value = u64::from(costs.local + costs.alu);
        assert_eq!(gas("fill_half") - copy_none, 4096 * per_kib + value);
    }

    #[test]
    fn distinct_keys_touch_one_entry_per_call() {
        use gasket_host_env::{
            Address, BlockInfo, CallContext, CallMode, Capabilities, Contract, MemoryContracts,
            MemoryStorage, Storage, execute,
        };
        use gasket_metering::Config;
        let config = Config::default();
        let engine = Engine::new(EngineConfig::default()).unwrap();
        let contract = Address([0xA1; 32]);
        let run = |key_len: i64| {
            let args = [i64::from(layout::KEY), key_len, i64::from(layout::DATA), 4];
            let wasm =
                wat::parse_str(host_contract(Some(HostFn::StorageWrite), &args, true)).unwrap();
            let prepared = Capabilities::all().prepare(&wasm, &config).unwrap();
            let mut contracts = MemoryContracts::new();
            let module = engine.compile(&prepared).unwrap();
            contracts.insert(
                contract,
                Contract {
                    module,
                    views: None,
                    wasm_bytes: wasm.len() as u64,
                },
            );
            let mut storage = MemoryStorage::new();
            let call = CallContext {
                caller: Address([0xAA; 32]),
                contract,
                method: "run".into(),
                input: 3u32.to_le_bytes().to_vec(),
                block: BlockInfo::default(),
                gas_limit: 1 << 30,
                mode: CallMode::Call,
            };
            let report = execute(&config, &contracts, &mut storage, &call).unwrap();
            assert_eq!(report.outcome.status.label(), "success", "{report:?}");
            storage
        };
        let storage = run(8);
        for i in 1..=3u32 {
            let key = stored_key(i * KEY_STRIDE);
            assert!(storage.get(&contract, &key).unwrap().is_some(), "key0‖{i}");
        }
        assert_eq!(storage.entries().count(), 3, "one entry per call");
        let storage = run(7);
        for i in 1..=3u32 {
            let key = &stored_key(i * KEY_STRIDE)[..7];
            assert!(
                storage.get(&contract, key).unwrap().is_some(),
                "7-byte key {i}"
            );
        }
        assert_eq!(storage.entries().count(), 3, "one entry per call");
    }

    #[test]
    fn host_contracts_parse() {
        for &f in HostFn::ALL {
            for distinct_keys in [false, true] {
                let args = vec![0i64; f.params().len()];
                wat::parse_str(host_contract(Some(f), &args, distinct_keys))
                    .unwrap_or_else(|e| panic!("{f:?}: {e}"));
            }
        }
        wat::parse_str(host_contract(None, &[], true)).expect("baseline");
        wat::parse_str(CALLEE_CONTRACT).expect("callee");
        wat::parse_str(GROW_MODULE).expect("grow");
    }
}
