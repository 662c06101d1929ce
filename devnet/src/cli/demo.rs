//! `gasket demo`: the README's main job. Builds the example contracts,
//! starts a fresh devnet in a temporary home, deploys token and escrow,
//! moves tokens (transfers, an escrow deposit and release, one transfer
//! and one deposit that revert) and prints every receipt with its gas.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use gasket_devnet::chain::dev_address;
use gasket_devnet::rpc::api::{Node, Request};
use serde_json::{Value, json};

use super::{ensure, outln, show_progress, warn_about_cache};

/// The contracts workspace of this source tree.
fn default_contracts() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../contracts")
}

/// Runs `contracts/build.sh`: its output on stderr when not `--json`
/// (progress on a terminal), captured otherwise and shown on failure.
fn build(dir: &std::path::Path, json: bool) -> Result<()> {
    let script = dir.join("build.sh");
    if !script.exists() {
        bail!(
            "{} not found: pass --contracts DIR (the contracts workspace)",
            script.display()
        );
    }
    let mut command = Command::new("bash");
    command.arg(&script).stdin(Stdio::null());
    let output = if json {
        command.output()
    } else {
        // Keep stdout for the demo's own report: the build talks on stderr.
        command
            .stdout(std::io::stderr())
            .stderr(Stdio::inherit())
            .output()
    }
    .with_context(|| format!("cannot run {}", script.display()))?;
    if !output.status.success() {
        bail!(
            "{} failed ({}){}",
            script.display(),
            output.status,
            if json {
                format!(":\n{}", String::from_utf8_lossy(&output.stderr))
            } else {
                String::new()
            }
        );
    }
    Ok(())
}

/// A temporary home, removed when dropped.
struct TempHome(PathBuf);

