;; call: switch 0
;; call: switch 1
;; call: switch 2
;; call: switch 7
;; call: div 7 0
;; call: div -2147483648 -1
;; call: div 9 3
(module
  (memory (export "memory") 1)
  (func (export "switch") (param i32) (result i32)
    (block $c (block $b (block $a
      (br_table $a $b $c (local.get 0)))
      (return (i32.const 100)))
      (return (i32.const 200)))
    (i32.const 300))
  (func (export "div") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1))))
