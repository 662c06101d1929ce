//! The token and escrow contracts of `contracts/examples/` (built by
//! `contracts/build.sh` into `contracts/target/wasm/`), driven through
//! `gasket-host-env` by a random [`Scenario`] and checked against a plain
//! Rust [`Model`] of their state.
//!
//! After every step, the outcome (success with the model's events, or a
//! revert with the model's reason) and the contracts' whole storage must
//! be the model's. A step may get a small gas limit; it may then also fail
//! for lack of gas as long as it changes nothing: `OutOfGas` having used
//! exactly the limit, or the escrow's `"token.<method> failed"` (its text
//! for any trap of the token) if the same step with the full gas, on a copy
//! of the chain, gives the model's outcome. Running the scenario a second
//! time on a fresh chain must give identical outcomes and gas, step by
//! step.
//!
//! The body of the `contract` fuzz target ([`crate::targets::contract_ops`]).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use arbitrary::{Arbitrary, Unstructured};
use gasket_host_env::{
    Address, BlockInfo, CallContext, CallMode, Capabilities, Contract, Event, INIT_METHOD,
    MemoryContracts, MemoryStorage, Outcome, Status, TrapKind, execute,
};
use gasket_metering::Config;
use gasket_vm::{Engine, EngineConfig, Module};

/// Where the token is deployed.
pub const TOKEN: Address = Address([0x70; 32]);
/// Where the escrow is deployed.
pub const ESCROW: Address = Address([0xE5; 32]);
/// The accounts a scenario picks from (by index modulo the length): four
/// people and, last, the escrow itself, which can receive, own and spend
/// tokens but never signs a transaction (see `signer`).
pub const ACCOUNTS: [Address; 5] = [
    Address([0xAA; 32]),
    Address([0xB0; 32]),
    Address([0xC0; 32]),
    Address([0xD0; 32]),
    ESCROW,
];
/// Deploys both contracts; holds the whole supply after `init`.
pub const DEPLOYER: Address = ACCOUNTS[0];
/// Gas of a step without a limit of its own.
pub const GAS: u64 = 100_000_000;
/// Steps of one scenario at most (the rest of the input is ignored).
pub const MAX_STEPS: usize = 64;

const OPEN: u8 = 0;
const RELEASED: u8 = 1;
const REFUNDED: u8 = 2;

/// The directory `contracts/build.sh` writes the modules to (the one the
/// host-env tests read). This and [`wasm`] mirror
/// `host-env/tests/contracts/support.rs`: sharing them would make host-env
/// dev-depend on the harness, which depends on host-env.
pub fn wasm_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../contracts/target/wasm")
}

/// The bytes of `contracts/target/wasm/<name>.wasm`. Missing means the
/// contracts were not built: a panic saying how, never a skip.
pub fn wasm(name: &str) -> Vec<u8> {
    let path = wasm_dir().join(format!("{name}.wasm"));
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}. Build the contracts first: contracts/build.sh \
             (scripts/test.sh runs it before cargo test)",
            path.display()
        )
    })
}

/// Token and escrow, prepared under all capabilities and compiled once per
/// process.
fn modules() -> &'static (Module, Module) {
    static MODULES: OnceLock<(Module, Module)> = OnceLock::new();
    MODULES.get_or_init(|| {
        let engine = Engine::new(EngineConfig::default()).expect("the host target is supported");
        let compile = |name: &str| {
            let prepared = Capabilities::all()
                .prepare(&wasm(name), &Config::default())
                .unwrap_or_else(|e| panic!("{name}: prepare: {e}"));
            engine
                .compile(&prepared)
                .unwrap_or_else(|e| panic!("{name}: compile: {e}"))
        };
        (compile("token"), compile("escrow"))
    })
}

/// An amount, possibly relative to the state when the step runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub enum Amount {
    /// 0.
    Zero,
    /// A small number.
    Small(u16),
    /// Exactly the balance of account `.0`.
    BalanceOf(u8),
    /// One more than the balance of account `.0`.
    BalancePlusOne(u8),
    /// Exactly the allowance of `.1` over `.0`'s tokens.
    AllowanceOf(u8, u8),
    /// The largest `u128`.
    Max,
    /// Any number.
    Raw(u128),
}

