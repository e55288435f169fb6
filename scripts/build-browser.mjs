#!/usr/bin/env node
// Bundles the runtime for browsers: dist/browser/smallnets-runtime.js (ESM, minified, no dependency left to
// install: the .snn reader and fflate's inflate are inside) plus smallnets-runtime.wasm beside it, which the
// bundle fetches relative to its own URL. `npm run build` runs it after tsc and the wasm build.
import { copyFile, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { buildWasm, wasmIsStale, WASM_OUT, WASM_RELAXED_OUT } from './build-wasm.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'dist/browser');

export async function buildBrowserBundle() {
  if (await wasmIsStale()) await buildWasm();
  await mkdir(outDir, { recursive: true });
  const js = path.join(outDir, 'smallnets-runtime.js');
  await build({
    entryPoints: [path.join(root, 'src/runtime/index.ts')],
    outfile: js,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    // Node-only paths (reading a local file, worker threads) import these lazily; browsers never reach them.
    external: ['node:*'],
    logLevel: 'warning',
  });
  const wasm = path.join(outDir, 'smallnets-runtime.wasm');
  await copyFile(WASM_OUT, wasm);
  // The relaxed-SIMD build beside it: a page downloads one of the two (the loader probes the engine first).
  await copyFile(WASM_RELAXED_OUT, path.join(outDir, path.basename(WASM_RELAXED_OUT)));
  return { js: (await stat(js)).size, wasm: (await stat(wasm)).size };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const sizes = await buildBrowserBundle();
  console.error(`wrote dist/browser/smallnets-runtime.js (${sizes.js} bytes) + .wasm (${sizes.wasm} bytes)`);
}
