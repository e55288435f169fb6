import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeModel } from '../analysis/describe.js';
import { UsageError } from '../errors.js';
import { initBackend } from '../engine/backend.js';
import { mobilenetV1 } from './mobilenet-v1.js';

function totalMacs(model: tfl.LayersModel): number {
  return describeModel(model, { measureSparsity: false }).layers.reduce((s, l) => s + l.macs, 0);
}

describe('mobilenetV1', () => {
  let full: tfl.LayersModel; // 1.0-224, built once: ~0.4 s
  let tiny: tfl.LayersModel; // 0.25-128

  beforeAll(async () => {
    await initBackend('cpu');
    full = mobilenetV1();
    tiny = mobilenetV1({ alpha: 0.25, inputSize: 128 });
  });

  it('1.0-224 with the 1000-class top has 4,253,864 params (Keras count)', () => {
    expect(full.countParams()).toBe(4_253_864);
    expect(full.name).toBe('mobilenet_1.00_224');
  });

  it('1.0-224 costs 568,740,352 MACs, within 1% of the paper\'s 569M', () => {
    const macs = totalMacs(full);
    expect(macs).toBe(568_740_352);
    expect(Math.abs(macs / 569e6 - 1)).toBeLessThan(0.01);
  });

  it('0.25-128 has ~0.47M params and ~14M MACs (slim table)', () => {
    expect(tiny.countParams()).toBe(475_544);
    expect(Math.abs(tiny.countParams() / 0.47e6 - 1)).toBeLessThan(0.02); // slim rounds to 0.47M
    const macs = totalMacs(tiny);
    expect(macs).toBe(13_570_048);
    expect(Math.round(macs / 1e6)).toBe(14);
  });

  it('uses Keras layer names and configs', () => {
    const names = full.layers.map((l) => l.name);
    expect(names.slice(0, 11)).toEqual([
      'input_1', 'conv1', 'conv1_bn', 'conv1_relu', 'conv_dw_1', 'conv_dw_1_bn', 'conv_dw_1_relu',
      'conv_pw_1', 'conv_pw_1_bn', 'conv_pw_1_relu', 'conv_pad_2',
    ]);
    expect(names.slice(-6)).toEqual(['global_average_pooling2d', 'reshape_1', 'dropout', 'conv_preds', 'reshape_2', 'predictions']);
    expect(names.filter((n) => n.startsWith('conv_pad_'))).toEqual(['conv_pad_2', 'conv_pad_4', 'conv_pad_6', 'conv_pad_12']);

    const dw2 = full.getLayer('conv_dw_2').getConfig();
    expect(dw2['strides']).toEqual([2, 2]);
    expect(dw2['padding']).toBe('valid');
    expect(dw2['useBias']).toBe(false);
    expect(full.getLayer('conv_pad_2').getConfig()['padding']).toEqual([[0, 1], [0, 1]]);
    expect(full.getLayer('conv1_relu').getConfig()['maxValue']).toBe(6);
    expect(full.getLayer('dropout').getConfig()['rate']).toBe(0.001);
    expect(full.getLayer('conv_pw_13').outputShape).toEqual([null, 7, 7, 1024]);
  });

  it('names weights as the TF.js converter names Keras weights', () => {
    const weightNames = full.weights.map((w) => w.originalName);
    for (const name of [
      'conv1/kernel', 'conv1_bn/gamma', 'conv1_bn/moving_variance', 'conv_dw_1/depthwise_kernel',
      'conv_pw_13/kernel', 'conv_pw_13_bn/moving_mean', 'conv_preds/kernel', 'conv_preds/bias',
    ]) {
      expect(weightNames).toContain(name);
    }
    expect(full.getLayer('conv_dw_1').weights.map((w) => w.shape)).toEqual([[3, 3, 32, 1]]);
  });

  it('predicts a probability distribution at 0.25-128', () => {
    const y = tf.tidy(() => tiny.predict(tf.randomUniform([1, 128, 128, 3], -1, 1, 'float32', 1)) as tf.Tensor);
    expect(y.shape).toEqual([1, 1000]);
    expect(y.sum().arraySync()).toBeCloseTo(1, 4);
    y.dispose();
  });

  it('without the top returns the last feature map, or pools it', () => {
    expect(mobilenetV1({ alpha: 0.25, inputSize: 128, includeTop: false }).outputs[0]!.shape).toEqual([null, 4, 4, 256]);
    expect(mobilenetV1({ alpha: 0.25, inputSize: 128, includeTop: false, pooling: 'avg' }).outputs[0]!.shape).toEqual([null, 256]);
  });

  it('classes=10 shrinks conv_preds to 10 filters', () => {
    const m = mobilenetV1({ alpha: 0.25, inputSize: 128, classes: 10 });
    expect(m.outputs[0]!.shape).toEqual([null, 10]);
    expect(m.countParams()).toBe(475_544 - 256 * 1000 - 1000 + 256 * 10 + 10);
  });

  it('alpha 0.3 → UsageError naming the value and the allowed set', () => {
    expect(() => mobilenetV1({ alpha: 0.3 })).toThrow(UsageError);
    expect(() => mobilenetV1({ alpha: 0.3 })).toThrow('MobileNet v1 alpha must be one of 0.25, 0.5, 0.75, 1, got 0.3');
  });

  it('inputSize 96 → UsageError (v1 has no 96 checkpoints)', () => {
    expect(() => mobilenetV1({ inputSize: 96 })).toThrow('MobileNet v1 inputSize must be one of 128, 160, 192, 224, got 96');
  });

  it('classes 0 and dropout 1 → UsageError', () => {
    expect(() => mobilenetV1({ classes: 0 })).toThrow('classes must be a positive integer, got 0');
    expect(() => mobilenetV1({ dropout: 1 })).toThrow('dropout must be in [0, 1), got 1');
  });
});
