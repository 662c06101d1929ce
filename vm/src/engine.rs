//! The engine: a configured Cranelift target, and compilation of prepared
//! modules.
//!
//! The target is x86-64 or aarch64, with the architecture's baseline
//! instructions by default, so a module compiles to the same code on every
//! CPU of an architecture; a node may let x86-64 code use x86-64-v3's
//! integer extensions where the CPU has all of them ([`CpuFeatures`]).
//! What the code computes is the same whatever the choice. Compilation is per
//! function: every defined function, a wasm-ABI
//! wrapper per imported function, an entry trampoline per exported function
//! (and the start function), then one blob ([`crate::link`]).

use std::cell::RefCell;
use std::sync::Arc;

use cranelift_codegen::control::ControlPlane;
use cranelift_codegen::flowgraph::ControlFlowGraph;
use cranelift_codegen::ir::{ExternalName, Function};
use cranelift_codegen::isa::{OwnedTargetIsa, TargetIsa};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_codegen::{CompiledCode, Context, FinalizedRelocTarget};
use cranelift_frontend::FunctionBuilderContext;
use gasket_metering::{ExportKind, Prepared, parallel};

use crate::error::CompileError;
use crate::link::blob::{self, CompiledFunction};
use crate::link::code_memory::CodeMemory;
use crate::link::reloc::Relocation;
use crate::module::{Module, ModuleInner, parse_module};
use crate::translate::func::Translation;
use crate::translate::{self, ModuleEnv, NS_FUNC};

/// Cranelift's optimisation level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OptLevel {
    /// No optimisation: fastest compile.
    None,
    /// Optimise for speed (the default).
    #[default]
    Speed,
}

/// Cranelift's register allocator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Regalloc {
    /// regalloc2's backtracking allocator (the default): good code,
    /// superlinear in the worst case.
    #[default]
    Backtracking,
    /// regalloc2's single-pass allocator: about half the compile time (0.4x
    /// with [`OptLevel::None`], [`EngineConfig::baseline`]), code up to 2.5x
    /// slower, larger frames. A function whose frame would then exceed its
    /// budget of native stack (see [`EngineConfig::regalloc`]) is compiled
    /// with the optimising pipeline instead (if that works).
    SinglePass,
}

/// Which optional instructions of the target generated code may use.
///
/// Results, traps and gas never depend on it: the wasm integer operators
/// have one result whatever instructions compute it, and the metering
/// counts wasm, not machine code. The code does, so the choice is part of
/// the cache key (`Engine::codegen_flags` lists every ISA flag): an
/// artifact that uses an extension is never loaded by an engine without
/// it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CpuFeatures {
    /// The target's baseline only (x86-64: SSE2), so the same module
    /// compiles to the same code on every CPU of the architecture. The
    /// default (`DESIGN.md`: artifacts identical across the machines of an
    /// architecture unless a config asks otherwise).
    #[default]
    Baseline,
    /// On an x86-64 CPU that has all of x86-64-v3's integer extensions
    /// (BMI1, BMI2, LZCNT, POPCNT and SSE4.2; Haswell, Zen and later),
    /// code may use them, as wasmtime's native detection does: `rorx`
    /// rotates by a constant without a copy, `andn` and `shlx` spare a
    /// move or a pinned `rcx`. Otherwise the baseline: on a CPU that lacks
    /// one of them, for a target that is not the process's architecture,
    /// and when a probe finds that `lzcnt` and `tzcnt` do not count as they
    /// should (a CPU that reports them without having them runs their
    /// bytes as `bsr` and `bsf`, without faulting). So an x86-64 module
    /// compiles to one of two codes, never to one per CPU model. aarch64's
    /// optional features are atomics, floating point and SIMD, which
    /// contracts cannot use. 3.8% faster over the compute workloads on an
    /// Intel Xeon (`docs/RATIONALE.md`). A Cranelift error raised only
    /// under these flags would reject a deploy on the nodes that set them
    /// alone: nodes whose deploy verdicts must agree keep the default.
    ///
    /// Whether a module compiles, and every outcome and gas figure, are
    /// the baseline's. Only native frame sizes differ, and with them how
    /// soon the native-stack backstop (a node failure, never a consensus
    /// outcome) would fire, as between x86-64 and aarch64. The spec
    /// suite runs both codes (`vm/tests/spec.rs`), and so do
    /// `vm/tests/arch.rs`, `vm/tests/differential.rs`,
    /// `vm/tests/bulk_checked.rs` and host-env's contract sequence.
    Host,
}

/// The architecture code is generated for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// x86-64 (System V); the extensions it may use are
    /// [`EngineConfig::cpu_features`].
    X86_64,
    /// aarch64 (AAPCS64), baseline ISA flags.
    Aarch64,
}

impl Target {
    /// The architecture of this process, if supported.
    pub fn host() -> Option<Target> {
        if cfg!(target_arch = "x86_64") {
            Some(Target::X86_64)
        } else if cfg!(target_arch = "aarch64") {
            Some(Target::Aarch64)
        } else {
            None
        }
    }

    fn triple(self) -> &'static str {
        match self {
            Target::X86_64 => "x86_64-unknown-linux-gnu",
            Target::Aarch64 => "aarch64-unknown-linux-gnu",
        }
    }

    /// Filler between functions in the blob (never executed).
    pub(crate) fn padding(self) -> u8 {
        match self {
            Target::X86_64 => 0xcc,
            Target::Aarch64 => 0,
        }
    }
}

/// The Cranelift ISA flags of x86-64-v3's integer extensions if this CPU
/// has every one of them, none otherwise (see [`CpuFeatures::Host`]).
/// Detected once per process.
pub(crate) fn host_isa_flags() -> &'static [&'static str] {
    static FLAGS: std::sync::OnceLock<&'static [&'static str]> = std::sync::OnceLock::new();
    FLAGS.get_or_init(detect_host_isa_flags)
}

/// Whether this CPU reports every one of x86-64-v3's integer extensions
/// (and the SSE levels SSE4.2 implies).
#[cfg(target_arch = "x86_64")]
fn cpu_reports_extensions() -> bool {
    std::is_x86_feature_detected!("bmi1")
        && std::is_x86_feature_detected!("bmi2")
        && std::is_x86_feature_detected!("lzcnt")
        && std::is_x86_feature_detected!("popcnt")
        && std::is_x86_feature_detected!("sse3")
        && std::is_x86_feature_detected!("ssse3")
        && std::is_x86_feature_detected!("sse4.1")
        && std::is_x86_feature_detected!("sse4.2")
}

// The one `unsafe` outside code memory and generated code: calling the
// probe of `lzcnt` and `tzcnt`, which needs their target feature.
#[allow(unsafe_code)]
fn detect_host_isa_flags() -> &'static [&'static str] {
    #[cfg(target_arch = "x86_64")]
    {
        let reported = cpu_reports_extensions();
        // SAFETY: the CPU reports LZCNT and BMI1 (checked just before). Were
        // the report wrong (a hypervisor's mask, a migration to an older
        // host), their encodings run as BSR and BSF, without a fault: the
        // silent wrong answer this call detects.
        if reported && unsafe { zero_counts_are_lzcnt_and_tzcnt() } {
            // SSE4.2 with the levels below it: Cranelift uses `popcnt` only
            // with `has_sse42`.
            return &[
                "has_bmi1",
                "has_bmi2",
                "has_lzcnt",
                "has_sse3",
                "has_ssse3",
                "has_sse41",
                "has_sse42",
                "has_popcnt",
            ];
        }
        &[]
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        &[]
    }
}

/// Whether `lzcnt` and `tzcnt` count as they should: on a CPU without
/// them, the same bytes are `bsr` and `bsf`, which give 0 for `bsr(1)` and
/// leave the destination undefined for `bsf(0)`. The code the extensions
/// allow uses both for `clz` and `ctz`, whose results are consensus.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "lzcnt,bmi1")]
fn zero_counts_are_lzcnt_and_tzcnt() -> bool {
    use std::hint::black_box;
    // Each count kept as computed, so the compiler emits the instructions
    // rather than reasoning about their results.
    let leading_of_one = black_box(black_box(1u64).leading_zeros());
    let leading_of_zero = black_box(black_box(0u64).leading_zeros());
    let trailing_of_zero = black_box(black_box(0u64).trailing_zeros());
    leading_of_one == 63 && leading_of_zero == 64 && trailing_of_zero == 64
}

/// Fewest jobs per compile thread (see [`Engine::run_jobs`]).
const JOBS_PER_THREAD: usize = 8;

