//! The module-level walk: gate, limits, policy and validation of every
//! section, and the per-function analysis of every body.

use wasmparser::{
    ElementItems, ElementKind, Encoding, ExternalKind, FuncToValidate, FuncType,
    FuncValidatorAllocations, FunctionBody, Parser, Payload, TypeRef, ValidPayload, Validator,
    ValidatorResources, WasmFeatures,
};

use super::{FunctionPlan, analyze_function, body_bytes};
use crate::config::Config;
use crate::error::{ErrorKind, Feature, Limit, PolicyViolation, PrepareError};
use crate::gate;
use crate::info::{Export, ExportKind, GlobalSig, Import, ImportKind, Limits, ValType};
use crate::policy::{ItemType, Policy};

/// The accepted feature set, exactly: the MVP without floats, mutable
/// globals, sign extension, multi-value, bulk memory (with its
/// `table.init`, `table.copy`, `elem.drop` on the one table), and the
/// overlong `call_indirect` table immediate that rustc emits since 1.82.
pub const FEATURES: WasmFeatures = WasmFeatures::MUTABLE_GLOBAL
    .union(WasmFeatures::SIGN_EXTENSION)
    .union(WasmFeatures::MULTI_VALUE)
    .union(WasmFeatures::BULK_MEMORY)
    .union(WasmFeatures::CALL_INDIRECT_OVERLONG);

/// A parser that reads the encodings of `features` only.
pub(crate) fn parser(features: WasmFeatures) -> Parser {
    let mut parser = Parser::new(0);
    parser.set_features(features);
    parser
}

/// Names reserved for what injection adds.
pub const RESERVED_PREFIX: &str = "__gasket";

/// Everything the walk learned about the original module.
#[derive(Debug, Default)]
pub(crate) struct ModuleAnalysis {
    pub types: Vec<FuncType>,
    pub functions: Vec<u32>,
    pub imported_functions: u32,
    pub imports: Vec<Import>,
    pub exports: Vec<Export>,
    pub memory: Option<Limits>,
    pub table: Option<Limits>,
    pub globals: Vec<GlobalSig>,
    pub start: Option<u32>,
    /// Bytes of the active data segments, which instantiation copies.
    pub active_data_bytes: u32,
    /// Items of the active element segments, which instantiation writes
    /// into the table.
    pub active_elements: u32,
    pub plans: Vec<FunctionPlan>,
}

struct Walk<'c> {
    config: &'c Config,
    policy: &'c dyn Policy,
    out: ModuleAnalysis,
    memories: u32,
    tables: u32,
    imported_globals: u32,
}

pub(crate) fn check_limit(
    limit: Limit,
    value: u64,
    max: u32,
    offset: u64,
) -> Result<(), PrepareError> {
    if value > u64::from(max) {
        return Err(PrepareError::limit(limit, value, max.into(), offset));
    }
    Ok(())
}

/// Walks the module: gate, limits, policy, validation, analysis.
///
/// Acceptance is decided by a walk that parses with exactly [`FEATURES`]:
/// some feature checks live in wasmparser's reader, not its validator, so
/// parsing more would let encodings of other proposals through (found by
/// the `prepare` fuzzer: compact imports). When that walk fails on a parse
/// or validation error, a second walk parses every proposal, only to name an
/// out-of-subset construct at or before the error if there is one
/// (`v128.const` is then "unsupported simd instruction", not "SIMD support
/// is not enabled"). Both walks are linear in `wasm.len()`.
pub(crate) fn analyze_module(
    wasm: &[u8],
    config: &Config,
    policy: &dyn Policy,
) -> Result<ModuleAnalysis, PrepareError> {
    match walk_module(wasm, config, policy, FEATURES) {
        Err(err) if matches!(err.kind(), ErrorKind::Invalid { .. }) => {
            match walk_module(wasm, config, policy, WasmFeatures::all()) {
                Err(named)
                    if matches!(named.kind(), ErrorKind::Unsupported { .. })
                        && named.offset() <= err.offset() =>
                {
                    Err(named)
                }
                _ => Err(err),
            }
        }
        result => result,
    }
}

