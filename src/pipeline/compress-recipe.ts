/** The Deep Compression recipe: its options, the default, and how it reads (no TF.js here). */
import { formatClusterSpec, type ClusterSpec } from '../clustering/spec.js';
import type { LayerFractions } from './layer-fractions.js';

export interface CompressOptions {
  /**
   * Fraction of conv filters / dense units to remove physically (L1 norm, gradual with retraining,
   * then the layers are rebuilt smaller), before unstructured pruning; null = none. A number applies
   * to every layer that can lose outputs (not the output layer), a map to the named layers.
   */
  removeFilters?: LayerFractions | null;
  /**
   * Target sparsity of the prunable kernels: a number is one global magnitude threshold, a map sets
   * each named layer's own sparsity (other layers are not pruned); null = no pruning.
   */
  prune: LayerFractions | null;
  /** k-means clusters (weight sharing), e.g. {conv: 16, dense: 8}; exclusive with `bits`. */
  clusters: ClusterSpec | null;
  /** Affine quantization bits instead of clustering. */
  bits: number | null;
  /** Canonical Huffman coding of index and gap streams when it saves bytes. */
  huffman: boolean;
  /** Store biases as float16 (rounded in the model first, so the file stays lossless). */
  float16Biases: boolean;
  /**
   * Retrain by distillation from the input model (Hinton et al.: its softened outputs at T = 4 carry
   * 70% of the loss, the labels 30%) instead of on the labels alone, in every retraining stage. The
   * dense model knows more than the 8,000 labels say; the pruned student copying it loses less on
   * small training sets. Default false.
   */
  distill?: boolean;
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
  const pct = (x: number) => `${+(x * 100).toFixed(2)}%`;
  const perLayer = (f: Record<string, number>) => Object.entries(f).map(([layer, v]) => `${layer} ${pct(v)}`).join(', ');
  const stages: string[] = [];
  const remove = options.removeFilters ?? null;
  if (remove !== null && anyFraction(remove)) {
    const what = typeof remove === 'number' ? `${pct(remove)} of the filters/units of every hidden layer` : `filters/units ${perLayer(remove)}`;
    stages.push(`remove ${what} (L1 norm, ${epochs(options.pruneEpochs, 'retraining')})`);
  }
  const prune = options.prune;
  if (prune !== null && anyFraction(prune)) {
    stages.push(typeof prune === 'number'
      ? `prune ${pct(prune)} (global magnitude, ${epochs(options.pruneEpochs, 'retraining')})`
      : `prune ${perLayer(prune)} (per-layer magnitude, other layers unpruned, ${epochs(options.pruneEpochs, 'retraining')})`);
  } else {
    stages.push('no pruning (the input\'s zeros are kept)');
  }
  if (options.clusters) stages.push(`cluster ${formatClusterSpec(options.clusters, ', ')} (${epochs(options.fineTuneEpochs, 'centroid fine-tuning')})`);
  else if (options.bits) stages.push(`quantize to ${options.bits} bits (${dataFree || options.fineTuneEpochs === 0 ? 'post-training' : epochs(options.fineTuneEpochs, 'quantization-aware training')})`);
  else stages.push('float32 weights');
  stages.push(options.huffman ? 'Huffman' : 'fixed-width codes');
  return stages.join(' → ') + (options.distill && !dataFree ? '; every retraining distilled from the input model' : '');
}


/** Whether a fraction (or any per-layer fraction) is above zero. */
export function anyFraction(f: LayerFractions): boolean {
  return typeof f === 'number' ? f > 0 : Object.values(f).some((v) => v > 0);
}
