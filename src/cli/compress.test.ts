import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../engine/backend.js';
import { lenet300 } from '../models/lenet.js';
import { saveModel } from '../models/io.js';
import { loadSnnModel } from '../models/snn-model.js';
import { runCli } from './run-cli.test-util.js';

let dir: string;
let modelDir: string;

describe('smallnets compress', () => {
  beforeAll(async () => {
    await initBackend('wasm');
    dir = await mkdtemp(path.join(os.tmpdir(), 'smallnets-compress-'));
    modelDir = path.join(dir, 'lenet300');
    await saveModel(lenet300(1), modelDir);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('data-free default recipe: ≥ 50× smaller, says it is data-free, file decodes to the compressed model', async () => {
    const out = path.join(dir, 'l300.snn');
    const r = await runCli(['compress', '--model', modelDir, '--data', 'none', '--out', out, '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/data-free/);
    const result = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(result).toMatchObject({ command: 'compress', bytesOriginal: 266_610 * 4, testAccuracyBefore: null, testAccuracyAfter: null, out });
    expect(result.ratio).toBeGreaterThan(50);
    const stageBytes = result.stages.map((s: { bytes: number }) => s.bytes) as number[];
    expect(stageBytes[0]).toBeGreaterThan(stageBytes[1]!); // pruning shrinks fp32
    expect(stageBytes[1]).toBeGreaterThan(stageBytes[2]!); // shared weights shrink it again
    expect(stageBytes[2]).toBeGreaterThanOrEqual(stageBytes[3]!); // Huffman never grows it
    expect(stageBytes[4]).toBe(result.bytesCompressed);
    const model = await loadSnnModel(out);
    const kernel = model.getLayer('fc1').getWeights()[0]!.dataSync();
    expect(new Set(kernel).size).toBeLessThanOrEqual(8 + 1); // dense:8 shared values and the pruned zeros
    const zeros = Array.from(kernel).filter((v) => v === 0).length;
    expect(zeros / kernel.length).toBeGreaterThan(0.9);
    const y = model.predict(tf.zeros([1, 28, 28, 1])) as tf.Tensor;
    expect(y.shape).toEqual([1, 10]);
  });

  it('bad flags are usage errors (exit 2) and nothing is written', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--prune', '1'], /--prune must be in \[0, 1\)/],
      [['--bits', '9'], /--bits must be an integer in \[2, 8\]/],
      [['--bits', '4', '--clusters', '16'], /either --clusters or --bits/],
      [['--clusters', 'conv:1'], /must be an integer in \[2/],
    ];
    for (const [flags, message] of cases) {
      const out = path.join(dir, 'never.snn');
      const r = await runCli(['compress', '--model', modelDir, '--out', out, '--data', 'none', ...flags]);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect((await readdir(dir)).filter((n) => n.startsWith('never'))).toEqual([]);
  });

  it('--data names a folder when it is not a keyword: a missing one is a runtime error naming it', async () => {
    const r = await runCli(['compress', '--model', modelDir, '--out', path.join(dir, 'never.snn'), '--data', path.join(dir, 'imagenet')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot read data folder .*imagenet: no such directory/);
  });

  it('an existing --out needs --force; a missing model is a runtime error', async () => {
    const out = path.join(dir, 'exists.snn');
    await writeFile(out, 'x');
    expect((await runCli(['compress', '--model', modelDir, '--data', 'none', '--out', out])).code).toBe(2);
    expect((await runCli(['compress', '--model', path.join(dir, 'nope'), '--data', 'none', '--out', path.join(dir, 'n.snn')])).code).toBe(1);
  });
});