/// One operation; `u8` fields pick from [`ACCOUNTS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub enum Op {
    /// `token.transfer(to, amount)` signed by `from`.
    Transfer {
        /// Signer (see `signer`).
        from: u8,
        /// Receiver.
        to: u8,
        /// How much.
        amount: Amount,
    },
    /// `token.approve(spender, amount)` signed by `owner`.
    Approve {
        /// Signer (see `signer`).
        owner: u8,
        /// Who may spend.
        spender: u8,
        /// How much.
        amount: Amount,
    },
    /// `token.transfer_from(from, to, amount)` signed by `spender`.
    TransferFrom {
        /// Signer (see `signer`).
        spender: u8,
        /// Whose tokens.
        from: u8,
        /// Receiver.
        to: u8,
        /// How much.
        amount: Amount,
    },
    /// `escrow.deposit(amount)` signed by `from`.
    Deposit {
        /// Signer (see `signer`).
        from: u8,
        /// How much.
        amount: Amount,
    },
    /// `token.approve(escrow, amount)` then `escrow.deposit(amount)`, both
    /// signed by the escrow's depositor (two calls: deposits that can
    /// succeed), or by `from` if its top bit is set (a stranger with an
    /// allowance, whose deposit reverts `"only the depositor"` unless it is
    /// the depositor).
    ApproveAndDeposit {
        /// Signer if `from >= 128` (see `signer`), else the depositor.
        from: u8,
        /// How much.
        amount: Amount,
    },
    /// `escrow.release()` signed by `caller`.
    Release {
        /// Signer (see `signer`).
        caller: u8,
    },
    /// `escrow.refund()` signed by `caller`.
    Refund {
        /// Signer (see `signer`).
        caller: u8,
    },
    /// A token or escrow method with an argument, its input one byte short
    /// or one byte long: reverts `"invalid input"`.
    Malformed {
        /// Which method (transfer, approve, transfer_from, deposit).
        method: u8,
        /// Append a byte instead of dropping the last.
        long: bool,
    },
    /// Views: `balance_of(a)`, `allowance(a, b)` and the escrow's
    /// `amount`, `status` and `depositor`, checked against the model.
    Query {
        /// Account a.
        a: u8,
        /// Account b.
        b: u8,
    },
}

/// One step: an operation and its gas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub struct Step {
    /// What to do.
    pub op: Op,
    /// Below 224: [`GAS`]; from 224: a limit of `(gas - 224) × 100,000`
    /// (0 to 3.1 million), which may not be enough.
    pub gas: u8,
}

impl Step {
    fn gas_limit(&self) -> Option<u64> {
        (self.gas >= 224).then(|| u64::from(self.gas - 224) * 100_000)
    }
}

/// A deployment and a sequence of steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    /// Total supply minted to [`DEPLOYER`]: `supply + 1`, or `u128::MAX`
    /// when `max_supply`.
    pub supply: u32,
    /// Mint `u128::MAX`.
    pub max_supply: bool,
    /// The escrow's depositor, fixed at its `init` (a signer index: one of
    /// the four people).
    pub depositor: u8,
    /// The escrow's beneficiary (index into [`ACCOUNTS`]).
    pub beneficiary: u8,
    /// The escrow's arbiter.
    pub arbiter: u8,
    /// The steps, at most [`MAX_STEPS`] are run.
    pub steps: Vec<Step>,
}

impl Scenario {
    /// The scenario fuzzer bytes describe: the deployment, then steps
    /// until the bytes or [`MAX_STEPS`] run out (`None` if too short for
    /// the deployment).
    ///
    /// `max_supply` and `depositor` share one byte (bit 0 and the other
    /// seven): the depositor came with the escrow's fixed depositor, and a
    /// byte of its own would shift every saved case under
    /// `tests/fuzzcases/contract/` (bit 0 is how `bool` was read).
    pub fn from_bytes(data: &[u8]) -> Option<Scenario> {
        let mut u = Unstructured::new(data);
        let supply = u.arbitrary().ok()?;
        let byte: u8 = u.arbitrary().ok()?;
        let mut scenario = Scenario {
            supply,
            max_supply: byte & 1 == 1,
            depositor: byte >> 1,
            beneficiary: u.arbitrary().ok()?,
            arbiter: u.arbitrary().ok()?,
            steps: Vec::new(),
        };
        while !u.is_empty() && scenario.steps.len() < MAX_STEPS {
            let Ok(step) = u.arbitrary() else { break };
            scenario.steps.push(step);
        }
        Some(scenario)
    }