/// How [`Engine::run_jobs`] starts a helper thread. Tests can make the OS
/// refuse it (`tests::REFUSE_COMPILE_THREADS`): a stack larger than the
/// address space.
fn compile_thread() -> std::thread::Builder {
    let builder = std::thread::Builder::new();
    #[cfg(test)]
    if tests::REFUSE_COMPILE_THREADS.with(std::cell::Cell::get) {
        return builder.stack_size(1 << 60);
    }
    builder
}

/// One function of the blob to compile.
enum Job {
    /// Function `index`: a defined function, or an imported function's
    /// wasm-ABI wrapper.
    Function(u32),
    /// The entry trampoline of exported function `index`.
    Entry(u32),
    /// The indirect trampoline of type `index` (shared tables only).
    Indirect(u32),
}

impl Job {
    /// The index an error names, as [`Engine::codegen_with`] does: the
    /// function's, or for an indirect trampoline its type's.
    fn func(&self) -> u32 {
        match *self {
            Job::Function(index) | Job::Entry(index) | Job::Indirect(index) => index,
        }
    }
}

/// Runs one job, turning a panic (Cranelift asserts its invariants, e.g.
/// `expect("register allocation")`, and so may our translator) into a
/// [`CompileError::Codegen`] naming the function, so that a module that
/// trips one is rejected instead of taking the node down. The contexts
/// may be half-updated after a panic: they are replaced.
fn run_job<F>(
    compile_one: &F,
    job: &Job,
    fctx: &mut FunctionBuilderContext,
    ctx: &mut Context,
) -> Result<CompiledFunction, CompileError>
where
    F: Fn(
        &Job,
        &mut FunctionBuilderContext,
        &mut Context,
    ) -> Result<CompiledFunction, CompileError>,
{
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| compile_one(job, fctx, ctx))) {
        Ok(result) => result,
        Err(panic) => {
            *fctx = FunctionBuilderContext::new();
            *ctx = Context::new();
            renew_regalloc();
            Err(CompileError::Codegen {
                func: job.func(),
                message: format!(
                    "the code generator panicked: {}",
                    gasket_metering::panic_message(&*panic)
                ),
            })
        }
    }
}

/// Engine settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineConfig {
    /// Target architecture. Default: the host's (x86-64 elsewhere). A module
    /// compiled for another architecture can be compiled (and its code
    /// inspected) but not instantiated.
    pub target: Target,
    /// Optimisation level.
    pub opt_level: OptLevel,
    /// Optional instructions the code may use. Default
    /// [`CpuFeatures::Baseline`].
    pub cpu_features: CpuFeatures,
    /// Register allocator. With [`Regalloc::SinglePass`], a defined
    /// function whose native frame exceeds its stack-height units times
    /// `native_stack_bytes / stack limit` times 3/4 (or a quarter of
    /// [`FRAME_RESERVE`]) is compiled with the default's optimising
    /// pipeline instead, so that single-pass code never takes more native
    /// stack per unit than that. That compile depends on the frame, so on
    /// the machine: if it fails, the single-pass code stays, and whether a
    /// module compiles is decided by the compiles every machine makes. `native_stack_bytes` must then be at least
    /// [`MIN_SINGLE_PASS_NATIVE_STACK_BYTES`]. Outcomes and gas are the
    /// same with either allocator: they come from the instrumentation and
    /// the CLIF, which do not depend on it.
    pub regalloc: Regalloc,
    /// Native stack a call may use below the point where it enters the VM,
    /// checked in every function prologue (the backstop behind the
    /// deterministic stack-height limit). The calling thread must have this
    /// much stack plus [`FRAME_RESERVE`] and room for host functions.
    /// Default 1 MiB.
    pub native_stack_bytes: usize,
    /// Run Cranelift's IR verifier (slower compiles). Default: on in debug
    /// builds.
    pub verify: bool,
    /// Threads one compilation may use; 0 = one per available core
    /// (the default). The code is the same whatever the number: functions
    /// are compiled independently and linked in index order. The cache's
    /// compiles also prepare on as many (`gasket_metering::parallel`). The
    /// threads live within the call: none is left running after it.
    pub compile_threads: usize,
    /// Compile every defined function as the optimising pipeline compiles
    /// one whose frame exceeds its share of native stack: locals and
    /// operand-stack values in cells of the frame, a load for every read
    /// and a store for every write, optimisation off. Slow code whose
    /// frames are about 8 bytes per stack-height unit; the same outcomes
    /// and gas. For testing that path on whole modules. Default off.
    pub values_in_slots: bool,
    /// A benchmarking aid: with `Some(seed)`, each function of the code
    /// starts 0, 16, 32 or 48 bytes later than it would, as the seed and
    /// its index pick. A loop's place in the CPU's fetch windows and cache
    /// lines, and with it its speed (up to 10% on this repository's
    /// workloads), depends on where the function starts, so on the size
    /// of every function before it; comparing two builds over several
    /// seeds averages that out (`scripts/bench-ab.sh`). Changes nothing
    /// but the addresses. Default `None`.
    pub code_layout_seed: Option<u64>,
}

/// Translates a defined function into the given function as the
/// [`Translation`] says; returns whether it inlined any call
/// (`translate::func::translator`).
type Translate<'t> = &'t mut dyn FnMut(&mut Function, Translation) -> Result<bool, CompileError>;

/// A function's code from [`Engine::codegen_or_slots`].
enum Compiled {
    /// Of its optimised CLIF: the frame may still exceed the share.
    Optimised(CompiledFunction),
    /// In slots, or the smaller frame of slots and the optimised CLIF:
    /// final.
    InSlots(CompiledFunction),
}

/// Register-allocation cost (`liveness::allocation_cost`) per byte of a
/// wasm function's body above which the optimising pipeline allocates its
/// registers with the single-pass allocator (for optimised CLIF, and for
/// a translation in slots: [`Engine::codegen_slots`]). The densest function of the
/// example and benchmark contracts is at 131 (of the 250 KB contract;
/// `tests::real_contracts_are_not_dense` checks they all stay under the
/// threshold, with inlining and without); 169 with the blocks' squares
/// (`liveness::BLOCKS_SQUARED_PER_UNIT`).
/// At 16 ns per unit, 256 is about 4 ms per KB of function, 2.9x the
/// references' median compile time per KB (benches/README.md, "Compile
/// cost per byte of adversarial shapes"); probes just under it measured
/// 1.8–2.5x, the dense shapes 2,000–2,400 per byte and up to 37x.
const DENSE_ALLOCATION_PER_BYTE: u64 = 256;

/// Cost any function may have whatever its size (trampolines have no
/// wasm body): about a quarter of a millisecond of allocation.
const DENSE_ALLOCATION_FREE: u64 = 16_384;

/// `kept`, unless the `attempted` compile of the same function (see
/// [`attempted`]) has a smaller frame.
fn smaller_frame(kept: CompiledFunction, attempted: Option<CompiledFunction>) -> CompiledFunction {
    match attempted {
        Some(attempted) if attempted.frame < kept.frame => attempted,
        _ => kept,
    }
}

/// Whether a frame of `frame` bytes (plus return address and frame
/// pointer) is within `share` ([`native_share`]; `None`: no limit).
fn within_share(frame: u32, share: Option<u64>) -> bool {
    share.is_none_or(|share| u64::from(frame) + 16 <= share)
}

/// Whether `func` (whose control-flow graph is `cfg`), of a wasm body of
/// `wasm_bytes`, has dense live ranges: register allocation work
/// (`liveness::allocation_cost`) over [`DENSE_ALLOCATION_PER_BYTE`].
fn dense(func: &Function, cfg: &ControlFlowGraph, wasm_bytes: u64) -> bool {
    let budget = DENSE_ALLOCATION_PER_BYTE
        .saturating_mul(wasm_bytes)
        .saturating_add(DENSE_ALLOCATION_FREE);
    crate::liveness::allocation_cost(func, cfg, budget) > budget
}

/// The optimising pipeline's register allocators, for optimised CLIF
/// (optimisation off, so that it is not optimised twice).
struct Allocators {
    backtracking: OwnedTargetIsa,
    single_pass: OwnedTargetIsa,
}

