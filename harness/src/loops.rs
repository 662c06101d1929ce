//! Loop versioning under test: modules of one counted loop in the shapes
//! the optimising pipeline versions (`gasket_vm`'s `translate::versioning`:
//! a guard at the loop's entry, then a copy without the bounds checks it
//! proves and without gas compares), built from fuzzer bytes with
//! arguments and gas limits at the guards' edges.
//!
//! The loop counts up (its exit test first against a constant or a
//! local, in a block with exit code as rustc makes it, or last after the
//! increment) or down to 0 (the test right after
//! the decrement, anywhere in the body), by 1, 2, 4 or 8. Its body mixes
//! loads and stores indexed by a base plus the counter, loads through a
//! pointer stepping beside it, loads at constant addresses near the end of
//! memory, an early exit and arithmetic. The same loop is exported as `f`
//! and called by `g`, so the default engine compiles it in a function and
//! inlined into a caller (when small enough); `g` then grows the memory
//! and reads the new page (the memory length is loaded again). Bases and
//! pointers are now and then near 2^32, counts past their limits.
//!
//! [`versioned_loops`] (the `loops` fuzz target) runs each call at gas
//! limits around what it uses, in the default engine (which versions), the
//! baseline and the values-in-slots engine (which do not), and in the
//! wasmi oracle: every observation (outcome, gas, globals, memory) must be
//! the same.

use gasket_metering::{Config, Permissive, ValType, prepare_with_policy};

use crate::differential;

/// A generated module and the arguments of its calls (`$base`, `$i`, `$n`,
/// `$p`), for both exports.
#[derive(Debug, Clone)]
pub struct LoopModule {
    /// The module, as WAT.
    pub wat: String,
    /// Arguments of each call.
    pub calls: Vec<[i64; 4]>,
    /// How far below what a call uses its gas limits go, besides every
    /// limit up to [`NEAR_END`] below it.
    pub gas_cuts: [u64; 3],
}

/// How many loop shapes [`loop_module`] makes, picked by its data's
/// second byte: up to a constant, tested first; up to `$n`, tested first,
/// or last; down to 0; rustc's exit code.
pub const SHAPES: u8 = 5;

/// How many units below what a call uses [`versioned_loops`] tries every
/// limit.
pub const NEAR_END: u64 = 24;

/// Reads parameters from the fuzzer's bytes; 0 once they run out.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&first, rest)) => {
                self.0 = rest;
                first
            }
            None => 0,
        }
    }

    /// One of `n` choices.
    fn pick(&mut self, n: u8) -> u8 {
        self.byte() % n
    }

    /// An address at or below the end of a one-page memory, often within
    /// a few bytes of it (where a later iteration's access leaves it).
    fn address(&mut self) -> i64 {
        match self.pick(4) {
            0 => 0,
            1 => i64::from(self.byte()) * 4,
            _ => 65_536 - i64::from(self.byte()) * 2 - i64::from(self.pick(9)),
        }
    }
}

