/**
 * One trial: build the variant a config describes from the base model with the library, train it,
 * and measure it. Stages, in order (each only when its knob asks for it):
 *
 * 1. restructure (width, separable, factorized convs) and distill from the base model — exactly what
 *    `smallnets restructure` does;
 * 2. the compress pipeline (src/pipeline/compress.ts): filters/units removed, unstructured pruning,
 *    clustering or QAT, each retrained, then Huffman coding into a .snn file;
 * 3. measurements on what was shipped: test accuracy, params, nonzeros, MACs, .snn bytes, energy at
 *    the stored precision, batch-1 latency of the .snn.
 *
 * Each trial is single-threaded (no data-parallel worker), so N trials use N cores.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Split } from '../data/split.js';
import { describeModel, storagePlanFromSnn, summarizeDescription } from '../analysis/index.js';
import { countNonzero } from '../analysis/nonzero.js';
import { decodeSnn } from '../format/index.js';
import { parseClusterSpec } from '../clustering/index.js';
import { restructureAndDistill, type RestructureOptions } from '../restructure/recipe.js';
import { compress, type CompressOptions } from '../pipeline/compress.js';
import { anyFraction, isRestructured, type TrialConfig } from './trial-config.js';
import { measureLatency, type LatencyOptions } from './latency.js';
import type { TrialLayer, TrialMetrics } from './trial-record.js';

export interface TrialData {
  train: Split;
  test: Split;
}

export interface TrialOptions {
  seed: number;
  latency?: LatencyOptions;
}

export interface TrialOutcome {
  metrics: TrialMetrics;
  layers: TrialLayer[];
  /** The trial's .snn file. */
  snn: Uint8Array;
}

function selection(text: string): RestructureOptions['separable'] {
  return text === 'all' ? 'all' : text.split(',');
}

/**
 * What `smallnets restructure` is given for a restructured trial (the recipe's first command): the
 * plan and `config.epochs` of distillation from the base model, with the library's defaults.
 */
export function restructureOptionsFor(config: TrialConfig, seed: number): RestructureOptions {
  return {
    ...(config.width !== 1 ? { width: config.width } : {}),
    ...(config.separable !== 'none' ? { separable: selection(config.separable) } : {}),
    ...(config.factorize !== 'none' ? { factorize: selection(config.factorize) } : {}),
    epochs: config.epochs,
    seed,
    progress: false,
  };
}

/** What the compress pipeline is given for a trial (as `smallnets compress` with the recipe's flags). */
export function compressOptionsFor(config: TrialConfig, seed: number): CompressOptions {
  return {
    removeFilters: anyFraction(config.filterPrune) ? config.filterPrune : null,
    prune: anyFraction(config.sparsity) ? config.sparsity : null,
    clusters: config.clusters === null ? null : parseClusterSpec(config.clusters),
    bits: config.bits,
    huffman: config.huffman,
    ...(config.distill ? { distill: true } : {}),
    float16Biases: true,
    pruneEpochs: config.epochs,
    fineTuneEpochs: config.fineTuneEpochs,
    seed,
    progress: false,
  };
}

/**
 * Run one trial of `config` on `base` (which is not modified).
 *
 * @example
 * const outcome = await runTrial(model, normalizeConfig({ sparsity: 0.9 }), loadMnist(), { seed: 1 });
 * outcome.metrics.testAccuracy; outcome.metrics.snnBytes;
 */
export async function runTrial(base: tfl.LayersModel, config: TrialConfig, data: TrialData, options: TrialOptions): Promise<TrialOutcome> {
  const fp32Bytes = base.countParams() * 4;
  const start = isRestructured(config)
    ? (await restructureAndDistill(base, { train: data.train }, restructureOptionsFor(config, options.seed))).model
    : base;
  try {
    const result = await compress(start, compressOptionsFor(config, options.seed), data);
    try {
      return await measure(result.model, result.bytes, result.testAccuracyAfter ?? 0, fp32Bytes, options.latency);
    } finally {
      result.model.dispose();
    }
  } finally {
    if (start !== base) start.dispose();
  }
}

/** The metrics and per-layer table of a compressed model and its .snn bytes. */
async function measure(model: tfl.LayersModel, snn: Uint8Array, testAccuracy: number, fp32Bytes: number, latency?: LatencyOptions): Promise<TrialOutcome> {
  const description = describeModel(model);
  const decoded = decodeSnn(snn);
  const summary = summarizeDescription(description, { storage: storagePlanFromSnn(decoded, description) });
  const recordBytes = new Map<string, number>();
  for (const t of decoded.tensors) {
    const layer = t.name.split('/').slice(0, -1).join('/');
    recordBytes.set(layer, (recordBytes.get(layer) ?? 0) + (t.recordBytes ?? 0));
  }
  let nonzeroParams = 0;
  for (const w of model.getWeights()) nonzeroParams += countNonzero(w.dataSync());
  const layers: TrialLayer[] = description.layers.map((l) => ({
    name: l.name,
    className: l.className,
    params: l.params,
    nonzero: l.weights.reduce((s, w) => s + (w.nonzero ?? w.size), 0),
    macs: l.macs,
    bytes: recordBytes.get(l.name) ?? 0,
  }));
  const timing = await measureLatency(snn, latency);
  const metrics: TrialMetrics = {
    testAccuracy,
    params: model.countParams(),
    nonzeroParams,
    macs: summary.macs,
    snnBytes: snn.byteLength,
    ratio: Number((fp32Bytes / snn.byteLength).toFixed(3)),
    energyMicrojoules: Number(summary.energyMicrojoules.toFixed(4)),
    latencyMs: timing.latencyMs,
    latencyEngine: timing.latencyEngine,
  };
  return { metrics, layers, snn };
}
