import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../engine/backend.js';
import { loadMnist } from '../data/mnist.js';
import { head } from '../data/split.js';
import { imagenetClasses } from '../models/imagenet.js';
import { saveModel } from '../models/io.js';
import { encodeModel } from '../models/snn-model.js';
import { tinyConvNet } from '../restructure/models.test-util.js';
import { pattern, pngHeaderOnly, rawPng, rgbJpeg, rgbaPng } from '../data/image-fixtures.test-util.js';
import { runCli } from './run-cli.test-util.js';

let dir: string;
let modelDir: string;
let digitPng: string;
let digitPixels: Uint8Array;
const files: Record<string, string> = {};

interface PredictResult {
  command: string;
  predictions: Array<{ image: string; top: Array<{ index: number; label: string; probability: number }> }>;
}

beforeAll(async () => {
  await initBackend('cpu');
  dir = await mkdtemp(path.join(os.tmpdir(), 'smallnets-predict-'));
  modelDir = path.join(dir, 'tiny');
  await saveModel(tinyConvNet(2), modelDir);
  const digit = head(loadMnist().test, 1).images;
  digitPixels = Uint8Array.from(digit, (v) => Math.round(v * 255));
  digitPng = path.join(dir, 'digit.png');
  await writeFile(digitPng, rawPng(28, 28, 0, digitPixels));
  const write = async (name: string, bytes: Uint8Array | string) => {
    files[name] = path.join(dir, name);
    await writeFile(files[name]!, bytes);
  };
  await write('photo.jpg', rgbJpeg(40, 30, pattern(40, 30, 3)));
  await write('rgba.png', rgbaPng(20, 20, pattern(20, 20, 4)));
  await write('notes.txt', 'not an image at all');
  await write('empty.png', pngHeaderOnly(0, 0));
  await write('bomb.png', pngHeaderOnly(60_000, 60_000));
  const jpg = rgbJpeg(32, 32, pattern(32, 32, 3));
  await write('cut.jpg', jpg.subarray(0, Math.floor(jpg.length / 2)));
  await write('labels.txt', 'zero\none\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\n');
  await write('nine-labels.json', JSON.stringify(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function parse(stdout: string): PredictResult {
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as PredictResult;
}

describe('smallnets predict', () => {
  it('a gray digit PNG through a saved 28×28×1 model: the same answer as the model on the [0, 1] pixels', async () => {
    const { code, stdout, stderr } = await runCli(['predict', digitPng, '--model', modelDir, '--json', '--backend', 'cpu']);
    expect(code, stderr).toBe(0);
    const result = parse(stdout);
    expect(result.command).toBe('predict');
    expect(result.predictions).toHaveLength(1);
    const { image, top } = result.predictions[0]!;
    expect(image).toBe(digitPng);
    expect(top).toHaveLength(5);
    const { layers: model } = await import('./predict.js').then((m) => m.resolvePredictModel(modelDir));
    const expected = tf.tidy(() => (model.predict(tf.tensor4d(Float32Array.from(digitPixels, (v) => v / 255), [1, 28, 28, 1])) as tf.Tensor).dataSync());
    const best = expected.indexOf(Math.max(...expected));
    expect(top[0]).toEqual({ index: best, label: String(best), probability: expect.closeTo(expected[best]!, 6) });
    for (let i = 1; i < top.length; i++) expect(top[i]!.probability).toBeLessThanOrEqual(top[i - 1]!.probability);
    expect(stderr).toContain('digit.png');
  });

  it('several images, colour ones converted to luminance and resized; --labels and --top', async () => {
    const { code, stdout } = await runCli([
      'predict', files['photo.jpg']!, files['rgba.png']!, digitPng, '--model', path.join(modelDir, 'model.json'),
      '--labels', files['labels.txt']!, '--top', '3', '--json', '--backend', 'cpu',
    ]);
    expect(code).toBe(0);
    const result = parse(stdout);
    expect(result.predictions.map((p) => p.image)).toEqual([files['photo.jpg'], files['rgba.png'], digitPng]);
    const names = (await readFile(files['labels.txt']!, 'utf8')).trim().split('\n');
    for (const p of result.predictions) {
      expect(p.top).toHaveLength(3);
      for (const t of p.top) expect(t.label).toBe(names[t.index]);
    }
  });

  it('a .snn model (via openLayersModel) predicts exactly like the same model saved as TF.js files', async () => {
    const snn = path.join(dir, 'tiny.snn');
    await writeFile(snn, (await encodeModel(tinyConvNet(2))).bytes);
    const fromSnn = await runCli(['predict', digitPng, files['photo.jpg']!, '--model', snn, '--json', '--backend', 'cpu', '--engine', 'tfjs']);
    const fromDir = await runCli(['predict', digitPng, files['photo.jpg']!, '--model', modelDir, '--json', '--backend', 'cpu']);
    expect(fromSnn.code, fromSnn.stderr).toBe(0);
    expect(parse(fromSnn.stdout)).toEqual(parse(fromDir.stdout));
    // The default engine for .snn is the smallnets runtime: same classes, probabilities within float rounding.
    const fromRuntime = parse((await runCli(['predict', digitPng, files['photo.jpg']!, '--model', snn, '--json', '--backend', 'cpu'])).stdout);
    const expected = parse(fromDir.stdout);
    fromRuntime.predictions.forEach((p, i) => {
      expect(p.top.map((t) => t.index)).toEqual(expected.predictions[i]!.top.map((t) => t.index));
      p.top.forEach((t, j) => expect(t.probability).toBeCloseTo(expected.predictions[i]!.top[j]!.probability, 5));
    });
  });

  it('a zoo spec with 1000 classes gets ImageNet names', async () => {
    const { code, stdout, stderr } = await runCli(['predict', files['photo.jpg']!, '--model', 'mobilenet_v1:0.25:128', '--top', '2', '--json', '--backend', 'cpu']);
    expect(code, stderr).toBe(0);
    const top = parse(stdout).predictions[0]!.top;
    expect(top).toHaveLength(2);
    for (const t of top) expect(t.label).toBe(imagenetClasses()[t.index]);
    expect(stderr).toMatch(/freshly initialized weights/);
  });

  it('bad images, models and flags: one line, the right exit code, nothing on stdout', async () => {
    const mismatched = path.join(dir, 'mismatched');
    await saveModel(tinyConvNet(2), mismatched);
    const json = JSON.parse(await readFile(path.join(mismatched, 'model.json'), 'utf8'));
    json.weightsManifest[0].weights[0].shape = [5, 5, 4, 1]; // same bytes, wrong shape for conv1
    await writeFile(path.join(mismatched, 'model.json'), JSON.stringify(json));
    const noShard = path.join(dir, 'no-shard');
    await saveModel(tinyConvNet(2), noShard);
    await rm(path.join(noShard, 'weights.bin'));

    const cases: Array<[string[], number, RegExp]> = [
      [[files['notes.txt']!, '--model', modelDir], 1, /notes\.txt is not a PNG or JPEG image/],
      [[files['empty.png']!, '--model', modelDir], 1, /empty\.png is an empty 0×0 image/],
      [[files['bomb.png']!, '--model', modelDir], 1, /bomb\.png is 60000×60000 = 3600\.0 megapixels, over the 50-megapixel limit/],
      [[files['cut.jpg']!, '--model', modelDir], 1, /cut\.jpg is a truncated JPEG/],
      [[path.join(dir, 'absent.png'), '--model', modelDir], 1, /cannot read image .*absent\.png: no such file/],
      [[digitPng, '--model', noShard], 1, /cannot read weight shard .*weights\.bin: no such file/],
      [[digitPng, '--model', mismatched], 1, /mismatched\/model\.json: layer conv1 \(Conv2D\) weight kernel is \[5, 5, 1, 4\] in the topology but \[5, 5, 4, 1\] in the weights manifest/],
      [[digitPng, '--model', 'mobilenet_v1:0.3'], 2, /mobilenet_v1 alpha/],
      [[digitPng, '--model', 'resnet50'], 2, /unknown model 'resnet50'/],
      [[digitPng, '--model', modelDir, '--labels', files['nine-labels.json']!], 2, /has 9 names but the model has 10 classes/],
      [[digitPng, '--model', modelDir, '--top', '0'], 2, /--top must be a positive integer/],
      [[digitPng, '--model', modelDir, '--preprocess', 'caffe'], 2, /'caffe' preprocessing needs 3 \(RGB\) channels, got 1/],
    ];
    for (const [args, exitCode, message] of cases) {
      const { code, stdout, stderr } = await runCli(['predict', ...args, '--backend', 'cpu']);
      expect(code, `${args.join(' ')}: ${stderr}`).toBe(exitCode);
      expect(stderr).toMatch(message);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stdout).toBe('');
    }
  });
});

describe('the shipped digits (examples/digits)', () => {
  const digitsDir = new URL('../../examples/digits/', import.meta.url).pathname;

  it('are real MNIST test digits, white on black, and a trained LeNet reads them — also inverted (black on white)', async () => {
    const trained = path.join(dir, 'lenet300');
    expect((await runCli(['train', 'lenet300', '--epochs', '2', '--out', trained])).code).toBe(0);
    const paths = Array.from({ length: 10 }, (_, d) => path.join(digitsDir, `${d}.png`));
    const inverted: string[] = [];
    for (const [d, file] of paths.entries()) {
      const { PNG } = await import('pngjs');
      const png = PNG.sync.read(await readFile(file));
      expect([png.width, png.height]).toEqual([28, 28]);
      const gray = Uint8Array.from({ length: 28 * 28 }, (_, i) => png.data[i * 4]!);
      expect(gray[0]).toBe(0); // black background, as in MNIST
      inverted.push(path.join(dir, `inverted-${d}.png`));
      await writeFile(inverted[d]!, rawPng(28, 28, 0, gray.map((v) => 255 - v)));
    }
    const asShipped = await runCli(['predict', ...paths, '--model', trained, '--top', '1', '--json']);
    expect(asShipped.code, asShipped.stderr).toBe(0);
    const best = parse(asShipped.stdout).predictions.map((p) => p.top[0]!.index);
    expect(best.filter((b, d) => b === d).length).toBeGreaterThanOrEqual(9);
    expect(asShipped.stderr).not.toMatch(/inverted/);
    const flipped = await runCli(['predict', ...inverted, '--model', trained, '--top', '1', '--json']);
    expect(flipped.code, flipped.stderr).toBe(0);
    expect(parse(flipped.stdout).predictions.map((p) => p.top[0]!.index)).toEqual(best);
    expect(flipped.stderr).toMatch(/inverted-7\.png has a light background; inverted to white-on-black/);
  }, 240_000);
});
