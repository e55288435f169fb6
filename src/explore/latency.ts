/**
 * Latency of one trial's artifact: batch-1 inference time of the .snn file, median of timed runs
 * after warm-up, on the smallnets runtime (src/runtime: the file's own encodings — sparse, codebook,
 * int8 — run as stored, which is what a trial's compression should be judged by). A model the
 * runtime cannot plan (a layer it does not implement) is timed on TF.js instead (the backend in use,
 * wasm by default); `latencyEngine` says which: 'runtime' or 'tfjs-wasm'.
 */
import * as tf from '@tensorflow/tfjs-core';
import { RuntimeError } from '../errors.js';
import { mulberry32 } from '../random.js';
import { decodeSnn } from '../format/index.js';
import { snnToLayersModel } from '../models/snn-model.js';
import { loadRuntimeModel, type RuntimeModel } from '../runtime/index.js';

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

/** Median milliseconds of `once()` over `runs` calls after `warmup` calls. */
function medianMs(once: () => void, options: LatencyOptions): number {
  for (let i = 0; i < (options.warmup ?? 3); i++) once();
  const times: number[] = [];
  for (let i = 0; i < (options.runs ?? 20); i++) {
    const t0 = performance.now();
    once();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return Number(times[Math.floor(times.length / 2)]!.toFixed(4));
}

/** The runtime model of `snnBytes`, or undefined when the runtime cannot run it. */
async function runtimeModel(snnBytes: Uint8Array): Promise<RuntimeModel | undefined> {
  try {
    return await loadRuntimeModel(snnBytes);
  } catch (error) {
    if (error instanceof RuntimeError) return undefined;
    throw error;
  }
}

/**
 * Median milliseconds of one batch-1 prediction of the model stored in `snnBytes`.
 *
 * @example
 * const { latencyMs, latencyEngine } = await measureLatency(bytes); // e.g. 0.05, 'runtime'
 */
export async function measureLatency(snnBytes: Uint8Array, options: LatencyOptions = {}): Promise<Latency> {
  const net = await runtimeModel(snnBytes);
  if (net) {
    try {
      const random = mulberry32(7);
      const x = Float32Array.from({ length: net.inputSize }, () => random());
      return { latencyMs: medianMs(() => net.predict(x, 1), options), latencyEngine: 'runtime' };
    } finally {
      net.dispose();
    }
  }
  return measureTfjsLatency(snnBytes, options);
}

/** The same measurement on TF.js (the backend in use): the fallback, and the baseline to compare. */
export async function measureTfjsLatency(snnBytes: Uint8Array, options: LatencyOptions = {}): Promise<Latency> {
  const model = await snnToLayersModel(decodeSnn(snnBytes));
  const shape = [1, ...(model.inputs[0]!.shape.slice(1) as number[])];
  const x = tf.randomUniform(shape, 0, 1, 'float32', 7);
  try {
    const latencyMs = medianMs(() => {
      const y = model.predict(x) as tf.Tensor;
      y.dataSync();
      y.dispose();
    }, options);
    return { latencyMs, latencyEngine: `tfjs-${tf.getBackend()}` };
  } finally {
    x.dispose();
    model.dispose();
  }
}
