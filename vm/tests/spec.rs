//! Spec conformance: runs the `.wast` scripts of `../shared/spec-tests/`
//! (`core/` and `core-int/`, see the README there) through
//! `prepare_with_policy(.., &Permissive)` and gasket-vm.
//!
//! - A module that prepare rejects as outside the subset
//!   (`ErrorKind::Unsupported`) is skipped with the assertions that use it,
//!   and the module must really need the feature the rejection names
//!   (wasmparser rejects it with that feature off).
//! - `assert_invalid`/`assert_malformed`: a rejection of any kind counts
//!   (the float rejection or the upstream reason); a text-parser failure of
//!   `module quote` counts too. An internal error (prepare caught a panic)
//!   is a failure, not a rejection.
//! - Imports from `register`ed instances and from `spectest` (one memory
//!   and one table per script) go through the VM's sharing API
//!   (`Instance::export`, `Imports::define`): memories, tables, mutable
//!   globals and functions are shared, as the spec's linking requires.
//! - Every file runs three times: with ample gas under the default
//!   schedule; with metering exercised (another schedule, a finite limit,
//!   gas checked after every call); and so metered with every function's
//!   values in frame cells (`EngineConfig::values_in_slots`). The first
//!   run's code uses the CPU's extensions (`CpuFeatures::Host`, on x86-64
//!   BMI1, BMI2, LZCNT, POPCNT), the others keep to the default's baseline
//!   instructions (`CpuFeatures::Baseline`): a node may run either code.
//!
//! Skips are not quiet: `core-int/` must skip nothing, and the skips of
//! `core/` must match `tests/spec_skips.txt` exactly, by file and reason
//! (the three runs must skip alike). A new skip, a vanished one or a
//! changed count fails; after a deliberate change, regenerate the file with
//! `GASKET_BLESS=1 cargo test -p gasket-vm --test spec` and explain its diff
//! in the commit. A directive kind the runner does not know is such a skip
//! too. Each run must pass at least [`PASS_FLOORS`] assertions per
//! directory.
//!
//! Ends with a summary on stderr, shown even when the test passes:
//! `spec: F files, P passed, X failed, S skipped` (F distinct files; P, X,
//! S summed over the three runs). A panic in the runner or the VM fails the
//! test, and so does any failed assertion (in `core/` as in `core-int/`);
//! failures are also reported, grouped by reason.
#![allow(missing_docs)]

use std::collections::{BTreeMap, HashMap};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use gasket_metering::{
    Config, CostSchedule, ErrorKind, Feature, FuncSig, ImportKind, Limit, Limits, ModuleInfo,
    Permissive, prepare_with_policy,
};
use gasket_metering::{ExportKind, ValType};
use gasket_vm::{
    CpuFeatures, Engine, EngineConfig, Extern, Imports, Instance, InstantiationError, Memory,
    Module, Table, Trap, TrapKind, Value,
};
use wast::core::{WastArgCore, WastRetCore};
use wast::lexer::Lexer;
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastInvoke, WastRet};

const SPEC_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/spec-tests");
/// Gas of the metered run: ample, but finite and checked after every call.
const METERED_GAS: u64 = 1_000_000_000_000;
/// Memory page limit of the runner's config: the spec's 65,536. The VM
/// reserves the whole maximum of a memory at instantiation (address space,
/// not committed pages); a host that cannot reserve 4 GiB skips the module.
const RUNNER_MEMORY_PAGES: u32 = 65536;
/// Table element limit of the runner's config.
const RUNNER_TABLE_ELEMENTS: u32 = 1 << 20;
/// How many examples of each failure group to print (env `SPEC_EXAMPLES`
/// overrides).
const EXAMPLES: usize = 6;
/// The expected skips of `core/`, per run, by file and reason.
const SKIPS_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/spec_skips.txt");
/// Fewest assertions (instantiated modules included) that each run must
/// pass, per directory: the counts when the skip table was made. Catches a
/// suite that shrinks without a skip (files gone, directives not counted).
/// Raise them when more passes; lowering one needs a reason in the commit.
const PASS_FLOORS: [(&str, u64); 2] = [("core", 10_574), ("core-int", 2_017)];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Ample,
    Metered,
    /// Metered, with every function's values in frame cells
    /// (`EngineConfig::values_in_slots`, the optimising pipeline's
    /// fallback for frames over their share of native stack).
    Slots,
}

impl Mode {
    fn gas(self) -> u64 {
        match self {
            Mode::Ample => u64::MAX,
            Mode::Metered | Mode::Slots => METERED_GAS,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Mode::Ample => "ample",
            Mode::Metered => "metered",
            Mode::Slots => "slots",
        }
    }

    fn config(self) -> Config {
        let mut config = Config {
            limits: Limits {
                module_bytes: 64 << 20,
                types: 100_000,
                functions: 100_000,
                function_body_bytes: 1 << 20,
                locals: 100_000,
                params: 1_000,
                results: 1_000,
                globals: 100_000,
                imports: 100_000,
                exports: 100_000,
                // The VM allocates a table's initial size at instantiation:
                // larger declarations are skipped (see `instantiate`).
                table_elements: RUNNER_TABLE_ELEMENTS,
                memory_pages: RUNNER_MEMORY_PAGES,
                data_segments: 100_000,
                element_segments: 100_000,
                br_table_targets: 1 << 20,
                control_depth: 100_000,
                calls_per_function: 1 << 20,
            },
            ..Config::default()
        };
        if self != Mode::Ample {
            // Other constants than the default schedule: every class costs.
            let d = CostSchedule::default();
            config.costs = CostSchedule {
                control: d.control + 1,
                branch: d.branch + 1,
                br_table: d.br_table + 1,
                call: d.call + 1,
                call_indirect: d.call_indirect + 1,
                local: d.local + 1,
                constant: d.constant + 1,
                global: d.global + 1,
                load: d.load + 1,
                store: d.store + 1,
                alu: d.alu + 1,
                mul: d.mul + 1,
                div: d.div + 1,
                memory_size: d.memory_size + 1,
                memory_grow: d.memory_grow + 1,
                bulk_memory: d.bulk_memory + 1,
                memory_grow_per_page: d.memory_grow_per_page + 1,
                bulk_memory_per_kib: d.bulk_memory_per_kib + 1,
            };
        }
        config
    }
}

