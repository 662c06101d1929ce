//! Loop versioning: a counted loop runs without its bounds checks and its
//! gas compares when one check at its entry proves that none of them can
//! fail.
//!
//! ```text
//! guard (at the loop, in 64 bits, compared unsigned; no term wraps):
//!     init <=u N (init <u N if the test comes last), (N - init) % k == 0
//!     gas >=u (trips + 1) × charge               // trips = (N - init) / k
//!     for each base b: b + (trips + 1) × stride_b + (N) + end_b <= memory_len
//! guard ? fast copy : checked copy (the translation as before)
//! ```
//!
//! A candidate loop (found by [`plan_loops`] in the instrumented body)
//! has no parameters or results, and an exit test on a counter local `i`
//! of `i32` against a limit `N`, a constant or a local the loop never sets
//! (either way round):
//!
//! - first, after its first charges: `local.get i; N; i32.eq; br_if` out
//!   of the loop;
//! - or first, rustc's shape: `block; local.get i; N; i32.ne; br_if 0`,
//!   then the exit code, which leaves the loop and never reaches the
//!   block's `end` (the body follows that `end`);
//! - or last, rustc's do-while: `…; i32.ne; br_if 0` of `N` and `i` after
//!   its increment (the body runs once before any test);
//! - or anywhere at its top level, counting down to 0 (compiler-builtins'
//!   `memcmp`, loops over a remaining length): `local.get i; i32.const -k;
//!   i32.add; local.tee i; i32.eqz; br_if` out of the loop
//!   ([`Limit::Zero`]). From a multiple of `k` other than 0 it takes the
//!   values `init, init - k, …, 0`, leaving at 0: as many trips as up
//!   from 0 to `init`, so the guard is the one above with `init` for `N`
//!   and 0 for `init`. From 0 or off its step the decrement wraps, and
//!   the guard fails;
//!
//! sets `i` only by `local.get i; i32.const k; i32.add; local.set i` (or
//! `tee`; `k` a positive power of two; `-k` and the test above counting
//! down) at its top level, branches to
//! itself only by the final `br 0` (or the test's `br_if 0`), and holds,
//! outside the exit code, no loop, no call but constant charges, nothing
//! that charges dynamic gas. So `i` takes the values `init, init + k, …,
//! N` without wrapping and never anything else, an iteration charges at
//! most the sum of its constant charges (`charge`), and a local set once
//! at the top level by `+ c` (`c > 0`, an induction variable as LLVM's
//! strength reduction makes pointers) gains at most `(trips + 1) × c`.
//!
//! An access outside the exit code whose index is a sum of constants, of
//! `i` and of at most one local (`b`) the loop never sets or steps as an
//! induction variable is proven by the guard, with `N` for `i` (its
//! largest value): the guard bounds the exact sum, so the `i32.add`s do
//! not wrap. Gas compares outside the exit code are dropped in the fast
//! copy: with the guard's gas, no charge there can run out. Its
//! subtractions stay, so both copies hold the same gas at every point,
//! and nothing in the fast copy traps where the checked copy would not:
//! the two copies are the same computation.
//!
//! Compile cost: a candidate's iterations are translated twice; its exit
//! code once, in the fast copy (with its checks), the checked copy
//! jumping to it, so loops nested in exit code are versioned in turn
//! without doubling again. A loop over [`MAX_LOOP_BYTES`], one with no
//! access to prove, or one of fewer than [`MIN_TRIPS`] counting from 0 is
//! not a candidate. Only the optimising pipeline versions, in a function
//! and in the leaves it inlines (`Translator::inline_call`).

use cranelift_codegen::{FxHashMap, FxHashSet};
use std::ops::Range;

use gasket_metering::{CostClass, OpClass, op_class};
use wasmparser::{BlockType, FunctionBody, Operator};

use super::visit::memory::access_bytes;

/// Largest candidate loop, in bytes of its operators.
pub(crate) const MAX_LOOP_BYTES: u64 = 4096;

/// The fewest trips a candidate with a constant limit `N` makes counting
/// from 0 (`N / k`): below it, the guard and the second copy's compile
/// cost more than the checks they remove (measured: the large contract's
/// 8- and 12-trip loops compiled 5% slower and ran no faster).
pub(crate) const MIN_TRIPS: u32 = 16;

/// The largest charge per iteration a candidate may have: the guard's
/// product `(trips + 1) × charge` stays below 2^57.
const MAX_CHARGE_PER_ITERATION: u64 = 1 << 24;

/// What ends a candidate loop: its counter equal to a constant, or to a
/// local the loop never sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Limit {
    Constant(u32),
    Local(u32),
    /// The counter counts down to 0: the loop leaves right after the
    /// decrement that makes it 0 (see [`count_down_test`]). Its value at
    /// the loop's entry is the guard's `N`, with `init` 0.
    Zero,
}

/// The accesses of a candidate loop on one base: in bounds for every
/// iteration when `base + trips' × stride + (N if with_limit) + end <=
/// memory_len`, with `base` the local's value at the loop's entry (0 if
/// none) and `trips' = trips + 1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Bound {
    pub base: Option<u32>,
    /// What the base local gains per iteration: 0 for a local the loop
    /// never sets, or the constant of its one increment (an induction
    /// variable beside the counter, as LLVM's strength reduction makes
    /// pointers).
    pub stride: u32,
    /// The counter is in the index and `N` a local: added at run time.
    pub with_limit: bool,
    /// The largest sum of constants, `N` if a constant, offset and size.
    pub end: u64,
}

