/** Builds the runtime's WebAssembly kernels before the tests when they are missing or older than their sources. */
// @ts-expect-error -- a plain .mjs build script without type declarations
import { buildWasm, wasmIsStale } from './scripts/build-wasm.mjs';

export default async function setup(): Promise<void> {
  if (await wasmIsStale()) await buildWasm();
}
