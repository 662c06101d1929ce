;; call: grow 1
;; call: grow 1000
;; call: copy 0
;; call: copy 65536
;; call: copy 65537
;; call: fill 300
(module
  (memory (export "memory") 1 4)
  (func (export "grow") (param i32) (result i32)
    (memory.grow (local.get 0)))
  (func (export "copy") (param i32) (result i32)
    (memory.copy (i32.const 0) (i32.const 0) (local.get 0))
    (memory.size))
  (func (export "fill") (param i32) (result i32)
    (memory.fill (i32.const 16) (i32.const 0xab) (local.get 0))
    (i32.load (i32.const 16))))