/// The declared maximum of the module's table, imported or defined.
fn declared_table_maximum(wasm: &[u8]) -> Option<u32> {
    use wasmparser::{Parser, Payload, TypeRef};
    for payload in Parser::new(0).parse_all(wasm).flatten() {
        match payload {
            Payload::ImportSection(section) => {
                for import in section.into_imports().flatten() {
                    if let TypeRef::Table(table) = import.ty {
                        return table.maximum.map(|m| m as u32);
                    }
                }
            }
            Payload::TableSection(section) => {
                if let Some(table) = section.into_iter().flatten().next() {
                    return table.ty.maximum.map(|m| m as u32);
                }
            }
            _ => {}
        }
    }
    None
}

/// Whether `wasm` really needs `feature`: wasmparser, with every feature
/// but that one (and those that build on it), rejects it. `None` for a
/// feature wasmparser has no flag for.
fn needs_feature(wasm: &[u8], feature: Feature) -> Option<bool> {
    use wasmparser::{Validator, WasmFeatures as W};
    let off = match feature {
        // wasmparser gates the saturating truncations apart from floats.
        Feature::Float => W::FLOATS | W::SATURATING_FLOAT_TO_INT,
        // Multiple tables and the table instructions came with reference
        // types; function references and GC build on them.
        Feature::ReferenceTypes | Feature::MultipleTables | Feature::TableOps => {
            W::REFERENCE_TYPES | W::FUNCTION_REFERENCES | W::GC
        }
        Feature::FunctionReferences => W::FUNCTION_REFERENCES | W::GC,
        Feature::Gc => W::GC,
        Feature::ExtendedConst => W::EXTENDED_CONST,
        Feature::Exceptions => W::EXCEPTIONS | W::LEGACY_EXCEPTIONS,
        Feature::TailCall => W::TAIL_CALL,
        Feature::Simd => W::SIMD | W::RELAXED_SIMD,
        Feature::RelaxedSimd => W::RELAXED_SIMD,
        Feature::Threads | Feature::SharedMemory => W::THREADS | W::SHARED_EVERYTHING_THREADS,
        Feature::MultiMemory => W::MULTI_MEMORY,
        Feature::Memory64 => W::MEMORY64,
        Feature::WideArithmetic => W::WIDE_ARITHMETIC,
        _ => return None,
    };
    Some(
        Validator::new_with_features(W::all().difference(off))
            .validate_all(wasm)
            .is_err(),
    )
}

/// The keyword of the directive at `span` (`assert_exception`, `thread`…).
fn directive_keyword(src: &str, span: wast::token::Span) -> &str {
    let rest = src.get(span.offset()..).unwrap_or("");
    let rest = rest.trim_start_matches(['(', ' ']);
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    &rest[..end]
}

/// Outcome counts and details of one file run.
#[derive(Default)]
struct Report {
    passed: u64,
    failed: u64,
    skipped: u64,
    /// (group, example) per failure.
    failures: Vec<(String, String)>,
    /// skip reason per skip.
    skips: Vec<String>,
    /// Gas used by successful calls (metered run).
    gas_used: u64,
    calls: u64,
}

/// A module in the script: live, or skipped for a reason. `Live` is boxed:
/// it holds a whole `ModuleInfo`.
#[derive(Clone)]
enum Slot {
    Live(Box<Live>),
    Skipped(String),
}

#[derive(Clone)]
struct Live {
    instance: Arc<Mutex<Instance>>,
    info: ModuleInfo,
    /// The table's declared maximum (`ModuleInfo` records the initial size
    /// when there is none: the subset cannot grow tables).
    table_maximum: Option<u32>,
    /// Instances whose functions this one imports (called through host
    /// functions).
    deps: Vec<Arc<Mutex<Instance>>>,
}

/// Why a module could not be made live.
enum Fail {
    /// Outside the subset or needing a VM feature we lack.
    Skip(String),
    /// Import resolution failed (what `assert_unlinkable` expects).
    Unlinkable(String),
    /// Instantiation trapped (what `assert_trap (module ..)` expects).
    Trap(Trap),
    /// Anything else: a failure (group, detail).
    Error(&'static str, String),
}

struct Runner<'s> {
    mode: Mode,
    config: Config,
    engine: Engine,
    file: String,
    src: &'s str,
    current: Option<Slot>,
    named: HashMap<String, Slot>,
    registered: HashMap<String, Slot>,
    definitions: HashMap<String, Result<Vec<u8>, String>>,
    /// Instances whose memory, table or mutable global the last skipped
    /// module imported: their state no longer matches the script's.
    tainted: Vec<Arc<Mutex<Instance>>>,
    /// The spectest module's memory and table, made at first import.
    spectest_memory: Option<Memory>,
    spectest_table: Option<Table>,
    report: Report,
}

fn trap_matches(message: &str, trap: &Trap) -> bool {
    let kind = match trap {
        Trap::Wasm(kind) => *kind,
        Trap::NativeStackExhausted => {
            return message.starts_with("call stack exhausted");
        }
        _ => return false,
    };
    let expected: &[TrapKind] = if message.starts_with("integer divide by zero") {
        &[TrapKind::IntegerDivideByZero]
    } else if message.starts_with("integer overflow") {
        &[TrapKind::IntegerOverflow]
    } else if message.starts_with("out of bounds memory access") {
        &[TrapKind::MemoryOutOfBounds]
    } else if message.starts_with("out of bounds table access")
        || message.starts_with("undefined element")
    {
        &[TrapKind::TableOutOfBounds]
    } else if message.starts_with("uninitialized element") {
        &[TrapKind::IndirectCallToNull]
    } else if message.starts_with("indirect call type mismatch") {
        &[TrapKind::IndirectCallSignatureMismatch]
    } else if message.starts_with("unreachable") {
        &[TrapKind::Unreachable]
    } else if message.starts_with("call stack exhausted") {
        &[TrapKind::StackOverflow]
    } else {
        &[]
    };
    expected.contains(&kind)
}

