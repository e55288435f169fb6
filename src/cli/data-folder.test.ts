/**
 * `--data DIR` end to end on real digits: a folder with one subfolder per class, made from MNIST
 * digits written as PNG files, gives `train` and `compress` the same accuracy as the same digits
 * from the built-in loader (the PNGs round pixels to 1/255, which must not matter).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { encodePng } from '../data/image.js';
import { loadMnist } from '../data/mnist.js';
import { permutation } from '../random.js';
import { subset, type Split } from '../data/split.js';
import { loadModel } from '../models/io.js';
import { lenet300 } from '../models/lenet.js';
import { compress, DEFAULT_RECIPE } from '../pipeline/compress.js';
import { fitAndEvaluate } from '../training/fit.js';
import { runCli } from './run-cli.test-util.js';

const DIGITS = 1500;
const SEED = 1;
let dir: string;
let folder: string;
/** The same digits as the folder holds, in the folder's order (class, then file name), from loadMnist. */
let builtIn: { train: Split; test: Split };

beforeAll(async () => {
  await initBackend('wasm');
  dir = await mkdtemp(path.join(os.tmpdir(), 'smallnets-data-folder-'));
  folder = path.join(dir, 'digits');
  const { train } = loadMnist();
  const byClass: number[][] = Array.from({ length: 10 }, () => []);
  for (let i = 0; i < DIGITS; i++) byClass[train.labels[i]!]!.push(i);
  for (const [label, indices] of byClass.entries()) {
    await mkdir(path.join(folder, String(label)), { recursive: true });
    for (const i of indices) {
      const data = Uint8Array.from(train.images.subarray(i * 784, (i + 1) * 784), (v) => Math.round(v * 255));
      await writeFile(path.join(folder, String(label), `${String(i).padStart(5, '0')}.png`), encodePng({ width: 28, height: 28, channels: 1, data }));
    }
  }
  // Keras' split, as the folder loader makes it: a seeded shuffle, the last 20% for validation.
  const all = subset(train, byClass.flat());
  const order = permutation(DIGITS, SEED);
  const validation = Math.floor(0.2 * DIGITS);
  builtIn = { train: subset(all, order.subarray(0, DIGITS - validation)), test: subset(all, order.subarray(DIGITS - validation)) };
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function lastJson(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

describe('--data DIR: an image folder of real MNIST digits', () => {
  it('train and compress reach the accuracy the built-in loader gives on the same digits', async () => {
    const out = path.join(dir, 'lenet300');
    const trained = await runCli(['train', 'lenet300', '--data', folder, '--epochs', '2', '--threads', '1', '--out', out, '--json']);
    expect(trained.code, trained.stderr).toBe(0);
    const fromFolder = lastJson(trained.stdout);
    expect(fromFolder['data']).toEqual({ source: folder, evaluatedOn: 'validation', train: 1200, test: 300, classes: 10 });

    const reference = lenet300(SEED);
    const { testAccuracy } = await fitAndEvaluate(reference, builtIn, {
      epochs: 2, batchSize: 64, learningRate: 3e-3, augment: { maxShift: 1 }, schedule: 'cosine', seed: SEED, threads: 1, progress: false,
    });
    expect(fromFolder['testAccuracy']).toBeGreaterThan(0.8);
    expect(Math.abs((fromFolder['testAccuracy'] as number) - testAccuracy!)).toBeLessThanOrEqual(0.01);

    const snn = path.join(dir, 'lenet300.snn');
    const compressed = await runCli(['compress', '--model', out, '--data', folder, '--epochs', '1', '--fine-tune-epochs', '1', '--out', snn, '--json']);
    expect(compressed.code, compressed.stderr).toBe(0);
    const folderResult = lastJson(compressed.stdout);
    const referenceResult = await compress(await loadModel(out), { ...DEFAULT_RECIPE, pruneEpochs: 1, fineTuneEpochs: 1, progress: false }, builtIn);
    expect(folderResult['testAccuracyBefore']).toBe(fromFolder['testAccuracy']);
    expect(Math.abs((folderResult['testAccuracyAfter'] as number) - referenceResult.testAccuracyAfter!)).toBeLessThanOrEqual(0.01);
    expect(folderResult['testAccuracyAfter']).toBeGreaterThan(0.75);
  });

  it('a folder with other classes than the model outputs, or a model that is not an image model, is refused naming the problem', async () => {
    const evaluated = await runCli(['evaluate', path.join(dir, 'lenet300'), '--data', folder, '--validation-split', '0.5', '--json']);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(lastJson(evaluated.stdout)['data']).toMatchObject({ evaluatedOn: 'validation', test: 750 });
    const bad = await runCli(['prune', '--model', path.join(dir, 'lenet300'), '--sparsity', '0.5', '--data', path.join(dir, 'nothing-here')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/cannot read data folder .*nothing-here: no such directory/);
    const split = await runCli(['prune', '--model', path.join(dir, 'lenet300'), '--sparsity', '0.5', '--data', folder, '--validation-split', '1']);
    expect(split.code).toBe(2);
    expect(split.stderr).toMatch(/--validation-split must be in \[0, 1\)/);
  });
});
