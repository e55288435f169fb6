/**
 * The recipe `smallnets cluster` runs, as one library call: per-layer k-means, centroid fine-tuning
 * on the training split, strip to a plain model whose kernels hold at most k distinct values, and
 * accuracy before, right after k-means and after fine-tuning.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Split } from '../data/split.js';
import { usageCheck } from '../errors.js';
import { distinctValuesPerLayer } from '../analysis/distinct.js';
import { evaluateAccuracy } from '../training/evaluate.js';
import { TRAIN_DEFAULTS, trainModel, validateTrainOptions } from '../training/train.js';
import { clusterWeights, stripClustering, type ClusteringReport } from './cluster.js';
import { CLUSTER_FINE_TUNE_DEFAULTS, ClusteringConfig, type ClusterOptions } from './config.js';

export interface ClusterFineTuneOptions extends ClusterOptions {
  /** Centroid fine-tuning epochs; 0 = k-means only (default 1). */
  epochs?: number;
  /** Adam learning rate, cosine-decayed (default 1e-4). */
  learningRate?: number;
  batchSize?: number;
  progress?: boolean;
  /** Notes for a human; default: dropped. */
  log?: (message: string) => void;
}

export interface ClusterFineTuneResult {
  /** Plain stock-layer model whose clustered kernels hold at most k distinct values. */
  model: tfl.LayersModel;
  /** Codebook and index map of every clustered kernel. */
  report: ClusteringReport;
  config: ClusteringConfig;
  /** Accuracy on `data.test`: before, right after k-means, after fine-tuning (null without a test split). */
  testAccuracyBefore: number | null;
  testAccuracyClustered: number | null;
  testAccuracyAfter: number | null;
  epochs: number;
  learningRate: number;
  /** Clusters actually used per layer (codebook sizes). */
  clustersPerLayer: Record<string, number>;
  distinctValuesPerLayer: Record<string, number>;
  seconds: number;
}

/**
 * Cluster `model`'s kernels and fine-tune the centroids on `data.train`. The input model is not modified.
 *
 * @example
 * const { model: shared } = await clusterAndFineTune(trained, loadMnist(), { clusters: { conv: 16, dense: 4 } });
 */
export async function clusterAndFineTune(
  model: tfl.LayersModel,
  data: { train: Split; test?: Split },
  options: ClusterFineTuneOptions,
): Promise<ClusterFineTuneResult> {
  const log = options.log ?? (() => undefined);
  const { epochs: givenEpochs, learningRate: givenRate, batchSize, progress, log: _log, ...cluster } = options;
  const config = new ClusteringConfig(cluster);
  const epochs = givenEpochs ?? CLUSTER_FINE_TUNE_DEFAULTS.epochs;
  usageCheck(Number.isInteger(epochs) && epochs >= 0, () => `\`epochs\` must be a non-negative integer, got ${epochs}`, 'epochs');
  const learningRate = givenRate ?? CLUSTER_FINE_TUNE_DEFAULTS.learningRate;
  const train = {
    epochs: Math.max(1, epochs), learningRate, batchSize: batchSize ?? TRAIN_DEFAULTS.batchSize, schedule: 'cosine' as const,
    seed: config.seed, label: 'cluster fine-tune', progress,
  };
  validateTrainOptions(train);
  const started = performance.now();
  // Clustering first: a cluster count the model cannot take fails before any training.
  const clustered = await clusterWeights(model, config);
  try {
    const testAccuracyBefore = data.test ? evaluateAccuracy(model, data.test) : null;
    const testAccuracyClustered = data.test ? evaluateAccuracy(clustered, data.test) : null;
    if (testAccuracyBefore !== null && testAccuracyClustered !== null) {
      log(`k-means (${config.init} init): test accuracy ${pct(testAccuracyBefore)}% → ${pct(testAccuracyClustered)}% before fine-tuning`);
    }
    if (epochs > 0) trainModel(clustered, data.train, train);
    const seconds = (performance.now() - started) / 1000;
    const { model: stripped, report } = await stripClustering(clustered);
    return {
      model: stripped, report, config, testAccuracyBefore, testAccuracyClustered,
      testAccuracyAfter: data.test ? evaluateAccuracy(stripped, data.test) : null,
      epochs, learningRate,
      clustersPerLayer: Object.fromEntries(report.weights.map((w) => [w.layer, w.codebook.length])),
      distinctValuesPerLayer: distinctValuesPerLayer(stripped), seconds,
    };
  } finally {
    clustered.dispose();
  }
}

const pct = (x: number): string => (x * 100).toFixed(2);
