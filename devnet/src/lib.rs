//! # gasket-devnet
//!
//! The library behind the `gasket` CLI: a local chain of blocks executed by
//! `gasket-host-env` over redb state ([`chain`], [`db`]), the JSON ⇄ borsh
//! codec of the contract ABI ([`chain::abi`]), the commands as data and the
//! JSON-RPC server and client ([`rpc`]), and the chain-less tools
//! (`run`, `inspect`: [`tools`]).
//!
//! ```text
//! gasket CLI ──Request──▶ rpc::api::Node ──▶ chain::Chain ──execute──▶ host-env ─▶ VM
//!     └──--rpc URL──▶ rpc::client ──HTTP──▶ rpc::server ──▶ Node      └─ db (redb)
//! ```

#![deny(missing_docs)]

pub mod chain;
pub mod db;
pub mod rpc;
pub mod tools;
