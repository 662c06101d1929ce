//! Everything that changes what `prepare` produces or what a call costs.
//!
//! `Config` has one canonical encoding (borsh, fields in declaration order,
//! after a version tag); its blake3 hash is part of every golden vector,
//! and the hash of the fields `prepare` reads ([`Config::prepare_hash`])
//! part of every compiled-code cache key. Changing a default is a
//! consensus change.

use borsh::{BorshDeserialize, BorshSerialize};

use crate::abi::{AbiLimits, HostCost, HostCosts};
use crate::error::PrepareError;
use crate::schedule::CostSchedule;

/// Tag hashed before the encoding, bumped with any change to its layout.
///
/// - v1: first encoding.
/// - v2: `bulk_memory_per_byte` became `bulk_memory_per_kib` and the host
///   costs' `per_byte` became `per_kib`: same layout, new meaning, so a
///   config of the same numbers must not hash the same.
/// - v3: `memory_grow_per_page` also charges the initial memory pages (in
///   `__gasket_start`): same layout, new meaning.
/// - v4: `code_loading` appended.
/// - v5: `bulk_memory_per_kib` also charges what instantiation writes (the
///   active data and element segments, in `__gasket_start`): same layout,
///   new meaning.
const CONFIG_ENCODING_TAG: &[u8] = b"gasket-config-v5";

/// Tag hashed before the fields [`Config::prepare_hash`] covers, bumped
/// with any change to their layout or meaning (with
/// [`CONFIG_ENCODING_TAG`]).
///
/// - v1: first encoding.
/// - v2: `bulk_memory_per_kib` also charges what instantiation writes
///   (see [`CONFIG_ENCODING_TAG`]'s v5).
const PREPARE_ENCODING_TAG: &[u8] = b"gasket-prepare-config-v2";

/// Limits on the shape of a module, all checked at prepare time.
///
/// The defaults admit what rustc emits for real contracts with a wide margin
/// and keep compile time and memory linear and small.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Limits {
    /// Size of the module in bytes. Default 4 MiB.
    pub module_bytes: u32,
    /// Entries in the type section. Default 1,000.
    pub types: u32,
    /// Functions, imported and defined. Default 10,000.
    pub functions: u32,
    /// Size of one function body in bytes. Default 512 KiB.
    pub function_body_bytes: u32,
    /// Declared locals of one function, parameters excluded. Default 10,000.
    pub locals: u32,
    /// Parameters of one function type. Default 128.
    pub params: u32,
    /// Results of one function type. Default 32.
    pub results: u32,
    /// Globals, imported and defined. Default 1,000.
    pub globals: u32,
    /// Imports. Default 100.
    pub imports: u32,
    /// Exports. Default 1,000.
    pub exports: u32,
    /// Initial and maximum size of the table. Default 10,000.
    pub table_elements: u32,
    /// Initial and maximum size of the memory, in 64 KiB pages; also the
    /// limit of `memory.grow` for memories that declare no maximum.
    /// Default 128 (8 MiB): a chain of loads at random addresses runs at
    /// 4–13x the gas rate within 8 MiB but 30–33x within 32 MiB on the
    /// reference machine (cache and TLB misses; benches/README.md, "Worst
    /// cases"), and contracts built with the SDK start with 2 pages.
    pub memory_pages: u32,
    /// Data segments. Default 1,000.
    pub data_segments: u32,
    /// Element segments. Default 1,000.
    pub element_segments: u32,
    /// Targets of one `br_table`, default included. Default 65,536.
    pub br_table_targets: u32,
    /// Nesting of `block`/`loop`/`if` in one function. Default 1,024.
    pub control_depth: u32,
    /// Operators in one function body that compile to calls: `call`,
    /// `call_indirect`, and the bulk memory and table operators and
    /// `memory.grow` (calls into the runtime). Default 1,000: Cranelift's
    /// register allocator is superlinear in the calls of one function when
    /// a value is carried across each of them (5,000 such calls take 1 s
    /// to compile, 10,000 take 5 s; benches/README.md, "Compile cost per
    /// byte of adversarial shapes"); rustc's largest in a 250 KB contract
    /// has 112.
    pub calls_per_function: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            module_bytes: 4 * 1024 * 1024,
            types: 1_000,
            functions: 10_000,
            function_body_bytes: 512 * 1024,
            locals: 10_000,
            params: 128,
            results: 32,
            globals: 1_000,
            imports: 100,
            exports: 1_000,
            table_elements: 10_000,
            memory_pages: 128,
            data_segments: 1_000,
            element_segments: 1_000,
            br_table_targets: 65_536,
            control_depth: 1_024,
            calls_per_function: 1_000,
        }
    }
}