fn sig_text(sig: &FuncSig) -> String {
    format!("{:?} -> {:?}", sig.params, sig.results)
}

impl<'s> Runner<'s> {
    fn new(mode: Mode, file: String, src: &'s str) -> Self {
        Runner {
            mode,
            config: mode.config(),
            engine: Engine::new(EngineConfig {
                values_in_slots: mode == Mode::Slots,
                cpu_features: match mode {
                    Mode::Ample => CpuFeatures::Host,
                    Mode::Metered | Mode::Slots => CpuFeatures::Baseline,
                },
                ..EngineConfig::default()
            })
            .expect("engine"),
            file,
            src,
            current: None,
            named: HashMap::new(),
            registered: HashMap::new(),
            definitions: HashMap::new(),
            tainted: Vec::new(),
            spectest_memory: None,
            spectest_table: None,
            report: Report::default(),
        }
    }

    fn at(&self, span: wast::token::Span) -> String {
        let (line, col) = span.linecol_in(self.src);
        format!(
            "{}:{}:{} [{}]",
            self.file,
            line + 1,
            col + 1,
            self.mode.name()
        )
    }

    fn pass(&mut self) {
        self.report.passed += 1;
    }

    fn fail(&mut self, group: impl Into<String>, detail: String) {
        self.report.failed += 1;
        self.report.failures.push((group.into(), detail));
    }

    fn skip(&mut self, reason: impl Into<String>) {
        self.report.skipped += 1;
        self.report.skips.push(reason.into());
    }

    /// The module an invoke or get refers to.
    fn target(&self, id: Option<wast::token::Id<'_>>) -> Option<Slot> {
        match id {
            Some(id) => self.named.get(id.name()).cloned(),
            None => self.current.clone(),
        }
    }

    /// Prepares, links, compiles and instantiates `wasm`.
    fn instantiate(&mut self, wasm: &[u8]) -> Result<Live, Fail> {
        let prepared = match prepare_with_policy(wasm, &self.config, &Permissive) {
            Ok(p) => p,
            Err(e) => {
                return Err(match e.kind() {
                    ErrorKind::Unsupported { feature, .. }
                        if needs_feature(wasm, *feature) == Some(false) =>
                    {
                        Fail::Error(
                            "prepare rejected it for a feature it does not need",
                            e.to_string(),
                        )
                    }
                    ErrorKind::Unsupported { feature, .. } => {
                        Fail::Skip(format!("unsupported {}", feature.name()))
                    }
                    ErrorKind::LimitExceeded {
                        limit: limit @ (Limit::MemoryPages | Limit::TableElements),
                        ..
                    } => Fail::Skip(format!(
                        "runner: {} above the runner's limit (VM allocates it eagerly)",
                        limit.name()
                    )),
                    _ => Fail::Error("prepare rejected a valid module", e.to_string()),
                });
            }
        };
        let info = prepared.info.clone();
        let (imports, deps) = self.link(&info)?;
        let module: Module = self
            .engine
            .compile(&prepared)
            .map_err(|e| Fail::Error("compile error", e.to_string()))?;
        match Instance::new(&module, imports, self.mode.gas()) {
            Ok(instance) => Ok(Live {
                instance: Arc::new(Mutex::new(instance)),
                info,
                table_maximum: declared_table_maximum(wasm),
                deps,
            }),
            Err(InstantiationError::Segment(kind)) => Err(Fail::Trap(Trap::Wasm(kind))),
            Err(InstantiationError::Start(trap)) => Err(Fail::Trap(trap)),
            Err(InstantiationError::Memory { pages }) => Err(Fail::Skip(format!(
                "runner: this host cannot reserve a memory of {pages} pages"
            ))),
            Err(e) => Err(Fail::Error("instantiation error", e.to_string())),
        }
    }

