//! The host functions of ABI.md, one frame per contract call.
//!
//! Every function has the same shape (cosmwasm-vm's imports do the same):
//! **limits → gas → bounded memory access → work → write back**. Limits and
//! gas are computed from the arguments alone, so a call that cannot pay
//! fails before touching memory or storage. Gas is `base + ceil(per_kib ×
//! bytes / 1024)` (`HostCost::call_gas`, saturating) from the one table in
//! `gasket_metering::abi`, charged on the caller's gas global with the
//! metering helper's exact semantics (out of gas leaves `-1`).
//!
//! A host function stops the contract by returning `Err(Trap)`: a wasm
//! trap kind directly, or `Trap::Host` after recording why in
//! [`Frame::stop`] (a revert, an ABI trap kind, or a node failure).

use std::collections::HashMap;

use gasket_metering::{AbiLimits, Config, HostFn};
use gasket_vm::{Caller, Host, Trap};

use crate::HostError;
use crate::calls::{self, CallTarget, FrameResult, Load};
use crate::overlay::Overlay;
use crate::storage::{Contract, Contracts};
use crate::types::{AbiLimit, Address, BlockInfo, Event, Status, TrapKind};

/// State shared by every frame of one call tree.
pub(crate) struct Exec<'a> {
    pub config: &'a Config,
    pub contracts: &'a dyn Contracts,
    /// The contracts this call tree has loaded (and paid for): later
    /// frames of them run this very code, whatever the node's cache does.
    pub loaded: HashMap<Address, Contract>,
    pub overlay: Overlay<'a>,
    pub block: BlockInfo,
    pub logs: Vec<String>,
}

/// Why a host function stopped the contract.
#[derive(Debug)]
pub(crate) enum Stop {
    Revert(Vec<u8>),
    Trap(TrapKind),
    /// A node failure: the whole call tree ends with this error.
    Fatal(HostError),
}

/// One contract call in the tree.
pub(crate) struct Frame<'e, 'a> {
    pub exec: &'e mut Exec<'a>,
    pub caller: Address,
    pub contract: Address,
    pub input: Vec<u8>,
    pub view: bool,
    /// 0 for the call from outside.
    pub depth: u32,
    pub return_data: Vec<u8>,
    /// Return data or revert reason of the last cross-contract call.
    pub last_result: Vec<u8>,
    pub events: u32,
    pub stop: Option<Stop>,
}

fn stop(frame_stop: &mut Option<Stop>, why: Stop) -> Trap {
    *frame_stop = Some(why);
    Trap::Host("stopped by the host".into())
}

fn u32_arg(args: &[i64], i: usize) -> u32 {
    args.get(i).copied().unwrap_or(0) as u32
}

impl Frame<'_, '_> {
    fn limits(&self) -> &AbiLimits {
        &self.exec.config.abi_limits
    }

    fn check_limit(&mut self, value: u32, max: u32, limit: AbiLimit) -> Result<(), Trap> {
        if value > max {
            return Err(stop(
                &mut self.stop,
                Stop::Trap(TrapKind::LimitExceeded(limit)),
            ));
        }
        Ok(())
    }

    fn forbid_in_view(&mut self) -> Result<(), Trap> {
        if self.view {
            return Err(stop(&mut self.stop, Stop::Trap(TrapKind::ProhibitedInView)));
        }
        Ok(())
    }

    fn fatal(&mut self, error: HostError) -> Trap {
        stop(&mut self.stop, Stop::Fatal(error))
    }

    /// Charges `function`'s base cost plus its per-KiB cost for `bytes`,
    /// rounded up.
    fn charge(&self, caller: &mut Caller<'_>, function: HostFn, bytes: u64) -> Result<(), Trap> {
        let cost = self.exec.config.host_costs.get(function);
        caller.charge_gas(cost.call_gas(bytes))
    }

    /// Charges only the per-KiB part, rounded up on its own (for bytes
    /// known after the base charge, such as a stored value's length).
    fn charge_bytes(
        &self,
        caller: &mut Caller<'_>,
        function: HostFn,
        bytes: u64,
    ) -> Result<(), Trap> {
        let cost = self.exec.config.host_costs.get(function);
        caller.charge_gas(cost.bytes_gas(bytes))
    }

