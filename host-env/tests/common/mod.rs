//! The probe contract and a small in-memory chain for the host-env tests.
#![allow(dead_code)]

use std::collections::BTreeSet;

use gasket_host_env::{
    Address, BlockInfo, CallContext, CallMode, Capabilities, Contract, MemoryContracts,
    MemoryStorage, Report, execute,
};
use gasket_metering::{Config, HostFn};
use gasket_vm::{Engine, EngineConfig, Module};

pub const PROBE_WAT: &str = include_str!("probe.wat");
pub const A: Address = Address([0xA1; 32]);
pub const B: Address = Address([0xB2; 32]);
pub const ALICE: Address = Address([0xAA; 32]);
pub const GAS: u64 = 100_000_000;
/// Where the probe writes each record's result.
pub const RESULTS: u32 = 0xF000;
/// First input offset free for data (after up to 16 records).
pub const DATA: u32 = 0x400;

pub const OP_COPY: u32 = 100;
pub const OP_LOOP: u32 = 101;
pub const OP_RECURSE: u32 = 102;
pub const OP_UNREACHABLE: u32 = 200;

/// A script of host calls for the probe.
#[derive(Debug, Clone, Default)]
pub struct Script {
    records: Vec<(u32, [i64; 6])>,
    data: Vec<(u32, Vec<u8>)>,
    /// Records the probe runs in order; later ones only run through
    /// `OP_RECURSE`.
    run: Option<u32>,
}

impl Script {
    pub fn new() -> Script {
        Script::default()
    }

    /// Calls host function `f` with `args` (missing ones are 0).
    pub fn host(self, f: HostFn, args: &[i64]) -> Script {
        self.op(f as u32, args)
    }

    pub fn op(mut self, op: u32, args: &[i64]) -> Script {
        let mut all = [0i64; 6];
        all[..args.len()].copy_from_slice(args);
        self.records.push((op, all));
        self
    }

    /// Runs only the first `n` records in order.
    pub fn run_only(mut self, n: u32) -> Script {
        self.run = Some(n);
        self
    }

    /// Puts `bytes` at memory offset `at` (through the input, which the
    /// probe copies to 0).
    pub fn data(mut self, at: u32, bytes: &[u8]) -> Script {
        assert!(at >= DATA, "data overlaps the records");
        self.data.push((at, bytes.to_vec()));
        self
    }

    pub fn encode(&self) -> Vec<u8> {
        assert!(self.records.len() <= 16);
        let mut input = vec![0u8; 8 + 56 * self.records.len()];
        let run = self.run.unwrap_or(self.records.len() as u32);
        input[..4].copy_from_slice(&run.to_le_bytes());
        for (i, (op, args)) in self.records.iter().enumerate() {
            let at = 8 + 56 * i;
            input[at..at + 4].copy_from_slice(&op.to_le_bytes());
            for (j, a) in args.iter().enumerate() {
                input[at + 8 + 8 * j..at + 16 + 8 * j].copy_from_slice(&a.to_le_bytes());
            }
        }
        for (at, bytes) in &self.data {
            let end = *at as usize + bytes.len();
            if input.len() < end {
                input.resize(end, 0);
            }
            input[*at as usize..end].copy_from_slice(bytes);
        }
        input
    }
}

/// Decodes the probe's return data: one i64 per record.
pub fn results(data: &[u8]) -> Vec<i64> {
    data.chunks_exact(8)
        .map(|c| i64::from_le_bytes(c.try_into().unwrap()))
        .collect()
}

pub fn engine() -> Engine {
    Engine::new(EngineConfig::default()).unwrap()
}

pub fn compile(wasm: &[u8], config: &Config, capabilities: &Capabilities) -> Module {
    let prepared = capabilities.prepare(wasm, config).expect("prepare");
    engine().compile(&prepared).expect("compile")
}

pub fn probe_wasm() -> Vec<u8> {
    wat::parse_str(PROBE_WAT).expect("probe parses")
}

/// Contracts A and B (both probes, `view_probe` marked as their only
/// view) and empty storage.
#[derive(Clone)]
pub struct Chain {
    pub config: Config,
    pub contracts: MemoryContracts,
    pub storage: MemoryStorage,
    pub block: BlockInfo,
}

impl Chain {
    pub fn new() -> Chain {
        Chain::with_config(Config::default())
    }

    pub fn with_config(config: Config) -> Chain {
        let module = compile(&probe_wasm(), &config, &Capabilities::all());
        let views: BTreeSet<String> = ["view_probe".to_string()].into();
        let mut chain = Chain::empty(config);
        for address in [A, B] {
            chain.contracts.insert(
                address,
                Contract {
                    module: module.clone(),
                    views: Some(views.clone()),
                    wasm_bytes: probe_wasm().len() as u64,
                },
            );
        }
        chain
    }

    /// No contracts yet, empty storage.
    pub fn empty(config: Config) -> Chain {
        Chain {
            config,
            contracts: MemoryContracts::new(),
            storage: MemoryStorage::new(),
            block: BlockInfo {
                height: 7,
                timestamp_ms: 1_700_000_000_000,
            },
        }
    }

    pub fn call_mode(
        &mut self,
        contract: Address,
        method: &str,
        input: Vec<u8>,
        gas: u64,
        mode: CallMode,
    ) -> Report {
        self.call_as(ALICE, contract, method, input, gas, mode)
    }

    /// One call signed by `caller`.
    pub fn call_as(
        &mut self,
        caller: Address,
        contract: Address,
        method: &str,
        input: Vec<u8>,
        gas: u64,
        mode: CallMode,
    ) -> Report {
        let call = CallContext {
            caller,
            contract,
            method: method.into(),
            input,
            block: self.block,
            gas_limit: gas,
            mode,
        };
        execute(&self.config, &self.contracts, &mut self.storage, &call).expect("no node failure")
    }

    /// The transaction that runs `script` on A.
    pub fn probe_call(&self, script: &Script) -> CallContext {
        CallContext {
            caller: ALICE,
            contract: A,
            method: "probe".into(),
            input: script.encode(),
            block: self.block,
            gas_limit: GAS,
            mode: CallMode::Call,
        }
    }

    /// Runs `script` on A as a transaction.
    pub fn run(&mut self, script: &Script) -> Report {
        self.call_mode(A, "probe", script.encode(), GAS, CallMode::Call)
    }

    pub fn run_gas(&mut self, script: &Script, gas: u64) -> Report {
        self.call_mode(A, "probe", script.encode(), gas, CallMode::Call)
    }

    pub fn view(&mut self, script: &Script) -> Report {
        self.call_mode(A, "view_probe", script.encode(), GAS, CallMode::View)
    }
}
