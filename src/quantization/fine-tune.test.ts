import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { evaluateAccuracy } from '../training/evaluate.js';
import { quantizeAndFineTune } from './fine-tune.js';
import { syntheticDigits, tinyModel } from './models.test-util.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('quantizeAndFineTune', () => {
  const data = { train: syntheticDigits(64, 3), test: syntheticDigits(32, 4) };

  it('QAT: a plain model with ≤ 2^bits values per kernel, the grids, accuracies and the epochs/lr it used', async () => {
    const model = tinyModel(1);
    const result = await quantizeAndFineTune(model, data, { bits: 3, epochs: 1, batchSize: 32, progress: false });
    expect(result.model.layers.map((l) => l.getClassName())).toEqual(model.layers.map((l) => l.getClassName()));
    expect(result.report.weights.map((w) => w.layer)).toEqual(['conv', 'dw', 'fc1', 'fc2']);
    for (const [layer, n] of Object.entries(result.distinctValuesPerLayer)) expect(n, layer).toBeLessThanOrEqual(7);
    expect([result.epochs, result.learningRate]).toEqual([1, 3e-4]);
    expect(result.testAccuracyBefore).toBe(evaluateAccuracy(model, data.test));
    expect(result.testAccuracyAfter).toBe(evaluateAccuracy(result.model, data.test));
  });

  it('ptq with activations: no training, calibrated activation ranges, no learning rate', async () => {
    const result = await quantizeAndFineTune(tinyModel(2), data, { bits: 8, ptq: true, activations: true, calibrationSamples: 16 });
    expect([result.epochs, result.learningRate]).toEqual([0, null]);
    expect(result.report.activations.map((a) => a.layer)).toEqual(['conv', 'dw', 'fc1']);
  });

  it('epochs or learningRate with ptq is a usage error naming both', async () => {
    await expect(quantizeAndFineTune(tinyModel(3), data, { bits: 4, ptq: true, epochs: 2 })).rejects.toThrow(/`epochs` and `learningRate` do not apply with `ptq`/);
  });
});
