/** The shared-memory contract between the main thread and the data-parallel gradient worker. */
import type * as tf from '@tensorflow/tfjs-core';

/** Int32 slots of the control buffer. */
export const PROTOCOL = {
  /** Step number the main thread asks for (−1 = stop). */
  request: 0,
  /** Step number the worker finished (−1 = failed). */
  done: 1,
  /** Images in the worker's half-batch. */
  count: 2,
  /** 1 once the worker has built its replica and waits for steps (−1 = it could not). */
  ready: 3,
  controlInts: 4,
} as const;

/** A model as plain data a worker can rebuild (what `model.save` would write, built synchronously). */
export interface ModelData {
  modelTopology: object;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
}

/** How the worker computes its half's loss (see losses.ts). */
export type LossData =
  | { kind: 'crossEntropy' }
  | { kind: 'distillation'; temperature: number; alpha: number; studentProbabilities: boolean; teacher: ModelData };

export interface WorkerInit {
  model: ModelData;
  loss: LossData;
  /** Modules registering the model's non-stock layer classes (replica-registry.ts). */
  modules: string[];
  /** Every weight of the main model in `model.weights` order: name and element count. */
  weights: Array<{ name: string; size: number }>;
  /** The trainable weights' names in the main model's `trainableWeights` order (the gradient layout). */
  trainable: string[];
  control: SharedArrayBuffer;
  /** Float64 [mean loss, correct count] of the worker's half. */
  stats: SharedArrayBuffer;
  /** All weight values (float32, int32 weights converted), laid out in `weights` order. */
  values: SharedArrayBuffer;
  /** Int32 per weight: bumped by the main thread whenever it publishes a changed value. */
  versions: SharedArrayBuffer;
  /** Gradients of the trainable weights, in `trainable` order. */
  grads: SharedArrayBuffer;
  pixels: SharedArrayBuffer;
  labels: SharedArrayBuffer;
  numClasses: number;
}
