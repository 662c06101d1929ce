//! Deploying the contracts built by `contracts/build.sh` on the test chain
//! of `common`, and reading their outcomes.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use gasket_host_env::{Address, CallMode, Capabilities, Contract, Event, Report, Status, TrapKind};
use gasket_vm::{Engine, Module};

use crate::common::{Chain, GAS, engine};

pub const BOB: Address = Address([0xB0; 32]);
pub const CAROL: Address = Address([0xC0; 32]);
pub const DAVE: Address = Address([0xD0; 32]);
/// Where the tests deploy contracts.
pub const TOKEN: Address = Address([0x70; 32]);
pub const ESCROW: Address = Address([0xE5; 32]);
pub const COUNTER: Address = Address([0xC7; 32]);
pub const REGISTRY: Address = Address([0x5E; 32]);
pub const SUBJECT: Address = Address([0x5B; 32]);

fn wasm_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../contracts/target/wasm")
}

/// The bytes of `contracts/target/wasm/<name>.wasm`. Missing means the
/// contracts were not built: a failure, never a skip.
pub fn wasm(name: &str) -> Vec<u8> {
    let path = wasm_dir().join(format!("{name}.wasm"));
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}. Build the contracts first: contracts/build.sh \
             (scripts/test.sh runs it before cargo test)",
            path.display()
        )
    })
}

/// The payload of the `gasket.abi` custom section, if any.
pub fn abi_section(wasm: &[u8]) -> Option<Vec<u8>> {
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let wasmparser::Payload::CustomSection(section) = payload.expect("module parses")
            && section.name() == "gasket.abi"
        {
            return Some(section.data().to_vec());
        }
    }
    None
}

/// The `gasket.abi` JSON, parsed.
pub fn abi(wasm: &[u8]) -> Option<serde_json::Value> {
    abi_section(wasm).map(|bytes| {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("gasket.abi is not JSON: {e}: {bytes:?}"))
    })
}

/// The methods the ABI marks as views, as a node derives `Contract::views`.
pub fn views(abi: &serde_json::Value) -> BTreeSet<String> {
    abi["methods"]
        .as_array()
        .expect("methods array")
        .iter()
        .filter(|m| m["view"] == serde_json::Value::Bool(true))
        .map(|m| m["name"].as_str().expect("method name").to_string())
        .collect()
}

/// `name` prepared under all capabilities and compiled by `engine`.
pub fn compile_with(name: &str, chain: &Chain, engine: &Engine) -> Module {
    let prepared = Capabilities::all()
        .prepare(&wasm(name), &chain.config)
        .unwrap_or_else(|e| panic!("{name}: prepare: {e}"));
    engine
        .compile(&prepared)
        .unwrap_or_else(|e| panic!("{name}: compile: {e}"))
}

/// `name` compiled with the default engine and config, once per test
/// binary.
fn module(name: &str, chain: &Chain) -> Module {
    static CACHE: OnceLock<Mutex<HashMap<String, Module>>> = OnceLock::new();
    if chain.config != gasket_metering::Config::default() {
        return compile_with(name, chain, &engine());
    }
    let cache = CACHE.get_or_init(Default::default);
    if let Some(module) = cache.lock().unwrap().get(name) {
        return module.clone();
    }
    let module = compile_with(name, chain, &engine());
    cache
        .lock()
        .unwrap()
        .insert(name.to_string(), module.clone());
    module
}

/// Puts `module` at `address`, with the views of `name`'s ABI.
pub fn install_module(chain: &mut Chain, address: Address, name: &str, module: Module) {
    let wasm = wasm(name);
    let views = abi(&wasm).map(|abi| views(&abi));
    let wasm_bytes = wasm.len() as u64;
    chain.contracts.insert(
        address,
        Contract {
            module,
            views,
            wasm_bytes,
        },
    );
}

/// Puts contract `name` at `address` without running `init`.
pub fn install(chain: &mut Chain, address: Address, name: &str) {
    let module = module(name, chain);
    install_module(chain, address, name, module);
}

/// Installs `name` at `address` and runs its `init` with `input`, signed
/// by `deployer`; panics unless `init` succeeds.
pub fn deploy(
    chain: &mut Chain,
    deployer: Address,
    address: Address,
    name: &str,
    input: Vec<u8>,
) -> Report {
    install(chain, address, name);
    let report = chain.call_as(deployer, address, "init", input, GAS, CallMode::Init);
    success(&report);
    report
}

/// A transaction signed by `caller` with ample gas.
pub fn call(
    chain: &mut Chain,
    caller: Address,
    to: Address,
    method: &str,
    input: Vec<u8>,
) -> Report {
    chain.call_as(caller, to, method, input, GAS, CallMode::Call)
}

/// A view call.
pub fn view(chain: &mut Chain, to: Address, method: &str, input: Vec<u8>) -> Report {
    chain.call_as(DAVE, to, method, input, GAS, CallMode::View)
}

/// The return data of a successful call.
pub fn success(report: &Report) -> Vec<u8> {
    match &report.outcome.status {
        Status::Success(data) => data.clone(),
        other => panic!("expected success, got {other:?} (logs {:?})", report.logs),
    }
}

/// The reason of a reverted call, which must also have changed nothing.
pub fn reverted(report: &Report) -> String {
    match &report.outcome.status {
        Status::Reverted(reason) => {
            assert!(report.writes.is_empty() && report.outcome.events.is_empty());
            assert!(report.outcome.gas_used > 0, "a revert still costs gas");
            String::from_utf8(reason.clone()).expect("UTF-8 reason")
        }
        other => panic!("expected a revert, got {other:?}"),
    }
}

/// Calls `method` as a transaction and checks that it reverts with
/// `reason`, costs gas (some, not all) and leaves storage as it was.
pub fn expect_revert(
    chain: &mut Chain,
    caller: Address,
    to: Address,
    method: &str,
    input: Vec<u8>,
    reason: &str,
) {
    let before = chain.storage.clone();
    let report = call(chain, caller, to, method, input);
    assert_eq!(reverted(&report), reason, "{method}");
    assert!(
        chain.storage == before,
        "{method}: a revert changed storage"
    );
}

/// The trap of a trapped call, which must also have changed nothing.
pub fn trapped(report: &Report) -> TrapKind {
    match &report.outcome.status {
        Status::Trapped(kind) => {
            assert!(report.writes.is_empty() && report.outcome.events.is_empty());
            *kind
        }
        other => panic!("expected a trap, got {other:?}"),
    }
}

/// Decodes borsh return data, all of it.
pub fn decode<T: borsh::BorshDeserialize>(data: &[u8]) -> T {
    borsh::from_slice(data).expect("return data decodes")
}

/// The borsh encoding of a method's arguments (a tuple of them).
pub fn args<T: borsh::BorshSerialize>(value: T) -> Vec<u8> {
    borsh::to_vec(&value).unwrap()
}

/// `(contract, topic, data)` of each event, for comparisons.
pub fn events(report: &Report) -> Vec<(Address, String, Vec<u8>)> {
    report
        .outcome
        .events
        .iter()
        .map(
            |Event {
                 contract,
                 topic,
                 data,
             }| {
                (
                    *contract,
                    String::from_utf8_lossy(topic).into_owned(),
                    data.clone(),
                )
            },
        )
        .collect()
}
