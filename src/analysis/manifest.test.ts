import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { lenet300 } from '../models/lenet.js';
import { describeModel } from './describe.js';
import { manifestEntryBits, storagePlanFromManifest } from './manifest.js';
import { summarizeDescription } from './summary.js';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('manifestEntryBits', () => {
  it('float32 stores 32 bits a value; uint8/uint16 add a float32 scale and min; float16 adds nothing', () => {
    expect(manifestEntryBits({ name: 'a', shape: [10, 3], dtype: 'float32' })).toBe(960);
    expect(manifestEntryBits({ name: 'a', shape: [10, 3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.1, min: -1 } })).toBe(240 + 64);
    expect(manifestEntryBits({ name: 'a', shape: [10, 3], dtype: 'float32', quantization: { dtype: 'uint16', scale: 0.1, min: -1 } })).toBe(480 + 64);
    expect(manifestEntryBits({ name: 'a', shape: [10, 3], dtype: 'float32', quantization: { dtype: 'float16' } })).toBe(480);
  });
});

describe('storagePlanFromManifest', () => {
  it('a saved float32 model summarizes to exactly its weight payload', async () => {
    const model = lenet300(1);
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const description = describeModel(model);
    const plan = storagePlanFromManifest(artifacts!.weightSpecs!, description);
    const summary = summarizeDescription(description, { storage: plan });
    expect(summary.bytes).toBe((artifacts!.weightData as ArrayBuffer).byteLength);
  });

  it('reads uint8-quantized entries from a weightsManifest', () => {
    const model = lenet300(1);
    const description = describeModel(model, { measureSparsity: false });
    const q = { dtype: 'uint8' as const, scale: 0.01, min: -1 };
    const manifest: tf.io.WeightsManifestConfig = [{
      paths: ['group1-shard1of1.bin'],
      weights: [
        { name: 'fc1/kernel', shape: [784, 300], dtype: 'float32', quantization: q },
        { name: 'fc1/bias', shape: [300], dtype: 'float32', quantization: q },
        { name: 'fc2/kernel', shape: [300, 100], dtype: 'float32' },
        { name: 'fc2/bias', shape: [100], dtype: 'float32' },
        // fc3 missing: counted as float32
      ],
    }];
    const s = summarizeDescription(description, { storage: storagePlanFromManifest(manifest, description) });
    const bytes = Object.fromEntries(s.layers.map((l) => [l.name, l.bytes]));
    expect(bytes).toEqual({
      flatten: 0,
      fc1: 784 * 300 + 8 + 300 + 8,
      fc2: (300 * 100 + 100) * 4,
      fc3: (100 * 10 + 10) * 4,
    });
  });
});
