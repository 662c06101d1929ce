//! Cold calls: a function whose only calls (but to the metering helpers)
//! are panics' — a `call` right before an `unreachable` — is translated as
//! a leaf (its stack height in a register, `translate::inline::LeafScan`)
//! and may be inlined. Its cold call stores the height in the global
//! first, so the callee starts from the height the metering's wasm
//! would give it. Each export must end as wasmi running the instrumented
//! module does (result or trap, gas, exported globals, memory), in every
//! engine configuration, at every gas limit near the end of the call.
#![allow(missing_docs)]

use gasket_harness::differential;
use gasket_metering::{Config, Permissive, prepare_with_policy};

/// `$panic` recurses `$n` levels, counting them in `levels`: how many fit
/// under the stack-height limit depends on the height it starts from.
const COLD_CALLS: &str = r#"
(module
  (memory (export "memory") 1)
  (global $levels (export "levels") (mut i32) (i32.const 0))
  (data (i32.const 4096) "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
  (func $panic (param $n i32)
    (global.set $levels (i32.add (global.get $levels) (i32.const 1)))
    (if (local.get $n)
      (then (call $panic (i32.sub (local.get $n) (i32.const 1))))))
  ;; A leaf but for a panic: x * 3 below 100, else a panic $n levels deep.
  (func $check (export "check") (param $x i32) (param $n i32) (result i32)
    (local $spill i64)
    (local.set $spill (i64.extend_i32_u (local.get $x)))
    (if (i32.ge_u (local.get $x) (i32.const 100))
      (then (call $panic (local.get $n)) (unreachable)))
    (i32.store (i32.const 16) (local.get $x))
    (i32.wrap_i64 (i64.mul (local.get $spill) (i64.const 3))))
  ;; $check inlined $d levels down.
  (func $recurse (param $d i32) (param $x i32) (param $n i32) (result i32)
    (if (result i32) (local.get $d)
      (then (call $recurse (i32.sub (local.get $d) (i32.const 1))
        (local.get $x) (local.get $n)))
      (else (call $check (local.get $x) (local.get $n)))))
  (func (export "fine") (result i32) (call $check (i32.const 7) (i32.const 0)))
  (func (export "panic_returns") (result i32)
    (call $check (i32.const 100) (i32.const 5)))
  (func (export "panic_overflows") (result i32)
    (call $check (i32.const 100) (i32.const 1000000)))
  (func (export "deep_fine") (result i32)
    (call $recurse (i32.const 40) (i32.const 9) (i32.const 0)))
  (func (export "deep_panic_returns") (result i32)
    (call $recurse (i32.const 40) (i32.const 100) (i32.const 3)))
  (func (export "deep_panic_overflows") (result i32)
    (call $recurse (i32.const 40) (i32.const 1000) (i32.const 1000000)))
  ;; A leaf with a versioned loop (counting down) between two cold calls.
  (func $sum (export "sum") (param $p i32) (param $n i32) (param $d i32) (result i32)
    (local $s i32)
    (if (i32.gt_u (local.get $n) (i32.const 4096))
      (then (call $panic (local.get $d)) (unreachable)))
    (block $out
      (loop $top
        (local.set $s (i32.add (local.get $s) (i32.load8_u (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br_if $out (i32.eqz (local.tee $n (i32.add (local.get $n) (i32.const -1)))))
        (br $top)))
    (if (i32.gt_u (local.get $s) (i32.const 3000))
      (then (call $panic (local.get $d)) (unreachable)))
    (local.get $s))
  ;; rustc's shape, a cold call in the versioned loop's exit code.
  (func $scan (export "scan") (param $p i32) (param $n i32) (param $d i32) (result i32)
    (local $i i32) (local $s i32)
    (loop $top
      (block $b
        (br_if $b (i32.ne (local.get $i) (local.get $n)))
        (call $panic (local.get $d))
        (unreachable))
      (local.set $s (i32.add (local.get $s)
        (i32.load8_u (i32.add (local.get $p) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $top))
    (unreachable))
  (func (export "sum_twice") (param $p i32) (param $n i32) (param $d i32) (result i32)
    (i32.add (call $sum (local.get $p) (local.get $n) (local.get $d))
      (call $sum (local.get $p) (local.get $n) (i32.add (local.get $d) (i32.const 1)))))
  ;; A cold call in a loop: the leaf's checks stay on its path.
  (func (export "sum_checked") (param $to i32) (result i32) (local $i i32) (local $sum i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $to)))
        (local.set $sum (i32.add (local.get $sum)
          (call $check (i32.mul (local.get $i) (i32.const 20)) (i32.const 100000))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $sum))
)
"#;

/// Enough for `$panic` to reach the stack-height limit.
const AMPLE_GAS: u64 = 100_000_000;

#[test]
fn cold_calls_end_as_the_metering_s_wasm_does() {
    differential::with_big_stack(|| {
        let wasm = wat::parse_str(COLD_CALLS).unwrap();
        let prepared = prepare_with_policy(&wasm, &Config::default(), &Permissive).unwrap();
        let mut cases: Vec<(&str, Vec<i64>)> = vec![
            ("check", vec![7, 0]),
            ("check", vec![100, 0]),
            ("check", vec![100, 4]),
            ("check", vec![-1, 1_000_000]),
            ("fine", vec![]),
            ("panic_returns", vec![]),
            ("panic_overflows", vec![]),
            ("deep_fine", vec![]),
            ("deep_panic_returns", vec![]),
            ("deep_panic_overflows", vec![]),
            ("sum_checked", vec![5]),
            ("sum_checked", vec![6]),
        ];
        // 4096 + n: the last byte read just in or past the first page.
        for export in ["sum", "scan", "sum_twice"] {
            for (n, d) in [
                (16, 3),
                (60, 3),
                (5000, 3),
                (5000, 1_000_000),
                (60, 1_000_000),
                (0, 2),
                (61_440, 2),
                (61_441, 2),
            ] {
                cases.push((export, vec![4096, n, d]));
            }
        }
        let modules = differential::compiled_three_ways(&prepared);
        let mut kinds = std::collections::BTreeSet::new();
        for (export, args) in &cases {
            let params = &prepared
                .info
                .func_sig(prepared.info.export(export).unwrap().index)
                .unwrap()
                .params;
            let call = (*export, &params[..], &args[..]);
            let mut observe = |gas| {
                let seen =
                    differential::all_agree_with_gas(&prepared, &modules, call, gas, "cold_calls");
                kinds.insert(format!("{:?}", seen.outcome));
                seen
            };
            let used = observe(AMPLE_GAS).gas_used;
            for gas in (used.saturating_sub(40)..=used + 1).chain([used / 2, used / 3]) {
                observe(gas);
            }
        }
        // Returned, panicked (the callee returned) and overflowed in the
        // panic, out of gas, and out of bounds in a versioned loop: every
        // way out of a cold call was taken.
        for kind in [
            "Returned",
            "Unreachable",
            "StackOverflow",
            "OutOfGas",
            "MemoryOutOfBounds",
        ] {
            assert!(kinds.iter().any(|k| k.contains(kind)), "{kind}: {kinds:?}");
        }
    });
}
