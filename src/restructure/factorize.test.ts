import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../engine/backend.js';
import { lenet5 } from '../models/lenet.js';
import { factorize, intermediateChannels } from './factorize.js';
import { paramsOf, singleConv } from './models.test-util.js';

beforeAll(async () => {
  await initBackend('cpu');
});

/** Kernel weights per input channel plus biases: the seed's "per input channel" cost of a conv. */
function perInputChannel(layer: tfl.layers.Layer): number {
  const [kernel, bias] = layer.getWeights();
  const cin = kernel!.shape[2]!;
  return kernel!.size / cin + (bias?.size ?? 0);
}

/** Input pixels that influence output (row, col) of channel 0, with all weights positive (so no ReLU hides any). */
function receptiveField(model: tfl.LayersModel, row: number, col: number): { height: number; width: number; count: number } {
  for (const layer of model.layers) layer.setWeights(layer.getWeights().map((w) => tf.fill(w.shape, w.rank === 1 ? 0 : 0.1)));
  const size = model.inputs[0]!.shape[1]!;
  const channels = model.inputs[0]!.shape[3]!;
  const grad = tf.grad((x: tf.Tensor) => tf.slice(model.apply(x) as tf.Tensor, [0, row, col, 0], [1, 1, 1, 1]).sum())(tf.ones([1, size, size, channels]));
  const g = grad.dataSync();
  const rows = new Set<number>();
  const cols = new Set<number>();
  let count = 0;
  for (let i = 0; i < g.length; i += channels) {
    if (g[i] !== 0) {
      const p = i / channels;
      rows.add(Math.floor(p / size));
      cols.add(p % size);
      count++;
    }
  }
  return { height: rows.size, width: cols.size, count };
}

describe('factorize: k×k Conv2D → stacked 3×3 Conv2Ds', () => {
  it("the seed's arithmetic: 5×5, 1 input channel, 50 outputs: 1300 → two 3×3 at 500 each per input channel = 1000", () => {
    const conv = singleConv(1, 50, 5, { activation: 'relu' });
    expect(conv.countParams()).toBe(1300); // (5·5+1)·50
    const stacked = factorize(conv, { intermediate: 'output' });
    expect(stacked.layers.map((l) => l.name)).toEqual(['conv_a', 'conv_b']);
    const [a, b] = stacked.layers;
    expect(perInputChannel(a!)).toBe(500); // (3·3+1)·50
    expect(perInputChannel(b!)).toBe(500); // 3·3·50 per input channel + 50 biases
    // In total the second conv reads 50 channels: 500 + 22,550 params — larger, which is why 'min' is the default.
    expect(stacked.countParams()).toBe(500 + 22_550);
  });

  it('cin = cout = 50: 62,550 → 45,100 params, kernel weights exactly 18/25 = 0.72 of the 5×5', () => {
    const conv = singleConv(50, 50, 5);
    expect(conv.countParams()).toBe(25 * 50 * 50 + 50);
    const stacked = factorize(conv);
    expect(stacked.countParams()).toBe(2 * (9 * 50 * 50 + 50));
    const kernels = (m: tfl.LayersModel) => m.layers.reduce((s, l) => s + l.getWeights()[0]!.size, 0);
    expect(kernels(stacked) / kernels(conv)).toBeCloseTo(0.72, 12);
  });

  it("LeNet-5 with the default 'min' intermediate shrinks both convs and keeps every shape", () => {
    const model = lenet5(1);
    const small = factorize(model);
    expect(small.layers.map((l) => l.name)).toEqual(['conv1_a', 'conv1_b', 'pool1', 'conv2_a', 'conv2_b', 'pool2', 'flatten', 'fc1', 'fc2']);
    expect(paramsOf(small, 'conv1')).toBe(3 * 3 * 1 * 1 + 1 + 3 * 3 * 1 * 20 + 20); // 520 before
    expect(paramsOf(small, 'conv2')).toBe(3 * 3 * 20 * 20 + 20 + 3 * 3 * 20 * 50 + 50); // 25,050 before
    for (const name of ['pool1', 'pool2', 'fc2']) expect(small.getLayer(name).outputShape).toEqual(model.getLayer(name).outputShape);
  });

  it('intermediate channel choices', () => {
    expect(intermediateChannels('min', 20, 50)).toBe(20);
    expect(intermediateChannels('output', 20, 50)).toBe(50);
    expect(intermediateChannels('input', 20, 50)).toBe(20);
    expect(intermediateChannels(7, 20, 50)).toBe(7);
    expect(() => intermediateChannels(0, 20, 50)).toThrow(/positive integer, got 0/);
  });

  it('receptive field is preserved: 5×5 → 5×5 through two 3×3s', () => {
    const conv = singleConv(2, 3, 5, { size: 13, activation: 'relu' });
    expect(receptiveField(conv, 4, 4)).toEqual({ height: 5, width: 5, count: 25 });
    expect(receptiveField(factorize(conv), 4, 4)).toEqual({ height: 5, width: 5, count: 25 });
  });

  it('7×7 → three 3×3s (a, b, c) with a 7×7 receptive field; same padding and stride 2 keep the output shape', () => {
    const conv = singleConv(2, 4, 7, { size: 15, strides: 2, padding: 'same', activation: 'relu' });
    const stacked = factorize(conv);
    expect(stacked.layers.map((l) => l.name)).toEqual(['conv_a', 'conv_b', 'conv_c']);
    expect(stacked.outputs[0]!.shape).toEqual(conv.outputs[0]!.shape);
    expect(stacked.outputs[0]!.shape).toEqual([null, 8, 8, 4]);
    // Output (4, 4) at stride 2 is centred on input (8, 8), far from the borders.
    expect(receptiveField(conv, 4, 4)).toEqual({ height: 7, width: 7, count: 49 });
    expect(receptiveField(stacked, 4, 4)).toEqual({ height: 7, width: 7, count: 49 });
  });

  it("ReLU between by default, the original activation last; 'linear' drops the intermediate biases", () => {
    const conv = singleConv(3, 4, 5, { activation: 'tanh' });
    const relu = factorize(conv);
    expect(relu.layers.map((l) => l.getConfig()['activation'])).toEqual(['relu', 'tanh']);
    const linear = factorize(conv, { between: 'linear' });
    expect(linear.layers.map((l) => l.getConfig()['activation'])).toEqual(['linear', 'tanh']);
    expect(linear.layers.map((l) => l.getConfig()['useBias'])).toEqual([false, true]);
  });

  it('a seed makes the fresh weights reproducible', () => {
    const conv = singleConv(2, 3, 5);
    const a = factorize(conv, { seed: 5 }).getWeights().map((w) => Array.from(w.dataSync()));
    const b = factorize(conv, { seed: 5 }).getWeights().map((w) => Array.from(w.dataSync()));
    expect(a).toEqual(b);
  });

  it('refuses layers it cannot factorize, naming them', () => {
    expect(() => factorize(singleConv(1, 2, 3), { layers: ['conv'] })).toThrow(/layer 'conv' has a 3×3 kernel; only odd square kernels of 5×5 and up/);
    expect(() => factorize(lenet5(1), { layers: ['pool1'] })).toThrow(/layer 'pool1' is a MaxPooling2D, not a Conv2D/);
    expect(() => factorize(singleConv(1, 2, 3))).toThrow(/has no layer it can restructure/);
  });
});
