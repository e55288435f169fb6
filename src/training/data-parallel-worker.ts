/**
 * The worker side of data-parallel training: a model replica on its own wasm backend that, for each
 * requested step, copies the weights the main thread changed, computes gradients of the loss on its
 * half-batch and writes them to shared memory. See data-parallel.ts.
 */
import { workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../engine/backend.js';
import { crossEntropyLoss, distillationLoss, type LossFn } from './losses.js';
import { PROTOCOL, type ModelData, type WorkerInit } from './data-parallel-protocol.js';

const init = workerData as WorkerInit;

function load(data: ModelData): Promise<tfl.LayersModel> {
  return tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: data.modelTopology, weightSpecs: data.weightSpecs, weightData: data.weightData }));
}

async function run(): Promise<void> {
  await initBackend('wasm');
  // Modules that register the model's wrapper layers (pruning/quantization/clustering) for deserialization.
  for (const url of init.modules) await import(url);
  const model = await load(init.model);
  let loss: LossFn = crossEntropyLoss;
  if (init.loss.kind === 'distillation') {
    const { teacher, temperature, alpha, studentProbabilities } = init.loss;
    loss = distillationLoss(await load(teacher), temperature, alpha, studentProbabilities);
  }
  const byName = new Map(model.weights.map((w) => [w.originalName, w]));
  const find = (name: string) => {
    const w = byName.get(name);
    if (!w) throw new Error(`replica has no weight ${name}`);
    return w;
  };
  const weights = init.weights.map((w) => find(w.name));
  const trainable = init.trainable.map((name) => (find(name) as unknown as { val: tf.Variable }).val);
  const offsets = init.weights.map((_, i) => init.weights.slice(0, i).reduce((a, w) => a + w.size, 0));
  const control = new Int32Array(init.control);
  const stats = new Float64Array(init.stats);
  const values = new Float32Array(init.values);
  const versions = new Int32Array(init.versions);
  const seen = new Int32Array(versions.length);
  const grads = new Float32Array(init.grads);
  const pixels = new Float32Array(init.pixels);
  const labels = new Int32Array(init.labels);
  const imageShape = model.inputs[0]!.shape.slice(1) as number[];
  const pixelsPerImage = imageShape.reduce((a, b) => a * b, 1);
  Atomics.store(control, PROTOCOL.ready, 1);
  Atomics.notify(control, PROTOCOL.ready);

  let last = 0;
  for (;;) {
    Atomics.wait(control, PROTOCOL.request, last);
    const request = Atomics.load(control, PROTOCOL.request);
    if (request < 0) return;
    if (request === last) continue;
    last = request;
    const count = Atomics.load(control, PROTOCOL.count);
    tf.tidy(() => {
      weights.forEach((w, i) => {
        const version = Atomics.load(versions, i);
        if (version === seen[i]) return;
        seen[i] = version;
        const size = init.weights[i]!.size;
        w.write(tf.tensor(values.subarray(offsets[i]!, offsets[i]! + size), w.shape as number[], w.dtype as 'float32' | 'int32'));
      });
      const xs = tf.tensor(pixels.subarray(0, count * pixelsPerImage), [count, ...imageShape]);
      const ys = tf.oneHot(tf.tensor1d(labels.subarray(0, count), 'int32'), init.numClasses).toFloat() as tf.Tensor2D;
      let outputs: tf.Tensor | undefined;
      const { value, grads: g } = tf.variableGrads(() => {
        const r = loss(model, xs, ys);
        outputs = tf.keep(r.outputs);
        return r.loss;
      }, trainable);
      let offset = 0;
      for (const v of trainable) {
        const size = v.size;
        const grad = g[v.name];
        if (grad) grads.set(grad.dataSync() as Float32Array, offset);
        else grads.fill(0, offset, offset + size); // not on the loss's path: no gradient
        offset += size;
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
  Atomics.store(control, PROTOCOL.ready, -1);
  Atomics.notify(control, PROTOCOL.ready);
  Atomics.store(control, PROTOCOL.done, -1);
  Atomics.notify(control, PROTOCOL.done);
  process.stderr.write(`data-parallel worker: ${(error as Error).message}\n`);
});
