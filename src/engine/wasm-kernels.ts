/**
 * smallnets' kernels on TF.js's wasm backend: the gradients it lacks and faster replacements.
 * Only tfjs-core here (no union package), so the web playground's training worker registers the
 * same kernels in a browser as the CLI does in Node.
 */
import * as tf from '@tensorflow/tfjs-core';
import { KernelCalls } from './kernel-calls.js';
import { REPLACED_KERNELS } from './kernels.js';

let registeredFor: string | undefined;

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
