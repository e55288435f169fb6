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
import { KernelCalls } from './kernel-calls.js';
import { REPLACED_KERNELS } from './kernels.js';

export type BackendName = 'wasm' | 'cpu';
export const BACKENDS: readonly BackendName[] = ['wasm', 'cpu'];

let registeredFor: string | undefined;

/** Make `name` the active backend (wasm by default), with smallnets' kernels registered on wasm. */
export async function initBackend(name: BackendName = 'wasm'): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`could not initialize the TF.js '${name}' backend`);
  await tf.ready();
  if (name === 'wasm') registerWasmKernels();
}

/** Register (once) the gradient kernels wasm lacks and the faster replacements. */
export function registerWasmKernels(): void {
  if (registeredFor === 'wasm') return;
  const backend = tf.findBackend('wasm');
  if (!backend) throw new Error('the wasm backend is not available');
  const calls = new KernelCalls('wasm', backend);
  for (const kernel of REPLACED_KERNELS) {
    calls.rememberOriginal(kernel.kernelName);
    if (tf.getKernel(kernel.kernelName, 'wasm')) tf.unregisterKernel(kernel.kernelName, 'wasm');
    tf.registerKernel({
      kernelName: kernel.kernelName,
      backendName: 'wasm',
      kernelFunc: ({ inputs, attrs }) => kernel.run(calls, inputs, attrs ?? {}),
    });
  }
  registeredFor = 'wasm';
}
