/** Test helpers: small models with known shapes, and prediction comparisons. */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
export { maxAbsDiff } from '../engine/backends.test-util.js';

/** One conv on an input of `size`×`size`×`cin` (valid padding unless given), seeded. */
export function singleConv(cin: number, cout: number, kernel: number, options: { size?: number; strides?: number; padding?: 'valid' | 'same'; activation?: string } = {}): tfl.LayersModel {
  const model = tfl.sequential({ name: 'single' });
  model.add(tfl.layers.conv2d({
    inputShape: [options.size ?? 12, options.size ?? 12, cin], filters: cout, kernelSize: kernel, strides: options.strides ?? 1,
    padding: options.padding ?? 'valid', activation: (options.activation ?? 'linear') as 'linear', name: 'conv',
    kernelInitializer: tfl.initializers.glorotUniform({ seed: 7 }), biasInitializer: tfl.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: 8 }),
  }));
  return model;
}

/** A tiny MNIST-shaped conv net: conv 5×5×4 → pool → conv 5×5×8 → pool → flatten → fc 10 softmax. */
export function tinyConvNet(seed = 1): tfl.LayersModel {
  const init = (k: number) => tfl.initializers.glorotUniform({ seed: seed * 10 + k });
  const model = tfl.sequential({ name: 'tiny' });
  model.add(tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 4, kernelSize: 5, activation: 'relu', name: 'conv1', kernelInitializer: init(1) }));
  model.add(tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }));
  model.add(tfl.layers.conv2d({ filters: 8, kernelSize: 5, activation: 'relu', name: 'conv2', kernelInitializer: init(2) }));
  model.add(tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool2' }));
  model.add(tfl.layers.flatten({ name: 'flatten' }));
  model.add(tfl.layers.dense({ units: 10, activation: 'softmax', name: 'fc', kernelInitializer: init(3) }));
  return model;
}

export function predictValues(model: tfl.LayersModel, x: tf.Tensor): Float32Array {
  return tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync() as Float32Array);
}

/** Params of the layers whose names start with `prefix` (a layer and what replaced it). */
export function paramsOf(model: tfl.LayersModel, prefix: string): number {
  return model.layers.filter((l) => l.name === prefix || l.name.startsWith(`${prefix}_`)).reduce((s, l) => s + l.countParams(), 0);
}

/** A seeded random batch of images. */
export function randomImages(n: number, size: number, channels: number, seed = 11): tf.Tensor4D {
  return tf.randomUniform([n, size, size, channels], 0, 1, 'float32', seed) as tf.Tensor4D;
}