    fn total_supply(&self) -> u128 {
        if self.max_supply {
            u128::MAX
        } else {
            u128::from(self.supply) + 1
        }
    }
}

fn account(i: u8) -> Address {
    ACCOUNTS[i as usize % ACCOUNTS.len()]
}

/// The signer of a transaction: one of the four people, never the escrow.
/// A contract's address has no key, and the escrow relies on that: only it
/// moves its own tokens, so what it holds never exceeds its balance and
/// `amount` cannot overflow. Letting the escrow sign (as the first version
/// of this harness did) drained its balance behind its back and overflowed
/// the model's `held` (`tests/fuzzcases/contract/escrow-signs-held-overflows`).
fn signer(i: u8) -> Address {
    ACCOUNTS[i as usize % (ACCOUNTS.len() - 1)]
}

/// An event as the model predicts it: contract, topic, borsh data.
type Ev = (Address, &'static str, Vec<u8>);

/// The token's and the escrow's state, and what each operation does to it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Model {
    supply: u128,
    balances: BTreeMap<Address, u128>,
    allowances: BTreeMap<(Address, Address), u128>,
    /// Fixed at `init`: the only account that may deposit.
    depositor: Address,
    beneficiary: Address,
    arbiter: Address,
    held: u128,
    status: u8,
}

fn borsh<T: borsh::BorshSerialize>(value: &T) -> Vec<u8> {
    borsh::to_vec(value).expect("borsh encodes")
}

impl Model {
    fn new(supply: u128, depositor: Address, beneficiary: Address, arbiter: Address) -> Model {
        let mut model = Model {
            supply,
            depositor,
            beneficiary,
            arbiter,
            ..Model::default()
        };
        model.set_balance(DEPLOYER, supply);
        model
    }

    fn balance(&self, a: Address) -> u128 {
        self.balances.get(&a).copied().unwrap_or(0)
    }

    fn allowance(&self, owner: Address, spender: Address) -> u128 {
        self.allowances.get(&(owner, spender)).copied().unwrap_or(0)
    }

    fn set_balance(&mut self, a: Address, value: u128) {
        if value == 0 {
            self.balances.remove(&a);
        } else {
            self.balances.insert(a, value);
        }
    }

    fn amount(&self, amount: Amount) -> u128 {
        match amount {
            Amount::Zero => 0,
            Amount::Small(n) => u128::from(n),
            Amount::BalanceOf(a) => self.balance(account(a)),
            Amount::BalancePlusOne(a) => self.balance(account(a)).saturating_add(1),
            Amount::AllowanceOf(a, b) => self.allowance(account(a), account(b)),
            Amount::Max => u128::MAX,
            Amount::Raw(n) => n,
        }
    }

    fn move_tokens(&mut self, from: Address, to: Address, amount: u128) -> Result<Ev, String> {
        let rest = self
            .balance(from)
            .checked_sub(amount)
            .ok_or("insufficient balance")?;
        self.set_balance(from, rest);
        let to_balance = self.balance(to);
        self.set_balance(to, to_balance + amount);
        Ok((TOKEN, "transfer", borsh(&(from, to, amount))))
    }

    fn transfer_from(
        &mut self,
        spender: Address,
        from: Address,
        to: Address,
        amount: u128,
    ) -> Result<Ev, String> {
        if amount == 0 {
            return Err("zero amount".into());
        }
        let rest = self
            .allowance(from, spender)
            .checked_sub(amount)
            .ok_or("insufficient allowance")?;
        if rest == 0 {
            self.allowances.remove(&(from, spender));
        } else {
            self.allowances.insert((from, spender), rest);
        }
        self.move_tokens(from, to, amount)
    }

