//! The commands as data: a [`Request`] per command and the [`Node`] that
//! answers it with one JSON object. The CLI and the JSON-RPC server both go
//! through here, so `gasket call ...` and the RPC method `call` give the
//! same object.

use std::path::PathBuf;

use gasket_host_env::{Address, Event, Status};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::chain::abi::{AbiError, AbiType, ContractAbi, decode, encode_args, parse_hex, to_hex};
use crate::chain::types::{Hash, TxKind, TxRecord};
use crate::chain::{Chain, ChainError, DEV_ACCOUNTS, TxRequest, dev_account, dev_address};

/// Default gas limit of transactions and views.
pub const DEFAULT_GAS: u64 = 100_000_000;

/// One command. Serialized as JSON-RPC `{"method": ..., "params": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", content = "params", rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Request {
    /// A fresh chain.
    Init {
        #[serde(default)]
        force: bool,
    },
    /// The dev accounts.
    Accounts {},
    /// Deploy a module (hex bytes) and run its `init`.
    Deploy {
        code_hex: String,
        #[serde(default)]
        from: Option<String>,
        #[serde(default)]
        args: Option<Value>,
        #[serde(default)]
        args_hex: Option<String>,
        #[serde(default)]
        gas: Option<u64>,
    },
    /// A transaction calling a method, in a new block.
    Call {
        contract: String,
        method: String,
        #[serde(default)]
        from: Option<String>,
        #[serde(default)]
        args: Option<Value>,
        #[serde(default)]
        args_hex: Option<String>,
        #[serde(default)]
        gas: Option<u64>,
    },
    /// A read-only call.
    View {
        contract: String,
        method: String,
        #[serde(default)]
        args: Option<Value>,
        #[serde(default)]
        args_hex: Option<String>,
        #[serde(default)]
        gas: Option<u64>,
    },
    /// A contract's storage.
    State {
        contract: String,
        #[serde(default)]
        key: Option<String>,
    },
    /// A block (the head without a height).
    Block {
        #[serde(default)]
        height: Option<u64>,
    },
    /// A transaction and its receipt.
    Tx { hash: String },
    /// One export of any module, outside the chain.
    Run {
        code_hex: String,
        invoke: String,
        #[serde(default)]
        args: Option<String>,
        #[serde(default)]
        args_hex: Option<String>,
        #[serde(default)]
        gas: Option<u64>,
    },
    /// The validation report of a module.
    Inspect { code_hex: String },
    /// Replays the chain on a scratch chain and checks every receipt and
    /// header.
    Verify {},
}