fn walk_module(
    wasm: &[u8],
    config: &Config,
    policy: &dyn Policy,
    parse_features: WasmFeatures,
) -> Result<ModuleAnalysis, PrepareError> {
    check_limit(
        Limit::ModuleBytes,
        wasm.len() as u64,
        config.limits.module_bytes,
        0,
    )?;
    let mut walk = Walk {
        config,
        policy,
        out: ModuleAnalysis::default(),
        memories: 0,
        tables: 0,
        imported_globals: 0,
    };
    let mut validator = Validator::new_with_features(FEATURES);
    // Bodies are analysed together, on several threads, when the walk ends
    // or fails: an error in a body comes before any later in the module.
    let mut bodies = Vec::new();
    let read = || -> Result<(), PrepareError> {
        for payload in parser(parse_features).parse_all(wasm) {
            let payload = payload?;
            walk.gate_section(&payload)?;
            match validator.payload(&payload)? {
                ValidPayload::Func(to_validate, body) => bodies.push((to_validate, body)),
                ValidPayload::End(_) => {
                    walk.analyse_bodies(std::mem::take(&mut bodies))?;
                    walk.check_module_policy(wasm.len() as u64)?;
                }
                ValidPayload::Ok | ValidPayload::Parser(_) => {}
            }
        }
        Ok(())
    };
    // A panic in a later section (a bug) comes after the bodies too.
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(read));
    walk.analyse_bodies(bodies)?;
    match read {
        Ok(read) => read?,
        Err(panic) => std::panic::resume_unwind(panic),
    }
    Ok(walk.out)
}

