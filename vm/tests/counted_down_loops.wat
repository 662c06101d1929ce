(module
  (memory 1)
  (data (i32.const 4096) "abcdefgh")
  (data (i32.const 8192) "abcdefgX")
  (func $compare (export "compare") (param $a i32) (param $b i32) (param $n i32) (result i32)
    (local $x i32) (local $y i32)
    (block $same
      (br_if $same (i32.eqz (local.get $n)))
      (block $differ
        (loop $top
          (br_if $differ (i32.ne (local.tee $x (i32.load8_u (local.get $a)))
            (local.tee $y (i32.load8_u (local.get $b)))))
          (local.set $a (i32.add (local.get $a) (i32.const 1)))
          (local.set $b (i32.add (local.get $b) (i32.const 1)))
          (br_if $same (i32.eqz (local.tee $n (i32.add (local.get $n) (i32.const -1)))))
          (br $top)))
      (return (i32.sub (local.get $x) (local.get $y))))
    (i32.const 0))
  (func (export "compare_inlined") (param $a i32) (param $b i32) (param $n i32) (result i32)
    (i32.add (call $compare (local.get $a) (local.get $b) (local.get $n)) (i32.const 1000)))
  (func (export "clear") (param $base i32) (param $i i32) (result i32)
    (block $out
      (loop $top
        (i64.store offset=8 (i32.add (local.get $base) (local.get $i))
          (i64.extend_i32_u (local.get $i)))
        (br_if $out (i32.eqz (local.tee $i (i32.add (local.get $i) (i32.const -8)))))
        (br $top)))
    (i32.load offset=16 (local.get $base)))
  (func (export "fill_down") (param $p i32) (param $n i32) (result i32)
    (block $out
      (loop $top
        (i32.store8 (local.get $p) (local.get $n))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br_if $out (i32.eqz (local.tee $n (i32.add (local.get $n) (i32.const -1)))))
        (br $top)))
    (local.get $p))
  (func $sum_then_grow (param $p i32) (param $n i32) (result i32) (local $s i32)
    (block $out
      (loop $top
        (local.set $s (i32.add (local.get $s) (i32.load8_u (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br_if $out (i32.eqz (local.tee $n (i32.add (local.get $n) (i32.const -1)))))
        (br $top)))
    (drop (memory.grow (i32.const 1)))
    (i32.store (i32.const 65536) (i32.const 41))
    (i32.add (local.get $s) (i32.load (i32.const 65536))))
  (func (export "grow_in_inlined") (result i32)
    (call $sum_then_grow (i32.const 4096) (i32.const 16)))
  (func (export "grow_after_inlined") (result i32)
    (drop (call $compare (i32.const 0) (i32.const 64) (i32.const 32)))
    (drop (memory.grow (i32.const 1)))
    (i32.load (i32.const 65536))))