/// The loop module that `data` describes.
pub fn loop_module(data: &[u8]) -> LoopModule {
    let mut u = Bytes(data);
    let step = 1i64 << u.pick(4);
    let shape = u.pick(SHAPES);
    let mut statements = Vec::new();
    // The largest `offset + size` of the accesses at `$base + $i`, and of
    // those through `$p`, with what `$p` gains per iteration.
    let (mut indexed_end, mut pointer_end, mut pointer_step) = (0i64, 0i64, 0i64);
    for _ in 0..1 + u.pick(4) {
        let offset = i64::from(u.pick(4)) * 8;
        let (load, store, size) = match u.pick(4) {
            0 => ("i32.load8_u", "i32.store8", 1),
            1 => ("i32.load16_u", "i32.store16", 2),
            2 => ("i32.load", "i32.store", 4),
            _ => ("i64.load", "i64.store", 8),
        };
        let wide = size == 8;
        let as_i32 = |value: String| match wide {
            true => format!("(i32.wrap_i64 {value})"),
            false => value,
        };
        let from_i32 = |value: &str| match wide {
            true => format!("(i64.extend_i32_u {value})"),
            false => value.to_string(),
        };
        let indexed = "(i32.add (local.get $base) (local.get $i))";
        let kind = u.pick(6);
        match kind {
            0 | 1 => indexed_end = indexed_end.max(offset + size),
            2 => pointer_end = pointer_end.max(pointer_step + offset + size),
            _ => {}
        }
        statements.push(match kind {
            0 => format!(
                "({store} offset={offset} {indexed} {})",
                from_i32("(local.get $acc)")
            ),
            1 => format!(
                "(local.set $acc (i32.xor (local.get $acc) {}))",
                as_i32(format!("({load} offset={offset} {indexed})"))
            ),
            2 => {
                let stride = 1i64 << u.pick(4);
                pointer_step += stride;
                format!(
                    "(local.set $acc (i32.add (local.get $acc) {})) \
                     (local.set $p (i32.add (local.get $p) (i32.const {stride})))",
                    as_i32(format!("({load} offset={offset} (local.get $p))")),
                )
            }
            3 => format!(
                "(br_if $out (i32.eq (local.get $acc) (i32.const {})))",
                u.pick(3)
            ),
            4 => "(local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 31)) \
                  (local.get $i)))"
                .to_string(),
            _ => format!(
                "(local.set $acc (i32.add (local.get $acc) {}))",
                as_i32(format!(
                    "({load} (i32.const {}))",
                    65_536 - 4 - i64::from(u.pick(12))
                ))
            ),
        });
    }
    let increment = format!("(i32.add (local.get $i) (i32.const {step}))");
    let constant_limit = step * (16 + i64::from(u.pick(48)));
    let body = match shape {
        // Up to a constant (enough trips to be versioned) or to `$n`,
        // tested first.
        0 | 1 => {
            let limit = match shape {
                0 => format!("(i32.const {constant_limit})"),
                _ => "(local.get $n)".to_string(),
            };
            format!(
                "(br_if $out (i32.eq (local.get $i) {limit})) {} \
                 (local.set $i {increment}) (br $top)",
                statements.join(" ")
            )
        }
        // rustc's shape: up to `$n`, tested first in a block whose exit
        // code leaves the loop.
        4 => format!(
            "(block $body (br_if $body (i32.ne (local.get $i) (local.get $n))) \
             (i32.store (local.get $base) (local.get $acc)) (br $out)) {} \
             (local.set $i {increment}) (br $top)",
            statements.join(" ")
        ),
        // Up to `$n`, tested last.
        2 => format!(
            "{} (br_if $top (i32.ne (local.tee $i {increment}) (local.get $n)))",
            statements.join(" ")
        ),
        // Down to 0, the test anywhere.
        _ => {
            let at = usize::from(u.pick(5)).min(statements.len());
            statements.insert(
                at,
                format!(
                    "(br_if $out (i32.eqz (local.tee $i \
                     (i32.add (local.get $i) (i32.const {})))))",
                    -step
                ),
            );
            format!("{} (br $top)", statements.join(" "))
        }
    };
    let wat = format!(
        r#"(module (memory (export "memory") 1)
  (func $f (export "f") (param $base i32) (param $i i32) (param $n i32) (param $p i32)
    (result i32) (local $acc i32)
    (block $out (loop $top {body}))
    (local.get $acc))
  (func (export "g") (param i32 i32 i32 i32) (result i32)
    (call $f (local.get 0) (local.get 1) (local.get 2) (local.get 3))
    (drop (memory.grow (i32.const 1)))
    (i32.store (i32.const 65536) (i32.const 7))
    (i32.add (i32.load (i32.const 65536)))))"#
    );
    let calls = (0..3)
        .map(|_| {
            // A count that meets the limit, or one off its step; often
            // none (a count-down from 0 wraps: half the time).
            let none = if shape == 3 { 2 } else { 4 };
            let mut trips = match u.pick(none) {
                0 => 0,
                _ => i64::from(u.pick(40)),
            };
            let off = i64::from(u.pick(5) == 0);
            let (i, n, largest) = match shape {
                0 => {
                    let i = i64::from(u.pick(8)) * step + off;
                    trips = (constant_limit - i).max(0) / step;
                    (i, 0, constant_limit - step)
                }
                1 | 2 | 4 => {
                    let i = i64::from(u.pick(8)) * step;
                    (i, i + trips * step + off, i + (trips - 1) * step)
                }
                _ => (trips * step + off, 0, trips * step),
            };
            // Bases where the last iteration's access just fits, or just
            // does not, or anywhere.
            let near = |end: i64, u: &mut Bytes<'_>| match u.pick(2) {
                0 => 65_536 - end + i64::from(u.pick(25)) - 12,
                _ => u.address(),
            };
            let base = near(largest + indexed_end, &mut u);
            let p = near(trips * pointer_step + pointer_end, &mut u);
            // Now and then a value near 2^32 (a guard computed in 32 bits
            // would wrap), or a count past its limit.
            let huge = |u: &mut Bytes<'_>| (1i64 << 32) - 1 - i64::from(u.byte());
            match u.pick(8) {
                0 => [huge(&mut u), i, n, p],
                1 => [base, i, n, huge(&mut u)],
                2 => [base, huge(&mut u), n, p],
                _ => [base, i, n, p],
            }
        })
        .collect();
    let gas_cuts = [
        NEAR_END + 1 + u64::from(u.pick(64)),
        u64::from(u.byte()) * 4,
        u64::from(u.byte()) * 64,
    ];
    LoopModule {
        wat,
        calls,
        gas_cuts,
    }
}

/// The `loops` fuzz target: every call of [`loop_module`]`(data)`, through
/// `f` and `g`, at gas limits around what it uses in the default engine,
/// observed alike in the default, baseline and values-in-slots engines and
/// in the wasmi oracle. Panics on the first difference.
pub fn versioned_loops(data: &[u8]) {
    let generated = loop_module(data);
    let wasm = wat::parse_str(&generated.wat).expect("the generated module parses");
    let prepared = prepare_with_policy(&wasm, &Config::default(), &Permissive)
        .unwrap_or_else(|e| panic!("{}: prepare: {e}", generated.wat));
    differential::with_big_stack(move || {
        let modules = differential::compiled_three_ways(&prepared);
        let params = [ValType::I32; 4];
        for args in &generated.calls {
            for export in ["f", "g"] {
                let call = (export, &params[..], &args[..]);
                let agree = |gas| {
                    differential::all_agree_with_gas(&prepared, &modules, call, gas, &generated.wat)
                };
                let used = agree(differential::GAS).gas_used;
                // Every limit a few units short (the last iterations'
                // charges run out), half, and the generated cuts.
                let short = (0..=NEAR_END).map(|cut| used.saturating_sub(cut));
                let cuts = generated.gas_cuts.map(|cut| used.saturating_sub(cut));
                for gas in [used / 2].into_iter().chain(short).chain(cuts) {
                    agree(gas);
                }
            }
        }
    });
}
