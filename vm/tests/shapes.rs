//! Compile-cost safety: adversarial shapes at the default limits
//! (`gasket_harness::shapes`, shared with the compile-cost bench) compile
//! and run, giving the expected results.
#![allow(missing_docs)]

mod common;

use common::{compile, prepare, run};
use gasket_harness::shapes::{self, Shape};
use gasket_vm::TrapKind;

fn check(shape: Shape) {
    let m = compile(&prepare(&shape.wat));
    for (export, args, expected) in shape.calls {
        assert_eq!(
            run(&m, export, &args).outcome,
            Ok(vec![expected]),
            "{} {export}{args:?}",
            shape.name
        );
    }
}

#[test]
fn most_locals() {
    check(shapes::most_locals());
}

#[test]
fn most_params_and_results() {
    check(shapes::most_params_and_results());
}

#[test]
fn deepest_nesting() {
    check(shapes::deepest_nesting());
}

#[test]
fn biggest_br_table() {
    check(shapes::biggest_br_table());
}

#[test]
fn many_small_functions() {
    check(shapes::many_small_functions());
}

#[test]
fn large_straight_line_body() {
    check(shapes::large_straight_line_body());
}

#[test]
fn most_inlined_calls() {
    let shape = shapes::most_inlined_calls();
    assert_inlinable_leaf(&shape);
    check(shape);
}

#[test]
fn many_inlining_functions() {
    let shape = shapes::many_inlining_functions();
    assert_inlinable_leaf(&shape);
    check(shape);
}

#[test]
fn most_calls_in_one_body() {
    check(shapes::most_calls_in_one_body());
}

/// The shape's first function (its leaf), instrumented, is as large as
/// the optimising pipeline inlines, and no larger.
fn assert_inlinable_leaf(shape: &Shape) {
    let prepared = prepare(&shape.wat);
    let leaf = wasmparser::Parser::new(0)
        .parse_all(&prepared.wasm)
        .find_map(|payload| match payload.unwrap() {
            wasmparser::Payload::CodeSectionEntry(body) => {
                let range = body.range();
                Some((range.end - range.start) as usize)
            }
            _ => None,
        })
        .unwrap();
    let max = gasket_vm::INLINE_MAX_CALLEE_BYTES;
    assert!(
        (max - 16..=max).contains(&leaf),
        "{}: leaf of {leaf} bytes, the limit {max}",
        shape.name
    );
}

#[test]
fn every_shape_is_tested() {
    let names: Vec<&str> = shapes::all().iter().map(|s| s.name).collect();
    assert_eq!(
        names,
        [
            "most_locals",
            "most_params_and_results",
            "deepest_nesting",
            "biggest_br_table",
            "many_small_functions",
            "large_straight_line_body",
            "most_inlined_calls",
            "many_inlining_functions",
            "most_calls_in_one_body",
            "values_on_the_operand_stack",
            "locals_across_calls",
            "recomputed_products",
            "trapping_ifs"
        ]
    );
}

#[test]
fn values_on_the_operand_stack() {
    check(shapes::values_on_the_operand_stack());
}

#[test]
fn locals_across_calls() {
    check(shapes::locals_across_calls());
}

#[test]
fn recomputed_products() {
    check(shapes::recomputed_products());
}

#[test]
fn trapping_ifs() {
    check(shapes::trapping_ifs());
    let m = compile(&prepare(&shapes::trapping_ifs().wat));
    let trap = |kind| Err(gasket_vm::Trap::Wasm(kind));
    assert_eq!(run(&m, "f", &[7]).outcome, trap(TrapKind::Unreachable));
    // Its first load (8 bytes at the parameter + 8), then its first store
    // (at + 16), past the end of its one page.
    assert_eq!(
        run(&m, "f", &[65_528]).outcome,
        trap(TrapKind::MemoryOutOfBounds)
    );
    assert_eq!(
        run(&m, "f", &[65_520]).outcome,
        trap(TrapKind::MemoryOutOfBounds)
    );
}
