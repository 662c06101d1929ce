//! The cache key: a blake3 hash over everything that changes the compiled
//! code or the gas it charges, in two steps: a scope (`KeyScope`, all
//! but the contract) keys a hash of the contract's code hash.
//!
//! | input | why |
//! |---|---|
//! | blake3 of the original wasm bytes | the contract; hashed before `prepare`, so a hit skips it |
//! | `Config::prepare_hash` | limits, costs and stack limit change the instrumented module; the host's prices and limits (`host_costs`, `abi_limits`, `code_loading`) do not, and are left out so that changing them does not recompile every contract |
//! | the caller's policy id | a capability policy decides whether `prepare` accepts the module |
//! | crate version, [`COMPILER_VERSION`], [`CRANELIFT_VERSION`], [`FORMAT_VERSION`] | codegen and metering of this build |
//! | target triple, Cranelift's shared and ISA flags | the machine code itself |
//! | `native_stack_bytes` | stored in the module and used by every call |
//! | `values_in_slots` | another translation of every function |
//! | `code_layout_seed` | where each function starts |
//!
//! Left out on purpose: `EngineConfig::verify` (Cranelift's verifier checks
//! code, it does not change it), so debug and release builds of a node share
//! artifacts.

use super::FORMAT_VERSION;
use crate::engine::Engine;

