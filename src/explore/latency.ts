/**
 * Latency of one trial's artifact: batch-1 inference time of the .snn file, median of timed runs
 * after warm-up. The one place that says which engine runs it — today TF.js (the backend in use,
 * wasm by default); when the smallnets runtime lands (CONTRACTS.md: `loadRuntimeModel(bytes)`),
 * swapping it in is a change to this file only, and records then say `latencyEngine: 'runtime'`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { decodeSnn } from '../format/index.js';
import { snnToLayersModel } from '../models/snn-model.js';

export interface Latency {
  latencyMs: number;
  latencyEngine: string;
}

export interface LatencyOptions {
  /** Timed runs (the median is reported); default 20. */
  runs?: number;
  /** Untimed runs first; default 3. */
  warmup?: number;
}

/**
 * Median milliseconds of one batch-1 prediction of the model stored in `snnBytes`.
 *
 * @example
 * const { latencyMs, latencyEngine } = await measureLatency(bytes); // e.g. 1.4, 'tfjs-wasm'
 */
export async function measureLatency(snnBytes: Uint8Array, options: LatencyOptions = {}): Promise<Latency> {
  const model = await snnToLayersModel(decodeSnn(snnBytes));
  try {
    const shape = [1, ...(model.inputs[0]!.shape.slice(1) as number[])];
    const x = tf.randomUniform(shape, 0, 1, 'float32', 7);
    const once = () => {
      const y = model.predict(x) as tf.Tensor;
      y.dataSync();
      y.dispose();
    };
    for (let i = 0; i < (options.warmup ?? 3); i++) once();
    const times: number[] = [];
    for (let i = 0; i < (options.runs ?? 20); i++) {
      const t0 = performance.now();
      once();
      times.push(performance.now() - t0);
    }
    x.dispose();
    times.sort((a, b) => a - b);
    return { latencyMs: Number(times[Math.floor(times.length / 2)]!.toFixed(4)), latencyEngine: `tfjs-${tf.getBackend()}` };
  } finally {
    model.dispose();
  }
}