    /// Resolves the imports: the spectest module and registered instances.
    #[allow(clippy::type_complexity)]
    fn link(&mut self, info: &ModuleInfo) -> Result<(Imports, Vec<Arc<Mutex<Instance>>>), Fail> {
        let mut imports = Imports::new();
        // The link errors come first; the unsupported kinds are skipped after.
        let mut unsupported: Option<String> = None;
        let mut tainted = Vec::new();
        let mut deps = Vec::new();
        let mem_none = self.config.limits.memory_pages;
        let table_none = 0;
        let limits_match =
            |imp: gasket_metering::SizeLimits, none: u32, min: u32, max: Option<u32>| {
                // A missing maximum is recorded as the configured page limit
                // for a memory, and as the initial size for a table
                // (`none == 0`).
                let absent = if none == 0 {
                    imp.maximum == imp.initial
                } else {
                    imp.maximum == none
                };
                let imax = (!absent).then_some(imp.maximum);
                min >= imp.initial
                    && match imax {
                        None => true,
                        Some(imax) => max.is_some_and(|m| m <= imax),
                    }
            };
        for import in &info.imports {
            let what = format!("{}.{}", import.module, import.name);
            if import.module == "spectest" {
                match (&import.kind, import.name.as_str()) {
                    (ImportKind::Func(ty), name) => {
                        let sig = &info.types[*ty as usize];
                        let params: &[ValType] = match name {
                            "print" => &[],
                            "print_i32" => &[ValType::I32],
                            "print_i64" => &[ValType::I64],
                            _ => return Err(Fail::Unlinkable(format!("unknown import {what}"))),
                        };
                        if sig.params != params || !sig.results.is_empty() {
                            return Err(Fail::Unlinkable(format!(
                                "{what}: incompatible type {}",
                                sig_text(sig)
                            )));
                        }
                        imports.func("spectest", name, |_, _| Ok(Vec::new()));
                    }
                    (ImportKind::Global(g), name @ ("global_i32" | "global_i64")) => {
                        let ty = if name == "global_i32" {
                            ValType::I32
                        } else {
                            ValType::I64
                        };
                        if g.ty != ty || g.mutable {
                            return Err(Fail::Unlinkable(format!("{what}: incompatible global")));
                        }
                        imports.global("spectest", name, 666);
                    }
                    (ImportKind::Memory(l), "memory") => {
                        if !limits_match(*l, mem_none, 1, Some(2)) {
                            return Err(Fail::Unlinkable(format!("{what}: incompatible memory")));
                        }
                        let memory = self
                            .spectest_memory
                            .get_or_insert_with(|| Memory::new(1, 2).expect("spectest memory"));
                        imports.define("spectest", "memory", Extern::Memory(memory.clone()));
                    }
                    (ImportKind::Table(l), "table") => {
                        if !limits_match(*l, table_none, 10, Some(20)) {
                            return Err(Fail::Unlinkable(format!("{what}: incompatible table")));
                        }
                        let table = self
                            .spectest_table
                            .get_or_insert_with(|| Table::new(10, 20));
                        imports.define("spectest", "table", Extern::Table(table.clone()));
                    }
                    _ => return Err(Fail::Unlinkable(format!("unknown import {what}"))),
                }
                continue;
            }
            let live = match self.registered.get(&import.module) {
                None => return Err(Fail::Unlinkable(format!("unknown module {what}"))),
                Some(Slot::Skipped(reason)) => {
                    unsupported.get_or_insert(format!("imports from a skipped module ({reason})"));
                    continue;
                }
                Some(Slot::Live(live)) => live,
            };
            let Some(export) = live.info.export(&import.name) else {
                return Err(Fail::Unlinkable(format!("unknown import {what}")));
            };
            match (&import.kind, export.kind) {
                (ImportKind::Func(ty), ExportKind::Func) => {
                    let want = &info.types[*ty as usize];
                    let have = live.info.func_sig(export.index).expect("export sig");
                    if want != have {
                        return Err(Fail::Unlinkable(format!(
                            "{what}: incompatible import type {} vs {}",
                            sig_text(want),
                            sig_text(have)
                        )));
                    }
                    deps.push(live.instance.clone());
                }
                (ImportKind::Global(g), ExportKind::Global) => {
                    let have = live.info.globals[export.index as usize];
                    if have.ty != g.ty || have.mutable != g.mutable {
                        return Err(Fail::Unlinkable(format!("{what}: incompatible global")));
                    }
                    tainted.push(live.instance.clone());
                }
                (ImportKind::Memory(l), ExportKind::Memory) => {
                    let have = live.info.memory.expect("exported memory");
                    let hmax = (have.maximum != mem_none).then_some(have.maximum);
                    let size = (live.instance.lock().expect("lock").memory().len() >> 16) as u32;
                    if !limits_match(*l, mem_none, size, hmax) {
                        return Err(Fail::Unlinkable(format!("{what}: incompatible memory")));
                    }
                    tainted.push(live.instance.clone());
                }
                (ImportKind::Table(l), ExportKind::Table) => {
                    let have = live.info.table.expect("exported table");
                    let hmax = live.table_maximum;
                    if !limits_match(*l, table_none, have.initial, hmax) {
                        return Err(Fail::Unlinkable(format!("{what}: incompatible table")));
                    }
                    tainted.push(live.instance.clone());
                }
                _ => {
                    return Err(Fail::Unlinkable(format!(
                        "{what}: incompatible import type (kind)"
                    )));
                }
            }
            let item = live
                .instance
                .lock()
                .expect("instance lock")
                .export(&import.name)
                .expect("exported item");
            imports.define(&import.module, &import.name, item);
        }
        match unsupported {
            Some(reason) => {
                self.tainted = tainted;
                Err(Fail::Skip(reason))
            }
            None => Ok((imports, deps)),
        }
    }

    /// Calls an export of a live instance, checking the metering contract.
    fn invoke(&mut self, live: &Live, invoke: &WastInvoke<'_>) -> Result<Vec<Value>, Trap> {
        let mut args = Vec::new();
        for arg in &invoke.args {
            match arg {
                WastArg::Core(WastArgCore::I32(v)) => args.push(Value::I32(*v)),
                WastArg::Core(WastArgCore::I64(v)) => args.push(Value::I64(*v)),
                other => return Err(Trap::Host(format!("non-integer argument {other:?}"))),
            }
        }
        let gas = self.mode.gas();
        let mut instance = live.instance.lock().expect("instance lock");
        instance.set_gas(gas);
        let before = instance.gas_left();
        let result = instance.call(invoke.name, &args);
        let left = instance.gas_left();
        let height = instance.stack_height();
        drop(instance);
        match &result {
            Ok(_) => {
                self.report.calls += 1;
                if !(0..=before).contains(&left) {
                    self.fail(
                        "metering: gas left out of range",
                        format!("{}: {} left {left}", self.at(invoke.span), invoke.name),
                    );
                } else {
                    self.report.gas_used += (before - left) as u64;
                }
                if height != 0 {
                    self.fail(
                        "metering: stack height not 0 after return",
                        format!("{}: {} height {height}", self.at(invoke.span), invoke.name),
                    );
                }
            }
            Err(Trap::Wasm(TrapKind::StackOverflow)) if height != -1 => {
                self.fail(
                    "metering: stack overflow without sentinel",
                    format!("{}: {}", self.at(invoke.span), invoke.name),
                );
            }
            Err(Trap::Wasm(TrapKind::OutOfGas)) => {
                self.fail(
                    "metering: out of gas with ample gas",
                    format!("{}: {} left {left}", self.at(invoke.span), invoke.name),
                );
            }
            _ => {}
        }
        result
    }

    /// Runs an invoke-like directive on its target; `None` when skipped.
    fn exec_invoke(&mut self, invoke: &WastInvoke<'_>) -> Option<Result<Vec<Value>, Trap>> {
        match self.target(invoke.module) {
            None => {
                self.fail(
                    "runner: no such module",
                    format!("{}: {:?}", self.at(invoke.span), invoke.module),
                );
                None
            }
            Some(Slot::Skipped(reason)) => {
                self.skip(format!("target module skipped: {reason}"));
                None
            }
            Some(Slot::Live(live)) => Some(self.invoke(&live, invoke)),
        }
    }

