/** Test helpers: a tiny functional model with every allowlisted layer kind, and synthetic digits. */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Split } from '../data/split.js';
import { mulberry32 } from '../random.js';

/** 28×28×1 → Conv2D → DepthwiseConv2D → BatchNormalization → Flatten → Dense(16) → Dense(10, softmax). */
export function tinyModel(seed = 1): tfl.LayersModel {
  const init = (offset: number) => tfl.initializers.glorotUniform({ seed: seed + offset });
  const input = tfl.input({ shape: [28, 28, 1], name: 'digits' });
  let x = tfl.layers.conv2d({ filters: 4, kernelSize: 3, strides: 3, activation: 'relu', name: 'conv', kernelInitializer: init(1) }).apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, activation: 'relu', name: 'dw', depthwiseInitializer: init(2) }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.batchNormalization({ name: 'bn' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.flatten({ name: 'flatten' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.dense({ units: 16, activation: 'relu', name: 'fc1', kernelInitializer: init(3) }).apply(x) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 10, activation: 'softmax', name: 'fc2', kernelInitializer: init(4) }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out, name: 'tiny' });
}

/** `count` random 28×28 "digits" with random labels (enough to exercise training and calibration). */
export function syntheticDigits(count: number, seed = 7): Split {
  const random = mulberry32(seed);
  const images = Float32Array.from({ length: count * 784 }, () => (random() < 0.2 ? random() : 0));
  const labels = Uint8Array.from({ length: count }, () => Math.floor(random() * 10));
  return { images, labels, count };
}

/** The model's output on a fixed batch of synthetic digits. */
export function outputs(model: tfl.LayersModel, split: Split): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor4d(split.images, [split.count, 28, 28, 1])) as tf.Tensor).dataSync() as Float32Array);
}