/// Bumped whenever this crate's translator, linker or the metering it relies
/// on change the code generated for the same input (including which
/// single-pass functions fall back to the optimising pipeline,
/// `native_share` in engine.rs), so that no artifact of an older build is ever
/// loaded. History:
///
/// - 1: first cached format (issue 5).
/// - 2: gas and memory length cached in registers between calls; bounds
///   facts kept along dominating control flow (issue 4).
/// - 3: 24-byte table entries (with the owner's context); `call_indirect`
///   through an imported or exported table goes through the runtime
///   (issue 3).
/// - 4: gas passed in registers between wasm functions
///   (`(vmctx, params.., gas) -> (gas, results..)`), no memory-length loads
///   in functions that never read it; bulk memory and table operators
///   charge per KiB, rounded up, through the new `charge_bytes` helper and
///   its intrinsic (issue 4).
/// - 5: bounds checks widened over later accesses of the same index, the
///   memory length reloaded after a call only while a read may follow,
///   leaf functions keep their stack height out of the global (issue 4).
/// - 6: bounds checks compare the index with `memory_len - (offset + size)`
///   (issue 4).
/// - 7: a check of `x + k1` also widened over later accesses of `x + k2`,
///   `k2 >= k1` (issue 4).
/// - 8: the optimising pipeline inlines small leaf callees
///   (`translate::inline`, issue 4).
/// - 9: the optimising pipeline allocates registers of functions with
///   dense live ranges with the single-pass allocator (`liveness`).
/// - 10: `liveness` counts calls at a block's first instruction.
/// - 11: a function whose frame and frame record are over `FRAME_RESERVE`
///   is called through a guard (`translate::trampoline::frame_guard`).
/// - 12: a function whose optimised frame exceeds its share of native
///   stack by units is compiled with its values in frame cells
///   (`Translation::Slots`); one buffer for all shared-table
///   `call_indirect`s of a function; an `if`'s else arm takes its
///   parameters as block parameters.
/// - 13: the stack-height global lives in the context
///   (`VmCtx::stack_height`), reached in one load.
/// - 14: a module's globals live in the context when it has at most
///   `vmctx::INLINE_GLOBALS` (`VmCtx::inline_globals`).
/// - 15: an inlined callee keeps its stack height in a register, as a
///   leaf function does; trap blocks are per code and height to store.
/// - 16: constant charges are checked at the next operator that can trap
///   or be observed, merged with the charges before it; a forward `br_if`
///   before a charge checks on its taken edge, `if` arms take the charge
///   pending (`Translator::defer_charge`).
/// - 17: a block entered only by `br_if`s carrying a pending charge starts
///   with the least of them pending (`Frame::gas_edges`).
/// - 18: a function that calls stores the height its `stack_enter` found
///   back at its `stack_exit`, instead of loading and subtracting
///   (`Translator::entry_stack_height`).
/// - 19: the metering's `__gasket_start` also charges the active data
///   segments' bytes (`CostSchedule::instance_gas`).
/// - 20: an import wrapper's slot has the result slots after the
///   arguments, zeroed, and `HostCall` writes the results there (they were
///   copied back from slot 0): code of 19 would read the wrong slots.
/// - 21: counted loops get a fast copy without the bounds checks and gas
///   compares their entry's guard proves (`translate::versioning`).
/// - 22: taken by 5a0efd9 (global.set under a pending charge), reverted
///   in the next commit: code is 21's again; the next change takes 23.
/// - 23: `memory.copy` and `memory.fill` of a constant length up to 128
///   bytes are loads and stores instead of a libcall
///   (`translate::visit::memory::INLINE_BULK_BYTES`).
/// - 24: an `i32` load that `i64.extend_i32_{u,s}` extends is an extending
///   load, its `i32` value the `ireduce` of it
///   (`translate::visit::numeric::widen_load`).
/// - 25: the gas left lives in the pinned register (`r15`, `x21`), no
///   longer a wasm function's last argument and first result; a calling
///   function keeps its entry stack height in a frame slot; an inlined
///   callee's `stack_enter` adds to its caller's entry height instead of
///   loading the global.
/// - 26: in an innermost loop, loads keep a charge pending up to the next
///   charge; their trap paths check it first
///   (`translate::func::Translator::charge_ahead`).
/// - 27: the same, only for loads in a loop that has opened no loop, and
///   with the look-ahead's answer held per body (no longer carried into
///   an inlined callee or across a versioned loop's copies).
/// - 28: `memory.copy` and `memory.fill` of a length not done inline check
///   their ranges inline and call a libcall that cannot fail (no gas
///   synchronisation, no status).
/// - 29: a bounds check's limit is `len + (-needed)` (an `iadd`, one
///   `lea` on x86-64) instead of `len - needed` (a `mov` and a `sub`).
/// - 30: loops counting down to 0 are versioned, and so are an inlined
///   leaf's loops (730e2a2, which changed the code without taking a
///   number: its artifacts carry 29); a function whose only calls are
///   cold (a `call` right before an `unreachable`, as Rust's panics are)
///   is a leaf and may be inlined, and a cold call is never inlined
///   (`translate::inline::LeafScan`).
/// - 31: smaller CLIF for the same code: a charge's cost makes no dead
///   `iconst`, globals and memory accesses take their offsets in the
///   load or store; the single-pass tier ends each function's trap paths
///   in one call of `raise_trap`.
/// - 32: a heap index's `uextend` and address, and the heap base, made
///   once per block (and the blocks it alone leads to); no `iconst` for
///   the stack helpers' constant frames; a function's locals zeroed only
///   where read before written.
/// - 33: a `block` nothing branches to ends without a block of its own:
///   the code goes on where it was.
/// - 34: in slots, heap addresses are not reused from one operator to
///   the next (33 reused them, keeping a value live across operators).
/// - 35: CLIF goes to the backend without Cranelift's removal of
///   constant block parameters after it was optimised (or at all, in the
///   single-pass tier and in slots): the single-pass tier's code changes;
///   the optimising tier's was the same to the byte wherever measured.
/// - 36: the optimising pipeline's measure of register-allocation work
///   counts the square of the blocks each value is live in, so functions
///   whose values span many blocks get the single-pass allocator (no
///   function of the example contracts does: their code is unchanged).
/// - 37: in slots, a charge is taken before its check, and a load or
///   store reads its operands from their cells again after its bounds
///   check, so no value crosses a check into the next block; a dense
///   slots translation gets the single-pass allocator when its frame is
///   within the share.
/// - 38: in slots, divisions, `call_indirect`, `memory.copy`/`fill` and
///   the dynamic charges also read their operands again after each
///   check, and the memory length is loaded where read; a dense function
///   whose single-pass frame would exceed its share goes to slots at
///   once; bounds facts are capped at 1,024 (more checks past that).
pub const COMPILER_VERSION: u32 = 38;

