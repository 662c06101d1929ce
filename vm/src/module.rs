//! A compiled module: code blob, metadata, and what instantiation needs
//! (global initialisers, data and element segments).
//!
//! Immutable and `Send + Sync`: any number of instances on any threads.

use std::sync::Arc;

use borsh::{BorshDeserialize, BorshSerialize};
use gasket_metering::ModuleInfo;
use wasmparser::{DataKind, ElementItems, ElementKind, FunctionBody, Operator, Parser, Payload};

use crate::error::CompileError;
use crate::link::code_memory::CodeMemory;
use crate::runtime::instance::ExportFunc;

/// A constant expression of the subset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub(crate) enum ConstExpr {
    I32(i32),
    I64(i64),
    /// `global.get` of an (imported) global.
    Global(u32),
}

/// A data segment.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub(crate) struct DataSegment {
    /// `None` for a passive segment.
    pub offset: Option<ConstExpr>,
    pub bytes: Vec<u8>,
}

/// An element segment (function indices; `None` is a null entry).
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub(crate) struct ElemSegment {
    /// `None` for a passive or declared segment.
    pub offset: Option<ConstExpr>,
    /// A declared segment (dropped from the start, like an active one
    /// after instantiation).
    pub declared: bool,
    pub funcs: Vec<Option<u32>>,
}

/// Everything instantiation reads from the module besides code.
#[derive(Debug, Clone, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub(crate) struct Segments {
    /// Initialisers of the defined globals, in order.
    pub globals: Vec<ConstExpr>,
    pub data: Vec<DataSegment>,
    pub elements: Vec<ElemSegment>,
}

pub(crate) struct Parsed<'a> {
    pub bodies: Vec<FunctionBody<'a>>,
    pub segments: Segments,
}

fn const_expr(expr: &wasmparser::ConstExpr<'_>) -> Result<ConstExpr, CompileError> {
    let mut reader = expr.get_operators_reader();
    let bad =
        |offset| CompileError::internal("constant expression outside the subset", u32::MAX, offset);
    let (op, offset) = reader.read_with_offset().map_err(|e| bad(e.offset()))?;
    let value = match op {
        Operator::I32Const { value } => ConstExpr::I32(value),
        Operator::I64Const { value } => ConstExpr::I64(value),
        Operator::GlobalGet { global_index } => ConstExpr::Global(global_index),
        _ => return Err(bad(offset)),
    };
    match reader.read_with_offset() {
        Ok((Operator::End, _)) => Ok(value),
        Ok((_, offset)) => Err(bad(offset)),
        Err(e) => Err(bad(e.offset())),
    }
}

/// Reads the parts of the instrumented module the backend needs.
pub(crate) fn parse_module<'a>(
    wasm: &'a [u8],
    _info: &ModuleInfo,
) -> Result<Parsed<'a>, CompileError> {
    let internal = |e: wasmparser::BinaryReaderError| {
        CompileError::internal(e.message().to_string(), u32::MAX, e.offset())
    };
    let mut parsed = Parsed {
        bodies: Vec::new(),
        segments: Segments::default(),
    };
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.map_err(internal)? {
            Payload::GlobalSection(reader) => {
                for global in reader {
                    let global = global.map_err(internal)?;
                    parsed.segments.globals.push(const_expr(&global.init_expr)?);
                }
            }
            Payload::DataSection(reader) => {
                for data in reader {
                    let data = data.map_err(internal)?;
                    let offset = match data.kind {
                        DataKind::Passive => None,
                        DataKind::Active {
                            memory_index: 0,
                            offset_expr,
                        } => Some(const_expr(&offset_expr)?),
                        DataKind::Active { .. } => {
                            return Err(CompileError::internal(
                                "data segment for a second memory",
                                u32::MAX,
                                data.range.start,
                            ));
                        }
                    };
                    parsed.segments.data.push(DataSegment {
                        offset,
                        bytes: data.data.to_vec(),
                    });
                }
            }
            Payload::ElementSection(reader) => {
                for element in reader {
                    let element = element.map_err(internal)?;
                    let declared = matches!(element.kind, ElementKind::Declared);
                    let offset = match element.kind {
                        ElementKind::Active {
                            table_index: None | Some(0),
                            offset_expr,
                        } => Some(const_expr(&offset_expr)?),
                        ElementKind::Active { .. } => {
                            return Err(CompileError::internal(
                                "element segment for a second table",
                                u32::MAX,
                                element.range.start,
                            ));
                        }
                        ElementKind::Passive | ElementKind::Declared => None,
                    };
                    let mut funcs = Vec::new();
                    match element.items {
                        ElementItems::Functions(items) => {
                            for f in items {
                                funcs.push(Some(f.map_err(internal)?));
                            }
                        }
                        ElementItems::Expressions(_, items) => {
                            for expr in items {
                                let expr = expr.map_err(internal)?;
                                let mut ops = expr.get_operators_reader();
                                let func = match ops.read().map_err(internal)? {
                                    Operator::RefFunc { function_index } => Some(function_index),
                                    Operator::RefNull { .. } => None,
                                    _ => {
                                        return Err(CompileError::internal(
                                            "element expression outside the subset",
                                            u32::MAX,
                                            element.range.start,
                                        ));
                                    }
                                };
                                funcs.push(func);
                            }
                        }
                    }
                    parsed.segments.elements.push(ElemSegment {
                        offset,
                        declared,
                        funcs,
                    });
                }
            }
            Payload::CodeSectionEntry(body) => parsed.bodies.push(body),
            _ => {}
        }
    }
    Ok(parsed)
}