/// The deterministic stack-height limit.
///
/// A function's frame costs `params + declared locals + maximum operand
/// stack height + frame_overhead` units; entering a function adds its frame
/// to a counter, leaving subtracts it, and a counter above `limit` is a
/// `StackOverflow` trap.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct StackLimits {
    /// Maximum total of frame costs. Default 32,768.
    pub limit: u32,
    /// Fixed units per frame (return address, frame pointer, spills).
    /// Default 4.
    pub frame_overhead: u32,
}

impl Default for StackLimits {
    fn default() -> Self {
        StackLimits {
            limit: 32 * 1024,
            frame_overhead: 4,
        }
    }
}

/// The whole configuration of the pipeline.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Config {
    /// Module shape limits.
    pub limits: Limits,
    /// Gas per instruction class and dynamic rates.
    pub costs: CostSchedule,
    /// Deterministic stack-height limit.
    pub stack: StackLimits,
    /// Gas of host functions.
    pub host_costs: HostCosts,
    /// Limits the host enforces on ABI calls.
    pub abi_limits: AbiLimits,
    /// Gas of loading a contract's code, charged to the first frame of
    /// each contract in a call tree (the contract called from outside and
    /// every other one it reaches) that can pay it, `base + ceil(per_kib ×
    /// wasm bytes / 1024)` of the contract's code as deployed. Later
    /// frames of the same contract in the tree find it loaded. Default
    /// [`CODE_LOADING`].
    pub code_loading: HostCost,
}

/// The default [`Config::code_loading`]: a disk-cache hit of the compiled
/// code (read, checksum, a copy into executable pages the call tree holds:
/// a gap between other modules for a small contract, a fresh chunk for a
/// large one), measured by the calibration bench and scaled to the rate
/// (`docs/RATIONALE.md`, "Loading code is priced per call tree").
pub const CODE_LOADING: HostCost = HostCost {
    base: 108_000,
    per_kib: 16_500,
};

impl Default for Config {
    fn default() -> Self {
        Config {
            limits: Limits::default(),
            costs: CostSchedule::default(),
            stack: StackLimits::default(),
            host_costs: HostCosts::default(),
            abi_limits: AbiLimits::default(),
            code_loading: CODE_LOADING,
        }
    }
}

/// Upper bound on dynamic rates (per page, per KiB, and the per-KiB rate of
/// table elements): `u32::MAX` units times a rate up to 2^24 is below 2^56,
/// so the injected multiplication, and the `+ 1023` of the per-KiB
/// rounding, cannot overflow an i64.
pub const MAX_DYNAMIC_RATE: u32 = 1 << 24;

