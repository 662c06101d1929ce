//! The token contract deployed and initialised over `MemoryStorage`, with
//! a `transfer(bob, 1)` call ready: the in-process transfer loop of the
//! host and calibrate benches.

use gasket_host_env::{
    Address, BlockInfo, CallContext, CallMode, Capabilities, Contract, MemoryContracts,
    MemoryStorage, execute,
};
use gasket_metering::Config;
use gasket_vm::Engine;

/// The token's address.
pub const TOKEN: Address = Address([0x70; 32]);
const ALICE: Address = Address([0x01; 32]);
const BOB: Address = Address([0x02; 32]);

/// A deployed token whose whole supply alice holds, and her transfer of 1
/// to bob (each `execute` of `call` commits one more).
pub struct TokenTransfers {
    /// The deployed token.
    pub contracts: MemoryContracts,
    /// Its state after `init`.
    pub storage: MemoryStorage,
    /// `transfer(bob, 1)` from alice.
    pub call: CallContext,
}

/// Deploys and initialises the built token (`contracts/build.sh`).
pub fn token_transfers(config: &Config, engine: &Engine) -> TokenTransfers {
    let wasm = crate::read_contract("token");
    let prepared = Capabilities::all()
        .prepare(&wasm, config)
        .expect("prepare token");
    let mut contracts = MemoryContracts::new();
    contracts.insert(
        TOKEN,
        Contract {
            module: engine.compile(&prepared).expect("compile token"),
            views: None,
            wasm_bytes: wasm.len() as u64,
        },
    );
    let mut storage = MemoryStorage::new();
    let mut call = CallContext {
        caller: ALICE,
        contract: TOKEN,
        method: "init".into(),
        // borsh: total supply, u128.
        input: u128::MAX.to_le_bytes().to_vec(),
        block: BlockInfo::default(),
        gas_limit: 10_000_000,
        mode: CallMode::Init,
    };
    let report = execute(config, &contracts, &mut storage, &call).expect("init");
    assert_eq!(report.outcome.status.label(), "success", "init: {report:?}");
    // borsh: (to: Address, amount: u128).
    call.method = "transfer".into();
    call.mode = CallMode::Call;
    call.input = [&BOB.0[..], &1u128.to_le_bytes()].concat();
    TokenTransfers {
        contracts,
        storage,
        call,
    }
}