    fn module_bytes(module: &mut QuoteWat<'_>) -> Result<Vec<u8>, String> {
        module.encode().map_err(|e| e.to_string())
    }

    /// Makes a module live (or skipped) and current, under its name.
    fn define(
        &mut self,
        span: wast::token::Span,
        name: Option<&str>,
        wasm: Result<Vec<u8>, String>,
    ) {
        let slot = match wasm {
            Err(e) => {
                self.fail(
                    "module: text does not parse/encode",
                    format!("{}: {e}", self.at(span)),
                );
                Slot::Skipped("did not encode".into())
            }
            Ok(wasm) => match self.instantiate(&wasm) {
                Ok(live) => {
                    self.pass();
                    Slot::Live(Box::new(live))
                }
                Err(Fail::Skip(reason)) => {
                    self.skip(reason.clone());
                    self.taint(&reason);
                    Slot::Skipped(reason)
                }
                Err(Fail::Unlinkable(e)) => {
                    self.fail("module: link error", format!("{}: {e}", self.at(span)));
                    Slot::Skipped("failed to link".into())
                }
                Err(Fail::Trap(t)) => {
                    self.fail(
                        "module: instantiation trapped",
                        format!("{}: {t}", self.at(span)),
                    );
                    Slot::Skipped("failed to instantiate".into())
                }
                Err(Fail::Error(group, e)) => {
                    self.fail(
                        format!("module: {group}"),
                        format!("{}: {e}", self.at(span)),
                    );
                    Slot::Skipped(format!("failed: {group}"))
                }
            },
        };
        if let Some(name) = name {
            self.named.insert(name.to_string(), slot.clone());
        }
        self.current = Some(slot);
    }

    /// Marks the instances a skipped module shared state with as skipped.
    fn taint(&mut self, reason: &str) {
        let mut tainted = std::mem::take(&mut self.tainted);
        if tainted.is_empty() {
            return;
        }
        let why = format!("shares state with a skipped module ({reason})");
        // Instances calling into a tainted one are tainted too.
        loop {
            let before = tainted.len();
            for slot in self
                .named
                .values()
                .chain(self.registered.values())
                .chain(self.current.iter())
            {
                if let Slot::Live(live) = slot {
                    let calls_tainted = live
                        .deps
                        .iter()
                        .any(|d| tainted.iter().any(|t| Arc::ptr_eq(t, d)));
                    if calls_tainted && !tainted.iter().any(|t| Arc::ptr_eq(t, &live.instance)) {
                        tainted.push(live.instance.clone());
                    }
                }
            }
            if tainted.len() == before {
                break;
            }
        }
        let hit = |slot: &Slot| match slot {
            Slot::Live(live) => tainted.iter().any(|t| Arc::ptr_eq(t, &live.instance)),
            Slot::Skipped(_) => false,
        };
        for slot in self
            .named
            .values_mut()
            .chain(self.registered.values_mut())
            .chain(self.current.iter_mut())
        {
            if hit(slot) {
                *slot = Slot::Skipped(why.clone());
            }
        }
    }

    fn check_results(&mut self, span: wast::token::Span, got: &[Value], want: &[WastRet<'_>]) {
        let matches = |v: &Value, r: &WastRetCore<'_>| -> Option<bool> {
            match (v, r) {
                (Value::I32(a), WastRetCore::I32(b)) => Some(a == b),
                (Value::I64(a), WastRetCore::I64(b)) => Some(a == b),
                (_, WastRetCore::I32(_) | WastRetCore::I64(_)) => Some(false),
                _ => None,
            }
        };
        if got.len() != want.len() {
            self.fail(
                "assert_return: wrong number of results",
                format!("{}: got {got:?}, want {want:?}", self.at(span)),
            );
            return;
        }
        for (g, w) in got.iter().zip(want) {
            let ok = match w {
                WastRet::Core(WastRetCore::Either(options)) => {
                    options.iter().any(|o| matches(g, o) == Some(true))
                }
                WastRet::Core(r) => match matches(g, r) {
                    Some(ok) => ok,
                    None => {
                        self.fail(
                            "assert_return: non-integer expected value",
                            format!("{}: {w:?}", self.at(span)),
                        );
                        return;
                    }
                },
                #[allow(unreachable_patterns)]
                _ => false,
            };
            if !ok {
                self.fail(
                    "assert_return: wrong result",
                    format!("{}: got {got:?}, want {want:?}", self.at(span)),
                );
                return;
            }
        }
        self.pass();
    }

    /// A module that must be rejected (invalid or malformed).
    fn must_reject(
        &mut self,
        kind: &str,
        span: wast::token::Span,
        module: &mut QuoteWat<'_>,
        message: &str,
    ) {
        let wasm = match module.encode() {
            Ok(wasm) => wasm,
            // The text parser rejected it: fine for both kinds.
            Err(_) => return self.pass(),
        };
        match prepare_with_policy(&wasm, &self.config, &Permissive) {
            // A caught panic is a bug, not a verdict on the module.
            Err(e) if matches!(e.kind(), ErrorKind::Internal { .. }) => self.fail(
                format!("{kind}: internal error in prepare"),
                format!("{}: {e}", self.at(span)),
            ),
            Err(_) => self.pass(),
            Ok(_) => self.fail(
                format!("{kind}: accepted by prepare"),
                format!("{}: expected {message:?}", self.at(span)),
            ),
        }
    }

