//! What the chain stores: transactions, receipts, block headers (borsh in
//! redb) and how they are hashed.
//!
//! - A transaction's hash is blake3 of its borsh encoding.
//! - A block's hash is blake3 of its header's borsh encoding; the header
//!   names its parent's hash, so blocks form a hash chain from genesis.
//! - `tx_root` is blake3 over the block's transaction hashes in order (a
//!   flat commitment: fine for a devnet, no inclusion proofs).
//! - `state_root` commits to all state after the block (see
//!   [`crate::chain::state_root`]).
//! - Nothing in the header commits to receipts (only their total gas):
//!   replay compares each receipt itself ([`Receipt::first_difference`]).

use borsh::{BorshDeserialize, BorshSerialize};
use gasket_host_env::{Address, Event, Status};

/// A 32-byte blake3 hash.
pub type Hash = [u8; 32];

/// What a transaction does.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub enum TxKind {
    /// Deploys the code with that hash (the bytes are in the code table)
    /// and runs its `init` with `input`.
    Deploy {
        /// blake3 of the wasm bytes.
        code_hash: Hash,
    },
    /// Calls `method` of `contract`.
    Call {
        /// The contract.
        contract: Address,
        /// The method.
        method: String,
    },
}

/// A signed-by-name transaction of a dev account.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Tx {
    /// The sender.
    pub from: Address,
    /// The sender's nonce (its count of earlier transactions).
    pub nonce: u64,
    /// Deploy or call.
    pub kind: TxKind,
    /// Borsh input of `init` or the method.
    pub input: Vec<u8>,
    /// Gas limit.
    pub gas_limit: u64,
}

impl Tx {
    /// blake3 of the borsh encoding.
    pub fn hash(&self) -> Hash {
        *blake3::hash(&borsh::to_vec(self).expect("borsh to a Vec cannot fail")).as_bytes()
    }
}

/// How a transaction ended, as stored.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Receipt {
    /// The consensus status (return data, revert reason or trap kind).
    pub status: gasket_host_env::Status,
    /// Gas used.
    pub gas_used: u64,
    /// Events, in order (empty unless it succeeded).
    pub events: Vec<Event>,
    /// `debug_log` lines (developer output, not consensus data).
    pub logs: Vec<String>,
    /// For a deploy: the contract address (deployed only on success).
    pub contract: Option<Address>,
}

impl Receipt {
    /// The first field in which `other` differs from this receipt, in the
    /// order of [`ReceiptField`].
    pub fn first_difference(&self, other: &Receipt) -> Option<ReceiptField> {
        // Destructured so that a new field cannot be left out.
        let Receipt {
            status,
            gas_used,
            events,
            logs,
            contract,
        } = self;
        match (status, &other.status) {
            (Status::Success(a), Status::Success(b)) if a != b => {
                return Some(ReceiptField::ReturnData);
            }
            (a, b) if a != b => return Some(ReceiptField::Status),
            _ => {}
        }
        [
            (ReceiptField::GasUsed, *gas_used != other.gas_used),
            (ReceiptField::Events, *events != other.events),
            (ReceiptField::Logs, *logs != other.logs),
            (ReceiptField::Address, *contract != other.contract),
        ]
        .into_iter()
        .find_map(|(field, differs)| differs.then_some(field))
    }
}

/// A field of a [`Receipt`], named as in the receipt's JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiptField {
    /// Success, reverted (with its reason) or trapped (with its kind).
    Status,
    /// The return data of a success.
    ReturnData,
    /// Gas used.
    GasUsed,
    /// Events.
    Events,
    /// `debug_log` lines.
    Logs,
    /// A deploy's contract address.
    Address,
}

impl std::fmt::Display for ReceiptField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ReceiptField::Status => "status",
            ReceiptField::ReturnData => "return_data",
            ReceiptField::GasUsed => "gas_used",
            ReceiptField::Events => "events",
            ReceiptField::Logs => "logs",
            ReceiptField::Address => "address",
        })
    }
}

/// A transaction with its receipt and place, as stored under its hash.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct TxRecord {
    /// The transaction.
    pub tx: Tx,
    /// Its receipt.
    pub receipt: Receipt,
    /// Block height.
    pub block: u64,
    /// Index in the block.
    pub index: u32,
}

/// A block header.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Header {
    /// Height (genesis is 0).
    pub height: u64,
    /// Hash of the parent header (zero for genesis).
    pub parent_hash: Hash,
    /// Milliseconds since the Unix epoch.
    pub timestamp_ms: u64,
    /// State after the block.
    pub state_root: Hash,
    /// blake3 over the transaction hashes.
    pub tx_root: Hash,
    /// Gas used by all its transactions.
    pub gas_used: u64,
}

impl Header {
    /// blake3 of the borsh encoding.
    pub fn hash(&self) -> Hash {
        *blake3::hash(&borsh::to_vec(self).expect("borsh to a Vec cannot fail")).as_bytes()
    }
}

/// A block as stored: header and transaction hashes.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Block {
    /// The header.
    pub header: Header,
    /// Its transactions, in order.
    pub txs: Vec<Hash>,
}

/// blake3 over the hashes in order.
pub fn tx_root(txs: &[Hash]) -> Hash {
    let mut hasher = blake3::Hasher::new();
    for tx in txs {
        hasher.update(tx);
    }
    *hasher.finalize().as_bytes()
}
