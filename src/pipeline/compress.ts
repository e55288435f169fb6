/**
 * The Deep Compression pipeline: (remove filters/units + retrain) → prune (+ retrain) → cluster
 * (+ fine-tune centroids) or quantize (+ QAT) → encode as .snn with sparse gaps and Huffman coding.
 * With data it retrains after each lossy step; without data (`data: 'none'`) every step is one-shot
 * and says so. The input's zeros are kept whatever the recipe (keep-zeros.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Split } from '../data/split.js';
import { evaluateAccuracy } from '../training/evaluate.js';
import { trainModel } from '../training/train.js';
import { distillationLoss, outputsProbabilities, type LossFn } from '../training/losses.js';
import { DISTILL_DEFAULTS } from '../restructure/distill-defaults.js';
import { pruneAndRetrain, removePrunedFilters, type RemovedFilters } from '../pruning/index.js';
import { clusterWeights, stripClustering } from '../clustering/index.js';
import { quantizeAware, quantizeWeights, stripQuantization } from '../quantization/index.js';
import { roundToFloat16 } from '../format/index.js';
import type { SnnReport } from '../format/spec.js';
import { encodeModel, modelWeightValues, type EncodingHints } from '../models/snn-model.js';
import { compressionSizes, type CompressionSizes } from './compression-sizes.js';
import { usageCheck } from '../errors.js';
import { cloneModel } from '../graph/clone.js';
import { anyFraction, DEFAULT_RECIPE, describeRecipe, type CompressOptions } from './compress-recipe.js';
import type { LayerFractions } from './layer-fractions.js';
import { kernelSparsity, layerSparsities, restoreZeros, zeroPattern, type ZeroPattern } from './keep-zeros.js';
import { oneShotFilterMasks, oneShotPrune } from './one-shot.js';

export { DEFAULT_RECIPE, describeRecipe, kernelSparsity, type CompressOptions, type LayerFractions };

export interface CompressResult {
  /** The compressed model as tf.layers (what the .snn file decodes to). */
  model: tfl.LayersModel;
  /** The .snn file. */
  bytes: Uint8Array;
  /** The writer's per-tensor report (streams, encodings, stage sizes). */
  report: SnnReport;
  /** Bytes per tensor and per Deep Compression stage, from fp32 to the file. */
  sizes: CompressionSizes;
  testAccuracyBefore: number | null;
  testAccuracyAfter: number | null;
  notes: string[];
}

type Data = { train: Split; test: Split };

/** Distillation while retraining: restructure's temperature and soft-target weight. */
const DISTILL_TEMPERATURE = DISTILL_DEFAULTS.temperature;
const DISTILL_ALPHA = DISTILL_DEFAULTS.alpha;

const pct = (x: number) => `${+(x * 100).toFixed(2)}%`;

/**
 * Compress `model`. With `data`, each lossy step is followed by training on `data.train` and the
 * accuracies are measured on `data.test`; without, the steps are one-shot (data-free). The input
 * is not modified.
 *
 * @example
 * const { bytes, sizes } = await compress(trained, { ...DEFAULT_RECIPE, prune: { fc1: 0.97, fc2: 0.9 } }, loadMnist());
 * console.log(sizes.ratio); // e.g. 60
 */