/// Runs a compile that only some machines make, because it follows from
/// a frame's size (which differs between architectures and CPU
/// features): `None` if it fails or panics, so that whether it works
/// never decides whether a module compiles (the compile it would replace
/// stays). `ctx` and the thread's register allocator context are renewed
/// after a failure: the next compile on this thread reuses them. (The
/// translation renews its own builder context.)
fn attempted<T>(
    ctx: &mut Context,
    compile: impl FnOnce(&mut Context) -> Result<T, CompileError>,
) -> Option<T> {
    let compiled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| compile(ctx)));
    match compiled {
        Ok(Ok(compiled)) => Some(compiled),
        _ => {
            *ctx = Context::new();
            renew_regalloc();
            None
        }
    }
}

thread_local! {
    /// regalloc2's reusable state for [`lower`], one per compiling thread
    /// (`Context::compile` uses the one `Context` keeps private), for the
    /// functions of one compile: `Engine::compile` drops the calling
    /// thread's once its jobs and frame guards are done.
    static REGALLOC: RefCell<regalloc2::Ctx> = RefCell::new(regalloc2::Ctx::default());
}

/// Drops this thread's register allocator state: after a panic, which
/// may have left it half-updated, and after a compile's jobs.
fn renew_regalloc() {
    REGALLOC.with_borrow_mut(|regalloc| *regalloc = regalloc2::Ctx::default());
}

/// Generates `isa`'s code for `ctx.func`, as `Context::compile` does but
/// for what it would repeat or our CLIF does not need:
///
/// - `optimised` (the optimising pipeline: [`Context::optimize`] ran, its
///   egraph pass last, which leaves the control-flow graph and dominator
///   tree computed): nothing runs before the backend. `Context::compile`
///   would run the optimiser's other passes over it again (1.2–2.9% of
///   the optimising tier's compile, the same code to the byte);
/// - otherwise (the single-pass tier, and slots translations, which go
///   to an allocator ISA at opt level none) the passes the backend
///   needs, without the removal of block parameters that always get the
///   same value (2% of the tier's compile, for 0.1% more code: the
///   translator passes few such).
fn lower(
    isa: &dyn TargetIsa,
    ctx: &mut Context,
    optimised: bool,
) -> cranelift_codegen::CodegenResult<CompiledCode> {
    if !optimised {
        // Off in every engine (no floats pass the metering), but what
        // `Context::optimize` runs first when on.
        if isa.flags().enable_nan_canonicalization() {
            ctx.canonicalize_nans(isa)?;
        }
        ctx.verify_if(isa)?;
        ctx.compute_cfg();
        ctx.compute_domtree();
        ctx.eliminate_unreachable_code(isa)?;
        ctx.func.dfg.resolve_all_aliases();
    }
    let stencil = REGALLOC.with_borrow_mut(|regalloc| {
        isa.compile_function(
            &ctx.func,
            &ctx.domtree,
            regalloc,
            ctx.want_disasm,
            &mut ControlPlane::default(),
        )
    })?;
    Ok(stencil.apply_params(&ctx.func.params))
}

/// [`EngineConfig::default`]'s native stack.
pub const DEFAULT_NATIVE_STACK_BYTES: usize = 1024 * 1024;

/// The most native stack, in bytes, a frame of a defined function of
/// `units` stack-height units (the `i32.const` before its `call
/// $stack_enter`) may take out of `native_stack_bytes`: three quarters of
/// its share by units. `None` for bodies without units.
///
/// The last quarter is for what the units do not count: the prologue's
/// backstop check runs before the body's `stack_enter`, so the frame that
/// crosses the deterministic limit is allocated before it traps (up to
/// [`FRAME_RESERVE`]), and host frames sit between nested contract calls.
/// (Half the share would cost 15 single-pass fallbacks on the 250 KB
/// contract and 30% more compile; three quarters, one.)
fn native_share(
    units: Option<u32>,
    info: &gasket_metering::ModuleInfo,
    native_stack_bytes: usize,
) -> Option<u64> {
    Some(
        u64::from(units?).saturating_mul(native_stack_bytes as u64)
            / u64::from(info.injected.stack_limit.max(1))
            / 4
            * 3,
    )
}

/// Native stack the calling thread must have below the backstop's limit.
/// The backstop checks the stack pointer after the frame is allocated, so
/// that memory must hold one more frame. A function with a larger frame
/// still compiles (whether a module compiles must not depend on the
/// machine code, which differs between architectures and CPU features):
/// its calls go through a guard that checks the room for its frame first
/// (`translate::trampoline::frame_guard`), so they reach the backstop
/// sooner, never overrun it.
pub const FRAME_RESERVE: u32 = 128 * 1024;

/// [`EngineConfig::baseline`]'s native stack: single-pass frames are
/// larger, 3.9x the backtracking allocator's at the median over the
/// functions of a 250 KB Rust contract. With 4 MiB, one of its 338
/// functions exceeds its budget (see [`EngineConfig::regalloc`]); with
/// 1 MiB, 61 do, most of the largest, and compile twice.
pub const BASELINE_NATIVE_STACK_BYTES: usize = 4 * 1024 * 1024;

/// The smallest `native_stack_bytes` the single-pass allocator accepts:
/// a quarter of it must hold a frame of up to [`FRAME_RESERVE`] and host
/// frames (see `native_share` in engine.rs).
pub const MIN_SINGLE_PASS_NATIVE_STACK_BYTES: usize = 1024 * 1024;

impl EngineConfig {
    /// The fastest compile: no optimisation and the single-pass allocator
    /// (as wasmer's singlepass or wasmtime's Winch are chosen for deploy-time
    /// compile cost), with [`BASELINE_NATIVE_STACK_BYTES`]: calls need a
    /// thread with more than that much stack plus [`FRAME_RESERVE`] (a
    /// spawned Rust thread has 2 MiB by default). The default settings
    /// otherwise.
    pub fn baseline() -> EngineConfig {
        EngineConfig {
            opt_level: OptLevel::None,
            regalloc: Regalloc::SinglePass,
            native_stack_bytes: BASELINE_NATIVE_STACK_BYTES,
            ..EngineConfig::default()
        }
    }

    /// What a single-pass function falls back to: the optimising pipeline
    /// (the default's settings), whose frames are the smaller ones.
    fn fallback(&self) -> EngineConfig {
        EngineConfig {
            opt_level: OptLevel::Speed,
            regalloc: Regalloc::Backtracking,
            ..self.clone()
        }
    }
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            target: Target::host().unwrap_or(Target::X86_64),
            opt_level: OptLevel::Speed,
            cpu_features: CpuFeatures::Baseline,
            regalloc: Regalloc::Backtracking,
            native_stack_bytes: DEFAULT_NATIVE_STACK_BYTES,
            verify: cfg!(debug_assertions),
            compile_threads: 0,
            values_in_slots: false,
            code_layout_seed: None,
        }
    }
}

/// A compiler for one target. Cheap to clone, `Send + Sync`.
#[derive(Clone)]
pub struct Engine {
    isa: Arc<OwnedTargetIsa>,
    /// With [`Regalloc::SinglePass`]: the optimising pipeline
    /// (`EngineConfig::fallback`), for functions whose frame is too large.
    fallback_isa: Option<Arc<OwnedTargetIsa>>,
    /// The register allocators that finish the optimising pipeline's
    /// functions once optimised (see [`Engine::codegen_with`]).
    allocators: Arc<Allocators>,
    config: EngineConfig,
    /// blake3 of what makes this engine's code (`cache::key`), computed on
    /// first use: every cache lookup needs it.
    pub(crate) identity: std::sync::OnceLock<[u8; 32]>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("target", &self.isa.triple().to_string())
            .field("config", &self.config)
            .finish()
    }
}

impl Engine {
    /// An engine for `config.target`.
    pub fn new(config: EngineConfig) -> Result<Engine, CompileError> {
        let isa = Self::isa(&config)?;
        let fallback_isa = match config.regalloc {
            Regalloc::Backtracking => None,
            Regalloc::SinglePass => {
                if config.native_stack_bytes < MIN_SINGLE_PASS_NATIVE_STACK_BYTES {
                    return Err(CompileError::Codegen {
                        func: u32::MAX,
                        message: format!(
                            "the single-pass allocator needs native_stack_bytes of at least \
                             {MIN_SINGLE_PASS_NATIVE_STACK_BYTES} (got {})",
                            config.native_stack_bytes
                        ),
                    });
                }
                Some(Arc::new(Self::isa(&config.fallback())?))
            }
        };
        let optimising = match config.regalloc {
            Regalloc::Backtracking => config.clone(),
            Regalloc::SinglePass => config.fallback(),
        };
        let allocator = |regalloc| {
            Self::isa(&EngineConfig {
                opt_level: OptLevel::None,
                regalloc,
                ..optimising.clone()
            })
        };
        let allocators = Arc::new(Allocators {
            backtracking: allocator(Regalloc::Backtracking)?,
            single_pass: allocator(Regalloc::SinglePass)?,
        });
        Ok(Engine {
            isa: Arc::new(isa),
            fallback_isa,
            allocators,
            config,
            identity: std::sync::OnceLock::new(),
        })
    }

