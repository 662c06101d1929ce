//! Chain-less tools: `inspect` (the deploy-time validation report of a
//! module) and `run` (one export of any module, metered, outside a chain).
//!
//! `time_ns` of `run` is node-local wall time, never consensus data.

use std::time::Instant;

use gasket_host_env::{
    Address, CallContext, CallMode, Capabilities, Contract, INIT_METHOD, MemoryContracts,
    MemoryStorage, execute,
};
use gasket_metering::{
    Config, ErrorKind, ExportKind, Permissive, PrepareError, START_EXPORT, ValType,
};
use gasket_vm::{Engine, EngineConfig, Imports, Instance, Trap, TrapKind, Value as WasmValue};
use serde_json::{Value, json};

use crate::chain::abi::{ContractAbi, encode_args, parse_hex, to_hex};
use crate::rpc::api::{NodeError, outcome_json};

/// Reads a module: `.wat` text or wasm bytes.
pub fn module_bytes(name: &str, bytes: Vec<u8>) -> Result<Vec<u8>, NodeError> {
    if name.ends_with(".wat") || bytes.first().is_some_and(|&b| b == b'(') {
        wat::parse_bytes(&bytes)
            .map(|b| b.into_owned())
            .map_err(|e| NodeError::BadRequest(format!("{name}: {e}")))
    } else {
        Ok(bytes)
    }
}

/// The kind label of a prepare error.
fn kind_label(kind: &ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Unsupported { .. } => "unsupported",
        ErrorKind::LimitExceeded { .. } => "limit_exceeded",
        ErrorKind::Invalid { .. } => "invalid",
        ErrorKind::Policy(_) => "policy",
        ErrorKind::InvalidConfig { .. } => "invalid_config",
        ErrorKind::Internal { .. } => "internal",
    }
}

/// A prepare error as JSON: `kind`, `message`, `function`, `offset`.
pub fn prepare_error_json(error: &PrepareError) -> Value {
    json!({
        "kind": kind_label(error.kind()),
        "message": error.to_string(),
        "function": error.function(),
        "offset": error.offset(),
    })
}

/// The validation report of a module under the contract ABI.
pub fn inspect(wasm: &[u8]) -> Value {
    let config = Config::default();
    let code_hash = to_hex(blake3::hash(wasm).as_bytes());
    let abi = ContractAbi::from_wasm(wasm);
    match Capabilities::all().prepare(wasm, &config) {
        Ok(prepared) => {
            let info = &prepared.info;
            let exports: Vec<Value> = info
                .exports
                .iter()
                .filter(|e| !e.name.starts_with(gasket_metering::RESERVED_PREFIX))
                .map(|e| json!({"name": e.name, "kind": format!("{:?}", e.kind).to_lowercase()}))
                .collect();
            let imports: Vec<String> = info
                .imports
                .iter()
                .map(|i| [i.module.as_str(), i.name.as_str()].join("."))
                .collect();
            json!({
                "valid": true,
                "code_hash": code_hash,
                "size": wasm.len(),
                "instrumented_size": prepared.wasm.len(),
                "imports": imports,
                "exports": exports,
                "memory": info.memory.map(|m| json!({"initial_pages": m.initial, "maximum_pages": m.maximum})),
                "abi": match abi {
                    Ok(Some(abi)) => abi_json(&abi),
                    Ok(None) => Value::Null,
                    Err(e) => json!({"error": e.to_string()}),
                },
            })
        }
        Err(error) => json!({
            "valid": false,
            "code_hash": code_hash,
            "size": wasm.len(),
            "error": prepare_error_json(&error),
        }),
    }
}

/// The methods of an ABI, for display.
pub fn abi_json(abi: &ContractAbi) -> Value {
    Value::Array(
        abi.methods
            .iter()
            .map(|m| {
                json!({
                    "name": m.name,
                    "view": m.view,
                    "args": m.args.iter().map(|f| format!("{}: {}", f.name, f.ty)).collect::<Vec<_>>(),
                    "result": m.result.as_ref().map(|t| t.to_string()),
                })
            })
            .collect(),
    )
}

