;; call: down 10
;; call: down 100000
;; call: via_table 100000
(module
  (memory (export "memory") 1)
  (table 1 funcref)
  (elem (i32.const 0) $via_table)
  (type $t (func (param i32) (result i32)))
  (func $down (export "down") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1)))))))
  (func $via_table (export "via_table") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (call_indirect (type $t) (i32.sub (local.get 0) (i32.const 1)) (i32.const 0))))))
