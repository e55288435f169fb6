/**
 * Which data a command that fine-tunes uses for a given model: the MNIST split for models that take
 * 28×28×1 digits, none (data-free) otherwise, or what the caller asks for.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { UsageError } from '../errors.js';
import { loadMnist, type Mnist } from '../data/mnist.js';

export const DATA_SOURCES = ['mnist', 'none'] as const;
export type DataSource = (typeof DATA_SOURCES)[number];

/** Whether a model takes 28×28×1 digits ([28, 28, 1] or flat [784]). */
export function takesMnistDigits(model: tfl.LayersModel): boolean {
  const dims = model.inputs[0]!.shape.slice(1);
  return (dims.length === 3 && dims[0] === 28 && dims[1] === 28 && dims[2] === 1) || (dims.length === 1 && dims[0] === 784);
}

/**
 * The train/test data for `model`: `source` as given, by default MNIST when the model takes digits
 * and none otherwise. MNIST for a model that does not take digits is a UsageError.
 *
 * @example
 * const data = trainingDataFor(model); // loadMnist() for a LeNet, null for a MobileNet
 */
export function trainingDataFor(model: tfl.LayersModel, source?: DataSource): Mnist | null {
  const digits = takesMnistDigits(model);
  const chosen = source ?? (digits ? 'mnist' : 'none');
  if (chosen === 'none') return null;
  if (!digits) throw new UsageError(`\`data\` mnist needs a model taking 28×28×1 images; this one takes ${JSON.stringify(model.inputs[0]!.shape)}`, { option: 'data' });
  return loadMnist();
}
