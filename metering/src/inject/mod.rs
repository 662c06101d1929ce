//! Injection: rewrites the module with gas metering and the stack-height
//! limiter, consuming the [`crate::analysis`] data.
//!
//! Nothing is renumbered: types, functions, globals and exports are only
//! appended to, so every index in the original code stays valid and untouched
//! sections are copied byte for byte. What is added:
//!
//! | item      | what                                                        |
//! |-----------|-------------------------------------------------------------|
//! | types     | `(i64)`, `(i32 i64) -> i32`, `(i32)`, `[] -> results` of multi-value functions, `[] -> []` (with `$start`) |
//! | globals   | gas (mut i64), stack height (mut i32), both starting at 0   |
//! | functions | the five helpers of `helpers`, and `$start` when the instance costs gas (initial pages, active data) |
//! | exports   | `__gasket_gas`, `__gasket_stack`, `__gasket_start` (`$start`, else the module's start function, if any) |
//!
//! The start section is removed (`__gasket_start` is exported instead), so
//! that the host can set gas before it runs; `$start` charges the initial
//! memory pages and the active data segments' bytes
//! ([`Injected::start_gas`]), then calls the module's start function. Custom sections
//! are dropped except `name`. Each function body is rewritten by `body`.

mod body;
pub(crate) mod helpers;

use std::collections::BTreeMap;

use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasm_encoder::{
    CodeSection, ConstExpr, ExportKind as EncExportKind, ExportSection, FunctionSection,
    GlobalSection, GlobalType, MemorySection, Module, RawSection, SectionId, TypeSection,
    ValType as EncValType,
};
use wasmparser::Payload;

use crate::analysis::body_bytes;
use crate::analysis::module::ModuleAnalysis;
use crate::config::Config;
use crate::error::{ErrorKind, PrepareError};
use crate::info::{Export, ExportKind, FuncSig, GlobalSig, Injected, ModuleInfo, ValType};
use crate::parallel::body_threads;
use crate::{GAS_EXPORT, STACK_EXPORT, START_EXPORT};

/// Where the additions go, decided before any byte is written.
struct Layout {
    injected: Injected,
    type_charge_gas: u32,
    type_charge_dynamic: u32,
    type_stack: u32,
    /// `$start`'s type and what it charges, when the instance costs gas.
    start: Option<(u32, u64)>,
    /// Block types for bodies of functions with several results.
    multi_result_types: BTreeMap<Vec<ValType>, u32>,
    /// Types appended after the original ones, in order.
    new_types: Vec<FuncSig>,
}

fn enc(ty: ValType) -> EncValType {
    match ty {
        ValType::I32 => EncValType::I32,
        ValType::I64 => EncValType::I64,
    }
}

fn sig(ty: &wasmparser::FuncType) -> FuncSig {
    // The gate admitted integer types only.
    let ints = |types: &[wasmparser::ValType]| {
        types
            .iter()
            .filter_map(|&t| ValType::from_wasm(t))
            .collect()
    };
    FuncSig {
        params: ints(ty.params()),
        results: ints(ty.results()),
    }
}

impl Layout {
    fn new(analysis: &ModuleAnalysis, config: &Config) -> Layout {
        let mut new_types = vec![
            FuncSig {
                params: vec![ValType::I64],
                results: vec![],
            },
            FuncSig {
                params: vec![ValType::I32, ValType::I64],
                results: vec![ValType::I32],
            },
            FuncSig {
                params: vec![ValType::I32],
                results: vec![],
            },
        ];
        let first_new = analysis.types.len() as u32;
        let mut multi_result_types = BTreeMap::new();
        for &ty in &analysis.functions[analysis.imported_functions as usize..] {
            let results = sig(&analysis.types[ty as usize]).results;
            if results.len() > 1 && !multi_result_types.contains_key(&results) {
                multi_result_types.insert(results.clone(), first_new + new_types.len() as u32);
                new_types.push(FuncSig {
                    params: vec![],
                    results,
                });
            }
        }
        let start_gas = config.costs.instance_gas(
            analysis.memory.map_or(0, |m| m.initial),
            analysis.active_data_bytes,
            analysis.active_elements,
        );
        let start = (start_gas > 0).then(|| {
            new_types.push(FuncSig {
                params: vec![],
                results: vec![],
            });
            (first_new + new_types.len() as u32 - 1, start_gas)
        });
        let functions = analysis.functions.len() as u32;
        let globals = analysis.globals.len() as u32;
        Layout {
            injected: Injected {
                gas_global: globals,
                stack_global: globals + 1,
                charge_gas_func: functions,
                charge_dynamic_func: functions + 1,
                charge_bytes_func: functions + 2,
                stack_enter_func: functions + 3,
                stack_exit_func: functions + 4,
                start_func: match start {
                    Some(_) => Some(functions + 5),
                    None => analysis.start,
                },
                start_gas,
                stack_limit: config.stack.limit,
            },
            type_charge_gas: first_new,
            type_charge_dynamic: first_new + 1,
            type_stack: first_new + 2,
            start,
            multi_result_types,
            new_types,
        }
    }
}

