import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { syntheticDigits, tinyModel } from '../quantization/models.test-util.js';
import { evaluateAccuracy } from '../training/evaluate.js';
import { clusterAndFineTune } from './fine-tune.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('clusterAndFineTune', () => {
  const data = { train: syntheticDigits(64, 3), test: syntheticDigits(32, 4) };

  it('k-means + fine-tuning: codebooks of the asked sizes, ≤ k values per kernel, accuracies at every step', async () => {
    const model = tinyModel(1);
    const result = await clusterAndFineTune(model, data, { clusters: { conv: 4, dense: 3 }, epochs: 1, batchSize: 32, progress: false });
    expect(result.clustersPerLayer).toEqual({ conv: 4, dw: 4, fc1: 3, fc2: 3 });
    for (const [layer, k] of Object.entries(result.clustersPerLayer)) expect(result.distinctValuesPerLayer[layer]).toBeLessThanOrEqual(k);
    expect(result.testAccuracyBefore).toBe(evaluateAccuracy(model, data.test));
    expect(result.testAccuracyAfter).toBe(evaluateAccuracy(result.model, data.test));
    expect(typeof result.testAccuracyClustered).toBe('number');
    expect(result.epochs).toBe(1);
  });

  it('epochs 0 is k-means only: the stripped model computes exactly what k-means gave', async () => {
    const result = await clusterAndFineTune(tinyModel(2), data, { clusters: 8, epochs: 0 });
    expect(result.testAccuracyAfter).toBe(result.testAccuracyClustered);
  });
});
