/**
 * Data-parallel training on the second core. TF.js's wasm backend runs on one thread in Node (its
 * threaded build cannot start workers there), so smallnets splits each batch in two: the main thread
 * computes gradients on one half while a worker thread, holding a replica of the model on its own
 * wasm backend, computes the other. Gradients meet in shared memory, the main thread averages them
 * and applies the optimizer, then publishes the changed weights for the worker's next step.
 *
 * Only the main thread owns optimizer state and runs hooks (pruning masks, schedules), so the
 * replica never drifts: before every step it copies each weight the main thread changed (trainable
 * and non-trainable: masks, cluster indexes, activation ranges). Requirements: layers a worker can
 * rebuild (stock tf.layers classes, or wrappers registered in replica-registry.ts), a loss it can
 * rebuild (losses.ts), and no non-trainable state that only training updates in a way that matters
 * per batch (BatchNorm statistics: such models train on one thread).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { PROTOCOL, type LossData, type ModelData, type WorkerInit } from './data-parallel-protocol.js';
import { crossEntropyLoss, type LossFn } from './losses.js';
import { replicaModules, supportsDataParallel as layersSupported } from './replica-registry.js';

/** How long the main thread waits for a worker to build its replica. */
const READY_TIMEOUT_MS = 120_000;

/** A live worker replica of one model. `close()` it when training ends. */
export class GradientWorker {
  private seq = 0;
  /** The variable (tensor data) each weight had when last published. */
  private readonly published: Array<object | undefined>;
  private constructor(
    private readonly worker: Worker,
    private readonly control: Int32Array,
    private readonly stats: Float64Array,
    private readonly values: Float32Array,
    private readonly versions: Int32Array,
    private readonly grads: Float32Array,
    private readonly pixels: Float32Array,
    private readonly labels: Int32Array,
    private readonly sizes: number[],
    private readonly offsets: number[],
  ) {
    this.published = sizes.map(() => undefined);
  }

  /**
   * Start a worker holding a replica of `model` for batches of up to `maxBatch` images, computing
   * `loss` (default cross-entropy). Blocks until the replica is built. Returns undefined when the
   * worker cannot rebuild the model or the loss (see `supportsDataParallel`).
   */
  static startSync(model: tfl.LayersModel, maxBatch: number, loss: LossFn = crossEntropyLoss): GradientWorker | undefined {
    const lossData = lossDataOf(loss);
    if (!lossData || !layersSupported(model)) return undefined;
    const sizes = model.weights.map((w) => sizeOf(w.shape));
    const offsets = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
    const trainableSize = model.trainableWeights.reduce((s, w) => s + sizeOf(w.shape), 0);
    const pixelsPerImage = sizeOf(model.inputs[0]!.shape.slice(1));
    const shared = (bytes: number) => new SharedArrayBuffer(Math.max(8, bytes));
    const init: WorkerInit = {
      model: modelData(model),
      loss: lossData,
      modules: [...replicaModules(model), ...(loss.replica ? replicaModules(loss.replica.teacher) : [])],
      weights: model.weights.map((w, i) => ({ name: w.originalName, size: sizes[i]! })),
      trainable: model.trainableWeights.map((w) => w.originalName),
      control: shared(PROTOCOL.controlInts * 4),
      stats: shared(2 * 8),
      values: shared(sizes.reduce((a, b) => a + b, 0) * 4),
      versions: shared(sizes.length * 4),
      grads: shared(trainableSize * 4),
      pixels: shared(maxBatch * pixelsPerImage * 4),
      labels: shared(maxBatch * 4),
      numClasses: model.outputs[0]!.shape[1] as number,
    };
    const worker = startWorker(init);
    const control = new Int32Array(init.control);
    // Atomics.wait on the main thread: the worker boots on its own thread and signals through
    // shared memory, so training APIs stay synchronous.
    if (Atomics.wait(control, PROTOCOL.ready, 0, READY_TIMEOUT_MS) === 'timed-out' || Atomics.load(control, PROTOCOL.ready) !== 1) {
      void worker.terminate();
      return undefined;
    }
    return new GradientWorker(
      worker, control, new Float64Array(init.stats), new Float32Array(init.values), new Int32Array(init.versions),
      new Float32Array(init.grads), new Float32Array(init.pixels), new Int32Array(init.labels), sizes, offsets,
    );
  }

  /** `startSync` for stock-layer models with the default loss (fails rather than returning undefined). */
  static async start(model: tfl.LayersModel, maxBatch: number): Promise<GradientWorker> {
    const worker = GradientWorker.startSync(model, maxBatch);
    if (!worker) throw new Error('the data-parallel worker could not rebuild this model');
    return worker;
  }