    fn isa(config: &EngineConfig) -> Result<OwnedTargetIsa, CompileError> {
        let codegen = |message: String| CompileError::Codegen {
            func: u32::MAX,
            message,
        };
        let mut flags = settings::builder();
        let opt = match config.opt_level {
            OptLevel::None => "none",
            OptLevel::Speed => "speed",
        };
        for (name, value) in [
            ("opt_level", opt),
            (
                "enable_verifier",
                if config.verify { "true" } else { "false" },
            ),
            ("enable_probestack", "false"),
            ("unwind_info", "false"),
            ("preserve_frame_pointers", "false"),
            // The gas left lives in the pinned register (r15, x21).
            ("enable_pinned_reg", "true"),
            // Wasm functions with more results than return registers: only
            // our own code calls them, so a Cranelift-specific ABI is fine.
            ("enable_multi_ret_implicit_sret", "true"),
            (
                "regalloc_algorithm",
                match config.regalloc {
                    Regalloc::Backtracking => "backtracking",
                    Regalloc::SinglePass => "single_pass",
                },
            ),
        ] {
            flags
                .set(name, value)
                .map_err(|e| codegen(format!("setting {name}: {e}")))?;
        }
        let mut isa = cranelift_codegen::isa::lookup_by_name(config.target.triple())
            .map_err(|e| codegen(e.to_string()))?;
        if config.cpu_features == CpuFeatures::Host && Target::host() == Some(config.target) {
            for flag in host_isa_flags() {
                isa.enable(flag)
                    .map_err(|e| codegen(format!("enabling {flag}: {e}")))?;
            }
        }
        isa.finish(settings::Flags::new(flags))
            .map_err(|e| codegen(e.to_string()))
    }

    #[cfg(test)]
    pub(crate) fn frontend_config(&self) -> cranelift_codegen::isa::TargetFrontendConfig {
        self.isa.frontend_config()
    }

    /// The engine's settings.
    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// The target triple and every Cranelift flag that changes code, one
    /// `name=value` per line (part of the cache key). The verifier flag is
    /// left out: it checks code, it does not change it.
    pub(crate) fn codegen_flags(&self) -> String {
        let mut text = format!("triple {}\n", self.isa.triple());
        for value in self.isa.flags().iter().chain(self.isa.isa_flags()) {
            if value.name != "enable_verifier" {
                text.push_str(&format!("{value}\n"));
            }
        }
        text
    }

    /// Compiles a prepared module. Functions are compiled in parallel
    /// ([`EngineConfig::compile_threads`]); on failure the error is the one
    /// of the lowest-numbered failing function, as if compiled in order.
    pub fn compile(&self, prepared: &Prepared) -> Result<Module, CompileError> {
        let info = &prepared.info;
        let parsed = parse_module(&prepared.wasm, info)?;
        let mut env = ModuleEnv::new(info, &parsed.bodies);
        env.one_raise_per_function = self.config.regalloc == Regalloc::SinglePass;
        let total = info.functions.len();
        let imported = info.imported_functions as usize;
        if parsed.bodies.len() + imported != total {
            return Err(CompileError::internal("code section length", u32::MAX, 0));
        }

        // Function i of the blob is function index i; trampolines follow.
        let mut jobs: Vec<Job> = (0..total as u32).map(Job::Function).collect();
        let mut entries = Vec::new();
        let exported = info
            .exports
            .iter()
            .filter(|e| e.kind == ExportKind::Func)
            .map(|e| e.index);
        for index in exported.chain(info.injected.start_func) {
            if entries.iter().any(|&(i, _)| i == index) {
                continue;
            }
            entries.push((index, jobs.len()));
            jobs.push(Job::Entry(index));
        }
        let mut indirect_entries = Vec::new();
        if env.table_shared {
            for index in 0..info.types.len() as u32 {
                indirect_entries.push((index, jobs.len()));
                jobs.push(Job::Indirect(index));
            }
        }
        let compile_one = |job: &Job, fctx: &mut FunctionBuilderContext, ctx: &mut Context| {
            let frontend = self.isa.frontend_config();
            let (function, index) = match *job {
                Job::Function(index) if (index as usize) < imported => {
                    let sig = info
                        .func_sig(index)
                        .ok_or_else(|| CompileError::internal("import without a type", index, 0))?;
                    let f =
                        translate::trampoline::import_wrapper(index, index, sig, fctx, frontend);
                    (f, index)
                }
                Job::Function(index) => {
                    let body = &parsed.bodies[index as usize - imported];
                    let mut translate =
                        translate::func::translator(&env, index, body, fctx, frontend);
                    let units = translate::func::frame_units(body, &info.injected);
                    return self.codegen_function(
                        ctx,
                        index,
                        body.range().end - body.range().start,
                        units,
                        info,
                        &mut translate,
                    );
                }
                Job::Entry(index) => {
                    let sig = info
                        .func_sig(index)
                        .ok_or_else(|| CompileError::internal("export without a type", index, 0))?;
                    (
                        translate::trampoline::entry(index, sig, fctx, frontend),
                        index,
                    )
                }
                Job::Indirect(index) => {
                    let sig = &info.types[index as usize];
                    (
                        translate::trampoline::indirect_entry(index, sig, fctx, frontend),
                        index,
                    )
                }
            };
            ctx.clear();
            ctx.func = function;
            self.codegen_trampoline(ctx, index, 0)
        };
        // A job's work grows with its body: the largest go first, so no
        // thread is left with one long function while the others idle.
        let weight = |job: &Job| match *job {
            Job::Function(index) if index as usize >= imported => {
                let body = &parsed.bodies[index as usize - imported];
                translate::inline::body_bytes(body) as u64
            }
            _ => 0,
        };
        let compiled = self
            .run_jobs(&jobs, weight, compile_one)
            .and_then(|mut compiled| {
                self.guard_large_frames(&mut compiled, info)?;
                Ok(compiled)
            });
        // The helper threads' allocator state ended with them; this thread
        // (a node's own) does not keep its own either.
        renew_regalloc();
        let compiled = compiled?;

        let (code, offsets) = blob::link(
            &compiled,
            self.config.target.padding(),
            self.config.code_layout_seed,
        )?;
        let code = CodeMemory::new(&code)?;
        Ok(Module::from(ModuleInner {
            info: info.clone(),
            sig_ids: env.sig_ids,
            function_offsets: offsets[..total].to_vec(),
            entries: entries
                .into_iter()
                .map(|(index, at)| (index, offsets[at]))
                .collect(),
            indirect_entries: indirect_entries
                .into_iter()
                .map(|(index, at)| (index, offsets[at]))
                .collect(),
            code,
            parsed: parsed.segments,
            native_stack_bytes: self.config.native_stack_bytes,
            target: self.config.target,
        }))
    }

    /// Puts a guard ([`translate::trampoline::frame_guard`]) in the place
    /// of every defined function whose frame is over [`FRAME_RESERVE`],
    /// and its body after the other jobs: calls of the function check
    /// that the native stack has room for the frame before it is
    /// allocated. Frames differ between machines (architecture, CPU
    /// features), so a frame's size must not decide whether a module
    /// compiles; only whether a call reaches the backstop.
    fn guard_large_frames(
        &self,
        compiled: &mut Vec<CompiledFunction>,
        info: &gasket_metering::ModuleInfo,
    ) -> Result<(), CompileError> {
        let (total, jobs) = (info.functions.len(), compiled.len());
        let (mut fctx, mut ctx) = (FunctionBuilderContext::new(), Context::new());
        for index in info.imported_functions..total as u32 {
            let frame = compiled[index as usize].frame;
            // The frame sits below the return address and frame pointer.
            if u64::from(frame) + 16 <= u64::from(FRAME_RESERVE) {
                continue;
            }
            let sig = info
                .func_sig(index)
                .ok_or_else(|| CompileError::internal("function without a type", index, 0))?;
            let body = compiled.len() as u32;
            // Below the guard's stack pointer.
            let excess = frame.saturating_add(16) - FRAME_RESERVE;
            ctx.clear();
            ctx.func = translate::trampoline::frame_guard(
                index,
                body,
                excess,
                sig,
                &mut fctx,
                self.isa.frontend_config(),
            );
            // Only machines with this frame compile a guard: its failure
            // must not reject the module as a deterministic error would.
            let guard = attempted(&mut ctx, |ctx| {
                self.codegen_with(&**self.isa, ctx, index, 0)
            })
            .ok_or(CompileError::FrameGuard { func: index })?;
            let original = std::mem::replace(&mut compiled[index as usize], guard);
            compiled.push(original);
        }
        // Left: import wrappers and trampolines, whose buffers hold a
        // type's parameters and results (at most 160 values under the
        // default limits), never near the reserve.
        if let Some(job) =
            (0..jobs).find(|&job| u64::from(compiled[job].frame) + 16 > u64::from(FRAME_RESERVE))
        {
            return Err(CompileError::internal(
                "a trampoline's frame over the reserve",
                job as u32,
                0,
            ));
        }
        Ok(())
    }

