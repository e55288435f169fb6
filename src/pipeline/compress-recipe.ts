/** The Deep Compression recipe: its options, the default, and how it reads (no TF.js here). */
import { formatClusterSpec, type ClusterSpec } from '../clustering/spec.js';

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

/**
 * The recipe as one line, e.g. "prune 92% (global magnitude, 10 epochs of retraining) → cluster
 * conv:16, dense:8 (2 epochs of centroid fine-tuning) → Huffman". `dataFree`: no retraining.
 */
export function describeRecipe(options: CompressOptions, dataFree = false): string {
  const epochs = (n: number, what: string) => (dataFree || n === 0 ? 'no ' + what : `${n} epoch${n === 1 ? '' : 's'} of ${what}`);
  const stages: string[] = [];
  if (options.prune !== null && options.prune > 0) {
    stages.push(`prune ${+(options.prune * 100).toFixed(2)}% (global magnitude, ${epochs(options.pruneEpochs, 'retraining')})`);
  } else {
    stages.push('no pruning (the input\'s zeros are kept)');
  }
  if (options.clusters) stages.push(`cluster ${formatClusterSpec(options.clusters, ', ')} (${epochs(options.fineTuneEpochs, 'centroid fine-tuning')})`);
  else if (options.bits) stages.push(`quantize to ${options.bits} bits (${dataFree || options.fineTuneEpochs === 0 ? 'post-training' : epochs(options.fineTuneEpochs, 'quantization-aware training')})`);
  else stages.push('float32 weights');
  stages.push(options.huffman ? 'Huffman' : 'fixed-width codes');
  return stages.join(' → ');
}