/// A failed command (a transaction that reverts is not one: it is a
/// receipt).
#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    /// The chain or its database failed.
    #[error(transparent)]
    Chain(#[from] ChainError),
    /// Arguments do not fit the contract's ABI.
    #[error(transparent)]
    Abi(#[from] AbiError),
    /// A module the gate rejects.
    #[error("module rejected: {0}")]
    Rejected(gasket_metering::PrepareError),
    /// Malformed request.
    #[error("{0}")]
    BadRequest(String),
    /// Nothing there.
    #[error("{0}")]
    NotFound(String),
}

impl NodeError {
    /// The error as the JSON object `--json` prints (and RPC `data`).
    pub fn to_json(&self) -> Value {
        let mut error = json!({"message": self.to_string()});
        let prepare = match self {
            NodeError::Rejected(e) | NodeError::Chain(ChainError::Prepare(e)) => Some(e),
            _ => None,
        };
        if let Some(e) = prepare {
            error["rejected"] = crate::tools::prepare_error_json(e);
        }
        json!({ "error": error })
    }
}

/// `status` and `reason` / `trap` / `result` of an outcome status.
pub fn outcome_json(status: &Status, result_type: Option<&AbiType>) -> Value {
    let mut out = json!({"status": status.label()});
    match status {
        Status::Success(data) => {
            out["return_data"] = json!(to_hex(data));
            out["result"] = match (result_type, data.is_empty()) {
                (Some(ty), _) => decode(ty, data).unwrap_or(Value::Null),
                (None, _) => Value::Null,
            };
        }
        Status::Reverted(reason) => {
            out["reason"] = json!(String::from_utf8_lossy(reason));
        }
        Status::Trapped(kind) => {
            out["trap"] = json!(kind.to_string());
        }
    }
    out
}

/// Answers requests for one home.
pub struct Node {
    home: PathBuf,
    chain: Option<Chain>,
}

impl Node {
    /// A node for `home` (the chain is opened on first use).
    pub fn new(home: PathBuf) -> Node {
        Node { home, chain: None }
    }

    /// A node over an open chain.
    pub fn with_chain(chain: Chain) -> Node {
        Node {
            home: chain.home().to_path_buf(),
            chain: Some(chain),
        }
    }

    /// The chain, opened (and locked) on first use.
    pub fn chain(&mut self) -> Result<&Chain, NodeError> {
        if self.chain.is_none() {
            self.chain = Some(Chain::open(&self.home)?);
        }
        Ok(self.chain.as_ref().expect("just opened"))
    }

    /// The compiled-code cache's first disk failure, once per process
    /// ([`ModuleCache::disk_warning`](crate::chain::ModuleCache::disk_warning)):
    /// print it on stderr after a request.
    pub fn cache_warning(&self) -> Option<String> {
        self.chain.as_ref()?.modules().disk_warning()
    }

    /// Answers one request.
    pub fn handle(&mut self, request: Request) -> Result<Value, NodeError> {
        match request {
            Request::Init { force } => {
                match &mut self.chain {
                    Some(chain) if !force => return Err(chain.already_initialized().into()),
                    // Replaced in place: the home stays locked throughout,
                    // and the open chain stays unless the new one is in
                    // place.
                    Some(chain) => chain.reinit(None)?,
                    None => self.chain = Some(Chain::init(&self.home, None, force)?),
                }
                let genesis = self.chain()?.block(0)?;
                Ok(json!({
                    "home": self.home.display().to_string(),
                    "genesis": block_json(&genesis),
                    "accounts": DEV_ACCOUNTS.iter().map(|name| json!({
                        "name": name, "address": dev_address(name).to_hex(),
                    })).collect::<Vec<_>>(),
                }))
            }
            Request::Accounts {} => {
                let chain = self.chain()?;
                let mut accounts = Vec::new();
                for name in DEV_ACCOUNTS {
                    let address = dev_address(name);
                    accounts.push(json!({
                        "name": name,
                        "address": address.to_hex(),
                        "nonce": chain.nonce(&address)?,
                    }));
                }
                Ok(json!({ "accounts": accounts }))
            }
            Request::Deploy {
                code_hex,
                from,
                args,
                args_hex,
                gas,
            } => {
                let code = hex_arg("code_hex", &code_hex)?;
                let chain = self.chain()?;
                let compiled = chain.check_code(&code)?;
                let init = compiled.abi.as_ref().and_then(|a| a.method("init").ok());
                if init.is_none() && args.is_some() {
                    return Err(NodeError::BadRequest(
                        "the contract's gasket.abi has no `init` to encode --args: use --args-hex"
                            .into(),
                    ));
                }
                let input = encode_input(init, args, args_hex)?;
                let code_hash = *blake3::hash(&code).as_bytes();
                let from = sender(from)?;
                let (_, records) = chain.submit(
                    vec![TxRequest {
                        from,
                        kind: TxKind::Deploy { code_hash },
                        input,
                        gas_limit: gas.unwrap_or(DEFAULT_GAS),
                        code: Some(code),
                    }],
                    None,
                    false,
                )?;
                receipt_json(chain, &records[0], None)
            }
            Request::Call {
                contract,
                method,
                from,
                args,
                args_hex,
                gas,
            } => {
                let chain = self.chain()?;
                let (contract, abi_method, input) =
                    call_input(chain, &contract, &method, args, args_hex)?;
                let (_, records) = chain.submit(
                    vec![TxRequest {
                        from: sender(from)?,
                        kind: TxKind::Call { contract, method },
                        input,
                        gas_limit: gas.unwrap_or(DEFAULT_GAS),
                        code: None,
                    }],
                    None,
                    false,
                )?;
                let result_type = abi_method.and_then(|m| m.result);
                receipt_json(chain, &records[0], result_type.as_ref())
            }
            Request::View {
                contract,
                method,
                args,
                args_hex,
                gas,
            } => {
                let chain = self.chain()?;
                let (contract, abi_method, input) =
                    call_input(chain, &contract, &method, args, args_hex)?;
                let report = chain.view(&contract, &method, input, gas.unwrap_or(DEFAULT_GAS))?;
                let result_type = abi_method.and_then(|m| m.result);
                let mut out = outcome_json(&report.outcome.status, result_type.as_ref());
                out["gas_used"] = json!(report.outcome.gas_used);
                out["logs"] = json!(report.logs);
                Ok(out)
            }
            Request::State { contract, key } => {
                let chain = self.chain()?;
                let address = resolve(&contract)?;
                let code_hash = chain
                    .code_hash(&address)?
                    .ok_or(ChainError::NoContract(address))?;
                let mut out = json!({
                    "address": address.to_hex(),
                    "code_hash": to_hex(&code_hash),
                });
                match key {
                    Some(key) => {
                        let key = hex_arg("key", &key)?;
                        let value = chain.storage_get(&address, &key)?;
                        out["key"] = json!(to_hex(&key));
                        out["value"] = json!(value.map(|v| to_hex(&v)));
                    }
                    None => {
                        let entries = chain.storage(&address, &[])?;
                        out["entries"] = entries
                            .iter()
                            .map(|(k, v)| json!({"key": to_hex(k), "value": to_hex(v)}))
                            .collect();
                    }
                }
                Ok(out)
            }
            Request::Block { height } => {
                let chain = self.chain()?;
                let height = match height {
                    Some(h) => h,
                    None => chain.height()?,
                };
                Ok(block_json(&chain.block(height)?))
            }
            Request::Tx { hash } => {
                let chain = self.chain()?;
                let bytes = hex_arg("hash", &hash)?;
                let hash: Hash = bytes
                    .try_into()
                    .map_err(|_| NodeError::BadRequest("a tx hash is 64 hex digits".into()))?;
                let record = chain.tx(&hash)?.ok_or_else(|| {
                    NodeError::NotFound(format!("no transaction {}", to_hex(&hash)))
                })?;
                let result_type = match &record.tx.kind {
                    TxKind::Call { contract, method } => chain
                        .contract(contract)
                        .ok()
                        .and_then(|c| c.abi)
                        .and_then(|abi| abi.method(method).ok().and_then(|m| m.result.clone())),
                    TxKind::Deploy { .. } => None,
                };
                receipt_json(chain, &record, result_type.as_ref())
            }
            Request::Run {
                code_hex,
                invoke,
                args,
                args_hex,
                gas,
            } => crate::tools::run(
                &hex_arg("code_hex", &code_hex)?,
                &invoke,
                args.as_deref(),
                args_hex.as_deref(),
                gas.unwrap_or(DEFAULT_GAS),
            ),
            Request::Verify {} => {
                let chain = self.chain()?;
                let scratch = std::env::temp_dir().join(format!(
                    "gasket-verify-{}-{}",
                    std::process::id(),
                    chain.height()?
                ));
                let _ = std::fs::remove_dir_all(&scratch);
                let replayed = chain.verify(&scratch);
                let _ = std::fs::remove_dir_all(&scratch);
                let head = chain.block(chain.height()?)?;
                Ok(json!({
                    "verified": true,
                    "blocks": replayed?,
                    "head": block_json(&head),
                }))
            }
            Request::Inspect { code_hex } => {
                Ok(crate::tools::inspect(&hex_arg("code_hex", &code_hex)?))
            }
        }
    }
}

fn hex_arg(what: &str, text: &str) -> Result<Vec<u8>, NodeError> {
    parse_hex(text).ok_or_else(|| NodeError::BadRequest(format!("{what} is not hex: {text:?}")))
}

/// An address: 64 hex digits or a dev account name.
pub fn resolve(text: &str) -> Result<Address, NodeError> {
    Address::from_hex(text)
        .or_else(|| dev_account(text))
        .ok_or_else(|| {
            NodeError::BadRequest(format!(
                "`{text}` is neither a 64-hex-digit address nor a dev account ({})",
                DEV_ACCOUNTS.join(", ")
            ))
        })
}

fn sender(from: Option<String>) -> Result<Address, NodeError> {
    let name = from.unwrap_or_else(|| DEV_ACCOUNTS[0].to_string());
    resolve(&name)
}

/// The contract, the ABI of `method` and the call's input bytes.
fn call_input(
    chain: &Chain,
    contract: &str,
    method: &str,
    args: Option<Value>,
    args_hex: Option<String>,
) -> Result<(Address, Option<crate::chain::abi::Method>, Vec<u8>), NodeError> {
    let contract = resolve(contract)?;
    let compiled = chain.contract(&contract)?;
    let abi_method = method_abi(compiled.abi.as_ref(), method, &args)?;
    let input = encode_input(abi_method.as_ref(), args, args_hex)?;
    Ok((contract, abi_method, input))
}

/// The ABI entry of `method`: required when JSON arguments are given.
fn method_abi(
    abi: Option<&ContractAbi>,
    method: &str,
    args: &Option<Value>,
) -> Result<Option<crate::chain::abi::Method>, NodeError> {
    match abi {
        Some(abi) => Ok(Some(abi.method(method)?.clone())),
        None if args.is_some() => Err(NodeError::BadRequest(
            "the contract has no gasket.abi section to encode JSON arguments: use --args-hex"
                .into(),
        )),
        None => Ok(None),
    }
}

/// The input bytes: `args_hex`, else JSON `args` through the ABI method.
fn encode_input(
    method: Option<&crate::chain::abi::Method>,
    args: Option<Value>,
    args_hex: Option<String>,
) -> Result<Vec<u8>, NodeError> {
    match (args, args_hex) {
        (Some(_), Some(_)) => Err(NodeError::BadRequest(
            "give --args or --args-hex, not both".into(),
        )),
        (None, Some(hex)) => hex_arg("args_hex", &hex),
        (args, None) => match method {
            Some(method) => Ok(encode_args(
                method,
                &args.unwrap_or(Value::Null),
                &|name| dev_account(name).map(|a| a.0),
            )?),
            None => Ok(Vec::new()),
        },
    }
}

/// A block as JSON.
pub fn block_json(block: &crate::chain::types::Block) -> Value {
    let h = &block.header;
    json!({
        "height": h.height,
        "hash": to_hex(&h.hash()),
        "parent_hash": to_hex(&h.parent_hash),
        "timestamp_ms": h.timestamp_ms,
        "state_root": to_hex(&h.state_root),
        "tx_root": to_hex(&h.tx_root),
        "gas_used": h.gas_used,
        "txs": block.txs.iter().map(|t| to_hex(t)).collect::<Vec<_>>(),
    })
}

fn event_json(chain: &Chain, event: &Event) -> Value {
    let decoded = chain
        .contract(&event.contract)
        .ok()
        .and_then(|c| c.abi)
        .and_then(|abi| abi.decode_event(&event.topic, &event.data));
    json!({
        "contract": event.contract.to_hex(),
        "topic": String::from_utf8(event.topic.clone()).unwrap_or_else(|_| to_hex(&event.topic)),
        "data": to_hex(&event.data),
        "decoded": decoded,
    })
}

/// A transaction with its receipt as JSON.
pub fn receipt_json(
    chain: &Chain,
    record: &TxRecord,
    result_type: Option<&AbiType>,
) -> Result<Value, NodeError> {
    let mut out = outcome_json(&record.receipt.status, result_type);
    out["gas_used"] = json!(record.receipt.gas_used);
    out["events"] = record
        .receipt
        .events
        .iter()
        .map(|e| event_json(chain, e))
        .collect();
    out["logs"] = json!(record.receipt.logs);
    out["block"] = json!(record.block);
    out["index"] = json!(record.index);
    out["tx"] = json!(to_hex(&record.tx.hash()));
    out["from"] = json!(record.tx.from.to_hex());
    out["nonce"] = json!(record.tx.nonce);
    out["gas_limit"] = json!(record.tx.gas_limit);
    match &record.tx.kind {
        TxKind::Deploy { code_hash } => {
            out["kind"] = json!("deploy");
            out["code_hash"] = json!(to_hex(code_hash));
            // Null when `init` failed: nothing was deployed at the address
            // the deploy would have had.
            out["address"] = json!(record.receipt.contract.map(|a| a.to_hex()));
        }
        TxKind::Call { contract, method } => {
            out["kind"] = json!("call");
            out["contract"] = json!(contract.to_hex());
            out["method"] = json!(method);
        }
    }
    Ok(out)
}
