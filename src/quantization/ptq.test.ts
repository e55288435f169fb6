import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../engine/backend.js';
import { head } from '../data/split.js';
import { distinctValuesPerLayer } from '../analysis/distinct.js';
import { calibrateActivations, quantizeWeights } from './ptq.js';
import { quantizeAware, quantizeWrappers, stripQuantization } from './qat.js';
import { outputs, syntheticDigits, tinyModel } from './models.test-util.js';

beforeAll(() => initBackend('cpu'));
const digits = syntheticDigits(96);

describe('post-training quantization', () => {
  it('quantizeWeights is quantizeAware + strip without training, deterministic, and leaves the source model alone', async () => {
    const model = tinyModel();
    const before = outputs(model, digits);
    const a = await quantizeWeights(model, { bits: 4, perChannel: true });
    const b = await quantizeWeights(model, { bits: 4, perChannel: true });
    const qat = await quantizeAware(model, { bits: 4, perChannel: true });
    const c = await stripQuantization(qat);
    expect(outputs(a.model, digits)).toEqual(outputs(b.model, digits));
    expect(outputs(a.model, digits)).toEqual(outputs(c.model, digits));
    expect(outputs(model, digits)).toEqual(before);
    expect(a.report.activations).toEqual([]);
    for (const [layer, n] of Object.entries(distinctValuesPerLayer(a.model))) {
      const channels = a.report.weights.find((w) => w.layer === layer)!.scales.length;
      expect(n).toBeLessThanOrEqual(15 * channels);
    }
    for (const m of [a.model, b.model, c.model, qat]) m.dispose();
  });

  it('8-bit weights change the outputs by little, 2-bit ones by more', async () => {
    const model = tinyModel();
    const float = outputs(model, digits);
    const error = async (bits: number) => {
      const { model: q } = await quantizeWeights(model, { bits });
      const out = outputs(q, digits);
      q.dispose();
      return out.reduce((s, v, i) => s + Math.abs(v - float[i]!), 0) / out.length;
    };
    const e8 = await error(8);
    const e2 = await error(2);
    expect(e8).toBeLessThan(0.01);
    expect(e2).toBeGreaterThan(e8 * 5);
  });

  it('calibration records the min/max of each quantized layer output over the samples', async () => {
    const model = tinyModel();
    const samples = 40;
    const { report: { activations } } = await quantizeWeights(model, { bits: 8, calibration: { split: digits, samples } });
    expect(activations.map((a) => a.layer)).toEqual(['conv', 'dw', 'fc1']);
    // Reference: the same layers' outputs, computed on a wrapped model with activation quantization off.
    const wrapped = await quantizeAware(model, { bits: 8 });
    const probe = tfl.model({ inputs: wrapped.inputs, outputs: ['conv', 'dw', 'fc1'].map((n) => wrapped.getLayer(n).output as tfl.SymbolicTensor) });
    const part = head(digits, samples);
    const refs = tf.tidy(() => (probe.predict(tf.tensor4d(part.images, [samples, 28, 28, 1])) as tf.Tensor[]).map((t) => [tf.min(t).dataSync()[0]!, tf.max(t).dataSync()[0]!]));
    activations.forEach((a, i) => {
      expect(a.min).toBeCloseTo(Math.min(0, refs[i]![0]!), 6);
      expect(a.max).toBeCloseTo(refs[i]![1]!, 6);
      expect(a.scale).toBeCloseTo((a.max - a.min) / 255, 6);
    });
    wrapped.dispose();
  });

  it('calibrateActivations freezes ranges into a wrapped model (its outputs become quantized)', async () => {
    const wrapped = await quantizeAware(tinyModel(), { bits: 8, activations: true, activationBits: 3 });
    calibrateActivations(wrapped, digits, 32);
    const [conv] = quantizeWrappers(wrapped);
    expect(conv!.activationRange()!.max).toBeGreaterThan(0);
    const probe = tfl.model({ inputs: wrapped.inputs, outputs: conv!.output as tfl.SymbolicTensor });
    const values = tf.tidy(() => (probe.predict(tf.tensor4d(digits.images, [96, 28, 28, 1])) as tf.Tensor).dataSync());
    expect(new Set(values).size).toBeLessThanOrEqual(8);
    expect(() => calibrateActivations(wrapped, digits, 0)).toThrow(/calibration samples must be a positive integer/);
    wrapped.dispose();
  });
});