    /// The threads one compilation may use ([`EngineConfig::compile_threads`],
    /// 0 resolved to the cores available).
    pub(crate) fn compile_threads(&self) -> usize {
        match self.config.compile_threads {
            0 => parallel::available_threads(),
            n => n,
        }
    }

    /// Runs `compile_one` on every job, on up to `compile_threads` threads
    /// taking jobs heaviest `weight` first; results in job order, or the
    /// error of the lowest-numbered failing job
    /// ([`gasket_metering::parallel::map_in_order`]).
    fn run_jobs<F>(
        &self,
        jobs: &[Job],
        weight: impl Fn(&Job) -> u64,
        compile_one: F,
    ) -> Result<Vec<CompiledFunction>, CompileError>
    where
        F: Fn(
                &Job,
                &mut FunctionBuilderContext,
                &mut Context,
            ) -> Result<CompiledFunction, CompileError>
            + Sync,
    {
        // A thread is worth its start-up cost only with a few jobs to take.
        let threads = self.compile_threads().min(jobs.len() / JOBS_PER_THREAD);
        parallel::map_in_order(
            jobs.len(),
            threads,
            |i| weight(&jobs[i]),
            compile_thread,
            || (FunctionBuilderContext::new(), Context::new()),
            |(fctx, ctx), i| run_job(&compile_one, &jobs[i], fctx, ctx),
        )
    }

    /// Compiles defined function `index`, of `units` stack-height units,
    /// which `translate` translates. With the single-pass allocator: of
    /// its translation without inlining, unless the frame (plus return
    /// address and frame pointer) exceeds the function's [`native_share`]
    /// of `native_stack_bytes`, or a quarter of [`FRAME_RESERVE`]; then
    /// with the optimising pipeline, as the default compiles it
    /// ([`Engine::codegen_optimising`]).
    fn codegen_function(
        &self,
        ctx: &mut Context,
        index: u32,
        wasm_bytes: u64,
        units: Option<u32>,
        info: &gasket_metering::ModuleInfo,
        translate: Translate<'_>,
    ) -> Result<CompiledFunction, CompileError> {
        let share = native_share(units, info, DEFAULT_NATIVE_STACK_BYTES);
        if self.config.values_in_slots {
            return self.codegen_slots(ctx, index, wasm_bytes, share, translate);
        }
        let Some(fallback) = &self.fallback_isa else {
            return self.codegen_optimising(&**self.isa, ctx, index, wasm_bytes, share, translate);
        };
        // Only the optimising pipeline inlines (see `translate::inline`):
        // the single-pass tier is chosen for compile time.
        ctx.clear();
        translate(&mut ctx.func, Translation::Plain)?;
        let budget = native_share(units, info, self.config.native_stack_bytes);
        // Large frames fall back too: a frame over `FRAME_RESERVE` needs a
        // guard and an extra call (`Engine::guard_large_frames`), so
        // single-pass frames stay well under it.
        let fits = |frame: u32| {
            frame <= FRAME_RESERVE / 4
                && budget.is_none_or(|budget| u64::from(frame) + 16 <= budget)
        };
        // `None` if the engine optimises and the function is dense: the
        // CLIF decides it, alike everywhere.
        match self.codegen_unless_dense(&**self.isa, ctx, index, wasm_bytes, true)? {
            Some(single_pass) if fits(single_pass.frame) => Ok(single_pass),
            Some(single_pass) => Ok(attempted(ctx, |ctx| {
                self.codegen_optimising(&***fallback, ctx, index, wasm_bytes, share, translate)
            })
            .unwrap_or(single_pass)),
            None => self.codegen_optimising(&***fallback, ctx, index, wasm_bytes, share, translate),
        }
    }

    /// The optimising pipeline on a defined function: its translation with
    /// small leaf callees inlined, unless that inlined something and its
    /// frame (plus return address and frame pointer) exceeds `share`, the
    /// function's [`native_share`] of [`DEFAULT_NATIVE_STACK_BYTES`], or
    /// [`FRAME_RESERVE`]; then its translation without inlining; and if
    /// that frame still exceeds `share`, its translation with every value
    /// in a cell of the frame ([`Translation::Slots`]), whose frame is about
    /// 8 bytes per unit, with optimisation off. So no function takes more
    /// native stack per unit than its share (the optimiser's merged values
    /// and the single-pass allocator's slots would). The choice depends on
    /// the function and on the machine code (the target, and with
    /// [`CpuFeatures::Host`] the CPU), not on the tier: both tiers compile
    /// the same; what the code computes depends on neither. A dense
    /// inlined translation ([`Engine::codegen_with`]) is not compiled: the
    /// one without inlining is, and a dense one whose single-pass frame
    /// would exceed the share goes to slots at once
    /// ([`Engine::codegen_or_slots`]). Compiles that follow from a frame's
    /// size are [`attempted`]: the first compile decides whether the
    /// function compiles.
    fn codegen_optimising(
        &self,
        isa: &dyn TargetIsa,
        ctx: &mut Context,
        index: u32,
        wasm_bytes: u64,
        share: Option<u64>,
        translate: Translate<'_>,
    ) -> Result<CompiledFunction, CompileError> {
        ctx.clear();
        let compiled = if translate(&mut ctx.func, Translation::Inlining)? {
            // `None` if dense, which the CLIF decides, alike everywhere.
            match self.codegen_unless_dense(isa, ctx, index, wasm_bytes, true)? {
                Some(inlined)
                    if inlined.frame <= FRAME_RESERVE && within_share(inlined.frame, share) =>
                {
                    return Ok(inlined);
                }
                Some(inlined) => attempted(ctx, |ctx| {
                    ctx.clear();
                    translate(&mut ctx.func, Translation::Plain)?;
                    self.codegen_or_slots(isa, ctx, index, wasm_bytes, share, translate)
                })
                .unwrap_or(Compiled::Optimised(inlined)),
                None => {
                    ctx.clear();
                    translate(&mut ctx.func, Translation::Plain)?;
                    self.codegen_or_slots(isa, ctx, index, wasm_bytes, share, translate)?
                }
            }
        } else {
            self.codegen_or_slots(isa, ctx, index, wasm_bytes, share, translate)?
        };
        let compiled = match compiled {
            Compiled::Optimised(compiled) => compiled,
            Compiled::InSlots(in_slots) => return Ok(in_slots),
        };
        if within_share(compiled.frame, share) {
            return Ok(compiled);
        }
        let in_slots = attempted(ctx, |ctx| {
            self.codegen_slots(ctx, index, wasm_bytes, share, translate)
        });
        Ok(smaller_frame(compiled, in_slots))
    }

    /// [`Engine::codegen_with`] of the translation in `ctx.func`, unless
    /// its optimised CLIF is dense and its single-pass frame would exceed
    /// `share` by the estimate of `liveness::crossing_values` (the
    /// allocator gives each value that crosses into another block a frame
    /// slot of its own): then it is compiled in slots at once
    /// ([`Engine::codegen_slots`]). For such a function that slots compile
    /// decides whether it compiles (before, the single-pass compile of
    /// its optimised CLIF did); if its frame exceeds the share too, the
    /// optimised CLIF with the single-pass allocator is attempted and the
    /// smaller frame kept (slots on a tie). Both choices are the CLIF's,
    /// alike everywhere; the estimate errs only in the code chosen.
    fn codegen_or_slots(
        &self,
        isa: &dyn TargetIsa,
        ctx: &mut Context,
        index: u32,
        wasm_bytes: u64,
        share: Option<u64>,
        translate: Translate<'_>,
    ) -> Result<Compiled, CompileError> {
        if let Some(compiled) = self.codegen_unless_dense(isa, ctx, index, wasm_bytes, true)? {
            return Ok(Compiled::Optimised(compiled));
        }
        let single_pass = &*self.allocators.single_pass;
        let floor = crate::liveness::crossing_values(&ctx.func).saturating_mul(8);
        if share.is_none_or(|share| floor.saturating_add(16) <= share) {
            return Ok(Compiled::Optimised(self.emit(
                single_pass,
                ctx,
                index,
                true,
            )?));
        }
        let optimised = ctx.func.clone();
        let in_slots = self.codegen_slots(ctx, index, wasm_bytes, share, translate)?;
        if within_share(in_slots.frame, share) {
            return Ok(Compiled::InSlots(in_slots));
        }
        let single_pass = attempted(ctx, |ctx| {
            ctx.clear();
            ctx.func = optimised;
            // Optimised already: the backend takes it as it is.
            ctx.compute_cfg();
            ctx.compute_domtree();
            self.emit(single_pass, ctx, index, true)
        });
        Ok(Compiled::InSlots(smaller_frame(in_slots, single_pass)))
    }

