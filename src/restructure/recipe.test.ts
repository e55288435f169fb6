import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { syntheticDigits } from '../quantization/models.test-util.js';
import { evaluateAccuracy } from '../training/evaluate.js';
import { tinyConvNet } from './models.test-util.js';
import { restructureAndDistill } from './recipe.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('restructureAndDistill', () => {
  const data = { train: syntheticDigits(64, 3), test: syntheticDigits(32, 4) };

  it('separable + distillation: the new layers, the per-layer comparison and accuracies; the teacher is untouched', async () => {
    const teacher = tinyConvNet(1);
    const weights = teacher.getWeights().map((w) => Array.from(w.dataSync()));
    const notes: string[] = [];
    const result = await restructureAndDistill(teacher, data, { separable: 'all', epochs: 1, batchSize: 32, progress: false, log: (m) => notes.push(m) });
    expect(result.model.layers.map((l) => l.name)).toContain('conv2_pw');
    expect(result.comparison.paramsAfter).toBeLessThan(result.comparison.paramsBefore);
    expect(result.testAccuracyBefore).toBe(evaluateAccuracy(teacher, data.test));
    expect(result.testAccuracyAfter).toBe(evaluateAccuracy(result.model, data.test));
    expect(teacher.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(weights);
    expect(notes.join('\n')).toMatch(/conv1 reads one input channel, so it stays a full convolution/);
    expect(result.model.layers.map((l) => l.name)).toContain('conv1');
  });

  it('without data nothing is trained, which needs epochs 0', async () => {
    await expect(restructureAndDistill(tinyConvNet(2), null, { width: 0.5 })).rejects.toThrow(/distillation needs training data/);
    const result = await restructureAndDistill(tinyConvNet(2), null, { width: 0.5, epochs: 0 });
    expect([result.testAccuracyBefore, result.testAccuracyAfter]).toEqual([null, null]);
  });
});
