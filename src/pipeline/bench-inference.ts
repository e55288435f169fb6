/**
 * Inference latency of one model on every engine that can run it, side by side in one process: the
 * smallnets runtime (on the .snn file, or on a dense .snn encoding of any other model), TF.js on its
 * wasm backend, and onnxruntime-node on the model's ONNX export. Median and 90th percentile after
 * warm-up, on the same random input. What `smallnets bench` and `npm run bench:infer` print.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { UsageError } from '../errors.js';
import { initBackend } from '../engine/backend.js';
import { exportOnnx } from '../export/onnx.js';
import { encodeModel, MAX_SNN_FILE_BYTES } from '../models/snn-model.js';
import { readLocation } from '../models/read-bytes.js';
import { loadRuntimeModel } from '../runtime/index.js';
import { openLayersModel } from './open-model.js';
import { timeInterleaved, type TimedCall } from './interleaved-timing.js';

import { BENCH_ENGINES, type BenchEngine } from './bench-engines.js';

export { BENCH_ENGINES, type BenchEngine };

export interface BenchOptions {
  batches?: number[];
  threads?: number;
  engines?: readonly BenchEngine[];
  /** Runs before timing (default 5). */
  warmup?: number;
  /** Timed runs (default 30), cut short after `budgetMs` (at least 5 runs). */
  runs?: number;
  budgetMs?: number;
  /** Runtime kernels: 'auto' (by stored encoding) or 'dense' (the baseline). */
  kernels?: 'auto' | 'dense';
  /** Runtime: integer dot products on per-row quantized activations for int8-weight layers. */
  quantizeActivations?: boolean;
  /** Runtime: the relaxed-SIMD build where the engine has it (default true; false = plain SIMD128). */
  relaxedSimd?: boolean;
  /** More runtime configurations timed in the same rounds (rows with `variant`: e.g. the dense baseline). */
  runtimeVariants?: readonly RuntimeVariant[];
  /** Interleaved rounds (default 10): see timeInterleaved. */
  rounds?: number;
}

/** A runtime configuration besides the main one, named by `label` in its rows. */
export interface RuntimeVariant {
  label: string;
  kernels?: 'auto' | 'dense';
  quantizeActivations?: boolean;
  relaxedSimd?: boolean;
}

export interface BenchRow {
  engine: BenchEngine;
  batch: number;
  threads: number;
  medianMs: number;
  p90Ms: number;
  /** Timed calls behind medianMs and p90Ms. */
  samples: number;
  /** Which of `runtimeVariants` (absent for the main configuration and other engines). */
  variant?: string;
  /** Why an engine's thread count differs from the one asked for. */
  note?: string;
}

export interface BenchReport {
  model: string;
  inputShape: number[];
  results: BenchRow[];
  /** Browser bundle (JS + wasm) of the runtime, when built; null otherwise. */
  bundleBytes: number | null;
  /** Resident weight bytes of the runtime vs their float32 size. */
  runtimeWeightBytes: number;
  float32WeightBytes: number;
  /** The runtime's kernels: relaxed SIMD (fused multiply-adds), plain SIMD128 or JS; null when it did not run. */
  runtimeKernels: string | null;
}

/**
 * Warm-up lasts at least this long as well as `warmup` calls: five calls of a 0.1 ms model leave the JavaScript
 * around the kernels unoptimized (the runtime's LeNet-300 batch 64 measured 0.21 ms after 5 calls, 0.10 ms after
 * 200), so a fast model would be timed in V8's interpreter, not in steady state as the medians claim.
 */
export const WARMUP_MS = 100;

/** Median and p90 of `run` (ms) after `warmup` calls and at least WARMUP_MS (capped by a tenth of the budget) of them. */
export function timeRuns(run: () => void, warmup: number, runs: number, budgetMs: number): { medianMs: number; p90Ms: number } {
  const warmUntil = performance.now() + Math.min(WARMUP_MS, budgetMs / 10);
  for (let i = 0; i < warmup || performance.now() < warmUntil; i++) run();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < runs && (times.length < 5 || performance.now() - start < budgetMs)) {
    const t = performance.now();
    run();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { medianMs: at(0.5), p90Ms: at(0.9) };
}

/** Bytes of dist/browser/smallnets-runtime.{js,wasm}, or null when the bundle is not built. */
export async function runtimeBundleBytes(): Promise<number | null> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const dir = path.resolve(here, '../../dist/browser');
  try {
    const [js, wasm] = await Promise.all(['smallnets-runtime.js', 'smallnets-runtime.wasm'].map((f) => stat(path.join(dir, f))));
    return js!.size + wasm!.size;
  } catch {
    return null;
  }
}

/**
 * Benchmark `location` (a .snn file, TF.js model or zoo spec) on each engine and batch.
 * @example
 * const report = await benchInference('out/lenet5.snn', { batches: [1, 64], threads: 1 });
 * console.table(report.results);
 */