/// The pinned Cranelift (`=0.135.8` in the workspace manifest); a test
/// checks it against `Cargo.lock`.
pub const CRANELIFT_VERSION: &str = "0.135.8";

/// Domain separation of the key hash from every other blake3 use.
const KEY_DOMAIN: &str = "gasket-vm compiled-code cache key";

/// The key of one cache entry: a blake3 hash (see the module docs for what
/// goes in).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CacheKey(pub [u8; 32]);

impl CacheKey {
    /// The key of `wasm` prepared under `config` and the policy named
    /// `policy_id`, compiled by `engine`.
    pub fn new(
        engine: &Engine,
        wasm: &[u8],
        config: &gasket_metering::Config,
        policy_id: &[u8],
    ) -> CacheKey {
        Self::from_code_hash(engine, blake3::hash(wasm).as_bytes(), config, policy_id)
    }

    /// The key from the code hash (blake3 of the original bytes): only the
    /// config's fields that `prepare` reads go into it
    /// (`gasket_metering::Config::prepare_hash`).
    pub fn from_code_hash(
        engine: &Engine,
        code_hash: &[u8; 32],
        config: &gasket_metering::Config,
        policy_id: &[u8],
    ) -> CacheKey {
        let scope = KeyScope::new(engine, &config.prepare_hash(), policy_id);
        Self::in_scope(&scope, code_hash)
    }

    /// The key of the contract `code_hash` in `scope`: one blake3
    /// compression.
    pub(crate) fn in_scope(scope: &KeyScope, code_hash: &[u8; 32]) -> CacheKey {
        CacheKey(*blake3::keyed_hash(&scope.0, code_hash).as_bytes())
    }

    /// Lower-case hex, the artifact's file name.
    pub fn to_hex(&self) -> String {
        blake3::Hash::from_bytes(self.0).to_hex().to_string()
    }
}

impl std::fmt::Debug for CacheKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CacheKey({})", self.to_hex())
    }
}

/// What every key under one engine, config and policy shares: a blake3
/// hash (derive-key mode) of the config's prepare hash, the engine identity and the
/// policy id. A node looks keys up under the same scope all the time, so
/// the cache remembers it (`Cache::key`) and a key costs one compression.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct KeyScope([u8; 32]);

impl KeyScope {
    pub(crate) fn new(engine: &Engine, prepare_hash: &[u8; 32], policy_id: &[u8]) -> KeyScope {
        let mut hasher = blake3::Hasher::new_derive_key(KEY_DOMAIN);
        hasher.update(prepare_hash);
        hasher.update(engine.identity());
        // Length-prefixed, last: no other input can run into it.
        hasher.update(&(policy_id.len() as u64).to_le_bytes());
        hasher.update(policy_id);
        KeyScope(*hasher.finalize().as_bytes())
    }
}

impl Engine {
    /// blake3 of [`engine_identity`], computed once.
    pub(crate) fn identity(&self) -> &[u8; 32] {
        self.identity
            .get_or_init(|| *blake3::hash(engine_identity(self).as_bytes()).as_bytes())
    }
}