    fn dispatch(
        &mut self,
        function: HostFn,
        caller: &mut Caller<'_>,
        args: &[i64],
        results: &mut [i64],
    ) -> Result<(), Trap> {
        let arg = |i| u32_arg(args, i);
        match function {
            HostFn::InputLen => {
                self.charge(caller, function, 0)?;
                results[0] = self.input.len() as i64;
            }
            HostFn::InputRead => {
                self.charge(caller, function, self.input.len() as u64)?;
                caller.write(arg(0), &self.input)?;
            }
            HostFn::ReturnData | HostFn::Revert => {
                let (ptr, len) = (arg(0), arg(1));
                let max = self.limits().return_data_bytes;
                self.check_limit(len, max, AbiLimit::ReturnDataBytes)?;
                self.charge(caller, function, u64::from(len))?;
                let data = caller.read(ptr, len)?.to_vec();
                if function == HostFn::Revert {
                    return Err(stop(&mut self.stop, Stop::Revert(data)));
                }
                self.return_data = data;
            }
            HostFn::StorageRead => {
                let (key_ptr, key_len, val_ptr, val_cap) = (arg(0), arg(1), arg(2), arg(3));
                let max = self.limits().key_bytes;
                self.check_limit(key_len, max, AbiLimit::KeyBytes)?;
                self.charge(caller, function, u64::from(key_len))?;
                let key = caller.read(key_ptr, key_len)?.to_vec();
                let value = match self.exec.overlay.get(&self.contract, &key) {
                    Ok(value) => value,
                    Err(e) => return Err(self.fatal(HostError::Storage(e))),
                };
                let Some(value) = value else {
                    results[0] = -1;
                    return Ok(());
                };
                // The host read the whole value: it pays for all of it,
                // before anything is copied.
                self.charge_bytes(caller, function, value.len() as u64)?;
                let copied = value.len().min(val_cap as usize);
                caller.write(val_ptr, &value[..copied])?;
                results[0] = value.len() as i64;
            }
            HostFn::StorageWrite => {
                self.forbid_in_view()?;
                let (key_ptr, key_len, val_ptr, val_len) = (arg(0), arg(1), arg(2), arg(3));
                let (max_key, max_value) = (self.limits().key_bytes, self.limits().value_bytes);
                self.check_limit(key_len, max_key, AbiLimit::KeyBytes)?;
                self.check_limit(val_len, max_value, AbiLimit::ValueBytes)?;
                self.charge(caller, function, u64::from(key_len) + u64::from(val_len))?;
                let key = caller.read(key_ptr, key_len)?.to_vec();
                let value = caller.read(val_ptr, val_len)?.to_vec();
                self.exec.overlay.set(&self.contract, &key, value);
            }
            HostFn::StorageRemove => {
                self.forbid_in_view()?;
                let (key_ptr, key_len) = (arg(0), arg(1));
                let max = self.limits().key_bytes;
                self.check_limit(key_len, max, AbiLimit::KeyBytes)?;
                self.charge(caller, function, u64::from(key_len))?;
                let key = caller.read(key_ptr, key_len)?.to_vec();
                let existed = match self.exec.overlay.get(&self.contract, &key) {
                    Ok(value) => value.is_some(),
                    Err(e) => return Err(self.fatal(HostError::Storage(e))),
                };
                if existed {
                    self.exec.overlay.remove(&self.contract, &key);
                }
                results[0] = i64::from(existed);
            }
            HostFn::Caller | HostFn::SelfAddress => {
                self.charge(caller, function, 32)?;
                let address = if function == HostFn::Caller {
                    self.caller
                } else {
                    self.contract
                };
                caller.write(arg(0), &address.0)?;
            }
            HostFn::BlockHeight => {
                self.charge(caller, function, 0)?;
                results[0] = self.exec.block.height as i64;
            }
            HostFn::BlockTimestamp => {
                self.charge(caller, function, 0)?;
                results[0] = self.exec.block.timestamp_ms as i64;
            }
            HostFn::GasLeft => {
                self.charge(caller, function, 0)?;
                results[0] = caller.gas_left();
            }
            HostFn::EmitEvent => {
                self.forbid_in_view()?;
                let (topic_ptr, topic_len, data_ptr, data_len) = (arg(0), arg(1), arg(2), arg(3));
                let limits = self.limits().clone();
                self.check_limit(
                    self.events + 1,
                    limits.events_per_call,
                    AbiLimit::EventsPerCall,
                )?;
                self.check_limit(topic_len, limits.topic_bytes, AbiLimit::TopicBytes)?;
                self.check_limit(data_len, limits.event_data_bytes, AbiLimit::EventDataBytes)?;
                self.charge(caller, function, u64::from(topic_len) + u64::from(data_len))?;
                let topic = caller.read(topic_ptr, topic_len)?.to_vec();
                let data = caller.read(data_ptr, data_len)?.to_vec();
                self.events += 1;
                self.exec.overlay.emit(Event {
                    contract: self.contract,
                    topic,
                    data,
                });
            }
            HostFn::DebugLog => {
                let (ptr, len) = (arg(0), arg(1));
                self.charge(caller, function, u64::from(len))?;
                let line = String::from_utf8_lossy(caller.read(ptr, len)?).into_owned();
                self.exec.logs.push(line);
            }
            HostFn::Blake3 => {
                let (src, len, dst) = (arg(0), arg(1), arg(2));
                self.charge(caller, function, u64::from(len))?;
                let digest = blake3::hash(caller.read(src, len)?);
                caller.write(dst, digest.as_bytes())?;
            }
            HostFn::Call => {
                results[0] = self.cross_contract_call(caller, args)?;
            }
            HostFn::ResultLen => {
                self.charge(caller, function, 0)?;
                results[0] = self.last_result.len() as i64;
            }
            HostFn::ResultRead => {
                self.charge(caller, function, self.last_result.len() as u64)?;
                caller.write(arg(0), &self.last_result)?;
            }
        }
        Ok(())
    }