impl Config {
    /// The canonical encoding: version tag, then borsh.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        let mut bytes = CONFIG_ENCODING_TAG.to_vec();
        // Writing borsh into a Vec cannot fail.
        self.serialize(&mut bytes).unwrap_or_default();
        bytes
    }

    /// blake3 of [`Config::canonical_bytes`].
    pub fn hash(&self) -> [u8; 32] {
        *blake3::hash(&self.canonical_bytes()).as_bytes()
    }

    /// blake3 of what `prepare` reads: a tag, then the borsh of `limits`,
    /// `costs` and `stack`. Modules prepared under two configs with the
    /// same `prepare_hash` are identical, so it is what the compiled-code
    /// cache keys on: a change of the host's prices or limits
    /// (`host_costs`, `abi_limits`, `code_loading`), which the host reads
    /// at run time, does not make a node compile every contract again.
    pub fn prepare_hash(&self) -> [u8; 32] {
        // Exhaustive: a new field must be placed on one side or the other.
        let Config {
            limits,
            costs,
            stack,
            host_costs: _,
            abi_limits: _,
            code_loading: _,
        } = self;
        let mut bytes = PREPARE_ENCODING_TAG.to_vec();
        // Writing borsh into a Vec cannot fail.
        (limits, costs, stack)
            .serialize(&mut bytes)
            .unwrap_or_default();
        *blake3::hash(&bytes).as_bytes()
    }

    /// Rejects configurations under which metering would not be sound.
    pub fn validate(&self) -> Result<(), PrepareError> {
        let c = &self.costs;
        // Every loop iteration and every recursive call must cost gas.
        for (name, value) in [
            ("branch", c.branch),
            ("br_table", c.br_table),
            ("call", c.call),
            ("call_indirect", c.call_indirect),
        ] {
            if value == 0 {
                return Err(PrepareError::config(format!(
                    "costs.{name} must be at least 1"
                )));
            }
        }
        for (name, value) in [
            ("memory_grow_per_page", u64::from(c.memory_grow_per_page)),
            ("bulk_memory_per_kib", u64::from(c.bulk_memory_per_kib)),
            // What table.init/table.copy multiply by: bulk_memory_per_kib
            // × TABLE_ELEMENT_BYTES must respect the same bound.
            (
                "bulk_memory_per_kib × TABLE_ELEMENT_BYTES",
                c.table_element_per_kib(),
            ),
        ] {
            if value > u64::from(MAX_DYNAMIC_RATE) {
                return Err(PrepareError::config(format!(
                    "costs.{name} is {value}, at most {MAX_DYNAMIC_RATE}"
                )));
            }
        }
        if self.stack.limit > i32::MAX as u32 / 2 {
            return Err(PrepareError::config("stack.limit must be below 2^30"));
        }
        // Frame costs and the counter must stay far from i32 wrap-around.
        // Each operator is at least a byte and pushes at most `results`
        // values (a call, a block's end), at least one otherwise.
        let largest_operand_height =
            u64::from(self.limits.function_body_bytes) * u64::from(self.limits.results.max(1));
        let largest_frame = u64::from(self.limits.locals)
            + u64::from(self.limits.params)
            + largest_operand_height
            + u64::from(self.stack.frame_overhead);
        if largest_frame > 1 << 30 {
            return Err(PrepareError::config(
                "limits.locals + limits.params + limits.function_body_bytes × limits.results + stack.frame_overhead must be below 2^30",
            ));
        }
        // A function without params, locals or operands (`(func $f (call
        // $f))`) must still count, or only gas and the machine-dependent
        // native stack would bound its recursion.
        if self.stack.frame_overhead == 0 {
            return Err(PrepareError::config(
                "stack.frame_overhead must be at least 1",
            ));
        }
        if self.limits.memory_pages > 65_536 {
            return Err(PrepareError::config(
                "limits.memory_pages must be at most 65536",
            ));
        }
        if !self.host_costs.is_complete() {
            return Err(PrepareError::config(
                "host_costs must list every host function",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_config_is_valid_and_hash_is_stable_across_clones() {
        let config = Config::default();
        config.validate().unwrap();
        assert_eq!(config.hash(), config.clone().hash());
    }

    #[test]
    fn configs_whose_frames_could_wrap_or_not_count_are_invalid() {
        // 1,000 results per call over 2 MiB bodies: operand heights up to
        // 2^31, past i32 once added to the counter.
        let mut multi_value = Config::default();
        multi_value.limits.results = 1000;
        multi_value.limits.function_body_bytes = 2 << 20;
        let message = multi_value.validate().unwrap_err().to_string();
        assert!(
            message.contains("function_body_bytes × limits.results"),
            "{message}"
        );
        let mut free_frames = Config::default();
        free_frames.stack.frame_overhead = 0;
        let message = free_frames.validate().unwrap_err().to_string();
        assert!(
            message.contains("frame_overhead must be at least 1"),
            "{message}"
        );
    }

    /// A module without a declared maximum gets the VM's in the output,
    /// so that another engine running it refuses the same grows.
    #[test]
    fn the_output_declares_the_memory_maximum_the_vm_enforces() {
        let config = Config::default();
        let maximum = |wasm: &[u8]| {
            wasmparser::Parser::new(0)
                .parse_all(wasm)
                .find_map(|payload| match payload {
                    Ok(wasmparser::Payload::MemorySection(section)) => {
                        section.into_iter().next().map(|m| m.unwrap().maximum)
                    }
                    _ => None,
                })
                .flatten()
        };
        for (declared, expected) in [("", config.limits.memory_pages), (" 7", 7)] {
            let wat = format!(r#"(module (memory (export "memory") 1{declared}))"#);
            let prepared = crate::prepare(&wat::parse_str(wat).unwrap(), &config).unwrap();
            assert_eq!(
                maximum(&prepared.wasm),
                Some(u64::from(expected)),
                "{declared:?}"
            );
        }
    }

    #[test]
    fn the_prepare_hash_covers_what_prepare_reads_and_only_that() {
        let base = Config::default();
        let mut host_only = base.clone();
        host_only.host_costs.set(
            crate::abi::HostFn::StorageRead,
            HostCost {
                base: 1,
                per_kib: 2,
            },
        );
        host_only.abi_limits.key_bytes += 1;
        host_only.code_loading.base += 1;
        assert_ne!(base.hash(), host_only.hash());
        assert_eq!(base.prepare_hash(), host_only.prepare_hash());
        let mut limits = base.clone();
        limits.limits.functions += 1;
        let mut costs = base.clone();
        costs.costs.call += 1;
        let mut stack = base.clone();
        stack.stack.frame_overhead += 1;
        for other in [limits, costs, stack] {
            assert_ne!(base.prepare_hash(), other.prepare_hash());
        }
    }

    /// What the compiled-code cache relies on: the host-only fields do not
    /// change a prepared module (the token imports every kind of host
    /// function it uses).
    #[test]
    fn host_only_fields_do_not_change_a_prepared_module() {
        let token = include_bytes!("../tests/golden/modules/token.wasm");
        let base = Config::default();
        let mut host_only = base.clone();
        for function in crate::abi::HostFn::ALL.iter().copied() {
            host_only.host_costs.set(
                function,
                HostCost {
                    base: 7,
                    per_kib: 3,
                },
            );
        }
        host_only.abi_limits.key_bytes = 1;
        host_only.abi_limits.call_depth = 1;
        host_only.code_loading.per_kib = 1;
        let a = crate::prepare(token, &base).unwrap();
        let b = crate::prepare(token, &host_only).unwrap();
        assert_eq!((a.wasm, a.info), (b.wasm, b.info));
    }

    #[test]
    fn any_cost_change_changes_the_hash() {
        let mut config = Config::default();
        let before = config.hash();
        config.costs.alu += 1;
        assert_ne!(before, config.hash());
    }

    #[test]
    fn bulk_rate_is_bounded_with_its_table_element_multiple() {
        let mut config = Config::default();
        let before = config.hash();
        // The largest rate whose table multiple (× 24) is at most 2^24.
        config.costs.bulk_memory_per_kib = MAX_DYNAMIC_RATE / 24;
        config.validate().unwrap();
        assert_ne!(before, config.hash());
        config.costs.bulk_memory_per_kib += 1;
        let error = config.validate().unwrap_err().to_string();
        assert!(error.contains("TABLE_ELEMENT_BYTES"), "{error}");
    }

    #[test]
    fn zero_branch_cost_is_rejected() {
        let mut config = Config::default();
        config.costs.branch = 0;
        assert!(
            config
                .validate()
                .unwrap_err()
                .to_string()
                .contains("costs.branch")
        );
    }
}
