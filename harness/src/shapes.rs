//! Adversarial module shapes at the default limits, for compile-cost
//! safety: `vm/tests/shapes.rs` compiles and runs each one, and
//! `benches/benches/shapes.rs` measures compile time per byte of each
//! against the median (issue 3: no shape above 3x).
//!
//! Each shape is WAT text (parse it with the `wat` crate) and the calls
//! that check it ran right: export, arguments, expected single result.

/// One adversarial shape.
#[derive(Debug, Clone)]
pub struct Shape {
    /// Short name, used as the test and bench label.
    pub name: &'static str,
    /// The module, as WAT.
    pub wat: String,
    /// `(export, args, expected result)` calls that must succeed.
    pub calls: Vec<(&'static str, Vec<i64>, i64)>,
}

fn module(body: &str) -> String {
    format!("(module (memory 1) {body})")
}

/// 10,000 locals (the default limit), all live across the body.
pub fn most_locals() -> Shape {
    let mut f = String::from("(func (export \"f\") (param i32) (result i64) (local");
    for _ in 0..9_999 {
        f.push_str(" i64");
    }
    f.push(')');
    for i in 1..9_999 {
        f.push_str(&format!("(local.set {i} (i64.const {i}))"));
    }
    let mut sum = String::from("(i64.const 0)");
    for i in (1..9_999).step_by(97) {
        sum = format!("(i64.add {sum} (local.get {i}))");
    }
    f.push_str(&sum);
    f.push(')');
    let expected: i64 = (1..9_999).step_by(97).sum();
    Shape {
        name: "most_locals",
        wat: module(&f),
        calls: vec![("f", vec![0], expected)],
    }
}

/// 128 parameters and 32 results through one call.
pub fn most_params_and_results() -> Shape {
    let params = " i64".repeat(128);
    let results = " i64".repeat(32);
    let mut body = String::new();
    for i in 0..32 {
        body.push_str(&format!("(local.get {})", 127 - i));
    }
    let mut call = String::from("(call $many");
    for i in 0..128 {
        call.push_str(&format!(" (i64.const {i})"));
    }
    call.push(')');
    let drops = "(local.set 0)".repeat(31);
    Shape {
        name: "most_params_and_results",
        wat: module(&format!(
            "(func $many (param{params}) (result{results}) {body})
             (func (export \"f\") (result i64) (local i64) {call} {drops})"
        )),
        // The first result is local 127 = 127; the others were stored away.
        calls: vec![("f", vec![], 127)],
    }
}

/// 1,000 nested blocks.
pub fn deepest_nesting() -> Shape {
    let depth = 1_000;
    let body = format!(
        "{}(local.get 0){}",
        "(block (result i32) ".repeat(depth),
        ")".repeat(depth)
    );
    Shape {
        name: "deepest_nesting",
        wat: module(&format!(
            "(func (export \"f\") (param i32) (result i32) {body})"
        )),
        calls: vec![("f", vec![5], 5)],
    }
}

/// A `br_table` of 65,534 targets.
pub fn biggest_br_table() -> Shape {
    let targets = "0 1 ".repeat(32_767);
    Shape {
        name: "biggest_br_table",
        wat: module(&format!(
            "(func (export \"f\") (param i32) (result i32)
               (block (block (br_table {targets} 1 (local.get 0))) (return (i32.const 10)))
               (i32.const 20))"
        )),
        calls: vec![
            ("f", vec![0], 10),
            ("f", vec![1], 20),
            ("f", vec![1_000_000], 20),
        ],
    }
}

/// 2,000 one-line functions calling each other in a chain.
pub fn many_small_functions() -> Shape {
    let mut wat = String::from("(module");
    for i in 0..2_000 {
        let next = if i == 1_999 {
            "(local.get 0)".to_string()
        } else {
            format!("(call $f{} (i32.add (local.get 0) (i32.const 1)))", i + 1)
        };
        wat.push_str(&format!("(func $f{i} (param i32) (result i32) {next})"));
    }
    wat.push_str("(export \"f\" (func $f0)))");
    Shape {
        name: "many_small_functions",
        wat,
        calls: vec![("f", vec![0], 1_999)],
    }
}

/// One body of 80,000 straight-line operators.
pub fn large_straight_line_body() -> Shape {
    let mut body = String::from("(local.get 0)");
    for i in 0..20_000 {
        body.push_str(&format!(
            " (i32.const {i}) (i32.xor) (i32.const 3) (i32.mul)"
        ));
    }
    let mut expected = 0i32;
    for i in 0..20_000 {
        expected = (expected ^ i).wrapping_mul(3);
    }
    Shape {
        name: "large_straight_line_body",
        wat: module(&format!(
            "(func (export \"f\") (param i32) (result i32) {body})"
        )),
        calls: vec![("f", vec![0], i64::from(expected))],
    }
}

/// Rounds of [`inlined_leaf`]: its instrumented body just under the
/// engine's inlining limit (checked by `vm/tests/shapes.rs`).
const LEAF_ROUNDS: u32 = 9;

/// A leaf the optimising pipeline inlines, as large as it inlines:
/// `$leaf(a, b)` runs `x = (x ^ b) * k` for `LEAF_ROUNDS` odd `k`s
/// from `x = a`, with 31 more locals.
fn inlined_leaf() -> String {
    let locals = " i32".repeat(31);
    let mut body = String::from("(local.set 2 (local.get 0))");
    for round in 0..LEAF_ROUNDS {
        body.push_str(&format!(
            "(local.set 2 (i32.mul (i32.xor (local.get 2) (local.get 1)) (i32.const {})))",
            2 * round + 3
        ));
    }
    format!("(func $leaf (param i32 i32) (result i32) (local{locals}) {body} (local.get 2))")
}

/// What [`inlined_leaf`] returns.
fn leaf(a: i32, b: i32) -> i32 {
    (0..LEAF_ROUNDS).fold(a, |x, round| (x ^ b).wrapping_mul(2 * round as i32 + 3))
}

/// `calls` calls `callee(local 0, i)`, each result added to local 1.
fn accumulating_calls(callee: &str, calls: i32) -> String {
    (0..calls)
        .map(|i| {
            format!(
                "(local.set 1 (i32.add (local.get 1) (call {callee} (local.get 0) (i32.const {i}))))"
            )
        })
        .collect()
}

/// One body of 1,000 calls of the largest leaf the optimising pipeline
/// inlines: as many inlined as the caller's budget allows (twice its
/// size), the rest called.
pub fn most_inlined_calls() -> Shape {
    let calls = 1_000;
    let body = accumulating_calls("$leaf", calls);
    let expected = (0..calls).fold(0i32, |sum, i| sum.wrapping_add(leaf(7, i)));
    Shape {
        name: "most_inlined_calls",
        wat: module(&format!(
            "{} (func (export \"f\") (param i32) (result i32) (local i32) {body} (local.get 1))",
            inlined_leaf()
        )),
        calls: vec![("f", vec![7], i64::from(expected))],
    }
}

/// 2,000 one-line functions calling each other in a chain, each also
/// calling the largest leaf the optimising pipeline inlines (each inlines
/// it once, on the budget every caller has for one such callee).
pub fn many_inlining_functions() -> Shape {
    let mut wat = String::from("(module");
    wat.push_str(&inlined_leaf());
    let mut expected = 0i32;
    for i in 0..2_000 {
        let next = if i == 1_999 {
            "(local.get 0)".to_string()
        } else {
            format!("(call $f{} (local.get 0))", i + 1)
        };
        wat.push_str(&format!(
            "(func $f{i} (param i32) (result i32) (i32.add (call $leaf (local.get 0) (i32.const {i})) {next}))"
        ));
        expected = expected.wrapping_add(leaf(1, i));
    }
    wat.push_str("(export \"f\" (func $f0)))");
    Shape {
        name: "many_inlining_functions",
        wat,
        calls: vec![("f", vec![1], i64::from(expected.wrapping_add(1)))],
    }
}

/// One body of as many calls as `Limits::calls_per_function` allows
/// (1,000) of a function that is not inlined (too many locals), each
/// result added to a local: Cranelift's register allocator is superlinear
/// in such calls of one function (1,250 compile in 0.10 s, 2,500 in
/// 0.34 s, 5,000 in 0.94 s, 10,000 in 5.2 s; with the results dropped,
/// 5,000 take 0.06 s), hence the limit.
pub fn most_calls_in_one_body() -> Shape {
    let calls = 1_000;
    let body = accumulating_calls("$callee", calls);
    let locals = " i32".repeat(40);
    let expected = (0..calls).fold(0i32, |sum, i| sum.wrapping_add(3 ^ i));
    Shape {
        name: "most_calls_in_one_body",
        wat: module(&format!(
            "(func $callee (param i32 i32) (result i32) (local{locals}) (i32.xor (local.get 0) (local.get 1)))
             (func (export \"f\") (param i32) (result i32) (local i32) {body} (local.get 1))"
        )),
        calls: vec![("f", vec![3], i64::from(expected))],
    }
}

/// A callee the optimising pipeline does not inline (too many locals).
const OPAQUE: &str = "(func $opaque (local i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32))";

/// Fills the first `slots` i64 slots of memory with `3 * i + 1` (local
/// `$i`, an i32, counts).
fn fill(slots: u32) -> String {
    format!(
        "(loop $fill
           (i64.store (i32.shl (local.get $i) (i32.const 3))
             (i64.add (i64.mul (i64.extend_i32_u (local.get $i)) (i64.const 3)) (i64.const 1)))
           (local.set $i (i32.add (local.get $i) (i32.const 1)))
           (br_if $fill (i32.lt_u (local.get $i) (i32.const {slots}))))"
    )
}

/// The sum of [`fill`]'s first `slots` values.
fn filled_sum(slots: u32) -> i64 {
    (0..i64::from(slots)).map(|i| 3 * i + 1).sum()
}

/// 8,000 values on the operand stack, all live across a call: dense live
/// ranges (`vm/src/liveness.rs`), 0.84 s to compile with the backtracking
/// allocator.
pub fn values_on_the_operand_stack() -> Shape {
    let values = 8_000;
    let loads: String = (0..values)
        .map(|k| format!("(i64.load offset={} (i32.const 0))", 8 * k))
        .collect();
    let adds = "(i64.add)".repeat(values as usize - 1);
    Shape {
        name: "values_on_the_operand_stack",
        wat: module(&format!(
            "{OPAQUE} (func (export \"f\") (result i64) (local $i i32) {} {loads} (call $opaque) {adds})",
            fill(values)
        )),
        calls: vec![("f", vec![], filled_sum(values))],
    }
}

/// 1,000 locals, all live across 1,000 calls of an empty leaf (which the
/// optimising pipeline inlines: 1,000 stack-height and gas updates).
pub fn locals_across_calls() -> Shape {
    let locals = 1_000u32;
    let mut body = fill(locals);
    for k in 0..locals {
        body.push_str(&format!(
            "(local.set {} (i64.load offset={} (i32.const 0)))",
            k + 1,
            8 * k
        ));
    }
    body.push_str(&"(call $leaf)".repeat(1_000));
    body.push_str("(i64.const 0)");
    for k in 0..locals {
        body.push_str(&format!("(i64.add (local.get {}))", k + 1));
    }
    Shape {
        name: "locals_across_calls",
        wat: module(&format!(
            "(func $leaf) (func (export \"f\") (result i64) (local $i i32) (local{}) {body})",
            " i64".repeat(locals as usize)
        )),
        calls: vec![("f", vec![], filled_sum(locals))],
    }
}

/// `products` stores (at 0, 8, 16, ...) of `operand`, an `i64` wasm
/// expression, times distinct constants (3, 5, 7, ...), and adds of the same
/// products computed again onto the stack's top: the optimiser merges each
/// recomputation with its first computation.
pub fn products_stored_and_recomputed(products: i64, operand: &str) -> (String, String) {
    let stores = (0..products)
        .map(|k| {
            format!(
                "(i64.store offset={} (i32.const 0) (i64.mul {operand} (i64.const {})))",
                8 * k,
                2 * k + 3
            )
        })
        .collect();
    let sum = (0..products)
        .map(|k| format!("(i64.add (i64.mul {operand} (i64.const {})))", 2 * k + 3))
        .collect();
    (stores, sum)
}

/// 8,000 products of the parameter stored, a call, and the same products
/// computed again and summed: the optimiser merges each with the first,
/// so 8,000 values are live across the call without a local or a deep
/// operand stack (0.91 s with the backtracking allocator).
pub fn recomputed_products() -> Shape {
    let products = 8_000i64;
    let (stores, sum) = products_stored_and_recomputed(products, "(local.get 0)");
    Shape {
        name: "recomputed_products",
        wat: module(&format!(
            "{OPAQUE} (func (export \"f\") (param i64) (result i64) {stores} (call $opaque) (i64.const 0) {sum})"
        )),
        calls: vec![(
            "f",
            vec![2],
            2 * (0..products).map(|k| 2 * k + 3).sum::<i64>(),
        )],
    }
}

/// 3,000 `if`s on the parameter whose arm traps, each followed by a load
/// and a store, with a loaded value live across them all: the vm context,
/// the parameter and that value are live in each of the 30,000 blocks,
/// which the backtracking allocator splits block by block and whose
/// dominator tree it builds in time quadratic in them
/// (`vm/src/liveness.rs`, `vm/src/engine.rs`, `Engine::codegen_slots`).
pub fn trapping_ifs() -> Shape {
    let ifs = 3_000;
    let body = "(if (i32.eq (local.get 0) (i32.const 7)) (then (unreachable)))
                (local.set 1 (i64.add (local.get 1) (i64.load offset=8 (local.get 0))))
                (i64.store offset=16 (local.get 0) (local.get 1))"
        .repeat(ifs);
    Shape {
        name: "trapping_ifs",
        wat: module(&format!(
            r#"(data (i32.const 0) "\2a") (data (i32.const 8) "\01")
               (func (export "f") (param i32) (result i64) (local i64)
                 (local.set 1 (i64.load (i32.const 0))) {body} (local.get 1))"#
        )),
        calls: vec![("f", vec![0], 42 + ifs as i64)],
    }
}

/// Every shape.
pub fn all() -> Vec<Shape> {
    vec![
        most_locals(),
        most_params_and_results(),
        deepest_nesting(),
        biggest_br_table(),
        many_small_functions(),
        large_straight_line_body(),
        most_inlined_calls(),
        many_inlining_functions(),
        most_calls_in_one_body(),
        values_on_the_operand_stack(),
        locals_across_calls(),
        recomputed_products(),
        trapping_ifs(),
    ]
}