export async function compress(model: tfl.LayersModel, options: CompressOptions, data: Data | null): Promise<CompressResult> {
  usageCheck(!(options.clusters && options.bits), () => 'choose either `clusters` or `bits`, not both', 'clusters');
  checkFractions(options.prune, 'prune', 1);
  checkFractions(options.removeFilters ?? null, 'removeFilters', 0.99);
  const notes: string[] = [];
  const original = await modelWeightValues(model);
  // The input is the teacher: it is not modified, and its outputs on each (shifted) batch are the targets.
  const loss = options.distill && data ? distillationLoss(model, DISTILL_TEMPERATURE, DISTILL_ALPHA, outputsProbabilities(model)) : undefined;
  const withLoss = loss ? { loss } : {};
  const testAccuracyBefore = data ? evaluateAccuracy(model, data.test) : null;
  let current = cloneModel(model);
  // The input's zeros are kept whatever the recipe: pruning starts from them, retraining may not
  // grow them back, clustering and quantization map them to an exact 0.
  let inputZeros = zeroPattern(current);

  const removeFilters = options.removeFilters ?? null;
  if (removeFilters !== null && anyFraction(removeFilters)) {
    const smaller = await removeFiltersStage(current, removeFilters, options, data, inputZeros, notes, loss);
    current.dispose();
    current = smaller;
    // The kept channels carry the input's zeros (set back before removal), now in smaller kernels.
    if (inputZeros.size > 0) inputZeros = zeroPattern(current);
  }
  const sparsity = options.prune;
  if (sparsity !== null && anyFraction(sparsity)) {
    const pruned = await pruneStage(current, sparsity, options, data, notes, loss);
    if (pruned !== current) {
      current.dispose();
      current = pruned;
    }
  }
  if (data) {
    // Retraining moves every weight, also the input's zeros in layers that were not pruned (or
    // pruned less than they already were): set them back.
    const regrown = restoreZeros(current, inputZeros);
    if (regrown > 0) notes.push(`${regrown.toLocaleString('en-US')} of the input's zero weights grew back while retraining and were set to 0 again`);
  }

  const hints: EncodingHints = {};
  if (options.clusters) {
    const clustered = await clusterWeights(current, { clusters: options.clusters, preserveSparsity: true, seed: options.seed });
    if (data && options.fineTuneEpochs > 0) {
      trainModel(clustered, data.train, {
        epochs: options.fineTuneEpochs, learningRate: 1e-4, seed: options.seed, progress: options.progress, label: 'cluster', ...withLoss,
      });
    } else if (!data) notes.push('data-free: k-means centroids are not fine-tuned');
    const stripped = await stripClustering(clustered);
    // The clustered wrapper and the model it wrapped are separate models: both are done with.
    clustered.dispose();
    current.dispose();
    current = stripped.model;
    for (const w of stripped.report.weights) hints[w.weight] = { codebook: w.codebook };
  } else if (options.bits) {
    let quantized;
    if (data && options.fineTuneEpochs > 0) {
      const aware = await quantizeAware(current, { bits: options.bits, preserveSparsity: true });
      trainModel(aware, data.train, {
        epochs: options.fineTuneEpochs, learningRate: 1e-4, seed: options.seed, progress: options.progress, label: 'qat', ...withLoss,
      });
      quantized = await stripQuantization(aware);
      aware.dispose();
    } else {
      quantized = await quantizeWeights(current, { bits: options.bits });
      if (!data) notes.push('data-free: post-training quantization without fine-tuning');
    }
    if (quantized.model !== current) current.dispose();
    current = quantized.model;
    for (const w of quantized.report.weights) {
      hints[w.weight] = { bits: w.bits, perChannel: w.perChannel, scales: w.scales, zeroPoints: w.zeroPoints };
    }
  }

  if (options.float16Biases) roundNonKernelsToFloat16(current, hints);
  for (const name of Object.keys(hints)) hints[name] = { ...hints[name], huffman: options.huffman ? 'auto' : false };
  for (const w of current.weights) {
    if (!hints[w.originalName]) hints[w.originalName] = { huffman: options.huffman ? 'auto' : false };
  }
  const { bytes, report } = await encodeModel(current, hints, { generatedBy: 'smallnets compress', notes });
  const testAccuracyAfter = data ? evaluateAccuracy(current, data.test) : null;
  const sizes = compressionSizes(report, original, await modelWeightValues(current));
  return { model: current, bytes, report, sizes, testAccuracyBefore, testAccuracyAfter, notes };
}

/** Remove filters/units (L1): gradually with retraining, or at once without data. */
async function removeFiltersStage(
  current: tfl.LayersModel, fractions: LayerFractions, options: CompressOptions, data: Data | null, inputZeros: ZeroPattern, notes: string[],
  loss: LossFn | undefined,
): Promise<tfl.LayersModel> {
  let smaller: { model: tfl.LayersModel; removed: RemovedFilters[] };
  if (data) {
    const result = await pruneAndRetrain(current, { train: data.train }, {
      sparsity: fractions, granularity: 'filters', epochs: options.pruneEpochs, seed: options.seed, progress: options.progress, label: 'filters',
      ...(loss ? { loss } : {}),
    });
    if (inputZeros.size > 0) {
      // Set the input's zeros back while the shapes still match, then remove the channels.
      result.structured?.model.dispose();
      restoreZeros(result.model, inputZeros);
      smaller = removePrunedFilters(result.model);
    } else {
      smaller = result.structured!;
    }
    result.model.dispose();
  } else {
    const masked = await oneShotFilterMasks(current, fractions);
    smaller = removePrunedFilters(masked);
    masked.dispose();
    notes.push('data-free: filters chosen by L1 norm and removed without retraining');
  }
  for (const r of smaller.removed) notes.push(`${r.layer}: ${r.before} → ${r.after} ${r.className === 'Dense' ? 'units' : 'filters'}`);
  return smaller.model;
}

