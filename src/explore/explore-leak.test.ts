import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../engine/backend.js';
import { lenet300 } from '../models/lenet.js';
import { saveModel } from '../models/io.js';
import { explore, type ExploreRequest } from './run.js';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/** Heap in use after full collections (synchronous: also from inside a progress callback). */
function settledHeap(): number {
  for (let i = 0; i < 3; i++) collect();
  return process.memoryUsage().heapUsed;
}

let dir: string;
let request: (name: string, space: string) => ExploreRequest;

describe('an exploration leaks nothing', () => {
  beforeAll(async () => {
    await initBackend('wasm');
    dir = await mkdtemp(path.join(os.tmpdir(), 'smallnets-explore-leak-'));
    await saveModel(lenet300(1), path.join(dir, 'lenet300'));
    const spaces = { one: { sparsity: [0.5] }, three: { sparsity: [0, 0.5], clusters: [null, 'dense:4'] } };
    for (const [name, knobs] of Object.entries(spaces)) {
      await writeFile(path.join(dir, `${name}.json`), JSON.stringify({ name, knobs: { ...knobs, epochs: [1], fineTuneEpochs: [1] } }));
    }
    request = (name, space) => ({
      model: path.join(dir, 'lenet300'), space: path.join(dir, space), strategy: 'grid', out: path.join(dir, name), seed: 1, maxDrop: 100,
      workers: 0, trainDigits: 64, testDigits: 50,
    });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('3 trials in this process (explore from src/explore/run.ts): tensor count back where it started and the same after every trial, heap flat', async () => {
    await explore(request('warm-up', 'one.json')); // kernels, MNIST, caches
    const tensors = tf.memory().numTensors;
    const heap = settledHeap();
    const afterTrial: Array<{ tensors: number; heap: number }> = [];
    const { result } = await explore({
      ...request('three', 'three.json'), trials: 3,
      log: (message) => {
        if (/^trial [0-9a-f]{16} /.test(message)) afterTrial.push({ tensors: tf.memory().numTensors, heap: settledHeap() });
      },
    });
    expect(result.ran).toBe(3);
    expect(afterTrial).toHaveLength(3);
    // While it runs, the exploration holds the base model (and nothing per trial).
    expect(new Set(afterTrial.map((t) => t.tensors)).size).toBe(1);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(afterTrial[2]!.heap - afterTrial[0]!.heap).toBeLessThan(8 * 2 ** 20);
    expect(settledHeap() - heap).toBeLessThan(8 * 2 ** 20);
  });
});
