import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../engine/backend.js';
import { UsageError } from '../errors.js';
import { dequantizeAffine } from '../format/values.js';
import { loadModel, saveModel } from '../models/io.js';
import { trainModel } from '../training/train.js';
import { QuantizationConfig } from './config.js';
import { distinctValuesPerLayer } from '../analysis/distinct.js';
import { quantizeAware, quantizeWrappers, stripQuantization } from './qat.js';
import { fromJson } from '../graph/serializable.js';
import { readQuantizationMetadata } from './records.js';
import { outputs, syntheticDigits, tinyModel } from './models.test-util.js';

let dir: string;
const digits = syntheticDigits(64);

beforeAll(async () => {
  await initBackend('cpu');
  dir = await mkdtemp(path.join(tmpdir(), 'smallnets-qat-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const kernelOf = (model: tfl.LayersModel, name: string) => model.getLayer(name).getWeights().find((w) => w.rank >= 2)!;

describe('quantizeAware', () => {
  it('wraps exactly the Conv2D, DepthwiseConv2D and Dense layers of a functional model', async () => {
    const qat = await quantizeAware(tinyModel(), { bits: 4 });
    expect(quantizeWrappers(qat).map((w) => w.name)).toEqual(['conv', 'dw', 'fc1', 'fc2']);
    expect(qat.getLayer('bn').getClassName()).toBe('BatchNormalization');
    expect(qat.countParams()).toBe(tinyModel().countParams());
    qat.dispose();
  });

  it('only the named layers when `layers` is given; unknown names and unsupported classes fail with one line', async () => {
    const qat = await quantizeAware(tinyModel(), { bits: 4, layers: ['fc1'] });
    expect(quantizeWrappers(qat).map((w) => w.name)).toEqual(['fc1']);
    await expect(quantizeAware(tinyModel(), { bits: 4, layers: ['nope'] })).rejects.toThrow(/no layer named "nope"/);
    await expect(quantizeAware(tinyModel(), { bits: 4, layers: ['bn'] })).rejects.toThrow(/does not apply to layer bn \(class BatchNormalization\)/);
    const odd = tfl.sequential({ layers: [tfl.layers.conv2dTranspose({ inputShape: [4, 4, 1], filters: 2, kernelSize: 2, name: 'up' })] });
    await expect(quantizeAware(odd, { bits: 4 })).rejects.toThrow(UsageError);
    await expect(quantizeAware(odd, { bits: 4 })).rejects.toThrow(/layer up \(class Conv2DTranspose\)/);
    qat.dispose();
  });

  it('bad configs fail with a one-line UsageError', () => {
    expect(() => new QuantizationConfig({ bits: 1 })).toThrow(/bits must be an integer in \[2, 8\], got 1/);
    expect(() => new QuantizationConfig({ bits: 9 })).toThrow(UsageError);
    expect(() => new QuantizationConfig({ bits: 4.5 })).toThrow(/got 4.5/);
    expect(() => new QuantizationConfig({ bits: 4, activations: true, activationBits: 12 })).toThrow(/activationBits must be an integer/);
    expect(() => new QuantizationConfig({ bits: 4, range: 'p99' as 'mse' })).toThrow(/range must be one of mse, minmax|range must be one of minmax, mse/);
  });

  it('the config round-trips through getConfig/fromConfig and through JSON text (toJSON → fromJson)', () => {
    const config = new QuantizationConfig({ bits: 3, perChannel: true, symmetric: false, range: 'minmax', activations: true, activationBits: 6, emaDecay: 0.9, layers: ['fc1'] });
    const back = QuantizationConfig.fromConfig(QuantizationConfig, config.getConfig());
    expect(back.getConfig()).toEqual(config.getConfig());
    const json = JSON.parse(JSON.stringify(config));
    expect(json.className).toBe('SmallnetsQuantizationConfig');
    const read = fromJson(json, QuantizationConfig);
    expect(read).toBeInstanceOf(QuantizationConfig);
    expect(read.getConfig()).toEqual(config.getConfig());
  });

  it('fine-tuning moves the float kernels (straight-through gradients reach them)', async () => {
    const model = tinyModel();
    const qat = await quantizeAware(model, { bits: 3 });
    const before = kernelOf(qat, 'fc1').dataSync().slice();
    trainModel(qat, digits, { epochs: 1, batchSize: 16, learningRate: 1e-2, progress: false });
    const after = kernelOf(qat, 'fc1').dataSync();
    expect(after.some((v, i) => v !== before[i])).toBe(true);
    expect(after.every(Number.isFinite)).toBe(true);
    qat.dispose();
  });
});

describe('sparsity-preserving QAT', () => {
  it('pruned zeros stay exactly zero through fine-tuning (and drift away without the option)', async () => {
    const model = tinyModel();
    const fc1 = model.getLayer('fc1');
    const [kernel, bias] = fc1.getWeights() as [tf.Tensor, tf.Tensor];
    const values = kernel.dataSync().slice();
    for (let i = 0; i < values.length; i += 3) values[i] = 0; // every output unit keeps live weights
    fc1.setWeights([tf.tensor(values, kernel.shape), bias]);
    const zerosAfter = async (preserveSparsity: boolean) => {
      const qat = await quantizeAware(model, { bits: 8, preserveSparsity });
      trainModel(qat, digits, { epochs: 1, batchSize: 16, learningRate: 1e-2, progress: false });
      const { model: stripped } = await stripQuantization(qat);
      const after = kernelOf(stripped, 'fc1').dataSync();
      qat.dispose();
      stripped.dispose();
      return values.filter((v, i) => v === 0 && after[i] === 0).length;
    };
    const pruned = values.filter((v) => v === 0).length;
    expect(await zerosAfter(true)).toBe(pruned);
    expect(await zerosAfter(false)).toBeLessThan(pruned);
  });
});

describe('stripQuantization', () => {
  for (const perChannel of [false, true]) {
    it(`bakes grid values that the stripped model computes exactly like the wrapped one (perChannel=${perChannel})`, async () => {
      const qat = await quantizeAware(tinyModel(), { bits: 3, perChannel });
      const wrappedOut = outputs(qat, digits);
      const { model, report: { weights } } = await stripQuantization(qat);
      expect(outputs(model, digits)).toEqual(wrappedOut);
      expect(model.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'Conv2D', 'DepthwiseConv2D', 'BatchNormalization', 'Flatten', 'Dense', 'Dense']);
      const distinct = distinctValuesPerLayer(model);
      for (const w of weights) {
        const channels = w.shape[w.shape.length - 1]!;
        expect(w.scales.length).toBe(perChannel ? channels : 1);
        expect(w.zeroPoints.every((z) => z === 4)).toBe(true); // symmetric 3-bit: zero at code 4
        // Codes decode (with the .snn formula) to exactly the stored kernel.
        const kernel = kernelOf(model, w.layer).dataSync();
        w.codes.forEach((q, i) => {
          const c = perChannel ? i % channels : 0;
          expect(dequantizeAffine(q, w.scales[c]!, w.zeroPoints[c]!)).toBe(kernel[i]);
        });
        expect(distinct[w.layer]!).toBeLessThanOrEqual(perChannel ? 7 * channels : 7);
      }
      expect(distinct['fc1']!).toBeLessThanOrEqual(perChannel ? 7 * 16 : 7);
      qat.dispose();
      model.dispose();
    });
  }

  it('strip → save → load round trip: stock layers only, same outputs, grids in userDefinedMetadata', async () => {
    const qat = await quantizeAware(tinyModel(), { bits: 5, perChannel: true });
    const { model, report: { weights } } = await stripQuantization(qat);
    const out = path.join(dir, 'stripped');
    await saveModel(model, out);
    const json = await readFile(path.join(out, 'model.json'), 'utf8');
    expect(json).not.toMatch(/Smallnets/);
    const loaded = await loadModel(out);
    expect(outputs(loaded, digits)).toEqual(outputs(model, digits));
    const metadata = readQuantizationMetadata(loaded)!;
    expect(metadata.weights.map((w) => w.weight)).toEqual(weights.map((w) => w.weight));
    expect(metadata.weights[2]!.scales).toEqual(Array.from(weights[2]!.scales));
    for (const w of loaded.weights) expect(w.originalName).toMatch(/^(conv|dw|bn|fc1|fc2)\//);
    for (const m of [qat, model, loaded]) m.dispose();
  });

  it('a quantization-aware model itself saves and loads (registered wrapper), computing the same outputs', async () => {
    const qat = await quantizeAware(tinyModel(), { bits: 4, activations: true });
    trainModel(qat, digits, { epochs: 1, batchSize: 32, learningRate: 1e-3, progress: false });
    const out = path.join(dir, 'qat');
    await saveModel(qat, out);
    const loaded = await loadModel(out);
    expect(quantizeWrappers(loaded).map((w) => w.name)).toEqual(['conv', 'dw', 'fc1', 'fc2']);
    expect(outputs(loaded, digits)).toEqual(outputs(qat, digits));
    qat.dispose();
    loaded.dispose();
  });

  it('a model without wrappers is refused', async () => {
    await expect(stripQuantization(tinyModel())).rejects.toThrow(/no quantization wrappers/);
  });
});

describe('activation fake-quantization', () => {
  it('tracks the output range of the first training batch, freezes it outside training, and strip records it', async () => {
    const qat = await quantizeAware(tinyModel(), { bits: 8, activations: true, activationBits: 4, emaDecay: 0.5 });
    const [conv, , , fc2] = quantizeWrappers(qat);
    expect(conv!.activationRange()).toBeNull();
    const xs = tf.tensor4d(digits.images, [64, 28, 28, 1]);
    const probe = tfl.model({ inputs: qat.inputs, outputs: conv!.output as tfl.SymbolicTensor });
    const floatOut = (probe.predict(xs) as tf.Tensor).dataSync(); // range still unset: float output
    const max = Array.from(floatOut as Float32Array).reduce((m, v) => Math.max(m, v), 0);
    tf.tidy(() => qat.apply(xs, { training: true }) as tf.Tensor);
    expect(conv!.activationRange()!.max).toBeCloseTo(max, 5);
    // Inference does not move it; a second training batch moves it halfway (EMA decay 0.5).
    tf.tidy(() => qat.predict(tf.mul(xs, 3)) as tf.Tensor);
    expect(conv!.activationRange()!.max).toBeCloseTo(max, 5);
    tf.tidy(() => qat.apply(tf.mul(xs, 3), { training: true }) as tf.Tensor);
    expect(conv!.activationRange()!.max).toBeGreaterThan(max * 1.5);
    // The quantized output takes at most 16 values; the softmax output is left in float.
    const quantizedOut = (probe.predict(xs) as tf.Tensor).dataSync();
    expect(new Set(quantizedOut).size).toBeLessThanOrEqual(16);
    expect(fc2!.quantizesOutput).toBe(false);
    const { report: { activations } } = await stripQuantization(qat);
    expect(activations.map((a) => a.layer)).toEqual(['conv', 'dw', 'fc1']);
    expect(activations[0]!.bits).toBe(4);
    expect(activations[0]!.max).toBeCloseTo(conv!.activationRange()!.max, 6);
    xs.dispose();
    qat.dispose();
  });
});
