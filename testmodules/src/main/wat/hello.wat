;; hello: the sample module. Prints "Hello from WebAssembly!" and its arguments (argv[1..]).
;; Hand-written WAT so that it builds with Chicory's pure-Java wabt: `just run` needs no C toolchain.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (memory (export "memory") 2)
  ;; layout: 0 iovec, 8 bytes written, 16 argc, 20 argv buffer size,
  ;; 64.. constant strings, 1024.. argv pointers, 4096.. argv strings
  (data (i32.const 64) "Hello from WebAssembly!")
  (data (i32.const 96) " args:")
  (data (i32.const 112) " ")
  (data (i32.const 120) "\n")

  (func $write (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))

  (func $strlen (param $p i32) (result i32) (local $n i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (i32.load8_u (i32.add (local.get $p) (local.get $n)))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $n))

  (func (export "_start") (local $i i32) (local $argc i32) (local $arg i32)
    (call $write (i32.const 64) (i32.const 23))
    (drop (call $args_sizes_get (i32.const 16) (i32.const 20)))
    (local.set $argc (i32.load (i32.const 16)))
    (drop (call $args_get (i32.const 1024) (i32.const 4096)))
    (if (i32.gt_u (local.get $argc) (i32.const 1))
      (then
        (call $write (i32.const 96) (i32.const 6))
        (local.set $i (i32.const 1))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $i) (local.get $argc)))
            (local.set $arg (i32.load (i32.add (i32.const 1024) (i32.mul (local.get $i) (i32.const 4)))))
            (call $write (i32.const 112) (i32.const 1))
            (call $write (local.get $arg) (call $strlen (local.get $arg)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next)))))
    (call $write (i32.const 120) (i32.const 1))))
