/** Accuracy of a classifier on a split, batched so memory stays flat. */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { IMAGE_SIZE, type Split } from '../data/mnist.js';

/** Predicted class per image (argmax of the model output). */
export function predictClasses(model: tfl.LayersModel, split: Split, batchSize = 500): Int32Array {
  const out = new Int32Array(split.count);
  const inputShape = modelImageShape(model);
  for (let start = 0; start < split.count; start += batchSize) {
    const n = Math.min(batchSize, split.count - start);
    const pixels = split.images.subarray(start * IMAGE_SIZE * IMAGE_SIZE, (start + n) * IMAGE_SIZE * IMAGE_SIZE);
    const classes = tf.tidy(() => {
      const xs = tf.tensor(pixels, [n, ...inputShape]);
      return tf.argMax(model.predict(xs) as tf.Tensor, -1);
    });
    out.set(classes.dataSync() as Int32Array, start);
    classes.dispose();
  }
  return out;
}

/** Fraction of `split` classified correctly, in [0, 1]. */
export function evaluateAccuracy(model: tfl.LayersModel, split: Split, batchSize = 500): number {
  if (split.count === 0) return 0;
  const predicted = predictClasses(model, split, batchSize);
  let correct = 0;
  for (let i = 0; i < split.count; i++) if (predicted[i] === split.labels[i]) correct++;
  return correct / split.count;
}

/** The per-image input shape a model expects for 28×28 digits: [28,28,1] or [784]. */
function modelImageShape(model: tfl.LayersModel): number[] {
  const shape = model.inputs[0]!.shape.slice(1) as number[];
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== IMAGE_SIZE * IMAGE_SIZE) {
    throw new Error(`model input ${JSON.stringify(model.inputs[0]!.shape)} does not take 28×28 digits`);
  }
  return shape;
}
