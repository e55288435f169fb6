/**
 * Builds the runtime's WebAssembly kernels (when missing or older than their sources) and its browser bundle
 * before the tests, so that `vitest` alone works on a fresh checkout.
 */
import { buildWasm, wasmIsStale } from './scripts/build-wasm.mjs';
// @ts-expect-error -- plain .mjs build scripts without type declarations
import { buildBrowserBundle } from './scripts/build-browser.mjs';

export default async function setup(): Promise<void> {
  if (await wasmIsStale()) await buildWasm();
  await buildBrowserBundle();
}
