(module
  (type (;0;) (func (param i32) (result i32)))
  (type (;1;) (func (param i32 i32) (result i32)))
  (type (;2;) (func (param i64)))
  (type (;3;) (func (param i32 i64) (result i32)))
  (type (;4;) (func (param i32)))
  (type (;5;) (func))
  (memory (;0;) 1 128)
  (global (;0;) (mut i64) i64.const 0)
  (global (;1;) (mut i32) i32.const 0)
  (export "memory" (memory 0))
  (export "switch" (func 0))
  (export "div" (func 1))
  (export "__gasket_gas" (global 0))
  (export "__gasket_stack" (global 1))
  (export "__gasket_start" (func 7))
  (func (;0;) (type 0) (param i32) (result i32)
    i32.const 6
    call 5
    block $c (result i32)
      i64.const 36
      call 2
      block $b
        block $a
          block ;; label = @4
            local.get 0
            br_table 0 (;@4;) $a $b
          end
          i64.const 2
          call 2
          i32.const 100
          br $c
        end
        i64.const 2
        call 2
        i32.const 200
        br $c
      end
      i64.const 1
      call 2
      i32.const 300
    end
    i32.const 6
    call 6
  )
  (func (;1;) (type 1) (param i32 i32) (result i32)
    i32.const 8
    call 5
    block (result i32) ;; label = @1
      i64.const 85
      call 2
      local.get 0
      local.get 1
      i32.div_s
    end
    i32.const 8
    call 6
  )
  (func (;2;) (type 2) (param i64)
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
  (func (;3;) (type 3) (param i32 i64) (result i32)
    local.get 0
    i64.extend_i32_u
    local.get 1
    i64.mul
    call 2
    local.get 0
  )
  (func (;4;) (type 3) (param i32 i64) (result i32)
    local.get 0
    i64.extend_i32_u
    local.get 1
    i64.mul
    i64.const 1023
    i64.add
    i64.const 10
    i64.shr_u
    call 2
    local.get 0
  )
  (func (;5;) (type 4) (param i32)
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
  (func (;6;) (type 4) (param i32)
    global.get 1
    local.get 0
    i32.sub
    global.set 1
  )
  (func (;7;) (type 5)
    i64.const 8192
    call 2
  )
)
