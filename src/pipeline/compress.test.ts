import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../engine/backend.js';
import { loadMnist } from '../data/mnist.js';
import { head } from '../data/split.js';
import { lenet300 } from '../models/lenet.js';
import { compress, DEFAULT_RECIPE, describeRecipe, kernelSparsity } from './compress.js';

describe('compress keeps the input’s zeros', () => {
  beforeAll(() => initBackend('wasm'));

  it('retraining to a higher sparsity starts from the input’s zeros: none grows back', async () => {
    const model = lenet300(3);
    for (const layer of model.layers) {
      const weights = layer.getWeights();
      if (weights.length === 0) continue;
      weights[0] = tf.tensor((weights[0]!.dataSync() as Float32Array).map((v, i) => (i % 2 === 0 ? v : 0)), weights[0]!.shape);
      layer.setWeights(weights);
    }
    expect(kernelSparsity(model)).toBeCloseTo(0.5, 2);
    const { train, test } = loadMnist();
    const result = await compress(model, { ...DEFAULT_RECIPE, prune: 0.8, clusters: null, pruneEpochs: 1, progress: false }, { train: head(train, 256), test: head(test, 100) });
    for (const name of ['fc1', 'fc2', 'fc3']) {
      const before = model.getLayer(name).getWeights()[0]!.dataSync();
      const after = result.model.getLayer(name).getWeights()[0]!.dataSync();
      expect(Array.from(before).filter((v, i) => v === 0 && after[i] !== 0).length, name).toBe(0);
    }
    expect(kernelSparsity(result.model)).toBeGreaterThanOrEqual(0.79);
  });

  it('per-layer pruning and filter removal with retraining keep them too: unnamed layers and a layer already sparser than asked', async () => {
    const model = lenet300(4);
    for (const layer of model.layers) {
      const weights = layer.getWeights();
      if (weights.length === 0) continue;
      // A scattered 75% of zeros (every column and row keeps some weights).
      weights[0] = tf.tensor((weights[0]!.dataSync() as Float32Array).map((v, i) => ((Math.imul(i, 2654435761) >>> 13) & 3) === 0 ? v : 0), weights[0]!.shape);
      layer.setWeights(weights);
    }
    const { train, test } = loadMnist();
    const data = { train: head(train, 128), test: head(test, 50) };
    // fc1 asked 90% (more than its 75%), fc2 asked 50% (less: skipped), fc3 not named; fc2 loses units.
    const result = await compress(model, { ...DEFAULT_RECIPE, removeFilters: { fc2: 0.5 }, prune: { fc1: 0.9, fc2: 0.5 }, clusters: null, pruneEpochs: 1, progress: false }, data);
    expect(result.notes.join('\n')).toMatch(/fc2: 100 → 50 units[\s\S]*fc2 is already [\d.]+% sparse \(≥ the 50% asked\): not pruned[\s\S]*zero weights grew back/);
    const kernel = (m: typeof model, name: string) => m.getLayer(name).getWeights()[0]!.dataSync();
    const zeros = (values: ArrayLike<number>) => Array.from(values).filter((v) => v === 0).length / values.length;
    expect(zeros(kernel(result.model, 'fc1'))).toBeCloseTo(0.9, 2);
    // fc3 kept its shape and every zero; fc2 lost units, and the kept units keep their zeros.
    const fc3Before = kernel(model, 'fc3');
    const fc3After = kernel(result.model, 'fc3');
    expect(fc3After.length).toBe(fc3Before.length / 2);
    expect(zeros(fc3After)).toBeGreaterThan(0.7);
    expect(zeros(kernel(result.model, 'fc2'))).toBeGreaterThan(0.7);
    const fc1Before = kernel(model, 'fc1');
    const fc1After = kernel(result.model, 'fc1');
    expect(Array.from(fc1Before).filter((v, i) => v === 0 && fc1After[i] !== 0).length).toBe(0);
  });

  it('describeRecipe names every stage that will run', () => {
    expect(describeRecipe(DEFAULT_RECIPE)).toBe(
      'prune 92% (global magnitude, 10 epochs of retraining) → cluster conv:16, dense:8 (2 epochs of centroid fine-tuning) → Huffman',
    );
    expect(describeRecipe({ ...DEFAULT_RECIPE, prune: null, clusters: null, bits: 4, fineTuneEpochs: 1, huffman: false })).toBe(
      "no pruning (the input's zeros are kept) → quantize to 4 bits (1 epoch of quantization-aware training) → fixed-width codes",
    );
    expect(describeRecipe({ ...DEFAULT_RECIPE, removeFilters: 0.3, prune: { fc1: 0.97, fc2: 0.9 }, clusters: { fc1: 4, fc2: 8 } })).toBe(
      'remove 30% of the filters/units of every hidden layer (L1 norm, 10 epochs of retraining) → prune fc1 97%, fc2 90% (per-layer magnitude, other layers unpruned, 10 epochs of retraining) → cluster fc1:4, fc2:8 (2 epochs of centroid fine-tuning) → Huffman',
    );
  });
});
