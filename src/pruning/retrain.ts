/**
 * The pruning recipe the CLI, the demo and `npm run results` share: prune an already-trained model
 * while fine-tuning it, then strip. Defaults (measured in docs/pruning.md) reach ≥ 92% sparsity on
 * both LeNets within 0.2 points of dense accuracy.
 *
 * Schedule: sparsity rises from 0 (polynomial, power 3) over the first `rampFraction` of the
 * steps, masks are recomputed a few times per epoch, and the remaining steps recover accuracy at
 * the final sparsity. Adam at 1e-3 (half of LeNet-5's training rate), decayed with a cosine: the
 * weights start from a good solution; 5e-4 recovered too little on LeNet-300-100 (docs/pruning.md). The same ±1 px shifts as baseline training, so
 * fine-tuning does not start overfitting a model that was trained with augmentation.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { usageCheck } from '../errors.js';
import type { Split } from '../data/mnist.js';
import { trainModel, validateTrainOptions, TRAIN_DEFAULTS, type TrainOptions, type TrainResult } from '../training/train.js';
import { PruningConfig, parseGranularity, formatGranularity, type Granularity } from './config.js';
import { prune, stripPruning, type PrunedModel } from './prune.js';
import { ConstantSparsity, PolynomialDecay, type PruningSchedule } from './schedule.js';

export type ScheduleKind = 'polynomial' | 'constant';
export const SCHEDULE_KINDS: readonly ScheduleKind[] = ['polynomial', 'constant'];

export const PRUNE_DEFAULTS = {
  epochs: 10,
  learningRate: 1e-3,
  batchSize: TRAIN_DEFAULTS.batchSize,
  schedule: 'polynomial' as ScheduleKind,
  /** Sparsity reaches its target after this fraction of the steps; the rest is recovery. */
  rampFraction: 0.7,
  /** Mask recomputations per epoch. */
  updatesPerEpoch: 4,
  /** Random ±1 px shifts while fine-tuning, as `smallnets train` uses for the baselines. */
  maxShift: 1,
};

export interface PruneRetrainOptions {
  /** Target sparsity over the pruned weights (fraction of filters for `filters`). N:M fixes it at 1 − N/M. */
  sparsity?: number;
  granularity?: Granularity | string;
  global?: boolean;
  layers?: string[];
  schedule?: ScheduleKind;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  rampFraction?: number;
  updatesPerEpoch?: number;
  /** Random training-image shifts of up to this many pixels (0 = none); default 1. */
  maxShift?: number;
  seed?: number;
  progress?: boolean;
  label?: string;
}

export interface PruneRecipe {
  config: PruningConfig;
  train: TrainOptions;
  sparsity: number;
}

/**
 * Validate options and build the pruning config and training options for `trainCount` images —
 * everything that can be checked without the model, so bad flags fail before any work.
 */
export function pruneRecipe(options: PruneRetrainOptions, trainCount: number): PruneRecipe {
  const granularity = typeof options.granularity === 'string' ? parseGranularity(options.granularity) : (options.granularity ?? { kind: 'unstructured' as const });
  let sparsity: number;
  if (granularity.kind === 'nm') {
    const fixed = 1 - granularity.n / granularity.m;
    usageCheck(options.sparsity === undefined || Math.abs(options.sparsity - fixed) < 1e-9,
      () => `\`sparsity\` ${options.sparsity} does not apply to ${formatGranularity(granularity)} (it keeps ${granularity.n} of every ${granularity.m}: sparsity ${fixed})`, 'sparsity');
    sparsity = fixed;
  } else {
    usageCheck(options.sparsity !== undefined, () => `\`sparsity\` is required for ${formatGranularity(granularity)} pruning`, 'sparsity');
    sparsity = options.sparsity;
  }
  const epochs = options.epochs ?? PRUNE_DEFAULTS.epochs;
  const batchSize = options.batchSize ?? PRUNE_DEFAULTS.batchSize;
  const learningRate = options.learningRate ?? PRUNE_DEFAULTS.learningRate;
  const maxShift = options.maxShift ?? PRUNE_DEFAULTS.maxShift;
  usageCheck(Number.isInteger(maxShift) && maxShift >= 0, () => `\`maxShift\` must be a non-negative integer, got ${maxShift}`, 'maxShift');
  const train: TrainOptions = {
    epochs, batchSize, learningRate, schedule: 'cosine', seed: options.seed ?? TRAIN_DEFAULTS.seed,
    augment: { maxShift }, progress: options.progress, label: options.label ?? 'prune',
  };
  validateTrainOptions(train);
  const ramp = options.rampFraction ?? PRUNE_DEFAULTS.rampFraction;
  usageCheck(Number.isFinite(ramp) && ramp > 0 && ramp <= 1, () => `\`rampFraction\` must be in (0, 1], got ${ramp}`, 'rampFraction');
  const updates = options.updatesPerEpoch ?? PRUNE_DEFAULTS.updatesPerEpoch;
  usageCheck(Number.isInteger(updates) && updates >= 1, () => `\`updatesPerEpoch\` must be a positive integer, got ${updates}`, 'updatesPerEpoch');
  const stepsPerEpoch = Math.ceil(trainCount / Math.min(batchSize, trainCount));
  const totalSteps = stepsPerEpoch * epochs;
  const frequency = Math.max(1, Math.round(stepsPerEpoch / updates));
  // End on a pruning tick so the final sparsity is really applied.
  const endStep = Math.max(1, Math.round((ramp * totalSteps) / frequency)) * frequency;
  const kind = options.schedule ?? PRUNE_DEFAULTS.schedule;
  usageCheck(SCHEDULE_KINDS.includes(kind), () => `schedule must be one of ${SCHEDULE_KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
  const schedule: PruningSchedule =
    kind === 'polynomial' ? new PolynomialDecay(0, sparsity, 0, endStep, 3, frequency) : new ConstantSparsity(sparsity, 0, endStep, frequency);
  const config = new PruningConfig({ schedule, granularity, global: options.global ?? false, layers: options.layers });
  return { config, train, sparsity };
}

export interface PruneRetrainResult {
  pruned: PrunedModel;
  /** Plain tf.layers model with the zeros baked in. */
  stripped: tfl.LayersModel;
  training: TrainResult;
  config: PruningConfig;
}

/**
 * Prune `model` while fine-tuning it on `split`, then strip. The input model is not modified.
 *
 * @example
 * const { stripped } = pruneAndRetrain(trained, loadMnist().train, { sparsity: 0.92 });
 */
export function pruneAndRetrain(model: tfl.LayersModel, split: Split, options: PruneRetrainOptions): PruneRetrainResult {
  const recipe = pruneRecipe(options, split.count);
  const pruned = prune(model, recipe.config);
  const training = trainModel(pruned.model, split, { ...recipe.train, ...pruned.trainHooks() });
  return { pruned, stripped: stripPruning(pruned), training, config: recipe.config };
}
