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

  it('describeRecipe names every stage that will run', () => {
    expect(describeRecipe(DEFAULT_RECIPE)).toBe(
      'prune 92% (global magnitude, 10 epochs of retraining) → cluster conv:16, dense:8 (2 epochs of centroid fine-tuning) → Huffman',
    );
    expect(describeRecipe({ ...DEFAULT_RECIPE, prune: null, clusters: null, bits: 4, fineTuneEpochs: 1, huffman: false })).toBe(
      "no pruning (the input's zeros are kept) → quantize to 4 bits (1 epoch of quantization-aware training) → fixed-width codes",
    );
  });
});
