;; start_trap: the wasm start section divides by zero.
(module
  (memory (export "memory") 1)
  (func $init (drop (i32.div_s (i32.const 1) (i32.const 0))))
  (func (export "_start"))
  (start $init))