    /// The events of `op` signed by its signer, or its revert reason; the
    /// model changes only on success.
    fn apply(&mut self, op: &Op, amount: u128) -> Result<Vec<Ev>, String> {
        let mut next = self.clone();
        let events = next.apply_inner(op, amount)?;
        *self = next;
        Ok(events)
    }

    fn apply_inner(&mut self, op: &Op, amount: u128) -> Result<Vec<Ev>, String> {
        match *op {
            Op::Transfer { from, to, .. } => {
                Ok(vec![self.move_tokens(signer(from), account(to), amount)?])
            }
            Op::Approve { owner, spender, .. } => {
                let (owner, spender) = (signer(owner), account(spender));
                if amount == 0 {
                    self.allowances.remove(&(owner, spender));
                } else {
                    self.allowances.insert((owner, spender), amount);
                }
                Ok(vec![(TOKEN, "approval", borsh(&(owner, spender, amount)))])
            }
            Op::TransferFrom {
                spender, from, to, ..
            } => Ok(vec![self.transfer_from(
                signer(spender),
                account(from),
                account(to),
                amount,
            )?]),
            Op::Deposit { from, .. } => {
                let from = signer(from);
                if self.status != OPEN {
                    return Err("escrow closed".into());
                }
                if from != self.depositor {
                    return Err("only the depositor".into());
                }
                if amount == 0 {
                    return Err("zero amount".into());
                }
                // Checked before the token is called, as the escrow does.
                let held = self.held.checked_add(amount).ok_or("amount overflow")?;
                let moved = self
                    .transfer_from(ESCROW, from, ESCROW, amount)
                    .map_err(|reason| format!("token.transfer_from reverted: {reason}"))?;
                self.held = held;
                Ok(vec![moved, (ESCROW, "deposited", borsh(&(from, amount)))])
            }
            Op::Release { caller } => self.settle(signer(caller), RELEASED),
            Op::Refund { caller } => self.settle(signer(caller), REFUNDED),
            Op::Malformed { .. } => Err("invalid input".into()),
            Op::Query { .. } | Op::ApproveAndDeposit { .. } => Ok(Vec::new()),
        }
    }

    fn settle(&mut self, caller: Address, status: u8) -> Result<Vec<Ev>, String> {
        if self.status != OPEN {
            return Err("escrow closed".into());
        }
        if caller != self.arbiter {
            return Err("only the arbiter".into());
        }
        let (to, topic) = if status == RELEASED {
            (self.beneficiary, "released")
        } else {
            (self.depositor, "refunded")
        };
        let amount = self.held;
        if amount == 0 {
            return Err(if status == RELEASED {
                "nothing to release".into()
            } else {
                "nothing to refund".into()
            });
        }
        self.held = 0;
        self.status = status;
        let moved = self
            .move_tokens(ESCROW, to, amount)
            .map_err(|reason| format!("token.transfer reverted: {reason}"))?;
        Ok(vec![moved, (ESCROW, topic, borsh(&(to, amount)))])
    }

    /// The token's storage as the contract lays it out (sorted by key).
    fn token_entries(&self) -> Vec<(Vec<u8>, Vec<u8>)> {
        let mut entries = vec![(vec![0x00], self.supply.to_le_bytes().to_vec())];
        for (a, v) in &self.balances {
            let mut key = vec![0x01];
            key.extend_from_slice(&a.0);
            entries.push((key, v.to_le_bytes().to_vec()));
        }
        for ((owner, spender), v) in &self.allowances {
            let mut key = vec![0x02];
            key.extend_from_slice(&owner.0);
            key.extend_from_slice(&spender.0);
            entries.push((key, v.to_le_bytes().to_vec()));
        }
        entries.sort();
        entries
    }

    /// The escrow's one entry: borsh of its state struct.
    fn escrow_entries(&self) -> Vec<(Vec<u8>, Vec<u8>)> {
        let state = borsh(&(
            TOKEN,
            self.beneficiary,
            self.arbiter,
            self.depositor,
            self.held,
            self.status,
        ));
        vec![(b"escrow".to_vec(), state)]
    }
}

/// What the calls of one step did: status, gas used and events (what must
/// be identical between two runs).
pub type StepOutcome = Outcome;