/// A candidate loop, by the byte offset of its `loop` operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LoopPlan {
    /// The counter local `i`.
    pub counter: u32,
    /// `N`: the loop leaves when `i == N`.
    pub limit: Limit,
    /// `k`: what an iteration adds to `i`.
    pub step: u32,
    /// The test comes last (`…; i32.ne; br_if 0` back to the loop): the
    /// body runs with `i = init` before any test, so the guard needs
    /// `init < N`.
    pub runs_once: bool,
    /// The largest sum of constant charges of an iteration.
    pub charge: u64,
    /// Byte offsets of the loop, its `loop` and `end` included.
    pub span: Range<u64>,
    /// Byte offsets of the exit code (kept checked); empty if none.
    pub exit: Range<u64>,
    /// The largest ends of the accesses, by base (see [`Bound`]).
    pub bounds: Vec<Bound>,
    /// Byte offsets of the loads and stores the guard proves.
    pub proven: FxHashSet<u64>,
}

impl LoopPlan {
    /// Whether the operator at byte offset `offset` (of the module) is in
    /// the loop's iterations, where the fast copy drops gas compares: in
    /// the loop and outside its exit code (not, say, in a callee inlined
    /// into the exit code).
    pub(crate) fn in_iteration(&self, offset: u64) -> bool {
        self.span.contains(&offset) && !self.exit.contains(&offset)
    }
}

/// The candidate loops of `body`, by the byte offset of their `loop`.
/// `charge_gas` is the metering's constant-charge helper; `helpers` all
/// of its helpers (a call of another is not a candidate's).
pub(crate) fn plan_loops(
    body: &FunctionBody<'_>,
    charge_gas: u32,
) -> Result<FxHashMap<u64, LoopPlan>, wasmparser::BinaryReaderError> {
    let mut reader = body.get_operators_reader()?;
    let mut ops = Vec::new();
    while !reader.eof() {
        ops.push(reader.read_with_offset()?);
    }
    // The index of each frame opener's `end`.
    let mut ends = vec![usize::MAX; ops.len()];
    let mut open = Vec::new();
    for (index, (op, _)) in ops.iter().enumerate() {
        match op {
            Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } => {
                open.push(index)
            }
            Operator::End => {
                if let Some(opener) = open.pop() {
                    ends[opener] = index;
                }
            }
            _ => {}
        }
    }
    let mut plans = FxHashMap::default();
    for (start, (op, offset)) in ops.iter().enumerate() {
        if let Operator::Loop {
            blockty: BlockType::Empty,
        } = op
            && let Some(&end) = ends.get(start)
            && end != usize::MAX
            && ops[end].1 - offset <= MAX_LOOP_BYTES
            && let Some(plan) = plan_loop(&ops, &ends, start, end, charge_gas)
        {
            plans.insert(*offset, plan);
        }
    }
    Ok(plans)
}

/// What the analysis knows of an `i32` value in the loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sym {
    /// `base + (i if counter) + constant`, exactly (no wrap: the guard
    /// bounds it below 2^32).
    Affine {
        base: Option<u32>,
        counter: bool,
        constant: u64,
    },
    Other,
}

/// An exit test at `at`: `local.get i; i32.const N` or `local.get i;
/// local.get N` (either way round), `i32.eq` or `i32.ne` (`equal`),
/// `br_if depth`.
struct ExitTest {
    /// The counter and the limit, or for two locals, the first as the
    /// counter; `swapped`, the other way round.
    counter: u32,
    limit: Limit,
    swapped: Option<(u32, Limit)>,
    equal: bool,
    depth: u32,
}

