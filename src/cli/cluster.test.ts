import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { lenet300 } from '../models/lenet.js';
import { loadModel, saveModel } from '../models/io.js';
import { readClusteringMetadata } from '../clustering/cluster.js';
import { runCli } from './run-cli.test-util.js';

let dir: string;
let modelDir: string;

beforeAll(async () => {
  await initBackend('cpu');
  dir = await mkdtemp(path.join(tmpdir(), 'smallnets-cluster-cli-'));
  modelDir = path.join(dir, 'lenet300');
  await saveModel(lenet300(1), modelDir);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('smallnets cluster: bad flags exit 2 with one line', () => {
  const out = () => path.join(dir, 'never');
  const cases: Array<[string, string[], RegExp]> = [
    ['clusters 1', ['--clusters', '1'], /clusters must be an integer in \[2, 65,536\], got 1/],
    ['clusters 65537', ['--clusters', '65537'], /got 65537/],
    ['clusters 2.5', ['--clusters', '2.5'], /--clusters must be a number or a list like conv:16,dense:4, got "2.5"/],
    ['clusters dense:0', ['--clusters', 'dense:0'], /clusters for dense must be an integer/],
    ['more clusters than a layer has weights', ['--clusters', 'fc3:2000'], /clusters for layer fc3 \(2000\) exceed its 1,000 kernel weights/],
    ['unknown layer or kind', ['--clusters', 'fc9:4'], /"fc9" is neither a layer kind/],
    ['unknown init', ['--clusters', '8', '--init', 'forgy'], /--init must be one of linear, density, random, kmeans\+\+, got "forgy"/],
  ];
  for (const [name, args, message] of cases) {
    it(name, async () => {
      const { code, stderr, stdout } = await runCli(['cluster', '--model', modelDir, ...args, '--out', out(), '--backend', 'cpu']);
      expect(code).toBe(2);
      expect(stderr.trim().split('\n').filter((l) => !l.startsWith('(add --help')).length).toBe(1);
      expect(stderr).toMatch(message);
      expect(stdout).toBe('');
      await expect(readdir(out())).rejects.toThrow();
    });
  }
});

describe('smallnets cluster --epochs 0', () => {
  it('clusters, saves a model with at most k distinct values per layer and prints the JSON result line', async () => {
    const out = path.join(dir, 'c');
    const { code, stdout } = await runCli(['cluster', '--model', modelDir, '--clusters', 'dense:4,fc3:8', '--epochs', '0', '--out', out, '--json']);
    expect(code).toBe(0);
    const result = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(result).toMatchObject({ command: 'cluster', clusters: { dense: 4, fc3: 8 }, epochs: 0, out });
    expect(result.distinctValuesPerLayer).toEqual({ fc1: 4, fc2: 4, fc3: 8 });
    const loaded = await loadModel(out);
    expect(readClusteringMetadata(loaded)!.weights.map((w) => w.codebook.length)).toEqual([4, 4, 8]);
    loaded.dispose();
  });
});