/// Section order of the binary format (custom sections aside).
fn order(id: u8) -> u8 {
    match id {
        1 => 1,   // type
        2 => 2,   // import
        3 => 3,   // function
        4 => 4,   // table
        5 => 5,   // memory
        13 => 6,  // tag
        6 => 7,   // global
        7 => 8,   // export
        8 => 9,   // start
        9 => 10,  // element
        12 => 11, // data count
        10 => 12, // code
        11 => 13, // data
        _ => 0,
    }
}

/// Sections injection must emit even when the original has none.
const ADDED_SECTIONS: [SectionId; 5] = [
    SectionId::Type,
    SectionId::Function,
    SectionId::Global,
    SectionId::Export,
    SectionId::Code,
];

fn internal(message: impl std::fmt::Display) -> PrepareError {
    PrepareError::new(
        ErrorKind::Invalid {
            message: format!("re-encoding failed: {message}"),
        },
        None,
        0,
    )
}

struct Writer<'a> {
    analysis: &'a ModuleAnalysis,
    config: &'a Config,
    layout: Layout,
    module: Module,
    /// Which of [`ADDED_SECTIONS`] are written.
    written: [bool; 5],
    exports: Vec<Export>,
}

/// Writes the instrumented module and describes it.
pub(crate) fn instrument(
    wasm: &[u8],
    analysis: &ModuleAnalysis,
    config: &Config,
) -> Result<(Vec<u8>, ModuleInfo), PrepareError> {
    let layout = Layout::new(analysis, config);
    let mut w = Writer {
        analysis,
        config,
        layout,
        module: Module::new(),
        written: [false; 5],
        exports: Vec::new(),
    };
    let mut code_bodies = Vec::with_capacity(analysis.plans.len());
    for payload in crate::analysis::module::parser(crate::FEATURES).parse_all(wasm) {
        // The module was fully validated by the analysis.
        let payload = payload.map_err(internal)?;
        if let Some((id, _)) = payload.as_section() {
            w.flush_missing_before(order(id))?;
        }
        match payload {
            Payload::TypeSection(section) => {
                let mut types = TypeSection::new();
                RoundtripReencoder
                    .parse_type_section(&mut types, section)
                    .map_err(internal)?;
                w.append_types(&mut types);
                w.emit(SectionId::Type, &types);
            }
            Payload::FunctionSection(section) => {
                let mut functions = FunctionSection::new();
                RoundtripReencoder
                    .parse_function_section(&mut functions, section)
                    .map_err(internal)?;
                w.append_functions(&mut functions);
                w.emit(SectionId::Function, &functions);
            }
            Payload::GlobalSection(section) => {
                let mut globals = GlobalSection::new();
                RoundtripReencoder
                    .parse_global_section(&mut globals, section)
                    .map_err(internal)?;
                w.append_globals(&mut globals);
                w.emit(SectionId::Global, &globals);
            }
            Payload::ExportSection(section) => {
                let mut exports = ExportSection::new();
                RoundtripReencoder
                    .parse_export_section(&mut exports, section)
                    .map_err(internal)?;
                w.append_exports(&mut exports);
                w.emit(SectionId::Export, &exports);
            }
            Payload::MemorySection(section) => {
                // The maximum the VM enforces (`limits.memory_pages` when
                // the module declares none) goes into the output, so that
                // any engine running it refuses the same grows.
                let maximum = analysis.memory.map(|m| u64::from(m.maximum));
                let mut memories = MemorySection::new();
                for memory in section {
                    let memory = memory.map_err(internal)?;
                    memories.memory(wasm_encoder::MemoryType {
                        maximum: maximum.or(memory.maximum),
                        ..RoundtripReencoder.memory_type(memory).map_err(internal)?
                    });
                }
                w.module.section(&memories);
            }
            Payload::StartSection { .. } => {}
            Payload::CodeSectionEntry(entry) => code_bodies.push(entry),
            Payload::CodeSectionStart { .. } => {}
            Payload::CustomSection(section) if section.name() == "name" => {
                w.module.section(&wasm_encoder::CustomSection {
                    name: "name".into(),
                    data: section.data().into(),
                });
            }
            Payload::CustomSection(_) => {}
            Payload::End(_) => {}
            other => {
                if let Some((id, range)) = other.as_section() {
                    w.module.section(&RawSection {
                        id,
                        data: &wasm[range.start as usize..range.end as usize],
                    });
                }
            }
        }
        // The code section is written once all its entries are read.
        if !code_bodies.is_empty() && code_bodies.len() == analysis.plans.len() && !w.written[4] {
            let layout = &w.layout;
            let functions = crate::parallel::map_in_order(
                code_bodies.len(),
                body_threads(code_bodies.iter().map(body_bytes).sum()),
                |i| body_bytes(&code_bodies[i]),
                std::thread::Builder::new,
                || (),
                |(), i| {
                    let function = analysis.imported_functions + i as u32;
                    let plan = &analysis.plans[i];
                    body::rewrite(&code_bodies[i], function, plan, layout, analysis, config)
                },
            )?;
            code_bodies.clear();
            let mut code = CodeSection::new();
            for function in &functions {
                code.function(function);
            }
            w.append_code(&mut code);
            w.emit(SectionId::Code, &code);
        }
    }
    w.flush_missing_before(u8::MAX)?;
    let info = w.info();
    Ok((w.module.finish(), info))
}

