import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { loadMnist } from '../data/mnist.js';
import { head } from '../data/split.js';
import { lenet5, lenet300 } from '../models/lenet.js';
import { trainModel } from './train.js';
import { GradientWorker, supportsDataParallel } from './data-parallel.js';
import { maxRelativeError } from '../engine/backends.test-util.js';

describe('data-parallel training on two threads', () => {
  const workers: GradientWorker[] = [];
  beforeAll(() => initBackend('wasm'));
  afterAll(async () => {
    for (const w of workers) await w.close();
  });

  it('gives the same weights as single-threaded training (same batches, same optimizer)', async () => {
    const { train } = loadMnist();
    const data = head(train, 192);
    const single = lenet5(4);
    trainModel(single, data, { epochs: 1, batchSize: 64, seed: 2, progress: false });
    const split = lenet5(4);
    const worker = await GradientWorker.start(split, 64);
    workers.push(worker);
    trainModel(split, data, { epochs: 1, batchSize: 64, seed: 2, progress: false, parallel: worker });
    const a = single.getWeights();
    const b = split.getWeights();
    a.forEach((w, i) => {
      expect(maxRelativeError(b[i]!.dataSync() as Float32Array, w.dataSync() as Float32Array)).toBeLessThan(1e-4);
    });
  });

  it('handles an odd final batch and batches of one image', async () => {
    const { train } = loadMnist();
    const model = lenet300(1);
    const worker = await GradientWorker.start(model, 7);
    workers.push(worker);
    const result = trainModel(model, head(train, 15), { epochs: 1, batchSize: 7, progress: false, parallel: worker });
    expect(result.steps).toBe(3);
    expect(result.history[0]!.loss).toBeGreaterThan(0);
  });

  it('accepts stock-layer models only', () => {
    expect(supportsDataParallel(lenet5())).toBe(true);
  });
});