    fn directive(&mut self, directive: WastDirective<'_>) {
        match directive {
            WastDirective::Module(mut module) => {
                let span = module.span();
                let name = module.name().map(|id| id.name().to_string());
                let wasm = Self::module_bytes(&mut module);
                self.define(span, name.as_deref(), wasm);
            }
            WastDirective::ModuleDefinition(mut module) => {
                let name = module.name().map(|id| id.name().to_string());
                let wasm = Self::module_bytes(&mut module);
                let key = name.unwrap_or_default();
                self.definitions.insert(key, wasm);
            }
            WastDirective::ModuleInstance {
                span,
                instance,
                module,
            } => {
                let key = module.map(|id| id.name().to_string()).unwrap_or_default();
                let wasm = self
                    .definitions
                    .get(&key)
                    .cloned()
                    .unwrap_or_else(|| Err(format!("no module definition {key:?}")));
                let name = instance.map(|id| id.name().to_string());
                self.define(span, name.as_deref(), wasm);
            }
            WastDirective::Register { span, name, module } => {
                let slot = match module {
                    Some(id) => self.named.get(id.name()).cloned(),
                    None => self.current.clone(),
                };
                match slot {
                    Some(slot) => {
                        self.registered.insert(name.to_string(), slot);
                    }
                    None => self.fail("runner: register of no module", self.at(span)),
                }
            }
            WastDirective::Invoke(invoke) => {
                let span = invoke.span;
                match self.exec_invoke(&invoke) {
                    None => {}
                    Some(Ok(_)) => self.pass(),
                    Some(Err(t)) => self.fail("invoke: trapped", format!("{}: {t}", self.at(span))),
                }
            }
            WastDirective::AssertReturn {
                span,
                exec,
                results,
            } => match exec {
                WastExecute::Invoke(invoke) => match self.exec_invoke(&invoke) {
                    None => {}
                    Some(Ok(got)) => self.check_results(span, &got, &results),
                    Some(Err(t)) => {
                        self.fail("assert_return: trapped", format!("{}: {t}", self.at(span)))
                    }
                },
                WastExecute::Get { module, global, .. } => match self.target(module) {
                    None => self.fail("runner: no such module", self.at(span)),
                    Some(Slot::Skipped(reason)) => {
                        self.skip(format!("target module skipped: {reason}"))
                    }
                    Some(Slot::Live(live)) => {
                        let value = live
                            .instance
                            .lock()
                            .expect("instance lock")
                            .exported_global(global);
                        match value {
                            Some(v) => self.check_results(span, &[v], &results),
                            None => self.fail(
                                "assert_return: no such global",
                                format!("{}: {global}", self.at(span)),
                            ),
                        }
                    }
                },
                WastExecute::Wat(mut wat) => {
                    let wasm = wat.encode().map_err(|e| e.to_string());
                    self.define(span, None, wasm);
                }
            },
            WastDirective::AssertTrap {
                span,
                exec,
                message,
            } => match exec {
                WastExecute::Invoke(invoke) => match self.exec_invoke(&invoke) {
                    None => {}
                    Some(Ok(got)) => self.fail(
                        "assert_trap: returned",
                        format!("{}: got {got:?}, want {message:?}", self.at(span)),
                    ),
                    Some(Err(t)) if trap_matches(message, &t) => self.pass(),
                    Some(Err(t)) => self.fail(
                        format!("assert_trap: wrong trap for {message:?}"),
                        format!("{}: got {t}", self.at(span)),
                    ),
                },
                WastExecute::Wat(mut wat) => {
                    let wasm = match wat.encode() {
                        Ok(w) => w,
                        Err(e) => {
                            return self.fail(
                                "assert_trap: module does not encode",
                                format!("{}: {e}", self.at(span)),
                            );
                        }
                    };
                    match self.instantiate(&wasm) {
                        Ok(_) => self.fail(
                            "assert_trap (module): instantiated",
                            format!("{}: want {message:?}", self.at(span)),
                        ),
                        Err(Fail::Trap(t)) if trap_matches(message, &t) => self.pass(),
                        Err(Fail::Trap(t)) => self.fail(
                            format!("assert_trap (module): wrong trap for {message:?}"),
                            format!("{}: got {t}", self.at(span)),
                        ),
                        Err(Fail::Skip(reason)) => {
                            self.taint(&reason);
                            self.skip(reason)
                        }
                        Err(Fail::Unlinkable(e)) => self.fail(
                            "assert_trap (module): link error",
                            format!("{}: {e}", self.at(span)),
                        ),
                        Err(Fail::Error(group, e)) => self.fail(
                            format!("assert_trap (module): {group}"),
                            format!("{}: {e}", self.at(span)),
                        ),
                    }
                }
                WastExecute::Get { .. } => self.fail("runner: assert_trap on get", self.at(span)),
            },
            WastDirective::AssertExhaustion {
                span,
                call,
                message,
            } => match self.exec_invoke(&call) {
                None => {}
                Some(Err(Trap::Wasm(TrapKind::StackOverflow) | Trap::NativeStackExhausted)) => {
                    self.pass()
                }
                Some(other) => self.fail(
                    "assert_exhaustion: not a stack overflow",
                    format!("{}: got {other:?}, want {message:?}", self.at(span)),
                ),
            },
            WastDirective::AssertInvalid {
                span,
                mut module,
                message,
            } => self.must_reject("assert_invalid", span, &mut module, message),
            WastDirective::AssertMalformed {
                span,
                mut module,
                message,
            } => self.must_reject("assert_malformed", span, &mut module, message),
            WastDirective::AssertUnlinkable {
                span,
                mut module,
                message,
            } => {
                let wasm = match module.encode() {
                    Ok(w) => w,
                    Err(e) => {
                        return self.fail(
                            "assert_unlinkable: module does not encode",
                            format!("{}: {e}", self.at(span)),
                        );
                    }
                };
                match self.instantiate(&wasm) {
                    Err(Fail::Unlinkable(_)) => self.pass(),
                    Err(Fail::Skip(reason)) => {
                        self.tainted.clear();
                        self.skip(reason)
                    }
                    Ok(_) => self.fail(
                        "assert_unlinkable: linked",
                        format!("{}: want {message:?}", self.at(span)),
                    ),
                    Err(Fail::Trap(t)) => self.fail(
                        "assert_unlinkable: trapped instead",
                        format!("{}: {t}, want {message:?}", self.at(span)),
                    ),
                    Err(Fail::Error(group, e)) => self.fail(
                        format!("assert_unlinkable: {group}"),
                        format!("{}: {e}", self.at(span)),
                    ),
                }
            }
            // Not quiet: the skip must be listed in the skip table.
            other => {
                let keyword = directive_keyword(self.src, other.span());
                self.skip(format!("runner: directive kind {keyword} not supported"));
            }
        }
    }
}