    /// `call(addr_ptr, method_ptr, method_len, input_ptr, input_len, gas)`:
    /// `0` success, `1` reverted, `2` failed.
    fn cross_contract_call(&mut self, caller: &mut Caller<'_>, args: &[i64]) -> Result<i64, Trap> {
        let arg = |i| u32_arg(args, i);
        let (addr_ptr, method_ptr, method_len, input_ptr, input_len) =
            (arg(0), arg(1), arg(2), arg(3), arg(4));
        let requested_gas = args.get(5).copied().unwrap_or(0).max(0) as u64;
        if self.depth >= self.exec.config.abi_limits.call_depth {
            return Err(stop(
                &mut self.stop,
                Stop::Trap(TrapKind::CallDepthExceeded),
            ));
        }
        let max_input = self.limits().input_bytes;
        self.check_limit(input_len, max_input, AbiLimit::InputBytes)?;
        self.charge(
            caller,
            HostFn::Call,
            u64::from(method_len) + u64::from(input_len),
        )?;
        let mut address = [0u8; 32];
        address.copy_from_slice(caller.read(addr_ptr, 32)?);
        let address = Address(address);
        let method = caller.read(method_ptr, method_len)?.to_vec();
        let input = caller.read(input_ptr, input_len)?.to_vec();
        let forwarded = requested_gas.min(caller.gas_left().max(0) as u64);
        let result = 'frame: {
            // A name that is not UTF-8 names no method: nothing to load.
            let Ok(method) = String::from_utf8(method) else {
                break 'frame FrameResult::failed(TrapKind::MethodNotFound, 0);
            };
            let (contract, loading_gas) = match calls::load(self.exec, &address, forwarded) {
                Ok(Load::Code(contract, loading_gas)) => (contract, loading_gas),
                Ok(Load::Missing) => {
                    break 'frame FrameResult::failed(TrapKind::ContractNotFound, 0);
                }
                // The callee's frame cannot pay for its code: out of gas,
                // all of what was forwarded.
                Ok(Load::Unpaid) => {
                    break 'frame FrameResult::failed(TrapKind::OutOfGas, forwarded);
                }
                Err(e) => return Err(self.fatal(e)),
            };
            if self.view
                && contract
                    .views
                    .as_ref()
                    .is_some_and(|views| !views.contains(&method))
            {
                // The code was loaded to find out: its charge is paid.
                caller.charge_gas(loading_gas)?;
                return Err(stop(&mut self.stop, Stop::Trap(TrapKind::ProhibitedInView)));
            }
            let target = CallTarget {
                caller: self.contract,
                contract: address,
                code: &contract,
                loading_gas,
                method: &method,
                input,
                view: self.view,
                init: false,
                depth: self.depth + 1,
                gas: forwarded,
                stack_base: caller.stack_height(),
            };
            match calls::run_frame(self.exec, target) {
                Ok(result) => result,
                Err(e) => return Err(self.fatal(e)),
            }
        };
        // The callee's gas is the caller's: `gas_used` never exceeds what
        // was forwarded, so this charge cannot fail.
        caller.charge_gas(result.gas_used)?;
        let (code, data) = match result.status {
            Status::Success(data) => (0, data),
            Status::Reverted(reason) => (1, reason),
            Status::Trapped(_) => (2, Vec::new()),
        };
        self.last_result = data;
        Ok(code)
    }
}

impl Host for Frame<'_, '_> {
    fn call(
        &mut self,
        id: u32,
        caller: &mut Caller<'_>,
        args: &[i64],
        results: &mut [i64],
    ) -> Result<(), Trap> {
        let Some(&function) = HostFn::ALL.get(id as usize) else {
            return Err(self.fatal(HostError::Internal(format!(
                "unknown host function id {id}"
            ))));
        };
        self.dispatch(function, caller, args, results)
    }
}
