/**
 * The three weight techniques side by side, in the one shape they share (tfmot's
 * `prune_low_magnitude` / `strip_pruning`): `apply(model, config)` returns a trainable copy that
 * `trainModel` fine-tunes, and `strip(model)` returns `{ model, report }` — a plain tf.layers model
 * with none of smallnets' classes left in it, and what the technique did to it.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { clusterWeights, stripClustering, type ClusterOptions, type ClusteringConfig, type ClusteringReport } from '../clustering/index.js';
import { prune, stripPruning, type PruningConfig, type PruningOptions, type SparsityReport } from '../pruning/index.js';
import { quantizeAware, stripQuantization, type QuantizationConfig, type QuantizationReport, type QuantizeOptions } from '../quantization/index.js';

export interface Technique<Config, Report> {
  name: string;
  /** A trainable copy of `model` with the technique applied; the input is not modified. */
  apply(model: tfl.LayersModel, config: Config): Promise<tfl.LayersModel>;
  /** The plain model to ship, and the technique's report. */
  strip(model: tfl.LayersModel): Promise<{ model: tfl.LayersModel; report: Report }>;
}

/** Magnitude pruning: zeros that stay zero while fine-tuning. */
export const pruning: Technique<PruningConfig | PruningOptions, SparsityReport> = { name: 'pruning', apply: prune, strip: stripPruning };

/** Quantization-aware training: kernels fake-quantized to 2–8 bits. */
export const quantization: Technique<QuantizationConfig | QuantizeOptions, QuantizationReport> = {
  name: 'quantization', apply: quantizeAware, strip: stripQuantization,
};

/** Weight clustering: each kernel shares k trained values. */
export const clustering: Technique<ClusteringConfig | ClusterOptions, ClusteringReport> = {
  name: 'clustering', apply: clusterWeights, strip: stripClustering,
};
