import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { lenet5 } from '../models/lenet.js';
import { loadModel } from '../models/io.js';
import { exportTfjs, saveTfjs, type TfjsFiles } from './tfjs.js';
import { dequantizeLikeTfjs, TFJS_QUANTIZATIONS, type QuantizedWeight } from './tfjs-quantize.js';
import { maxAbsDiff } from '../engine/backends.test-util.js';

interface Manifest {
  weightsManifest: { paths: string[]; weights: (tf.io.WeightsManifestEntry & { quantization?: QuantizedWeight['quantization'] })[] }[];
  modelTopology: object;
}

function artifactsOf(files: TfjsFiles): tf.io.ModelArtifacts {
  const json = JSON.parse(files['model.json']) as Manifest;
  return { modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0]!.weights, weightData: files['weights.bin'].slice().buffer };
}

describe('TF.js export', () => {
  let model: tfl.LayersModel;
  let x: tf.Tensor;
  let reference: Float32Array;
  let dir: string;
  /** Softmax output tolerance, ~10× the measured max diffs (uint8 2.7e-4, uint16 1.1e-6, float16 1.3e-5). */
  const tolerance = { none: 0, uint8: 3e-3, uint16: 1e-5, float16: 1.5e-4 };

  beforeAll(async () => {
    await initBackend('cpu');
    model = lenet5(11);
    x = tf.randomUniform([8, 28, 28, 1], 0, 1, 'float32', 3);
    reference = (model.predict(x) as tf.Tensor).dataSync() as Float32Array;
    dir = await mkdtemp(path.join(tmpdir(), 'smallnets-tfjs-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('without quantization, the files load through tf.io.fromMemory and predict identically', async () => {
    const files = await exportTfjs(model);
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifactsOf(files)));
    expect(maxAbsDiff((loaded.predict(x) as tf.Tensor).dataSync(), reference)).toBe(tolerance.none);
    expect(files['weights.bin'].byteLength).toBe(model.countParams() * 4);
  });

  for (const dtype of TFJS_QUANTIZATIONS) {
    it(`--quantize ${dtype}: manifest entries carry the converter's quantization, weights dequantize within half a step`, async () => {
      const files = await exportTfjs(model, { quantize: dtype });
      const manifest = JSON.parse(files['model.json']) as Manifest;
      const entries = manifest.weightsManifest[0]!.weights;
      expect(files['weights.bin'].byteLength).toBe(model.countParams() * (dtype === 'uint8' ? 1 : 2));
      const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifactsOf(files)));
      let offset = 0;
      for (const entry of entries) {
        expect(entry.dtype).toBe('float32');
        expect(entry.quantization!.dtype).toBe(dtype);
        expect(entry.quantization!.original_dtype).toBe('float32');
        if (dtype === 'float16') expect(entry.quantization).not.toHaveProperty('scale');
        const count = entry.shape.reduce((a, b) => a * b, 1);
        const bytes = count * (dtype === 'uint8' ? 1 : 2);
        const ours = dequantizeLikeTfjs(files['weights.bin'].subarray(offset, offset + bytes), count, entry.quantization!);
        offset += bytes;
        const variable = loaded.weights.find((w) => w.originalName === entry.name)!;
        // What stock TF.js dequantized is exactly value = q·scale + min.
        expect(maxAbsDiff(variable.read().dataSync(), ours)).toBe(0);
        const original = model.weights.find((w) => w.originalName === entry.name)!.read().dataSync();
        const step = dtype === 'float16' ? maxAbs(original) * 2 ** -11 : entry.quantization!.scale! / 2;
        // Plus the float32 rounding of q·scale + min.
        expect(maxAbsDiff(original, ours)).toBeLessThanOrEqual(step + maxAbs(original) * 2 ** -23);
      }
      const diff = maxAbsDiff((loaded.predict(x) as tf.Tensor).dataSync(), reference);
      expect(diff).toBeLessThan(tolerance[dtype]);
    });
  }

  it('saveTfjs writes an atomic directory that loadModel reads back (uint8)', async () => {
    const out = path.join(dir, 'lenet5-uint8');
    const bytes = await saveTfjs(model, out, { quantize: 'uint8' });
    const onDisk = (await readFile(path.join(out, 'model.json'))).byteLength + (await readFile(path.join(out, 'weights.bin'))).byteLength;
    expect(bytes).toBe(onDisk);
    const loaded = await loadModel(out);
    expect(maxAbsDiff((loaded.predict(x) as tf.Tensor).dataSync(), reference)).toBeLessThan(tolerance.uint8);
    await expect(saveTfjs(model, out)).rejects.toThrow(/not empty/);
  });

  it('re-exporting a uint8 model as float32 keeps the dequantized values', async () => {
    const files = await exportTfjs(model, { quantize: 'uint8' });
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifactsOf(files)));
    const again = await exportTfjs(loaded);
    const reloaded = await tfl.loadLayersModel(tf.io.fromMemory(artifactsOf(again)));
    expect(maxAbsDiff((reloaded.predict(x) as tf.Tensor).dataSync(), (loaded.predict(x) as tf.Tensor).dataSync())).toBe(0);
  });
});

function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]!));
  return m;
}
