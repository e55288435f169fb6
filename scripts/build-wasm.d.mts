// Types of build-wasm.mjs for the TypeScript build scripts (scripts/build-web.ts) and the test setup.
/** Where the built kernels land: dist/runtime/smallnets-runtime.wasm. */
export const WASM_OUT: string;
export const WASM_SOURCES: string;
/** Whether the .wasm is missing or older than any of its sources. */
export function wasmIsStale(): Promise<boolean>;
/** Compile src/runtime/wasm into WASM_OUT; returns its path. */
export function buildWasm(): Promise<string>;