impl Writer<'_> {
    fn slot(id: SectionId) -> usize {
        ADDED_SECTIONS.iter().position(|&s| s == id).unwrap_or(0)
    }

    fn emit(&mut self, id: SectionId, section: &impl wasm_encoder::Section) {
        self.module.section(section);
        self.written[Self::slot(id)] = true;
    }

    /// Writes the added sections the original lacks that must come before a
    /// section of binary order `next`.
    fn flush_missing_before(&mut self, next: u8) -> Result<(), PrepareError> {
        for id in ADDED_SECTIONS {
            if self.written[Self::slot(id)] || order(id as u8) >= next {
                continue;
            }
            match id {
                SectionId::Type => {
                    let mut s = TypeSection::new();
                    self.append_types(&mut s);
                    self.emit(id, &s);
                }
                SectionId::Function => {
                    let mut s = FunctionSection::new();
                    self.append_functions(&mut s);
                    self.emit(id, &s);
                }
                SectionId::Global => {
                    let mut s = GlobalSection::new();
                    self.append_globals(&mut s);
                    self.emit(id, &s);
                }
                SectionId::Export => {
                    let mut s = ExportSection::new();
                    self.append_exports(&mut s);
                    self.emit(id, &s);
                }
                _ => {
                    let mut s = CodeSection::new();
                    self.append_code(&mut s);
                    self.emit(id, &s);
                }
            }
        }
        Ok(())
    }

    fn append_types(&self, types: &mut TypeSection) {
        for t in &self.layout.new_types {
            types.ty().function(
                t.params.iter().copied().map(enc),
                t.results.iter().copied().map(enc),
            );
        }
    }

    fn append_functions(&self, functions: &mut FunctionSection) {
        let l = &self.layout;
        for ty in [
            l.type_charge_gas,
            l.type_charge_dynamic,
            // charge_bytes has charge_dynamic's type.
            l.type_charge_dynamic,
            l.type_stack,
            l.type_stack,
        ] {
            functions.function(ty);
        }
        if let Some((ty, _)) = l.start {
            functions.function(ty);
        }
    }

    fn append_globals(&self, globals: &mut GlobalSection) {
        let mutable = |val_type| GlobalType {
            val_type,
            mutable: true,
            shared: false,
        };
        globals.global(mutable(EncValType::I64), &ConstExpr::i64_const(0));
        globals.global(mutable(EncValType::I32), &ConstExpr::i32_const(0));
    }

    fn append_exports(&mut self, exports: &mut ExportSection) {
        self.exports = self.analysis.exports.clone();
        let injected = &self.layout.injected;
        let mut added = vec![
            (GAS_EXPORT, ExportKind::Global, injected.gas_global),
            (STACK_EXPORT, ExportKind::Global, injected.stack_global),
        ];
        if let Some(start) = injected.start_func {
            added.push((START_EXPORT, ExportKind::Func, start));
        }
        for (name, kind, index) in added {
            let enc_kind = match kind {
                ExportKind::Func => EncExportKind::Func,
                _ => EncExportKind::Global,
            };
            exports.export(name, enc_kind, index);
            self.exports.push(Export {
                name: name.into(),
                kind,
                index,
            });
        }
    }

    fn append_code(&self, code: &mut CodeSection) {
        let injected = &self.layout.injected;
        code.function(&helpers::charge_gas(injected));
        code.function(&helpers::charge_dynamic(injected));
        code.function(&helpers::charge_bytes(injected));
        code.function(&helpers::stack_enter(injected, self.config.stack.limit));
        code.function(&helpers::stack_exit(injected));
        if let Some((_, gas)) = self.layout.start {
            code.function(&helpers::start(injected, gas, self.analysis.start));
        }
    }

    fn info(&self) -> ModuleInfo {
        let a = self.analysis;
        let l = &self.layout;
        let mut types: Vec<FuncSig> = a.types.iter().map(sig).collect();
        types.extend(l.new_types.iter().cloned());
        let mut functions = a.functions.clone();
        functions.extend([
            l.type_charge_gas,
            l.type_charge_dynamic,
            // charge_bytes has charge_dynamic's type.
            l.type_charge_dynamic,
            l.type_stack,
            l.type_stack,
        ]);
        functions.extend(l.start.map(|(ty, _)| ty));
        let mut globals = a.globals.clone();
        globals.push(GlobalSig {
            ty: ValType::I64,
            mutable: true,
        });
        globals.push(GlobalSig {
            ty: ValType::I32,
            mutable: true,
        });
        ModuleInfo {
            types,
            functions,
            imported_functions: a.imported_functions,
            imports: a.imports.clone(),
            exports: self.exports.clone(),
            memory: a.memory,
            table: a.table,
            globals,
            injected: l.injected.clone(),
        }
    }
}
