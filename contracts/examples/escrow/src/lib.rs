//! Escrow: holds tokens of a `token` contract (see `examples/token`) for a
//! beneficiary until an arbiter releases them, or refunds them to the
//! depositor. Written with `#[gasket_sdk::contract]`; every token movement is
//! a cross-contract call.
//!
//! # Methods
//!
//! | method | input | result |
//! |---|---|---|
//! | `init` | `{ token: address, beneficiary: address, arbiter: address }` | — |
//! | `deposit` | `{ amount: u128 }` | — pulls `amount` from the caller with `token.transfer_from` |
//! | `release` | — | — arbiter only: sends everything held to the beneficiary |
//! | `refund` | — | — arbiter only: returns everything held to the depositor |
//! | `token`, `beneficiary`, `arbiter` (views) | — | `address` |
//! | `depositor` (view) | — | `option<address>` (`None` before the first deposit) |
//! | `amount` (view) | — | `u128` held |
//! | `status` (view) | — | `u8`: 0 open, 1 released, 2 refunded |
//!
//! Before `deposit`, the depositor must `approve` the escrow's address on the
//! token for at least `amount`. Only one depositor: once the first deposit
//! lands, only the same account may add to it. Once released or refunded the
//! escrow is closed: `deposit`, `release` and `refund` then revert.
//!
//! Reverts: `"invalid input"`, `"already initialized"`, `"not
//! initialized"`, `"zero amount"`, `"escrow closed"`, `"another depositor
//! holds this escrow"`, `"only the arbiter"`, `"nothing to release"` /
//! `"nothing to refund"`, and for a token call that does not succeed
//! `"token.<method> reverted: <the token's reason>"` or `"token.<method>
//! failed"` (trap or out of gas in the token). A revert of the escrow rolls
//! back the token call too, so the escrow's record and the token balances
//! never disagree.
//!
//! # Events
//!
//! `"deposited"` `{ from: address, amount: u128 }`, `"released"` `{ to:
//! address, amount: u128 }`, `"refunded"` `{ to: address, amount: u128 }`
//! (the token emits its own `"transfer"` events too).
//!
//! # Gas
//!
//! Each token call forwards `min(TOKEN_CALL_GAS, gas_left - GAS_RESERVE)`
//! ([`TOKEN_CALL_GAS`], [`GAS_RESERVE`]); the reserve pays for the call's
//! own cost (70,000 + 4,096 per KiB of method and input: ~70,400) and,
//! after it returns, for writing the escrow state (a `storage_write` of
//! 151 bytes: 50,473) and the event (~1,500). The token's first frame in
//! a transaction pays for loading its code out of the gas forwarded to it
//! (`Config::code_loading`: ~318,000 for the 13 KB token), well inside
//! [`TOKEN_CALL_GAS`]; the escrow's own frame pays ~333,000 for its code
//! from the transaction's limit, so a deposit needs ~1.0 million gas.
//!
//! # Storage layout
//!
//! One key, `b"escrow"`, holds the borsh [`Escrow`]: `token` (32 bytes),
//! `beneficiary` (32), `arbiter` (32), `depositor` (32; all zero before the
//! first deposit), `amount` (`u128`, 16 LE), `status` (`u8`): 145 bytes.
//!
//! # Trust
//!
//! The token address is trusted (fixed at `init`). The state is written back
//! after the method returns, so a token that called back into the escrow
//! during `deposit` would see the state from before the call; the shipped
//! token never calls out.

#![no_std]

extern crate alloc;

use alloc::vec::Vec;
use borsh::{BorshDeserialize, BorshSerialize};
use gasket_sdk::{Address, CallResult, caller, emit_event, gas_left, self_address};

/// Most gas forwarded to one token call.
pub const TOKEN_CALL_GAS: u64 = 5_000_000;
/// Gas kept back from each token call for the rest of the method.
pub const GAS_RESERVE: u64 = 200_000;

/// `status`: accepting deposits.
pub const OPEN: u8 = 0;
/// `status`: released to the beneficiary.
pub const RELEASED: u8 = 1;
/// `status`: refunded to the depositor.
pub const REFUNDED: u8 = 2;

/// The contract state, stored under `b"escrow"`.
#[derive(BorshSerialize, BorshDeserialize)]
pub struct Escrow {
    token: Address,
    beneficiary: Address,
    arbiter: Address,
    /// `Address::ZERO` until the first deposit.
    depositor: Address,
    amount: u128,
    status: u8,
}

#[derive(BorshSerialize)]
struct TransferFromArgs<'a> {
    from: &'a Address,
    to: &'a Address,
    amount: u128,
}

