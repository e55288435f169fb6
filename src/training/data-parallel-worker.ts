/**
 * The worker side of data-parallel training: a model replica on its own wasm backend that, for each
 * requested step, loads the published weights, computes gradients of the cross-entropy on its
 * half-batch and writes them to shared memory. See data-parallel.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../engine/backend.js';
import { crossEntropyLoss } from './train.js';
import { PROTOCOL, type WorkerInit } from './data-parallel-protocol.js';

const init = workerData as WorkerInit;

async function run(): Promise<void> {
  await initBackend('wasm');
  const model = await tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: init.modelTopology,
      weightSpecs: init.weightSpecs,
      weightData: init.weightData.slice().buffer,
    }),
  );
  const byName = new Map(model.trainableWeights.map((w) => [w.originalName, w]));
  const variables = init.trainableNames.map((name) => {
    const w = byName.get(name);
    if (!w) throw new Error(`replica has no trainable weight ${name}`);
    return w;
  });
  const control = new Int32Array(init.control);
  const stats = new Float64Array(init.stats);
  const weights = new Float32Array(init.weights);
  const grads = new Float32Array(init.grads);
  const pixels = new Float32Array(init.pixels);
  const labels = new Int32Array(init.labels);
  const imageShape = model.inputs[0]!.shape.slice(1) as number[];
  const pixelsPerImage = imageShape.reduce((a, b) => a * b, 1);
  parentPort!.postMessage('ready');

  let last = 0;
  for (;;) {
    Atomics.wait(control, PROTOCOL.request, last);
    const request = Atomics.load(control, PROTOCOL.request);
    if (request < 0) return;
    if (request === last) continue;
    last = request;
    const count = Atomics.load(control, PROTOCOL.count);
    tf.tidy(() => {
      let offset = 0;
      for (const w of variables) {
        const size = w.shape.reduce<number>((a, b) => a * (b ?? 1), 1);
        w.write(tf.tensor(weights.subarray(offset, offset + size), w.shape as number[]));
        offset += size;
      }
      const xs = tf.tensor(pixels.subarray(0, count * pixelsPerImage), [count, ...imageShape]);
      const ys = tf.oneHot(tf.tensor1d(labels.subarray(0, count), 'int32'), init.numClasses).toFloat() as tf.Tensor2D;
      let outputs: tf.Tensor | undefined;
      const { value, grads: g } = tf.variableGrads(() => {
        const r = crossEntropyLoss(model, xs, ys);
        outputs = tf.keep(r.outputs);
        return r.loss;
      }, variables.map((w) => (w as unknown as { val: tf.Variable }).val));
      offset = 0;
      for (const w of variables) {
        const grad = g[(w as unknown as { val: tf.Variable }).val.name]!.dataSync() as Float32Array;
        grads.set(grad, offset);
        offset += grad.length;
      }
      stats[0] = value.dataSync()[0]!;
      stats[1] = tf.sum(tf.cast(tf.equal(tf.argMax(outputs!, -1), tf.argMax(ys, -1)), 'int32')).dataSync()[0]!;
      outputs!.dispose();
    });
    Atomics.store(control, PROTOCOL.done, request);
    Atomics.notify(control, PROTOCOL.done);
  }
}

run().catch((error: unknown) => {
  const control = new Int32Array(init.control);
  Atomics.store(control, PROTOCOL.done, -1);
  Atomics.notify(control, PROTOCOL.done);
  process.stderr.write(`data-parallel worker: ${(error as Error).message}\n`);
});
