/**
 * The Deep Compression pipeline: prune (+ retrain) → cluster (+ fine-tune centroids) or quantize
 * (+ QAT) → encode as .snn with sparse gaps and Huffman coding. With data it retrains after each
 * lossy step; without data (`data: 'none'`) every step is one-shot and says so.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Split } from '../data/split.js';
import { evaluateAccuracy } from '../training/evaluate.js';
import { trainModel } from '../training/train.js';
import { globalMagnitudeMasks, magnitudeMask, pruneAndRetrain, prunableWeightNames, prunableWeights } from '../pruning/index.js';
import { clusterWeights, stripClustering } from '../clustering/index.js';
import { quantizeAware, quantizeWeights, stripQuantization } from '../quantization/index.js';
import { roundToFloat16 } from '../format/index.js';
import type { SnnReport } from '../format/spec.js';
import { encodeModel, modelWeightValues, type EncodingHints } from '../models/snn-model.js';
import { compressionSizes, type CompressionSizes } from './compression-sizes.js';
import { usageCheck } from '../errors.js';
import { cloneModel } from '../graph/clone.js';

import { DEFAULT_RECIPE, describeRecipe, type CompressOptions } from './compress-recipe.js';

export { DEFAULT_RECIPE, describeRecipe, type CompressOptions };

/** Fraction of the prunable kernel weights that are exactly zero (global, over all prunable layers). */
export function kernelSparsity(model: tfl.LayersModel): number {
  let zeros = 0;
  let total = 0;
  for (const layer of model.layers) {
    for (const w of prunableWeights(layer)) {
      const values = w.read().dataSync();
      total += values.length;
      for (let i = 0; i < values.length; i++) if (values[i] === 0) zeros++;
    }
  }
  return total === 0 ? 0 : zeros / total;
}

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

/**
 * Compress `model`. With `data`, each lossy step is followed by training on `data.train` and the
 * accuracies are measured on `data.test`; without, the steps are one-shot (data-free).
 */
export async function compress(
  model: tfl.LayersModel,
  options: CompressOptions,
  data: { train: Split; test: Split } | null,
): Promise<CompressResult> {
  usageCheck(!(options.clusters && options.bits), () => 'choose either `clusters` or `bits`, not both', 'clusters');
  if (options.prune !== null) {
    usageCheck(options.prune >= 0 && options.prune < 1, () => `\`prune\` must be in [0, 1), got ${options.prune}`, 'prune');
  }
  const notes: string[] = [];
  const original = await modelWeightValues(model);
  const testAccuracyBefore = data ? evaluateAccuracy(model, data.test) : null;
  let current = cloneModel(model);
  // The input's zeros are kept whatever the recipe: pruning starts from them, clustering and
  // quantization map them to an exact 0.
  const inputSparsity = kernelSparsity(current);
  const pct = (x: number) => `${+(x * 100).toFixed(2)}%`;

  // (A model pruned to exactly p reads back as p up to the rounding of one weight count.)
  if (options.prune !== null && options.prune > 0 && options.prune <= inputSparsity + 1e-3) {
    notes.push(`the input is already ${pct(inputSparsity)} sparse (≥ the ${pct(options.prune)} asked): pruning skipped, its zeros kept`);
  } else if (options.prune !== null && options.prune > 0) {
    if (data) {
      const result = await pruneAndRetrain(current, { train: data.train }, {
        sparsity: options.prune, global: true, epochs: options.pruneEpochs, seed: options.seed, progress: options.progress, label: 'prune',
        initialSparsity: inputSparsity,
      });
      current.dispose();
      current = result.model;
    } else {
      oneShotPrune(current, options.prune);
      notes.push(`data-free: pruned to ${options.prune} sparsity by global magnitude, without retraining`);
    }
  }

  const hints: EncodingHints = {};
  if (options.clusters) {
    const clustered = await clusterWeights(current, { clusters: options.clusters, preserveSparsity: true, seed: options.seed });
    if (data && options.fineTuneEpochs > 0) {
      trainModel(clustered, data.train, {
        epochs: options.fineTuneEpochs, learningRate: 1e-4, seed: options.seed, progress: options.progress, label: 'cluster',
      });
    } else if (!data) notes.push('data-free: k-means centroids are not fine-tuned');
    const stripped = await stripClustering(clustered);
    current = stripped.model;
    for (const w of stripped.report.weights) hints[w.weight] = { codebook: w.codebook };
  } else if (options.bits) {
    let quantized;
    if (data && options.fineTuneEpochs > 0) {
      const aware = await quantizeAware(current, { bits: options.bits, preserveSparsity: true });
      trainModel(aware, data.train, {
        epochs: options.fineTuneEpochs, learningRate: 1e-4, seed: options.seed, progress: options.progress, label: 'qat',
      });
      quantized = await stripQuantization(aware);
    } else {
      quantized = await quantizeWeights(current, { bits: options.bits });
      if (!data) notes.push('data-free: post-training quantization without fine-tuning');
    }
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

/** Zero the smallest-magnitude prunable weights, one global threshold across layers. */
function oneShotPrune(model: tfl.LayersModel, sparsity: number): void {
  const targets: Array<{ layer: tfl.layers.Layer; index: number; values: Float32Array }> = [];
  for (const layer of model.layers) {
    const names = prunableWeightNames(layer.getClassName());
    if (!names) continue;
    layer.weights.forEach((w, index) => {
      const base = w.originalName.split('/').pop()!;
      if (names.includes(base)) targets.push({ layer, index, values: w.read().dataSync() as Float32Array });
    });
  }
  const masks = targets.length > 1 ? globalMagnitudeMasks(targets.map((t) => t.values), sparsity) : targets.map((t) => magnitudeMask(t.values, sparsity));
  targets.forEach((t, i) => {
    const masked = t.values.map((v, j) => (masks[i]![j] ? v : 0));
    const weights = t.layer.getWeights();
    weights[t.index] = tf.tensor(masked, weights[t.index]!.shape);
    t.layer.setWeights(weights);
  });
}

/** Round every weight without an encoding hint (biases, BatchNorm) to float16 and mark it so. */
function roundNonKernelsToFloat16(model: tfl.LayersModel, hints: EncodingHints): void {
  for (const layer of model.layers) {
    const weights = layer.getWeights();
    let changed = false;
    layer.weights.forEach((w, i) => {
      if (hints[w.originalName]) return;
      const values = (weights[i]!.dataSync() as Float32Array).map(roundToFloat16);
      weights[i] = tf.tensor(values, weights[i]!.shape);
      hints[w.originalName] = { float16: true };
      changed = true;
    });
    if (changed) layer.setWeights(weights);
  }
}