impl Walk<'_> {
    /// Validates and measures `bodies`, in order of their functions
    /// ([`analyze_function`]): their plans, or the error of the first that
    /// fails.
    fn analyse_bodies(
        &mut self,
        bodies: Vec<(FuncToValidate<ValidatorResources>, FunctionBody<'_>)>,
    ) -> Result<(), PrepareError> {
        let params: Vec<u32> = bodies
            .iter()
            .map(|(f, _)| self.params_of(f.index))
            .collect();
        let (config, total) = (self.config, bodies.iter().map(|(_, b)| body_bytes(b)).sum());
        let plans = crate::parallel::map_in_order(
            bodies.len(),
            crate::parallel::body_threads(total),
            |i| body_bytes(&bodies[i].1),
            std::thread::Builder::new,
            FuncValidatorAllocations::default,
            |allocs, i| {
                let (to_validate, body) = &bodies[i];
                let to_validate = FuncToValidate {
                    resources: to_validate.resources.clone(),
                    ..*to_validate
                };
                let function = to_validate.index;
                let validator = to_validate.into_validator(std::mem::take(allocs));
                let (plan, returned) =
                    analyze_function(function, params[i], body, validator, config)?;
                *allocs = returned;
                Ok::<_, PrepareError>(plan)
            },
        )?;
        self.out.plans.extend(plans);
        Ok(())
    }

    fn params_of(&self, function: u32) -> u32 {
        self.func_type(function)
            .map_or(0, |f| f.params().len() as u32)
    }

    fn func_type(&self, function: u32) -> Option<&FuncType> {
        let ty = *self.out.functions.get(function as usize)?;
        self.out.types.get(ty as usize)
    }

    /// Subset gate, limits and policy for one section, before validation.
    fn gate_section(&mut self, payload: &Payload<'_>) -> Result<(), PrepareError> {
        let limits = &self.config.limits;
        match payload {
            Payload::Version {
                encoding: Encoding::Component,
                range,
                ..
            } => Err(PrepareError::unsupported(
                Feature::ComponentModel,
                "component",
                range.start,
            )),
            Payload::TypeSection(section) => {
                check_limit(
                    Limit::Types,
                    section.count().into(),
                    limits.types,
                    section.range().start,
                )?;
                for group in section.clone().into_iter_with_offsets() {
                    let (offset, group) = group?;
                    let index = self.out.types.len() as u32;
                    gate::rec_group(&group, index, offset)?;
                    for sub in group.into_types() {
                        let func = sub.unwrap_func().clone();
                        check_limit(
                            Limit::Params,
                            func.params().len() as u64,
                            limits.params,
                            offset,
                        )?;
                        check_limit(
                            Limit::Results,
                            func.results().len() as u64,
                            limits.results,
                            offset,
                        )?;
                        self.out.types.push(func);
                    }
                }
                Ok(())
            }
            Payload::ImportSection(section) => {
                for import in section.clone().into_imports_with_offsets() {
                    let (offset, import) = import?;

                    check_limit(
                        Limit::Imports,
                        self.out.imports.len() as u64 + 1,
                        limits.imports,
                        offset,
                    )?;
                    self.import(import.module, import.name, import.ty, offset)?;
                }
                Ok(())
            }
            Payload::FunctionSection(section) => {
                let total = u64::from(self.out.imported_functions) + u64::from(section.count());
                check_limit(
                    Limit::Functions,
                    total,
                    limits.functions,
                    section.range().start,
                )?;
                for ty in section.clone() {
                    self.out.functions.push(ty?);
                }
                Ok(())
            }
            Payload::TableSection(section) => {
                for table in section.clone().into_iter_with_offsets() {
                    let (offset, table) = table?;
                    if !matches!(table.init, wasmparser::TableInit::RefNull) {
                        return Err(PrepareError::unsupported(
                            Feature::FunctionReferences,
                            format!("initializer of table {}", self.tables),
                            offset,
                        ));
                    }
                    self.table(&table.ty, offset)?;
                }
                Ok(())
            }
            Payload::MemorySection(section) => {
                for memory in section.clone().into_iter_with_offsets() {
                    let (offset, memory) = memory?;
                    self.memory(&memory, offset)?;
                }
                Ok(())
            }
            Payload::TagSection(section) => Err(PrepareError::unsupported(
                Feature::Exceptions,
                "tag section",
                section.range().start,
            )),
            Payload::GlobalSection(section) => {
                let total = self.out.globals.len() as u64 + u64::from(section.count());
                check_limit(Limit::Globals, total, limits.globals, section.range().start)?;
                for global in section.clone().into_iter_with_offsets() {
                    let (offset, global) = global?;
                    let index = self.out.globals.len() as u32;
                    gate::global(&global.ty, index, offset)?;
                    gate::const_expr(
                        &global.init_expr,
                        self.imported_globals,
                        &format!("initializer of global {index}"),
                    )?;
                    self.push_global(global.ty);
                }
                Ok(())
            }
            Payload::ExportSection(section) => {
                check_limit(
                    Limit::Exports,
                    section.count().into(),
                    limits.exports,
                    section.range().start,
                )?;
                for export in section.clone().into_iter_with_offsets() {
                    let (offset, export) = export?;
                    self.export(export.name, export.kind, export.index, offset)?;
                }
                Ok(())
            }
            Payload::StartSection { func, .. } => {
                self.out.start = Some(*func);
                Ok(())
            }
            Payload::ElementSection(section) => {
                check_limit(
                    Limit::ElementSegments,
                    section.count().into(),
                    limits.element_segments,
                    section.range().start,
                )?;
                for (index, element) in section.clone().into_iter_with_offsets().enumerate() {
                    let (offset, element) = element?;
                    if let ElementKind::Active { offset_expr, .. } = &element.kind {
                        gate::const_expr(
                            offset_expr,
                            self.imported_globals,
                            &format!("offset of element segment {index}"),
                        )?;
                        let items = match &element.items {
                            ElementItems::Functions(items) => items.count(),
                            ElementItems::Expressions(_, items) => items.count(),
                        };
                        self.out.active_elements = self.out.active_elements.saturating_add(items);
                    }
                    if let ElementItems::Expressions(..) = &element.items {
                        // The expression encoding of element items came with
                        // reference types; rustc writes function indices.
                        return Err(PrepareError::unsupported(
                            Feature::ReferenceTypes,
                            format!("element segment {index} written with expressions"),
                            offset,
                        ));
                    }
                }
                Ok(())
            }
            Payload::DataSection(section) => {
                check_limit(
                    Limit::DataSegments,
                    section.count().into(),
                    limits.data_segments,
                    section.range().start,
                )?;
                for (index, data) in section.clone().into_iter().enumerate() {
                    let data = data?;
                    if let wasmparser::DataKind::Active { offset_expr, .. } = &data.kind {
                        gate::const_expr(
                            offset_expr,
                            self.imported_globals,
                            &format!("offset of data segment {index}"),
                        )?;
                        // Within the module, whose length is a u32.
                        let len = u32::try_from(data.data.len()).unwrap_or(u32::MAX);
                        self.out.active_data_bytes = self.out.active_data_bytes.saturating_add(len);
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn push_global(&mut self, ty: wasmparser::GlobalType) {
        // Non-integer types were rejected by the gate.
        if let Some(val) = ValType::from_wasm(ty.content_type) {
            self.out.globals.push(GlobalSig {
                ty: val,
                mutable: ty.mutable,
            });
        }
    }

    fn import(
        &mut self,
        module: &str,
        name: &str,
        ty: TypeRef,
        offset: u64,
    ) -> Result<(), PrepareError> {
        let kind = match ty {
            TypeRef::Func(type_index) | TypeRef::FuncExact(type_index) => {
                if matches!(ty, TypeRef::FuncExact(_)) {
                    return Err(PrepareError::unsupported(
                        Feature::FunctionReferences,
                        format!("exact function import {module}.{name}"),
                        offset,
                    ));
                }
                let functions = self.out.functions.len() as u64 + 1;
                check_limit(
                    Limit::Functions,
                    functions,
                    self.config.limits.functions,
                    offset,
                )?;
                // An unknown type index is left to the validator.
                if let Some(func) = self.out.types.get(type_index as usize) {
                    self.policy
                        .check_import(module, name, ItemType::Func(func))
                        .map_err(|v| PrepareError::policy(v, offset))?;
                }
                self.out.functions.push(type_index);
                self.out.imported_functions += 1;
                ImportKind::Func(type_index)
            }
            TypeRef::Table(table) => {
                self.policy
                    .check_import(module, name, ItemType::Table(table))
                    .map_err(|v| PrepareError::policy(v, offset))?;
                ImportKind::Table(self.table(&table, offset)?)
            }
            TypeRef::Memory(memory) => {
                self.policy
                    .check_import(module, name, ItemType::Memory(memory))
                    .map_err(|v| PrepareError::policy(v, offset))?;
                ImportKind::Memory(self.memory(&memory, offset)?)
            }
            TypeRef::Global(global) => {
                let index = self.out.globals.len() as u32;
                gate::global(&global, index, offset)?;
                check_limit(
                    Limit::Globals,
                    u64::from(index) + 1,
                    self.config.limits.globals,
                    offset,
                )?;
                self.policy
                    .check_import(module, name, ItemType::Global(global))
                    .map_err(|v| PrepareError::policy(v, offset))?;
                self.push_global(global);
                self.imported_globals += 1;
                let sig = *self.out.globals.last().expect("pushed above");
                ImportKind::Global(sig)
            }
            TypeRef::Tag(_) => {
                return Err(PrepareError::unsupported(
                    Feature::Exceptions,
                    format!("tag import {module}.{name}"),
                    offset,
                ));
            }
        };
        self.out.imports.push(Import {
            module: module.into(),
            name: name.into(),
            kind,
        });
        Ok(())
    }

    fn table(&mut self, ty: &wasmparser::TableType, offset: u64) -> Result<Limits, PrepareError> {
        let index = self.tables;
        self.tables += 1;
        if index > 0 {
            return Err(PrepareError::unsupported(
                Feature::MultipleTables,
                format!("table {index}"),
                offset,
            ));
        }
        gate::table(ty, index, offset)?;
        let max = self.config.limits.table_elements;
        check_limit(Limit::TableElements, ty.initial, max, offset)?;
        if let Some(maximum) = ty.maximum {
            check_limit(Limit::TableElements, maximum, max, offset)?;
        }
        // Tables cannot grow in the subset: the maximum is informative.
        let limits = Limits {
            initial: ty.initial as u32,
            maximum: ty.maximum.unwrap_or(ty.initial) as u32,
        };
        self.out.table = Some(limits);
        Ok(limits)
    }

    fn memory(&mut self, ty: &wasmparser::MemoryType, offset: u64) -> Result<Limits, PrepareError> {
        let index = self.memories;
        self.memories += 1;
        if index > 0 {
            return Err(PrepareError::unsupported(
                Feature::MultiMemory,
                format!("memory {index}"),
                offset,
            ));
        }
        gate::memory(ty, index, offset)?;
        let max = self.config.limits.memory_pages;
        check_limit(Limit::MemoryPages, ty.initial, max, offset)?;
        if let Some(maximum) = ty.maximum {
            check_limit(Limit::MemoryPages, maximum, max, offset)?;
        }
        let limits = Limits {
            initial: ty.initial as u32,
            maximum: ty.maximum.map_or(max, |m| m as u32),
        };
        self.out.memory = Some(limits);
        Ok(limits)
    }

    fn export(
        &mut self,
        name: &str,
        kind: ExternalKind,
        index: u32,
        offset: u64,
    ) -> Result<(), PrepareError> {
        if name.starts_with(RESERVED_PREFIX) {
            return Err(PrepareError::policy(
                PolicyViolation::ReservedExport { name: name.into() },
                offset,
            ));
        }
        let kind = match kind {
            ExternalKind::Func | ExternalKind::FuncExact => ExportKind::Func,
            ExternalKind::Table => ExportKind::Table,
            ExternalKind::Memory => ExportKind::Memory,
            ExternalKind::Global => ExportKind::Global,
            ExternalKind::Tag => {
                return Err(PrepareError::unsupported(
                    Feature::Exceptions,
                    format!("tag export {name}"),
                    offset,
                ));
            }
        };
        if let Some(ty) = self.export_type(kind, index) {
            self.policy
                .check_export(name, ty)
                .map_err(|v| PrepareError::policy(v, offset))?;
        }
        self.out.exports.push(Export {
            name: name.into(),
            kind,
            index,
        });
        Ok(())
    }

    /// The type of an exported item for the policy; `None` for an index the
    /// validator will reject.
    fn export_type(&self, kind: ExportKind, index: u32) -> Option<ItemType<'_>> {
        let limits = |l: Limits| (u64::from(l.initial), Some(u64::from(l.maximum)));
        Some(match kind {
            ExportKind::Func => ItemType::Func(self.func_type(index)?),
            ExportKind::Memory => {
                let (initial, maximum) = limits(self.out.memory?);
                ItemType::Memory(wasmparser::MemoryType {
                    memory64: false,
                    shared: false,
                    initial,
                    maximum,
                    page_size_log2: None,
                })
            }
            ExportKind::Table => {
                let (initial, maximum) = limits(self.out.table?);
                ItemType::Table(wasmparser::TableType {
                    element_type: wasmparser::RefType::FUNCREF,
                    table64: false,
                    initial,
                    maximum,
                    shared: false,
                })
            }
            ExportKind::Global => {
                let g = self.out.globals.get(index as usize)?;
                let content_type = match g.ty {
                    ValType::I32 => wasmparser::ValType::I32,
                    ValType::I64 => wasmparser::ValType::I64,
                };
                ItemType::Global(wasmparser::GlobalType {
                    content_type,
                    mutable: g.mutable,
                    shared: false,
                })
            }
        })
    }

    fn check_module_policy(&self, end: u64) -> Result<(), PrepareError> {
        let exports: Vec<(&str, ItemType<'_>)> = self
            .out
            .exports
            .iter()
            .filter_map(|e| Some((e.name.as_str(), self.export_type(e.kind, e.index)?)))
            .collect();
        self.policy
            .check_module(&exports)
            .map_err(|v| PrepareError::policy(v, end))
    }
}
