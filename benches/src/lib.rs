//! Inputs shared by Gasket's benchmarks: synthetic modules of a chosen size
//! whose code looks like what rustc emits for contracts (loops, branches,
//! loads and stores, calls, `br_table`), and the built example contracts.

pub mod calibrate;
#[cfg(feature = "compare")]
pub mod compare;
pub mod token;

use std::path::PathBuf;

use wasm_encoder::{
    BlockType, CodeSection, ExportKind, ExportSection, Function, FunctionSection, Instruction as I,
    MemArg, MemArgTarget, MemorySection, MemoryType, Module, TypeSection, ValType,
};

fn memarg(offset: u64) -> MemArg {
    MemArg {
        offset,
        align: 2,
        target: MemArgTarget::Memory(0),
        ordering: None,
    }
}

/// One contract-like function body of about 300 bytes; `callee` is a
/// function it calls.
fn contract_like_body(seed: u32, callee: u32) -> Function {
    let mut f = Function::new([(3, ValType::I32), (1, ValType::I64)]);
    let k = seed as i32;
    let ins = [
        // A counted loop that hashes memory.
        I::I32Const(0),
        I::LocalSet(1),
        I::Block(BlockType::Empty),
        I::Loop(BlockType::Empty),
        I::LocalGet(1),
        I::LocalGet(0),
        I::I32GeU,
        I::BrIf(1),
        I::LocalGet(1),
        I::I32Load(memarg(16)),
        I::I32Const(k | 1),
        I::I32Mul,
        I::LocalGet(2),
        I::I32Xor,
        I::I32Const(5),
        I::I32Rotl,
        I::LocalSet(2),
        I::LocalGet(1),
        I::I32Const(4),
        I::I32Add,
        I::LocalSet(1),
        I::Br(0),
        I::End,
        I::End,
        // A match on the result.
        I::Block(BlockType::Empty),
        I::Block(BlockType::Empty),
        I::Block(BlockType::Empty),
        I::LocalGet(2),
        I::I32Const(3),
        I::I32And,
        I::BrTable(vec![0, 1, 2].into(), 2),
        I::End,
        I::LocalGet(2),
        I::I64ExtendI32U,
        I::LocalSet(4),
        I::Br(1),
        I::End,
        I::LocalGet(2),
        I::I32Const(k),
        I::I32Add,
        I::Call(callee),
        I::LocalSet(3),
        I::End,
        // Some branches and stores.
        I::LocalGet(3),
        I::If(BlockType::Empty),
        I::LocalGet(0),
        I::LocalGet(3),
        I::I32Store(memarg(64)),
        I::Else,
        I::LocalGet(0),
        I::LocalGet(4),
        I::I64Store(memarg(128)),
        I::End,
        I::LocalGet(2),
        I::LocalGet(3),
        I::I32Add,
        I::End,
    ];
    for i in &ins {
        f.instruction(i);
    }
    f
}

/// A valid module of about `target_bytes`, made of contract-like functions.
pub fn synthetic_module(target_bytes: usize) -> Vec<u8> {
    let functions = (target_bytes / 120).max(2) as u32;
    let mut module = Module::new();
    let mut types = TypeSection::new();
    types.ty().function([ValType::I32], [ValType::I32]);
    types.ty().function([], []);
    module.section(&types);
    let mut funcs = FunctionSection::new();
    for _ in 0..functions {
        funcs.function(0);
    }
    module.section(&funcs);
    let mut memory = MemorySection::new();
    memory.memory(MemoryType {
        minimum: 1,
        maximum: None,
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    module.section(&memory);
    let mut exports = ExportSection::new();
    exports.export("memory", ExportKind::Memory, 0);
    module.section(&exports);
    let mut code = CodeSection::new();
    for i in 0..functions {
        code.function(&contract_like_body(i, (i * 7 + 1) % functions));
    }
    module.section(&code);
    module.finish()
}

/// A config whose limits admit the largest synthetic module.
pub fn roomy_config() -> gasket_metering::Config {
    let mut config = gasket_metering::Config::default();
    config.limits.module_bytes = 64 * 1024 * 1024;
    config.limits.functions = 1_000_000;
    config
}

/// `contracts/target/wasm`, where `contracts/build.sh` puts the example
/// contracts.
pub fn contracts_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../contracts/target/wasm")
}

/// The module `contracts/build.sh` built for contract `name`; panics naming
/// the file and that script when it is missing.
pub fn read_contract(name: &str) -> Vec<u8> {
    let path = contracts_dir().join(format!("{name}.wasm"));
    std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run contracts/build.sh first", path.display()))
}