/// A chain with token and escrow deployed per `scenario`.
struct Chain {
    contracts: MemoryContracts,
    storage: MemoryStorage,
}

impl Chain {
    fn call(
        &mut self,
        caller: Address,
        contract: Address,
        method: &str,
        input: Vec<u8>,
        gas_limit: u64,
        mode: CallMode,
    ) -> gasket_host_env::Report {
        let call = CallContext {
            caller,
            contract,
            method: method.into(),
            input,
            block: BlockInfo {
                height: 7,
                timestamp_ms: 1_700_000_000_000,
            },
            gas_limit,
            mode,
        };
        execute(
            &Config::default(),
            &self.contracts,
            &mut self.storage,
            &call,
        )
        .unwrap_or_else(|e| panic!("{method}: node failure: {e}"))
    }
}

fn topic_events(events: &[Event]) -> Vec<(Address, String, Vec<u8>)> {
    events
        .iter()
        .map(|e| {
            (
                e.contract,
                String::from_utf8_lossy(&e.topic).into_owned(),
                e.data.clone(),
            )
        })
        .collect()
}

/// Counts of what a run saw, so smoke tests can check that the seeds reach
/// both outcomes of both contracts.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    /// Token calls that succeeded.
    pub token_ok: usize,
    /// Token calls that reverted.
    pub token_reverted: usize,
    /// Escrow calls that succeeded.
    pub escrow_ok: usize,
    /// Escrow calls that reverted.
    pub escrow_reverted: usize,
    /// Steps that failed for lack of gas.
    pub out_of_gas: usize,
}

impl std::ops::AddAssign for Tally {
    fn add_assign(&mut self, o: Tally) {
        self.token_ok += o.token_ok;
        self.token_reverted += o.token_reverted;
        self.escrow_ok += o.escrow_ok;
        self.escrow_reverted += o.escrow_reverted;
        self.out_of_gas += o.out_of_gas;
    }
}

/// Runs `scenario` twice on fresh chains, checking every step against the
/// model and the two runs against each other. Panics naming `label`, the
/// step and the operation on the first disagreement.
pub fn check(scenario: &Scenario, label: &str) -> Tally {
    let (first, tally) = run(scenario, label);
    let (second, _) = run(scenario, label);
    assert_eq!(first.len(), second.len(), "{label}: run lengths differ");
    assert_eq!(
        first[0], second[0],
        "{label}: the inits differ between two runs"
    );
    for (i, (a, b)) in first[1..].iter().zip(&second[1..]).enumerate() {
        assert_eq!(
            a, b,
            "{label}: step {i} ({:?}) differs between two runs",
            scenario.steps[i]
        );
    }
    tally
}

/// One run, checked against the model: the outcomes of the two `init`s,
/// then of each step's calls.
fn run(scenario: &Scenario, label: &str) -> (Vec<Vec<StepOutcome>>, Tally) {
    let (token, escrow) = modules();
    let mut contracts = MemoryContracts::new();
    for (address, module, name) in [(TOKEN, token, "token"), (ESCROW, escrow, "escrow")] {
        contracts.insert(
            address,
            Contract {
                module: module.clone(),
                views: None,
                wasm_bytes: wasm(name).len() as u64,
            },
        );
    }
    let mut chain = Chain {
        contracts,
        storage: MemoryStorage::new(),
    };
    let supply = scenario.total_supply();
    let depositor = signer(scenario.depositor);
    let (beneficiary, arbiter) = (account(scenario.beneficiary), account(scenario.arbiter));
    let mut inits = Vec::new();
    for (address, input) in [
        (TOKEN, borsh(&supply)),
        (ESCROW, borsh(&(TOKEN, depositor, beneficiary, arbiter))),
    ] {
        let report = chain.call(DEPLOYER, address, INIT_METHOD, input, GAS, CallMode::Init);
        assert!(
            matches!(report.outcome.status, Status::Success(_)),
            "{label}: init of {address:?}: {:?}",
            report.outcome.status
        );
        inits.push(report.outcome);
    }
    let mut outcomes = vec![inits];
    let mut model = Model::new(supply, depositor, beneficiary, arbiter);
    let mut tally = Tally::default();
    for (i, step) in scenario.steps.iter().enumerate() {
        let ctx = format!("{label}: step {i} {step:?}");
        outcomes.push(run_step(&mut chain, &mut model, step, &mut tally, &ctx));
        check_storage(&chain, &model, &ctx);
    }
    (outcomes, tally)
}

