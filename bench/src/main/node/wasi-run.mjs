// Runs a wasm32-wasi command under Node's WASI (V8) and prints the milliseconds spent in
// _start, excluding compilation, so the figure compares with the JVM engines' run time.
// Usage: node wasi-run.mjs MODULE.wasm [ARGS...]
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
import { argv, env, stderr } from 'node:process';

const [file, ...args] = argv.slice(2);
const wasi = new WASI({ version: 'preview1', args: ['module', ...args], env, returnOnExit: true });
const module = await WebAssembly.compile(await readFile(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
const start = process.hrtime.bigint();
const code = wasi.start(instance);
const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
stderr.write(`node-wasi-ms ${elapsed.toFixed(3)} exit ${code}\n`);
