/** Accuracy of a classifier on a split, batched so memory stays flat. */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { imageSize, inputShapeFor, type Split } from '../data/split.js';

/** Predicted class per image (argmax of the model output). */
export function predictClasses(model: tfl.LayersModel, split: Split, batchSize = 500): Int32Array {
  const out = new Int32Array(split.count);
  const inputShape = inputShapeFor(split, model.inputs[0]!.shape);
  const size = imageSize(split);
  for (let start = 0; start < split.count; start += batchSize) {
    const n = Math.min(batchSize, split.count - start);
    const pixels = split.images.subarray(start * size, (start + n) * size);
    const classes = tf.tidy(() => {
      const xs = tf.tensor(pixels, [n, ...inputShape]);
      return tf.argMax(model.predict(xs) as tf.Tensor, -1);
    });
    out.set(classes.dataSync() as Int32Array, start);
    classes.dispose();
  }
  return out;
}

/**
 * Fraction of `split` classified correctly, in [0, 1].
 *
 * @example
 * evaluateAccuracy(model, loadMnist().test); // ≈ 0.987 for a trained LeNet-5
 */
export function evaluateAccuracy(model: tfl.LayersModel, split: Split, batchSize = 500): number {
  if (split.count === 0) return 0;
  const predicted = predictClasses(model, split, batchSize);
  let correct = 0;
  for (let i = 0; i < split.count; i++) if (predicted[i] === split.labels[i]) correct++;
  return correct / split.count;
}
