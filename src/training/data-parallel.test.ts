import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { loadMnist } from '../data/mnist.js';
import { head } from '../data/split.js';
import { lenet5, lenet300 } from '../models/lenet.js';
import { trainModel } from './train.js';
import { GradientWorker, supportsDataParallel } from './data-parallel.js';
import { maxRelativeError } from '../engine/backends.test-util.js';
import type * as tfl from '@tensorflow/tfjs-layers';
import { distillationLoss, type LossFn } from './losses.js';
import { quantizeAware } from '../quantization/index.js';
import { clusterWeights } from '../clustering/index.js';

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

  /** Train two copies on 3 batches, one thread vs two; the weights must agree. */
  async function sameOnTwoThreads(build: () => Promise<{ model: tfl.LayersModel; loss?: LossFn }>): Promise<void> {
    const data = head(loadMnist().train, 192);
    const options = { epochs: 1, batchSize: 64, seed: 2, progress: false } as const;
    const one = await build();
    const r1 = trainModel(one.model, data, { ...options, threads: 1, ...(one.loss ? { loss: one.loss } : {}) });
    const two = await build();
    const r2 = trainModel(two.model, data, { ...options, threads: 2, ...(two.loss ? { loss: two.loss } : {}) });
    expect(r1.threads).toBe(1);
    expect(r2.threads).toBe(2);
    const a = one.model.getWeights();
    const b = two.model.getWeights();
    expect(b).toHaveLength(a.length);
    a.forEach((w, i) => {
      expect(maxRelativeError(b[i]!.dataSync() as Float32Array, w.dataSync() as Float32Array)).toBeLessThan(1e-3);
    });
  }

  it('threads: 2 trains quantization-aware wrappers like one thread', () =>
    sameOnTwoThreads(async () => ({ model: await quantizeAware(lenet300(5), { bits: 4 }) })));

  it('threads: 2 trains clustered wrappers (int32 indexes, frozen kernels) like one thread', () =>
    sameOnTwoThreads(async () => ({ model: await clusterWeights(lenet300(5), { clusters: 8, seed: 1 }) })));

  it('threads: 2 distills (teacher replica in the worker) like one thread', () =>
    sameOnTwoThreads(async () => ({ model: lenet300(6), loss: distillationLoss(lenet300(7), 4, 0.7) })));
});