/**
 * Unstructured pruning: one global threshold or each named layer's own sparsity. A target at or
 * below what the input (or a layer) already has skips it; otherwise the schedule starts from the
 * zeros already there. Returns `current` itself when nothing was pruned (or pruned in place).
 */
async function pruneStage(
  current: tfl.LayersModel, sparsity: LayerFractions, options: CompressOptions, data: Data | null, notes: string[], loss: LossFn | undefined,
): Promise<tfl.LayersModel> {
  // (A model pruned to exactly p reads back as p up to the rounding of one weight count.)
  const slack = 1e-3;
  let targets: LayerFractions = sparsity;
  let initialSparsity: number;
  if (typeof sparsity === 'number') {
    const inputSparsity = kernelSparsity(current);
    if (sparsity <= inputSparsity + slack) {
      notes.push(`the input is already ${pct(inputSparsity)} sparse (≥ the ${pct(sparsity)} asked): pruning skipped, its zeros kept`);
      return current;
    }
    initialSparsity = inputSparsity;
  } else {
    const layers = layerSparsities(current);
    const unknown = Object.keys(sparsity).filter((name) => layers[name] === undefined);
    usageCheck(unknown.length === 0, () => `\`prune\` names no prunable layer ${unknown.join(', ')} (prunable: ${Object.keys(layers).join(', ')})`, 'prune');
    const kept: Record<string, number> = {};
    for (const [name, target] of Object.entries(sparsity)) {
      const have = layers[name]!.sparsity;
      if (target <= have + slack) {
        if (target > 0) notes.push(`${name} is already ${pct(have)} sparse (≥ the ${pct(target)} asked): not pruned, its zeros kept`);
      } else kept[name] = target;
    }
    if (Object.keys(kept).length === 0) return current;
    targets = kept;
    // Every layer's share of the schedule (target × s / final) starts at or above its own zeros.
    const final = Math.max(...Object.values(kept));
    initialSparsity = Math.max(0, ...Object.entries(kept).map(([name, target]) => (layers[name]!.sparsity * final) / target));
  }
  if (!data) {
    oneShotPrune(current, targets);
    notes.push(`data-free: pruned to ${typeof targets === 'number' ? `${targets} sparsity by global magnitude` : 'per-layer sparsities by magnitude'}, without retraining`);
    return current;
  }
  const result = await pruneAndRetrain(current, { train: data.train }, {
    sparsity: targets, global: typeof targets === 'number', epochs: options.pruneEpochs, seed: options.seed, progress: options.progress, label: 'prune',
    initialSparsity, ...(loss ? { loss } : {}),
  });
  return result.model;
}

/** Each fraction in [0, max); a map must name at least one layer. */
function checkFractions(f: LayerFractions | null, option: string, max: number): void {
  if (f === null) return;
  const entries = typeof f === 'number' ? [['', f] as const] : Object.entries(f);
  usageCheck(entries.length > 0, () => `\`${option}\` must name at least one layer`, option);
  for (const [layer, v] of entries) {
    usageCheck(typeof v === 'number' && v >= 0 && v < max,
      () => `\`${option}\` must be in [0, ${max})${layer ? ` for layer ${layer}` : ''}, got ${v}`, option);
  }
}

/** Round every weight without an encoding hint (biases, BatchNorm) to float16 and mark it so. */
function roundNonKernelsToFloat16(model: tfl.LayersModel, hints: EncodingHints): void {
  for (const layer of model.layers) {
    const weights = layer.getWeights();
    const rounded: tf.Tensor[] = [];
    layer.weights.forEach((w, i) => {
      if (hints[w.originalName]) return;
      const values = (weights[i]!.dataSync() as Float32Array).map(roundToFloat16);
      weights[i] = tf.tensor(values, weights[i]!.shape);
      rounded.push(weights[i]!);
      hints[w.originalName] = { float16: true };
    });
    if (rounded.length > 0) {
      layer.setWeights(weights);
      // setWeights copies into the layer's variables; the rounded tensors made here are ours to free.
      for (const t of rounded) t.dispose();
    }
  }
}
