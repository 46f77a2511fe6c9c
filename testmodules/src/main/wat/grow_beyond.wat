;; grow_beyond: asks memory.grow for 40,000 more pages (2.5 GiB: wasm32 allows 4 GiB) and calls
;; proc_exit(3) when refused, as a C program whose malloc fails would; exits 0 when granted.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (if (i32.eq (memory.grow (i32.const 40000)) (i32.const -1))
      (then (call $proc_exit (i32.const 3))))))