    /// Translates a function with every value in a cell of the frame
    /// ([`Translation::Slots`]) and compiles it without optimising it: with
    /// the backtracking allocator, whose frames for it stay near 8 bytes a
    /// unit; if its live ranges are dense (as [`Engine::codegen_with`]
    /// measures optimised CLIF), with the single-pass allocator, and only
    /// if that frame exceeds `share` with the backtracking allocator too,
    /// keeping the smaller frame. The backtracking allocator also builds
    /// its own dominator tree, in time quadratic in a chain of blocks that
    /// all branch to one block (regalloc2's `domtree::calculate`, 6.1 G of
    /// the 9.8 G instructions of the `trapping_ifs` shape's compile in
    /// slots); the single-pass allocator is linear. The first compile,
    /// chosen by the CLIF, decides whether the function compiles.
    fn codegen_slots(
        &self,
        ctx: &mut Context,
        index: u32,
        wasm_bytes: u64,
        share: Option<u64>,
        translate: Translate<'_>,
    ) -> Result<CompiledFunction, CompileError> {
        ctx.clear();
        translate(&mut ctx.func, Translation::Slots)?;
        ctx.compute_cfg();
        let backtracking = &*self.allocators.backtracking;
        if !dense(&ctx.func, &ctx.cfg, wasm_bytes) {
            return self.codegen_with(backtracking, ctx, index, wasm_bytes);
        }
        let function = ctx.func.clone();
        let single_pass =
            self.codegen_with(&*self.allocators.single_pass, ctx, index, wasm_bytes)?;
        if within_share(single_pass.frame, share) {
            return Ok(single_pass);
        }
        let backtracked = attempted(ctx, |ctx| {
            ctx.clear();
            ctx.func = function;
            self.codegen_with(backtracking, ctx, index, wasm_bytes)
        });
        Ok(smaller_frame(single_pass, backtracked))
    }

    /// Compiles a trampoline (`ctx.func`) with the engine's allocator; if
    /// its frame is over a quarter of [`FRAME_RESERVE`], again with the
    /// optimising pipeline (as [`Engine::codegen_function`]).
    fn codegen_trampoline(
        &self,
        ctx: &mut Context,
        index: u32,
        wasm_bytes: u64,
    ) -> Result<CompiledFunction, CompileError> {
        let Some(fallback) = &self.fallback_isa else {
            return self.codegen_with(&**self.isa, ctx, index, wasm_bytes);
        };
        let function = ctx.func.clone();
        let single_pass = self.codegen_with(&**self.isa, ctx, index, wasm_bytes)?;
        if single_pass.frame <= FRAME_RESERVE / 4 {
            return Ok(single_pass);
        }
        Ok(attempted(ctx, |ctx| {
            ctx.clear();
            ctx.func = function;
            self.codegen_with(&***fallback, ctx, index, wasm_bytes)
        })
        .unwrap_or(single_pass))
    }

    /// Compiles `ctx.func` for `isa`. If `isa` optimises: optimises it,
    /// then allocates its registers with the backtracking allocator, or,
    /// if its live ranges are dense ([`DENSE_ALLOCATION_PER_BYTE`]), with
    /// the single-pass allocator, whose time is linear in them.
    /// (The backend takes the optimised CLIF as it is, see [`lower`]: the
    /// code of the example contracts is byte for byte that of one
    /// `Context::compile`.)
    fn codegen_with(
        &self,
        isa: &dyn TargetIsa,
        ctx: &mut Context,
        index: u32,
        wasm_bytes: u64,
    ) -> Result<CompiledFunction, CompileError> {
        self.codegen_unless_dense(isa, ctx, index, wasm_bytes, false)?
            .ok_or_else(|| CompileError::internal("a dense function refused", index, 0))
    }

    /// Optimises `ctx.func` for `isa`; returns whether its live ranges are
    /// dense for a function of `wasm_bytes` ([`DENSE_ALLOCATION_PER_BYTE`]).
    fn optimise_and_measure(
        isa: &dyn TargetIsa,
        ctx: &mut Context,
        wasm_bytes: u64,
    ) -> cranelift_codegen::CodegenResult<bool> {
        // Its egraph pass, last, leaves `ctx.cfg` computed.
        ctx.optimize(isa, &mut ControlPlane::default())?;
        Ok(dense(&ctx.func, &ctx.cfg, wasm_bytes))
    }

    /// [`Engine::codegen_with`], or `None` if `refuse_dense` and the
    /// function is dense.
    fn codegen_unless_dense(
        &self,
        isa: &dyn TargetIsa,
        ctx: &mut Context,
        index: u32,
        wasm_bytes: u64,
        refuse_dense: bool,
    ) -> Result<Option<CompiledFunction>, CompileError> {
        let codegen = |message: String| CompileError::Codegen {
            func: index,
            message,
        };
        let mut isa = isa;
        let optimised = isa.flags().opt_level() != settings::OptLevel::None;
        if optimised {
            let dense = Self::optimise_and_measure(isa, ctx, wasm_bytes)
                .map_err(|e| codegen(format!("{e:?}")))?;
            isa = if dense {
                if refuse_dense {
                    return Ok(None);
                }
                &*self.allocators.single_pass
            } else {
                &*self.allocators.backtracking
            };
        }
        self.emit(isa, ctx, index, optimised).map(Some)
    }

