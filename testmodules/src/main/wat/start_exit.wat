;; start_exit: the wasm start section prints a line and calls proc_exit(7); _start is never reached.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "in the start section\n")
  (func $init
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const 21))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $proc_exit (i32.const 7)))
  (func (export "_start") unreachable)
  (start $init))