#[derive(BorshSerialize)]
struct TransferArgs<'a> {
    to: &'a Address,
    amount: u128,
}

/// Calls `method` of the token with the borsh `args`; reverts the whole call
/// (rolling back everything, the token's changes included) unless it
/// succeeds.
fn call_token<T: BorshSerialize>(token: &Address, method: &str, args: &T) {
    let input = borsh::to_vec(args).unwrap_or_default();
    let gas = gas_left().saturating_sub(GAS_RESERVE).min(TOKEN_CALL_GAS);
    let outcome = gasket_sdk::call(&token.0, method, &input, gas);
    if outcome == CallResult::Success {
        return;
    }
    let mut msg = Vec::new();
    msg.extend_from_slice(b"token.");
    msg.extend_from_slice(method.as_bytes());
    if outcome == CallResult::Reverted {
        msg.extend_from_slice(b" reverted: ");
        msg.extend_from_slice(&gasket_sdk::result_data());
    } else {
        msg.extend_from_slice(b" failed");
    }
    gasket_sdk::revert_bytes(&msg)
}

fn emit(topic: &[u8], to: &Address, amount: u128) {
    emit_event(topic, &borsh::to_vec(&(to, amount)).unwrap_or_default());
}

impl Escrow {
    fn settle(&mut self, status: u8, to: Address) -> Result<(), &'static str> {
        self.check_open()?;
        if caller() != self.arbiter.0 {
            return Err("only the arbiter");
        }
        let amount = self.amount;
        if amount == 0 {
            return Err(if status == RELEASED {
                "nothing to release"
            } else {
                "nothing to refund"
            });
        }
        self.amount = 0;
        self.status = status;
        call_token(&self.token, "transfer", &TransferArgs { to: &to, amount });
        emit(
            if status == RELEASED {
                b"released"
            } else {
                b"refunded"
            },
            &to,
            amount,
        );
        Ok(())
    }

    fn check_open(&self) -> Result<(), &'static str> {
        if self.status == OPEN {
            Ok(())
        } else {
            Err("escrow closed")
        }
    }
}

#[gasket_sdk::contract(
    state_key = "escrow",
    events(
        deposited(from: Address, amount: u128),
        released(to: Address, amount: u128),
        refunded(to: Address, amount: u128),
    )
)]
impl Escrow {
    /// Sets up the escrow for tokens of `token`.
    pub fn init(token: Address, beneficiary: Address, arbiter: Address) -> Self {
        Escrow {
            token,
            beneficiary,
            arbiter,
            depositor: Address::ZERO,
            amount: 0,
            status: OPEN,
        }
    }

    /// Pulls `amount` tokens from the caller into the escrow (the caller must
    /// have approved the escrow on the token).
    pub fn deposit(&mut self, amount: u128) -> Result<(), &'static str> {
        self.check_open()?;
        if amount == 0 {
            return Err("zero amount");
        }
        let from = Address(caller());
        if self.amount > 0 && self.depositor != from {
            return Err("another depositor holds this escrow");
        }
        self.depositor = from;
        let to = Address(self_address());
        call_token(
            &self.token,
            "transfer_from",
            &TransferFromArgs {
                from: &from,
                to: &to,
                amount,
            },
        );
        // Cannot overflow: the token's supply is a u128.
        self.amount = self.amount.wrapping_add(amount);
        emit(b"deposited", &from, amount);
        Ok(())
    }

    /// Arbiter only: sends everything held to the beneficiary.
    pub fn release(&mut self) -> Result<(), &'static str> {
        let to = self.beneficiary;
        self.settle(RELEASED, to)
    }

    /// Arbiter only: returns everything held to the depositor.
    pub fn refund(&mut self) -> Result<(), &'static str> {
        let to = self.depositor;
        self.settle(REFUNDED, to)
    }

    /// The token contract.
    pub fn token(&self) -> Address {
        self.token
    }

    /// Who receives the tokens on `release`.
    pub fn beneficiary(&self) -> Address {
        self.beneficiary
    }

    /// Who may `release` or `refund`.
    pub fn arbiter(&self) -> Address {
        self.arbiter
    }

    /// Who deposited, if anyone has.
    pub fn depositor(&self) -> Option<Address> {
        (self.depositor != Address::ZERO).then_some(self.depositor)
    }

    /// Tokens held.
    pub fn amount(&self) -> u128 {
        self.amount
    }

    /// 0 open, 1 released, 2 refunded.
    pub fn status(&self) -> u8 {
        self.status
    }
}
