/**
 * The recipe `smallnets restructure` runs, as one library call: apply a restructuring plan, compare
 * the layers before and after, distill the new model from the original on the training split, and
 * measure accuracy before and after.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { head, type Split } from '../data/split.js';
import { usageCheck } from '../errors.js';
import { evaluateAccuracy } from '../training/evaluate.js';
import { TRAIN_DEFAULTS } from '../training/train.js';
import { compareModels, type Comparison } from './compare.js';
import { DISTILL_DEFAULTS, distill } from './distill.js';
import { restructure, separableLayers, type RestructurePlan } from './plan.js';

export interface RestructureOptions extends RestructurePlan {
  /** Distillation epochs; 0 = no training (default DISTILL_DEFAULTS.epochs). */
  epochs?: number;
  learningRate?: number;
  batchSize?: number;
  /** Distillation temperature T > 0. */
  temperature?: number;
  /** Weight of the teacher (soft) loss, in [0, 1]. */
  alpha?: number;
  /** Random shifts of up to this many pixels while distilling. */
  maxShift?: number;
  /** Distill on the first N training images only (quick runs). */
  trainImages?: number;
  progress?: boolean;
  /** Notes for a human; default: dropped. */
  log?: (message: string) => void;
}

export interface RestructureResult {
  /** The restructured (and distilled) model. */
  model: tfl.LayersModel;
  /** Params and MACs per original layer, before and after. */
  comparison: Comparison;
  /** Accuracy on `data.test` before and after (null without data). */
  testAccuracyBefore: number | null;
  testAccuracyAfter: number | null;
}

/**
 * Restructure `teacher` by `options` and distill the result from it on `data.train`. Without data
 * (`null`) nothing is trained, which needs `epochs: 0`. The teacher is not modified.
 *
 * @example
 * const { model: student, comparison } = await restructureAndDistill(trained, loadMnist(), { separable: 'all' });
 */
export async function restructureAndDistill(
  teacher: tfl.LayersModel,
  data: { train: Split; test?: Split } | null,
  options: RestructureOptions,
): Promise<RestructureResult> {
  const log = options.log ?? (() => undefined);
  const epochs = options.epochs ?? DISTILL_DEFAULTS.epochs;
  usageCheck(Number.isInteger(epochs) && epochs >= 0, () => `\`epochs\` must be a non-negative integer, got ${epochs}`, 'epochs');
  usageCheck(data !== null || epochs === 0, () => 'distillation needs training data: give `data`, or set `epochs` to 0', 'data');
  const seed = options.seed ?? TRAIN_DEFAULTS.seed;
  for (const name of separableLayers(teacher, options).keptFull) {
    log(`note: ${name} reads one input channel, so it stays a full convolution (as MobileNet keeps its first layer): made separable it ` +
      'would be one filter shared by every output; name it in `separable` to convert it anyway, or give `depthMultiplier` 2');
  }
  const student = restructure(teacher, { ...options, seed });
  for (const note of singleFilterNotes(student)) log(note);
  const comparison = compareModels(teacher, student);
  const test = data?.test;
  const testAccuracyBefore = test ? evaluateAccuracy(teacher, test) : null;
  if (data && epochs > 0) {
    const train = options.trainImages === undefined ? data.train : head(data.train, options.trainImages);
    distill(student, teacher, train, {
      epochs,
      learningRate: options.learningRate ?? DISTILL_DEFAULTS.learningRate,
      batchSize: options.batchSize ?? TRAIN_DEFAULTS.batchSize,
      temperature: options.temperature ?? DISTILL_DEFAULTS.temperature,
      alpha: options.alpha ?? DISTILL_DEFAULTS.alpha,
      augment: { maxShift: options.maxShift ?? DISTILL_DEFAULTS.maxShift },
      schedule: 'cosine',
      seed,
      label: 'distill',
      progress: options.progress,
    });
  }
  const testAccuracyAfter = test ? evaluateAccuracy(student, test) : null;
  return { model: student, comparison, testAccuracyBefore, testAccuracyAfter };
}

/**
 * A depthwise layer with one input channel and multiplier 1 is a single k×k filter that every
 * output of the following pointwise layer rescales: a rank-1 bottleneck (why MobileNet keeps its
 * first layer a full convolution). LeNet-5 made separable that way ends 0.65–0.70 points below the
 * original after distillation, at depth multiplier 2 within 0.05 (docs/results.md): say so.
 */
function singleFilterNotes(model: tfl.LayersModel): string[] {
  const notes: string[] = [];
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'DepthwiseConv2D') continue;
    const shape = layer.weights[0]?.shape; // [kh, kw, Cin, multiplier]
    if (shape === undefined || shape[2] !== 1 || shape[3] !== 1) continue;
    notes.push(
      `note: ${layer.name} has one input channel, so at depth multiplier 1 it is a single ${shape[0]}×${shape[1]} filter ` +
        'shared by every output; `depthMultiplier` 2 keeps much more accuracy',
    );
  }
  return notes;
}