fn exit_test(ops: &[(Operator<'_>, u64)], at: usize) -> Option<ExitTest> {
    let [
        (first, _),
        (second, _),
        (compare, _),
        (Operator::BrIf { relative_depth }, _),
    ] = ops.get(at..at + 4)?
    else {
        return None;
    };
    let equal = match compare {
        Operator::I32Eq => true,
        Operator::I32Ne => false,
        _ => return None,
    };
    let (counter, limit, swapped) = match (first, second) {
        (Operator::LocalGet { local_index }, Operator::I32Const { value })
        | (Operator::I32Const { value }, Operator::LocalGet { local_index }) => {
            (*local_index, Limit::Constant(*value as u32), None)
        }
        (Operator::LocalGet { local_index: a }, Operator::LocalGet { local_index: b })
            if a != b =>
        {
            (*a, Limit::Local(*b), Some((*b, Limit::Local(*a))))
        }
        _ => return None,
    };
    Some(ExitTest {
        counter,
        limit,
        swapped,
        equal,
        depth: *relative_depth,
    })
}

/// A test at the end of the loop `ops[..=end]`: `br_if 0` back while the
/// counter differs from the limit, `<a>; <b>; i32.ne; br_if 0` with one
/// of `a`, `b` the counter (a `local.get` after its increment, or the
/// increment's `local.tee` itself) and the other the limit. Returns the
/// test and the index of `a`: a `local.get` of the counter from there on
/// must come after its increment.
fn bottom_test(ops: &[(Operator<'_>, u64)], end: usize) -> Option<(ExitTest, usize)> {
    let compare = end.checked_sub(2)?;
    let [
        (Operator::I32Ne, _),
        (Operator::BrIf { relative_depth: 0 }, _),
    ] = &ops[compare..end]
    else {
        return None;
    };
    let limit = |op: &Operator<'_>| match *op {
        Operator::I32Const { value } => Some(Limit::Constant(value as u32)),
        Operator::LocalGet { local_index } => Some(Limit::Local(local_index)),
        _ => None,
    };
    let counter = |op: &Operator<'_>| match *op {
        Operator::LocalGet { local_index } | Operator::LocalTee { local_index } => {
            Some(local_index)
        }
        _ => None,
    };
    let test = |counter, limit, swapped| ExitTest {
        counter,
        limit,
        swapped,
        equal: false,
        depth: 0,
    };
    let (a, b) = (&ops[compare.checked_sub(2)?].0, &ops[compare - 1].0);
    // Two locals: either may be the counter.
    if let (Operator::LocalGet { local_index: x }, Operator::LocalGet { local_index: y }) = (a, b)
        && x != y
    {
        let swapped = Some((*y, Limit::Local(*x)));
        return Some((test(*x, Limit::Local(*y), swapped), compare - 2));
    }
    if let (Some(i), Some(n)) = (counter(a), limit(b)) {
        return Some((test(i, n, None), compare - 2));
    }
    if let (Some(n), Operator::LocalGet { local_index: i }) = (limit(a), b) {
        return Some((test(*i, n, None), compare - 2));
    }
    // The increment's tee last: the limit is below its three operators.
    if let Operator::LocalTee { local_index: i } = b
        && let Some(n) = limit(&ops[compare.checked_sub(5)?].0)
    {
        return Some((test(*i, n, None), compare - 2));
    }
    None
}

/// The test of a loop `ops[start..=end]` that counts down, at its top
/// level: `local.get i; i32.const -k; i32.add; local.tee i; i32.eqz;
/// br_if` out of the loop, `k` a power of two (compiler-builtins'
/// `memcmp`, rustc's loops over a remaining length). Its counter is the
/// [`ExitTest`]'s, its limit [`Limit::Zero`]; [`plan_iterations`] checks
/// that this decrement is the counter's one change.
fn count_down_test(ops: &[(Operator<'_>, u64)], start: usize, end: usize) -> Option<ExitTest> {
    let mut depth = 0usize;
    for at in start + 1..end {
        match ops[at].0 {
            Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } => depth += 1,
            Operator::End => depth = depth.checked_sub(1)?,
            Operator::LocalTee { local_index } if depth == 0 => {
                let counter = local_index;
                if let (
                    Some([(Operator::LocalGet { local_index: got }, _), (Operator::I32Const { value }, _), (Operator::I32Add, _)]),
                    Some([(Operator::I32Eqz, _), (Operator::BrIf { relative_depth }, _)]),
                ) = (ops.get(at.checked_sub(3)?..at), ops.get(at + 1..at + 3))
                    && *got == counter
                    && value.checked_neg().is_some_and(|k| k > 0 && (k as u32).is_power_of_two())
                    // Out of the loop, which is depth 0 at its top level.
                    && *relative_depth > 0
                {
                    return Some(ExitTest {
                        counter,
                        limit: Limit::Zero,
                        swapped: None,
                        equal: true,
                        depth: *relative_depth,
                    });
                }
            }
            _ => {}
        }
    }
    None
}

/// Skips constant charges (`i64.const; call charge_gas`) from `at`,
/// adding them to `charge`.
fn skip_charges(
    ops: &[(Operator<'_>, u64)],
    mut at: usize,
    charge_gas: u32,
    charge: &mut u64,
) -> Option<usize> {
    while let Some(cost) = constant_charge(ops, at, charge_gas) {
        *charge = charge.checked_add(cost)?;
        at += 2;
    }
    Some(at)
}

/// The cost of the constant charge at `at`, if one is there.
fn constant_charge(ops: &[(Operator<'_>, u64)], at: usize, charge_gas: u32) -> Option<u64> {
    match ops.get(at..at + 2)? {
        [
            (Operator::I64Const { value }, _),
            (Operator::Call { function_index }, _),
        ] if *function_index == charge_gas => Some(*value as u64),
        _ => None,
    }
}

fn plan_loop(
    ops: &[(Operator<'_>, u64)],
    ends: &[usize],
    start: usize,
    end: usize,
    charge_gas: u32,
) -> Option<LoopPlan> {
    // The iterations' walk counts these charges again.
    let at = skip_charges(ops, start + 1, charge_gas, &mut 0)?;
    // The exit test, and where the exit code is (op indices).
    let (test, exit, bottom) = match &ops[at].0 {
        Operator::Block {
            blockty: BlockType::Empty,
        } => {
            let test = exit_test(ops, at + 1)?;
            let block_end = *ends.get(at)?;
            // Exit code that may reach the body (empty exit code does:
            // both ways of the test go on into the body) is not a test.
            if test.equal
                || test.depth != 0
                || block_end > end
                || !exit_leaves(ops, at + 5..block_end)
            {
                return None;
            }
            (test, at + 5..block_end, None)
        }
        _ => match exit_test(ops, at) {
            Some(test) if !test.equal || test.depth == 0 => return None,
            Some(test) => (test, end..end, None),
            None => {
                // The metering may charge for what follows the loop
                // before its `end` (run once, when it falls through).
                let last = match constant_charge(ops, end.checked_sub(2)?, charge_gas) {
                    Some(_) => end - 2,
                    None => end,
                };
                match bottom_test(ops, last) {
                    Some((test, operands)) => (test, end..end, Some((operands, last))),
                    None => (count_down_test(ops, start, end)?, end..end, None),
                }
            }
        },
    };
    // With two locals, the counter is the one the loop increments.
    let counted = |test| plan_iterations(ops, start, end, (exit.clone(), bottom), charge_gas, test);
    let (test, iterations) = match counted((test.counter, test.limit)) {
        Some(found) => ((test.counter, test.limit), found),
        None => (test.swapped?, counted(test.swapped?)?),
    };
    let (step, charge, bounds, proven) = iterations;
    let (_, limit) = test;
    let few_trips = matches!(limit, Limit::Constant(n) if n / step < MIN_TRIPS);
    if charge > MAX_CHARGE_PER_ITERATION || proven.is_empty() || few_trips {
        return None;
    }
    let exit = match exit.is_empty() {
        true => 0..0,
        false => ops[exit.start].1..ops[exit.end].1,
    };
    let (counter, limit) = test;
    Some(LoopPlan {
        counter,
        limit,
        span: ops[start].1..ops[end].1 + 1,
        // A count-down loop's body runs before its test.
        runs_once: bottom.is_some() || limit == Limit::Zero,
        step,
        charge,
        exit,
        bounds,
        proven,
    })
}

/// What [`plan_iterations`] finds: the step, the iterations' charge, the
/// bounds and the proven accesses.
type Iterations = (u32, u64, Vec<Bound>, FxHashSet<u64>);

/// The iterations of the loop `ops[start..=end]` with exit code `exit`,
/// counter `counter` and limit `limit` (see the module docs), from after
/// its first charges; `None` if it is not a candidate. `bottom`, for a
/// test that comes last: where its operands start, and the index after
/// its `br_if 0`.
fn plan_iterations(
    ops: &[(Operator<'_>, u64)],
    start: usize,
    end: usize,
    (exit, bottom): (Range<usize>, Option<(usize, usize)>),
    charge_gas: u32,
    (counter, limit): (u32, Limit),
) -> Option<Iterations> {
    let mut charge = 0u64;
    // The locals the loop sets, anywhere in it.
    let mut set = FxHashSet::default();
    // The locals set once, at the top level, by `local.get x; i32.const
    // c; i32.add; local.set x` (or tee), c > 0: x → c. Each adds c at
    // most once per iteration.
    let mut strides = FxHashMap::default();
    let mut depth = 0usize;
    for (at, (op, _)) in ops.iter().enumerate().take(end).skip(start + 1) {
        match op {
            Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } => depth += 1,
            Operator::End => depth = depth.saturating_sub(1),
            Operator::LocalSet { local_index } | Operator::LocalTee { local_index } => {
                let increment = match &ops[at.saturating_sub(3)..at] {
                    [
                        (Operator::LocalGet { local_index: x }, _),
                        (Operator::I32Const { value }, _),
                        (Operator::I32Add, _),
                    ] if x == local_index && *value > 0 && depth == 0 => Some(*value as u32),
                    _ => None,
                };
                match (set.insert(*local_index), increment) {
                    (true, Some(stride)) => strides.insert(*local_index, stride),
                    _ => strides.remove(local_index),
                };
            }
            _ => {}
        }
    }
    // The final back edge, and a limit the loop never sets.
    let back_edge = match bottom {
        None => matches!(ops[end - 1].0, Operator::Br { relative_depth: 0 }),
        Some((_, last)) => matches!(ops[last - 1].0, Operator::BrIf { relative_depth: 0 }),
    };
    if !back_edge
        || matches!(limit, Limit::Local(local) if set.contains(&local) || local == counter)
    {
        return None;
    }
    let mut step = None;
    let mut stack: Vec<Sym> = Vec::new();
    // Open frames inside the loop: their stack heights.
    let mut frames: Vec<usize> = Vec::new();
    // Frames opened in unreachable code, if in it.
    let mut dead: Option<usize> = None;
    let mut bounds: FxHashMap<(Option<u32>, bool), u64> = FxHashMap::default();
    let mut proven = FxHashSet::default();
    let mut index = start + 1;
    while index < end {
        if exit.contains(&index) {
            index = exit.end;
            continue;
        }
        let (op, offset) = &ops[index];
        index += 1;
        if let Some(depth) = dead.as_mut() {
            match op {
                Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } => *depth += 1,
                Operator::End | Operator::Else if *depth == 0 => {
                    dead = None;
                    let height = *frames.last()?;
                    stack.truncate(height);
                    if matches!(op, Operator::End) {
                        frames.pop();
                    }
                }
                Operator::End => *depth -= 1,
                _ => {}
            }
            continue;
        }
        // Branch depths count the loop itself at `frames.len()`.
        let to_loop = |depth: u32| depth as usize == frames.len();
        let pops = |n: usize, stack: &mut Vec<Sym>| -> Option<Vec<Sym>> {
            let floor = frames.last().copied().unwrap_or(0);
            let at = stack.len().checked_sub(n).filter(|&at| at >= floor)?;
            Some(stack.split_off(at))
        };
        match *op {
            Operator::I64Const { value }
                if constant_charge(ops, index - 1, charge_gas).is_some() =>
            {
                charge = charge.checked_add(value as u64)?;
                index += 1;
            }
            Operator::LocalGet { local_index } => stack.push(if local_index == counter {
                // A test at the end reads the counter after its increment.
                if bottom.is_some_and(|(test, _)| index > test) && step.is_none() {
                    return None;
                }
                Sym::Affine {
                    base: None,
                    counter: true,
                    constant: 0,
                }
            } else if set.contains(&local_index) && !strides.contains_key(&local_index) {
                Sym::Other
            } else {
                Sym::Affine {
                    base: Some(local_index),
                    counter: false,
                    constant: 0,
                }
            }),
            Operator::LocalSet { local_index } | Operator::LocalTee { local_index } => {
                if local_index == counter {
                    // The one increment (or decrement, to a test of 0 that
                    // leaves the loop), at the top level.
                    let increment = match ops.get(index.checked_sub(4)?..index - 1)? {
                        [
                            (Operator::LocalGet { local_index: i }, _),
                            (Operator::I32Const { value }, _),
                            (Operator::I32Add, _),
                        ] if *i == counter => {
                            let step = match limit {
                                Limit::Zero => value.checked_neg()?,
                                _ => *value,
                            };
                            if step <= 0 || !(step as u32).is_power_of_two() {
                                return None;
                            }
                            step as u32
                        }
                        _ => return None,
                    };
                    if limit == Limit::Zero
                        && !(matches!(op, Operator::LocalTee { .. })
                            && matches!(
                                ops.get(index..index + 2),
                                Some([(Operator::I32Eqz, _), (Operator::BrIf { relative_depth }, _)])
                                    if *relative_depth > 0
                            ))
                    {
                        return None;
                    }
                    if step.is_some() || !frames.is_empty() {
                        return None;
                    }
                    step = Some(increment);
                }
                let value = pops(1, &mut stack)?;
                if matches!(op, Operator::LocalTee { .. }) {
                    stack.extend(value);
                }
            }
            Operator::I32Const { value } => stack.push(Sym::Affine {
                base: None,
                counter: false,
                constant: u64::from(value as u32),
            }),
            Operator::I32Add => {
                let pair = pops(2, &mut stack)?;
                stack.push(add(pair[0], pair[1]));
            }
            Operator::Block { blockty } | Operator::If { blockty } => {
                if blockty != BlockType::Empty {
                    return None;
                }
                if matches!(op, Operator::If { .. }) {
                    pops(1, &mut stack)?;
                }
                frames.push(stack.len());
            }
            Operator::Else => {
                stack.truncate(*frames.last()?);
            }
            Operator::End => {
                stack.truncate(frames.pop()?);
            }
            Operator::Br { relative_depth } => {
                if to_loop(relative_depth) && index != end {
                    return None;
                }
                dead = Some(0);
            }
            Operator::BrIf { relative_depth } => {
                // Only a test at the end branches back.
                if to_loop(relative_depth) && bottom.is_none_or(|(_, last)| index != last) {
                    return None;
                }
                pops(1, &mut stack)?;
            }
            Operator::BrTable { ref targets } => {
                for depth in targets.targets() {
                    if to_loop(depth.ok()?) {
                        return None;
                    }
                }
                if to_loop(targets.default()) {
                    return None;
                }
                dead = Some(0);
            }
            Operator::Return | Operator::Unreachable => dead = Some(0),
            Operator::Nop => {}
            ref op => {
                if let Some((memarg, size, store)) = access_bytes(op) {
                    let operands = pops(if store { 2 } else { 1 }, &mut stack)?;
                    if let Sym::Affine {
                        base,
                        counter,
                        constant,
                    } = operands[0]
                    {
                        // The counter at its largest, N: a constant here,
                        // or a local the guard adds.
                        let (with_limit, largest) = match limit {
                            _ if !counter => (false, 0),
                            Limit::Constant(limit) => (false, u64::from(limit)),
                            // A count-down counter is at most its value at
                            // the entry, the guard's `N`.
                            Limit::Local(_) | Limit::Zero => (true, 0),
                        };
                        // memory32: the translation rejects larger offsets.
                        if memarg.offset > u64::from(u32::MAX) {
                            return None;
                        }
                        let access_end = largest + constant + memarg.offset + u64::from(size);
                        let entry = bounds.entry((base, with_limit)).or_insert(0);
                        *entry = (*entry).max(access_end);
                        proven.insert(*offset);
                    }
                    if !store {
                        stack.push(Sym::Other);
                    }
                } else {
                    let (inputs, outputs) = arity(op)?;
                    pops(inputs, &mut stack)?;
                    stack.extend(std::iter::repeat_n(Sym::Other, outputs));
                }
            }
        }
    }
    let mut bounds: Vec<_> = bounds
        .into_iter()
        .map(|((base, with_limit), end)| Bound {
            base,
            stride: base
                .and_then(|base| strides.get(&base))
                .copied()
                .unwrap_or(0),
            with_limit,
            end,
        })
        .collect();
    bounds.sort_unstable();
    Some((step?, charge, bounds, proven))
}

/// `a + b` (an `i32.add`).
fn add(a: Sym, b: Sym) -> Sym {
    match (a, b) {
        (
            Sym::Affine {
                base: base_a,
                counter: counter_a,
                constant: constant_a,
            },
            Sym::Affine {
                base: base_b,
                counter: counter_b,
                constant: constant_b,
            },
        ) if !(base_a.is_some() && base_b.is_some() || counter_a && counter_b) => {
            let constant = constant_a + constant_b;
            if constant >= 1 << 32 {
                return Sym::Other;
            }
            Sym::Affine {
                base: base_a.or(base_b),
                counter: counter_a || counter_b,
                constant,
            }
        }
        _ => Sym::Other,
    }
}

/// Operands and results of the other operators a candidate's iterations
/// may hold; `None` for the rest (calls, bulk memory, `memory.grow`…).
fn arity(op: &Operator<'_>) -> Option<(usize, usize)> {
    use Operator as O;
    match op {
        O::I32Eqz
        | O::I64Eqz
        | O::I32Clz
        | O::I32Ctz
        | O::I32Popcnt
        | O::I64Clz
        | O::I64Ctz
        | O::I64Popcnt
        | O::I32WrapI64
        | O::I64ExtendI32S
        | O::I64ExtendI32U
        | O::I32Extend8S
        | O::I32Extend16S
        | O::I64Extend8S
        | O::I64Extend16S
        | O::I64Extend32S => Some((1, 1)),
        O::I64Const { .. } | O::GlobalGet { .. } | O::MemorySize { .. } => Some((0, 1)),
        O::Drop | O::GlobalSet { .. } => Some((1, 0)),
        O::Select | O::TypedSelect { .. } => Some((3, 1)),
        op => match op_class(op) {
            OpClass::Accepted(CostClass::Alu | CostClass::Mul | CostClass::Div) => Some((2, 1)),
            _ => None,
        },
    }
}

/// A frame opened inside exit code (see [`exit_leaves`]).
struct ExitFrame {
    is_loop: bool,
    /// An `if` whose `else` has not come: its `end` is reached when false.
    open_if: bool,
    /// A branch or an arm's fall-through reaches its `end`.
    reached: bool,
    live_at_open: bool,
}

/// Whether exit code `ops[exit]` never reaches its block's `end` (the
/// loop's body): no fall-through to it, no branch to that block nor to
/// the loop.
fn exit_leaves(ops: &[(Operator<'_>, u64)], exit: Range<usize>) -> bool {
    let mut frames: Vec<ExitFrame> = Vec::new();
    let mut live = true;
    // Depth 0 from the exit code's top level is the block, 1 the loop:
    // false for those; marks an inner target reached.
    let leaves_or_inner = |depth: u32, frames: &mut Vec<ExitFrame>| -> bool {
        let depth = depth as usize;
        match depth.checked_sub(frames.len()) {
            None => {
                let at = frames.len() - 1 - depth;
                frames[at].reached = true;
                true
            }
            Some(outer) => outer >= 2,
        }
    };
    for (op, _) in &ops[exit] {
        match op {
            Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } => {
                frames.push(ExitFrame {
                    is_loop: matches!(op, Operator::Loop { .. }),
                    open_if: matches!(op, Operator::If { .. }),
                    reached: false,
                    live_at_open: live,
                })
            }
            Operator::Else => {
                let Some(frame) = frames.last_mut() else {
                    return false;
                };
                frame.reached |= live;
                frame.open_if = false;
                live = frame.live_at_open;
            }
            Operator::End => {
                let Some(frame) = frames.pop() else {
                    return false;
                };
                live = live
                    || (!frame.is_loop && frame.reached)
                    || (frame.open_if && frame.live_at_open);
            }
            Operator::Br { relative_depth } | Operator::BrIf { relative_depth }
                if live && !leaves_or_inner(*relative_depth, &mut frames) =>
            {
                return false;
            }
            Operator::Br { .. } => live = false,
            Operator::BrTable { targets } => {
                if live {
                    for depth in targets.targets().chain([Ok(targets.default())]) {
                        match depth {
                            Ok(depth) if leaves_or_inner(depth, &mut frames) => {}
                            _ => return false,
                        }
                    }
                }
                live = false;
            }
            Operator::Return | Operator::Unreachable => live = false,
            _ => {}
        }
    }
    frames.is_empty() && !live
}

#[cfg(test)]
mod tests {
    use gasket_metering::{Config, Permissive, prepare_with_policy};
    use wasmparser::{Parser, Payload};

    use super::*;

    /// `wat` prepared.
    fn prepare(wat: &str) -> gasket_metering::Prepared {
        let wasm = wat::parse_str(wat).unwrap();
        prepare_with_policy(&wasm, &Config::default(), &Permissive).unwrap()
    }

    /// The bodies of the defined functions of `prepared`.
    fn bodies(prepared: &gasket_metering::Prepared) -> Vec<FunctionBody<'_>> {
        Parser::new(0)
            .parse_all(&prepared.wasm)
            .filter_map(|payload| match payload.unwrap() {
                Payload::CodeSectionEntry(body) => Some(body),
                _ => None,
            })
            .collect()
    }

    /// The plans of every defined function of `prepared`.
    fn plans_of(prepared: &gasket_metering::Prepared) -> Vec<Vec<LoopPlan>> {
        let charge_gas = prepared.info.injected.charge_gas_func;
        bodies(prepared)
            .into_iter()
            .map(|body| {
                let mut plans: Vec<_> =
                    plan_loops(&body, charge_gas).unwrap().into_iter().collect();
                plans.sort_by_key(|(offset, _)| *offset);
                plans.into_iter().map(|(_, plan)| plan).collect()
            })
            .collect()
    }

    /// The plans of every defined function of `wat` after preparation.
    fn plans(wat: &str) -> Vec<Vec<LoopPlan>> {
        plans_of(&prepare(wat))
    }

    fn bound(base: Option<u32>, stride: u32, with_limit: bool, end: u64) -> Bound {
        Bound {
            base,
            stride,
            with_limit,
            end,
        }
    }

    /// A function of one loop `body` over counter `$i` from `$base`
    /// (local 0) and the module around it.
    fn loop_module(body: &str) -> String {
        format!(
            r#"(module (memory 1)
              (func $other)
              (func (export "f") (param $base i32) (param $i i32) (local $x i32)
                (block $out {body})))"#
        )
    }

    const COUNTED: &str = r#"
        (loop $top
          (br_if $out (i32.eq (local.get $i) (i32.const 256)))
          (i32.store offset=8 (i32.add (local.get $base) (local.get $i))
            (i32.load (i32.add (local.get $i) (i32.const 1024))))
          (local.set $x (i32.load (local.get $x)))
          (local.set $i (i32.add (local.get $i) (i32.const 4)))
          (br $top))"#;

    #[test]
    fn a_counted_loop_is_planned_with_its_accesses() {
        let plans = plans(&loop_module(COUNTED));
        let [plan] = &plans[1][..] else {
            panic!("{plans:?}");
        };
        assert_eq!(
            (plan.counter, plan.limit, plan.step),
            (1, Limit::Constant(256), 4)
        );
        assert!(plan.exit.is_empty());
        assert!(plan.charge > 0);
        // The store at base + i + 8 and the load at i + 1024; not the
        // load of $x, which the loop sets.
        assert_eq!(
            plan.bounds,
            [
                bound(None, 0, false, 256 + 1024 + 4),
                bound(Some(0), 0, false, 256 + 8 + 4)
            ]
        );
        assert_eq!(plan.proven.len(), 2);
    }

    #[test]
    fn rustc_s_exit_code_inside_the_loop_is_kept_out_of_its_iterations() {
        // The exit code runs a loop of its own and leaves.
        let plans = plans(&loop_module(
            r#"
            (loop $top
              (block $body
                (br_if $body (i32.ne (local.get $i) (i32.const 64)))
                (i32.store (local.get $base) (i32.const 1))
                (loop $drain
                  (br_if $out (i32.eqz (local.get $x)))
                  (local.set $x (i32.sub (local.get $x) (i32.const 1)))
                  (br $drain)))
              (i32.store (i32.add (local.get $base) (local.get $i)) (local.get $i))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $top))"#,
        ));
        let outer = plans[1]
            .iter()
            .find(|plan| plan.counter == 1)
            .unwrap_or_else(|| panic!("{plans:?}"));
        assert_eq!((outer.limit, outer.step), (Limit::Constant(64), 1));
        assert!(!outer.exit.is_empty());
        assert_eq!(outer.bounds, [bound(Some(0), 0, false, 64 + 4)]);
        assert_eq!(outer.proven.len(), 1, "the exit code's store is not proven");
    }

    #[test]
    fn a_limit_may_be_a_local_the_loop_never_sets() {
        // A pointer run up to an end pointer, the end first in the test.
        let found = plans(&loop_module(
            r#"
            (loop $top
              (br_if $out (i32.eq (local.get $base) (local.get $i)))
              (i32.store (local.get $i) (i32.load offset=4 (local.get $i)))
              (local.set $i (i32.add (local.get $i) (i32.const 8)))
              (br $top))"#,
        ));
        let [plan] = &found[1][..] else {
            panic!("{found:?}");
        };
        assert_eq!(
            (plan.counter, plan.limit, plan.step),
            (1, Limit::Local(0), 8)
        );
        assert_eq!(plan.bounds, [bound(None, 0, true, 8)]);
        // The limit set in the loop: not a candidate.
        let plans = plans(&loop_module(
            &COUNTED.replace("(i32.const 256)", "(local.tee $x (local.get $base))"),
        ));
        assert!(plans[1].is_empty(), "{plans:?}");
    }

    #[test]
    fn a_test_at_the_end_is_one_after_the_increment() {
        // A loop followed by code: the metering charges for it before the
        // loop's `end`, after the test.
        let found = plans(
            r#"(module (memory 1)
              (func (export "f") (param $base i32) (param $i i32) (result i32)
                (loop $top
                  (i32.store (i32.add (local.get $base) (local.get $i)) (local.get $i))
                  (br_if $top (i32.ne
                    (local.tee $i (i32.add (local.get $i) (i32.const 4))) (i32.const 256))))
                (i32.add (local.get $i) (i32.const 1))))"#,
        );
        assert!(found[0].iter().any(|plan| plan.runs_once), "{found:?}");
        for test in [
            "(i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 4))) (i32.const 256))",
            "(i32.ne (local.get $x) (local.tee $i (i32.add (local.get $i) (i32.const 4))))",
        ] {
            let found = plans(&loop_module(&format!(
                r#"
                (loop $top
                  (i32.store (i32.add (local.get $base) (local.get $i)) (local.get $i))
                  (br_if $top {test}))"#
            )));
            let [plan] = &found[1][..] else {
                panic!("{test}: {found:?}");
            };
            assert!(plan.runs_once, "{test}");
            assert_eq!((plan.counter, plan.step), (1, 4), "{test}");
        }
        // The counter read after a separate increment, the limit first.
        let found = plans(&loop_module(
            r#"
            (loop $top
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (i32.store8 (local.get $i) (local.get $x))
              (br_if $top (i32.ne (local.get $x) (local.get $i))))"#,
        ));
        let [plan] = &found[1][..] else {
            panic!("{found:?}");
        };
        assert_eq!((plan.counter, plan.limit), (1, Limit::Local(2)));
    }

    #[test]
    fn a_pointer_stepping_beside_the_counter_is_an_induction_variable() {
        // Sort's checksum: the counter meets $x, the pointer $base steps
        // by 4 each iteration.
        let body = r#"
            (loop $top
              (drop (i32.load offset=8 (local.get $base)))
              (local.set $base (i32.add (local.get $base) (i32.const 4)))
              (br_if $top (i32.ne (local.get $x)
                (local.tee $i (i32.add (local.get $i) (i32.const 1))))))"#;
        let found = plans(&loop_module(body));
        let [plan] = &found[1][..] else {
            panic!("{found:?}");
        };
        assert_eq!((plan.counter, plan.limit), (1, Limit::Local(2)));
        assert_eq!(plan.bounds, [bound(Some(0), 4, false, 12)]);
        // Set twice, or inside a block: not an induction variable, its
        // access not proven.
        for changed in [
            body.replace("(br_if", "(local.set $base (local.get $x)) (br_if"),
            body.replace(
                "(local.set $base (i32.add (local.get $base) (i32.const 4)))",
                "(block (local.set $base (i32.add (local.get $base) (i32.const 4))))",
            ),
        ] {
            let found = plans(&loop_module(&changed));
            assert!(
                found[1].iter().all(|plan| plan.proven.is_empty()),
                "{changed}: {found:?}"
            );
        }
    }

    #[test]
    fn loops_that_could_break_the_guard_s_premises_are_not_planned() {
        let rejected = [
            // Nothing to prove (the one load's index is set in the loop),
            // or too few trips to pay for the guard.
            r#"
            (loop $top
              (br_if $out (i32.eq (local.get $i) (i32.const 256)))
              (local.set $x (i32.load (local.get $x)))
              (local.set $i (i32.add (local.get $i) (i32.const 4)))
              (br $top))"#
                .to_string(),
            COUNTED.replace("(i32.const 256)", "(i32.const 60)"),
            // A call: the callee's gas is not bounded.
            COUNTED.replace("(br $top)", "(call $other) (br $top)"),
            // The counter set twice.
            COUNTED.replace("(br $top)", "(local.set $i (local.get $x)) (br $top)"),
            // A `continue` before the increment.
            COUNTED.replace("(local.set $x", "(br_if $top (local.get $x)) (local.set $x"),
            // A step that is not a power of two, or not positive.
            COUNTED.replace("(i32.const 4)", "(i32.const 12)"),
            COUNTED.replace("(i32.const 4)", "(i32.const -4)"),
            // The increment inside a nested block.
            COUNTED.replace(
                "(local.set $i (i32.add (local.get $i) (i32.const 4)))",
                "(block (local.set $i (i32.add (local.get $i) (i32.const 4))))",
            ),
            // A dynamic charge (memory.fill's).
            COUNTED.replace(
                "(br $top)",
                "(memory.fill (local.get $x) (i32.const 0) (i32.const 8)) (br $top)",
            ),
        ];
        for body in rejected {
            let plans = plans(&loop_module(&body));
            assert!(plans[1].is_empty(), "{body}: {plans:?}");
        }
        // rustc's shape with no exit code: both ways of the test go on
        // into the body.
        let found = plans(&loop_module(
            r#"
            (loop $top
              (block $body (br_if $body (i32.ne (local.get $i) (i32.const 256))))
              (i32.store (local.get $i) (i32.const 0))
              (local.set $i (i32.add (local.get $i) (i32.const 4)))
              (br $top))"#,
        ));
        assert!(found[1].is_empty(), "{found:?}");
        // rustc's shape whose exit code falls through into the body.
        let plans = plans(&loop_module(
            r#"
            (loop $top
              (block $body
                (br_if $body (i32.ne (local.get $i) (i32.const 64)))
                (i32.store (local.get $base) (i32.const 1)))
              (i32.store (i32.add (local.get $base) (local.get $i)) (local.get $i))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $top))"#,
        ));
        assert!(plans[1].is_empty(), "{plans:?}");
    }

    /// compiler-builtins' `memcmp` (after `local.get $n; i32.eqz; br_if`
    /// out): two pointers stepping by 1, a mismatch leaving early, the
    /// length counted down to 0 after the loads.
    const COUNTED_DOWN: &str = r#"
        (loop $top
          (br_if $out (i32.ne (i32.load8_u (local.get $base)) (i32.load8_u offset=16 (local.get $x))))
          (local.set $base (i32.add (local.get $base) (i32.const 1)))
          (local.set $x (i32.add (local.get $x) (i32.const 1)))
          (br_if $out (i32.eqz (local.tee $i (i32.add (local.get $i) (i32.const -1)))))
          (br $top))"#;

    #[test]
    fn a_loop_counting_down_to_zero_is_planned() {
        let found = plans(&loop_module(COUNTED_DOWN));
        let [plan] = &found[1][..] else {
            panic!("{found:?}");
        };
        assert_eq!((plan.counter, plan.limit, plan.step), (1, Limit::Zero, 1));
        assert!(plan.runs_once && plan.exit.is_empty());
        assert_eq!(
            plan.bounds,
            [bound(Some(0), 1, false, 1), bound(Some(2), 1, false, 17)]
        );
        assert_eq!(plan.proven.len(), 2);
        // The counter in an index (at most its value at the entry), a
        // step of 8.
        let found = plans(&loop_module(
            r#"
            (loop $top
              (i64.store (i32.add (local.get $base) (local.get $i)) (i64.const 0))
              (br_if $out (i32.eqz (local.tee $i (i32.add (local.get $i) (i32.const -8)))))
              (br $top))"#,
        ));
        let [plan] = &found[1][..] else {
            panic!("{found:?}");
        };
        assert_eq!((plan.limit, plan.step), (Limit::Zero, 8));
        assert_eq!(plan.bounds, [bound(Some(0), 0, true, 8)]);
    }

    #[test]
    fn loops_counting_down_some_other_way_are_not_planned() {
        let rejected = [
            // A step that is not a power of two, or an increment.
            COUNTED_DOWN.replace("(i32.const -1)", "(i32.const -3)"),
            COUNTED_DOWN.replace("(i32.const -1)", "(i32.const 1)"),
            // The test not right after the decrement.
            COUNTED_DOWN.replace(
                "(br_if $out (i32.eqz (local.tee $i (i32.add (local.get $i) (i32.const -1)))))",
                "(local.set $i (i32.add (local.get $i) (i32.const -1))) \
                 (br_if $out (i32.eqz (local.get $i)))",
            ),
            // A test of something else, or one that stays in the loop.
            COUNTED_DOWN.replace(
                "(i32.eqz (local.tee $i (i32.add (local.get $i) (i32.const -1))))",
                "(i32.eqz (i32.eqz (local.tee $i (i32.add (local.get $i) (i32.const -1)))))",
            ),
            COUNTED_DOWN.replace(
                "(br_if $out (i32.eqz (local.tee $i (i32.add (local.get $i) (i32.const -1)))))",
                "(block $stay (br_if $stay (i32.eqz (local.tee $i (i32.add (local.get $i) (i32.const -1))))))",
            ),
            // The test's branch back to the loop, or a step of 2^31.
            COUNTED_DOWN.replace(
                "(br_if $out (i32.eqz (local.tee",
                "(br_if $top (i32.eqz (local.tee",
            ),
            COUNTED_DOWN.replace("(i32.const -1)", "(i32.const -2147483648)"),
            // The counter set again, or a `continue` before the decrement.
            COUNTED_DOWN.replace("(br $top)", "(local.set $i (local.get $x)) (br $top)"),
            COUNTED_DOWN.replace("(local.set $base", "(br_if $top (local.get $x)) (local.set $base"),
            // No final `br` back: the test is the loop's last word.
            COUNTED_DOWN.replace("(br $top))", ")"),
        ];
        for body in rejected {
            let found = plans(&loop_module(&body));
            assert!(found[1].is_empty(), "{body}: {found:?}");
        }
    }

    /// The `loops` fuzz target's modules (`gasket_harness::loops`) are
    /// mostly candidates, in each shape, and their `f` small enough to be
    /// inlined into `g`: its checks compare versioned code, in a function
    /// and inlined, with the engines that do not version.
    #[test]
    fn the_loops_target_s_modules_are_versioned() {
        const SHAPES: usize = gasket_harness::loops::SHAPES as usize;
        let mut planned = [0usize; SHAPES];
        let mut inlined = [0usize; SHAPES];
        let mut made = [0usize; SHAPES];
        for seed in 0..200 {
            let bytes = gasket_harness::smith::seed_bytes(seed);
            let shape = usize::from(bytes[1]) % SHAPES;
            let generated = gasket_harness::loops::loop_module(&bytes);
            made[shape] += 1;
            let prepared = prepare(&generated.wat);
            if !plans_of(&prepared)[0].is_empty() {
                planned[shape] += 1;
            }
            // `f`, called by `g`, small enough to be inlined there.
            let f = &bodies(&prepared)[0];
            let first = prepared.info.imported_functions;
            if crate::translate::inline::inline_cost(first, f, &prepared.info).is_some() {
                inlined[shape] += 1;
            }
        }
        for shape in 0..SHAPES {
            let most = |count: usize| count * 3 >= made[shape] * 2;
            assert!(
                most(planned[shape]) && most(inlined[shape]),
                "planned {planned:?}, inlinable {inlined:?} of {made:?}"
            );
        }
    }
}
