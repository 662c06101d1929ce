//! The contract host interface of `ABI.md`, version 1, as one table.
//!
//! Each host function is listed once, with its signature and its default gas
//! (a base cost per call and a cost per KiB the function touches, rounded up
//! to whole gas: [`HostCost::bytes_gas`]). The
//! import policy ([`crate::ContractAbi`]), the host environment and the
//! documented gas table are all generated from this table.

use borsh::{BorshDeserialize, BorshSerialize};
use wasmparser::ValType;

/// Gas of one host function: charged before it does any work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct HostCost {
    /// Per call.
    pub base: u32,
    /// Per KiB read from or written to linear memory or storage, charged
    /// per byte as `ceil(bytes × per_kib / 1024)` ([`HostCost::bytes_gas`]).
    /// `per_byte × 1024` charges exactly `per_byte` a byte.
    pub per_kib: u32,
}

impl HostCost {
    /// Gas of `bytes` bytes: `ceil(bytes × per_kib / 1024)`, saturating at
    /// `u64::MAX` (which no gas limit can pay).
    ///
    /// Why per KiB: copying a byte takes about 0.015 ns, a tenth of a gas
    /// (0.15 ns), so an integer rate per byte would charge memory copies
    /// 10x more per ns than everything else.
    pub fn bytes_gas(self, bytes: u64) -> u64 {
        // Exact in u128: bytes < 2^64 and per_kib < 2^32.
        let gas = (u128::from(bytes) * u128::from(self.per_kib)).div_ceil(1024);
        u64::try_from(gas).unwrap_or(u64::MAX)
    }

    /// Gas of one call that touches `bytes` bytes: `base` plus
    /// [`HostCost::bytes_gas`], saturating.
    pub fn call_gas(self, bytes: u64) -> u64 {
        u64::from(self.base).saturating_add(self.bytes_gas(bytes))
    }
}

macro_rules! host_functions {
    ($( $variant:ident = $name:literal ( $($param:ident),* ) -> ( $($result:ident)? ), base $base:literal, per_kib $per_kib:literal; )*) => {
        /// A host function of the contract ABI.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[allow(missing_docs)]
        pub enum HostFn { $( $variant, )* }

        impl HostFn {
            /// Every host function, in table order.
            pub const ALL: &'static [HostFn] = &[ $( HostFn::$variant, )* ];

            /// Import name in module `env`.
            pub fn name(self) -> &'static str {
                match self { $( HostFn::$variant => $name, )* }
            }

            /// Parameter types.
            pub fn params(self) -> &'static [ValType] {
                match self { $( HostFn::$variant => &[ $( ValType::$param, )* ], )* }
            }

            /// Result types.
            pub fn results(self) -> &'static [ValType] {
                match self { $( HostFn::$variant => &[ $( ValType::$result, )? ], )* }
            }

            /// Default gas.
            pub fn default_cost(self) -> HostCost {
                match self { $( HostFn::$variant => HostCost { base: $base, per_kib: $per_kib }, )* }
            }
        }
    };
}

// Gas: the time-priced functions (context getters, input/output, logs,
// blake3, call's base) at their measured ns / 0.15 (the calibration bench,
// `scripts/bench-calibrate.sh`, rounded up across two runs; `call` is
// mostly the callee's instantiation). Per KiB: input/result reads ~60 ns
// over 4032 bytes -> 100; return_data/revert ~0.017 ns/B -> 115;
// blake3 ~0.354 ns/B -> 2,400; debug_log 0.73-2.06 ns/B across four runs
// (first touches of the growing log buffer, so it swings with memory
// state), mean ~1.16 ns/B ~ 7,930 -> 8,192, its former 8/B, which keeps
// every run within 2.2x of the others. Events and call's bytes keep
// their former per-byte costs exactly (per_byte × 1024): they price state
// growth, which no timing sees, and call's slope is lost in the noise of
// the callee's instantiation. Storage is priced for a node's database:
// the calibration's rows on the devnet's redb store (each call on another
// key of a 100,000-entry contract, in a block's write transaction, no
// commit), over three runs divided by how much slower than the rate that
// machine ran the rate-priced classes (1.25-1.61x), the largest: read
// 8,573, write 46,562 + 23,358/KiB, remove 57,790, rounded up; a floor
// (a live chain has more entries, and a block's commit writes the pages).
// Per-KiB rates of reads and removals keep their former values (state
// growth and bytes moved, above the store's measured slope).
host_functions! {
    InputLen = "input_len" () -> (I32), base 200, per_kib 0;
    InputRead = "input_read" (I32) -> (), base 150, per_kib 100;
    ReturnData = "return_data" (I32, I32) -> (), base 250, per_kib 115;
    Revert = "revert" (I32, I32) -> (), base 250, per_kib 115;
    StorageRead = "storage_read" (I32, I32, I32, I32) -> (I64), base 9_000, per_kib 4_096;
    StorageWrite = "storage_write" (I32, I32, I32, I32) -> (), base 47_000, per_kib 23_552;
    StorageRemove = "storage_remove" (I32, I32) -> (I32), base 58_000, per_kib 4_096;
    Caller = "caller" (I32) -> (), base 250, per_kib 0;
    SelfAddress = "self_address" (I32) -> (), base 250, per_kib 0;
    BlockHeight = "block_height" () -> (I64), base 200, per_kib 0;
    BlockTimestamp = "block_timestamp" () -> (I64), base 200, per_kib 0;
    GasLeft = "gas_left" () -> (I64), base 200, per_kib 0;
    EmitEvent = "emit_event" (I32, I32, I32, I32) -> (), base 1_000, per_kib 8_192;
    DebugLog = "debug_log" (I32, I32) -> (), base 600, per_kib 8_192;
    Blake3 = "blake3" (I32, I32, I32) -> (), base 750, per_kib 2_400;
    Call = "call" (I32, I32, I32, I32, I32, I64) -> (I32), base 70_000, per_kib 4_096;
    ResultLen = "result_len" () -> (I32), base 200, per_kib 0;
    ResultRead = "result_read" (I32) -> (), base 150, per_kib 100;
}