/// Runs one file in one mode.
fn run_file(path: &Path, label: &str, mode: Mode) -> Report {
    let src = std::fs::read_to_string(path).expect("read wast");
    let mut lexer = Lexer::new(&src);
    lexer.allow_confusing_unicode(true);
    let mut runner = Runner::new(mode, label.to_string(), &src);
    let buf = match ParseBuffer::new_with_lexer(lexer) {
        Ok(buf) => buf,
        Err(e) => {
            runner.fail("runner: file does not lex", format!("{label}: {e}"));
            return runner.report;
        }
    };
    let wast = match parser::parse::<Wast<'_>>(&buf) {
        Ok(w) => w,
        Err(e) => {
            runner.fail("runner: file does not parse", format!("{label}: {e}"));
            return runner.report;
        }
    };
    for directive in wast.directives {
        runner.directive(directive);
    }
    if mode != Mode::Ample && runner.report.calls > 0 && runner.report.gas_used == 0 {
        runner.fail(
            "metering: no gas charged in the whole file",
            format!("{label}: {} calls", runner.report.calls),
        );
    }
    // Instances hold host closures holding other instances: drop in order.
    drop(runner.current.take());
    runner.report
}

struct FileResult {
    dir: &'static str,
    label: String,
    mode: Mode,
    report: Option<Report>,
    panic: Option<String>,
}

