;; start_then_main: the start section stores a value that _start then prints ("start ran\n"),
;; so the two run once each, in order.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "start ran\n")
  (data (i32.const 80) "start missing\n")
  (global $ran (mut i32) (i32.const 0))
  (func $init (global.set $ran (i32.add (global.get $ran) (i32.const 1))))
  (func (export "_start")
    (if (i32.eq (global.get $ran) (i32.const 1))
      (then (i32.store (i32.const 0) (i32.const 64)) (i32.store (i32.const 4) (i32.const 10)))
      (else (i32.store (i32.const 0) (i32.const 80)) (i32.store (i32.const 4) (i32.const 14))))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (start $init))
