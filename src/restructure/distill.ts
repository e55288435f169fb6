/**
 * Knowledge distillation (Hinton, Vinyals, Dean 2015): train a restructured student to match the
 * original model's softened outputs, mixed with the true labels:
 *
 *   loss = α·T²·KL(softmax(z_t/T) ‖ softmax(z_s/T)) + (1 − α)·CE(labels, softmax(z_s))
 *
 * T² keeps the soft term's gradients on the same scale as the hard term's as T changes.
 *
 * Logits: our LeNets (and Keras classifiers) end in a softmax, so the models give probabilities p.
 * We use log p as the logits: log p = z − logsumexp(z) differs from z by a constant per example,
 * and softmax is shift-invariant, so softmax(log p / T) = p^(1/T) / Σ p^(1/T) = softmax(z / T)
 * exactly. This needs no surgery on the models (no second "logits" model sharing weights) and works
 * for any model whose output is a softmax. The one approximation: probabilities below 1e-30 are
 * clipped before the log (float32 underflow); such a class's soft target is 0 at any useful T.
 * Models whose output is not a softmax are taken to output logits already.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Split } from '../data/split.js';
import { UsageError } from '../errors.js';
import { trainModel, type LossFn, type TrainOptions, type TrainResult } from '../training/train.js';
import { distillationLoss as trainingDistillationLoss, outputsProbabilities } from '../training/losses.js';

export { outputsProbabilities };

export interface DistillOptions extends Omit<TrainOptions, 'loss'> {
  /** Softening temperature T > 0 (default DISTILL_DEFAULTS.temperature). */
  temperature?: number;
  /** Weight α ∈ [0, 1] of the soft (teacher) term; 1 − α goes to the labels (default DISTILL_DEFAULTS.alpha). */
  alpha?: number;
}

import { DISTILL_DEFAULTS } from './distill-defaults.js';

export { DISTILL_DEFAULTS };

function checkKnobs(temperature: number, alpha: number): void {
  if (!(Number.isFinite(temperature) && temperature > 0)) throw new UsageError(`temperature must be a positive number, got ${temperature}`);
  if (!(Number.isFinite(alpha) && alpha >= 0 && alpha <= 1)) throw new UsageError(`alpha must be in [0, 1], got ${alpha}`);
}

/**
 * The distillation loss as a `LossFn` for `trainModel` (training/losses.ts, where data-parallel
 * workers can rebuild it), with its knobs checked.
 */
export function distillationLoss(teacher: tfl.LayersModel, temperature: number, alpha: number, studentProbabilities = true): LossFn {
  checkKnobs(temperature, alpha);
  return trainingDistillationLoss(teacher, temperature, alpha, studentProbabilities);
}

/**
 * Train `student` in place to imitate `teacher` on `data` (plus the labels). Returns the training
 * summary of `trainModel`.
 *
 * @example
 * const student = separable(teacher);
 * distill(student, teacher, loadMnist().train, { epochs: 3, temperature: 4, alpha: 0.7 });
 */
export function distill(student: tfl.LayersModel, teacher: tfl.LayersModel, data: Split, options: DistillOptions): TrainResult {
  const temperature = options.temperature ?? DISTILL_DEFAULTS.temperature;
  const alpha = options.alpha ?? DISTILL_DEFAULTS.alpha;
  checkKnobs(temperature, alpha);
  const shape = (m: tfl.LayersModel, which: 'inputs' | 'outputs') => JSON.stringify(m[which].map((t) => t.shape));
  if (shape(student, 'inputs') !== shape(teacher, 'inputs')) {
    throw new UsageError(`student input ${shape(student, 'inputs')} differs from teacher input ${shape(teacher, 'inputs')}`);
  }
  if (shape(student, 'outputs') !== shape(teacher, 'outputs')) {
    throw new UsageError(`student output ${shape(student, 'outputs')} differs from teacher output ${shape(teacher, 'outputs')}`);
  }
  return trainModel(student, data, {
    learningRate: DISTILL_DEFAULTS.learningRate,
    augment: { maxShift: DISTILL_DEFAULTS.maxShift },
    ...options,
    loss: distillationLoss(teacher, temperature, alpha, outputsProbabilities(student)),
  });
}
