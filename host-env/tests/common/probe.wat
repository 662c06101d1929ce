;; The probe: runs a script of host calls given in its input.
;; One branch per host function, in the order of gasket_metering::HostFn.
(module
  (import "env" "input_len" (func $input_len (result i32)))
  (import "env" "input_read" (func $input_read (param i32)))
  (import "env" "return_data" (func $return_data (param i32 i32)))
  (import "env" "revert" (func $revert (param i32 i32)))
  (import "env" "storage_read" (func $storage_read (param i32 i32 i32 i32) (result i64)))
  (import "env" "storage_write" (func $storage_write (param i32 i32 i32 i32)))
  (import "env" "storage_remove" (func $storage_remove (param i32 i32) (result i32)))
  (import "env" "caller" (func $caller (param i32)))
  (import "env" "self_address" (func $self_address (param i32)))
  (import "env" "block_height" (func $block_height (result i64)))
  (import "env" "block_timestamp" (func $block_timestamp (result i64)))
  (import "env" "gas_left" (func $gas_left (result i64)))
  (import "env" "emit_event" (func $emit_event (param i32 i32 i32 i32)))
  (import "env" "debug_log" (func $debug_log (param i32 i32)))
  (import "env" "blake3" (func $blake3 (param i32 i32 i32)))
  (import "env" "call" (func $call (param i32 i32 i32 i32 i32 i64) (result i32)))
  (import "env" "result_len" (func $result_len (result i32)))
  (import "env" "result_read" (func $result_read (param i32)))
  (memory (export "memory") 1)
  ;; Input layout (copied to 0): count:i32 at 0; record i at 8 + 56*i:
  ;; op:i32, then six i64 arguments at +8..+56. Op n < 18 calls host
  ;; function n; op 100 copies a2 bytes from a1 to a0 (memory.copy);
  ;; op 101 loops forever; op 102 recurses a0 frames deep then runs the
  ;; record at index a1. Results go to 0xF000 + 8*i; at the end the
  ;; results are the return data (unless a return_data op ran).
  (global $returned (mut i32) (i32.const 0))
  (func $arg (param $rec i32) (param $i i32) (result i64)
    (i64.load (i32.add (local.get $rec) (i32.add (i32.const 8) (i32.shl (local.get $i) (i32.const 3))))))
  (func $a (param $rec i32) (param $i i32) (result i32)
    (i32.wrap_i64 (call $arg (local.get $rec) (local.get $i))))
  (func $deep (param $n i32) (param $index i32) (result i64)
    (if (result i64) (i32.eqz (local.get $n))
      (then (call $run (local.get $index)))
      (else (i64.add (call $deep (i32.sub (local.get $n) (i32.const 1)) (local.get $index)) (i64.const 0)))))
  (func $run (param $index i32) (result i64)
    (local $rec i32) (local $op i32)
    (local.set $rec (i32.add (i32.const 8) (i32.mul (local.get $index) (i32.const 56))))
    (local.set $op (i32.load (local.get $rec)))
    (if (i32.eq (local.get $op) (i32.const 0)) (then
      (return (i64.extend_i32_s (call $input_len)))))
    (if (i32.eq (local.get $op) (i32.const 1)) (then
      (return (block (result i64) (call $input_read (call $a (local.get $rec) (i32.const 0))) (i64.const 0)))))
    (if (i32.eq (local.get $op) (i32.const 2)) (then
      (global.set $returned (i32.const 1))
      (return (block (result i64) (call $return_data (call $a (local.get $rec) (i32.const 0)) (call $a (local.get $rec) (i32.const 1))) (i64.const 0)))))
    (if (i32.eq (local.get $op) (i32.const 3)) (then
      (return (block (result i64) (call $revert (call $a (local.get $rec) (i32.const 0)) (call $a (local.get $rec) (i32.const 1))) (i64.const 0)))))
    (if (i32.eq (local.get $op) (i32.const 4)) (then
      (return (call $storage_read (call $a (local.get $rec) (i32.const 0)) (call $a (local.get $rec) (i32.const 1)) (call $a (local.get $rec) (i32.const 2)) (call $a (local.get $rec) (i32.const 3))))))
    (if (i32.eq (local.get $op) (i32.const 5)) (then
      (return (block (result i64) (call $storage_write (call $a (local.get $rec) (i32.const 0)) (call $a (local.get $rec) (i32.const 1)) (call $a (local.get $rec) (i32.const 2)) (call $a (local.get $rec) (i32.const 3))) (i64.const 0)))))
    (if (i32.eq (local.get $op) (i32.const 6)) (then
      (return (i64.extend_i32_s (call $storage_remove (call $a (local.get $rec) (i32.const 0)) (call $a (local.get $rec) (i32.const 1)))))))
    (if (i32.eq (local.get $op) (i32.const 7)) (then
      (return (block (result i64) (call $caller (call $a (local.get $rec) (i32.const 0))) (i64.const 0)))))
    (if (i32.eq (local.get $op) (i32.const 8)) (then
      (return (block (result i64) (call $self_address (call $a (local.get $rec) (i32.const 0))) (i64.const 0)))))
    (if (i32.eq (local.get $op) (i32.const 9)) (then
      (return (call $block_height))))
    (if (i32.eq (local.get $op) (i32.const 10)) (then
      (return (call $block_timestamp))))
    (if (i32.eq (local.get $op) (i32.const 11)) (then
      (return (call $gas_left))))
    (if (i32.eq (local.get $op) (i32.const 12)) (then
      (return (block (result i64) (call $emit_event (call $a (local.get $rec) (i32.const 0)) (call $a (local.get $rec) (i32.const 1)) (call $a (local.get $rec) (i32.const 2)) (call $a (local.get $rec) (i32.const 3))) (i64.const 0)))))
    (if (i32.eq (local.get $op) (i32.const 13)) (then
      (return (block (result i64) (call $debug_log (call $a (local.get $rec) (i32.const 0)) (call $a (local.get $rec) (i32.const 1))) (i64.const 0)))))
    (if (i32.eq (local.get $op) (i32.const 14)) (then
      (return (block (result i64) (call $blake3 (call $a (local.get $rec) (i32.const 0)) (call $a (local.get $rec) (i32.const 1)) (call $a (local.get $rec) (i32.const 2))) (i64.const 0)))))
    (if (i32.eq (local.get $op) (i32.const 15)) (then
      (return (i64.extend_i32_s (call $call (call $a (local.get $rec) (i32.const 0)) (call $a (local.get $rec) (i32.const 1)) (call $a (local.get $rec) (i32.const 2)) (call $a (local.get $rec) (i32.const 3)) (call $a (local.get $rec) (i32.const 4)) (call $arg (local.get $rec) (i32.const 5)))))))
    (if (i32.eq (local.get $op) (i32.const 16)) (then
      (return (i64.extend_i32_s (call $result_len)))))
    (if (i32.eq (local.get $op) (i32.const 17)) (then
      (return (block (result i64) (call $result_read (call $a (local.get $rec) (i32.const 0))) (i64.const 0)))))
    (if (i32.eq (local.get $op) (i32.const 100)) (then
      (memory.copy (call $a (local.get $rec) (i32.const 0)) (call $a (local.get $rec) (i32.const 1)) (call $a (local.get $rec) (i32.const 2)))
      (return (i64.const 0))))
    (if (i32.eq (local.get $op) (i32.const 101)) (then
      (loop $forever (br $forever))))
    (if (i32.eq (local.get $op) (i32.const 102)) (then
      (return (call $deep (call $a (local.get $rec) (i32.const 0)) (call $a (local.get $rec) (i32.const 1))))))
    (unreachable))
  (func $probe (export "probe")
    (local $i i32) (local $count i32)
    (call $input_read (i32.const 0))
    (local.set $count (i32.load (i32.const 0)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (i64.store (i32.add (i32.const 0xF000) (i32.shl (local.get $i) (i32.const 3)))
          (call $run (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (if (i32.eqz (global.get $returned)) (then
      (call $return_data (i32.const 0xF000) (i32.shl (local.get $count) (i32.const 3))))))
  ;; A view method by the ABI section the tests give it.
  (func (export "view_probe") (call $probe))
  (func (export "init")
    (call $storage_write (i32.const 0) (i32.const 4) (i32.const 0) (i32.const 4))))
