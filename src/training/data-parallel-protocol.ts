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
  controlInts: 4,
} as const;

export interface WorkerInit {
  modelTopology: object;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: Uint8Array;
  /** Trainable weights in the main model's order (gradients are laid out in this order). */
  trainableNames: string[];
  control: SharedArrayBuffer;
  /** Float64 [mean loss, correct count] of the worker's half. */
  stats: SharedArrayBuffer;
  weights: SharedArrayBuffer;
  grads: SharedArrayBuffer;
  pixels: SharedArrayBuffer;
  labels: SharedArrayBuffer;
  numClasses: number;
}