    /// The machine code of `ctx.func` for `isa` ([`lower`]; `optimised`:
    /// the CLIF was optimised already), with its relocations and frame.
    fn emit(
        &self,
        isa: &dyn TargetIsa,
        ctx: &mut Context,
        index: u32,
        optimised: bool,
    ) -> Result<CompiledFunction, CompileError> {
        let codegen = |message: String| CompileError::Codegen {
            func: index,
            message,
        };
        let (bytes, raw_relocs, frame) = {
            let code = lower(isa, ctx, optimised).map_err(|e| codegen(format!("{e:?}")))?;
            (
                code.code_buffer().to_vec(),
                code.buffer.relocs().to_vec(),
                code.buffer.frame_layout().map(|l| l.frame_to_fp_offset),
            )
        };
        let mut relocs = Vec::new();
        for r in &raw_relocs {
            let target = match &r.target {
                FinalizedRelocTarget::ExternalName(ExternalName::User(name)) => {
                    let name = &ctx.func.params.user_named_funcs()[*name];
                    if name.namespace != NS_FUNC {
                        return Err(CompileError::internal("call to a trampoline", index, 0));
                    }
                    name.index as usize
                }
                other => {
                    return Err(CompileError::Codegen {
                        func: index,
                        message: format!("unexpected relocation target {other:?}"),
                    });
                }
            };
            relocs.push(Relocation {
                offset: r.offset,
                kind: r.kind,
                target,
                addend: r.addend,
            });
        }
        Ok(CompiledFunction {
            code: bytes,
            relocs,
            frame: frame.unwrap_or(0),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasmparser::FunctionBody;

    /// Calls `visit` with every defined function of `wasm` (prepared with
    /// the default config): the module's environment, the function's
    /// index, body and body size, and a builder context.
    fn for_each_body(
        wasm: &[u8],
        mut visit: impl FnMut(&ModuleEnv<'_>, u32, &FunctionBody<'_>, u64, &mut FunctionBuilderContext),
    ) {
        let prepared = gasket_metering::prepare_with_policy(
            wasm,
            &gasket_metering::Config::default(),
            &gasket_metering::Permissive,
        )
        .unwrap();
        let info = &prepared.info;
        let parsed = parse_module(&prepared.wasm, info).unwrap();
        let env = ModuleEnv::new(info, &parsed.bodies);
        let mut fctx = FunctionBuilderContext::new();
        for (i, body) in parsed.bodies.iter().enumerate() {
            let index = info.imported_functions + i as u32;
            let bytes = body.range().end - body.range().start;
            visit(&env, index, body, bytes, &mut fctx);
        }
    }

    /// Calls `visit` with every defined function of `wasm` (prepared with
    /// the default config): its index, its translation with small leaves
    /// `inline`d or not, and its body's size.
    fn for_each_translation(
        engine: &Engine,
        wasm: &[u8],
        inline: bool,
        mut visit: impl FnMut(u32, Function, u64),
    ) {
        let translation = if inline {
            Translation::Inlining
        } else {
            Translation::Plain
        };
        for_each_translation_of(engine, wasm, translation, |index, function, bytes, _| {
            visit(index, function, bytes)
        });
    }

    /// [`for_each_translation`] as `translation` says, also giving each
    /// function's share of the default native stack ([`native_share`]).
    fn for_each_translation_of(
        engine: &Engine,
        wasm: &[u8],
        translation: Translation,
        mut visit: impl FnMut(u32, Function, u64, Option<u64>),
    ) {
        let frontend = engine.isa.frontend_config();
        for_each_body(wasm, |env, index, body, bytes, fctx| {
            let mut function = Function::new();
            translate::func::translate_into(
                env,
                index,
                body,
                fctx,
                frontend,
                &mut function,
                translation,
            )
            .unwrap();
            let units = translate::func::frame_units(body, &env.info.injected);
            let share = native_share(units, env.info, DEFAULT_NATIVE_STACK_BYTES);
            visit(index, function, bytes, share);
        });
    }

    /// Which defined functions of `wasm` (by index) the optimising pipeline
    /// finds dense, translated with small leaves `inline`d or not.
    fn dense_functions(wasm: &[u8], inline: bool) -> Vec<u32> {
        let engine = Engine::new(EngineConfig::default()).unwrap();
        let mut ctx = Context::new();
        let mut dense = Vec::new();
        for_each_translation(&engine, wasm, inline, |index, function, bytes| {
            ctx.clear();
            ctx.func = function;
            if Engine::optimise_and_measure(&**engine.isa, &mut ctx, bytes).unwrap() {
                dense.push(index);
            }
        });
        dense
    }

    /// Where the CPU reports all of x86-64-v3's integer extensions, the
    /// probe agrees and the engine gets them.
    #[test]
    #[cfg(target_arch = "x86_64")]
    fn a_cpu_reporting_the_extensions_gets_them() {
        assert_eq!(!host_isa_flags().is_empty(), cpu_reports_extensions());
    }

    /// The adversarial shapes with dense live ranges get the single-pass
    /// allocator, with inlining (as the optimising pipeline compiles them
    /// first) and without, not their callees nor the other shapes' large
    /// bodies.
    #[test]
    fn only_dense_live_ranges_are_dense() {
        use gasket_harness::shapes;
        let dense = |shape: &shapes::Shape, inline| {
            dense_functions(&wat::parse_str(&shape.wat).unwrap(), inline)
        };
        for shape in [
            shapes::values_on_the_operand_stack(),
            shapes::locals_across_calls(),
            shapes::recomputed_products(),
            shapes::trapping_ifs(),
        ] {
            for inline in [false, true] {
                let dense = dense(&shape, inline);
                assert_eq!(dense.len(), 1, "{}, inline {inline}: {dense:?}", shape.name);
            }
        }
        for shape in [
            shapes::most_locals(),
            shapes::large_straight_line_body(),
            shapes::biggest_br_table(),
        ] {
            for inline in [false, true] {
                assert_eq!(dense(&shape, inline), Vec::<u32>::new(), "{}", shape.name);
            }
        }
    }

    /// For functions that are not dense, optimising first and compiling
    /// with optimisation off (`codegen_with`) gives the very code of one
    /// compile with optimisation on, byte for byte.
    #[test]
    fn optimising_in_two_steps_changes_no_code() {
        let engine = Engine::new(EngineConfig::default()).unwrap();
        let mut ctx = Context::new();
        for name in ["workloads", "token"] {
            let wasm = gasket_harness::contract::wasm(name);
            for_each_translation(&engine, &wasm, true, |index, function, bytes| {
                ctx.clear();
                ctx.func = function.clone();
                let once = ctx
                    .compile(&**engine.isa, &mut ControlPlane::default())
                    .unwrap()
                    .code_buffer()
                    .to_vec();
                ctx.clear();
                ctx.func = function;
                let twice = engine.codegen_with(&**engine.isa, &mut ctx, index, bytes);
                assert_eq!(twice.unwrap().code, once, "{name} function {index}");
            });
        }
    }

    /// No function of the example and benchmark contracts is dense, with
    /// inlining or without: real code keeps the backtracking allocator.
    #[test]
    #[cfg_attr(
        not(target_arch = "x86_64"),
        ignore = "optimised CLIF does not depend on the target; 250 KB under qemu takes long"
    )]
    fn real_contracts_are_not_dense() {
        for name in ["large", "workloads", "token", "escrow", "registry"] {
            let wasm = gasket_harness::contract::wasm(name);
            for inline in [false, true] {
                let dense = dense_functions(&wasm, inline);
                assert_eq!(dense, Vec::<u32>::new(), "{name}, inline {inline}");
            }
        }
    }

    thread_local! {
        /// Makes `compile_thread` ask for threads the OS refuses, on this
        /// thread.
        pub(super) static REFUSE_COMPILE_THREADS: std::cell::Cell<bool> =
            const { std::cell::Cell::new(false) };
    }

    /// Threads the OS refuses are helpers fewer, not a panic: the calling
    /// thread compiles every job, and the code is the same.
    #[test]
    fn refused_compile_threads_leave_the_work_to_the_caller() {
        let refused = std::thread::Builder::new().stack_size(1 << 60).spawn(|| ());
        assert!(refused.is_err(), "the OS gave a thread a 1 EiB stack");
        let wasm = gasket_harness::contract::wasm("token");
        let prepared = gasket_metering::prepare_with_policy(
            &wasm,
            &gasket_metering::Config::default(),
            &gasket_metering::Permissive,
        )
        .unwrap();
        let engine = Engine::new(EngineConfig {
            compile_threads: 4,
            ..EngineConfig::default()
        })
        .unwrap();
        let threaded = engine.compile(&prepared).unwrap();
        REFUSE_COMPILE_THREADS.with(|refuse| refuse.set(true));
        let alone = engine.compile(&prepared).unwrap();
        REFUSE_COMPILE_THREADS.with(|refuse| refuse.set(false));
        assert_eq!(alone.code(), threaded.code());
    }

    /// A panic in one job (Cranelift's own asserts) is a `Codegen` error
    /// naming its function, on one thread and on several, and the same
    /// engine runs later jobs.
    #[test]
    fn a_panicking_job_is_a_codegen_error() {
        let jobs: Vec<Job> = (0..4 * JOBS_PER_THREAD as u32).map(Job::Function).collect();
        let compile_one = |job: &Job, _: &mut FunctionBuilderContext, _: &mut Context| {
            if matches!(job, Job::Function(5)) {
                panic!("register allocation");
            }
            Ok(CompiledFunction {
                code: vec![0xc3],
                relocs: Vec::new(),
                frame: 0,
            })
        };
        for threads in [1, 2] {
            let engine = Engine::new(EngineConfig {
                compile_threads: threads,
                ..EngineConfig::default()
            })
            .unwrap();
            let err = engine
                .run_jobs(&jobs, |job| u64::from(job.func()), compile_one)
                .map(|_| ())
                .unwrap_err();
            assert_eq!(
                err,
                CompileError::Codegen {
                    func: 5,
                    message: "the code generator panicked: register allocation".into(),
                },
                "{threads} threads"
            );
            let fine = engine
                .run_jobs(&jobs[6..], |_| 0, compile_one)
                .expect("jobs after the panic");
            assert_eq!(fine.len(), jobs.len() - 6);
        }
    }

    /// Each defined function of `wasm` compiled by `engine`: its index,
    /// frame, the frame `engine.isa`'s optimising pipeline would give it
    /// without the fallback to frame cells, and its share of native stack
    /// by units (`None` without units).
    #[cfg(target_arch = "x86_64")]
    fn frames_and_shares(engine: &Engine, wasm: &[u8]) -> Vec<(u32, u32, u32, Option<u64>)> {
        let mut ctx = Context::new();
        let frontend = engine.isa.frontend_config();
        let mut frames = Vec::new();
        for_each_body(wasm, |env, index, body, bytes, fctx| {
            let mut translate = translate::func::translator(env, index, body, fctx, frontend);
            let info = env.info;
            let units = translate::func::frame_units(body, &info.injected);
            let compiled = engine
                .codegen_function(&mut ctx, index, bytes, units, info, &mut translate)
                .unwrap();
            let optimised = engine
                .codegen_optimising(&**engine.isa, &mut ctx, index, bytes, None, &mut translate)
                .unwrap();
            let share = native_share(units, info, engine.config.native_stack_bytes);
            frames.push((index, compiled.frame, optimised.frame, share));
        });
        frames
    }

    /// A function of 200 values on the operand stack across 990 calls,
    /// its top four replaced before each: the single-pass allocator gives
    /// every replaced value its own spill slot (18,832 bytes, 3.9 times the
    /// default's share by units, within the baseline's four times larger
    /// one).
    #[cfg(target_arch = "x86_64")]
    fn values_replaced_between_calls() -> String {
        let loads: String = (0..200)
            .map(|k| format!("(i64.load offset={} (i32.const 0))", 8 * k))
            .collect();
        let round = "(i64.add) (i64.add) (i64.add) (i64.const 1) (i64.const 2) (i64.const 3) (call $opaque)";
        format!(
            "(module (memory 1) (func $opaque) (func (export \"f\") (result i64) {loads} {} {}))",
            round.repeat(990),
            "(i64.add)".repeat(199)
        )
    }

    /// No function takes more native stack per unit than its share: the
    /// adversarial shapes (the optimiser's merged values, dense functions'
    /// single-pass frames) and the example contracts, compiled for both
    /// architectures, and by the baseline (with its own native stack);
    /// compiled all in slots, none more than the whole of its units'
    /// native stack. (x86-64 hosts only: it compiles for both; under
    /// emulation it is slow.)
    #[test]
    #[cfg(target_arch = "x86_64")]
    fn every_frame_is_within_its_share() {
        let mut modules: Vec<(String, Vec<u8>)> = [
            gasket_harness::shapes::values_on_the_operand_stack(),
            gasket_harness::shapes::locals_across_calls(),
            gasket_harness::shapes::recomputed_products(),
            gasket_harness::shapes::most_calls_in_one_body(),
            gasket_harness::shapes::most_inlined_calls(),
            gasket_harness::shapes::most_params_and_results(),
            gasket_harness::shapes::trapping_ifs(),
        ]
        .into_iter()
        .map(|shape| (shape.name.to_string(), wat::parse_str(&shape.wat).unwrap()))
        .collect();
        modules.push((
            "values_replaced_between_calls".into(),
            wat::parse_str(values_replaced_between_calls()).unwrap(),
        ));
        for name in ["large", "token"] {
            modules.push((name.into(), gasket_harness::contract::wasm(name)));
        }
        // Shapes whose optimised frames exceed their share on both
        // architectures (one function of `large` does on x86-64 only).
        let over = [
            "recomputed_products",
            "most_calls_in_one_body",
            "most_inlined_calls",
            "trapping_ifs",
        ];
        let configs = [
            EngineConfig::default(),
            EngineConfig {
                target: Target::Aarch64,
                ..EngineConfig::default()
            },
            EngineConfig::baseline(),
            // A node may let x86-64 code use its CPU's extensions.
            EngineConfig {
                cpu_features: CpuFeatures::Host,
                ..EngineConfig::default()
            },
            EngineConfig {
                cpu_features: CpuFeatures::Host,
                ..EngineConfig::baseline()
            },
            // Everything in slots, not only the functions that fall back.
            EngineConfig {
                values_in_slots: true,
                ..EngineConfig::default()
            },
            EngineConfig {
                target: Target::Aarch64,
                values_in_slots: true,
                ..EngineConfig::default()
            },
        ];
        for config in configs {
            let (target, baseline) = (config.target, config.regalloc == Regalloc::SinglePass);
            let in_slots = config.values_in_slots;
            let engine = Engine::new(config).unwrap();
            for (name, wasm) in &modules {
                let mut fell_back = false;
                for (index, frame, optimised, share) in frames_and_shares(&engine, wasm) {
                    let Some(share) = share else { continue };
                    if in_slots {
                        // Wide calls hold their arguments in cells and
                        // again in the outgoing area: 1.02 times the
                        // share for the 128 arguments of
                        // `most_params_and_results` on x86-64, within
                        // the whole of the unit's native stack.
                        assert!(
                            (u64::from(frame) + 16) * 3 <= share * 4,
                            "{name} on {target:?} in slots: function {index}'s frame {frame} over 4/3 of its share {share}"
                        );
                        continue;
                    }
                    assert!(
                        u64::from(frame) + 16 <= share,
                        "{name} on {target:?}: function {index}'s frame {frame} over its share {share}"
                    );
                    fell_back |= u64::from(optimised) + 16 > share;
                }
                if !baseline && !in_slots && over.contains(&name.as_str()) {
                    assert!(
                        fell_back,
                        "{name} on {target:?}: within its share optimised"
                    );
                }
            }
        }
    }

    /// A slots translation that is dense gets single-pass frames within
    /// its share, on both architectures: no value crosses a check into
    /// the next block (`Translator::peek`), where the single-pass
    /// allocator would give each a frame slot of its own. The body has
    /// charges, trapping `if`s, loads and stores, and `memory.copy` and
    /// `memory.fill` with their dynamic charges. (Not divisions nor
    /// calls: there the allocator spills a value for x86-64's fixed
    /// registers or a call's clobbers, a slot each, which it never reuses;
    /// such a function falls back to the backtracking allocator.)
    #[test]
    fn dense_slots_translations_get_single_pass_frames_within_their_share() {
        let round = "(if (i32.eq (local.get 0) (i32.const 7)) (then (unreachable)))".repeat(40)
            + "(local.set 1 (i64.add (local.get 1) (i64.load offset=8 (local.get 0))))
               (i64.store offset=16 (local.get 0) (local.get 1))
               (memory.copy (i32.const 64) (local.get 0) (i32.const 200))
               (memory.fill (i32.const 300) (local.get 0) (i32.const 40))";
        let wasm = wat::parse_str(format!(
            "(module (memory 1) (table 1 funcref) (type $t (func (param i32) (result i32)))
               (func $id (type $t) (local.get 0)) (elem (i32.const 0) $id)
               (func (export \"f\") (param i32) (result i64) (local i64) {} (local.get 1))
               )",
            round.repeat(300)
        ))
        .unwrap();
        for target in [Target::X86_64, Target::Aarch64] {
            let engine = Engine::new(EngineConfig {
                target,
                ..EngineConfig::default()
            })
            .unwrap();
            let mut ctx = Context::new();
            let mut dense_functions = 0;
            let slots = Translation::Slots;
            for_each_translation_of(&engine, &wasm, slots, |index, function, bytes, share| {
                ctx.clear();
                ctx.func = function;
                ctx.compute_cfg();
                if !dense(&ctx.func, &ctx.cfg, bytes) {
                    return;
                }
                dense_functions += 1;
                let single_pass = &*engine.allocators.single_pass;
                let frame = engine
                    .codegen_with(single_pass, &mut ctx, index, bytes)
                    .unwrap()
                    .frame;
                assert!(
                    within_share(frame, share),
                    "{target:?}: function {index}'s single-pass slots frame {frame}, share {share:?}"
                );
            });
            assert_eq!(dense_functions, 1, "{target:?}");
        }
    }

    /// A compile only some machines make never fails the module: its
    /// error or panic leaves the compile it would replace.
    #[test]
    fn an_attempted_compile_neither_fails_nor_panics() {
        let compiled = CompiledFunction {
            code: vec![0xc3],
            relocs: Vec::new(),
            frame: 16,
        };
        let mut ctx = Context::new();
        assert_eq!(
            attempted(&mut ctx, move |_| Ok(compiled)).map(|c| c.frame),
            Some(16)
        );
        let refused = |_: &mut Context| -> Result<CompiledFunction, CompileError> {
            Err(CompileError::internal("refused", 3, 0))
        };
        assert!(attempted(&mut ctx, refused).is_none());
        let panicked = |_: &mut Context| -> Result<CompiledFunction, CompileError> {
            panic!("a bug in a fallback")
        };
        assert!(attempted(&mut ctx, panicked).is_none());
    }
}