export async function benchInference(location: string, options: BenchOptions = {}): Promise<BenchReport> {
  const batches = options.batches ?? [1, 64];
  const threads = options.threads ?? 1;
  const engines = options.engines ?? BENCH_ENGINES;
  const warmup = options.warmup ?? 5;
  const runs = options.runs ?? 30;
  const budgetMs = options.budgetMs ?? 2000;
  if (!batches.every((b) => Number.isInteger(b) && b >= 1 && b <= 4096)) throw new UsageError(`\`batch\` must list integers in [1, 4096], got ${batches.join(',')}`);
  if (!Number.isInteger(threads) || threads < 1 || threads > 16) throw new UsageError(`\`threads\` must be an integer in [1, 16], got ${threads}`);
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError(`\`runs\` must be a positive integer, got ${runs}`);
  await initBackend('wasm'); // TF.js builds the model (and runs it on wasm when asked)
  const opened = await openLayersModel(location);
  const disposers: Array<() => void | Promise<void>> = [];
  let completed = false;
  try {
    const model = opened.layers;
    const inputShape = model.inputs[0]!.shape.slice(1) as number[];
    if (inputShape.some((d) => d === null)) throw new UsageError(`model input [${inputShape.join(', ')}] has no fixed size to benchmark`);
    const perSample = inputShape.reduce((a, b) => a * b, 1);
    const snnBytes = opened.format === 'snn' ? await readLocation(location, '.snn file', MAX_SNN_FILE_BYTES) : (await encodeModel(model)).bytes;
    const inputs = new Map(batches.map((b) => [b, Float32Array.from({ length: b * perSample }, (_, i) => ((i * 2654435761) % 1000) / 1000)]));

    // Every engine is loaded first, then timed batch by batch in interleaved rounds (interleaved-timing.ts).
    interface Engine {
      row: Pick<BenchRow, 'engine' | 'threads' | 'variant' | 'note'>;
      prepare: (batch: number) => TimedCall;
      /** Idle time after its blocks while its threads still spin (see InterleaveOptions.lingerMs). */
      lingerMs: number;
    }
    const loaded: Engine[] = [];
    let runtimeWeightBytes = 0;
    let float32WeightBytes = 0;
    let runtimeKernels: string | null = null;
    if (engines.includes('runtime')) {
      const main: RuntimeVariant = { label: '', kernels: options.kernels ?? 'auto', quantizeActivations: options.quantizeActivations ?? false, relaxedSimd: options.relaxedSimd ?? true };
      for (const v of [main, ...(options.runtimeVariants ?? [])]) {
        const net = await loadRuntimeModel(snnBytes, { threads, kernels: v.kernels ?? 'auto', quantizeActivations: v.quantizeActivations ?? false, relaxedSimd: v.relaxedSimd ?? true });
        disposers.push(() => net.dispose());
        if (v === main) {
          const d = net.describe();
          ({ weightBytes: runtimeWeightBytes, float32WeightBytes } = d);
          runtimeKernels = d.engine === 'js' ? 'JS fallback (no WebAssembly SIMD)' : d.relaxedSimd ? 'wasm relaxed SIMD (fused multiply-add)' : 'wasm SIMD128';
        }
        loaded.push({
          row: { engine: 'runtime', threads, ...(v === main ? {} : { variant: v.label }) },
          // Its workers spin 0.2 ms (SPIN_MS) before they sleep.
          lingerMs: threads > 1 ? 1 : 0,
          prepare: (batch) => {
            const x = inputs.get(batch)!;
            return () => void net.predict(x, batch);
          },
        });
      }
    }
    if (engines.includes('tfjs-wasm')) {
      loaded.push({
        row: { engine: 'tfjs-wasm', threads: 1, ...(threads > 1 ? { note: 'TF.js wasm runs one thread under Node' } : {}) },
        lingerMs: 0,
        prepare: (batch) => {
          const x = tf.tensor(inputs.get(batch)!, [batch, ...inputShape]);
          disposers.push(() => x.dispose());
          return () => {
            const y = model.predict(x) as tf.Tensor;
            y.dataSync();
            y.dispose();
          };
        },
      });
    }
    if (engines.includes('onnxruntime')) {
      const ort = await import('onnxruntime-node');
      const session = await ort.InferenceSession.create(exportOnnx(model), {
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
        executionMode: 'sequential',
      });
      disposers.push(() => session.release());
      const inputName = session.inputNames[0]!;
      loaded.push({
        row: { engine: 'onnxruntime', threads },
        // Its intra-op pool spins ~30–40 ms after a run on this machine: 100 ms leaves a margin.
        lingerMs: threads > 1 ? 100 : 0,
        prepare: (batch) => {
          const feeds = { [inputName]: new ort.Tensor('float32', inputs.get(batch)!, [batch, ...inputShape]) };
          // Sessions run asynchronously: whole awaited runs are timed.
          return async () => void (await session.run(feeds));
        },
      });
    }
    const timed = new Map<Engine, BenchRow[]>(loaded.map((e) => [e, []]));
    for (const batch of batches) {
      const timings = await timeInterleaved(loaded.map((e) => e.prepare(batch)), {
        warmup,
        warmupMs: Math.min(WARMUP_MS, budgetMs / 10),
        rounds: options.rounds ?? 10,
        maxRuns: runs,
        budgetMs,
        // Orders differ between models, batches and thread counts, not only between rounds.
        seed: seedOf(`${location} ${batch} ${threads}`),
        lingerMs: loaded.map((e) => e.lingerMs),
      });
      loaded.forEach((e, i) => timed.get(e)!.push({ ...e.row, batch, ...timings[i]! }));
    }
    // Rows engine by engine, batches in the order asked.
    const results = loaded.flatMap((e) => timed.get(e)!);
    const report = { model: location, inputShape, results, bundleBytes: await runtimeBundleBytes(), runtimeWeightBytes, float32WeightBytes, runtimeKernels };
    completed = true;
    return report;
  } finally {
    // Every disposer runs even when one throws; the first failure is reported unless the run had already failed.
    let failure: unknown = null;
    for (const dispose of [...disposers.reverse(), () => opened.dispose()]) {
      try {
        await dispose();
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== null && completed) throw failure;
  }
}

/** A 31-bit seed from text (FNV-1a). */
function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0) & 0x7fffffff;
}
