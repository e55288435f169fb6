#!/usr/bin/env node
// Compiles the runtime's AssemblyScript kernels (src/runtime/wasm/*.ts) into dist/runtime/smallnets-runtime.wasm:
// SIMD128, and again with relaxed SIMD into smallnets-runtime-relaxed.wasm (fused multiply-adds: the loader uses it
// where the engine validates relaxed SIMD: Chrome ≥ 114, Node ≥ 22, Node 20 with --experimental-wasm-relaxed-simd); memory imported from JS (so it can be shared between threads), no AssemblyScript runtime (the
// kernels never allocate). Runs offline from the assemblyscript devDependency; `npm run build` and `prepare` call it,
// and the test setup calls it when the .wasm is missing or older than its sources.
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const WASM_SOURCES = path.join(root, 'src/runtime/wasm');
export const WASM_OUT = path.join(root, 'dist/runtime/smallnets-runtime.wasm');
export const WASM_RELAXED_OUT = path.join(root, 'dist/runtime/smallnets-runtime-relaxed.wasm');

/** Whether the .wasm is missing or older than any of its sources. */
export async function wasmIsStale() {
  let built;
  try {
    built = Math.min((await stat(WASM_OUT)).mtimeMs, (await stat(WASM_RELAXED_OUT)).mtimeMs);
  } catch {
    return true;
  }
  for (const name of await readdir(WASM_SOURCES)) {
    if (name.endsWith('.ts') && (await stat(path.join(WASM_SOURCES, name))).mtimeMs > built) return true;
  }
  return false;
}

/**
 * The engine owns all of linear memory (weights from byte 16 on), so the module must not place static data
 * in it: fail the build if a data section (id 11) appears, e.g. from a std-library function with tables.
 */
function assertNoDataSegments(bytes) {
  let p = 8;
  const leb = () => {
    let result = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[p++];
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
    }
  };
  while (p < bytes.length) {
    const id = bytes[p++];
    const size = leb();
    if (id === 11 && size > 1) throw new Error('smallnets-runtime.wasm has a data segment; kernels must not use static data');
    p += size;
  }
}

async function compile(outFile, features) {
  const asc = (await import('assemblyscript/asc')).default;
  const stderr = [];
  const { error } = await asc.main(
    [
      path.join(WASM_SOURCES, 'index.ts'),
      '--outFile', outFile,
      '--importMemory', '--noExportMemory', '--maximumMemory', '65536',
      '--runtime', 'stub', '--noAssert', ...features.flatMap((f) => ['--enable', f]),
      '-O3', '--converge',
    ],
    { stderr: { write: (s) => stderr.push(String(s)) }, stdout: { write: () => {} } },
  );
  if (error) throw new Error(`AssemblyScript build failed: ${error.message}\n${stderr.join('')}`);
  assertNoDataSegments(await readFile(outFile));
}

export async function buildWasm() {
  await mkdir(path.dirname(WASM_OUT), { recursive: true });
  await compile(WASM_OUT, ['simd']);
  await compile(WASM_RELAXED_OUT, ['simd', 'relaxed-simd']);
  return WASM_OUT;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildWasm();
  for (const out of [WASM_OUT, WASM_RELAXED_OUT]) console.error(`wrote ${path.relative(root, out)} (${(await stat(out)).size} bytes)`);
}
