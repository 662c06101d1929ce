(module
  (type (;0;) (func (param i64) (result i64)))
  (type (;1;) (func (param i64)))
  (type (;2;) (func (param i32 i64) (result i32)))
  (type (;3;) (func (param i32)))
  (type (;4;) (func))
  (memory (;0;) 1 128)
  (global (;0;) (mut i64) i64.const 0)
  (global (;1;) (mut i32) i32.const 0)
  (export "memory" (memory 0))
  (export "fib" (func $fib))
  (export "__gasket_gas" (global 0))
  (export "__gasket_stack" (global 1))
  (export "__gasket_start" (func 6))
  (func $fib (;0;) (type 0) (param i64) (result i64)
    i32.const 8
    call 4
    block (result i64) ;; label = @1
      i64.const 5
      call 1
      local.get 0
      i64.const 2
      i64.lt_u
      if (result i64) ;; label = @2
        i64.const 1
        call 1
        local.get 0
      else
        i64.const 156
        call 1
        local.get 0
        i64.const 1
        i64.sub
        call $fib
        local.get 0
        i64.const 2
        i64.sub
        call $fib
        i64.add
      end
    end
    i32.const 8
    call 5
  )
  (func (;1;) (type 1) (param i64)
    global.get 0
    local.get 0
    i64.lt_u
    if ;; label = @1
      i64.const -1
      global.set 0
      unreachable
    end
    global.get 0
    local.get 0
    i64.sub
    global.set 0
  )
  (func (;2;) (type 2) (param i32 i64) (result i32)
    local.get 0
    i64.extend_i32_u
    local.get 1
    i64.mul
    call 1
    local.get 0
  )
  (func (;3;) (type 2) (param i32 i64) (result i32)
    local.get 0
    i64.extend_i32_u
    local.get 1
    i64.mul
    i64.const 1023
    i64.add
    i64.const 10
    i64.shr_u
    call 1
    local.get 0
  )
  (func (;4;) (type 3) (param i32)
    global.get 1
    local.get 0
    i32.add
    local.tee 0
    i32.const 32768
    i32.gt_u
    if ;; label = @1
      i32.const -1
      global.set 1
      unreachable
    end
    local.get 0
    global.set 1
  )
  (func (;5;) (type 3) (param i32)
    global.get 1
    local.get 0
    i32.sub
    global.set 1
  )
  (func (;6;) (type 4)
    i64.const 8192
    call 1
  )
)
