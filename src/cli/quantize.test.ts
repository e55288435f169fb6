import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { lenet300 } from '../models/lenet.js';
import { loadModel, saveModel } from '../models/io.js';
import { readQuantizationMetadata } from '../quantization/records.js';
import { runCli } from './run-cli.test-util.js';

let dir: string;
let modelDir: string;

beforeAll(async () => {
  await initBackend('cpu');
  dir = await mkdtemp(path.join(tmpdir(), 'smallnets-quantize-cli-'));
  modelDir = path.join(dir, 'lenet300');
  await saveModel(lenet300(1), modelDir);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('smallnets quantize: bad flags exit 2 with one line, before any work', () => {
  const out = () => path.join(dir, 'never');
  const cases: Array<[string, () => string[], RegExp]> = [
    ['bits 1', () => ['--bits', '1'], /--bits must be an integer in \[2, 8\], got "1"/],
    ['bits 9', () => ['--bits', '9'], /--bits must be an integer in \[2, 8\], got "9"/],
    ['bits 2.5', () => ['--bits', '2.5'], /got "2.5"/],
    ['bits abc', () => ['--bits', 'abc'], /got "abc"/],
    ['activation bits 12', () => ['--bits', '4', '--activations', '--activation-bits', '12'], /--activation-bits must be an integer in \[2, 8\], got "12"/],
    ['epochs with --ptq', () => ['--bits', '4', '--ptq', '--epochs', '2'], /--epochs and --lr do not apply with --ptq/],
    ['unknown range', () => ['--bits', '4', '--range', 'p99'], /--range must be one of minmax, mse, got "p99"/],
  ];
  for (const [name, args, message] of cases) {
    it(name, async () => {
      const { code, stderr, stdout } = await runCli(['quantize', '--model', modelDir, ...args(), '--out', out(), '--backend', 'cpu']);
      expect(code).toBe(2);
      expect(stderr.trim().split('\n').filter((l) => !l.startsWith('(add --help')).length).toBe(1);
      expect(stderr).toMatch(message);
      expect(stdout).toBe('');
      await expect(readdir(out())).rejects.toThrow();
    });
  }
});

describe('smallnets quantize --ptq', () => {
  it('quantizes, saves a loadable model and prints the JSON result line', async () => {
    const out = path.join(dir, 'q4');
    const { code, stdout } = await runCli(['quantize', '--model', modelDir, '--bits', '4', '--ptq', '--per-channel', '--out', out, '--json']);
    expect(code).toBe(0);
    const result = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(result).toMatchObject({ command: 'quantize', bits: 4, perChannel: true, ptq: true, epochs: 0, out });
    expect(result.testAccuracyBefore).toBeGreaterThanOrEqual(0);
    expect(result.testAccuracyAfter).toBeGreaterThanOrEqual(0);
    expect(Object.keys(result.distinctValuesPerLayer)).toEqual(['fc1', 'fc2', 'fc3']);
    expect(result.distinctValuesPerLayer.fc3).toBeLessThanOrEqual(15 * 10);
    const loaded = await loadModel(out);
    expect(readQuantizationMetadata(loaded)!.weights.map((w) => w.bits)).toEqual([4, 4, 4]);
    loaded.dispose();
  });
});
