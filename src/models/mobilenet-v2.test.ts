import type * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeModel } from '../analysis/describe.js';
import { UsageError } from '../errors.js';
import { initBackend } from '../engine/backend.js';
import { makeDivisible, mobilenetV2 } from './mobilenet-v2.js';

describe('makeDivisible (Keras _make_divisible)', () => {
  it('rounds to the nearest multiple of 8, at least 8', () => {
    expect(makeDivisible(32, 8)).toBe(32);
    expect(makeDivisible(24 * 0.75, 8)).toBe(24); // 18 → 16 would lose >10% → 24
    expect(makeDivisible(5, 8)).toBe(8);
    expect(makeDivisible(1280 * 1.4, 8)).toBe(1792);
  });

  it('never rounds down by more than 10%', () => {
    expect(makeDivisible(32 * 0.35, 8)).toBe(16); // 11.2 → 8 is 29% below → 16
    expect(makeDivisible(Math.trunc(16 * 0.35), 8)).toBe(8);
  });
});

describe('mobilenetV2', () => {
  let model: tfl.LayersModel; // 1.0-224, built once

  beforeAll(async () => {
    await initBackend('cpu');
    model = mobilenetV2();
  });

  it('1.0-224 has 3,538,984 params (Keras count) and ~300M MACs', () => {
    expect(model.countParams()).toBe(3_538_984);
    const macs = describeModel(model, { measureSparsity: false }).layers.reduce((s, l) => s + l.macs, 0);
    expect(macs).toBe(300_774_272);
    expect(Math.abs(macs / 300e6 - 1)).toBeLessThan(0.01);
    expect(model.name).toBe('mobilenetv2_1.00_224');
  });

  it('uses Keras layer names, including the residual adds', () => {
    const names = model.layers.map((l) => l.name);
    expect(names.slice(0, 10)).toEqual([
      'input_1', 'Conv1', 'bn_Conv1', 'Conv1_relu', 'expanded_conv_depthwise', 'expanded_conv_depthwise_BN',
      'expanded_conv_depthwise_relu', 'expanded_conv_project', 'expanded_conv_project_BN', 'block_1_expand',
    ]);
    expect(names).toContain('block_1_pad');
    expect(names.slice(-5)).toEqual(['Conv_1', 'Conv_1_bn', 'out_relu', 'global_average_pooling2d', 'predictions']);
    expect(names.filter((n) => n.endsWith('_add'))).toEqual(
      [2, 4, 5, 7, 8, 9, 11, 12, 14, 15].map((b) => `block_${b}_add`),
    );
    expect(model.layers).toHaveLength(156);
  });

  it('configures BN and padding as Keras does', () => {
    const bn = model.getLayer('block_3_expand_BN').getConfig();
    expect(bn['epsilon']).toBe(1e-3);
    expect(bn['momentum']).toBe(0.999);
    expect(model.getLayer('block_1_pad').getConfig()['padding']).toEqual([[0, 1], [0, 1]]);
    expect(model.getLayer('block_13_depthwise').getConfig()['padding']).toBe('valid');
    expect(model.getLayer('block_16_project').outputShape).toEqual([null, 7, 7, 320]);
    expect(model.getLayer('predictions').getConfig()['activation']).toBe('softmax');
  });

  it('α 0.35 keeps the 1280-wide last conv; α 1.4 widens it to 1792', () => {
    const small = mobilenetV2({ alpha: 0.35, inputSize: 96, includeTop: false });
    expect(small.getLayer('Conv1').outputShape).toEqual([null, 48, 48, 16]);
    expect(small.getLayer('Conv_1').outputShape).toEqual([null, 3, 3, 1280]);
    const wide = mobilenetV2({ alpha: 1.4, includeTop: false, pooling: 'avg' });
    expect(wide.outputs[0]!.shape).toEqual([null, 1792]);
  });

  it('alpha 0.25 and size 256 → UsageError naming the value and the allowed set', () => {
    expect(() => mobilenetV2({ alpha: 0.25 })).toThrow(UsageError);
    expect(() => mobilenetV2({ alpha: 0.25 })).toThrow('MobileNet v2 alpha must be one of 0.35, 0.5, 0.75, 1, 1.3, 1.4, got 0.25');
    expect(() => mobilenetV2({ inputSize: 256 })).toThrow('MobileNet v2 inputSize must be one of 96, 128, 160, 192, 224, got 256');
  });
});
