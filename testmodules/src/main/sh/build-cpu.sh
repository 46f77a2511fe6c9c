#!/usr/bin/env bash
# Builds the CPU benchmark programs of `just bench cpu` (src/main/c/cpu/*.c, written for this
# project, public domain) for wasm32-wasi: build-cpu.sh SRCDIR OUTDIR
# Each becomes OUTDIR/NAME.wasm; a program is rebuilt when its source or a header is newer.
set -euo pipefail
src=$1
out=$2
mkdir -p "$out"
for c in "$src"/*.c; do
  name=$(basename "$c" .c)
  wasm=$out/$name.wasm
  newest=$(ls -t "$c" "$src"/*.h "$0" | head -1)
  if [[ -s $wasm && $wasm -nt $newest ]]; then
    continue
  fi
  clang --target=wasm32-wasi --sysroot=/usr -O2 -Wall -Werror -Wl,--strip-debug -o "$wasm" "$c"
  [[ -s $wasm ]] || { echo "build-cpu.sh: clang wrote no $wasm" >&2; exit 1; }
done
echo "cpu benchmark programs: $(cd "$out" && ls *.wasm | tr '\n' ' ')"