/// Runs export `invoke` of `wasm` with `gas_limit`.
///
/// A module without imports runs directly: `args` are its typed
/// parameters (`"1 2"`, i32 or i64 by the export's signature) and
/// `results` its typed results. A contract (it imports the host ABI) runs
/// through the host over empty in-memory storage: `args` is JSON encoded
/// through its `gasket.abi`, or `args_hex` raw input.
pub fn run(
    wasm: &[u8],
    invoke: &str,
    args: Option<&str>,
    args_hex: Option<&str>,
    gas_limit: u64,
) -> Result<Value, NodeError> {
    let config = Config::default();
    let engine = Engine::new(EngineConfig::default())
        .map_err(|e| NodeError::BadRequest(format!("cannot create the VM engine: {e}")))?;
    let prepared = gasket_metering::prepare_with_policy(wasm, &config, &Permissive)
        .map_err(NodeError::Rejected)?;
    if !prepared.info.imports.is_empty() {
        return run_contract(wasm, &engine, invoke, args, args_hex, gas_limit);
    }
    let export = prepared
        .info
        .export(invoke)
        .filter(|e| e.kind == ExportKind::Func)
        .ok_or_else(|| {
            NodeError::BadRequest(format!("the module exports no function `{invoke}`"))
        })?;
    let sig = prepared
        .info
        .func_sig(export.index)
        .ok_or_else(|| NodeError::BadRequest(format!("`{invoke}` has no signature")))?
        .clone();
    let words: Vec<&str> = args.unwrap_or("").split_whitespace().collect();
    if words.len() != sig.params.len() {
        return Err(NodeError::BadRequest(format!(
            "`{invoke}` takes {} arguments ({:?}), got {}",
            sig.params.len(),
            sig.params,
            words.len()
        )));
    }
    let mut values = Vec::new();
    for (word, ty) in words.iter().zip(&sig.params) {
        let bad = || NodeError::BadRequest(format!("argument `{word}` is not an {ty:?}"));
        values.push(match ty {
            ValType::I32 => WasmValue::I32(
                word.parse::<i32>()
                    .or_else(|_| word.parse::<u32>().map(|v| v as i32))
                    .map_err(|_| bad())?,
            ),
            ValType::I64 => WasmValue::I64(
                word.parse::<i64>()
                    .or_else(|_| word.parse::<u64>().map(|v| v as i64))
                    .map_err(|_| bad())?,
            ),
        });
    }
    let module = engine
        .compile(&prepared)
        .map_err(|e| NodeError::BadRequest(format!("module does not compile: {e}")))?;
    let mut instance = Instance::new_unstarted(&module, Imports::new())
        .map_err(|e| NodeError::BadRequest(format!("instantiation failed: {e}")))?;
    // The VM's gas counter is an i64 (as in the host): a larger limit is
    // i64::MAX, and gas used is counted from what was set.
    let gas_limit = gas_limit.min(i64::MAX as u64);
    instance.set_gas(gas_limit);
    let start = Instant::now();
    // As a host runs a method: `__gasket_start` (the instance's charge,
    // the module's start function) from the same gas, then the call.
    let mut result = Ok(Vec::new());
    if prepared.info.export(START_EXPORT).is_some() {
        result = instance.call(START_EXPORT, &[]);
    }
    if result.is_ok() {
        result = instance.call(invoke, &values);
    }
    let time_ns = start.elapsed().as_nanos() as u64;
    let used = |left: i64| gas_limit - (left.max(0) as u64).min(gas_limit);
    Ok(match result {
        Ok(results) => json!({
            "status": "success",
            "results": results.iter().map(|v| match v {
                WasmValue::I32(x) => json!(x),
                WasmValue::I64(x) => json!(x),
            }).collect::<Vec<_>>(),
            "gas_used": used(instance.gas_left()),
            "trap": null,
            "time_ns": time_ns,
        }),
        Err(Trap::Wasm(kind)) => json!({
            "status": "trapped",
            "results": [],
            "gas_used": if kind == TrapKind::OutOfGas { gas_limit } else { used(instance.gas_left()) },
            "trap": format!("{kind:?}"),
            "time_ns": time_ns,
        }),
        Err(other) => return Err(NodeError::BadRequest(format!("the VM failed: {other}"))),
    })
}

