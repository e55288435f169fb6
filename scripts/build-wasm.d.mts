// Types of build-wasm.mjs for the TypeScript build scripts (scripts/build-web.ts) and the test setup.
/** Where the built kernels land: dist/runtime/smallnets-runtime.wasm. */
export const WASM_OUT: string;
/** The relaxed-SIMD build beside it: dist/runtime/smallnets-runtime-relaxed.wasm. */
export const WASM_RELAXED_OUT: string;
export const WASM_SOURCES: string;
/** Whether either .wasm is missing or older than any of its sources. */
export function wasmIsStale(): Promise<boolean>;
/** Compile src/runtime/wasm into WASM_OUT and WASM_RELAXED_OUT; returns WASM_OUT. */
export function buildWasm(): Promise<string>;
