/**
 * Backend setup. smallnets runs on TF.js's wasm backend (XNNPACK, SIMD) by default, with the
 * kernels it lacks for training registered here; the pure-JS cpu backend is the reference the
 * tests compare against.
 *
 * Kernel registration is explicit (this function), not an import side effect.
 */
import * as tf from '@tensorflow/tfjs-core';
// The union package's Node bundle is the only CommonJS build that registers tfjs-core's gradient
// functions (tfjs-core's own register_all_gradients is ESM-only with extensionless imports).
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from './wasm-kernels.js';

export { registerWasmKernels };

import type { BackendName } from './backend-names.js';

export { BACKENDS, type BackendName } from './backend-names.js';

/** Make `name` the active backend (wasm by default), with smallnets' kernels registered on wasm. */
export async function initBackend(name: BackendName = 'wasm'): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`could not initialize the TF.js '${name}' backend`);
  await tf.ready();
  if (name === 'wasm') registerWasmKernels();
}
