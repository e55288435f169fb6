import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { loadMnist } from '../data/mnist.js';
import { head, type Split } from '../data/split.js';
import { lenet300 } from '../models/lenet.js';
import { trainModel } from '../training/train.js';
import { evaluateAccuracy } from '../training/evaluate.js';
import { exportOnnx } from './onnx.js';
import { evaluateOnnx, onnxModelInfo, runOnnx } from './onnx-run.js';

describe('running and evaluating .onnx files', () => {
  let model: tfl.LayersModel;
  let test: Split;
  let dir: string;
  let expected: number;

  beforeAll(async () => {
    // Train on wasm (8× faster than cpu here), then compare on the cpu reference backend.
    await initBackend('wasm');
    const mnist = loadMnist();
    model = lenet300(5);
    trainModel(model, head(mnist.train, 1024), { epochs: 1, batchSize: 64, progress: false, seed: 5 });
    await initBackend('cpu');
    test = head(mnist.test, 600);
    expected = evaluateAccuracy(model, test);
    dir = await mkdtemp(path.join(tmpdir(), 'smallnets-onnx-run-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('evaluateOnnx gives the TF.js accuracy of a trained LeNet-300-100, in batches of any size', async () => {
    const bytes = exportOnnx(model);
    expect(expected).toBeGreaterThan(0.5); // trained, so agreement is not trivial
    const accuracy = await evaluateOnnx(bytes, test);
    // Identical up to an argmax tie flipped by float rounding.
    expect(Math.abs(accuracy - expected)).toBeLessThanOrEqual(1 / test.count);
    expect(await evaluateOnnx(bytes, test, 64)).toBe(accuracy);
  });

  it('onnxModelInfo reads the declared input, output and parameter count', () => {
    const info = onnxModelInfo(exportOnnx(model));
    expect(info).toEqual({ inputName: 'flatten_input', inputShape: [null, 28, 28, 1], outputName: 'fc3', params: 266_610 });
  });

  it('runOnnx returns the first output with its shape', async () => {
    const out = await runOnnx(exportOnnx(model), new Float32Array(2 * 784), [2, 28, 28, 1]);
    expect(out.shape).toEqual([2, 10]);
    expect(out.data[0]! + out.data[1]! + out.data.slice(2, 10).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it('a fixed-batch model (batch 7) is fed zero-padded batches and scores like its dynamic twin', async () => {
    const build = (batchInputShape: (number | null)[]) =>
      tfl.sequential({
        layers: [tfl.layers.flatten({ batchInputShape, name: 'flat' }), tfl.layers.dense({ units: 10, activation: 'softmax', name: 'out' })],
      });
    const fixed = build([7, 28, 28, 1]);
    const dynamic = build([null, 28, 28, 1]);
    dynamic.setWeights(fixed.getWeights());
    const fixedBytes = exportOnnx(fixed);
    expect(onnxModelInfo(fixedBytes).inputShape).toEqual([7, 28, 28, 1]);
    const subset = head(test, 45); // 6 full batches + 3
    expect(await evaluateOnnx(fixedBytes, subset)).toBe(await evaluateOnnx(exportOnnx(dynamic), subset));
  });

  it('a model that does not take 28×28 digits is refused with its input shape', async () => {
    const small = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [5], units: 2, name: 'd' })] });
    await expect(evaluateOnnx(exportOnnx(small), test)).rejects.toThrow(/takes input \[\?, 5\], not 28×28×1 images/);
  });
});