/// Both contracts' whole storage is the model's.
fn check_storage(chain: &Chain, model: &Model, ctx: &str) {
    let token_state = chain.storage.contract_entries(&TOKEN);
    assert!(
        token_state == model.token_entries(),
        "{ctx}: token storage {token_state:?}, model {model:?}"
    );
    let escrow_state = chain.storage.contract_entries(&ESCROW);
    assert!(
        escrow_state == model.escrow_entries(),
        "{ctx}: escrow storage {escrow_state:?}, model {model:?}"
    );
}

/// The method, signer and borsh input of a state-changing operation.
fn call_of(op: &Op, amount: u128) -> (Address, Address, &'static str, Vec<u8>) {
    match *op {
        Op::Transfer { from, to, .. } => (
            signer(from),
            TOKEN,
            "transfer",
            borsh(&(account(to), amount)),
        ),
        Op::Approve { owner, spender, .. } => (
            signer(owner),
            TOKEN,
            "approve",
            borsh(&(account(spender), amount)),
        ),
        Op::TransferFrom {
            spender, from, to, ..
        } => (
            signer(spender),
            TOKEN,
            "transfer_from",
            borsh(&(account(from), account(to), amount)),
        ),
        Op::Deposit { from, .. } => (signer(from), ESCROW, "deposit", borsh(&amount)),
        Op::Release { caller } => (signer(caller), ESCROW, "release", Vec::new()),
        Op::Refund { caller } => (signer(caller), ESCROW, "refund", Vec::new()),
        Op::Malformed { method, long } => {
            let (to, name, mut input) = match method % 4 {
                0 => (TOKEN, "transfer", borsh(&(ESCROW, 1u128))),
                1 => (TOKEN, "approve", borsh(&(ESCROW, 1u128))),
                2 => (TOKEN, "transfer_from", borsh(&(DEPLOYER, ESCROW, 1u128))),
                _ => (ESCROW, "deposit", borsh(&1u128)),
            };
            if long {
                input.push(0);
            } else {
                input.pop();
            }
            (DEPLOYER, to, name, input)
        }
        Op::Query { .. } | Op::ApproveAndDeposit { .. } => {
            unreachable!("run_step splits {op:?}")
        }
    }
}

