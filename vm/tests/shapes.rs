//! Compile-cost safety: adversarial shapes at the default limits compile
//! (or fail with a typed error) and run, in bounded time.
#![allow(missing_docs)]

mod common;

use common::{compile, prepare, run};

fn module(body: &str) -> String {
    format!("(module (memory 1) {body})")
}

#[test]
fn most_locals() {
    // 10,000 locals (the default limit), all live across a loop.
    let mut f = String::from("(func (export \"f\") (param i32) (result i64) (local");
    for _ in 0..9_999 {
        f.push_str(" i64");
    }
    f.push(')');
    let mut sets = String::new();
    for i in 1..9_999 {
        sets.push_str(&format!("(local.set {i} (i64.const {i}))"));
    }
    let mut sum = String::from("(i64.const 0)");
    for i in (1..9_999).step_by(97) {
        sum = format!("(i64.add {sum} (local.get {i}))");
    }
    f.push_str(&sets);
    f.push_str(&sum);
    f.push(')');
    let m = compile(&prepare(&module(&f)));
    let expected: i64 = (1..9_999).step_by(97).sum();
    assert_eq!(run(&m, "f", &[0]).outcome, Ok(vec![expected]));
}

#[test]
fn most_params_and_results() {
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
    let mut drops = String::new();
    for _ in 0..31 {
        drops.push_str("(local.set 0)");
    }
    let wat = module(&format!(
        "(func $many (param{params}) (result{results}) {body})
         (func (export \"f\") (result i64) (local i64) {call} {drops})"
    ));
    let m = compile(&prepare(&wat));
    // The first result is local 127 = 127; the others were stored away.
    assert_eq!(run(&m, "f", &[]).outcome, Ok(vec![127]));
}

#[test]
fn deepest_nesting() {
    let depth = 1_000;
    let mut body = String::new();
    for _ in 0..depth {
        body.push_str("(block (result i32) ");
    }
    body.push_str("(local.get 0)");
    for _ in 0..depth {
        body.push(')');
    }
    let wat = module(&format!(
        "(func (export \"f\") (param i32) (result i32) {body})"
    ));
    let m = compile(&prepare(&wat));
    assert_eq!(run(&m, "f", &[5]).outcome, Ok(vec![5]));
}

#[test]
fn biggest_br_table() {
    let targets = "0 1 ".repeat(32_767);
    let wat = module(&format!(
        "(func (export \"f\") (param i32) (result i32)
           (block (block (br_table {targets} 1 (local.get 0))) (return (i32.const 10)))
           (i32.const 20))"
    ));
    let m = compile(&prepare(&wat));
    assert_eq!(run(&m, "f", &[0]).outcome, Ok(vec![10]));
    assert_eq!(run(&m, "f", &[1]).outcome, Ok(vec![20]));
    assert_eq!(run(&m, "f", &[1_000_000]).outcome, Ok(vec![20]));
}

#[test]
fn many_small_functions() {
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
    let m = compile(&prepare(&wat));
    assert_eq!(run(&m, "f", &[0]).outcome, Ok(vec![1_999]));
}

#[test]
fn large_straight_line_body() {
    let mut body = String::from("(local.get 0)");
    for i in 0..20_000 {
        body = format!("{body} (i32.const {i}) (i32.xor) (i32.const 3) (i32.mul)");
    }
    let wat = module(&format!(
        "(func (export \"f\") (param i32) (result i32) {body})"
    ));
    let m = compile(&prepare(&wat));
    let mut expected = 0i32;
    for i in 0..20_000 {
        expected = (expected ^ i).wrapping_mul(3);
    }
    assert_eq!(run(&m, "f", &[0]).outcome, Ok(vec![i64::from(expected)]));
}
