//! Running a call: the entry point and one frame of the call tree.
//!
//! A frame instantiates the callee's module afresh (its own memory: calls
//! never share linear memory), routes its `env` imports to a [`Frame`],
//! takes an overlay checkpoint, runs `__gasket_start` (if any) and the
//! method, and rolls the checkpoint back unless the method succeeded.
//!
//! Cross-contract calls are synchronous and nest frames on the same
//! thread. Re-entrancy is allowed: A may call B, which calls A again; the
//! second A is a new instance that sees A's writes so far (reads see the
//! innermost overlay state), exactly like any other call. Contracts that
//! must not be re-entered guard themselves, as on other chains. Depth is
//! bounded by `abi_limits.call_depth`, and the deterministic stack height
//! carries into every nested frame (see `gasket_vm::Instance::call_with`),
//! so deep recursion in every frame ends in `StackOverflow`, never in a
//! native stack overflow.
//!
//! Loading code is charged once per contract and call tree
//! (`Config::code_loading`, by the length of its wasm as deployed): the
//! first frame of a contract pays for it from its own gas (the gas limit
//! of the call from outside, or what `call` forwarded) before anything
//! runs, and a frame that cannot pay ends in `OutOfGas`. The tree keeps
//! every contract it paid to load, so later frames of it run the same code
//! without asking the node again: what the tree is not charged for, the
//! node does not do. A node's cache makes a load cheap or dear; its gas is
//! the same.

use std::collections::HashMap;

use gasket_metering::{ExportKind, HostFn, RESERVED_PREFIX, START_EXPORT};
use gasket_vm::{Imports, Instance, InstantiationError, Module, Trap};

use crate::HostError;
use crate::host::{Exec, Frame, Stop};
use crate::overlay::Overlay;
use crate::storage::{Contract, Contracts, Storage};
use crate::types::{AbiLimit, Address, CallContext, CallMode, Outcome, Report, Status, TrapKind};

/// The method run at deploy, and only then.
pub const INIT_METHOD: &str = "init";

/// What one frame runs.
pub(crate) struct CallTarget<'m> {
    pub caller: crate::Address,
    pub contract: crate::Address,
    pub code: &'m Contract,
    /// What the frame pays for loading the code ([`load`]).
    pub loading_gas: u64,
    pub method: &'m str,
    pub input: Vec<u8>,
    pub view: bool,
    pub init: bool,
    pub depth: u32,
    pub gas: u64,
    pub stack_base: u32,
}

/// How one frame ended.
pub(crate) struct FrameResult {
    pub status: Status,
    pub gas_used: u64,
}

impl FrameResult {
    /// A frame that ended before its method ran, having used `gas_used`.
    pub fn failed(kind: TrapKind, gas_used: u64) -> FrameResult {
        FrameResult {
            status: Status::Trapped(kind),
            gas_used,
        }
    }
}

/// Whether `method` may be called from outside (or by a contract).
fn callable(module: &Module, method: &str, init: bool) -> bool {
    let exported = module
        .info()
        .export(method)
        .is_some_and(|e| e.kind == ExportKind::Func);
    exported && !method.starts_with(RESERVED_PREFIX) && ((method == INIT_METHOD) == init)
}

fn imports() -> Imports {
    let mut imports = Imports::new();
    // Prepare admitted only ABI functions; anything else stays unresolved
    // and fails instantiation as a node error.
    imports.dispatch_with(|_module, name| HostFn::from_name(name).map(|f| f as u32));
    imports
}

/// The code a frame runs, and what loading it costs the frame.
pub(crate) enum Load {
    /// No contract at the address.
    Missing,
    /// The frame's gas does not cover loading the code: the tree has not
    /// loaded it (nor has the node, unless its `Contracts::wasm_bytes`
    /// loads to answer).
    Unpaid,
    /// The code, and the frame's charge for loading it (0 if the tree
    /// had it already).
    Code(Contract, u64),
}

/// The code at `address` for a frame with `gas`: from the tree if it
/// has it, else from the node, once the frame is known to pay for it.
pub(crate) fn load(exec: &mut Exec<'_>, address: &Address, gas: u64) -> Result<Load, HostError> {
    if let Some(contract) = exec.loaded.get(address) {
        return Ok(Load::Code(contract.clone(), 0));
    }
    let Some(wasm_bytes) = exec.contracts.wasm_bytes(address)? else {
        return Ok(Load::Missing);
    };
    let loading_gas = exec.config.code_loading.call_gas(wasm_bytes);
    if gas < loading_gas {
        return Ok(Load::Unpaid);
    }
    // The node's two answers must agree: the charge is consensus.
    let contract = match exec.contracts.contract(address)? {
        Some(contract) if contract.wasm_bytes == wasm_bytes => contract,
        found => {
            return Err(HostError::Internal(format!(
                "the node's contract at {address} is {} bytes of wasm by `wasm_bytes`, {} by `contract`",
                wasm_bytes,
                found.map_or("missing".into(), |c| c.wasm_bytes.to_string())
            )));
        }
    };
    exec.loaded.insert(*address, contract.clone());
    Ok(Load::Code(contract, loading_gas))
}

/// Runs one frame. `Err` only for node failures, naming the innermost
/// frame they happened in.
pub(crate) fn run_frame(
    exec: &mut Exec<'_>,
    target: CallTarget<'_>,
) -> Result<FrameResult, HostError> {
    let (contract, method, depth) = (target.contract, target.method, target.depth);
    run_frame_unnamed(exec, target).map_err(|error| match error {
        HostError::InFrame { .. } => error,
        error => HostError::InFrame {
            contract,
            method: method.to_string(),
            depth,
            error: Box::new(error),
        },
    })
}

