;; The peer benchmark guests (../shared/peers/guests: noop, fib, sum loop, alloc, spin) as one
;; HyperMesh wasm extension: the same function bodies behind the guest ABI (docs/wasm-abi.md), so
;; that the host runs them through its own call path, interpreted and compiled.
;;
;; Methods (dispatched on the method's length and first byte; no output; status 0 = right answer):
;;   noop     returns 0
;;   fib27    recursive fib(27) = 196418 (~832k calls); 1 if the answer is wrong
;;   sum100m  sum of 0..99_999_999 as i64 = 4999999950000000; 1 if wrong
;;   alloc    memory.grow by 4096 pages (256 MiB), touching one byte per new page; 1 if refused
;;   spin     loops forever
;;   trap     executes unreachable (for the first call after a trap)
;;   anything else: 3 (UNKNOWN_METHOD)
(module
  (memory (export "memory") 1)
  (global $next (mut i32) (i32.const 1024))

  ;; A bump allocator (never frees): enough for the request buffer the host keeps.
  (func (export "hypermesh_alloc") (param $len i32) (result i32)
    (local $p i32) (local $end i32)
    global.get $next
    local.tee $p
    local.get $len
    i32.add
    i32.const 7
    i32.add
    i32.const -8
    i32.and
    local.tee $end
    memory.size
    i32.const 16
    i32.shl
    i32.gt_u
    if
      local.get $end
      memory.size
      i32.const 16
      i32.shl
      i32.sub
      i32.const 16
      i32.shr_u
      i32.const 1
      i32.add
      memory.grow
      i32.const -1
      i32.eq
      if
        i32.const 0
        return
      end
    end
    local.get $end
    global.set $next
    local.get $p)

  (func $fib (param $n i32) (result i32)
    local.get $n
    i32.const 2
    i32.lt_s
    if (result i32)
      local.get $n
    else
      local.get $n
      i32.const 1
      i32.sub
      call $fib
      local.get $n
      i32.const 2
      i32.sub
      call $fib
      i32.add
    end)

  (func $sum100m (result i32)
    (local $i i64) (local $s i64)
    (loop $l
      local.get $s
      local.get $i
      i64.add
      local.set $s
      local.get $i
      i64.const 1
      i64.add
      local.tee $i
      i64.const 100000000
      i64.lt_u
      br_if $l)
    local.get $s
    i64.const 4999999950000000
    i64.ne)

  (func $alloc (result i32)
    (local $old i32) (local $p i32) (local $end i32)
    i32.const 4096
    memory.grow
    local.tee $old
    i32.const -1
    i32.eq
    if
      i32.const 1
      return
    end
    local.get $old
    i32.const 16
    i32.shl
    local.tee $p
    i32.const 268435456
    i32.add
    local.set $end
    (loop $l
      local.get $p
      i32.const 1
      i32.store8
      local.get $p
      i32.const 65536
      i32.add
      local.tee $p
      local.get $end
      i32.lt_u
      br_if $l)
    i32.const 0)

  (func $spin (result i32)
    (loop $l
      br $l)
    i32.const 0)

  (func (export "hypermesh_handle") (param $method i32) (param $method_len i32) (param $input i32) (param $input_len i32) (result i32)
    (local $first i32)
    local.get $method_len
    if
      local.get $method
      i32.load8_u
      local.set $first
    end
    local.get $method_len
    i32.const 4
    i32.eq
    if
      local.get $first
      i32.const 110 ;; 'n'
      i32.eq
      if
        i32.const 0
        return
      end
      local.get $first
      i32.const 115 ;; 's'
      i32.eq
      if
        call $spin
        return
      end
      local.get $first
      i32.const 116 ;; 't'
      i32.eq
      if
        unreachable
      end
    end
    local.get $method_len
    i32.const 5
    i32.eq
    if
      local.get $first
      i32.const 102 ;; 'f'
      i32.eq
      if
        i32.const 27
        call $fib
        i32.const 196418
        i32.ne
        return
      end
      local.get $first
      i32.const 97 ;; 'a'
      i32.eq
      if
        call $alloc
        return
      end
    end
    local.get $method_len
    i32.const 7
    i32.eq
    if
      local.get $first
      i32.const 115 ;; 's'
      i32.eq
      if
        call $sum100m
        return
      end
    end
    i32.const 3))