fn run_step(
    chain: &mut Chain,
    model: &mut Model,
    step: &Step,
    tally: &mut Tally,
    ctx: &str,
) -> Vec<StepOutcome> {
    const ESCROW_INDEX: u8 = 4;
    match step.op {
        Op::Query { a, b } => return run_views(chain, model, account(a), account(b), ctx),
        Op::ApproveAndDeposit { from, amount } => {
            // An index below 4: `account(from)` is `signer(from)`.
            let from = if from >= 128 {
                from % (ACCOUNTS.len() as u8 - 1)
            } else {
                ACCOUNTS
                    .iter()
                    .position(|a| *a == model.depositor)
                    .expect("the depositor is one of the accounts") as u8
            };
            let approve = Op::Approve {
                owner: from,
                spender: ESCROW_INDEX,
                amount,
            };
            let deposit = Op::Deposit {
                from,
                amount: Amount::AllowanceOf(from, ESCROW_INDEX),
            };
            let mut outcomes = Vec::new();
            for op in [approve, deposit] {
                let step = Step { op, gas: step.gas };
                outcomes.extend(run_step(chain, model, &step, tally, ctx));
            }
            return outcomes;
        }
        _ => {}
    }
    let amount = match step.op {
        Op::Transfer { amount, .. }
        | Op::Approve { amount, .. }
        | Op::TransferFrom { amount, .. }
        | Op::Deposit { amount, .. } => model.amount(amount),
        _ => 0,
    };
    let (caller, contract, method, input) = call_of(&step.op, amount);
    let limit = step.gas_limit();
    let before = chain.storage.clone();
    let report = chain.call(
        caller,
        contract,
        method,
        input,
        limit.unwrap_or(GAS),
        CallMode::Call,
    );
    let status = &report.outcome.status;
    let unchanged = chain.storage == before && report.outcome.events.is_empty();
    match (limit, status) {
        (Some(limit), Status::Trapped(TrapKind::OutOfGas)) => {
            assert!(unchanged, "{ctx}: out of gas but changed something");
            assert_eq!(
                report.outcome.gas_used, limit,
                "{ctx}: out of gas without using the whole limit"
            );
            tally.out_of_gas += 1;
            return vec![report.outcome];
        }
        (Some(_), Status::Reverted(reason))
            if contract == ESCROW
                && reason.starts_with(b"token.")
                && reason.ends_with(b" failed") =>
        {
            assert!(unchanged, "{ctx}: {status:?} but changed something");
            // The escrow says "token.<method> failed" for any trap of the
            // token, not only for lack of gas. The same step on a copy of
            // the chain with the full gas must give the model's outcome:
            // then the limit, the only difference, made the call fail.
            let mut copy = Chain {
                contracts: chain.contracts.clone(),
                storage: before,
            };
            let mut copy_model = model.clone();
            // Below 224: no limit of its own, the full `GAS`.
            let full = Step {
                op: step.op,
                gas: 0,
            };
            let ctx = format!(
                "{ctx}: {:?} with its limit; with the full gas",
                String::from_utf8_lossy(reason)
            );
            run_step(
                &mut copy,
                &mut copy_model,
                &full,
                &mut Tally::default(),
                &ctx,
            );
            check_storage(&copy, &copy_model, &ctx);
            tally.out_of_gas += 1;
            return vec![report.outcome];
        }
        _ => {}
    }
    let expected = model.apply(&step.op, amount);
    let is_token = contract == TOKEN;
    match (&expected, status) {
        (Ok(events), Status::Success(_)) => {
            let got = topic_events(&report.outcome.events);
            let want: Vec<_> = events
                .iter()
                .map(|(c, t, d)| (*c, t.to_string(), d.clone()))
                .collect();
            assert_eq!(got, want, "{ctx}: events");
            if is_token {
                tally.token_ok += 1;
            } else {
                tally.escrow_ok += 1;
            }
        }
        (Err(reason), Status::Reverted(got)) => {
            assert_eq!(
                String::from_utf8_lossy(got),
                *reason,
                "{ctx}: revert reason"
            );
            assert!(
                chain.storage == before && report.outcome.events.is_empty(),
                "{ctx}: a revert changed something"
            );
            assert!(report.outcome.gas_used > 0, "{ctx}: a revert cost no gas");
            if is_token {
                tally.token_reverted += 1;
            } else {
                tally.escrow_reverted += 1;
            }
        }
        _ => panic!(
            "{ctx}: {method} gave {status:?} (logs {:?}), the model {expected:?}",
            report.logs
        ),
    }
    vec![report.outcome]
}

/// The views of [`Op::Query`], each checked against the model.
fn run_views(
    chain: &mut Chain,
    model: &Model,
    a: Address,
    b: Address,
    ctx: &str,
) -> Vec<StepOutcome> {
    let views: [(Address, &str, Vec<u8>, Vec<u8>); 5] = [
        (TOKEN, "balance_of", borsh(&a), borsh(&model.balance(a))),
        (
            TOKEN,
            "allowance",
            borsh(&(a, b)),
            borsh(&model.allowance(a, b)),
        ),
        (ESCROW, "amount", Vec::new(), borsh(&model.held)),
        (ESCROW, "status", Vec::new(), borsh(&model.status)),
        (ESCROW, "depositor", Vec::new(), borsh(&model.depositor)),
    ];
    let mut outcomes = Vec::new();
    for (contract, method, input, want) in views {
        let report = chain.call(b, contract, method, input, GAS, CallMode::View);
        assert_eq!(
            report.outcome.status,
            Status::Success(want),
            "{ctx}: view {method}"
        );
        outcomes.push(report.outcome);
    }
    outcomes
}
