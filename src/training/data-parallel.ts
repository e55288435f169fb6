/**
 * Data-parallel training on the second core. TF.js's wasm backend runs on one thread in Node (its
 * threaded build cannot start workers there), so smallnets splits each batch in two: the main thread
 * computes gradients on one half while a worker thread, holding a replica of the model on its own
 * wasm backend, computes the other. Gradients meet in shared memory, the main thread averages them
 * and applies the optimizer, then publishes the new weights for the worker's next step.
 *
 * Only the main thread owns optimizer state and runs hooks (pruning masks etc.), so the replica
 * never drifts: it reads the main thread's weights at the start of every step. Requirements: a
 * model of stock tf.layers classes (the worker rebuilds it from its JSON), the default
 * cross-entropy loss, and no non-trainable state updated in training (e.g. BatchNorm statistics).
 */
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { modelArtifacts } from '../models/io.js';
import { PROTOCOL, type WorkerInit } from './data-parallel-protocol.js';

/** A live worker replica of one model. `close()` it when training ends. */
export class GradientWorker {
  private seq = 0;
  private constructor(
    private readonly worker: Worker,
    private readonly control: Int32Array,
    private readonly stats: Float64Array,
    private readonly weights: Float32Array,
    private readonly grads: Float32Array,
    private readonly pixels: Float32Array,
    private readonly labels: Int32Array,
    private readonly sizes: number[],
  ) {}

  /** Start a worker holding a replica of `model` for batches of up to `maxBatch` images. */
  static async start(model: tfl.LayersModel, maxBatch: number): Promise<GradientWorker> {
    const artifacts = await modelArtifacts(model);
    const sizes = model.trainableWeights.map((w) => w.shape.reduce<number>((a, b) => a * (b ?? 1), 1));
    const total = sizes.reduce((a, b) => a + b, 0);
    const pixelsPerImage = (model.inputs[0]!.shape.slice(1) as number[]).reduce((a, b) => a * b, 1);
    const shared = (bytes: number) => new SharedArrayBuffer(bytes);
    const init: WorkerInit = {
      modelTopology: artifacts.modelTopology as object,
      weightSpecs: artifacts.weightSpecs ?? [],
      weightData: new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData!)),
      trainableNames: model.trainableWeights.map((w) => w.originalName),
      control: shared(PROTOCOL.controlInts * 4),
      stats: shared(2 * 8),
      weights: shared(total * 4),
      grads: shared(total * 4),
      pixels: shared(maxBatch * pixelsPerImage * 4),
      labels: shared(maxBatch * 4),
      numClasses: model.outputs[0]!.shape[1] as number,
    };
    const worker = startWorker(init);
    await new Promise<void>((resolve, reject) => {
      worker.once('message', (m: unknown) => (m === 'ready' ? resolve() : reject(new Error(String(m)))));
      worker.once('error', reject);
    });
    return new GradientWorker(
      worker,
      new Int32Array(init.control),
      new Float64Array(init.stats),
      new Float32Array(init.weights),
      new Float32Array(init.grads),
      new Float32Array(init.pixels),
      new Int32Array(init.labels),
      sizes,
    );
  }

  /** Copy the current trainable weights where the worker reads them. */
  publishWeights(model: tfl.LayersModel): void {
    let offset = 0;
    for (const w of model.trainableWeights) {
      const values = w.read().dataSync() as Float32Array;
      this.weights.set(values, offset);
      offset += values.length;
    }
  }

  /** Hand the worker its half-batch (flattened pixels, labels) and let it start. */
  begin(pixels: Float32Array, labels: ArrayLike<number>): void {
    this.pixels.set(pixels);
    for (let i = 0; i < labels.length; i++) this.labels[i] = labels[i]!;
    Atomics.store(this.control, PROTOCOL.count, labels.length);
    Atomics.store(this.control, PROTOCOL.request, ++this.seq);
    Atomics.notify(this.control, PROTOCOL.request);
  }

  /** Block until the worker finished; returns its per-variable gradients, mean loss and hits. */
  finish(): { grads: Float32Array[]; loss: number; correct: number } {
    for (;;) {
      const done = Atomics.load(this.control, PROTOCOL.done);
      if (done === this.seq) break;
      if (done < 0) throw new Error('data-parallel worker failed (see its error above)');
      Atomics.wait(this.control, PROTOCOL.done, done, 60_000);
    }
    const grads: Float32Array[] = [];
    let offset = 0;
    for (const size of this.sizes) {
      grads.push(this.grads.subarray(offset, offset + size));
      offset += size;
    }
    return { grads, loss: this.stats[0]!, correct: this.stats[1]! };
  }

  async close(): Promise<void> {
    Atomics.store(this.control, PROTOCOL.request, -1);
    Atomics.notify(this.control, PROTOCOL.request);
    await this.worker.terminate();
  }
}

/** Can this model train data-parallel? Stock layers only (the worker rebuilds it from JSON). */
export function supportsDataParallel(model: tfl.LayersModel): boolean {
  const stock = new Set([
    'InputLayer', 'Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'Dense', 'MaxPooling2D', 'AveragePooling2D',
    'GlobalAveragePooling2D', 'Flatten', 'Reshape', 'Activation', 'ReLU', 'Dropout', 'ZeroPadding2D', 'Concatenate', 'Add',
  ]);
  return model.layers.every((l) => stock.has(l.getClassName()));
}

/**
 * The compiled package ships the .js worker. Under tsx/vitest this module is TypeScript source, so
 * the worker first registers tsx's loader in its own thread, then imports the .ts worker.
 */
function startWorker(init: WorkerInit): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./data-parallel-worker.js', import.meta.url), { workerData: init });
  }
  const source = new URL('./data-parallel-worker.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: init });
}
