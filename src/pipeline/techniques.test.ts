import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { syntheticDigits, tinyModel } from '../quantization/models.test-util.js';
import { constant } from '../pruning/schedule.js';
import { trainModel } from '../training/train.js';
import { clustering, pruning, quantization, type Technique } from './techniques.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const STOCK = ['InputLayer', 'Conv2D', 'DepthwiseConv2D', 'BatchNormalization', 'Flatten', 'Dense', 'Dense'];

describe('every technique has one shape: apply → train → strip → { model, report }', () => {
  const cases: Array<[Technique<never, unknown>, unknown, (report: unknown) => void]> = [
    [pruning as Technique<never, unknown>, { schedule: constant(0.5, 0, -1, 1) }, (r) => expect((r as { sparsity: number }).sparsity).toBeCloseTo(0.5, 2)],
    [quantization as Technique<never, unknown>, { bits: 4 }, (r) => expect((r as { weights: unknown[] }).weights).toHaveLength(4)],
    [clustering as Technique<never, unknown>, { clusters: 4 }, (r) => expect((r as { weights: unknown[] }).weights).toHaveLength(4)],
  ];
  it.each(cases.map(([t, c, r]) => [t.name, t, c, r] as const))('%s', async (_name, technique, config, checkReport) => {
    const model = tinyModel(1);
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    const trainable = await technique.apply(model, config as never);
    trainModel(trainable, syntheticDigits(32), { epochs: 1, batchSize: 16, progress: false });
    const { model: plain, report } = await technique.strip(trainable);
    expect(plain.layers.map((l) => l.getClassName())).toEqual(STOCK);
    expect(JSON.stringify(plain.toJSON(null, false))).not.toMatch(/Smallnets/);
    checkReport(report);
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
  });
});
