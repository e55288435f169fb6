import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../engine/backend.js';
import { loadMnist } from '../data/mnist.js';
import { head } from '../data/split.js';
import { trainModel } from '../training/train.js';
import { loadModel, saveModel } from '../models/io.js';
import { tinyConvNet } from '../restructure/models.test-util.js';
import { runCli } from './run-cli.test-util.js';

let dir: string;
let tiny: string;

beforeAll(async () => {
  // The CLI runs below use wasm (several times faster than cpu for convs); so does the teacher's training.
  await initBackend('wasm');
  dir = await mkdtemp(path.join(os.tmpdir(), 'smallnets-restructure-'));
  tiny = path.join(dir, 'tiny');
  const teacher = tinyConvNet(1);
  trainModel(teacher, head(loadMnist().train, 1024), { epochs: 2, learningRate: 3e-3, progress: false });
  await saveModel(teacher, tiny);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function lastJson(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

describe('smallnets restructure', () => {
  it('--separable all: distills, saves, prints the per-layer table and the JSON result', async () => {
    const out = path.join(dir, 'sep');
    const { code, stdout, stderr } = await runCli([
      'restructure', '--model', tiny, '--separable', 'all', '--epochs', '1', '--train-images', '1024', '--lr', '0.005', '--out', out, '--json', '--backend', 'wasm',
    ]);
    expect(code, stderr).toBe(0);
    const result = lastJson(stdout);
    expect(Object.keys(result)).toEqual(['command', 'paramsBefore', 'paramsAfter', 'macsBefore', 'macsAfter', 'testAccuracyBefore', 'testAccuracyAfter', 'data', 'out']);
    // conv1 5·5·1·4+4 = 104 stays (one input channel); conv2 5·5·4·8+8 = 808 → 100 + 32 + 8; fc 128·10+10 = 1290.
    expect(result).toMatchObject({ command: 'restructure', paramsBefore: 104 + 808 + 1290, paramsAfter: 104 + 140 + 1290, out });
    expect(result['macsAfter']).toBeLessThan(result['macsBefore'] as number);
    expect(result['testAccuracyBefore']).toBeGreaterThan(0.6); // the briefly trained teacher
    expect(result['testAccuracyAfter']).toBeGreaterThan(0.25); // one short epoch: well above chance (10%)
    expect(stderr).toContain('conv2_dw + conv2_pw');
    expect(stderr).toMatch(/total/);
    // conv1 reads one channel: made separable its depthwise stage would be a single filter, so `all` keeps it, and says so.
    expect(stderr).toMatch(/note: conv1 reads one input channel, so it stays a full convolution .*name it in --separable .*--depth-multiplier 2/);
    expect(stderr).not.toMatch(/note: conv2/);
    const saved = await loadModel(out);
    expect(saved.layers.map((l) => l.name)).toEqual(['conv1', 'pool1', 'conv2_dw', 'conv2_pw', 'pool2', 'flatten', 'fc']);
  });

  it('--depth-multiplier 2 gives conv1 two filters per channel and no single-filter note', async () => {
    const { code, stdout, stderr } = await runCli(['restructure', '--model', tiny, '--separable', 'conv1', '--depth-multiplier', '2', '--epochs', '0', '--out', path.join(dir, 'dm2'), '--json', '--backend', 'wasm']);
    expect(code, stderr).toBe(0);
    expect(stderr).not.toMatch(/note: conv1_dw/);
    // conv1 5·5·1·4+4 = 104 → depthwise 5·5·1·2 = 50, pointwise 2·4+4 = 12.
    expect(lastJson(stdout)['paramsAfter']).toBe(50 + 12 + 808 + 1290);
  });

  it('--factorize and --width with --epochs 0 restructure without training', async () => {
    const out = path.join(dir, 'fac');
    const { code, stdout } = await runCli(['restructure', '--model', tiny, '--factorize', 'conv2', '--width', '0.5', '--epochs', '0', '--out', out, '--json', '--backend', 'wasm']);
    expect(code).toBe(0);
    const result = lastJson(stdout);
    expect(result['paramsAfter']).toBe((await loadModel(out)).countParams());
    expect(result['testAccuracyAfter']).toEqual(expect.any(Number));
  });

  it('non-MNIST models restructure with --epochs 0 only (accuracies null)', async () => {
    const model = tfl.sequential({ layers: [tfl.layers.conv2d({ inputShape: [16, 16, 3], filters: 4, kernelSize: 5, name: 'c' }), tfl.layers.flatten({}), tfl.layers.dense({ units: 3 })] });
    const rgb = path.join(dir, 'rgb');
    await saveModel(model, rgb);
    const refused = await runCli(['restructure', '--model', rgb, '--separable', 'all', '--out', path.join(dir, 'rgb-out'), '--backend', 'wasm']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/distillation needs training data: give --data, or set --epochs to 0/);
    expect(existsSync(path.join(dir, 'rgb-out'))).toBe(false);
    const { code, stdout } = await runCli(['restructure', '--model', rgb, '--separable', 'all', '--epochs', '0', '--out', path.join(dir, 'rgb-out'), '--json', '--backend', 'wasm']);
    expect(code).toBe(0);
    expect(lastJson(stdout)).toMatchObject({ testAccuracyBefore: null, testAccuracyAfter: null });
  });

  it('bad requests fail with one line and write nothing', async () => {
    const out = path.join(dir, 'never');
    const cases: Array<[string[], number, RegExp]> = [
      [['--model', tiny], 2, /nothing to do: give --separable, --factorize and\/or --width/],
      [['--model', tiny, '--separable', 'conv7'], 2, /no layer named 'conv7' \(eligible: conv1, conv2\)/],
      [['--model', tiny, '--separable', 'conv1,conv2', '--factorize', 'conv1'], 2, /layer conv1 selected for both/],
      [['--model', tiny, '--width', '2'], 2, /--width must be in \(0, 1\], got "2"/],
      [['--model', tiny, '--separable', 'conv1,'], 2, /--separable must be 'all' or comma-separated layer names/],
      [['--model', tiny, '--factorize', 'all', '--intermediate', 'lots'], 2, /--intermediate must be min, output, input or a positive integer/],
      [['--model', path.join(dir, 'missing'), '--separable', 'all'], 1, /model .*missing does not exist/],
    ];
    for (const [args, exitCode, message] of cases) {
      const { code, stdout, stderr } = await runCli(['restructure', ...args, '--out', out, '--backend', 'wasm']);
      expect(code, stderr).toBe(exitCode);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(message);
      expect(stdout).toBe('');
      expect(existsSync(out)).toBe(false);
    }
  });
});
