/**
 * TF.js for the model views, imported lazily (this module is its own chunk): tfjs-core, the layers
 * API and the pure-JS cpu backend — no wasm or WebGL binaries to fetch, the same numbers on every
 * browser. A LeNet forward pass on one digit takes a few milliseconds on it.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';

let ready: Promise<void> | undefined;

/** TF.js with the cpu backend active. */
export async function loadTfjs(): Promise<{ tf: typeof tf; tfl: typeof tfl }> {
  ready ??= (async () => {
    if (!(await tf.setBackend('cpu'))) throw new Error('TF.js could not start its cpu backend');
    await tf.ready();
  })();
  await ready;
  return { tf, tfl };
}
