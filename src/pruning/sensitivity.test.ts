import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { UsageError } from '../errors.js';
import { loadMnist } from '../data/mnist.js';
import { head, type Split } from '../data/split.js';
import { lenet300 } from '../models/lenet.js';
import { trainModel } from '../training/train.js';
import { evaluateAccuracy } from '../training/evaluate.js';
import { sensitivity } from './sensitivity.js';

let train: Split;
let test: Split;

beforeAll(async () => {
  await initBackend('cpu');
  const data = loadMnist();
  train = head(data.train, 512);
  test = head(data.test, 200);
});

describe('sensitivity', () => {
  it('prunes each layer alone: sparsity 0 reproduces the baseline, 0.99 of fc1 hurts more than 0.5, model untouched', () => {
    const model = lenet300(2);
    trainModel(model, train, { epochs: 1, progress: false });
    const before = evaluateAccuracy(model, test);
    const calls: string[] = [];
    const result = sensitivity(model, test, { sparsities: [0, 0.5, 0.99], onResult: (layer, s) => calls.push(`${layer}@${s}`) });
    expect(result.baseline).toBe(before);
    expect(result.layers.map((l) => [l.name, l.params])).toEqual([['fc1', 235200], ['fc2', 30000], ['fc3', 1000]]);
    expect(calls).toHaveLength(9);
    for (const layer of result.layers) {
      expect(Object.keys(layer.accuracy)).toEqual(['0', '0.5', '0.99']);
      expect(layer.accuracy['0']).toBe(before);
    }
    const fc1 = result.layers[0]!.accuracy;
    expect(fc1['0.99']!).toBeLessThan(fc1['0.5']!);
    expect(evaluateAccuracy(model, test)).toBe(before);
    model.dispose();
  });

  it('bad sparsity lists are usage errors', () => {
    const model = lenet300(3);
    expect(() => sensitivity(model, test, { sparsities: [0.5, 1] })).toThrow(UsageError);
    expect(() => sensitivity(model, test, { sparsities: [0.5, 0.5] })).toThrow(/listed twice/);
    expect(() => sensitivity(model, test, { sparsities: [] })).toThrow(/must not be empty/);
    model.dispose();
  });
});
