//! Compile-cost safety: adversarial shapes at the default limits
//! (`gasket_harness::shapes`, shared with the compile-cost bench) compile
//! and run, giving the expected results.
#![allow(missing_docs)]

mod common;

use common::{compile, prepare, run};
use gasket_harness::shapes::{self, Shape};

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
            "large_straight_line_body"
        ]
    );
}
