#!/usr/bin/env bash
# Builds SQLite's command-line shell for wasm32-wasi from SQLite's own sources, as a real C
# program for the tests: build-sqlite.sh OUT.wasm WORKDIR SHIMS.c
#
# Where the sources come from: the npm package "sqlite3" (node-sqlite3) ships SQLite's official
# autoconf release tarball (deps/sqlite-autoconf-*.tar.gz: sqlite3.c amalgamation, shell.c,
# sqlite3.h) untouched. The npm registry is one of the three registries a fresh machine of this
# project reaches, npm is already needed for `just`, and `npm pack` fetches through npm's own
# cache and checks the registry's integrity hash; the tarball is checked again below against
# the hash pinned here, so the build uses exactly these bytes. (Maven Central has no SQLite C
# sources; Debian's source packages need deb-src entries a fresh machine does not have.)
set -euo pipefail
out=$1
work=$2
shims=$3
version=6.0.1
integrity='sha512-X0czUUMG2tmSqJpEQa3tCuZSHKIx8PwM53vLZzKp/o6Rpy25fiVfjdbnZ988M8+O3ZWR1ih0K255VumCb3MAnQ=='

if [[ -s $out && $out -nt $0 ]]; then
  echo "sqlite3.wasm is up to date"
  exit 0
fi
command -v npm >/dev/null || { echo "build-sqlite.sh: npm is needed to fetch SQLite's sources (npm package sqlite3@$version)" >&2; exit 1; }
mkdir -p "$work"
tgz=$work/sqlite3-$version.tgz
if [[ ! -s $tgz ]]; then
  (cd "$work" && npm pack --silent "sqlite3@$version" >/dev/null)
fi
actual="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
if [[ $actual != "$integrity" ]]; then
  echo "build-sqlite.sh: $tgz has $actual, expected $integrity" >&2
  rm -f "$tgz"
  exit 1
fi
rm -rf "$work/src" && mkdir -p "$work/src"
tar -xzf "$tgz" -C "$work/src" --wildcards 'package/deps/sqlite-autoconf-*.tar.gz'
tar -xzf "$work"/src/package/deps/sqlite-autoconf-*.tar.gz -C "$work/src" --wildcards '*/sqlite3.c' '*/shell.c' '*/sqlite3.h' '*/sqlite3ext.h'
dir=$(echo "$work"/src/sqlite-autoconf-*)
echo "compiling SQLite $(grep -m1 '#define SQLITE_VERSION ' "$dir/sqlite3.h" | awk '{print $3}') shell for wasm32-wasi"
# SQLITE_WASI (set by sqlite3.c for __wasi__): no threads, no extension loading, no file locks;
# WAL needs shared memory, which WASI lacks; the shell's .system and pipes need processes.
clang --target=wasm32-wasi --sysroot=/usr -O2 -w \
  -D_WASI_EMULATED_SIGNAL -D_WASI_EMULATED_PROCESS_CLOCKS -D_WASI_EMULATED_MMAN -D_WASI_EMULATED_GETPID \
  -DSQLITE_OMIT_WAL -DSQLITE_NOHAVE_SYSTEM \
  -o "$out.tmp" "$dir/shell.c" "$dir/sqlite3.c" "$shims" \
  -lwasi-emulated-signal -lwasi-emulated-process-clocks -lwasi-emulated-mman -lwasi-emulated-getpid
mv "$out.tmp" "$out"
echo "built $out ($(stat -c %s "$out") bytes)"