impl HostFn {
    /// Looks a host function up by its import name.
    pub fn from_name(name: &str) -> Option<HostFn> {
        HostFn::ALL.iter().copied().find(|f| f.name() == name)
    }

    /// `(i32, i32) -> i64`, as in the text format.
    pub fn signature(self) -> String {
        crate::policy::signature_text(self.params(), self.results())
    }
}

/// The documented gas table (`docs/HOST_GAS.md`), generated from the one
/// table above with the costs of `config`, so the docs cannot drift from
/// the code.
pub fn host_gas_table(config: &crate::Config) -> String {
    let costs = &config.host_costs;
    let mut text = String::from(
        "# Host function gas (ABI v1)\n\n\
         Generated from `metering/src/abi.rs` with the default `Config`\n\
         (`GASKET_BLESS=1 cargo test -p gasket-host-env --test docs` rewrites it).\n\
         Each call charges `base + ceil(per_kib × bytes / 1024)` before doing\n\
         any work (a rate per KiB, rounded up to whole gas per charge);\n\
         the bytes are those the function reads from or writes to memory or\n\
         storage (for `storage_read`, the key first, then the whole stored\n\
         value once it is known; for `call`, the method name and input, and\n\
         then the callee's gas used).\n\n\
         | function | signature | base | per KiB |\n|---|---|---:|---:|\n",
    );
    for &function in HostFn::ALL {
        let cost = costs.get(function);
        text.push_str(&format!(
            "| `{}` | `{}` | {} | {} |\n",
            function.name(),
            function.signature(),
            cost.base,
            cost.per_kib
        ));
    }
    let loading = config.code_loading;
    text.push_str(&format!(
        "\n## Loading code\n\n\
         The first frame of each contract in a call tree (the contract called\n\
         from outside, and each other contract it reaches through `call`)\n\
         charges `{} + ceil({} × wasm bytes / 1024)` for loading its code,\n\
         where the bytes are the length of the contract's wasm as deployed.\n\
         The frame pays it from its own gas (the limit of the call from\n\
         outside, or what `call` forwarded) before anything runs. A frame\n\
         that cannot pay ends in `OutOfGas`, using all of its gas, and the\n\
         code is not loaded: the next frame of that contract pays again.\n\
         Once paid, later frames of the contract in the tree find its code\n\
         loaded and pay nothing for it. A caller forwarding gas to a\n\
         contract the tree has not loaded must forward at least this, or\n\
         `call` returns `2`.\n",
        loading.base, loading.per_kib
    ));
    text
}

/// Gas of every host function, indexed by [`HostFn`] in table order.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct HostCosts(Vec<HostCost>);

impl Default for HostCosts {
    fn default() -> Self {
        HostCosts(HostFn::ALL.iter().map(|f| f.default_cost()).collect())
    }
}

impl HostCosts {
    /// Gas of `function`.
    pub fn get(&self, function: HostFn) -> HostCost {
        self.0
            .get(function as usize)
            .copied()
            .unwrap_or(function.default_cost())
    }

    /// Sets the gas of `function`.
    pub fn set(&mut self, function: HostFn, cost: HostCost) {
        if let Some(slot) = self.0.get_mut(function as usize) {
            *slot = cost;
        }
    }

    pub(crate) fn is_complete(&self) -> bool {
        self.0.len() == HostFn::ALL.len()
    }
}

/// The ABI's own limits (`ABI.md`, "Limits"), enforced by the host.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
#[allow(missing_docs)]
pub struct AbiLimits {
    pub key_bytes: u32,
    pub value_bytes: u32,
    pub input_bytes: u32,
    pub return_data_bytes: u32,
    pub events_per_call: u32,
    pub topic_bytes: u32,
    pub event_data_bytes: u32,
    pub call_depth: u32,
}

impl Default for AbiLimits {
    fn default() -> Self {
        AbiLimits {
            key_bytes: 256,
            value_bytes: 64 * 1024,
            input_bytes: 64 * 1024,
            return_data_bytes: 64 * 1024,
            events_per_call: 64,
            topic_bytes: 64,
            event_data_bytes: 16 * 1024,
            call_depth: 8,
        }
    }
}
