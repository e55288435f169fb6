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
import { globalMagnitudeMasks, magnitudeMask, pruneAndRetrain, prunableWeightNames } from '../pruning/index.js';
import { clusterWeights, stripClustering, type ClusterSpec } from '../clustering/index.js';
import { quantizeAware, quantizeWeights, stripQuantization } from '../quantization/index.js';
import { roundToFloat16 } from '../format/index.js';
import type { SnnReport } from '../format/spec.js';
import { encodeModel, modelWeightValues, type EncodingHints } from '../models/snn-model.js';
import { compressionSizes, type CompressionSizes } from './compression-sizes.js';
import { usageCheck } from '../errors.js';
import { cloneModel } from '../graph/clone.js';

export interface CompressOptions {
  /** Target sparsity of the prunable kernels (global magnitude threshold); null = no pruning. */
  prune: number | null;
  /** k-means clusters (weight sharing), e.g. {conv: 16, dense: 8}; exclusive with `bits`. */
  clusters: ClusterSpec | null;
  /** Affine quantization bits instead of clustering. */
  bits: number | null;
  /** Canonical Huffman coding of index and gap streams when it saves bytes. */
  huffman: boolean;
  /** Store biases as float16 (rounded in the model first, so the file stays lossless). */
  float16Biases: boolean;
  /** Retraining epochs after pruning, and fine-tuning epochs after clustering/quantization. */
  pruneEpochs: number;
  fineTuneEpochs: number;
  seed: number;
  progress?: boolean;
}

/**
 * The default recipe: what `smallnets compress` does with no technique flags. Deep Compression's 8%
 * of weights kept (global threshold); 16 shared values in conv layers, 8 (3-bit indexes) in dense
 * layers, which hold over 90% of the stored values. Measured on LeNet-300-100 (96.90% baseline):
 * dense:16 46.6× at +0.20 points, dense:8 51.6× at +0.15, dense:4 57.8× at −0.20 (the edge of the
 * 0.2-point budget); pruning 94% instead of 92% gives 63.9× at −0.40 (docs/results.md, ablation rows).
 */
export const DEFAULT_RECIPE: CompressOptions = {
  prune: 0.92,
  clusters: { conv: 16, dense: 8 },
  bits: null,
  huffman: true,
  float16Biases: true,
  pruneEpochs: 10,
  fineTuneEpochs: 2,
  seed: 1,
};

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

  if (options.prune !== null && options.prune > 0) {
    if (data) {
      const result = await pruneAndRetrain(current, { train: data.train }, {
        sparsity: options.prune, global: true, epochs: options.pruneEpochs, seed: options.seed, progress: options.progress, label: 'prune',
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
  const sizes = compressionSizes(report, original);
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
