//! The public embedding types: addresses, the call context, events and the
//! outcome of ABI.md. Each derives borsh and SCALE encodings, so nodes of
//! either ecosystem store them natively.

use borsh::{BorshDeserialize, BorshSerialize};
use parity_scale_codec::{Decode, Encode};

/// A 32-byte account or contract address.
#[derive(
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    BorshSerialize,
    BorshDeserialize,
    Encode,
    Decode,
)]
pub struct Address(pub [u8; 32]);

impl Address {
    /// The address as 64 lowercase hex digits.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Parses 64 hex digits (an optional `0x` prefix is accepted).
    pub fn from_hex(text: &str) -> Option<Address> {
        let text = text.strip_prefix("0x").unwrap_or(text);
        if text.len() != 64 || !text.is_ascii() {
            return None;
        }
        let mut bytes = [0u8; 32];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(Address(bytes))
    }
}

impl std::fmt::Display for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl std::fmt::Debug for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Address({})", self.to_hex())
    }
}

/// The block a call executes in.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Encode, Decode,
)]
pub struct BlockInfo {
    /// Height of the block.
    pub height: u64,
    /// Its timestamp, milliseconds since the Unix epoch.
    pub timestamp_ms: u64,
}

/// What kind of call this is.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Encode, Decode,
)]
pub enum CallMode {
    /// A transaction: may write storage, emit events and call anything.
    #[default]
    Call,
    /// A read-only call: writes, events and non-view calls trap with
    /// `ProhibitedInView` (a call that forwards too little to load a
    /// callee the tree has not loaded fails first, before its views are
    /// known), and nothing is ever applied to storage.
    View,
    /// The deploy-time `init` call: the only way to run the `init` method.
    Init,
}

/// One call from outside the VM: who calls what, with what, in which block.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Encode, Decode,
)]
pub struct CallContext {
    /// The account that signed the call (what `caller` returns to the
    /// called contract).
    pub caller: Address,
    /// The contract called.
    pub contract: Address,
    /// The exported method.
    pub method: String,
    /// The call's input (borsh by the SDK's convention).
    pub input: Vec<u8>,
    /// The block.
    pub block: BlockInfo,
    /// Gas available to the whole call tree.
    pub gas_limit: u64,
    /// Transaction, view or init.
    pub mode: CallMode,
}

/// An ABI limit (`ABI.md`, "Limits"; values in `Config::abi_limits`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, BorshSerialize, BorshDeserialize, Encode, Decode,
)]
pub enum AbiLimit {
    /// Storage key length.
    KeyBytes,
    /// Storage value length.
    ValueBytes,
    /// Call input length (also of cross-contract calls).
    InputBytes,
    /// Return data and revert reason length.
    ReturnDataBytes,
    /// Events emitted by one call.
    EventsPerCall,
    /// Event topic length.
    TopicBytes,
    /// Event data length.
    EventDataBytes,
}

impl std::fmt::Display for AbiLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            AbiLimit::KeyBytes => "key_bytes",
            AbiLimit::ValueBytes => "value_bytes",
            AbiLimit::InputBytes => "input_bytes",
            AbiLimit::ReturnDataBytes => "return_data_bytes",
            AbiLimit::EventsPerCall => "events_per_call",
            AbiLimit::TopicBytes => "topic_bytes",
            AbiLimit::EventDataBytes => "event_data_bytes",
        })
    }
}

/// The trap kinds of ABI.md.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, BorshSerialize, BorshDeserialize, Encode, Decode,
)]
pub enum TrapKind {
    /// `unreachable` executed (a Rust panic without the SDK's handler).
    Unreachable,
    /// Integer division or remainder by zero.
    IntegerDivideByZero,
    /// Signed division overflow.
    IntegerOverflow,
    /// A memory access or a host function's pointer range outside memory.
    MemoryOutOfBounds,
    /// A `call_indirect` index outside the table.
    TableOutOfBounds,
    /// A `call_indirect` to an empty entry.
    IndirectCallToNull,
    /// A `call_indirect` to a function of another type.
    IndirectCallSignatureMismatch,
    /// Gas ran out; the whole gas limit is used.
    OutOfGas,
    /// The deterministic stack-height limit was exceeded.
    StackOverflow,
    /// A write, an event or a non-view call in a view call.
    ProhibitedInView,
    /// An ABI limit was exceeded.
    LimitExceeded(AbiLimit),
    /// A cross-contract call beyond `abi_limits.call_depth`.
    CallDepthExceeded,
    /// No contract at the called address.
    ContractNotFound,
    /// The contract has no such method (or it may not be called this way:
    /// `init` outside deploy, reserved names).
    MethodNotFound,
}

impl std::fmt::Display for TrapKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TrapKind::LimitExceeded(limit) => write!(f, "LimitExceeded({limit})"),
            other => std::fmt::Debug::fmt(other, f),
        }
    }
}

impl From<gasket_vm::TrapKind> for TrapKind {
    fn from(kind: gasket_vm::TrapKind) -> Self {
        use gasket_vm::TrapKind as Vm;
        match kind {
            Vm::Unreachable => TrapKind::Unreachable,
            Vm::IntegerDivideByZero => TrapKind::IntegerDivideByZero,
            Vm::IntegerOverflow => TrapKind::IntegerOverflow,
            Vm::MemoryOutOfBounds => TrapKind::MemoryOutOfBounds,
            Vm::TableOutOfBounds => TrapKind::TableOutOfBounds,
            Vm::IndirectCallToNull => TrapKind::IndirectCallToNull,
            Vm::IndirectCallSignatureMismatch => TrapKind::IndirectCallSignatureMismatch,
            Vm::OutOfGas => TrapKind::OutOfGas,
            Vm::StackOverflow => TrapKind::StackOverflow,
        }
    }
}

/// How a call ended.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, Encode, Decode)]
pub enum Status {
    /// Returned normally, with its return data.
    Success(Vec<u8>),
    /// `revert` was called, with its reason.
    Reverted(Vec<u8>),
    /// A trap.
    Trapped(TrapKind),
}

impl Status {
    /// `success`, `reverted` or `trapped`.
    pub fn label(&self) -> &'static str {
        match self {
            Status::Success(_) => "success",
            Status::Reverted(_) => "reverted",
            Status::Trapped(_) => "trapped",
        }
    }
}

/// An event emitted by a contract.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, Encode, Decode)]
pub struct Event {
    /// The contract that emitted it.
    pub contract: Address,
    /// Its topic.
    pub topic: Vec<u8>,
    /// Its data.
    pub data: Vec<u8>,
}

/// The consensus result of a call: the same on every node.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, Encode, Decode)]
pub struct Outcome {
    /// How it ended.
    pub status: Status,
    /// Gas used by the whole call tree (the whole limit after out of gas).
    pub gas_used: u64,
    /// Events of the call tree, in order; empty unless `status` is
    /// `Success`.
    pub events: Vec<Event>,
}

/// One storage change of a successful call.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, Encode, Decode)]
pub struct Write {
    /// The contract whose key space it is in.
    pub contract: Address,
    /// The key.
    pub key: Vec<u8>,
    /// The new value, or `None` for a removal.
    pub value: Option<Vec<u8>>,
}

/// Everything [`crate::execute`] reports about a call.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, Encode, Decode)]
pub struct Report {
    /// The consensus outcome.
    pub outcome: Outcome,
    /// The storage changes applied (empty unless the call succeeded and was
    /// not a view), sorted by contract and key.
    pub writes: Vec<Write>,
    /// `debug_log` lines of the whole call tree, failed frames included:
    /// for the developer, never part of consensus data.
    pub logs: Vec<String>,
}
