import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../engine/backend.js';
import { lenet5 } from '../models/lenet.js';
import { widthMultiplier } from './width.js';
import { maxAbsDiff, predictValues, randomImages, tinyConvNet } from './models.test-util.js';

beforeAll(async () => {
  await initBackend('cpu');
});

/** Zero the kernel slices and biases of output units `units` of a conv/dense layer. */
function silence(layer: tfl.layers.Layer, units: number[]): void {
  const [kernel, bias] = layer.getWeights();
  const n = kernel!.shape[kernel!.rank - 1]!;
  const keep = tf.tensor1d(Array.from({ length: n }, (_, i) => (units.includes(i) ? 0 : 1)));
  layer.setWeights([tf.mul(kernel!, keep), tf.mul(bias!, keep)]);
}

/** A functional MobileNet-style chain: conv-BN-ReLU, depthwise-BN-ReLU, 1×1 conv, global pool, dense. */
function mobileChain(): tfl.LayersModel {
  const input = tfl.input({ shape: [16, 16, 3], name: 'input' });
  let x = tfl.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', useBias: false, name: 'conv1' }).apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.batchNormalization({ name: 'conv1_bn' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.reLU({ name: 'conv1_relu' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, name: 'dw' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.conv2d({ filters: 12, kernelSize: 1, activation: 'relu', name: 'pw' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as tfl.SymbolicTensor;
  const y = tfl.layers.dense({ units: 5, activation: 'softmax', name: 'logits' }).apply(x) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: y, name: 'chain' });
  // Non-trivial BN statistics, so slicing them wrongly would show.
  const bn = model.getLayer('conv1_bn');
  bn.setWeights(bn.getWeights().map((w, i) => tf.add(tf.mul(tf.randomUniform(w.shape, 0, 1, 'float32', i + 1), 0.5), 0.5)));
  return model;
}

describe('widthMultiplier', () => {
  it('LeNet-5 at α = 0.5: 10/25 filters, 250 units, 10 classes kept: 109,295 params', () => {
    const half = widthMultiplier(lenet5(1), 0.5);
    const kernelShape = (name: string) => half.getLayer(name).getWeights()[0]!.shape;
    expect(kernelShape('conv1')).toEqual([5, 5, 1, 10]);
    expect(kernelShape('conv2')).toEqual([5, 5, 10, 25]);
    expect(kernelShape('fc1')).toEqual([4 * 4 * 25, 250]);
    expect(kernelShape('fc2')).toEqual([250, 10]);
    expect(half.countParams()).toBe(260 + 6275 + 100_250 + 2510);
  });

  it('dropping only silent units changes nothing: kept channels are traced through pooling and Flatten', () => {
    const model = tinyConvNet(3);
    silence(model.getLayer('conv1'), [1, 3]);
    silence(model.getLayer('conv2'), [0, 2, 5, 7]);
    const half = widthMultiplier(model, 0.5);
    expect(half.getLayer('conv2').getWeights()[0]!.shape).toEqual([5, 5, 2, 4]);
    const x = randomImages(3, 28, 1);
    expect(maxAbsDiff(predictValues(half, x), predictValues(model, x))).toBeLessThan(1e-6);
  });

  it("the strongest units (largest L1 norm) are kept; init 'fresh' keeps none of the weights", () => {
    const model = tinyConvNet(4);
    const kernel = model.getLayer('conv1').getWeights()[0]!;
    const norms = tf.sum(tf.abs(kernel), [0, 1, 2]).arraySync() as number[];
    const order = norms.map((n, i) => [n, i] as const).sort((a, b) => b[0] - a[0]).slice(0, 2).map(([, i]) => i).sort();
    const kept = widthMultiplier(model, 0.5).getLayer('conv1').getWeights()[0]!;
    expect(Array.from(kept.dataSync())).toEqual(Array.from(tf.gather(kernel, order, 3).dataSync()));
    const fresh = widthMultiplier(model, 0.5, { init: 'fresh' }).getLayer('conv1').getWeights()[0]!;
    expect(Array.from(fresh.dataSync())).not.toEqual(Array.from(kept.dataSync()));
  });

  it('functional chains with BatchNormalization and depthwise convs: α = 1 is exact, α = 0.5 slices consistently', () => {
    const model = mobileChain();
    const x = randomImages(2, 16, 3);
    expect(maxAbsDiff(predictValues(widthMultiplier(model, 1), x), predictValues(model, x))).toBe(0);
    const half = widthMultiplier(model, 0.5);
    expect(half.getClassName()).toBe('Model');
    expect(half.getLayer('dw').getWeights()[0]!.shape).toEqual([3, 3, 4, 2]);
    expect(half.getLayer('pw').getWeights()[0]!.shape).toEqual([1, 1, 8, 6]);
    expect(half.getLayer('logits').getWeights()[0]!.shape).toEqual([6, 5]);
    const norms = tf.sum(tf.abs(model.getLayer('conv1').getWeights()[0]!), [0, 1, 2]).arraySync() as number[];
    const kept = norms.map((n, i) => [n, i] as const).sort((a, b) => b[0] - a[0]).slice(0, 4).map(([, i]) => i).sort();
    const gamma = model.getLayer('conv1_bn').getWeights()[0]!;
    expect(Array.from(half.getLayer('conv1_bn').getWeights()[0]!.dataSync())).toEqual(Array.from(tf.gather(gamma, kept).dataSync()));
    expect(predictValues(half, x).length).toBe(10);
  });

  it('never thins the output layer, refuses merges after thinned layers and bad α', () => {
    expect(() => widthMultiplier(lenet5(1), 0.5, { layers: ['fc2'] })).toThrow(/layer 'fc2' produces the model output/);
    const input = tfl.input({ shape: [8] });
    const a = tfl.layers.dense({ units: 8, name: 'a' }).apply(input) as tfl.SymbolicTensor;
    const sum = tfl.layers.add({ name: 'sum' }).apply([a, input]) as tfl.SymbolicTensor;
    const out = tfl.layers.dense({ units: 2, name: 'out' }).apply(sum) as tfl.SymbolicTensor;
    expect(() => widthMultiplier(tfl.model({ inputs: input, outputs: out }), 0.5)).toThrow(/layer 'sum' \(Add\) merges several inputs/);
    expect(() => widthMultiplier(lenet5(1), 0)).toThrow(/width multiplier must be in \(0, 1\], got 0/);
    expect(() => widthMultiplier(lenet5(1), 1.5)).toThrow(/got 1\.5/);
  });
});