/// A compiled module. Cheap to clone (shared), `Send + Sync`.
#[derive(Clone, Debug)]
pub struct Module {
    pub(crate) inner: Arc<ModuleInner>,
}

impl From<ModuleInner> for Module {
    /// The module of mapped code, compiled or loaded, named in this
    /// process's perf map if one was asked for (`link::perf_map`).
    fn from(inner: ModuleInner) -> Module {
        crate::link::perf_map::announce(&inner);
        Module {
            inner: Arc::new(inner),
        }
    }
}

#[derive(Debug)]
pub(crate) struct ModuleInner {
    pub info: ModuleInfo,
    /// Canonical signature id + 1 per type index.
    pub sig_ids: Vec<u32>,
    /// Blob offset of every function index (import wrappers included).
    pub function_offsets: Vec<usize>,
    /// Blob offset of the entry trampoline of each exported function.
    pub entries: Vec<(u32, usize)>,
    /// Blob offset of the indirect trampoline of each type index, if the
    /// table is shared (imported or exported).
    pub indirect_entries: Vec<(u32, usize)>,
    pub code: CodeMemory,
    pub parsed: Segments,
    pub native_stack_bytes: usize,
    pub target: crate::engine::Target,
}

impl ModuleInner {
    /// Type index and entry trampoline of the exported function `name`.
    pub(crate) fn export_entry(&self, name: &str) -> Option<(u32, usize)> {
        let export = self.info.export(name)?;
        if export.kind != gasket_metering::ExportKind::Func {
            return None;
        }
        let ty = *self.info.functions.get(export.index as usize)?;
        let entry = self
            .entries
            .iter()
            .find(|&&(i, _)| i == export.index)
            .map(|&(_, offset)| offset)?;
        Some((ty, entry))
    }
}

impl Module {
    /// The exported function `name`, resolved for repeated calls
    /// ([`crate::Instance::call_func`]).
    pub fn export_func(&self, name: &str) -> Option<ExportFunc> {
        let (ty, entry) = self.inner.export_entry(name)?;
        Some(ExportFunc {
            module: self.inner.clone(),
            name: name.into(),
            ty,
            entry,
        })
    }

    /// What `gasket-metering` says about the module.
    pub fn info(&self) -> &ModuleInfo {
        &self.inner.info
    }

    /// The architecture the code is for.
    pub fn target(&self) -> crate::engine::Target {
        self.inner.target
    }

    /// The code blob (position-independent machine code).
    pub fn code(&self) -> &[u8] {
        self.inner.code.bytes()
    }

    /// Size of the code blob in bytes.
    pub fn code_size(&self) -> usize {
        self.inner.code.bytes().len()
    }
}

const _: fn() = || {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Module>();
};
