;; call: hash 0
;; call: hash 1000
(module
  (memory (export "memory") 1)
  (data (i32.const 0) "The quick brown fox jumps over the lazy dog")
  (func (export "hash") (param $n i32) (result i64)
    (local $h i64) (local $i i32)
    (local.set $h (i64.const 0xcbf29ce484222325))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $h (i64.mul (i64.xor (local.get $h)
                                        (i64.load8_u (i32.rem_u (local.get $i) (i32.const 43))))
                               (i64.const 0x100000001b3)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $h)))
