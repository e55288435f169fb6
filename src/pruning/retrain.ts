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
import type { Split } from '../data/split.js';
import { evaluateAccuracy } from '../training/evaluate.js';
import { summarize } from '../analysis/describe.js';
import { trainModel, validateTrainOptions, TRAIN_DEFAULTS, type TrainOptions, type TrainResult } from '../training/train.js';
import type { LossFn } from '../training/losses.js';
import { PruningConfig, parseGranularity, formatGranularity, type Granularity } from './config.js';
import { prune, pruningState, stripPruning, type SkippedLayer } from './prune.js';
import type { SparsityReport } from './report.js';
import { removePrunedFilters, type RemovedFilters } from './structured.js';
import { ConstantSparsity, PolynomialDecay, type PruningSchedule } from './schedule.js';

import { PRUNE_DEFAULTS, SCHEDULE_KINDS, type ScheduleKind } from './defaults.js';

export { PRUNE_DEFAULTS, SCHEDULE_KINDS, type ScheduleKind };

export interface PruneRetrainOptions {
  /**
   * Target sparsity over the pruned weights (fraction of filters for `filters`), or one target per
   * layer name (only those layers are pruned). N:M fixes it at 1 − N/M.
   */
  sparsity?: number | Record<string, number>;
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
  /** The training loss (e.g. distillation from the dense model); default cross-entropy on the labels. */
  loss?: LossFn;
  /**
   * Sparsity the input already has (its zeros). The polynomial schedule starts there, so the
   * masks keep the input's zeros from the first step on instead of letting them grow back.
   */
  initialSparsity?: number;
  seed?: number;
  progress?: boolean;
  label?: string;
  /** Notes for a human (skipped layers, what is being run); default: dropped. */
  log?: (message: string) => void;
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
  let sparsityByLayer: Record<string, number> | undefined;
  if (typeof options.sparsity === 'object' && options.sparsity !== null) {
    sparsityByLayer = options.sparsity;
    sparsity = Math.max(0, ...Object.values(sparsityByLayer));
  } else if (granularity.kind === 'nm') {
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
    ...(options.loss ? { loss: options.loss } : {}),
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
    kind === 'polynomial'
      ? new PolynomialDecay(Math.min(options.initialSparsity ?? 0, sparsity), sparsity, 0, endStep, 3, frequency)
      : new ConstantSparsity(sparsity, 0, endStep, frequency);
  const config = new PruningConfig({
    schedule, granularity, global: options.global ?? false, layers: options.layers, ...(sparsityByLayer ? { sparsityByLayer } : {}),
  });
  return { config, train, sparsity };
}

/** Training data for a technique that fine-tunes: `test` (optional) measures accuracy before and after. */
export interface FineTuneData {
  train: Split;
  test?: Split;
}

/** What `pruneAndRetrain` did: a plain model with the zeros baked in, and how sparse it is. */
export interface PruneRetrainResult {
  /** Plain tf.layers model with the pruned weights exactly zero (stock layers only). */
  model: tfl.LayersModel;
  /** Sparsity of `model`, per prunable layer and in total. */
  report: SparsityReport;
  config: PruningConfig;
  /** Prunable layers the granularity could not take (left dense), with the reason. */
  skipped: readonly SkippedLayer[];
  training: TrainResult;
  /** Accuracy on `data.test` before pruning and after (null without a test split). */
  testAccuracyBefore: number | null;
  testAccuracyAfter: number | null;
  /** With `filters` granularity: the smaller model with the pruned filters physically removed. */
  structured?: StructuredOutcome;
}

/** The smaller model `filters` pruning leads to, and what it costs. */
export interface StructuredOutcome {
  model: tfl.LayersModel;
  removed: RemovedFilters[];
  params: number;
  macs: number;
  denseParams: number;
  denseMacs: number;
  testAccuracy: number | null;
}

const pct = (x: number): string => (x * 100).toFixed(2);

/**
 * Prune `model` while fine-tuning it on `data.train`, then strip: the recipe `smallnets prune`
 * runs. The input model is not modified. With `data.test`, accuracy is measured before and after;
 * with `filters` granularity the pruned filters are also removed (`structured.model`).
 *
 * @example
 * const { model: sparse, report } = await pruneAndRetrain(trained, loadMnist(), { sparsity: 0.92 });
 * console.log(report.sparsity); // 0.92
 */
export async function pruneAndRetrain(model: tfl.LayersModel, data: FineTuneData, options: PruneRetrainOptions): Promise<PruneRetrainResult> {
  const log = options.log ?? (() => undefined);
  const recipe = pruneRecipe(options, data.train.count);
  const pruned = await prune(model, recipe.config);
  const state = pruningState(pruned);
  let result: PruneRetrainResult;
  try {
    for (const s of state.skipped) log(`left dense: ${s.layerName} (${s.className}): ${s.reason}`);
    const { granularity, global } = recipe.config;
    if (granularity.kind === 'unstructured' && !global && state.targets.length > 1 && recipe.sparsity >= 0.8) {
      log('note: per-layer pruning gives every layer the same sparsity; small layers (first conv, classifier) usually need less — the default global threshold lets them keep more');
    }
    const testAccuracyBefore = data.test ? evaluateAccuracy(model, data.test) : null;
    log(`pruning to ${pct(recipe.sparsity)}% (${formatGranularity(granularity)}${global ? ', global' : ''}, ${options.schedule ?? PRUNE_DEFAULTS.schedule} schedule) over ${recipe.train.epochs} epochs`);
    const training = trainModel(pruned, data.train, recipe.train);
    const { model: stripped, report } = await stripPruning(pruned);
    const testAccuracyAfter = data.test ? evaluateAccuracy(stripped, data.test) : null;
    result = { model: stripped, report, config: recipe.config, skipped: state.skipped, training, testAccuracyBefore, testAccuracyAfter };
  } finally {
    pruned.dispose();
  }
  if (recipe.config.granularity.kind === 'filters') result.structured = removeFilters(model, result.model, data.test);
  return result;
}

function removeFilters(dense: tfl.LayersModel, masked: tfl.LayersModel, test: Split | undefined): StructuredOutcome {
  const { model, removed } = removePrunedFilters(masked);
  const before = summarize(dense, { measureSparsity: false });
  const after = summarize(model, { measureSparsity: false });
  return {
    model, removed, params: after.params, macs: after.macs, denseParams: before.params, denseMacs: before.macs,
    testAccuracy: test ? evaluateAccuracy(model, test) : null,
  };
}