impl Drop for TempHome {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn short(hex: &str) -> String {
    if hex.len() > 12 {
        format!("{}…", &hex[..10])
    } else {
        hex.to_string()
    }
}

/// One line of the demo's table.
fn line(step: &str, receipt: &Value) -> String {
    let detail = match receipt["status"].as_str() {
        Some("success") => receipt["result"]
            .as_str()
            .map(|s| format!("result {s}"))
            .or_else(|| {
                (!receipt["result"].is_null()).then(|| format!("result {}", receipt["result"]))
            })
            .unwrap_or_default(),
        Some("reverted") => format!("reason \"{}\"", receipt["reason"].as_str().unwrap_or("")),
        Some("trapped") => format!("trap {}", receipt["trap"].as_str().unwrap_or("")),
        _ => String::new(),
    };
    let events: Vec<String> = receipt["events"]
        .as_array()
        .map(|events| {
            events
                .iter()
                .map(|e| e["topic"].as_str().unwrap_or("?").to_string())
                .collect()
        })
        .unwrap_or_default();
    let block = receipt["block"]
        .as_u64()
        .map(|b| b.to_string())
        .unwrap_or_else(|| "view".into());
    let text = format!(
        "{step:<44} {:<9} {:>10} {:>6}  {}{}",
        receipt["status"].as_str().unwrap_or("?"),
        receipt["gas_used"].as_u64().unwrap_or(0),
        block,
        detail,
        if events.is_empty() {
            String::new()
        } else {
            format!(" events [{}]", events.join(", "))
        }
    );
    text.trim_end().to_string()
}

/// The devnet of the demo and the receipts so far.
struct Demo {
    node: Node,
    steps: Vec<Value>,
    json: bool,
}

impl Demo {
    /// Runs one step, prints its line, and checks it ended in `status`.
    fn step(&mut self, step: &str, request: Request, status: &str) -> Result<Value> {
        let receipt = self.node.handle(request);
        warn_about_cache(&self.node);
        let receipt = receipt?;
        if !self.json {
            outln!("{}", line(step, &receipt))?;
        }
        self.steps
            .push(json!({"step": step, "receipt": receipt.clone()}));
        ensure(receipt["status"] == status, || {
            format!("demo step `{step}`: expected {status}, got {receipt}")
        })?;
        Ok(receipt)
    }
}

/// Runs the demo; with `json`, returns its one JSON object.
pub fn run(contracts: Option<PathBuf>, json: bool) -> Result<Value> {
    let dir = contracts.unwrap_or_else(default_contracts);
    if !json {
        outln!("== Building the example contracts ({})", dir.display())?;
    }
    if show_progress(json) {
        eprintln!("(contracts/build.sh output follows)");
    }
    build(&dir, json)?;
    let wasm = |name: &str| -> Result<String> {
        let path = dir.join("target/wasm").join(format!("{name}.wasm"));
        let bytes =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        Ok(gasket_devnet::chain::abi::to_hex(&bytes))
    };
    let home = TempHome(std::env::temp_dir().join(format!(
        "gasket-demo-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    )));
    let mut node = Node::new(home.0.clone());
    let init = node.handle(Request::Init { force: false })?;
    if !json {
        outln!("\n== A fresh devnet in {}", home.0.display())?;
        for account in init["accounts"].as_array().into_iter().flatten() {
            outln!(
                "   {:<6} {}",
                account["name"].as_str().unwrap_or(""),
                account["address"].as_str().unwrap_or("")
            )?;
        }
        outln!(
            "\n{:<44} {:<9} {:>10} {:>6}  detail",
            "step",
            "status",
            "gas used",
            "block"
        )?;
    }
    let mut demo = Demo {
        node,
        steps: Vec::new(),
        json,
    };
    let call = |contract: &str, method: &str, from: &str, args: Value| Request::Call {
        contract: contract.into(),
        method: method.into(),
        from: Some(from.into()),
        args: Some(args),
        args_hex: None,
        gas: None,
    };
    let view = |contract: &str, method: &str, args: Value| Request::View {
        contract: contract.into(),
        method: method.into(),
        args: Some(args),
        args_hex: None,
        gas: None,
    };
    let deploy = |name: &str, args: Value| -> Result<Request> {
        Ok(Request::Deploy {
            code_hex: wasm(name)?,
            from: Some("alice".into()),
            args: Some(args),
            args_hex: None,
            gas: None,
        })
    };
    let token = demo.step(
        "deploy token (alice mints 1000000)",
        deploy("token", json!({"total_supply": 1_000_000}))?,
        "success",
    )?;
    let token_address = token["address"].as_str().unwrap_or_default().to_string();
    let token = token_address.as_str();
    demo.step(
        "token.transfer alice -> bob 250000",
        call(
            token,
            "transfer",
            "alice",
            json!({"to": "bob", "amount": 250_000}),
        ),
        "success",
    )?;
    demo.step(
        "token.transfer bob -> carol 1000",
        call(
            token,
            "transfer",
            "bob",
            json!({"to": "carol", "amount": 1_000}),
        ),
        "success",
    )?;
    demo.step(
        "token.transfer carol -> dave 5000 (too much)",
        call(
            token,
            "transfer",
            "carol",
            json!({"to": "dave", "amount": 5_000}),
        ),
        "reverted",
    )?;
    let escrow = demo.step(
        "deploy escrow (alice -> carol, arbiter dave)",
        deploy(
            "escrow",
            json!({
                "token": token,
                "depositor": "alice",
                "beneficiary": "carol",
                "arbiter": "dave",
            }),
        )?,
        "success",
    )?;
    let escrow_address = escrow["address"].as_str().unwrap_or_default().to_string();
    let escrow = escrow_address.as_str();
    demo.step(
        "token.approve alice lets escrow take 100000",
        call(
            token,
            "approve",
            "alice",
            json!({"spender": escrow, "amount": 100_000}),
        ),
        "success",
    )?;
    demo.step(
        "escrow.deposit bob 1 (not the depositor)",
        call(escrow, "deposit", "bob", json!({"amount": 1})),
        "reverted",
    )?;
    demo.step(
        "escrow.deposit alice 100000",
        call(escrow, "deposit", "alice", json!({"amount": 100_000})),
        "success",
    )?;
    demo.step(
        "escrow.release by bob (not the arbiter)",
        call(escrow, "release", "bob", Value::Null),
        "reverted",
    )?;
    demo.step(
        "escrow.release by dave -> carol",
        call(escrow, "release", "dave", Value::Null),
        "success",
    )?;

    let mut balances = serde_json::Map::new();
    for name in ["alice", "bob", "carol", "dave"] {
        let address = dev_address(name).to_hex();
        let receipt = demo.step(
            &format!("view token.balance_of {name}"),
            view(token, "balance_of", json!({"account": address})),
            "success",
        )?;
        balances.insert(name.into(), receipt["result"].clone());
    }
    let expected = json!({"alice": "650000", "bob": "249000", "carol": "101000", "dave": "0"});
    ensure(Value::Object(balances.clone()) == expected, || {
        format!("balances {balances:?}, expected {expected}")
    })?;
    let head = demo.node.handle(Request::Block { height: None })?;
    if !json {
        outln!(
            "\nhead block {} hash {} state root {}",
            head["height"],
            short(head["hash"].as_str().unwrap_or("")),
            short(head["state_root"].as_str().unwrap_or(""))
        )?;
        outln!("token  {token_address}\nescrow {escrow_address}")?;
        outln!("balances: alice 650000, bob 249000, carol 101000, dave 0 (as expected)")?;
    }
    Ok(json!({
        "token": token_address,
        "escrow": escrow_address,
        "steps": demo.steps,
        "balances": balances,
        "head": head,
    }))
}
