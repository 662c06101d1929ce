(module
  (type (;0;) (func (param i32 i32) (result i32)))
  (type (;1;) (func (param i32 i32 i32) (result i32)))
  (type (;2;) (func (param i32 i32)))
  (type (;3;) (func (param i32)))
  (type (;4;) (func (param i32 i32 i32 i32) (result i64)))
  (type (;5;) (func (param i32 i32 i32 i32)))
  (type (;6;) (func (result i32)))
  (type (;7;) (func (param i64 i64)))
  (type (;8;) (func (param i32 i64 i64)))
  (type (;9;) (func (param i32 i64 i64 i32)))
  (type (;10;) (func (param i32 i32 i32)))
  (type (;11;) (func (param i32 i32 i32 i32 i32)))
  (type (;12;) (func (param i32 i32 i64 i64)))
  (type (;13;) (func (param i32) (result i32)))
  (type (;14;) (func))
  (type (;15;) (func (param i32 i32 i32 i32) (result i32)))
  (type (;16;) (func (param i64)))
  (type (;17;) (func (param i32 i64) (result i32)))
  (type (;18;) (func (param i32)))
  (type (;19;) (func))
  (import "env" "return_data" (func (;0;) (type 2) (param i32 i32)))
  (import "env" "revert" (func (;1;) (type 2) (param i32 i32)))
  (import "env" "caller" (func (;2;) (type 3) (param i32)))
  (import "env" "storage_read" (func (;3;) (type 4) (param i32 i32 i32 i32) (result i64)))
  (import "env" "storage_write" (func (;4;) (type 5) (param i32 i32 i32 i32)))
  (import "env" "emit_event" (func (;5;) (type 5) (param i32 i32 i32 i32)))
  (import "env" "storage_remove" (func (;6;) (type 0) (param i32 i32) (result i32)))
  (import "env" "input_len" (func (;7;) (type 6) (result i32)))
  (import "env" "input_read" (func (;8;) (type 3) (param i32)))
  (table (;0;) 6 6 funcref)
  (memory (;0;) 17 128)
  (global (;0;) (mut i32) i32.const 1048576)
  (global (;1;) i32 i32.const 1050704)
  (global (;2;) i32 i32.const 1050696)
  (global (;3;) (mut i64) i64.const 0)
  (global (;4;) (mut i32) i32.const 0)
  (export "memory" (memory 0))
  (export "allowance" (func 39))
  (export "approve" (func 41))
  (export "balance_of" (func 42))
  (export "init" (func 43))
  (export "total_supply" (func 44))
  (export "transfer" (func 45))
  (export "transfer_from" (func 46))
  (export "__heap_base" (global 1))
  (export "__data_end" (global 2))
  (export "__gasket_gas" (global 3))
  (export "__gasket_stack" (global 4))
  (export "__gasket_start" (func 70))
  (elem (;0;) (i32.const 1) func 49 60 59 64 61)
  (func (;9;) (type 7) (param i64 i64)
    (local i32 i32)
    i32.const 11
    call 68
    block ;; label = @1
      i64.const 265
      call 65
      global.get 0
      i32.const 16
      i32.sub
      local.tee 2
      global.set 0
      local.get 2
      i32.const 4
      i32.add
      local.get 0
      local.get 1
      call 10
      local.get 2
      i32.load offset=8
      local.tee 3
      local.get 2
      i32.load offset=12
      call 0
      local.get 2
      i32.load offset=4
      local.get 3
      call 11
      local.get 2
      i32.const 16
      i32.add
      global.set 0
    end
    i32.const 11
    call 69
  )
  (func (;10;) (type 8) (param i32 i64 i64)
    (local i32 i32)
    i32.const 14
    call 68
    block ;; label = @1
      i64.const 111
      call 65
      global.get 0
      i32.const 32
      i32.sub
      local.tee 3
      global.set 0
      local.get 3
      i32.const 0
      i32.store offset=12
      local.get 3
      i64.const 4294967296
      i64.store offset=4 align=4
      local.get 3
      i32.const 16
      i32.add
      local.get 1
      local.get 2
      local.get 3
      i32.const 4
      i32.add
      call 15
      block ;; label = @2
        local.get 3
        i32.load offset=16
        local.tee 4
        i32.const -2147483647
        i32.ne
        br_if 0 (;@2;)
        i64.const 30
        call 65
        local.get 0
        local.get 3
        i32.load offset=12
        i32.store offset=8
        local.get 0
        local.get 3
        i64.load offset=4 align=4
        i64.store align=4
        local.get 3
        i32.const 32
        i32.add
        global.set 0
        br 1 (;@1;)
      end
      i64.const 159
      call 65
      local.get 4
      local.get 3
      i32.load offset=20
      call 16
      i32.const 1049668
      i32.const 20
      call 14
      unreachable
    end
    i32.const 14
    call 69
  )
  (func (;11;) (type 2) (param i32 i32)
    (local i32 i32)
    i32.const 10
    call 68
    block ;; label = @1
      i64.const 7
      call 65
      global.get 0
      i32.const 16
      i32.sub
      local.set 2
      block ;; label = @2
        block ;; label = @3
          local.get 0
          br_if 0 (;@3;)
          i64.const 8
          call 65
          i32.const 0
          local.set 0
          local.get 2
          i32.const 12
          i32.add
          local.set 3
          br 1 (;@2;)
        end
        i64.const 9
        call 65
        local.get 2
        i32.const 1
        i32.store offset=12
        local.get 2
        i32.const 8
        i32.add
        local.set 3
      end
      i64.const 16
      call 65
      local.get 3
      local.get 0
      i32.store
      block ;; label = @2
        local.get 2
        i32.load offset=12
        i32.eqz
        br_if 0 (;@2;)
        i64.const 12
        call 65
        local.get 2
        i32.load offset=8
        i32.eqz
        br_if 0 (;@2;)
        i64.const 13
        call 65
        i32.const 0
        i32.load offset=1050692
        local.get 1
        i32.ne
        br_if 0 (;@2;)
        i64.const 4
        call 65
        i32.const 0
        local.get 1
        i32.store offset=1050684
      end
    end
    i32.const 10
    call 69
  )
  (func (;12;) (type 2) (param i32 i32)
    i32.const 8
    call 68
    block ;; label = @1
      i64.const 76
      call 65
      local.get 0
      local.get 1
      call 1
      unreachable
    end
    i32.const 8
    call 69
  )
  (func (;13;) (type 3) (param i32)
    (local i32)
    i32.const 8
    call 68
    block ;; label = @1
      i64.const 149
      call 65
      global.get 0
      i32.const 32
      i32.sub
      local.tee 1
      global.set 0
      local.get 1
      i64.const 0
      i64.store offset=24
      local.get 1
      i64.const 0
      i64.store offset=16
      local.get 1
      i64.const 0
      i64.store offset=8
      local.get 1
      i64.const 0
      i64.store
      local.get 1
      call 2
      local.get 0
      local.get 1
      i64.load offset=24
      i64.store offset=24 align=1
      local.get 0
      local.get 1
      i64.load offset=16
      i64.store offset=16 align=1
      local.get 0
      local.get 1
      i64.load offset=8
      i64.store offset=8 align=1
      local.get 0
      local.get 1
      i64.load
      i64.store align=1
      local.get 1
      i32.const 32
      i32.add
      global.set 0
    end
    i32.const 8
    call 69
  )
  (func (;14;) (type 2) (param i32 i32)
    i32.const 8
    call 68
    block ;; label = @1
      i64.const 76
      call 65
      local.get 0
      local.get 1
      call 12
      unreachable
    end
    i32.const 8
    call 69
  )
  (func (;15;) (type 9) (param i32 i64 i64 i32)
    (local i32)
    i32.const 13
    call 68
    block ;; label = @1
      i64.const 96
      call 65
      global.get 0
      i32.const 16
      i32.sub
      local.tee 4
      global.set 0
      local.get 4
      local.get 2
      i64.store offset=8
      local.get 4
      local.get 1
      i64.store
      local.get 0
      local.get 3
      local.get 4
      i32.const 16
      call 25
      local.get 4
      i32.const 16
      i32.add
      global.set 0
    end
    i32.const 13
    call 69
  )
  (func (;16;) (type 2) (param i32 i32)
    i32.const 8
    call 68
    block ;; label = @1
      i64.const 5
      call 65
      block ;; label = @2
        local.get 0
        i32.const -2147483648
        i32.eq
        br_if 0 (;@2;)
        i64.const 75
        call 65
        local.get 0
        local.get 1
        call 11
      end
    end
    i32.const 8
    call 69
  )
  (func (;17;) (type 10) (param i32 i32 i32)
    (local i32 i32 i32 i32 i64 i64)
    i32.const 19
    call 68
    block ;; label = @1
      i64.const 144
      call 65
      global.get 0
      i32.const 96
      i32.sub
      local.tee 3
      global.set 0
      local.get 3
      i32.const 32
      i32.add
      i32.const 0
      i32.const 64
      i64.const 527
      call 67
      memory.fill
      local.get 3
      i32.const 16
      i32.add
      local.get 1
      local.get 2
      local.get 3
      i32.const 32
      i32.add
      i32.const 64
      call 18
      block ;; label = @2
        block ;; label = @3
          block ;; label = @4
            local.get 3
            i32.load offset=16
            i32.const 1
            i32.and
            i32.eqz
            br_if 0 (;@4;)
            i64.const 112
            call 65
            local.get 3
            i32.const 8
            i32.add
            local.get 3
            i32.load offset=20
            local.tee 4
            call 19
            local.get 3
            i32.load offset=12
            local.set 5
            local.get 3
            i32.load offset=8
            local.set 6
            block ;; label = @5
              block ;; label = @6
                local.get 4
                i32.const 65
                i32.lt_u
                br_if 0 (;@6;)
                i64.const 95
                call 65
                i32.const 0
                local.get 4
                local.get 1
                local.get 2
                local.get 5
                local.get 4
                call 3
                local.tee 7
                i32.wrap_i64
                local.tee 2
                local.get 4
                local.get 2
                i32.lt_u
                select
                local.get 7
                i64.const 0
                i64.lt_s
                select
                local.set 4
                br 1 (;@5;)
              end
              i64.const 2
              call 65
              block ;; label = @6
                local.get 4
                br_if 0 (;@6;)
                i64.const 3
                call 65
                i32.const 0
                local.set 4
                br 1 (;@5;)
              end
              i64.const 4
              call 65
              local.get 4
              i32.eqz
              br_if 0 (;@5;)
              i64.const 39
              call 65
              local.get 5
              local.get 3
              i32.const 32
              i32.add
              local.get 4
              i64.const 527
              call 67
              memory.copy
            end
            i64.const 5
            call 65
            local.get 6
            i32.const -2147483648
            i32.ne
            br_if 1 (;@3;)
          end
          i64.const 9
          call 65
          local.get 0
          i64.const 0
          i64.store offset=8
          local.get 0
          i64.const 0
          i64.store
          br 1 (;@2;)
        end
        i64.const 102
        call 65
        local.get 3
        local.get 4
        i32.store offset=28
        local.get 3
        local.get 5
        i32.store offset=24
        local.get 3
        i32.const 32
        i32.add
        local.get 3
        i32.const 24
        i32.add
        call 20
        block ;; label = @3
          block ;; label = @4
            local.get 3
            i32.load offset=32
            i32.const 1
            i32.eq
            br_if 0 (;@4;)
            i64.const 12
            call 65
            local.get 3
            i32.load offset=28
            i32.eqz
            br_if 1 (;@3;)
            i64.const 83
            call 65
            local.get 3
            i32.const 32
            i32.add
            i32.const 4
            i32.or
            i32.const 12
            i32.const 1050195
            i32.const 18
            call 21
          end
          i64.const 76
          call 65
          i32.const 1049688
          i32.const 18
          call 14
          unreachable
        end
        i64.const 111
        call 65
        local.get 3
        i64.load offset=56
        local.set 7
        local.get 3
        i64.load offset=48
        local.set 8
        local.get 0
        i64.const 0
        i64.store offset=8
        local.get 0
        i64.const 1
        i64.store
        local.get 0
        local.get 8
        i64.store offset=16
        local.get 0
        local.get 7
        i64.store offset=24
        local.get 6
        local.get 5
        call 11
      end
      i64.const 5
      call 65
      local.get 3
      i32.const 96
      i32.add
      global.set 0
    end
    i32.const 19
    call 69
  )
  (func (;18;) (type 11) (param i32 i32 i32 i32 i32)
    (local i64)
    i32.const 15
    call 68
    block ;; label = @1
      i64.const 88
      call 65
      local.get 0
      local.get 1
      local.get 2
      local.get 3
      local.get 4
      call 3
      local.tee 5
      i64.store32 offset=4
      local.get 0
      local.get 5
      i64.const -1
      i64.gt_s
      i32.store
    end
    i32.const 15
    call 69
  )
  (func (;19;) (type 2) (param i32 i32)
    (local i32)
    i32.const 9
    call 68
    block ;; label = @1
      i64.const 107
      call 65
      global.get 0
      i32.const 16
      i32.sub
      local.tee 2
      global.set 0
      local.get 2
      i32.const 4
      i32.add
      local.get 1
      call 30
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
        call 65
        local.get 1
        local.get 2
        i32.load offset=12
        call 31
        unreachable
      end
      i64.const 21
      call 65
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
    call 69
  )
  (func (;20;) (type 2) (param i32 i32)
    (local i32)
    i32.const 11
    call 68
    block ;; label = @1
      i64.const 189
      call 65
      global.get 0
      i32.const 48
      i32.sub
      local.tee 2
      global.set 0
      local.get 2
      i64.const 0
      i64.store offset=8
      local.get 2
      i64.const 0
      i64.store
      local.get 2
      i32.const 32
      i32.add
      local.get 1
      local.get 2
      i32.const 16
      call 27
      local.get 2
      i32.const 16
      i32.add
      local.get 2
      i32.const 32
      i32.add
      call 24
      block ;; label = @2
        block ;; label = @3
          local.get 2
          i32.load offset=16
          local.tee 1
          i32.const -2147483647
          i32.eq
          br_if 0 (;@3;)
          i64.const 31
          call 65
          local.get 0
          local.get 2
          i32.load offset=28
          i32.store offset=16
          local.get 0
          local.get 2
          i64.load offset=20 align=4
          i64.store offset=8 align=4
          local.get 0
          local.get 1
          i32.store offset=4
          i32.const 1
          local.set 1
          br 1 (;@2;)
        end
        i64.const 26
        call 65
        local.get 0
        local.get 2
        i64.load offset=8
        i64.store offset=24
        local.get 0
        local.get 2
        i64.load
        i64.store offset=16
        i32.const 0
        local.set 1
      end
      i64.const 9
      call 65
      local.get 0
      local.get 1
      i32.store
      local.get 2
      i32.const 48
      i32.add
      global.set 0
    end
    i32.const 11
    call 69
  )
  (func (;21;) (type 5) (param i32 i32 i32 i32)
    (local i32 i32 i32)
    i32.const 14
    call 68
    block ;; label = @1
      i64.const 107
      call 65
      global.get 0
      i32.const 16
      i32.sub
      local.tee 4
      global.set 0
      local.get 4
      i32.const 4
      i32.add
      local.get 3
      call 30
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
        call 65
        local.get 4
        i32.load offset=12
        local.set 6
        block ;; label = @3
          local.get 3
          i32.eqz
          br_if 0 (;@3;)
          i64.const 36
          call 65
          local.get 6
          local.get 2
          local.get 3
          i64.const 527
          call 67
          memory.copy
        end
        i64.const 22
        call 65
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
      call 65
      local.get 5
      local.get 4
      i32.load offset=12
      call 31
      unreachable
    end
    i32.const 14
    call 69
  )
  (func (;22;) (type 12) (param i32 i32 i64 i64)
    (local i32 i32)
    i32.const 14
    call 68
    block ;; label = @1
      i64.const 267
      call 65
      global.get 0
      i32.const 16
      i32.sub
      local.tee 4
      global.set 0
      local.get 4
      i32.const 4
      i32.add
      local.get 2
      local.get 3
      call 10
      local.get 0
      local.get 1
      local.get 4
      i32.load offset=8
      local.tee 5
      local.get 4
      i32.load offset=12
      call 4
      local.get 4
      i32.load offset=4
      local.get 5
      call 11
      local.get 4
      i32.const 16
      i32.add
      global.set 0
    end
    i32.const 14
    call 69
  )
  (func (;23;) (type 2) (param i32 i32)
    (local i32)
    i32.const 9
    call 68
    block ;; label = @1
      i64.const 14
      call 65
      block ;; label = @2
        local.get 1
        i32.load
        local.tee 2
        i32.const -2147483647
        i32.ne
        br_if 0 (;@2;)
        i64.const 25
        call 65
        local.get 0
        local.get 1
        i32.load offset=12
        i32.store offset=8
        local.get 0
        local.get 1
        i64.load offset=4 align=4
        i64.store align=4
        br 1 (;@1;)
      end
      i64.const 91
      call 65
      local.get 0
      i32.const 0
      i32.store offset=8
      local.get 0
      i64.const 4294967296
      i64.store align=4
      local.get 2
      local.get 1
      i32.load offset=4
      call 16
    end
    i32.const 9
    call 69
  )
  (func (;24;) (type 2) (param i32 i32)
    (local i32 i32)
    i32.const 13
    call 68
    block ;; label = @1
      i64.const 14
      call 65
      block ;; label = @2
        block ;; label = @3
          local.get 1
          i32.load
          local.tee 2
          i32.const -2147483647
          i32.eq
          br_if 0 (;@3;)
          i64.const 23
          call 65
          block ;; label = @4
            local.get 1
            i32.const 4
            i32.const 12
            local.get 2
            i32.const -2147483648
            i32.eq
            local.tee 3
            select
            i32.add
            i32.load8_u
            i32.const 17
            i32.eq
            br_if 0 (;@4;)
            i64.const 25
            call 65
            local.get 0
            local.get 1
            i64.load offset=8 align=4
            i64.store offset=8 align=4
            local.get 0
            local.get 1
            i64.load align=4
            i64.store align=4
            br 3 (;@1;)
          end
          i64.const 79
          call 65
          local.get 0
          i32.const 12
          i32.const 1050392
          i32.const 26
          call 21
          local.get 3
          br_if 1 (;@2;)
          i64.const 84
          call 65
          local.get 2
          local.get 1
          i32.load offset=4
          call 11
          br 2 (;@1;)
        end
        i64.const 4
        call 65
        local.get 0
        i32.const -2147483647
        i32.store
      end
    end
    i32.const 13
    call 69
  )
  (func (;25;) (type 5) (param i32 i32 i32 i32)
    (local i32 i32 i32 i32 i32 i32 i32)
    i32.const 19
    call 68
    block ;; label = @1
      i64.const 32
      call 65
      global.get 0
      i32.const 16
      i32.sub
      local.tee 4
      global.set 0
      block ;; label = @2
        block ;; label = @3
          block ;; label = @4
            local.get 3
            local.get 1
            i32.load
            local.tee 5
            local.get 1
            i32.load offset=8
            local.tee 6
            i32.sub
            i32.le_u
            br_if 0 (;@4;)
            i64.const 9
            call 65
            block ;; label = @5
              block ;; label = @6
                local.get 6
                local.get 3
                i32.add
                local.tee 7
                local.get 6
                i32.ge_u
                br_if 0 (;@6;)
                i64.const 3
                call 65
                i32.const 0
                local.set 1
                br 1 (;@5;)
              end
              i64.const 23
              call 65
              block ;; label = @6
                block ;; label = @7
                  local.get 7
                  local.get 5
                  i32.const 1
                  i32.shl
                  local.tee 8
                  local.get 7
                  local.get 8
                  i32.gt_u
                  select
                  local.tee 8
                  i32.const 8
                  local.get 8
                  i32.const 8
                  i32.gt_u
                  select
                  local.tee 9
                  i32.const 0
                  i32.ge_s
                  br_if 0 (;@7;)
                  i64.const 8
                  call 65
                  local.get 4
                  i32.const 12
                  i32.add
                  local.set 1
                  i32.const 0
                  local.set 9
                  br 1 (;@6;)
                end
                i64.const 4
                call 65
                block ;; label = @7
                  block ;; label = @8
                    local.get 5
                    i32.eqz
                    br_if 0 (;@8;)
                    i64.const 22
                    call 65
                    block ;; label = @9
                      i32.const 0
                      i32.load offset=1050692
                      local.get 1
                      i32.load offset=4
                      local.tee 10
                      i32.ne
                      br_if 0 (;@9;)
                      i64.const 9
                      call 65
                      local.get 9
                      local.get 10
                      i32.add
                      local.tee 8
                      local.get 9
                      i32.lt_u
                      br_if 2 (;@7;)
                      i64.const 77
                      call 65
                      local.get 8
                      call 37
                      i32.eqz
                      br_if 2 (;@7;)
                      i64.const 7
                      call 65
                      i32.const 0
                      local.get 8
                      i32.store offset=1050684
                      local.get 10
                      local.set 8
                      br 6 (;@3;)
                    end
                    i64.const 78
                    call 65
                    local.get 9
                    call 38
                    local.tee 8
                    i32.eqz
                    br_if 1 (;@7;)
                    i64.const 4
                    call 65
                    local.get 5
                    i32.eqz
                    br_if 5 (;@3;)
                    i64.const 37
                    call 65
                    local.get 8
                    local.get 10
                    local.get 5
                    i64.const 527
                    call 67
                    memory.copy
                    br 5 (;@3;)
                  end
                  i64.const 76
                  call 65
                  local.get 9
                  call 38
                  local.tee 8
                  br_if 4 (;@3;)
                end
                i64.const 9
                call 65
                local.get 4
                i32.const 1
                i32.store offset=12
                local.get 4
                i32.const 8
                i32.add
                local.set 1
              end
              i64.const 24
              call 65
              local.get 1
              local.get 9
              i32.store
              local.get 4
              i32.load offset=8
              local.set 3
              local.get 4
              i32.load offset=12
              local.set 1
            end
            i64.const 76
            call 65
            local.get 1
            local.get 3
            call 31
            unreachable
          end
          i64.const 16
          call 65
          local.get 6
          local.get 3
          i32.add
          local.set 7
          local.get 1
          i32.load offset=4
          local.set 8
          br 1 (;@2;)
        end
        i64.const 8
        call 65
        local.get 1
        local.get 9
        i32.store
        local.get 1
        local.get 8
        i32.store offset=4
      end
      i64.const 4
      call 65
      block ;; label = @2
        local.get 3
        i32.eqz
        br_if 0 (;@2;)
        i64.const 39
        call 65
        local.get 8
        local.get 6
        i32.add
        local.get 2
        local.get 3
        i64.const 527
        call 67
        memory.copy
      end
      i64.const 13
      call 65
      local.get 0
      i32.const -2147483647
      i32.store
      local.get 1
      local.get 7
      i32.store offset=8
      local.get 4
      i32.const 16
      i32.add
      global.set 0
    end
    i32.const 19
    call 69
  )
  (func (;26;) (type 10) (param i32 i32 i32)
    (local i32)
    i32.const 12
    call 68
    block ;; label = @1
      i64.const 97
      call 65
      global.get 0
      i32.const 16
      i32.sub
      local.tee 3
      global.set 0
      local.get 3
      local.get 2
      local.get 1
      i32.const 32
      call 25
      block ;; label = @2
        local.get 3
        i32.load
        local.tee 1
        i32.const -2147483647
        i32.eq
        br_if 0 (;@2;)
        i64.const 24
        call 65
        local.get 0
        local.get 3
        i32.load offset=12
        i32.store offset=12
        local.get 0
        local.get 3
        i64.load offset=4 align=4
        i64.store offset=4 align=4
      end
      i64.const 9
      call 65
      local.get 0
      local.get 1
      i32.store
      local.get 3
      i32.const 16
      i32.add
      global.set 0
    end
    i32.const 12
    call 69
  )
  (func (;27;) (type 5) (param i32 i32 i32 i32)
    (local i32 i32)
    i32.const 15
    call 68
    block ;; label = @1
      i64.const 14
      call 65
      block ;; label = @2
        local.get 1
        i32.load offset=4
        local.tee 4
        local.get 3
        i32.ge_u
        br_if 0 (;@2;)
        i64.const 78
        call 65
        local.get 0
        i32.const 17
        i32.const 1050168
        i32.const 27
        call 21
        br 1 (;@1;)
      end
      i64.const 105
      call 65
      local.get 2
      local.get 3
      local.get 1
      i32.load
      local.tee 5
      local.get 3
      i32.const 1050152
      call 28
      local.get 1
      local.get 4
      local.get 3
      i32.sub
      i32.store offset=4
      local.get 1
      local.get 5
      local.get 3
      i32.add
      i32.store
      local.get 0
      i32.const -2147483647
      i32.store
    end
    i32.const 15
    call 69
  )
  (func (;28;) (type 11) (param i32 i32 i32 i32 i32)
    i32.const 12
    call 68
    block ;; label = @1
      i64.const 5
      call 65
      block ;; label = @2
        local.get 1
        local.get 3
        i32.ne
        br_if 0 (;@2;)
        i64.const 4
        call 65
        block ;; label = @3
          local.get 1
          i32.eqz
          br_if 0 (;@3;)
          i64.const 36
          call 65
          local.get 0
          local.get 2
          local.get 1
          i64.const 527
          call 67
          memory.copy
        end
        i64.const 1
        call 65
        br 1 (;@1;)
      end
      i64.const 77
      call 65
      local.get 1
      local.get 3
      local.get 4
      call 58
      unreachable
    end
    i32.const 12
    call 69
  )
  (func (;29;) (type 3) (param i32)
    (local i32 i32 i32)
    i32.const 10
    call 68
    block ;; label = @1
      i64.const 107
      call 65
      global.get 0
      i32.const 16
      i32.sub
      local.tee 1
      global.set 0
      local.get 1
      i32.const 4
      i32.add
      i32.const 1024
      call 30
      local.get 1
      i32.load offset=8
      local.set 2
      block ;; label = @2
        local.get 1
        i32.load offset=4
        i32.const 1
        i32.ne
        br_if 0 (;@2;)
        i64.const 84
        call 65
        local.get 2
        local.get 1
        i32.load offset=12
        call 31
        unreachable
      end
      i64.const 27
      call 65
      local.get 1
      i32.load offset=12
      local.set 3
      local.get 0
      i32.const 0
      i32.store offset=8
      local.get 0
      local.get 3
      i32.store offset=4
      local.get 0
      local.get 2
      i32.store
      local.get 1
      i32.const 16
      i32.add
      global.set 0
    end
    i32.const 10
    call 69
  )
  (func (;30;) (type 2) (param i32 i32)
    (local i32)
    i32.const 9
    call 68
    block ;; label = @1
      i64.const 5
      call 65
      block ;; label = @2
        block ;; label = @3
          block ;; label = @4
            local.get 1
            i32.const 0
            i32.lt_s
            br_if 0 (;@4;)
            i64.const 2
            call 65
            local.get 1
            br_if 1 (;@3;)
            i64.const 7
            call 65
            local.get 0
            i64.const 4294967296
            i64.store offset=4 align=4
            i32.const 0
            local.set 1
            br 2 (;@2;)
          end
          i64.const 7
          call 65
          local.get 0
          i32.const 0
          i32.store offset=4
          i32.const 1
          local.set 1
          br 1 (;@2;)
        end
        i64.const 78
        call 65
        block ;; label = @3
          local.get 1
          call 38
          local.tee 2
          i32.eqz
          br_if 0 (;@3;)
          i64.const 11
          call 65
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
        call 65
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
      call 65
      local.get 0
      local.get 1
      i32.store
    end
    i32.const 9
    call 69
  )
  (func (;31;) (type 2) (param i32 i32)
    i32.const 7
    call 68
    block ;; label = @1
      i64.const 4
      call 65
      block ;; label = @2
        local.get 0
        i32.eqz
        br_if 0 (;@2;)
        i64.const 75
        call 65
        local.get 1
        call 51
        unreachable
      end
      i64.const 74
      call 65
      call 52
      unreachable
    end
    i32.const 7
    call 69
  )
  (func (;32;) (type 12) (param i32 i32 i64 i64)
    (local i32 i64 i32 i64)
    i32.const 18
    call 68
    block ;; label = @1
      i64.const 173
      call 65
      global.get 0
      i32.const 112
      i32.sub
      local.tee 4
      global.set 0
      local.get 4
      i32.const 1
      i32.store8 offset=15
      local.get 4
      local.get 0
      i64.load offset=24 align=1
      i64.store offset=40 align=1
      local.get 4
      local.get 0
      i64.load offset=16 align=1
      i64.store offset=32 align=1
      local.get 4
      local.get 0
      i64.load offset=8 align=1
      i64.store offset=24 align=1
      local.get 4
      local.get 0
      i64.load align=1
      i64.store offset=16 align=1
      local.get 4
      i32.const 48
      i32.add
      local.get 4
      i32.const 15
      i32.add
      i32.const 33
      call 33
      block ;; label = @2
        local.get 4
        i64.load offset=48
        local.tee 5
        local.get 2
        i64.lt_u
        local.tee 6
        local.get 4
        i64.load offset=56
        local.tee 7
        local.get 3
        i64.lt_u
        local.get 7
        local.get 3
        i64.eq
        select
        br_if 0 (;@2;)
        i64.const 420
        call 65
        local.get 4
        i32.const 15
        i32.add
        i32.const 33
        local.get 5
        local.get 2
        i64.sub
        local.get 7
        local.get 3
        i64.sub
        local.get 6
        i64.extend_i32_u
        i64.sub
        call 34
        local.get 4
        i32.const 1
        i32.store8 offset=48
        local.get 4
        local.get 1
        i64.load offset=24 align=1
        i64.store offset=73 align=1
        local.get 4
        local.get 1
        i64.load offset=16 align=1
        i64.store offset=65 align=1
        local.get 4
        local.get 1
        i64.load offset=8 align=1
        i64.store offset=57 align=1
        local.get 4
        local.get 1
        i64.load align=1
        i64.store offset=49 align=1
        local.get 4
        i32.const 96
        i32.add
        local.get 4
        i32.const 48
        i32.add
        i32.const 33
        call 33
        local.get 4
        i32.const 48
        i32.add
        i32.const 33
        local.get 4
        i64.load offset=96
        local.tee 7
        local.get 2
        i64.add
        local.tee 5
        local.get 4
        i64.load offset=104
        local.get 3
        i64.add
        local.get 5
        local.get 7
        i64.lt_u
        i64.extend_i32_u
        i64.add
        call 34
        local.get 0
        local.get 1
        local.get 2
        local.get 3
        call 35
        local.get 4
        i32.const 112
        i32.add
        global.set 0
        br 1 (;@1;)
      end
      i64.const 76
      call 65
      i32.const 1050213
      i32.const 20
      call 14
      unreachable
    end
    i32.const 18
    call 69
  )
  (func (;33;) (type 10) (param i32 i32 i32)
    (local i32 i64)
    i32.const 14
    call 68
    block ;; label = @1
      i64.const 131
      call 65
      global.get 0
      i32.const 32
      i32.sub
      local.tee 3
      global.set 0
      local.get 3
      local.get 1
      local.get 2
      call 17
      local.get 3
      i64.load offset=16
      local.set 4
      local.get 0
      local.get 3
      i64.load offset=24
      i64.const 0
      local.get 3
      i32.load
      i32.const 1
      i32.and
      local.tee 2
      select
      i64.store offset=8
      local.get 0
      local.get 4
      i64.const 0
      local.get 2
      select
      i64.store
      local.get 3
      i32.const 32
      i32.add
      global.set 0
    end
    i32.const 14
    call 69
  )
  (func (;34;) (type 12) (param i32 i32 i64 i64)
    i32.const 12
    call 68
    block ;; label = @1
      i64.const 8
      call 65
      block ;; label = @2
        local.get 2
        local.get 3
        i64.or
        i64.const 0
        i64.ne
        br_if 0 (;@2;)
        i64.const 77
        call 65
        local.get 0
        local.get 1
        call 6
        drop
        br 1 (;@1;)
      end
      i64.const 77
      call 65
      local.get 0
      local.get 1
      local.get 2
      local.get 3
      call 22
    end
    i32.const 12
    call 69
  )
  (func (;35;) (type 12) (param i32 i32 i64 i64)
    (local i32)
    i32.const 14
    call 68
    block ;; label = @1
      i64.const 179
      call 65
      global.get 0
      i32.const 64
      i32.sub
      local.tee 4
      global.set 0
      local.get 4
      i32.const 20
      i32.add
      call 29
      local.get 4
      i32.const 48
      i32.add
      local.get 0
      local.get 4
      i32.const 20
      i32.add
      call 26
      block ;; label = @2
        block ;; label = @3
          block ;; label = @4
            block ;; label = @5
              local.get 4
              i32.load offset=48
              local.tee 0
              i32.const -2147483647
              i32.eq
              br_if 0 (;@5;)
              i64.const 25
              call 65
              local.get 4
              local.get 4
              i32.load offset=60
              i32.store offset=40
              local.get 4
              local.get 4
              i64.load offset=52 align=4
              i64.store offset=32
              br 1 (;@4;)
            end
            i64.const 96
            call 65
            local.get 4
            i32.const 48
            i32.add
            local.get 1
            local.get 4
            i32.const 20
            i32.add
            call 26
            block ;; label = @5
              local.get 4
              i32.load offset=48
              local.tee 0
              i32.const -2147483647
              i32.eq
              br_if 0 (;@5;)
              i64.const 25
              call 65
              local.get 4
              local.get 4
              i32.load offset=60
              i32.store offset=40
              local.get 4
              local.get 4
              i64.load offset=52 align=4
              i64.store offset=32
              br 1 (;@4;)
            end
            i64.const 97
            call 65
            local.get 4
            i32.const 48
            i32.add
            local.get 2
            local.get 3
            local.get 4
            i32.const 20
            i32.add
            call 15
            local.get 4
            i32.load offset=48
            local.tee 0
            i32.const -2147483647
            i32.eq
            br_if 1 (;@3;)
            i64.const 24
            call 65
            local.get 4
            local.get 4
            i32.load offset=60
            i32.store offset=40
            local.get 4
            local.get 4
            i64.load offset=52 align=4
            i64.store offset=32
          end
          i64.const 120
          call 65
          local.get 4
          local.get 0
          i32.store offset=4
          local.get 4
          local.get 4
          i64.load offset=32
          i64.store offset=8 align=4
          local.get 4
          local.get 4
          i32.load offset=40
          i32.store offset=16
          local.get 4
          i32.load offset=20
          local.get 4
          i32.load offset=24
          call 11
          br 1 (;@2;)
        end
        i64.const 28
        call 65
        local.get 4
        local.get 4
        i64.load offset=20 align=4
        i64.store offset=8 align=4
        local.get 4
        local.get 4
        i32.load offset=28
        i32.store offset=16
        local.get 4
        i32.const -2147483647
        i32.store offset=4
      end
      i64.const 263
      call 65
      local.get 4
      i32.const 48
      i32.add
      local.get 4
      i32.const 4
      i32.add
      call 23
      i32.const 1050233
      i32.const 8
      local.get 4
      i32.load offset=52
      local.tee 0
      local.get 4
      i32.load offset=56
      call 5
      local.get 4
      i32.load offset=48
      local.get 0
      call 11
      local.get 4
      i32.const 64
      i32.add
      global.set 0
    end
    i32.const 14
    call 69
  )
  (func (;36;) (type 2) (param i32 i32)
    (local i32 i64 i32 i32 i32 i32 i32 i32)
    i32.const 18
    call 68
    block ;; label = @1
      i64.const 200
      call 65
      global.get 0
      i32.const 96
      i32.sub
      local.tee 2
      global.set 0
      local.get 2
      i64.const 0
      i64.store offset=56
      local.get 2
      i64.const 0
      i64.store offset=48
      local.get 2
      i64.const 0
      i64.store offset=40
      local.get 2
      i64.const 0
      i64.store offset=32
      local.get 2
      i32.const 80
      i32.add
      local.get 1
      local.get 2
      i32.const 32
      i32.add
      i32.const 32
      call 27
      local.get 2
      i32.const 64
      i32.add
      local.get 2
      i32.const 80
      i32.add
      call 24
      block ;; label = @2
        block ;; label = @3
          local.get 2
          i32.load offset=64
          local.tee 1
          i32.const -2147483647
          i32.eq
          br_if 0 (;@3;)
          i64.const 91
          call 65
          local.get 2
          local.get 2
          i64.load offset=72 align=4
          i64.store offset=9 align=1
          local.get 2
          local.get 2
          i32.load8_u offset=71
          i32.store8 offset=8
          local.get 2
          local.get 2
          i64.load offset=8
          local.tee 3
          i64.store offset=80
          local.get 2
          local.get 2
          i32.load8_u offset=16
          local.tee 4
          i32.store8 offset=88
          local.get 2
          i32.load8_u offset=70
          local.set 5
          local.get 2
          i32.load8_u offset=69
          local.set 6
          local.get 2
          i32.load8_u offset=68
          local.set 7
          local.get 0
          local.get 4
          i32.store8 offset=19
          local.get 0
          local.get 3
          i64.store offset=11 align=1
          i32.const 1
          local.set 4
          br 1 (;@2;)
        end
        i64.const 167
        call 65
        local.get 0
        local.get 2
        i64.load offset=51 align=1
        i64.store offset=20 align=1
        local.get 0
        local.get 2
        i64.load offset=56 align=1
        i64.store offset=25 align=1
        local.get 2
        local.get 2
        i32.load8_u offset=38
        i32.store8 offset=28
        local.get 2
        local.get 2
        i64.load offset=42 align=2
        local.tee 3
        i64.store offset=8
        local.get 2
        local.get 2
        i32.load offset=34 align=2
        local.tee 4
        i32.store offset=24
        local.get 2
        i32.load8_u offset=39
        local.set 7
        local.get 2
        i32.load8_u offset=40
        local.set 6
        local.get 2
        i32.load8_u offset=41
        local.set 5
        local.get 2
        i32.load16_u offset=32
        local.set 8
        local.get 2
        local.get 2
        i32.load8_u offset=50
        local.tee 9
        i32.store8 offset=16
        local.get 2
        i32.load offset=25 align=1
        local.set 1
        local.get 2
        local.get 9
        i32.store8 offset=88
        local.get 2
        local.get 3
        i64.store offset=80
        local.get 0
        local.get 4
        i32.store8 offset=3
        local.get 0
        local.get 8
        i32.store16 offset=1 align=1
        local.get 0
        local.get 2
        i32.load8_u offset=88
        i32.store8 offset=19
        local.get 0
        local.get 2
        i64.load offset=80
        i64.store offset=11 align=1
        i32.const 0
        local.set 4
      end
      i64.const 25
      call 65
      local.get 0
      local.get 5
      i32.store8 offset=10
      local.get 0
      local.get 6
      i32.store8 offset=9
      local.get 0
      local.get 7
      i32.store8 offset=8
      local.get 0
      local.get 1
      i32.store offset=4
      local.get 0
      local.get 4
      i32.store8
      local.get 2
      i32.const 96
      i32.add
      global.set 0
    end
    i32.const 18
    call 69
  )
  (func (;37;) (type 13) (param i32) (result i32)
    (local i32 i32)
    i32.const 10
    call 68
    block (result i32) ;; label = @1
      i64.const 16
      call 65
      i32.const 0
      local.set 1
      block ;; label = @2
        block ;; label = @3
          local.get 0
          i32.const 0
          i32.load offset=1050688
          local.tee 2
          i32.le_u
          br_if 0 (;@3;)
          i64.const 43
          call 65
          local.get 0
          local.get 2
          i32.sub
          local.tee 0
          i32.const 16
          i32.shr_u
          local.get 0
          i32.const 65535
          i32.and
          i32.const 0
          i32.ne
          i32.add
          local.tee 0
          i64.const 8192
          call 66
          memory.grow
          i32.const -1
          i32.eq
          br_if 1 (;@2;)
          i64.const 10
          call 65
          i32.const 0
          local.get 0
          i32.const 16
          i32.shl
          local.get 2
          i32.add
          i32.store offset=1050688
        end
        i64.const 2
        call 65
        i32.const 1
        local.set 1
      end
      i64.const 1
      call 65
      local.get 1
    end
    i32.const 10
    call 69
  )
  (func (;38;) (type 13) (param i32) (result i32)
    (local i32 i32)
    i32.const 10
    call 68
    block (result i32) ;; label = @1
      i64.const 13
      call 65
      i32.const 0
      local.set 1
      block ;; label = @2
        i32.const 0
        i32.load offset=1050684
        local.tee 2
        br_if 0 (;@2;)
        i64.const 13
        call 65
        i32.const 1050704
        local.set 2
        i32.const 0
        i32.const 1050704
        i32.store offset=1050684
        i32.const 0
        memory.size
        i32.const 16
        i32.shl
        i32.store offset=1050688
      end
      i64.const 12
      call 65
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
        i64.const 77
        call 65
        local.get 0
        call 37
        i32.eqz
        br_if 0 (;@2;)
        i64.const 10
        call 65
        i32.const 0
        local.get 2
        i32.store offset=1050692
        i32.const 0
        local.get 0
        i32.store offset=1050684
        local.get 2
        local.set 1
      end
      i64.const 1
      call 65
      local.get 1
    end
    i32.const 10
    call 69
  )
  (func (;39;) (type 14)
    (local i32 i32 i32)
    i32.const 11
    call 68
    block ;; label = @1
      i64.const 203
      call 65
      global.get 0
      i32.const 224
      i32.sub
      local.tee 0
      global.set 0
      local.get 0
      i32.const 140
      i32.add
      call 40
      local.get 0
      i32.load offset=144
      local.set 1
      local.get 0
      local.get 0
      i32.load offset=148
      i32.store offset=156
      local.get 0
      local.get 1
      i32.store offset=152
      local.get 0
      i32.const 72
      i32.add
      local.get 0
      i32.const 152
      i32.add
      call 36
      block ;; label = @2
        block ;; label = @3
          local.get 0
          i32.load8_u offset=72
          i32.const 1
          i32.eq
          br_if 0 (;@3;)
          i64.const 142
          call 65
          local.get 0
          local.get 0
          i64.load offset=97 align=1
          i64.store offset=32
          local.get 0
          local.get 0
          i64.load offset=89 align=1
          i64.store offset=24
          local.get 0
          local.get 0
          i64.load offset=81 align=1
          i64.store offset=16
          local.get 0
          local.get 0
          i64.load offset=73 align=1
          i64.store offset=8
          local.get 0
          i32.const 72
          i32.add
          local.get 0
          i32.const 152
          i32.add
          call 36
          local.get 0
          i32.load8_u offset=72
          i32.const 1
          i32.eq
          br_if 0 (;@3;)
          i64.const 108
          call 65
          local.get 0
          local.get 0
          i64.load offset=97 align=1
          i64.store offset=216
          local.get 0
          local.get 0
          i64.load offset=89 align=1
          i64.store offset=208
          local.get 0
          local.get 0
          i64.load offset=81 align=1
          i64.store offset=200
          local.get 0
          local.get 0
          i64.load offset=73 align=1
          i64.store offset=192
          local.get 0
          local.get 0
          i64.load offset=8
          i64.store offset=160
          local.get 0
          local.get 0
          i64.load offset=16
          i64.store offset=168
          local.get 0
          local.get 0
          i64.load offset=24
          i64.store offset=176
          local.get 0
          local.get 0
          i64.load offset=32
          i64.store offset=184
          local.get 0
          i32.load offset=156
          i32.eqz
          br_if 1 (;@2;)
          i64.const 80
          call 65
          local.get 0
          i32.const 76
          i32.add
          i32.const 12
          i32.const 1050195
          i32.const 18
          call 21
        end
        i64.const 76
        call 65
        i32.const 1049655
        i32.const 13
        call 14
        unreachable
      end
      i64.const 491
      call 65
      local.get 0
      i32.const 72
      i32.add
      i32.const 1
      i32.or
      local.tee 2
      local.get 0
      i32.const 160
      i32.add
      i32.const 64
      i64.const 527
      call 67
      memory.copy
      local.get 0
      i32.const 8
      i32.add
      local.get 2
      i32.const 64
      i64.const 527
      call 67
      memory.copy
      local.get 0
      i32.load offset=140
      local.get 1
      call 11
      local.get 0
      i32.const 2
      i32.store8 offset=72
      local.get 0
      local.get 0
      i64.load offset=32 align=1
      i64.store offset=184
      local.get 0
      local.get 0
      i64.load offset=24 align=1
      i64.store offset=176
      local.get 0
      local.get 0
      i64.load offset=16 align=1
      i64.store offset=168
      local.get 0
      local.get 0
      i64.load offset=8 align=1
      i64.store offset=160
      local.get 0
      local.get 0
      i64.load offset=40 align=1
      i64.store offset=192
      local.get 0
      local.get 0
      i64.load offset=48 align=1
      i64.store offset=200
      local.get 0
      local.get 0
      i64.load offset=56 align=1
      i64.store offset=208
      local.get 0
      local.get 0
      i64.load offset=64 align=1
      i64.store offset=216
      local.get 0
      i32.const 72
      i32.add
      i32.const 1
      i32.add
      local.get 0
      i32.const 160
      i32.add
      i32.const 64
      i64.const 527
      call 67
      memory.copy
      local.get 0
      i32.const 160
      i32.add
      local.get 0
      i32.const 72
      i32.add
      i32.const 65
      call 33
      local.get 0
      i64.load offset=160
      local.get 0
      i64.load offset=168
      call 9
      local.get 0
      i32.const 224
      i32.add
      global.set 0
    end
    i32.const 11
    call 69
  )
  (func (;40;) (type 3) (param i32)
    (local i32 i32 i32 i32)
    i32.const 11
    call 68
    block ;; label = @1
      i64.const 179
      call 65
      global.get 0
      i32.const 16
      i32.sub
      local.tee 1
      global.set 0
      local.get 1
      i32.const 8
      i32.add
      call 7
      local.tee 2
      call 19
      local.get 1
      i32.load offset=12
      local.set 3
      local.get 1
      i32.load offset=8
      local.set 4
      block ;; label = @2
        block ;; label = @3
          local.get 2
          br_if 0 (;@3;)
          i64.const 3
          call 65
          i32.const 0
          local.set 2
          br 1 (;@2;)
        end
        i64.const 74
        call 65
        local.get 3
        call 8
      end
      i64.const 17
      call 65
      local.get 0
      local.get 2
      i32.store offset=8
      local.get 0
      local.get 3
      i32.store offset=4
      local.get 0
      local.get 4
      i32.store
      local.get 1
      i32.const 16
      i32.add
      global.set 0
    end
    i32.const 11
    call 69
  )
  (func (;41;) (type 14)
    (local i32 i32 i32 i32 i64 i64)
    i32.const 15
    call 68
    block ;; label = @1
      i64.const 203
      call 65
      global.get 0
      i32.const 256
      i32.sub
      local.tee 0
      global.set 0
      local.get 0
      i32.const 48
      i32.add
      call 40
      local.get 0
      i32.load offset=52
      local.set 1
      local.get 0
      local.get 0
      i32.load offset=56
      i32.store offset=156
      local.get 0
      local.get 1
      i32.store offset=152
      local.get 0
      i32.const 80
      i32.add
      local.get 0
      i32.const 152
      i32.add
      call 36
      block ;; label = @2
        block ;; label = @3
          local.get 0
          i32.load8_u offset=80
          i32.const 1
          i32.eq
          br_if 0 (;@3;)
          i64.const 162
          call 65
          local.get 0
          local.get 0
          i64.load offset=85 align=1
          i64.store offset=176
          local.get 0
          local.get 0
          i32.load offset=92 align=1
          i32.store offset=183 align=1
          local.get 0
          local.get 0
          i64.load offset=100 align=4
          i64.store offset=192
          local.get 0
          local.get 0
          i64.load offset=105 align=1
          i64.store offset=197 align=1
          local.get 0
          i32.load offset=81 align=1
          local.set 2
          local.get 0
          i32.load offset=96
          local.set 3
          local.get 0
          i32.const 80
          i32.add
          local.get 0
          i32.const 152
          i32.add
          call 20
          local.get 0
          i32.load offset=80
          i32.const 1
          i32.eq
          br_if 0 (;@3;)
          i64.const 60
          call 65
          local.get 0
          local.get 0
          i64.load offset=176
          i64.store offset=160
          local.get 0
          local.get 0
          i32.load offset=183 align=1
          i32.store offset=167 align=1
          local.get 0
          local.get 0
          i64.load offset=192
          i64.store
          local.get 0
          local.get 0
          i64.load offset=197 align=1
          i64.store offset=5 align=1
          local.get 0
          i32.load offset=156
          i32.eqz
          br_if 1 (;@2;)
          i64.const 83
          call 65
          local.get 0
          i32.const 80
          i32.add
          i32.const 4
          i32.or
          i32.const 12
          i32.const 1050195
          i32.const 18
          call 21
        end
        i64.const 76
        call 65
        i32.const 1049655
        i32.const 13
        call 14
        unreachable
      end
      i64.const 697
      call 65
      local.get 0
      i64.load offset=104
      local.set 4
      local.get 0
      local.get 0
      i64.load offset=96
      i64.store offset=128
      local.get 0
      local.get 0
      i32.load offset=167 align=1
      i32.store offset=107 align=1
      local.get 0
      local.get 0
      i64.load offset=160
      i64.store offset=100 align=4
      local.get 0
      local.get 0
      i64.load
      i64.store offset=115 align=1
      local.get 0
      local.get 0
      i64.load offset=5 align=1
      i64.store offset=120 align=1
      local.get 0
      local.get 3
      i32.store offset=111 align=1
      local.get 0
      local.get 2
      i32.store offset=96
      local.get 0
      local.get 4
      i64.store offset=136
      local.get 0
      local.get 0
      i32.const 96
      i32.add
      i32.const 48
      i64.const 527
      call 67
      memory.copy
      local.get 0
      i32.load offset=48
      local.get 1
      call 11
      local.get 0
      i32.const 48
      i32.add
      call 13
      local.get 0
      i32.const 2
      i32.store8 offset=80
      local.get 0
      local.get 0
      i64.load offset=72 align=1
      i64.store offset=216
      local.get 0
      local.get 0
      i64.load offset=64 align=1
      i64.store offset=208
      local.get 0
      local.get 0
      i64.load offset=56 align=1
      i64.store offset=200
      local.get 0
      local.get 0
      i64.load offset=48 align=1
      i64.store offset=192
      local.get 0
      local.get 0
      i64.load
      i64.store offset=224
      local.get 0
      local.get 0
      i64.load offset=8
      i64.store offset=232
      local.get 0
      local.get 0
      i64.load offset=16
      i64.store offset=240
      local.get 0
      local.get 0
      i64.load offset=24
      i64.store offset=248
      local.get 0
      i32.const 81
      i32.add
      local.get 0
      i32.const 192
      i32.add
      i32.const 64
      i64.const 527
      call 67
      memory.copy
      local.get 0
      i32.const 80
      i32.add
      i32.const 65
      local.get 0
      i64.load offset=32
      local.tee 4
      local.get 0
      i64.load offset=40
      local.tee 5
      call 34
      local.get 0
      i32.const 160
      i32.add
      call 29
      local.get 0
      i32.const 80
      i32.add
      local.get 0
      i32.const 48
      i32.add
      local.get 0
      i32.const 160
      i32.add
      call 26
      block ;; label = @2
        block ;; label = @3
          block ;; label = @4
            block ;; label = @5
              local.get 0
              i32.load offset=80
              local.tee 1
              i32.const -2147483647
              i32.eq
              br_if 0 (;@5;)
              i64.const 25
              call 65
              local.get 0
              local.get 0
              i32.load offset=92
              i32.store offset=184
              local.get 0
              local.get 0
              i64.load offset=84 align=4
              i64.store offset=176
              br 1 (;@4;)
            end
            i64.const 96
            call 65
            local.get 0
            i32.const 80
            i32.add
            local.get 0
            local.get 0
            i32.const 160
            i32.add
            call 26
            block ;; label = @5
              local.get 0
              i32.load offset=80
              local.tee 1
              i32.const -2147483647
              i32.eq
              br_if 0 (;@5;)
              i64.const 25
              call 65
              local.get 0
              local.get 0
              i32.load offset=92
              i32.store offset=184
              local.get 0
              local.get 0
              i64.load offset=84 align=4
              i64.store offset=176
              br 1 (;@4;)
            end
            i64.const 97
            call 65
            local.get 0
            i32.const 80
            i32.add
            local.get 4
            local.get 5
            local.get 0
            i32.const 160
            i32.add
            call 15
            local.get 0
            i32.load offset=80
            local.tee 1
            i32.const -2147483647
            i32.eq
            br_if 1 (;@3;)
            i64.const 24
            call 65
            local.get 0
            local.get 0
            i32.load offset=92
            i32.store offset=184
            local.get 0
            local.get 0
            i64.load offset=84 align=4
            i64.store offset=176
          end
          i64.const 120
          call 65
          local.get 0
          local.get 1
          i32.store offset=192
          local.get 0
          local.get 0
          i64.load offset=176
          i64.store offset=196 align=4
          local.get 0
          local.get 0
          i32.load offset=184
          i32.store offset=204
          local.get 0
          i32.load offset=160
          local.get 0
          i32.load offset=164
          call 11
          br 1 (;@2;)
        end
        i64.const 28
        call 65
        local.get 0
        local.get 0
        i64.load offset=160 align=4
        i64.store offset=196 align=4
        local.get 0
        local.get 0
        i32.load offset=168
        i32.store offset=204
        local.get 0
        i32.const -2147483647
        i32.store offset=192
      end
      i64.const 263
      call 65
      local.get 0
      i32.const 80
      i32.add
      local.get 0
      i32.const 192
      i32.add
      call 23
      i32.const 1050256
      i32.const 8
      local.get 0
      i32.load offset=84
      local.tee 1
      local.get 0
      i32.load offset=88
      call 5
      local.get 0
      i32.load offset=80
      local.get 1
      call 11
      local.get 0
      i32.const 256
      i32.add
      global.set 0
    end
    i32.const 15
    call 69
  )
  (func (;42;) (type 14)
    (local i32 i32 i64 i64 i64 i64)
    i32.const 14
    call 68
    block ;; label = @1
      i64.const 203
      call 65
      global.get 0
      i32.const 112
      i32.sub
      local.tee 0
      global.set 0
      local.get 0
      i32.const 44
      i32.add
      call 40
      local.get 0
      i32.load offset=48
      local.set 1
      local.get 0
      local.get 0
      i32.load offset=52
      i32.store offset=60
      local.get 0
      local.get 1
      i32.store offset=56
      local.get 0
      i32.const 64
      i32.add
      local.get 0
      i32.const 56
      i32.add
      call 36
      block ;; label = @2
        block ;; label = @3
          local.get 0
          i32.load8_u offset=64
          i32.const 1
          i32.eq
          br_if 0 (;@3;)
          i64.const 60
          call 65
          local.get 0
          local.get 0
          i64.load offset=89 align=1
          i64.store offset=32
          local.get 0
          local.get 0
          i64.load offset=81 align=1
          i64.store offset=24
          local.get 0
          local.get 0
          i64.load offset=73 align=1
          i64.store offset=16
          local.get 0
          local.get 0
          i64.load offset=65 align=1
          i64.store offset=8
          local.get 0
          i32.load offset=60
          i32.eqz
          br_if 1 (;@2;)
          i64.const 80
          call 65
          local.get 0
          i32.const 68
          i32.add
          i32.const 12
          i32.const 1050195
          i32.const 18
          call 21
        end
        i64.const 76
        call 65
        i32.const 1049655
        i32.const 13
        call 14
        unreachable
      end
      i64.const 333
      call 65
      local.get 0
      local.get 0
      i64.load offset=32
      local.tee 2
      i64.store offset=89 align=1
      local.get 0
      local.get 0
      i64.load offset=24
      local.tee 3
      i64.store offset=81 align=1
      local.get 0
      local.get 0
      i64.load offset=16
      local.tee 4
      i64.store offset=73 align=1
      local.get 0
      local.get 0
      i64.load offset=8
      local.tee 5
      i64.store offset=65 align=1
      local.get 0
      local.get 2
      i64.store offset=33 align=1
      local.get 0
      local.get 3
      i64.store offset=25 align=1
      local.get 0
      local.get 4
      i64.store offset=17 align=1
      local.get 0
      local.get 5
      i64.store offset=9 align=1
      local.get 0
      i32.load offset=44
      local.get 1
      call 11
      local.get 0
      i32.const 1
      i32.store8 offset=8
      local.get 0
      i32.const 64
      i32.add
      local.get 0
      i32.const 8
      i32.add
      i32.const 33
      call 33
      local.get 0
      i64.load offset=64
      local.get 0
      i64.load offset=72
      call 9
      local.get 0
      i32.const 112
      i32.add
      global.set 0
    end
    i32.const 14
    call 69
  )
  (func (;43;) (type 14)
    (local i32 i32 i64 i64)
    i32.const 13
    call 68
    block ;; label = @1
      i64.const 203
      call 65
      global.get 0
      i32.const 112
      i32.sub
      local.tee 0
      global.set 0
      local.get 0
      i32.const 92
      i32.add
      call 40
      local.get 0
      i32.load offset=96
      local.set 1
      local.get 0
      local.get 0
      i32.load offset=100
      i32.store offset=108
      local.get 0
      local.get 1
      i32.store offset=104
      local.get 0
      i32.const 48
      i32.add
      local.get 0
      i32.const 104
      i32.add
      call 20
      block ;; label = @2
        block ;; label = @3
          local.get 0
          i32.load offset=48
          i32.const 1
          i32.eq
          br_if 0 (;@3;)
          i64.const 12
          call 65
          local.get 0
          i32.load offset=108
          i32.eqz
          br_if 1 (;@2;)
          i64.const 83
          call 65
          local.get 0
          i32.const 48
          i32.add
          i32.const 4
          i32.or
          i32.const 12
          i32.const 1050195
          i32.const 18
          call 21
        end
        i64.const 76
        call 65
        i32.const 1049655
        i32.const 13
        call 14
        unreachable
      end
      i64.const 194
      call 65
      local.get 0
      i64.load offset=72
      local.set 2
      local.get 0
      i64.load offset=64
      local.set 3
      local.get 0
      i32.load offset=92
      local.get 1
      call 11
      local.get 0
      i32.const 8
      i32.add
      i32.const 1050150
      i32.const 1
      i32.const 1
      i32.const 0
      call 18
      block ;; label = @2
        local.get 0
        i32.load offset=8
        br_if 0 (;@2;)
        i64.const 372
        call 65
        local.get 0
        i32.const 16
        i32.add
        call 13
        i32.const 1050150
        i32.const 1
        local.get 3
        local.get 2
        call 22
        local.get 0
        i32.const 1
        i32.store8 offset=48
        local.get 0
        local.get 0
        i64.load offset=16 align=1
        i64.store offset=49 align=1
        local.get 0
        local.get 0
        i64.load offset=24 align=1
        i64.store offset=57 align=1
        local.get 0
        local.get 0
        i64.load offset=32 align=1
        i64.store offset=65 align=1
        local.get 0
        local.get 0
        i64.load offset=40 align=1
        i64.store offset=73 align=1
        local.get 0
        i32.const 48
        i32.add
        i32.const 33
        local.get 3
        local.get 2
        call 34
        i32.const 1050264
        local.get 0
        i32.const 16
        i32.add
        local.get 3
        local.get 2
        call 35
        local.get 0
        i32.const 112
        i32.add
        global.set 0
        br 1 (;@1;)
      end
      i64.const 76
      call 65
      i32.const 1050296
      i32.const 19
      call 14
      unreachable
    end
    i32.const 13
    call 69
  )
  (func (;44;) (type 14)
    (local i32)
    i32.const 8
    call 68
    block ;; label = @1
      i64.const 95
      call 65
      global.get 0
      i32.const 32
      i32.sub
      local.tee 0
      global.set 0
      local.get 0
      i32.const 1050150
      i32.const 1
      call 17
      block ;; label = @2
        local.get 0
        i32.load
        i32.const 1
        i32.and
        br_if 0 (;@2;)
        i64.const 76
        call 65
        i32.const 1050241
        i32.const 15
        call 14
        unreachable
      end
      i64.const 96
      call 65
      local.get 0
      i64.load offset=16
      local.get 0
      i64.load offset=24
      call 9
      local.get 0
      i32.const 32
      i32.add
      global.set 0
    end
    i32.const 8
    call 69
  )
  (func (;45;) (type 14)
    (local i32 i32 i32 i32 i64)
    i32.const 13
    call 68
    block ;; label = @1
      i64.const 203
      call 65
      global.get 0
      i32.const 192
      i32.sub
      local.tee 0
      global.set 0
      local.get 0
      i32.const 124
      i32.add
      call 40
      local.get 0
      i32.load offset=128
      local.set 1
      local.get 0
      local.get 0
      i32.load offset=132
      i32.store offset=140
      local.get 0
      local.get 1
      i32.store offset=136
      local.get 0
      i32.const 48
      i32.add
      local.get 0
      i32.const 136
      i32.add
      call 36
      block ;; label = @2
        block ;; label = @3
          local.get 0
          i32.load8_u offset=48
          i32.const 1
          i32.eq
          br_if 0 (;@3;)
          i64.const 162
          call 65
          local.get 0
          local.get 0
          i64.load offset=53 align=1
          i64.store offset=176
          local.get 0
          local.get 0
          i32.load offset=60 align=1
          i32.store offset=183 align=1
          local.get 0
          local.get 0
          i64.load offset=68 align=4
          i64.store
          local.get 0
          local.get 0
          i64.load offset=73 align=1
          i64.store offset=5 align=1
          local.get 0
          i32.load offset=49 align=1
          local.set 2
          local.get 0
          i32.load offset=64
          local.set 3
          local.get 0
          i32.const 48
          i32.add
          local.get 0
          i32.const 136
          i32.add
          call 20
          local.get 0
          i32.load offset=48
          i32.const 1
          i32.eq
          br_if 0 (;@3;)
          i64.const 60
          call 65
          local.get 0
          local.get 0
          i64.load offset=176
          i64.store offset=160
          local.get 0
          local.get 0
          i32.load offset=183 align=1
          i32.store offset=167 align=1
          local.get 0
          local.get 0
          i64.load
          i64.store offset=144
          local.get 0
          local.get 0
          i64.load offset=5 align=1
          i64.store offset=149 align=1
          local.get 0
          i32.load offset=140
          i32.eqz
          br_if 1 (;@2;)
          i64.const 83
          call 65
          local.get 0
          i32.const 48
          i32.add
          i32.const 4
          i32.or
          i32.const 12
          i32.const 1050195
          i32.const 18
          call 21
        end
        i64.const 76
        call 65
        i32.const 1049655
        i32.const 13
        call 14
        unreachable
      end
      i64.const 382
      call 65
      local.get 0
      i64.load offset=72
      local.set 4
      local.get 0
      local.get 0
      i64.load offset=64
      i64.store offset=96
      local.get 0
      local.get 0
      i32.load offset=167 align=1
      i32.store offset=75 align=1
      local.get 0
      local.get 0
      i64.load offset=160
      i64.store offset=68 align=4
      local.get 0
      local.get 0
      i64.load offset=144
      i64.store offset=83 align=1
      local.get 0
      local.get 0
      i64.load offset=149 align=1
      i64.store offset=88 align=1
      local.get 0
      local.get 3
      i32.store offset=79 align=1
      local.get 0
      local.get 2
      i32.store offset=64
      local.get 0
      local.get 4
      i64.store offset=104
      local.get 0
      local.get 0
      i32.const 64
      i32.add
      i32.const 48
      i64.const 527
      call 67
      memory.copy
      local.get 0
      i32.load offset=124
      local.get 1
      call 11
      local.get 0
      i32.const 48
      i32.add
      call 13
      local.get 0
      i32.const 48
      i32.add
      local.get 0
      local.get 0
      i64.load offset=32
      local.get 0
      i64.load offset=40
      call 32
      local.get 0
      i32.const 192
      i32.add
      global.set 0
    end
    i32.const 13
    call 69
  )
  (func (;46;) (type 14)
    (local i32 i32 i32 i32 i32 i32 i64 i64 i64 i64)
    i32.const 19
    call 68
    block ;; label = @1
      i64.const 203
      call 65
      global.get 0
      i32.const 368
      i32.sub
      local.tee 0
      global.set 0
      local.get 0
      i32.const 188
      i32.add
      call 40
      local.get 0
      i32.load offset=192
      local.set 1
      local.get 0
      local.get 0
      i32.load offset=196
      i32.store offset=204
      local.get 0
      local.get 1
      i32.store offset=200
      local.get 0
      i32.const 80
      i32.add
      local.get 0
      i32.const 200
      i32.add
      call 36
      block ;; label = @2
        block ;; label = @3
          local.get 0
          i32.load8_u offset=80
          i32.const 1
          i32.eq
          br_if 0 (;@3;)
          i64.const 162
          call 65
          local.get 0
          local.get 0
          i64.load offset=85 align=1
          i64.store offset=272
          local.get 0
          local.get 0
          i32.load offset=92 align=1
          i32.store offset=279 align=1
          local.get 0
          local.get 0
          i64.load offset=100 align=4
          i64.store offset=304
          local.get 0
          local.get 0
          i64.load offset=105 align=1
          i64.store offset=309 align=1
          local.get 0
          i32.load offset=81 align=1
          local.set 2
          local.get 0
          i32.load offset=96
          local.set 3
          local.get 0
          i32.const 80
          i32.add
          local.get 0
          i32.const 200
          i32.add
          call 36
          local.get 0
          i32.load8_u offset=80
          i32.const 1
          i32.eq
          br_if 0 (;@3;)
          i64.const 186
          call 65
          local.get 0
          local.get 0
          i32.load8_u offset=83
          i32.store8 offset=302
          local.get 0
          local.get 0
          i32.load16_u offset=81 align=1
          i32.store16 offset=300
          local.get 0
          local.get 0
          i64.load offset=85 align=1
          i64.store offset=288
          local.get 0
          local.get 0
          i32.load offset=92 align=1
          i32.store offset=295 align=1
          local.get 0
          local.get 0
          i64.load offset=100 align=4
          i64.store
          local.get 0
          local.get 0
          i64.load offset=105 align=1
          i64.store offset=5 align=1
          local.get 0
          i32.load8_u offset=84
          local.set 4
          local.get 0
          i32.load offset=96
          local.set 5
          local.get 0
          i32.const 80
          i32.add
          local.get 0
          i32.const 200
          i32.add
          call 20
          local.get 0
          i32.load offset=80
          i32.const 1
          i32.eq
          br_if 0 (;@3;)
          i64.const 152
          call 65
          local.get 0
          local.get 0
          i64.load offset=272
          i64.store offset=256
          local.get 0
          local.get 0
          i32.load offset=279 align=1
          i32.store offset=263 align=1
          local.get 0
          local.get 0
          i64.load offset=304
          i64.store offset=240
          local.get 0
          local.get 0
          i64.load offset=309 align=1
          i64.store offset=245 align=1
          local.get 0
          local.get 0
          i32.load16_u offset=300
          i32.store16 offset=236
          local.get 0
          local.get 0
          i32.load8_u offset=302
          i32.store8 offset=238
          local.get 0
          local.get 0
          i64.load offset=288
          i64.store offset=224
          local.get 0
          local.get 0
          i32.load offset=295 align=1
          i32.store offset=231 align=1
          local.get 0
          i64.load offset=104
          local.set 6
          local.get 0
          i64.load offset=96
          local.set 7
          local.get 0
          local.get 0
          i64.load offset=5 align=1
          i64.store offset=213 align=1
          local.get 0
          local.get 0
          i64.load
          i64.store offset=208
          local.get 0
          i32.load offset=204
          i32.eqz
          br_if 1 (;@2;)
          i64.const 83
          call 65
          local.get 0
          i32.const 80
          i32.add
          i32.const 4
          i32.or
          i32.const 12
          i32.const 1050195
          i32.const 18
          call 21
        end
        i64.const 76
        call 65
        i32.const 1049655
        i32.const 13
        call 14
        unreachable
      end
      i64.const 573
      call 65
      local.get 0
      local.get 0
      i32.load offset=263 align=1
      i32.store offset=107 align=1
      local.get 0
      local.get 0
      i64.load offset=256
      i64.store offset=100 align=4
      local.get 0
      local.get 0
      i64.load offset=240
      i64.store offset=115 align=1
      local.get 0
      local.get 0
      i64.load offset=245 align=1
      i64.store offset=120 align=1
      local.get 0
      local.get 0
      i32.load16_u offset=236
      i32.store16 offset=128
      local.get 0
      local.get 0
      i32.load8_u offset=238
      i32.store8 offset=130
      local.get 0
      local.get 0
      i64.load offset=224
      i64.store offset=132 align=4
      local.get 0
      local.get 0
      i32.load offset=231 align=1
      i32.store offset=139 align=1
      local.get 0
      local.get 0
      i64.load offset=213 align=1
      i64.store offset=152 align=1
      local.get 0
      local.get 0
      i64.load offset=208
      i64.store offset=147 align=1
      local.get 0
      local.get 6
      i64.store offset=168
      local.get 0
      local.get 7
      i64.store offset=160
      local.get 0
      local.get 5
      i32.store offset=143 align=1
      local.get 0
      local.get 4
      i32.store8 offset=131
      local.get 0
      local.get 3
      i32.store offset=111 align=1
      local.get 0
      local.get 2
      i32.store offset=96
      local.get 0
      local.get 0
      i32.const 96
      i32.add
      i32.const 80
      i64.const 527
      call 67
      memory.copy
      local.get 0
      i32.load offset=188
      local.get 1
      call 11
      local.get 0
      i32.const 304
      i32.add
      i32.const 32
      i32.add
      call 13
      local.get 0
      i32.const 2
      i32.store8 offset=80
      local.get 0
      local.get 0
      i64.load offset=24
      i64.store offset=328
      local.get 0
      local.get 0
      i64.load offset=16
      i64.store offset=320
      local.get 0
      local.get 0
      i64.load offset=8
      i64.store offset=312
      local.get 0
      local.get 0
      i64.load
      i64.store offset=304
      local.get 0
      i32.const 81
      i32.add
      local.get 0
      i32.const 304
      i32.add
      i32.const 64
      i64.const 527
      call 67
      memory.copy
      local.get 0
      i32.const 304
      i32.add
      local.get 0
      i32.const 80
      i32.add
      i32.const 65
      call 33
      block ;; label = @2
        local.get 0
        i64.load offset=304
        local.tee 8
        local.get 0
        i64.load offset=64
        local.tee 9
        i64.lt_u
        local.tee 1
        local.get 0
        i64.load offset=312
        local.tee 7
        local.get 0
        i64.load offset=72
        local.tee 6
        i64.lt_u
        local.get 7
        local.get 6
        i64.eq
        select
        br_if 0 (;@2;)
        i64.const 177
        call 65
        local.get 0
        i32.const 80
        i32.add
        i32.const 65
        local.get 8
        local.get 9
        i64.sub
        local.get 7
        local.get 6
        i64.sub
        local.get 1
        i64.extend_i32_u
        i64.sub
        call 34
        local.get 0
        local.get 0
        i32.const 32
        i32.add
        local.get 9
        local.get 6
        call 32
        local.get 0
        i32.const 368
        i32.add
        global.set 0
        br 1 (;@1;)
      end
      i64.const 76
      call 65
      i32.const 1050315
      i32.const 22
      call 14
      unreachable
    end
    i32.const 19
    call 69
  )
  (func (;47;) (type 3) (param i32)
    i32.const 6
    call 68
    block ;; label = @1
      i64.const 75
      call 65
      local.get 0
      call 48
      unreachable
    end
    i32.const 6
    call 69
  )
  (func (;48;) (type 3) (param i32)
    (local i32)
    i32.const 10
    call 68
    block ;; label = @1
      i64.const 105
      call 65
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
      call 50
      unreachable
    end
    i32.const 10
    call 69
  )
  (func (;49;) (type 0) (param i32 i32) (result i32)
    (local i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i64)
    i32.const 22
    call 68
    block (result i32) ;; label = @1
      i64.const 24
      call 65
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
        call 65
        i32.const 10
        local.set 3
        local.get 4
        local.set 5
        loop ;; label = @3
          i64.const 249
          call 65
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
          i32.load16_u offset=1050418 align=1
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
          i32.load16_u offset=1050418 align=1
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
      call 65
      block ;; label = @2
        block ;; label = @3
          local.get 5
          i32.const 9
          i32.gt_u
          br_if 0 (;@3;)
          i64.const 3
          call 65
          local.get 5
          local.set 0
          br 1 (;@2;)
        end
        i64.const 125
        call 65
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
        i32.load16_u offset=1050418 align=1
        i32.store16 align=1
      end
      i64.const 4
      call 65
      block ;; label = @2
        block ;; label = @3
          local.get 4
          i32.eqz
          br_if 0 (;@3;)
          i64.const 4
          call 65
          local.get 0
          i32.eqz
          br_if 1 (;@2;)
        end
        i64.const 25
        call 65
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
        i32.load8_u offset=1050419
        i32.store8
      end
      i64.const 59
      call 65
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
          call 65
          block ;; label = @4
            block ;; label = @5
              block ;; label = @6
                local.get 0
                i32.const 16777216
                i32.and
                br_if 0 (;@6;)
                i64.const 51
                call 65
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
                    call 65
                    local.get 12
                    local.set 8
                    br 1 (;@7;)
                  end
                  i64.const 8
                  call 65
                  local.get 12
                  i32.const 65534
                  i32.and
                  i32.const 1
                  i32.shr_u
                  local.set 8
                end
                i64.const 25
                call 65
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
                  call 65
                  local.get 3
                  i32.const 65535
                  i32.and
                  local.get 8
                  i32.const 65535
                  i32.and
                  i32.ge_u
                  br_if 2 (;@5;)
                  i64.const 97
                  call 65
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
                  call 65
                  br 5 (;@2;)
                end
              end
              i64.const 119
              call 65
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
              call 56
              br_if 3 (;@2;)
              i64.const 10
              call 65
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
                call 65
                local.get 3
                i32.const 65535
                i32.and
                local.get 7
                i32.ge_u
                br_if 2 (;@4;)
                i64.const 97
                call 65
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
                call 65
                br 4 (;@2;)
              end
            end
            i64.const 80
            call 65
            i32.const 1
            local.set 0
            local.get 5
            local.get 6
            local.get 4
            local.get 9
            call 56
            br_if 2 (;@2;)
            i64.const 89
            call 65
            local.get 5
            local.get 10
            local.get 11
            local.get 6
            i32.load offset=12
            call_indirect (type 1)
            br_if 2 (;@2;)
            i64.const 10
            call 65
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
              call 65
              block ;; label = @6
                local.get 3
                i32.const 65535
                i32.and
                local.get 8
                i32.lt_u
                br_if 0 (;@6;)
                i64.const 3
                call 65
                i32.const 0
                local.set 0
                br 4 (;@2;)
              end
              i64.const 97
              call 65
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
              call 65
              br 3 (;@2;)
            end
          end
          i64.const 91
          call 65
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
          call 65
          local.get 1
          local.get 13
          i64.store offset=8 align=4
          i32.const 0
          local.set 0
          br 1 (;@2;)
        end
        i64.const 98
        call 65
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
        call 56
        br_if 0 (;@2;)
        i64.const 89
        call 65
        local.get 3
        local.get 10
        local.get 11
        local.get 5
        i32.load offset=12
        call_indirect (type 1)
        local.set 0
      end
      i64.const 6
      call 65
      local.get 2
      i32.const 16
      i32.add
      global.set 0
      local.get 0
    end
    i32.const 22
    call 69
  )
  (func (;50;) (type 3) (param i32)
    (local i32)
    i32.const 9
    call 68
    block ;; label = @1
      i64.const 107
      call 65
      global.get 0
      i32.const 32
      i32.sub
      local.tee 1
      global.set 0
      local.get 1
      local.get 0
      i32.store offset=16
      local.get 1
      i32.const 1050025
      i32.store offset=12
      local.get 1
      i32.const 0
      i32.store16 offset=28
      local.get 1
      i32.const 1050340
      i32.store offset=24
      local.get 1
      local.get 1
      i32.const 12
      i32.add
      i32.store offset=20
      local.get 1
      i32.const 20
      i32.add
      call 54
      unreachable
    end
    i32.const 9
    call 69
  )
  (func (;51;) (type 3) (param i32)
    i32.const 6
    call 68
    block ;; label = @1
      i64.const 75
      call 65
      local.get 0
      call 47
      unreachable
    end
    i32.const 6
    call 69
  )
  (func (;52;) (type 14)
    i32.const 7
    call 68
    block ;; label = @1
      i64.const 77
      call 65
      i32.const 1050356
      i32.const 35
      i32.const 1050376
      call 53
      unreachable
    end
    i32.const 7
    call 69
  )
  (func (;53;) (type 10) (param i32 i32 i32)
    (local i32)
    i32.const 11
    call 68
    block ;; label = @1
      i64.const 107
      call 65
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
      call 54
      unreachable
    end
    i32.const 11
    call 69
  )
  (func (;54;) (type 3) (param i32)
    (local i32 i32)
    i32.const 11
    call 68
    block ;; label = @1
      i64.const 74
      call 65
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
      call 67
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
          call 65
          local.get 0
          i32.load
          local.set 0
          local.get 1
          i32.const 16
          i32.add
          i32.const 1050618
          i32.const 7
          call 59
          drop
          local.get 1
          i32.const 16
          i32.add
          local.get 0
          local.get 2
          i32.const 1
          i32.shr_u
          call 59
          drop
          br 1 (;@2;)
        end
        i64.const 94
        call 65
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
        i32.const 1049761
        local.get 1
        i32.const 152
        i32.add
        call 61
        drop
      end
      i64.const 182
      call 65
      local.get 1
      i32.const 8
      i32.add
      local.get 1
      i32.const 16
      i32.add
      local.get 1
      i32.load offset=144
      call 62
      local.get 1
      i32.load offset=8
      local.get 1
      i32.load offset=12
      call 63
      unreachable
    end
    i32.const 11
    call 69
  )
  (func (;55;) (type 15) (param i32 i32 i32 i32) (result i32)
    (local i32 i32 i32 i32 i32 i32 i32 i32)
    i32.const 20
    call 68
    block (result i32) ;; label = @1
      i64.const 11
      call 65
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
            call 65
            local.get 2
            i32.load8_u
            local.tee 5
            br_if 1 (;@3;)
            i64.const 3
            call 65
            i32.const 0
            local.set 5
            br 2 (;@2;)
          end
          i64.const 93
          call 65
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
        call 65
        local.get 1
        i32.load offset=12
        local.set 6
        i32.const 0
        local.set 7
        loop ;; label = @3
          i64.const 12
          call 65
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
                    call 65
                    local.get 5
                    i32.const 255
                    i32.and
                    local.tee 9
                    i32.const 128
                    i32.eq
                    br_if 1 (;@7;)
                    i64.const 5
                    call 65
                    local.get 9
                    i32.const 192
                    i32.ne
                    br_if 3 (;@5;)
                    i64.const 117
                    call 65
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
                    call 65
                    i32.const 1
                    local.set 5
                    br 6 (;@2;)
                  end
                  i64.const 85
                  call 65
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
                    call 65
                    local.get 8
                    local.get 5
                    i32.add
                    local.set 2
                    br 4 (;@4;)
                  end
                  i64.const 3
                  call 65
                  i32.const 1
                  local.set 5
                  br 5 (;@2;)
                end
                i64.const 94
                call 65
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
                  call 65
                  local.get 5
                  local.get 2
                  i32.add
                  local.set 2
                  br 3 (;@4;)
                end
                i64.const 3
                call 65
                i32.const 1
                local.set 5
                br 4 (;@2;)
              end
              i64.const 8
              call 65
              local.get 7
              i32.const 1
              i32.add
              local.set 7
              local.get 8
              local.set 2
              br 1 (;@4;)
            end
            i64.const 9
            call 65
            i32.const 1610612768
            local.set 10
            block ;; label = @5
              local.get 5
              i32.const 1
              i32.and
              i32.eqz
              br_if 0 (;@5;)
              i64.const 15
              call 65
              local.get 2
              i32.const 5
              i32.add
              local.set 8
              local.get 2
              i32.load offset=1 align=1
              local.set 10
            end
            i64.const 7
            call 65
            i32.const 0
            local.set 9
            block ;; label = @5
              block ;; label = @6
                local.get 5
                i32.const 2
                i32.and
                br_if 0 (;@6;)
                i64.const 5
                call 65
                i32.const 0
                local.set 11
                local.get 8
                local.set 2
                br 1 (;@5;)
              end
              i64.const 15
              call 65
              local.get 8
              i32.const 2
              i32.add
              local.set 2
              local.get 8
              i32.load16_u align=1
              local.set 11
            end
            i64.const 5
            call 65
            block ;; label = @5
              block ;; label = @6
                local.get 5
                i32.const 4
                i32.and
                br_if 0 (;@6;)
                i64.const 3
                call 65
                local.get 2
                local.set 8
                br 1 (;@5;)
              end
              i64.const 15
              call 65
              local.get 2
              i32.const 2
              i32.add
              local.set 8
              local.get 2
              i32.load16_u align=1
              local.set 9
            end
            i64.const 5
            call 65
            block ;; label = @5
              block ;; label = @6
                local.get 5
                i32.const 8
                i32.and
                br_if 0 (;@6;)
                i64.const 3
                call 65
                local.get 8
                local.set 2
                br 1 (;@5;)
              end
              i64.const 15
              call 65
              local.get 8
              i32.const 2
              i32.add
              local.set 2
              local.get 8
              i32.load16_u align=1
              local.set 7
            end
            i64.const 7
            call 65
            block ;; label = @5
              local.get 5
              i32.const 16
              i32.and
              i32.eqz
              br_if 0 (;@5;)
              i64.const 19
              call 65
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
            call 65
            block ;; label = @5
              local.get 5
              i32.const 32
              i32.and
              i32.eqz
              br_if 0 (;@5;)
              i64.const 19
              call 65
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
            call 65
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
              call 65
              i32.const 1
              local.set 5
              br 3 (;@2;)
            end
            i64.const 5
            call 65
            local.get 7
            i32.const 1
            i32.add
            local.set 7
          end
          i64.const 11
          call 65
          local.get 2
          i32.load8_u
          local.tee 5
          br_if 0 (;@3;)
          i64.const 2
          call 65
        end
        i32.const 0
        local.set 5
      end
      i64.const 6
      call 65
      local.get 4
      i32.const 16
      i32.add
      global.set 0
      local.get 5
    end
    i32.const 20
    call 69
  )
  (func (;56;) (type 15) (param i32 i32 i32 i32) (result i32)
    i32.const 12
    call 68
    block (result i32) ;; label = @1
      i64.const 5
      call 65
      block ;; label = @2
        local.get 2
        i32.const 1114112
        i32.eq
        br_if 0 (;@2;)
        i64.const 90
        call 65
        local.get 0
        local.get 2
        local.get 1
        i32.load offset=16
        call_indirect (type 0)
        i32.eqz
        br_if 0 (;@2;)
        i64.const 2
        call 65
        i32.const 1
        br 1 (;@1;)
      end
      i64.const 2
      call 65
      block ;; label = @2
        local.get 3
        br_if 0 (;@2;)
        i64.const 2
        call 65
        i32.const 0
        br 1 (;@1;)
      end
      i64.const 88
      call 65
      local.get 0
      local.get 3
      i32.const 0
      local.get 1
      i32.load offset=12
      call_indirect (type 1)
    end
    i32.const 12
    call 69
  )
  (func (;57;) (type 3) (param i32)
    (local i32 i64)
    i32.const 11
    call 68
    block ;; label = @1
      i64.const 124
      call 65
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
      i32.const 1049706
      local.get 1
      i32.const 16
      i32.add
      i32.const 1050628
      call 53
      unreachable
    end
    i32.const 11
    call 69
  )
  (func (;58;) (type 10) (param i32 i32 i32)
    (local i32 i64)
    i32.const 13
    call 68
    block ;; label = @1
      i64.const 124
      call 65
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
      i32.const 1050063
      local.get 3
      i32.const 16
      i32.add
      local.get 2
      call 53
      unreachable
    end
    i32.const 13
    call 69
  )
  (func (;59;) (type 1) (param i32 i32 i32) (result i32)
    (local i32 i32 i32)
    i32.const 15
    call 68
    block (result i32) ;; label = @1
      i64.const 21
      call 65
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
          call 65
          local.get 5
          local.tee 4
          i32.eqz
          br_if 1 (;@2;)
          i64.const 5
          call 65
          local.get 4
          local.get 2
          i32.ge_u
          br_if 1 (;@2;)
          i64.const 21
          call 65
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
      call 65
      block ;; label = @2
        local.get 4
        local.get 2
        i32.gt_u
        br_if 0 (;@2;)
        i64.const 9
        call 65
        local.get 4
        local.get 3
        i32.add
        local.tee 5
        local.get 4
        i32.lt_u
        br_if 0 (;@2;)
        i64.const 5
        call 65
        local.get 5
        i32.const 129
        i32.ge_u
        br_if 0 (;@2;)
        i64.const 96
        call 65
        local.get 0
        local.get 3
        i32.add
        local.get 4
        local.get 1
        local.get 4
        i32.const 1050644
        call 28
        local.get 0
        local.get 0
        i32.load offset=128
        local.get 4
        i32.add
        i32.store offset=128
      end
      i64.const 1
      call 65
      i32.const 0
    end
    i32.const 15
    call 69
  )
  (func (;60;) (type 0) (param i32 i32) (result i32)
    i32.const 10
    call 68
    block (result i32) ;; label = @1
      i64.const 118
      call 65
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
      call 55
    end
    i32.const 10
    call 69
  )
  (func (;61;) (type 1) (param i32 i32 i32) (result i32)
    i32.const 11
    call 68
    block (result i32) ;; label = @1
      i64.const 77
      call 65
      local.get 0
      i32.const 1050660
      local.get 1
      local.get 2
      call 55
    end
    i32.const 11
    call 69
  )
  (func (;62;) (type 10) (param i32 i32 i32)
    i32.const 9
    call 68
    block ;; label = @1
      i64.const 5
      call 65
      block ;; label = @2
        local.get 2
        i32.const 129
        i32.lt_u
        br_if 0 (;@2;)
        i64.const 75
        call 65
        local.get 2
        call 57
        unreachable
      end
      i64.const 8
      call 65
      local.get 0
      local.get 2
      i32.store offset=4
      local.get 0
      local.get 1
      i32.store
    end
    i32.const 9
    call 69
  )
  (func (;63;) (type 2) (param i32 i32)
    i32.const 8
    call 68
    block ;; label = @1
      i64.const 76
      call 65
      local.get 0
      local.get 1
      call 1
      unreachable
    end
    i32.const 8
    call 69
  )
  (func (;64;) (type 0) (param i32 i32) (result i32)
    (local i32 i32 i32 i32)
    i32.const 13
    call 68
    block (result i32) ;; label = @1
      i64.const 15
      call 65
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
          call 65
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
            call 65
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
          call 65
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
            call 65
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
          call 65
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
        call 65
        local.get 2
        local.get 1
        i32.store8 offset=12
        i32.const 1
        local.set 1
      end
      i64.const 86
      call 65
      local.get 0
      local.get 2
      i32.const 12
      i32.add
      local.get 1
      call 59
      drop
      local.get 2
      i32.const 16
      i32.add
      global.set 0
      i32.const 0
    end
    i32.const 13
    call 69
  )
  (func (;65;) (type 16) (param i64)
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
  (func (;66;) (type 17) (param i32 i64) (result i32)
    local.get 0
    i64.extend_i32_u
    local.get 1
    i64.mul
    call 65
    local.get 0
  )
  (func (;67;) (type 17) (param i32 i64) (result i32)
    local.get 0
    i64.extend_i32_u
    local.get 1
    i64.mul
    i64.const 1023
    i64.add
    i64.const 10
    i64.shr_u
    call 65
    local.get 0
  )
  (func (;68;) (type 18) (param i32)
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
  (func (;69;) (type 18) (param i32)
    global.get 4
    local.get 0
    i32.sub
    global.set 4
  )
  (func (;70;) (type 19)
    i64.const 140411
    call 65
  )
  (data (;0;) (i32.const 1048576) "{\22abi\22:1,\22methods\22:[\0a{\22name\22:\22init\22,\22view\22:false,\22args\22:[{\22name\22:\22total_supply\22,\22type\22:\22u128\22}],\22result\22:null},\0a{\22name\22:\22transfer\22,\22view\22:false,\22args\22:[{\22name\22:\22to\22,\22type\22:\22address\22},{\22name\22:\22amount\22,\22type\22:\22u128\22}],\22result\22:null},\0a{\22name\22:\22approve\22,\22view\22:false,\22args\22:[{\22name\22:\22spender\22,\22type\22:\22address\22},{\22name\22:\22amount\22,\22type\22:\22u128\22}],\22result\22:null},\0a{\22name\22:\22transfer_from\22,\22view\22:false,\22args\22:[{\22name\22:\22from\22,\22type\22:\22address\22},{\22name\22:\22to\22,\22type\22:\22address\22},{\22name\22:\22amount\22,\22type\22:\22u128\22}],\22result\22:null},\0a{\22name\22:\22balance_of\22,\22view\22:true,\22args\22:[{\22name\22:\22account\22,\22type\22:\22address\22}],\22result\22:\22u128\22},\0a{\22name\22:\22allowance\22,\22view\22:true,\22args\22:[{\22name\22:\22owner\22,\22type\22:\22address\22},{\22name\22:\22spender\22,\22type\22:\22address\22}],\22result\22:\22u128\22},\0a{\22name\22:\22total_supply\22,\22view\22:true,\22args\22:[],\22result\22:\22u128\22}\0a],\22events\22:[\0a{\22topic\22:\22transfer\22,\22fields\22:[{\22name\22:\22from\22,\22type\22:\22address\22},{\22name\22:\22to\22,\22type\22:\22address\22},{\22name\22:\22amount\22,\22type\22:\22u128\22}]},\0a{\22topic\22:\22approval\22,\22fields\22:[{\22name\22:\22owner\22,\22type\22:\22address\22},{\22name\22:\22spender\22,\22type\22:\22address\22},{\22name\22:\22amount\22,\22type\22:\22u128\22}]}\0a]}invalid inputborsh: encode failedstorage: bad value\10range end index \c0\22 out of range for slice of length \c0\00\07panic: \c0\00/cargo/registry/src/index.crates.io-1949cf8c6b5b557f/borsh-1.8.1/src/nostd_io.rs\00/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/raw_vec/mod.rs\00/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/alloc.rs\00sdk/src/panic.rs\00\15memory allocation of \c0\0d bytes failed\00&copy_from_slice: source slice length (\c0+) does not match destination slice length (\c0\01)\00\00\ab\04\10\00P\00\00\00\1e\04\00\00\11\00\00\00failed to fill whole bufferNot all bytes readinsufficient balancetransfernot initializedapproval\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00already initializedinsufficient allowance\00\00\00M\05\10\00J\00\00\00)\02\00\00\09\00\00\00capacity overflow\00\00\00\fc\04\10\00P\00\00\00\1c\00\00\00\05\00\00\00Unexpected length of input00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899panic: \00\00\00\98\05\10\00\10\00\00\00.\00\00\00#\00\00\00\98\05\10\00\10\00\00\00\1d\00\00\00\15\00\00\00\00\00\00\00\84\00\00\00\04\00\00\00\03\00\00\00\04\00\00\00\05\00\00\00")
)