/// Everything about the engine and this build that changes code, as text.
pub(crate) fn engine_identity(engine: &Engine) -> String {
    format!(
        "gasket-vm {} compiler {COMPILER_VERSION} format {FORMAT_VERSION} cranelift {CRANELIFT_VERSION}\n\
         native_stack_bytes {}\nvalues_in_slots {}\ncode_layout_seed {:?}\n{}",
        env!("CARGO_PKG_VERSION"),
        engine.config().native_stack_bytes,
        engine.config().values_in_slots,
        engine.config().code_layout_seed,
        engine.codegen_flags(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{CpuFeatures, EngineConfig, OptLevel, Regalloc, Target};
    use gasket_metering::Config;

    fn key(config: EngineConfig, wasm: &[u8], metering: &Config, policy: &[u8]) -> CacheKey {
        CacheKey::new(&Engine::new(config).unwrap(), wasm, metering, policy)
    }

    #[test]
    fn everything_that_changes_code_or_gas_changes_the_key() {
        let base_config = EngineConfig::default();
        let wasm = b"\0asm\x01\0\0\0";
        let metering = Config::default();
        let base = key(base_config.clone(), wasm, &metering, b"all");
        // Stable for the same inputs.
        assert_eq!(base, key(base_config.clone(), wasm, &metering, b"all"));

        let mut cheaper = metering.clone();
        cheaper.costs.control += 1;
        let mut deeper = metering.clone();
        deeper.stack.limit += 1;
        let other_target = match base_config.target {
            Target::X86_64 => Target::Aarch64,
            Target::Aarch64 => Target::X86_64,
        };
        let variants = [
            key(base_config.clone(), b"\0asm\x01\0\0\0\0", &metering, b"all"),
            key(base_config.clone(), wasm, &cheaper, b"all"),
            key(base_config.clone(), wasm, &deeper, b"all"),
            key(base_config.clone(), wasm, &metering, b"view-only"),
            key(
                EngineConfig {
                    target: other_target,
                    ..base_config.clone()
                },
                wasm,
                &metering,
                b"all",
            ),
            key(
                EngineConfig {
                    opt_level: OptLevel::None,
                    ..base_config.clone()
                },
                wasm,
                &metering,
                b"all",
            ),
            key(
                EngineConfig {
                    regalloc: Regalloc::SinglePass,
                    ..base_config.clone()
                },
                wasm,
                &metering,
                b"all",
            ),
            key(
                EngineConfig {
                    native_stack_bytes: base_config.native_stack_bytes / 2,
                    ..base_config.clone()
                },
                wasm,
                &metering,
                b"all",
            ),
            key(
                EngineConfig {
                    code_layout_seed: Some(1),
                    ..base_config.clone()
                },
                wasm,
                &metering,
                b"all",
            ),
        ];
        for (i, v) in variants.iter().enumerate() {
            assert_ne!(*v, base, "variant {i}");
        }
        // The verifier does not change code.
        let verified = key(
            EngineConfig {
                verify: !base_config.verify,
                ..base_config
            },
            wasm,
            &metering,
            b"all",
        );
        assert_eq!(verified, base);
    }

    #[test]
    fn host_cpu_extensions_are_in_the_identity() {
        let baseline = EngineConfig::default();
        let host = EngineConfig {
            cpu_features: CpuFeatures::Host,
            ..baseline.clone()
        };
        let host_identity = engine_identity(&Engine::new(host).unwrap());
        let baseline_identity = engine_identity(&Engine::new(baseline).unwrap());
        let enabled = crate::engine::host_isa_flags();
        for flag in enabled {
            assert!(
                host_identity.contains(&format!("{flag}=1")),
                "{host_identity}"
            );
            assert!(
                baseline_identity.contains(&format!("{flag}=0")),
                "{baseline_identity}"
            );
        }
        // So an artifact using an extension has its own key.
        assert_eq!(host_identity == baseline_identity, enabled.is_empty());
    }

    #[test]
    fn identity_names_target_and_isa_flags() {
        let engine = Engine::new(EngineConfig {
            target: Target::Aarch64,
            ..Default::default()
        })
        .unwrap();
        let identity = engine_identity(&engine);
        assert!(identity.contains("aarch64"), "{identity}");
        assert!(identity.contains("opt_level=speed"), "{identity}");
        assert!(!identity.contains("enable_verifier"), "{identity}");
        // aarch64 ISA flags (e.g. has_lse) are listed.
        assert!(identity.contains("has_lse="), "{identity}");
    }

    #[test]
    fn cranelift_version_matches_the_lock_file() {
        let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.lock"))
            .expect("Cargo.lock at the workspace root");
        let entry = format!("name = \"cranelift-codegen\"\nversion = \"{CRANELIFT_VERSION}\"");
        assert!(
            lock.contains(&entry),
            "cranelift-codegen is not {CRANELIFT_VERSION}: update CRANELIFT_VERSION (and COMPILER_VERSION)"
        );
    }
}