  /** Copy every weight that changed since the last publish where the worker reads them. */
  publishWeights(model: tfl.LayersModel): void {
    model.weights.forEach((w, i) => {
      const variable = w.read();
      const id = (variable as unknown as { dataId: object }).dataId;
      if (this.published[i] === id) return;
      this.values.set(variable.dataSync() as Float32Array | Int32Array, this.offsets[i]!);
      this.published[i] = id;
      Atomics.add(this.versions, i, 1);
    });
  }

  /** Hand the worker its half-batch (flattened pixels, labels) and let it start. */
  begin(pixels: Float32Array, labels: ArrayLike<number>): void {
    this.pixels.set(pixels);
    for (let i = 0; i < labels.length; i++) this.labels[i] = labels[i]!;
    Atomics.store(this.control, PROTOCOL.count, labels.length);
    Atomics.store(this.control, PROTOCOL.request, ++this.seq);
    Atomics.notify(this.control, PROTOCOL.request);
  }

  /** Block until the worker finished; returns its per-variable gradients (trainable order), mean loss and hits. */
  finish(trainableSizes: readonly number[]): { grads: Float32Array[]; loss: number; correct: number } {
    for (;;) {
      const done = Atomics.load(this.control, PROTOCOL.done);
      if (done === this.seq) break;
      if (done < 0) throw new Error('data-parallel worker failed (see its error above)');
      Atomics.wait(this.control, PROTOCOL.done, done, 60_000);
    }
    const grads: Float32Array[] = [];
    let offset = 0;
    for (const size of trainableSizes) {
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

/** Can this model train data-parallel with the default loss? */
export function supportsDataParallel(model: tfl.LayersModel): boolean {
  return layersSupported(model);
}

function sizeOf(shape: ReadonlyArray<number | null>): number {
  return shape.reduce<number>((a, b) => a * (b ?? 1), 1);
}

/** The model as topology + weights, synchronously (as `model.save` would write it). */
export function modelData(model: tfl.LayersModel): ModelData {
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  for (const w of model.weights) {
    const values = w.read().dataSync() as Float32Array | Int32Array;
    weightSpecs.push({ name: w.originalName, shape: [...w.shape] as number[], dtype: w.dtype as 'float32' | 'int32' });
    parts.push(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }
  const weightData = new Uint8Array(parts.reduce((s, p) => s + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    weightData.set(p, offset);
    offset += p.byteLength;
  }
  return { modelTopology: model.toJSON(null, false) as object, weightSpecs, weightData: weightData.buffer };
}

function lossDataOf(loss: LossFn): LossData | undefined {
  if (loss === crossEntropyLoss) return { kind: 'crossEntropy' };
  const r = loss.replica;
  if (r?.kind === 'distillation' && layersSupported(r.teacher)) {
    return { kind: 'distillation', temperature: r.temperature, alpha: r.alpha, studentProbabilities: r.studentProbabilities, teacher: modelData(r.teacher) };
  }
  return undefined;
}

/** The URL of tsx's ESM API (its "import" export), resolved from this package. */
function tsxEsmApi(): string {
  const manifestPath = createRequire(import.meta.url).resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(path.join(path.dirname(manifestPath), manifest.exports['./esm/api']!.import.default)).href;
}

/**
 * The compiled package ships the .js worker. Under tsx/vitest this module is TypeScript source, so
 * the worker first registers tsx's loader in its own thread, then imports the .ts worker.
 */
function startWorker(init: WorkerInit): Worker {
  let worker: Worker;
  if (!import.meta.url.endsWith('.ts')) {
    worker = new Worker(new URL('./data-parallel-worker.js', import.meta.url), { workerData: init });
  } else {
    const source = new URL('./data-parallel-worker.ts', import.meta.url).href;
    // tsx resolved from this package, not from the working directory (which may be anywhere).
    const tsx = tsxEsmApi();
    // A worker that cannot even load says so through shared memory, so the main thread stops waiting.
    const failed = `(e) => { const c = new Int32Array(require('node:worker_threads').workerData.control); Atomics.store(c, ${PROTOCOL.ready}, -1); Atomics.notify(c, ${PROTOCOL.ready}); throw e; }`;
    const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); }).catch(${failed});`;
    worker = new Worker(bootstrap, { eval: true, workerData: init });
  }
  // Training falls back to one thread when the worker fails (startSync returns undefined): report, never crash.
  worker.on('error', (error) => process.stderr.write(`data-parallel worker: ${error.message}\n`));
  return worker;
}
