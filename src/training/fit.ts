/**
 * Train a classifier and measure it, as `smallnets train` does: the batch split between this thread
 * and a worker thread when that helps (`threads`), then accuracy on the test (or validation) split.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Dataset } from '../data/split.js';
import { evaluateAccuracy } from './evaluate.js';
import { usageCheck } from '../errors.js';
import { trainModel, type TrainOptions, type TrainResult } from './train.js';

export interface FitOptions extends Omit<TrainOptions, 'parallel' | 'threads'> {
  /** Threads to train on: 2 splits each batch with a worker thread (default 2). */
  threads?: number;
}

export interface FitResult {
  training: TrainResult;
  /** Accuracy on `data.test`; null when the test split is empty. */
  testAccuracy: number | null;
}

/**
 * Train `model` in place on `data.train`, then measure it on `data.test`.
 *
 * @example
 * const { testAccuracy } = await fitAndEvaluate(lenet5(1), loadMnist(), { epochs: 5, learningRate: 2e-3, schedule: 'cosine' });
 */
export async function fitAndEvaluate(model: tfl.LayersModel, data: Pick<Dataset, 'train' | 'test'>, options: FitOptions): Promise<FitResult> {
  const { threads = 2, ...train } = options;
  usageCheck(threads === 1 || threads === 2, () => `\`threads\` must be 1 or 2, got ${threads}`, 'threads');
  // trainModel starts (and closes) the data-parallel worker itself when the model allows it.
  const training = trainModel(model, data.train, { ...train, threads });
  return { training, testAccuracy: data.test.count > 0 ? evaluateAccuracy(model, data.test) : null };
}