/// A contract method through the host, over empty in-memory storage.
fn run_contract(
    wasm: &[u8],
    engine: &Engine,
    invoke: &str,
    args: Option<&str>,
    args_hex: Option<&str>,
    gas_limit: u64,
) -> Result<Value, NodeError> {
    let config = Config::default();
    let prepared = Capabilities::all()
        .prepare(wasm, &config)
        .map_err(NodeError::Rejected)?;
    let module = engine
        .compile(&prepared)
        .map_err(|e| NodeError::BadRequest(format!("module does not compile: {e}")))?;
    let abi = ContractAbi::from_wasm(wasm)?;
    let input = match (args, args_hex) {
        (_, Some(hex)) => {
            parse_hex(hex).ok_or_else(|| NodeError::BadRequest("--args-hex is not hex".into()))?
        }
        (Some(json), None) => {
            let abi = abi.as_ref().ok_or_else(|| {
                NodeError::BadRequest("the module has no gasket.abi section: use --args-hex".into())
            })?;
            let value: Value = serde_json::from_str(json)
                .map_err(|e| NodeError::BadRequest(format!("--args is not JSON: {e}")))?;
            encode_args(abi.method(invoke)?, &value, &|name| {
                crate::chain::dev_account(name).map(|a| a.0)
            })?
        }
        (None, None) => Vec::new(),
    };
    let address = Address([1; 32]);
    let mut contracts = MemoryContracts::new();
    contracts.insert(
        address,
        Contract {
            module,
            views: None,
            wasm_bytes: wasm.len() as u64,
        },
    );
    let mut storage = MemoryStorage::new();
    let start = Instant::now();
    let report = execute(
        &config,
        &contracts,
        &mut storage,
        &CallContext {
            caller: crate::chain::dev_address("alice"),
            contract: address,
            method: invoke.into(),
            input,
            gas_limit,
            mode: if invoke == INIT_METHOD {
                CallMode::Init
            } else {
                CallMode::Call
            },
            ..Default::default()
        },
    )
    .map_err(|e| NodeError::BadRequest(format!("the host failed: {e}")))?;
    let time_ns = start.elapsed().as_nanos() as u64;
    let result_type = abi
        .as_ref()
        .and_then(|abi| abi.method(invoke).ok())
        .and_then(|m| m.result.clone());
    let mut out = outcome_json(&report.outcome.status, result_type.as_ref());
    out["results"] = json!([]);
    out["gas_used"] = json!(report.outcome.gas_used);
    out["trap"] = out.get("trap").cloned().unwrap_or(Value::Null);
    out["time_ns"] = json!(time_ns);
    out["logs"] = json!(report.logs);
    out["events"] = json!(report.outcome.events.len());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gas_used_counts_from_the_limit_the_vm_got() {
        let wasm = wat::parse_str(
            r#"(module (func (export "f") (param i32) (result i32) local.get 0 i32.const 1 i32.add))"#,
        )
        .unwrap();
        let used = |gas_limit| run(&wasm, "f", Some("41"), None, gas_limit).unwrap();
        let small = used(1_000_000);
        assert_eq!(small["results"], json!([42]));
        assert!(small["gas_used"].as_u64().unwrap() > 0, "{small}");
        for gas_limit in [i64::MAX as u64, i64::MAX as u64 + 1, u64::MAX] {
            assert_eq!(
                used(gas_limit)["gas_used"],
                small["gas_used"],
                "{gas_limit}"
            );
        }
    }
}
