import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { syntheticDigits } from '../quantization/models.test-util.js';
import { tinyConvNet } from '../restructure/models.test-util.js';
import { evaluateAccuracy } from '../training/evaluate.js';
import { pruneAndRetrain } from './retrain.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('pruneAndRetrain', () => {
  const data = { train: syntheticDigits(64, 3), test: syntheticDigits(32, 4) };

  it('returns the stripped model, its sparsity report and accuracy before/after; the input is untouched', async () => {
    const model = tinyConvNet(1);
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    const notes: string[] = [];
    const result = await pruneAndRetrain(model, data, { sparsity: 0.5, epochs: 1, batchSize: 32, progress: false, log: (m) => notes.push(m) });
    expect(result.report.sparsity).toBeCloseTo(0.5, 2);
    expect(result.report.layers.map((l) => l.name)).toEqual(['conv1', 'conv2', 'fc']);
    expect(result.testAccuracyBefore).toBe(evaluateAccuracy(model, data.test));
    expect(result.testAccuracyAfter).toBe(evaluateAccuracy(result.model, data.test));
    expect(result.training.steps).toBe(2);
    expect(result.structured).toBeUndefined();
    expect(notes.some((n) => /pruning to 50\.00%/.test(n))).toBe(true);
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
  });

  it('filters: also the smaller model with the filters removed, fewer params and MACs, same accuracy as the masked one', async () => {
    const result = await pruneAndRetrain(tinyConvNet(2), data, { sparsity: 0.5, granularity: 'filters', epochs: 1, batchSize: 32, progress: false });
    const s = result.structured!;
    expect(s.params).toBeLessThan(s.denseParams);
    expect(s.macs).toBeLessThan(s.denseMacs);
    expect(s.removed.map((r) => r.layer)).toEqual(['conv1', 'conv2']);
    expect(s.testAccuracy).toBe(result.testAccuracyAfter);
    expect(s.model.countParams()).toBe(s.params);
  });

  it('without a test split the accuracies are null', async () => {
    const result = await pruneAndRetrain(tinyConvNet(3), { train: data.train }, { sparsity: 0.3, epochs: 1, progress: false });
    expect([result.testAccuracyBefore, result.testAccuracyAfter]).toEqual([null, null]);
  });
});
