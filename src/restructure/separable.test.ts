import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../engine/backend.js';
import { UsageError } from '../errors.js';
import { describeModel } from '../analysis/describe.js';
import { lenet5 } from '../models/lenet.js';
import { modelArtifacts } from '../models/io.js';
import { separable } from './separable.js';
import { maxAbsDiff, paramsOf, predictValues, randomImages, singleConv } from './models.test-util.js';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('separable: Conv2D → DepthwiseConv2D + 1×1 Conv2D', () => {
  it('3×3 conv, 1 input channel, 50 outputs: 500 params → 9 + 100 = 109 (the seed counts 61, see docs)', () => {
    const conv = singleConv(1, 50, 3);
    expect(conv.countParams()).toBe(500); // (3·3+1)·50, as the seed
    const sep = separable(conv);
    expect(sep.getLayer('conv_dw').countParams()).toBe(9); // one 3×3 filter, no bias (linear into the 1×1)
    expect(sep.getLayer('conv_pw').countParams()).toBe(50 + 50); // 1·1·1·50 kernel + 50 biases
    expect(sep.countParams()).toBe(109);
    // Kernel weights per input channel: 3·3·50 = 450 → 3·3 + 50 = 59.
    expect(sep.getLayer('conv_dw').getWeights()[0]!.size + sep.getLayer('conv_pw').getWeights()[0]!.size).toBe(59);
  });

  it('MACs fall to 1/N + 1/Dk² of the conv (Howard et al.): 3×3, 50 → 50 on 10×10', () => {
    const conv = singleConv(50, 50, 3, { size: 10, padding: 'same' });
    const macs = (m: tfl.LayersModel) => describeModel(m, { measureSparsity: false }).layers.reduce((s, l) => s + l.macs, 0);
    expect(macs(conv)).toBe(3 * 3 * 50 * 50 * 100);
    expect(macs(separable(conv)) / macs(conv)).toBeCloseTo(1 / 50 + 1 / 9, 12);
  });

  it('LeNet-5 both convs: names, output shape and per-layer params', () => {
    const model = lenet5(1);
    const sep = separable(model);
    expect(sep.getClassName()).toBe('Sequential');
    expect(sep.layers.map((l) => l.name)).toEqual(['conv1_dw', 'conv1_pw', 'pool1', 'conv2_dw', 'conv2_pw', 'pool2', 'flatten', 'fc1', 'fc2']);
    expect(sep.outputs[0]!.shape).toEqual(model.outputs[0]!.shape);
    expect(sep.getLayer('pool2').outputShape).toEqual(model.getLayer('pool2').outputShape);
    expect(paramsOf(sep, 'conv1')).toBe(25 + 20 + 20); // 520 before
    expect(paramsOf(sep, 'conv2')).toBe(25 * 20 + 20 * 50 + 50); // 25,050 before
  });

  it('strided and same-padded convs keep their output shapes; dilated ones are refused', () => {
    for (const options of [{ strides: 2, padding: 'same' as const }, { strides: 2, padding: 'valid' as const }]) {
      const conv = singleConv(3, 6, 3, { size: 11, ...options });
      expect(separable(conv).outputs[0]!.shape).toEqual(conv.outputs[0]!.shape);
    }
    const dilated = tfl.sequential({ layers: [tfl.layers.conv2d({ inputShape: [12, 12, 2], filters: 4, kernelSize: 3, dilationRate: 2, name: 'conv' })] });
    expect(() => separable(dilated, { layers: ['conv'] })).toThrow(/layer 'conv' is dilated/);
    expect(() => separable(dilated)).toThrow(/has no layer it can restructure/);
  });

  it('SVD start: with depthMultiplier = taps the pair computes exactly the original conv', () => {
    const conv = singleConv(3, 5, 3, { activation: 'relu' });
    const x = randomImages(2, 12, 3);
    const sep = separable(conv, { depthMultiplier: 9 });
    expect(maxAbsDiff(predictValues(sep, x), predictValues(conv, x))).toBeLessThan(1e-4);
  });

  it("init 'fresh' does not start from the original kernel", () => {
    const conv = singleConv(3, 5, 3);
    const x = randomImages(2, 12, 3);
    const fresh = separable(conv, { depthMultiplier: 9, init: 'fresh', seed: 3 });
    expect(maxAbsDiff(predictValues(fresh, x), predictValues(conv, x))).toBeGreaterThan(1e-2);
  });

  it('the original model is untouched and the result is plain stock layers that reload', async () => {
    const model = lenet5(2);
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    const sep = separable(model, { layers: ['conv2'] });
    model.getWeights().forEach((w, i) => expect(Array.from(w.dataSync())).toEqual(before[i]));
    const reloaded = await tfl.loadLayersModel(tf.io.fromMemory(await modelArtifacts(sep)));
    expect(reloaded.layers.map((l) => l.getClassName())).toEqual(['Conv2D', 'MaxPooling2D', 'DepthwiseConv2D', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense', 'Dense']);
    const x = randomImages(2, 28, 1);
    expect(maxAbsDiff(predictValues(reloaded, x), predictValues(sep, x))).toBe(0);
  });

  it('bad selections are usage errors naming the layer', () => {
    const model = lenet5(1);
    expect(() => separable(model, { layers: ['conv9'] })).toThrow(/no layer named 'conv9' \(eligible: conv1, conv2\)/);
    expect(() => separable(model, { layers: ['fc1'] })).toThrow(/layer 'fc1' is a Dense, not a Conv2D/);
    expect(() => separable(singleConv(2, 2, 1))).toThrow(UsageError);
    expect(() => separable(model, { depthMultiplier: 0 })).toThrow(/depthMultiplier must be a positive integer, got 0/);
  });
});