fn run_frame_unnamed(
    exec: &mut Exec<'_>,
    target: CallTarget<'_>,
) -> Result<FrameResult, HostError> {
    let loading_gas = target.loading_gas;
    // `load` checked that the frame can pay.
    let gas = target.gas.saturating_sub(loading_gas);
    let failed = |kind| FrameResult::failed(kind, loading_gas);
    let module = &target.code.module;
    if !callable(module, target.method, target.init) {
        return Ok(failed(TrapKind::MethodNotFound));
    }
    // `__gasket_start` charges the instance (its initial pages and data
    // segments) before any code runs. A frame that cannot pay runs out of
    // gas, as it would there, and is not instantiated: reserving its
    // memory and copying its data segments is work it would not pay for.
    let start_gas = module.info().injected.start_gas;
    if gas < start_gas {
        return Ok(FrameResult::failed(TrapKind::OutOfGas, target.gas));
    }
    let mut instance = match Instance::new_unstarted(module, imports()) {
        Ok(instance) => instance,
        // The segments were copied up to the one that did not fit: the
        // instance is charged as `__gasket_start` would have.
        Err(InstantiationError::Segment(kind)) => {
            return Ok(FrameResult::failed(
                kind.into(),
                loading_gas.saturating_add(start_gas),
            ));
        }
        Err(e) => return Err(HostError::Instantiation(e.to_string())),
    };
    instance.set_gas(gas);
    let checkpoint = exec.overlay.checkpoint();
    let mut frame = Frame {
        exec,
        caller: target.caller,
        contract: target.contract,
        input: target.input,
        view: target.view,
        depth: target.depth,
        return_data: Vec::new(),
        last_result: Vec::new(),
        events: 0,
        stop: None,
    };
    let mut run = Ok(Vec::new());
    if module.info().export(START_EXPORT).is_some() {
        run = instance.call_with(START_EXPORT, &[], &mut frame, target.stack_base);
    }
    if run.is_ok() {
        run = instance.call_with(target.method, &[], &mut frame, target.stack_base);
    }
    let status = match (run, frame.stop.take()) {
        (Ok(_), _) => Status::Success(std::mem::take(&mut frame.return_data)),
        (Err(Trap::Wasm(kind)), _) => Status::Trapped(kind.into()),
        (Err(_), Some(Stop::Revert(reason))) => Status::Reverted(reason),
        (Err(_), Some(Stop::Trap(kind))) => Status::Trapped(kind),
        (Err(_), Some(Stop::Fatal(error))) => return Err(error),
        (Err(Trap::NativeStackExhausted), None) => return Err(HostError::NativeStackExhausted),
        (Err(other), None) => return Err(HostError::Internal(other.to_string())),
    };
    drop(frame);
    let gas_used = match status {
        // The metering sentinel: out of gas uses everything.
        Status::Trapped(TrapKind::OutOfGas) => target.gas,
        _ => target.gas - (instance.gas_left().max(0) as u64).min(gas),
    };
    if !matches!(status, Status::Success(_)) {
        exec.overlay.rollback(checkpoint);
    }
    Ok(FrameResult { status, gas_used })
}

/// Executes one call from outside: the entry point a node uses.
///
/// The contract is looked up in `contracts`; its writes go to an overlay
/// over `storage` and are applied (through [`Storage::apply`]) only if the
/// call succeeds and is not a view. A revert, a trap or out of gas leaves
/// storage as it was and still reports the gas used. `Err` means the node
/// failed (storage, memory), not the contract: nothing was applied and the
/// call has no consensus outcome.
pub fn execute(
    config: &gasket_metering::Config,
    contracts: &dyn Contracts,
    storage: &mut dyn Storage,
    call: &CallContext,
) -> Result<Report, HostError> {
    let trapped = |kind, gas_used| Report {
        outcome: Outcome {
            status: Status::Trapped(kind),
            gas_used,
            events: Vec::new(),
        },
        writes: Vec::new(),
        logs: Vec::new(),
    };
    if call.input.len() > config.abi_limits.input_bytes as usize {
        return Ok(trapped(TrapKind::LimitExceeded(AbiLimit::InputBytes), 0));
    }
    let mut exec = Exec {
        config,
        contracts,
        loaded: HashMap::new(),
        overlay: Overlay::new(&*storage),
        block: call.block,
        logs: Vec::new(),
    };
    // Gas is an i64 inside the VM.
    let gas_limit = call.gas_limit.min(i64::MAX as u64);
    let (contract, loading_gas) = match load(&mut exec, &call.contract, gas_limit)? {
        Load::Missing => return Ok(trapped(TrapKind::ContractNotFound, 0)),
        // Too little to load the code: uses everything, as out of gas does.
        Load::Unpaid => return Ok(trapped(TrapKind::OutOfGas, gas_limit)),
        Load::Code(contract, loading_gas) => (contract, loading_gas),
    };
    let view = call.mode == CallMode::View;
    let target = CallTarget {
        caller: call.caller,
        contract: call.contract,
        code: &contract,
        loading_gas,
        method: &call.method,
        input: call.input.clone(),
        view,
        init: call.mode == CallMode::Init,
        depth: 0,
        gas: gas_limit,
        stack_base: 0,
    };
    let result = run_frame(&mut exec, target)?;
    let Exec { overlay, logs, .. } = exec;
    let (mut writes, mut events) = overlay.finish();
    if !matches!(result.status, Status::Success(_)) || view {
        writes.clear();
    }
    if !matches!(result.status, Status::Success(_)) {
        events.clear();
    }
    storage.apply(&writes).map_err(HostError::Storage)?;
    Ok(Report {
        outcome: Outcome {
            status: result.status,
            gas_used: result.gas_used,
            events,
        },
        writes,
        logs,
    })
}
