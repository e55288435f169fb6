/** The TF.js backends smallnets runs on, without loading TF.js (the CLI lists them in --help). */
export type BackendName = 'wasm' | 'cpu';
export const BACKENDS: readonly BackendName[] = ['wasm', 'cpu'];
