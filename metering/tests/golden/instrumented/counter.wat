(module
  (type (;0;) (func (param i32 i32) (result i32)))
  (type (;1;) (func (param i32 i32 i32) (result i32)))
  (type (;2;) (func (param i32 i32)))
  (type (;3;) (func (param i32 i32 i32 i32) (result i64)))
  (type (;4;) (func (param i32 i32 i32 i32)))
  (type (;5;) (func (param i32 i64)))
  (type (;6;) (func (param i32) (result i32)))
  (type (;7;) (func (param i32)))
  (type (;8;) (func (result i64)))
  (type (;9;) (func))
  (type (;10;) (func (param i32 i32 i32)))
  (type (;11;) (func (param i32 i32 i32 i32) (result i32)))
  (type (;12;) (func (param i32 i32 i32 i32 i32)))
  (type (;13;) (func (param i64)))
  (type (;14;) (func (param i32 i64) (result i32)))
  (type (;15;) (func (param i32)))
  (type (;16;) (func))
  (import "env" "revert" (func (;0;) (type 2) (param i32 i32)))
  (import "env" "storage_read" (func (;1;) (type 3) (param i32 i32 i32 i32) (result i64)))
  (import "env" "return_data" (func (;2;) (type 2) (param i32 i32)))
  (import "env" "storage_write" (func (;3;) (type 4) (param i32 i32 i32 i32)))
  (table (;0;) 6 6 funcref)
  (memory (;0;) 17 128)
  (global (;0;) (mut i32) i32.const 1048576)
  (global (;1;) i32 i32.const 1049536)
  (global (;2;) i32 i32.const 1049524)
  (global (;3;) (mut i64) i64.const 0)
  (global (;4;) (mut i32) i32.const 0)
  (export "memory" (memory 0))
  (export "get" (func 13))
  (export "increment" (func 14))
  (export "__heap_base" (global 1))
  (export "__data_end" (global 2))
  (export "__gasket_gas" (global 3))
  (export "__gasket_stack" (global 4))
  (export "__gasket_start" (func 40))
  (elem (;0;) (i32.const 1) func 16 29 28 34 30)
  (func (;4;) (type 2) (param i32 i32)
    i32.const 8
    call 38
    block ;; label = @1
      i64.const 76
      call 35
      local.get 0
      local.get 1
      call 0
      unreachable
    end
    i32.const 8
    call 39
  )
  (func (;5;) (type 2) (param i32 i32)
    i32.const 8
    call 38
    block ;; label = @1
      i64.const 76
      call 35
      local.get 0
      local.get 1
      call 4
      unreachable
    end
    i32.const 8
    call 39
  )
  (func (;6;) (type 5) (param i32 i64)
    (local i32)
    i32.const 9
    call 38
    block ;; label = @1
      i64.const 76
      call 35
      block ;; label = @2
        i32.const 8
        call 7
        local.tee 2
        br_if 0 (;@2;)
        i64.const 75
        call 35
        i32.const 8
        call 8
        unreachable
      end
      i64.const 16
      call 35
      local.get 0
      i32.const 8
      i32.store offset=8
      local.get 0
      local.get 2
      i32.store offset=4
      local.get 0
      i32.const 8
      i32.store
      local.get 2
      local.get 1
      i64.store align=1
    end
    i32.const 9
    call 39
  )
  (func (;7;) (type 6) (param i32) (result i32)
    (local i32 i32 i32 i32)
    i32.const 12
    call 38
    block (result i32) ;; label = @1
      i64.const 13
      call 35
      i32.const 0
      local.set 1
      block ;; label = @2
        i32.const 0
        i32.load offset=1049512
        local.tee 2
        br_if 0 (;@2;)
        i64.const 13
        call 35
        i32.const 1049536
        local.set 2
        i32.const 0
        i32.const 1049536
        i32.store offset=1049512
        i32.const 0
        memory.size
        i32.const 16
        i32.shl
        i32.store offset=1049516
      end
      i64.const 12
      call 35
      block ;; label = @2
        local.get 2
        i32.const -1
        i32.add
        local.get 2
        local.get 0
        i32.add
        local.tee 0
        i32.ge_u
        br_if 0 (;@2;)
        i64.const 16
        call 35
        i32.const 0
        local.set 1
        block ;; label = @3
          local.get 0
          i32.const 0
          i32.load offset=1049516
          local.tee 3
          i32.le_u
          br_if 0 (;@3;)
          i64.const 43
          call 35
          local.get 0
          local.get 3
          i32.sub
          local.tee 4
          i32.const 16
          i32.shr_u
          local.get 4
          i32.const 65535
          i32.and
          i32.const 0
          i32.ne
          i32.add
          local.tee 4
          i64.const 8192
          call 36
          memory.grow
          i32.const -1
          i32.eq
          br_if 1 (;@2;)
          i64.const 10
          call 35
          i32.const 0
          local.get 4
          i32.const 16
          i32.shl
          local.get 3
          i32.add
          i32.store offset=1049516
        end
        i64.const 10
        call 35
        i32.const 0
        local.get 2
        i32.store offset=1049520
        i32.const 0
        local.get 0
        i32.store offset=1049512
        local.get 2
        local.set 1
      end
      i64.const 1
      call 35
      local.get 1
    end
    i32.const 12
    call 39
  )
  (func (;8;) (type 7) (param i32)
    i32.const 6
    call 38
    block ;; label = @1
      i64.const 75
      call 35
      local.get 0
      call 20
      unreachable
    end
    i32.const 6
    call 39
  )
  (func (;9;) (type 8) (result i64)
    (local i32 i64 i32 i32 i32 i32 i32 i32)
    i32.const 18
    call 38
    block (result i64) ;; label = @1
      i64.const 130
      call 35
      global.get 0
      i32.const 112
      i32.sub
      local.tee 0
      global.set 0
      local.get 0
      i32.const 48
      i32.add
      i32.const 0
      i32.const 64
      i64.const 527
      call 37
      memory.fill
      block ;; label = @2
        block ;; label = @3
          i32.const 1048782
          i32.const 5
          local.get 0
          i32.const 48
          i32.add
          i32.const 64
          call 1
          local.tee 1
          i64.const -1
          i64.le_s
          br_if 0 (;@3;)
          i64.const 106
          call 35
          local.get 0
          i32.const 8
          i32.add
          local.get 1
          i32.wrap_i64
          local.tee 2
          call 10
          local.get 0
          i32.load offset=12
          local.set 3
          local.get 0
          i32.load offset=8
          local.set 4
          block ;; label = @4
            block ;; label = @5
              block ;; label = @6
                block ;; label = @7
                  block ;; label = @8
                    block ;; label = @9
                      local.get 2
                      i32.const 65
                      i32.lt_u
                      br_if 0 (;@9;)
                      i64.const 95
                      call 35
                      i32.const 0
                      local.get 2
                      i32.const 1048782
                      i32.const 5
                      local.get 3
                      local.get 2
                      call 1
                      local.tee 1
                      i32.wrap_i64
                      local.tee 5
                      local.get 2
                      local.get 5
                      i32.lt_u
                      select
                      local.get 1
                      i64.const 0
                      i64.lt_s
                      select
                      local.set 2
                      br 1 (;@8;)
                    end
                    i64.const 4
                    call 35
                    local.get 2
                    i32.eqz
                    br_if 1 (;@7;)
                    i64.const 4
                    call 35
                    local.get 2
                    i32.eqz
                    br_if 0 (;@8;)
                    i64.const 39
                    call 35
                    local.get 3
                    local.get 0
                    i32.const 48
                    i32.add
                    local.get 2
                    i64.const 527
                    call 37
                    memory.copy
                  end
                  i64.const 5
                  call 35
                  local.get 4
                  i32.const -2147483648
                  i32.eq
                  br_if 4 (;@3;)
                  i64.const 5
                  call 35
                  local.get 2
                  i32.const 8
                  i32.lt_u
                  br_if 1 (;@6;)
                  i64.const 16
                  call 35
                  local.get 2
                  i32.const -8
                  i32.add
                  local.set 2
                  local.get 3
                  i64.load align=1
                  local.set 1
                  br 2 (;@5;)
                end
                i64.const 5
                call 35
                local.get 4
                i32.const -2147483648
                i32.eq
                br_if 3 (;@3;)
                i64.const 2
                call 35
                i32.const 0
                local.set 2
              end
              i64.const 96
              call 35
              local.get 0
              i32.const 48
              i32.add
              i32.const 17
              i32.const 1048737
              i32.const 27
              call 11
              i64.const 0
              local.set 1
              local.get 0
              i32.load offset=48
              local.tee 5
              i32.const -2147483647
              i32.eq
              br_if 0 (;@5;)
              i64.const 32
              call 35
              block ;; label = @6
                local.get 0
                i32.load offset=52
                local.tee 6
                local.get 0
                i32.load8_u offset=60
                local.get 5
                i32.const -2147483648
                i32.eq
                local.tee 7
                select
                i32.const 255
                i32.and
                i32.const 17
                i32.eq
                br_if 0 (;@6;)
                i64.const 5
                call 35
                local.get 0
                local.get 5
                i32.store offset=32
                br 2 (;@4;)
              end
              i64.const 82
              call 35
              local.get 0
              i32.const 32
              i32.add
              i32.const 12
              i32.const 1049220
              i32.const 26
              call 11
              block ;; label = @6
                local.get 7
                br_if 0 (;@6;)
                i64.const 75
                call 35
                local.get 5
                local.get 6
                call 12
              end
              i64.const 15
              call 35
              i64.const 0
              local.set 1
              local.get 0
              i32.load offset=32
              i32.const -2147483647
              i32.ne
              br_if 1 (;@4;)
            end
            i64.const 4
            call 35
            block ;; label = @5
              local.get 2
              i32.eqz
              br_if 0 (;@5;)
              i64.const 93
              call 35
              local.get 0
              i32.const 16
              i32.add
              i32.const 12
              i32.const 1048764
              i32.const 18
              call 11
              local.get 0
              i32.load offset=16
              i32.const -2147483647
              i32.ne
              br_if 1 (;@4;)
              i64.const 10
              call 35
              local.get 0
              i64.load offset=24
              local.set 1
            end
            i64.const 76
            call 35
            local.get 4
            local.get 3
            call 12
            br 2 (;@2;)
          end
          i64.const 76
          call 35
          i32.const 1048719
          i32.const 18
          call 5
          unreachable
        end
        i64.const 2
        call 35
        i64.const 0
        local.set 1
      end
      i64.const 6
      call 35
      local.get 0
      i32.const 112
      i32.add
      global.set 0
      local.get 1
    end
    i32.const 18
    call 39
  )
  (func (;10;) (type 2) (param i32 i32)
    (local i32)
    i32.const 9
    call 38
    block ;; label = @1
      i64.const 107
      call 35
      global.get 0
      i32.const 16
      i32.sub
      local.tee 2
      global.set 0
      local.get 2
      i32.const 4
      i32.add
      local.get 1
      call 22
      local.get 2
      i32.load offset=8
      local.set 1
      block ;; label = @2
        local.get 2
        i32.load offset=4
        i32.const 1
        i32.ne
        br_if 0 (;@2;)
        i64.const 84
        call 35
        local.get 1
        local.get 2
        i32.load offset=12
        call 18
        unreachable
      end
      i64.const 21
      call 35
      local.get 0
      local.get 2
      i32.load offset=12
      i32.store offset=4
      local.get 0
      local.get 1
      i32.store
      local.get 2
      i32.const 16
      i32.add
      global.set 0
    end
    i32.const 9
    call 39
  )
  (func (;11;) (type 4) (param i32 i32 i32 i32)
    (local i32 i32 i32)
    i32.const 14
    call 38
    block ;; label = @1
      i64.const 107
      call 35
      global.get 0
      i32.const 16
      i32.sub
      local.tee 4
      global.set 0
      local.get 4
      i32.const 4
      i32.add
      local.get 3
      call 22
      local.get 4
      i32.load offset=8
      local.set 5
      block ;; label = @2
        local.get 4
        i32.load offset=4
        i32.const 1
        i32.eq
        br_if 0 (;@2;)
        i64.const 14
        call 35
        local.get 4
        i32.load offset=12
        local.set 6
        block ;; label = @3
          local.get 3
          i32.eqz
          br_if 0 (;@3;)
          i64.const 36
          call 35
          local.get 6
          local.get 2
          local.get 3
          i64.const 527
          call 37
          memory.copy
        end
        i64.const 22
        call 35
        local.get 0
        local.get 1
        i32.store8 offset=12
        local.get 0
        local.get 3
        i32.store offset=8
        local.get 0
        local.get 6
        i32.store offset=4
        local.get 0
        local.get 5
        i32.store
        local.get 4
        i32.const 16
        i32.add
        global.set 0
        br 1 (;@1;)
      end
      i64.const 84
      call 35
      local.get 5
      local.get 4
      i32.load offset=12
      call 18
      unreachable
    end
    i32.const 14
    call 39
  )
  (func (;12;) (type 2) (param i32 i32)
    (local i32 i32)
    i32.const 10
    call 38
    block ;; label = @1
      i64.const 7
      call 35
      global.get 0
      i32.const 16
      i32.sub
      local.set 2
      block ;; label = @2
        block ;; label = @3
          local.get 0
          br_if 0 (;@3;)
          i64.const 8
          call 35
          i32.const 0
          local.set 0
          local.get 2
          i32.const 12
          i32.add
          local.set 3
          br 1 (;@2;)
        end
        i64.const 9
        call 35
        local.get 2
        i32.const 1
        i32.store offset=12
        local.get 2
        i32.const 8
        i32.add
        local.set 3
      end
      i64.const 16
      call 35
      local.get 3
      local.get 0
      i32.store
      block ;; label = @2
        local.get 2
        i32.load offset=12
        i32.eqz
        br_if 0 (;@2;)
        i64.const 12
        call 35
        local.get 2
        i32.load offset=8
        i32.eqz
        br_if 0 (;@2;)
        i64.const 13
        call 35
        i32.const 0
        i32.load offset=1049520
        local.get 1
        i32.ne
        br_if 0 (;@2;)
        i64.const 4
        call 35
        i32.const 0
        local.get 1
        i32.store offset=1049512
      end
    end
    i32.const 10
    call 39
  )
  (func (;13;) (type 9)
    (local i32 i32)
    i32.const 8
    call 38
    block ;; label = @1
      i64.const 336
      call 35
      global.get 0
      i32.const 16
      i32.sub
      local.tee 0
      global.set 0
      local.get 0
      i32.const 4
      i32.add
      call 9
      call 6
      local.get 0
      i32.load offset=8
      local.tee 1
      local.get 0
      i32.load offset=12
      call 2
      local.get 0
      i32.load offset=4
      local.get 1
      call 12
      local.get 0
      i32.const 16
      i32.add
      global.set 0
    end
    i32.const 8
    call 39
  )
  (func (;14;) (type 9)
    (local i32 i64 i32)
    i32.const 11
    call 38
    block ;; label = @1
      i64.const 84
      call 35
      global.get 0
      i32.const 16
      i32.sub
      local.tee 0
      global.set 0
      block ;; label = @2
        call 9
        local.tee 1
        i64.const -1
        i64.eq
        br_if 0 (;@2;)
        i64.const 264
        call 35
        local.get 0
        i32.const 4
        i32.add
        local.get 1
        i64.const 1
        i64.add
        call 6
        i32.const 1048782
        i32.const 5
        local.get 0
        i32.load offset=8
        local.tee 2
        local.get 0
        i32.load offset=12
        call 3
        local.get 0
        i32.load offset=4
        local.get 2
        call 12
        local.get 0
        i32.const 16
        i32.add
        global.set 0
        br 1 (;@1;)
      end
      i64.const 76
      call 35
      i32.const 1048787
      i32.const 16
      call 5
      unreachable
    end
    i32.const 11
    call 39
  )
  (func (;15;) (type 7) (param i32)
    (local i32)
    i32.const 10
    call 38
    block ;; label = @1
      i64.const 105
      call 35
      global.get 0
      i32.const 16
      i32.sub
      local.tee 1
      global.set 0
      local.get 1
      local.get 0
      i32.store offset=4
      local.get 1
      i32.const 1
      i64.extend_i32_u
      i64.const 32
      i64.shl
      local.get 1
      i32.const 4
      i32.add
      i64.extend_i32_u
      i64.or
      i64.store offset=8
      local.get 1
      i32.const 8
      i32.add
      call 17
      unreachable
    end
    i32.const 10
    call 39
  )
  (func (;16;) (type 0) (param i32 i32) (result i32)
    (local i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i64)
    i32.const 22
    call 38
    block (result i32) ;; label = @1
      i64.const 24
      call 35
      global.get 0
      i32.const 16
      i32.sub
      local.tee 2
      global.set 0
      i32.const 10
      local.set 3
      local.get 0
      i32.load
      local.tee 4
      local.set 5
      block ;; label = @2
        local.get 4
        i32.const 1000
        i32.lt_u
        br_if 0 (;@2;)
        i64.const 4
        call 35
        i32.const 10
        local.set 3
        local.get 4
        local.set 5
        loop ;; label = @3
          i64.const 249
          call 35
          local.get 2
          i32.const 6
          i32.add
          local.get 3
          i32.add
          local.tee 6
          i32.const -4
          i32.add
          local.get 5
          local.tee 0
          local.get 0
          i32.const 10000
          i32.div_u
          local.tee 5
          i32.const 10000
          i32.mul
          i32.sub
          local.tee 7
          i32.const 65535
          i32.and
          i32.const 100
          i32.div_u
          local.tee 8
          i32.const 1
          i32.shl
          i32.load16_u offset=1049246 align=1
          i32.store16 align=1
          local.get 6
          i32.const -2
          i32.add
          local.get 7
          local.get 8
          i32.const 100
          i32.mul
          i32.sub
          i32.const 65535
          i32.and
          i32.const 1
          i32.shl
          i32.load16_u offset=1049246 align=1
          i32.store16 align=1
          local.get 3
          i32.const -4
          i32.add
          local.set 3
          local.get 0
          i32.const 9999999
          i32.gt_u
          br_if 0 (;@3;)
        end
      end
      i64.const 5
      call 35
      block ;; label = @2
        block ;; label = @3
          local.get 5
          i32.const 9
          i32.gt_u
          br_if 0 (;@3;)
          i64.const 3
          call 35
          local.get 5
          local.set 0
          br 1 (;@2;)
        end
        i64.const 125
        call 35
        local.get 2
        i32.const 6
        i32.add
        local.get 3
        i32.const -2
        i32.add
        local.tee 3
        i32.add
        local.get 5
        local.get 5
        i32.const 65535
        i32.and
        i32.const 100
        i32.div_u
        local.tee 0
        i32.const 100
        i32.mul
        i32.sub
        i32.const 65535
        i32.and
        i32.const 1
        i32.shl
        i32.load16_u offset=1049246 align=1
        i32.store16 align=1
      end
      i64.const 4
      call 35
      block ;; label = @2
        block ;; label = @3
          local.get 4
          i32.eqz
          br_if 0 (;@3;)
          i64.const 4
          call 35
          local.get 0
          i32.eqz
          br_if 1 (;@2;)
        end
        i64.const 25
        call 35
        local.get 2
        i32.const 6
        i32.add
        local.get 3
        i32.const -1
        i32.add
        local.tee 3
        i32.add
        local.get 0
        i32.const 1
        i32.shl
        i32.load8_u offset=1049247
        i32.store8
      end
      i64.const 59
      call 35
      i32.const 43
      i32.const 1114112
      local.get 1
      i32.load offset=8
      local.tee 0
      i32.const 2097152
      i32.and
      local.tee 5
      select
      local.set 4
      local.get 0
      i32.const 8388608
      i32.and
      i32.const 23
      i32.shr_u
      local.set 9
      local.get 2
      i32.const 6
      i32.add
      local.get 3
      i32.add
      local.set 10
      block ;; label = @2
        block ;; label = @3
          local.get 5
          i32.const 21
          i32.shr_u
          i32.const 10
          local.get 3
          i32.sub
          local.tee 11
          i32.add
          local.tee 7
          local.get 1
          i32.load16_u offset=12
          local.tee 8
          i32.ge_u
          br_if 0 (;@3;)
          i64.const 5
          call 35
          block ;; label = @4
            block ;; label = @5
              block ;; label = @6
                local.get 0
                i32.const 16777216
                i32.and
                br_if 0 (;@6;)
                i64.const 51
                call 35
                local.get 8
                local.get 7
                i32.sub
                local.set 12
                i32.const 0
                local.set 3
                i32.const 0
                local.set 8
                block ;; label = @7
                  block ;; label = @8
                    block ;; label = @9
                      local.get 0
                      i32.const 29
                      i32.shr_u
                      i32.const 3
                      i32.and
                      br_table 2 (;@7;) 0 (;@9;) 1 (;@8;) 0 (;@9;) 2 (;@7;)
                    end
                    i64.const 3
                    call 35
                    local.get 12
                    local.set 8
                    br 1 (;@7;)
                  end
                  i64.const 8
                  call 35
                  local.get 12
                  i32.const 65534
                  i32.and
                  i32.const 1
                  i32.shr_u
                  local.set 8
                end
                i64.const 25
                call 35
                local.get 0
                i32.const 2097151
                i32.and
                local.set 7
                local.get 1
                i32.load offset=4
                local.set 6
                local.get 1
                i32.load
                local.set 5
                loop ;; label = @7
                  i64.const 11
                  call 35
                  local.get 3
                  i32.const 65535
                  i32.and
                  local.get 8
                  i32.const 65535
                  i32.and
                  i32.ge_u
                  br_if 2 (;@5;)
                  i64.const 97
                  call 35
                  i32.const 1
                  local.set 0
                  local.get 3
                  i32.const 1
                  i32.add
                  local.set 3
                  local.get 5
                  local.get 7
                  local.get 6
                  i32.load offset=16
                  call_indirect (type 0)
                  i32.eqz
                  br_if 0 (;@7;)
                  i64.const 1
                  call 35
                  br 5 (;@2;)
                end
              end
              i64.const 119
              call 35
              local.get 1
              local.get 1
              i64.load offset=8 align=4
              local.tee 13
              i32.wrap_i64
              i32.const -1612709888
              i32.and
              i32.const 536870960
              i32.or
              i32.store offset=8
              i32.const 1
              local.set 0
              local.get 1
              i32.load
              local.tee 5
              local.get 1
              i32.load offset=4
              local.tee 6
              local.get 4
              local.get 9
              call 25
              br_if 3 (;@2;)
              i64.const 10
              call 35
              i32.const 0
              local.set 3
              local.get 8
              local.get 7
              i32.sub
              i32.const 65535
              i32.and
              local.set 7
              loop ;; label = @6
                i64.const 8
                call 35
                local.get 3
                i32.const 65535
                i32.and
                local.get 7
                i32.ge_u
                br_if 2 (;@4;)
                i64.const 97
                call 35
                i32.const 1
                local.set 0
                local.get 3
                i32.const 1
                i32.add
                local.set 3
                local.get 5
                i32.const 48
                local.get 6
                i32.load offset=16
                call_indirect (type 0)
                i32.eqz
                br_if 0 (;@6;)
                i64.const 1
                call 35
                br 4 (;@2;)
              end
            end
            i64.const 80
            call 35
            i32.const 1
            local.set 0
            local.get 5
            local.get 6
            local.get 4
            local.get 9
            call 25
            br_if 2 (;@2;)
            i64.const 89
            call 35
            local.get 5
            local.get 10
            local.get 11
            local.get 6
            i32.load offset=12
            call_indirect (type 1)
            br_if 2 (;@2;)
            i64.const 10
            call 35
            local.get 12
            local.get 8
            i32.sub
            i32.const 65535
            i32.and
            local.set 8
            i32.const 0
            local.set 3
            loop ;; label = @5
              i64.const 8
              call 35
              block ;; label = @6
                local.get 3
                i32.const 65535
                i32.and
                local.get 8
                i32.lt_u
                br_if 0 (;@6;)
                i64.const 3
                call 35
                i32.const 0
                local.set 0
                br 4 (;@2;)
              end
              i64.const 97
              call 35
              i32.const 1
              local.set 0
              local.get 3
              i32.const 1
              i32.add
              local.set 3
              local.get 5
              local.get 7
              local.get 6
              i32.load offset=16
              call_indirect (type 0)
              i32.eqz
              br_if 0 (;@5;)
              i64.const 1
              call 35
              br 3 (;@2;)
            end
          end
          i64.const 91
          call 35
          i32.const 1
          local.set 0
          local.get 5
          local.get 10
          local.get 11
          local.get 6
          i32.load offset=12
          call_indirect (type 1)
          br_if 1 (;@2;)
          i64.const 7
          call 35
          local.get 1
          local.get 13
          i64.store offset=8 align=4
          i32.const 0
          local.set 0
          br 1 (;@2;)
        end
        i64.const 98
        call 35
        i32.const 1
        local.set 0
        local.get 1
        i32.load
        local.tee 3
        local.get 1
        i32.load offset=4
        local.tee 5
        local.get 4
        local.get 9
        call 25
        br_if 0 (;@2;)
        i64.const 89
        call 35
        local.get 3
        local.get 10
        local.get 11
        local.get 5
        i32.load offset=12
        call_indirect (type 1)
        local.set 0
      end
      i64.const 6
      call 35
      local.get 2
      i32.const 16
      i32.add
      global.set 0
      local.get 0
    end
    i32.const 22
    call 39
  )
  (func (;17;) (type 7) (param i32)
    (local i32)
    i32.const 9
    call 38
    block ;; label = @1
      i64.const 107
      call 35
      global.get 0
      i32.const 32
      i32.sub
      local.tee 1
      global.set 0
      local.get 1
      local.get 0
      i32.store offset=16
      local.get 1
      i32.const 1049041
      i32.store offset=12
      local.get 1
      i32.const 0
      i32.store16 offset=28
      local.get 1
      i32.const 1049168
      i32.store offset=24
      local.get 1
      local.get 1
      i32.const 12
      i32.add
      i32.store offset=20
      local.get 1
      i32.const 20
      i32.add
      call 23
      unreachable
    end
    i32.const 9
    call 39
  )
  (func (;18;) (type 2) (param i32 i32)
    i32.const 7
    call 38
    block ;; label = @1
      i64.const 4
      call 35
      block ;; label = @2
        local.get 0
        i32.eqz
        br_if 0 (;@2;)
        i64.const 75
        call 35
        local.get 1
        call 8
        unreachable
      end
      i64.const 74
      call 35
      call 19
      unreachable
    end
    i32.const 7
    call 39
  )
  (func (;19;) (type 9)
    i32.const 7
    call 38
    block ;; label = @1
      i64.const 77
      call 35
      i32.const 1049184
      i32.const 35
      i32.const 1049204
      call 21
      unreachable
    end
    i32.const 7
    call 39
  )
  (func (;20;) (type 7) (param i32)
    i32.const 6
    call 38
    block ;; label = @1
      i64.const 75
      call 35
      local.get 0
      call 15
      unreachable
    end
    i32.const 6
    call 39
  )
  (func (;21;) (type 10) (param i32 i32 i32)
    (local i32)
    i32.const 11
    call 38
    block ;; label = @1
      i64.const 107
      call 35
      global.get 0
      i32.const 32
      i32.sub
      local.tee 3
      global.set 0
      local.get 3
      local.get 1
      i32.store offset=16
      local.get 3
      local.get 0
      i32.store offset=12
      local.get 3
      i32.const 1
      i32.store16 offset=28
      local.get 3
      local.get 2
      i32.store offset=24
      local.get 3
      local.get 3
      i32.const 12
      i32.add
      i32.store offset=20
      local.get 3
      i32.const 20
      i32.add
      call 23
      unreachable
    end
    i32.const 11
    call 39
  )
  (func (;22;) (type 2) (param i32 i32)
    (local i32)
    i32.const 9
    call 38
    block ;; label = @1
      i64.const 5
      call 35
      block ;; label = @2
        block ;; label = @3
          block ;; label = @4
            local.get 1
            i32.const 0
            i32.lt_s
            br_if 0 (;@4;)
            i64.const 2
            call 35
            local.get 1
            br_if 1 (;@3;)
            i64.const 7
            call 35
            local.get 0
            i64.const 4294967296
            i64.store offset=4 align=4
            i32.const 0
            local.set 1
            br 2 (;@2;)
          end
          i64.const 7
          call 35
          local.get 0
          i32.const 0
          i32.store offset=4
          i32.const 1
          local.set 1
          br 1 (;@2;)
        end
        i64.const 78
        call 35
        block ;; label = @3
          local.get 1
          call 7
          local.tee 2
          i32.eqz
          br_if 0 (;@3;)
          i64.const 11
          call 35
          local.get 0
          local.get 2
          i32.store offset=8
          local.get 0
          local.get 1
          i32.store offset=4
          i32.const 0
          local.set 1
          br 1 (;@2;)
        end
        i64.const 10
        call 35
        local.get 0
        local.get 1
        i32.store offset=8
        i32.const 1
        local.set 1
        local.get 0
        i32.const 1
        i32.store offset=4
      end
      i64.const 4
      call 35
      local.get 0
      local.get 1
      i32.store
    end
    i32.const 9
    call 39
  )
  (func (;23;) (type 7) (param i32)
    (local i32 i32)
    i32.const 11
    call 38
    block ;; label = @1
      i64.const 74
      call 35
      global.get 0
      i32.const 160
      i32.sub
      local.tee 1
      global.set 0
      local.get 1
      i32.const 16
      i32.add
      i32.const 0
      i32.const 132
      i64.const 527
      call 37
      memory.fill
      local.get 1
      local.get 0
      i32.load
      local.tee 0
      i32.store offset=148
      block ;; label = @2
        block ;; label = @3
          local.get 0
          i32.load offset=4
          local.tee 2
          i32.const 1
          i32.and
          i32.eqz
          br_if 0 (;@3;)
          i64.const 174
          call 35
          local.get 0
          i32.load
          local.set 0
          local.get 1
          i32.const 16
          i32.add
          i32.const 1049446
          i32.const 7
          call 28
          drop
          local.get 1
          i32.const 16
          i32.add
          local.get 0
          local.get 2
          i32.const 1
          i32.shr_u
          call 28
          drop
          br 1 (;@2;)
        end
        i64.const 94
        call 35
        local.get 1
        i32.const 2
        i32.store offset=156
        local.get 1
        local.get 1
        i32.const 148
        i32.add
        i32.store offset=152
        local.get 1
        i32.const 16
        i32.add
        i32.const 1048858
        local.get 1
        i32.const 152
        i32.add
        call 30
        drop
      end
      i64.const 182
      call 35
      local.get 1
      i32.const 8
      i32.add
      local.get 1
      i32.const 16
      i32.add
      local.get 1
      i32.load offset=144
      call 31
      local.get 1
      i32.load offset=8
      local.get 1
      i32.load offset=12
      call 32
      unreachable
    end
    i32.const 11
    call 39
  )
  (func (;24;) (type 11) (param i32 i32 i32 i32) (result i32)
    (local i32 i32 i32 i32 i32 i32 i32 i32)
    i32.const 20
    call 38
    block (result i32) ;; label = @1
      i64.const 11
      call 35
      global.get 0
      i32.const 16
      i32.sub
      local.tee 4
      global.set 0
      block ;; label = @2
        block ;; label = @3
          block ;; label = @4
            local.get 3
            i32.const 1
            i32.and
            br_if 0 (;@4;)
            i64.const 11
            call 35
            local.get 2
            i32.load8_u
            local.tee 5
            br_if 1 (;@3;)
            i64.const 3
            call 35
            i32.const 0
            local.set 5
            br 2 (;@2;)
          end
          i64.const 93
          call 35
          local.get 0
          local.get 2
          local.get 3
          i32.const 1
          i32.shr_u
          local.get 1
          i32.load offset=12
          call_indirect (type 1)
          local.set 5
          br 1 (;@2;)
        end
        i64.const 12
        call 35
        local.get 1
        i32.load offset=12
        local.set 6
        i32.const 0
        local.set 7
        loop ;; label = @3
          i64.const 12
          call 35
          local.get 2
          i32.const 1
          i32.add
          local.set 8
          block ;; label = @4
            block ;; label = @5
              block ;; label = @6
                block ;; label = @7
                  block ;; label = @8
                    local.get 5
                    i32.extend8_s
                    i32.const -1
                    i32.gt_s
                    br_if 0 (;@8;)
                    i64.const 9
                    call 35
                    local.get 5
                    i32.const 255
                    i32.and
                    local.tee 9
                    i32.const 128
                    i32.eq
                    br_if 1 (;@7;)
                    i64.const 5
                    call 35
                    local.get 9
                    i32.const 192
                    i32.ne
                    br_if 3 (;@5;)
                    i64.const 117
                    call 35
                    local.get 4
                    local.get 1
                    i32.store offset=4
                    local.get 4
                    local.get 0
                    i32.store
                    local.get 4
                    i64.const 1610612768
                    i64.store offset=8 align=4
                    local.get 3
                    local.get 7
                    i32.const 3
                    i32.shl
                    i32.add
                    local.tee 5
                    i32.load
                    local.get 4
                    local.get 5
                    i32.load offset=4
                    call_indirect (type 0)
                    i32.eqz
                    br_if 2 (;@6;)
                    i64.const 3
                    call 35
                    i32.const 1
                    local.set 5
                    br 6 (;@2;)
                  end
                  i64.const 85
                  call 35
                  block ;; label = @8
                    local.get 0
                    local.get 8
                    local.get 5
                    i32.const 255
                    i32.and
                    local.tee 5
                    local.get 6
                    call_indirect (type 1)
                    br_if 0 (;@8;)
                    i64.const 6
                    call 35
                    local.get 8
                    local.get 5
                    i32.add
                    local.set 2
                    br 4 (;@4;)
                  end
                  i64.const 3
                  call 35
                  i32.const 1
                  local.set 5
                  br 5 (;@2;)
                end
                i64.const 94
                call 35
                block ;; label = @7
                  local.get 0
                  local.get 2
                  i32.const 3
                  i32.add
                  local.tee 5
                  local.get 2
                  i32.load16_u offset=1 align=1
                  local.tee 2
                  local.get 6
                  call_indirect (type 1)
                  br_if 0 (;@7;)
                  i64.const 6
                  call 35
                  local.get 5
                  local.get 2
                  i32.add
                  local.set 2
                  br 3 (;@4;)
                end
                i64.const 3
                call 35
                i32.const 1
                local.set 5
                br 4 (;@2;)
              end
              i64.const 8
              call 35
              local.get 7
              i32.const 1
              i32.add
              local.set 7
              local.get 8
              local.set 2
              br 1 (;@4;)
            end
            i64.const 9
            call 35
            i32.const 1610612768
            local.set 10
            block ;; label = @5
              local.get 5
              i32.const 1
              i32.and
              i32.eqz
              br_if 0 (;@5;)
              i64.const 15
              call 35
              local.get 2
              i32.const 5
              i32.add
              local.set 8
              local.get 2
              i32.load offset=1 align=1
              local.set 10
            end
            i64.const 7
            call 35
            i32.const 0
            local.set 9
            block ;; label = @5
              block ;; label = @6
                local.get 5
                i32.const 2
                i32.and
                br_if 0 (;@6;)
                i64.const 5
                call 35
                i32.const 0
                local.set 11
                local.get 8
                local.set 2
                br 1 (;@5;)
              end
              i64.const 15
              call 35
              local.get 8
              i32.const 2
              i32.add
              local.set 2
              local.get 8
              i32.load16_u align=1
              local.set 11
            end
            i64.const 5
            call 35
            block ;; label = @5
              block ;; label = @6
                local.get 5
                i32.const 4
                i32.and
                br_if 0 (;@6;)
                i64.const 3
                call 35
                local.get 2
                local.set 8
                br 1 (;@5;)
              end
              i64.const 15
              call 35
              local.get 2
              i32.const 2
              i32.add
              local.set 8
              local.get 2
              i32.load16_u align=1
              local.set 9
            end
            i64.const 5
            call 35
            block ;; label = @5
              block ;; label = @6
                local.get 5
                i32.const 8
                i32.and
                br_if 0 (;@6;)
                i64.const 3
                call 35
                local.get 8
                local.set 2
                br 1 (;@5;)
              end
              i64.const 15
              call 35
              local.get 8
              i32.const 2
              i32.add
              local.set 2
              local.get 8
              i32.load16_u align=1
              local.set 7
            end
            i64.const 7
            call 35
            block ;; label = @5
              local.get 5
              i32.const 16
              i32.and
              i32.eqz
              br_if 0 (;@5;)
              i64.const 19
              call 35
              local.get 3
              local.get 11
              i32.const 65535
              i32.and
              i32.const 3
              i32.shl
              i32.add
              i32.load16_u offset=4
              local.set 11
            end
            i64.const 7
            call 35
            block ;; label = @5
              local.get 5
              i32.const 32
              i32.and
              i32.eqz
              br_if 0 (;@5;)
              i64.const 19
              call 35
              local.get 3
              local.get 9
              i32.const 65535
              i32.and
              i32.const 3
              i32.shl
              i32.add
              i32.load16_u offset=4
              local.set 9
            end
            i64.const 125
            call 35
            local.get 4
            local.get 9
            i32.store16 offset=14
            local.get 4
            local.get 11
            i32.store16 offset=12
            local.get 4
            local.get 10
            i32.store offset=8
            local.get 4
            local.get 1
            i32.store offset=4
            local.get 4
            local.get 0
            i32.store
            block ;; label = @5
              local.get 3
              local.get 7
              i32.const 3
              i32.shl
              i32.add
              local.tee 5
              i32.load
              local.get 4
              local.get 5
              i32.load offset=4
              call_indirect (type 0)
              i32.eqz
              br_if 0 (;@5;)
              i64.const 3
              call 35
              i32.const 1
              local.set 5
              br 3 (;@2;)
            end
            i64.const 5
            call 35
            local.get 7
            i32.const 1
            i32.add
            local.set 7
          end
          i64.const 11
          call 35
          local.get 2
          i32.load8_u
          local.tee 5
          br_if 0 (;@3;)
          i64.const 2
          call 35
        end
        i32.const 0
        local.set 5
      end
      i64.const 6
      call 35
      local.get 4
      i32.const 16
      i32.add
      global.set 0
      local.get 5
    end
    i32.const 20
    call 39
  )
  (func (;25;) (type 11) (param i32 i32 i32 i32) (result i32)
    i32.const 12
    call 38
    block (result i32) ;; label = @1
      i64.const 5
      call 35
      block ;; label = @2
        local.get 2
        i32.const 1114112
        i32.eq
        br_if 0 (;@2;)
        i64.const 90
        call 35
        local.get 0
        local.get 2
        local.get 1
        i32.load offset=16
        call_indirect (type 0)
        i32.eqz
        br_if 0 (;@2;)
        i64.const 2
        call 35
        i32.const 1
        br 1 (;@1;)
      end
      i64.const 2
      call 35
      block ;; label = @2
        local.get 3
        br_if 0 (;@2;)
        i64.const 2
        call 35
        i32.const 0
        br 1 (;@1;)
      end
      i64.const 88
      call 35
      local.get 0
      local.get 3
      i32.const 0
      local.get 1
      i32.load offset=12
      call_indirect (type 1)
    end
    i32.const 12
    call 39
  )
  (func (;26;) (type 7) (param i32)
    (local i32 i64)
    i32.const 11
    call 38
    block ;; label = @1
      i64.const 124
      call 35
      global.get 0
      i32.const 32
      i32.sub
      local.tee 1
      global.set 0
      local.get 1
      local.get 0
      i32.store offset=8
      local.get 1
      i32.const 128
      i32.store offset=12
      local.get 1
      i32.const 1
      i64.extend_i32_u
      i64.const 32
      i64.shl
      local.tee 2
      local.get 1
      i32.const 12
      i32.add
      i64.extend_i32_u
      i64.or
      i64.store offset=24
      local.get 1
      local.get 2
      local.get 1
      i32.const 8
      i32.add
      i64.extend_i32_u
      i64.or
      i64.store offset=16
      i32.const 1048803
      local.get 1
      i32.const 16
      i32.add
      i32.const 1049456
      call 21
      unreachable
    end
    i32.const 11
    call 39
  )
  (func (;27;) (type 10) (param i32 i32 i32)
    (local i32 i64)
    i32.const 13
    call 38
    block ;; label = @1
      i64.const 124
      call 35
      global.get 0
      i32.const 32
      i32.sub
      local.tee 3
      global.set 0
      local.get 3
      local.get 1
      i32.store offset=8
      local.get 3
      local.get 0
      i32.store offset=12
      local.get 3
      i32.const 1
      i64.extend_i32_u
      i64.const 32
      i64.shl
      local.tee 4
      local.get 3
      i32.const 12
      i32.add
      i64.extend_i32_u
      i64.or
      i64.store offset=24
      local.get 3
      local.get 4
      local.get 3
      i32.const 8
      i32.add
      i64.extend_i32_u
      i64.or
      i64.store offset=16
      i32.const 1049079
      local.get 3
      i32.const 16
      i32.add
      local.get 2
      call 21
      unreachable
    end
    i32.const 13
    call 39
  )
  (func (;28;) (type 1) (param i32 i32 i32) (result i32)
    (local i32 i32 i32)
    i32.const 15
    call 38
    block (result i32) ;; label = @1
      i64.const 21
      call 35
      i32.const 128
      local.get 0
      i32.load offset=128
      local.tee 3
      i32.sub
      local.tee 4
      local.get 2
      local.get 4
      local.get 2
      i32.lt_u
      select
      local.set 5
      block ;; label = @2
        loop ;; label = @3
          i64.const 5
          call 35
          local.get 5
          local.tee 4
          i32.eqz
          br_if 1 (;@2;)
          i64.const 5
          call 35
          local.get 4
          local.get 2
          i32.ge_u
          br_if 1 (;@2;)
          i64.const 21
          call 35
          local.get 4
          i32.const -1
          i32.add
          local.set 5
          local.get 1
          local.get 4
          i32.add
          i32.load8_s
          i32.const -65
          i32.le_s
          br_if 0 (;@3;)
        end
      end
      i64.const 5
      call 35
      block ;; label = @2
        local.get 4
        local.get 2
        i32.gt_u
        br_if 0 (;@2;)
        i64.const 9
        call 35
        local.get 4
        local.get 3
        i32.add
        local.tee 5
        local.get 4
        i32.lt_u
        br_if 0 (;@2;)
        i64.const 5
        call 35
        local.get 5
        i32.const 129
        i32.ge_u
        br_if 0 (;@2;)
        i64.const 96
        call 35
        local.get 0
        local.get 3
        i32.add
        local.get 4
        local.get 1
        local.get 4
        i32.const 1049472
        call 33
        local.get 0
        local.get 0
        i32.load offset=128
        local.get 4
        i32.add
        i32.store offset=128
      end
      i64.const 1
      call 35
      i32.const 0
    end
    i32.const 15
    call 39
  )
  (func (;29;) (type 0) (param i32 i32) (result i32)
    i32.const 10
    call 38
    block (result i32) ;; label = @1
      i64.const 118
      call 35
      local.get 1
      i32.load
      local.get 1
      i32.load offset=4
      local.get 0
      i32.load
      local.tee 1
      i32.load
      local.get 1
      i32.load offset=4
      call 24
    end
    i32.const 10
    call 39
  )
  (func (;30;) (type 1) (param i32 i32 i32) (result i32)
    i32.const 11
    call 38
    block (result i32) ;; label = @1
      i64.const 77
      call 35
      local.get 0
      i32.const 1049488
      local.get 1
      local.get 2
      call 24
    end
    i32.const 11
    call 39
  )
  (func (;31;) (type 10) (param i32 i32 i32)
    i32.const 9
    call 38
    block ;; label = @1
      i64.const 5
      call 35
      block ;; label = @2
        local.get 2
        i32.const 129
        i32.lt_u
        br_if 0 (;@2;)
        i64.const 75
        call 35
        local.get 2
        call 26
        unreachable
      end
      i64.const 8
      call 35
      local.get 0
      local.get 2
      i32.store offset=4
      local.get 0
      local.get 1
      i32.store
    end
    i32.const 9
    call 39
  )
  (func (;32;) (type 2) (param i32 i32)
    i32.const 8
    call 38
    block ;; label = @1
      i64.const 76
      call 35
      local.get 0
      local.get 1
      call 0
      unreachable
    end
    i32.const 8
    call 39
  )
  (func (;33;) (type 12) (param i32 i32 i32 i32 i32)
    i32.const 12
    call 38
    block ;; label = @1
      i64.const 5
      call 35
      block ;; label = @2
        local.get 1
        local.get 3
        i32.ne
        br_if 0 (;@2;)
        i64.const 4
        call 35
        block ;; label = @3
          local.get 1
          i32.eqz
          br_if 0 (;@3;)
          i64.const 36
          call 35
          local.get 0
          local.get 2
          local.get 1
          i64.const 527
          call 37
          memory.copy
        end
        i64.const 1
        call 35
        br 1 (;@1;)
      end
      i64.const 77
      call 35
      local.get 1
      local.get 3
      local.get 4
      call 27
      unreachable
    end
    i32.const 12
    call 39
  )
  (func (;34;) (type 0) (param i32 i32) (result i32)
    (local i32 i32 i32 i32)
    i32.const 13
    call 38
    block (result i32) ;; label = @1
      i64.const 15
      call 35
      global.get 0
      i32.const 16
      i32.sub
      local.tee 2
      global.set 0
      local.get 2
      i32.const 0
      i32.store offset=12
      block ;; label = @2
        block ;; label = @3
          local.get 1
          i32.const 128
          i32.lt_u
          br_if 0 (;@3;)
          i64.const 18
          call 35
          local.get 1
          i32.const 63
          i32.and
          i32.const -128
          i32.or
          local.set 3
          local.get 1
          i32.const 6
          i32.shr_u
          local.set 4
          block ;; label = @4
            local.get 1
            i32.const 2048
            i32.ge_u
            br_if 0 (;@4;)
            i64.const 14
            call 35
            local.get 2
            local.get 3
            i32.store8 offset=13
            local.get 2
            local.get 4
            i32.const 192
            i32.or
            i32.store8 offset=12
            i32.const 2
            local.set 1
            br 2 (;@2;)
          end
          i64.const 18
          call 35
          local.get 1
          i32.const 12
          i32.shr_u
          local.set 5
          local.get 4
          i32.const 63
          i32.and
          i32.const -128
          i32.or
          local.set 4
          block ;; label = @4
            local.get 1
            i32.const 65535
            i32.gt_u
            br_if 0 (;@4;)
            i64.const 18
            call 35
            local.get 2
            local.get 3
            i32.store8 offset=14
            local.get 2
            local.get 4
            i32.store8 offset=13
            local.get 2
            local.get 5
            i32.const 224
            i32.or
            i32.store8 offset=12
            i32.const 3
            local.set 1
            br 2 (;@2;)
          end
          i64.const 31
          call 35
          local.get 2
          local.get 3
          i32.store8 offset=15
          local.get 2
          local.get 4
          i32.store8 offset=14
          local.get 2
          local.get 5
          i32.const 63
          i32.and
          i32.const -128
          i32.or
          i32.store8 offset=13
          local.get 2
          local.get 1
          i32.const 18
          i32.shr_u
          i32.const -16
          i32.or
          i32.store8 offset=12
          i32.const 4
          local.set 1
          br 1 (;@2;)
        end
        i64.const 6
        call 35
        local.get 2
        local.get 1
        i32.store8 offset=12
        i32.const 1
        local.set 1
      end
      i64.const 86
      call 35
      local.get 0
      local.get 2
      i32.const 12
      i32.add
      local.get 1
      call 28
      drop
      local.get 2
      i32.const 16
      i32.add
      global.set 0
      i32.const 0
    end
    i32.const 13
    call 39
  )
  (func (;35;) (type 13) (param i64)
    global.get 3
    local.get 0
    i64.lt_u
    if ;; label = @1
      i64.const -1
      global.set 3
      unreachable
    end
    global.get 3
    local.get 0
    i64.sub
    global.set 3
  )
  (func (;36;) (type 14) (param i32 i64) (result i32)
    local.get 0
    i64.extend_i32_u
    local.get 1
    i64.mul
    call 35
    local.get 0
  )
  (func (;37;) (type 14) (param i32 i64) (result i32)
    local.get 0
    i64.extend_i32_u
    local.get 1
    i64.mul
    i64.const 1023
    i64.add
    i64.const 10
    i64.shr_u
    call 35
    local.get 0
  )
  (func (;38;) (type 15) (param i32)
    global.get 4
    local.get 0
    i32.add
    local.tee 0
    i32.const 32768
    i32.gt_u
    if ;; label = @1
      i32.const -1
      global.set 4
      unreachable
    end
    local.get 0
    global.set 4
  )
  (func (;39;) (type 15) (param i32)
    global.get 4
    local.get 0
    i32.sub
    global.set 4
  )
  (func (;40;) (type 16)
    i64.const 139808
    call 35
  )
  (data (;0;) (i32.const 1048576) "{\22abi\22:1,\22methods\22:[{\22name\22:\22increment\22,\22view\22:false,\22args\22:[],\22result\22:null},{\22name\22:\22get\22,\22view\22:true,\22args\22:[],\22result\22:\22u64\22}],\22events\22:[]}storage: bad valuefailed to fill whole bufferNot all bytes readcountcounter overflow\10range end index \c0\22 out of range for slice of length \c0\00\07panic: \c0\00/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/raw_vec/mod.rs\00/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/alloc.rs\00sdk/src/panic.rs\00\15memory allocation of \c0\0d bytes failed\00&copy_from_slice: source slice length (\c0+) does not match destination slice length (\c0\01)\00\00u\01\10\00J\00\00\00)\02\00\00\09\00\00\00capacity overflow\00\00\00$\01\10\00P\00\00\00\1c\00\00\00\05\00\00\00Unexpected length of input00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899panic: \00\00\00\c0\01\10\00\10\00\00\00.\00\00\00#\00\00\00\c0\01\10\00\10\00\00\00\1d\00\00\00\15\00\00\00\00\00\00\00\84\00\00\00\04\00\00\00\03\00\00\00\04\00\00\00\05\00\00\00")
)