#[test]
fn spec_suite() {
    let root = PathBuf::from(SPEC_DIR);
    assert!(
        root.join("core").is_dir() && root.join("core-int").is_dir(),
        "spec tests not found at {} (expected ../shared/spec-tests beside the repo clone, with core/ and core-int/)",
        root.display()
    );
    let mut jobs = Vec::new();
    let mut files = 0;
    for dir in ["core", "core-int"] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .expect("read spec dir")
            .map(|e| e.expect("dir entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "wast"))
            .collect();
        paths.sort();
        files += paths.len();
        for path in paths {
            for mode in [Mode::Ample, Mode::Metered, Mode::Slots] {
                jobs.push((dir, path.clone(), mode));
            }
        }
    }
    assert!(files > 0, "no .wast files in {}", root.display());

    // Biggest files first, over a few worker threads with large stacks.
    jobs.sort_by_key(|(_, p, _)| std::cmp::Reverse(std::fs::metadata(p).map_or(0, |m| m.len())));
    let queue = Mutex::new(jobs.into_iter());
    let results = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            std::thread::Builder::new()
                .stack_size(256 << 20)
                .spawn_scoped(scope, || {
                    loop {
                        let job = queue.lock().expect("queue").next();
                        let Some((dir, path, mode)) = job else { break };
                        let label = format!(
                            "{dir}/{}",
                            path.file_name().expect("name").to_string_lossy()
                        );
                        let outcome =
                            catch_unwind(AssertUnwindSafe(|| run_file(&path, &label, mode)));
                        let (report, panic) = match outcome {
                            Ok(r) => (Some(r), None),
                            Err(e) => (None, Some(gasket_metering::panic_message(&*e).to_string())),
                        };
                        results.lock().expect("results").push(FileResult {
                            dir,
                            label,
                            mode,
                            report,
                            panic,
                        });
                    }
                })
                .expect("spawn worker");
        }
    });
    let mut results = results.into_inner().expect("results");
    results.sort_by(|a, b| (&a.label, a.mode.name()).cmp(&(&b.label, b.mode.name())));

    let (mut p, mut x, mut s) = (0u64, 0u64, 0u64);
    let mut per_dir: BTreeMap<&str, (u64, u64, u64)> = BTreeMap::new();
    // Passes per directory and run, for the floors.
    let mut passes: BTreeMap<(&str, &str), u64> = BTreeMap::new();
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut skips: BTreeMap<String, u64> = BTreeMap::new();
    let mut file_skips: RunSkips<'_> = BTreeMap::new();
    let mut panics = Vec::new();
    let mut core_int_failed = 0;
    for r in &results {
        let Some(report) = &r.report else {
            println!(
                "{} [{}]: PANIC {}",
                r.label,
                r.mode.name(),
                r.panic.as_deref().unwrap_or("")
            );
            panics.push(format!(
                "{} [{}]: {}",
                r.label,
                r.mode.name(),
                r.panic.as_deref().unwrap_or("")
            ));
            continue;
        };
        println!(
            "{} [{}]: {} passed, {} failed, {} skipped",
            r.label,
            r.mode.name(),
            report.passed,
            report.failed,
            report.skipped
        );
        p += report.passed;
        x += report.failed;
        s += report.skipped;
        let d = per_dir.entry(r.dir).or_default();
        d.0 += report.passed;
        d.1 += report.failed;
        d.2 += report.skipped;
        *passes.entry((r.dir, r.mode.name())).or_default() += report.passed;
        if r.dir == "core-int" {
            core_int_failed += report.failed;
        }
        for (group, detail) in &report.failures {
            groups
                .entry(group.clone())
                .or_default()
                .push(detail.clone());
        }
        let mut by_reason: BTreeMap<&str, u64> = BTreeMap::new();
        for reason in &report.skips {
            *skips.entry(format!("{}: {reason}", r.dir)).or_default() += 1;
            *by_reason.entry(reason).or_default() += 1;
        }
        file_skips
            .entry(&r.label)
            .or_default()
            .push((r.mode, by_reason));
    }
    if !groups.is_empty() {
        println!("failures, by reason (all runs):");
        for (group, details) in &groups {
            println!("  {:6}  {group}", details.len());
            let mut files: BTreeMap<&str, usize> = BTreeMap::new();
            for d in details {
                *files.entry(d.split(':').next().unwrap_or(d)).or_default() += 1;
            }
            let files: Vec<String> = files.iter().map(|(f, n)| format!("{f} ({n})")).collect();
            println!("          in {}", files.join(", "));
            let examples = std::env::var("SPEC_EXAMPLES")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(EXAMPLES);
            for d in details.iter().take(examples) {
                println!("            {d}");
            }
        }
    }

    // The summary goes to stderr directly, not through the print macros:
    // the test harness captures those when a test passes, and the counts
    // should show in every CI log. Failure messages repeat it.
    let mut summary = String::new();
    for (dir, (dp, dx, ds)) in &per_dir {
        summary += &format!("{dir}/: {dp} passed, {dx} failed, {ds} skipped (all runs)\n");
    }
    if !skips.is_empty() {
        summary += "skipped, by reason (all runs):\n";
        for (reason, n) in &skips {
            summary += &format!("  {n:6}  {reason}\n");
        }
    }
    summary += &format!("spec: {files} files, {p} passed, {x} failed, {s} skipped\n");
    let _ = std::io::Write::write_all(&mut std::io::stderr(), summary.as_bytes());

    let mut problems = Vec::new();
    if !panics.is_empty() {
        problems.push(format!("the runner or the VM panicked: {panics:#?}"));
    }
    if core_int_failed > 0 {
        problems.push(format!(
            "core-int/ must pass strictly: {core_int_failed} assertions failed"
        ));
    }
    if x > 0 {
        problems.push(format!(
            "{x} spec assertions failed (the groups are printed above)"
        ));
    }
    for (dir, floor) in PASS_FLOORS {
        for mode in [Mode::Ample, Mode::Metered, Mode::Slots] {
            let n = passes.get(&(dir, mode.name())).copied().unwrap_or(0);
            if n < floor {
                problems.push(format!(
                    "{dir}/ [{}]: {n} passed, fewer than the floor of {floor} (PASS_FLOORS)",
                    mode.name()
                ));
            }
        }
    }
    // One run's skips (the runs must agree): core-int/ may have none, the
    // rest must match the committed table.
    let mut table: SkipTable = BTreeMap::new();
    for (label, runs) in &file_skips {
        let (first_mode, first) = &runs[0];
        for (mode, other) in &runs[1..] {
            if other != first {
                problems.push(format!(
                    "{label}: the runs must skip alike, but [{}] skips {first:?} and [{}] {other:?}",
                    first_mode.name(),
                    mode.name()
                ));
            }
        }
        for (reason, n) in first {
            if label.starts_with("core-int/") {
                problems.push(format!(
                    "{label}: core-int/ must skip nothing, but skips {n} per run: {reason}"
                ));
            } else {
                table.insert((label.to_string(), reason.to_string()), *n);
            }
        }
    }
    if std::env::var_os("GASKET_BLESS").is_some_and(|v| v == "1") {
        if panics.is_empty() {
            std::fs::write(SKIPS_FILE, render_skips(&table)).expect("write the skip table");
        } else {
            problems.push(format!(
                "{SKIPS_FILE} not rewritten: a run panicked, so its skips are unknown"
            ));
        }
    } else {
        let expected = std::fs::read_to_string(SKIPS_FILE)
            .map_err(|e| e.to_string())
            .and_then(|text| parse_skips(&text));
        let update = "If the change is intended, rewrite the table with \
                      `GASKET_BLESS=1 cargo test -p gasket-vm --test spec` \
                      and give the reason in the commit.";
        match expected {
            Err(e) => problems.push(format!("{SKIPS_FILE}: {e}. {update}")),
            Ok(expected) => {
                let diff = skip_diff(&expected, &table);
                if !diff.is_empty() {
                    problems.push(format!(
                        "the skips differ from {SKIPS_FILE} (per run, by file and reason):\n{}\n{update}",
                        diff.join("\n")
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{summary}\n{}", problems.join("\n\n"));
}

/// Each run's skips of each file: file to (run, reason to count).
type RunSkips<'a> = BTreeMap<&'a str, Vec<(Mode, BTreeMap<&'a str, u64>)>>;

/// Skips of one run: (file, reason) to count.
type SkipTable = BTreeMap<(String, String), u64>;

fn render_skips(table: &SkipTable) -> String {
    let mut text = String::from(
        "# The skips of vm/tests/spec.rs: each run (ample, metered, slots) must\n\
         # make exactly these, by file and reason (count, file, reason). core-int/\n\
         # may skip nothing and is not listed. Written by\n\
         #   GASKET_BLESS=1 cargo test -p gasket-vm --test spec\n\
         # Give the reason for any change in the commit.\n",
    );
    for ((file, reason), n) in table {
        text += &format!("{n:5} {file} {reason}\n");
    }
    text
}

fn parse_skips(text: &str) -> Result<SkipTable, String> {
    let mut table = SkipTable::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = || {
            format!(
                "line {}: want `count file reason`, got {line:?}",
                number + 1
            )
        };
        let (count, rest) = line.split_once(' ').ok_or_else(bad)?;
        let (file, reason) = rest.trim_start().split_once(' ').ok_or_else(bad)?;
        let count: u64 = count.parse().map_err(|_| bad())?;
        if file.starts_with("core-int/") {
            return Err(format!(
                "line {}: core-int/ may skip nothing, so it is not listed",
                number + 1
            ));
        }
        let key = (file.to_string(), reason.trim().to_string());
        if table.insert(key, count).is_some() {
            return Err(format!("line {}: listed twice", number + 1));
        }
    }
    Ok(table)
}

/// One line per (file, reason) whose count differs.
fn skip_diff(expected: &SkipTable, actual: &SkipTable) -> Vec<String> {
    let keys: std::collections::BTreeSet<_> = expected.keys().chain(actual.keys()).collect();
    keys.into_iter()
        .filter_map(|key @ (file, reason)| {
            let want = expected.get(key).copied().unwrap_or(0);
            let got = actual.get(key).copied().unwrap_or(0);
            (want != got).then(|| format!("  {file}: {reason}: expected {want}, got {got}"))
        })
        .collect()
}
