//! Escrow: holds tokens of a `token` contract (see `examples/token`) from
//! one depositor, fixed at `init`, for a beneficiary until an arbiter
//! releases them, or refunds them to the depositor. Written with
//! `#[gasket_sdk::contract]`; every token movement is a cross-contract call.
//!
//! # Methods
//!
//! | method | input | result |
//! |---|---|---|
//! | `init` | `{ token: address, depositor: address, beneficiary: address, arbiter: address }` | — |
//! | `deposit` | `{ amount: u128 }` | — depositor only: pulls `amount` from the depositor with `token.transfer_from` |
//! | `release` | — | — arbiter only: sends everything held to the beneficiary |
//! | `refund` | — | — arbiter only: returns everything held to the depositor |
//! | `token`, `depositor`, `beneficiary`, `arbiter` (views) | — | `address` |
//! | `amount` (view) | — | `u128` held |
//! | `status` (view) | — | `u8`: 0 open, 1 released, 2 refunded |
//!
//! Before `deposit`, the depositor must `approve` the escrow's address on the
//! token for at least `amount`; they may deposit several times. The
//! depositor is fixed at `init`, as escrows on other chains do: if the first
//! deposit chose it, anyone could deposit 1 token first, lock the real
//! depositor out ("another depositor holds this escrow"), and leave the
//! arbiter only a release or refund that closes the escrow for good. Once
//! released or refunded the escrow is closed: `deposit`, `release` and
//! `refund` then revert.
//!
//! Reverts: `"invalid input"`, `"already initialized"`, `"not
//! initialized"`, `"escrow closed"`, `"only the depositor"`, `"zero
//! amount"`, `"amount overflow"`, `"only the arbiter"`, `"nothing to release"` / `"nothing to
//! refund"`, and for a token call that does not succeed `"token.<method>
//! reverted: <the token's reason>"` or `"token.<method> failed"` (trap or
//! out of gas in the token). A revert of the escrow rolls back the token
//! call too, so the escrow's record and the token balances never disagree.
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
//! after it returns, for the event (~1,500); the escrow state (a
//! `storage_write` of 151 bytes: 50,473) is written before the call. The
//! token's first frame in a transaction pays for loading its code out of
//! the gas forwarded to it (`Config::code_loading`: ~318,000 for the 13 KB
//! token), well inside [`TOKEN_CALL_GAS`]; the escrow's own frame pays
//! ~333,000 for its code from the transaction's limit, so a deposit needs
//! ~1.0 million gas.
//!
//! # Storage layout
//!
//! One key, `b"escrow"`, holds the borsh [`Escrow`]: `token` (32 bytes),
//! `beneficiary` (32), `arbiter` (32), `depositor` (32), `amount` (`u128`,
//! 16 LE), `status` (`u8`): 145 bytes.
//!
//! # Trust
//!
//! The token address is trusted (fixed at `init`). Still, `deposit`,
//! `release` and `refund` follow checks, effects, call: they take no
//! receiver, load the state, check, change it, [`ContractState::save`] it,
//! and only then call the token, and write nothing after the call. A
//! `&mut self` method would be written back only after it returns, so a
//! token that called back into the escrow during the call would see the
//! state from before it (a second `release` of the same amount, say), and
//! the write-back would erase what that call stored (see
//! [`ContractState`]). The shipped token never calls out.

#![no_std]

extern crate alloc;

use alloc::vec::Vec;
use borsh::{BorshDeserialize, BorshSerialize};
use gasket_sdk::{Address, CallResult, ContractState, caller, emit_event, gas_left, self_address};

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
    /// `release` and `refund`: checks, then the new state saved, then the
    /// token call (see "Trust").
    fn settle(status: u8) -> Result<(), &'static str> {
        let mut escrow = Self::load();
        escrow.check_open()?;
        if caller() != escrow.arbiter.0 {
            return Err("only the arbiter");
        }
        let amount = escrow.amount;
        if amount == 0 {
            return Err(if status == RELEASED {
                "nothing to release"
            } else {
                "nothing to refund"
            });
        }
        let to = if status == RELEASED {
            escrow.beneficiary
        } else {
            escrow.depositor
        };
        escrow.amount = 0;
        escrow.status = status;
        escrow.save();
        call_token(&escrow.token, "transfer", &TransferArgs { to: &to, amount });
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
    /// Sets up the escrow for tokens of `token`: only `depositor` may
    /// deposit, `arbiter` releases to `beneficiary` or refunds `depositor`.
    pub fn init(
        token: Address,
        depositor: Address,
        beneficiary: Address,
        arbiter: Address,
    ) -> Self {
        Escrow {
            token,
            beneficiary,
            arbiter,
            depositor,
            amount: 0,
            status: OPEN,
        }
    }

    /// Depositor only: pulls `amount` tokens from the depositor into the
    /// escrow (the depositor must have approved the escrow on the token).
    pub fn deposit(amount: u128) -> Result<(), &'static str> {
        let mut escrow = Self::load();
        escrow.check_open()?;
        let from = Address(caller());
        if from != escrow.depositor {
            return Err("only the depositor");
        }
        if amount == 0 {
            return Err("zero amount");
        }
        // With an honest token the sum cannot overflow (what the escrow
        // holds and the depositor's balance are parts of one u128 supply);
        // the escrow does not rely on the token for it.
        escrow.amount = escrow.amount.checked_add(amount).ok_or("amount overflow")?;
        escrow.save();
        let to = Address(self_address());
        call_token(
            &escrow.token,
            "transfer_from",
            &TransferFromArgs {
                from: &from,
                to: &to,
                amount,
            },
        );
        emit(b"deposited", &from, amount);
        Ok(())
    }

    /// Arbiter only: sends everything held to the beneficiary.
    pub fn release() -> Result<(), &'static str> {
        Self::settle(RELEASED)
    }

    /// Arbiter only: returns everything held to the depositor.
    pub fn refund() -> Result<(), &'static str> {
        Self::settle(REFUNDED)
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

    /// Who may deposit, and receives a refund.
    pub fn depositor(&self) -> Address {
        self.depositor
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
