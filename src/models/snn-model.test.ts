import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../engine/backend.js';
import { lenet5 } from '../models/lenet.js';
import { loadModel } from '../models/io.js';
import { encodeModel, loadSnnModel } from './snn-model.js';
import { runCli } from '../cli/run-cli.test-util.js';

let dir: string;

describe('.snn ↔ tf.layers', () => {
  beforeAll(async () => {
    await initBackend('wasm');
    dir = await mkdtemp(path.join(os.tmpdir(), 'smallnets-snn-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('a clustered, pruned LeNet-5 round-trips bit-exactly and predicts identically; decompress writes TF.js', async () => {
    const model = lenet5(1);
    // Make conv1's kernel take 4 values with 60% zeros, as pruning + clustering would.
    const kernel = model.getLayer('conv1').getWeights()[0]!;
    const levels = new Float32Array([-0.25, 0, 0.125, 0.5]);
    const values = kernel.dataSync().map((_, i) => (i % 5 < 3 ? 0 : levels[i % 4]!));
    model.getLayer('conv1').setWeights([tf.tensor(values, kernel.shape), model.getLayer('conv1').getWeights()[1]!]);
    const { bytes, report } = await encodeModel(model, { 'conv1/kernel': { codebook: levels } });
    expect(report.tensors.find((t) => t.name === 'conv1/kernel')!.exact).toBe(true);
    const file = path.join(dir, 'm.snn');
    await writeFile(file, bytes);
    const back = await loadSnnModel(file);
    const a = model.getWeights();
    back.getWeights().forEach((w, i) => {
      expect(new Uint32Array((w.dataSync() as Float32Array).buffer)).toEqual(new Uint32Array((a[i]!.dataSync() as Float32Array).buffer));
    });
    const x = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 3);
    expect(Array.from((back.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((model.predict(x) as tf.Tensor).dataSync()));

    const out = path.join(dir, 'tfjs');
    const r = await runCli(['decompress', file, '--out', out, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toMatchObject({ command: 'decompress', params: 431_080, out });
    const reloaded = await loadModel(out);
    expect(Array.from((reloaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((model.predict(x) as tf.Tensor).dataSync()));
  });

  it('a corrupted file is a one-line runtime error (exit 1) and writes nothing', async () => {
    const { bytes } = await encodeModel(lenet5(2));
    const bad = Uint8Array.from(bytes);
    bad[Math.floor(bad.length / 2)]! ^= 0x10;
    const file = path.join(dir, 'bad.snn');
    await writeFile(file, bad);
    const out = path.join(dir, 'never');
    const r = await runCli(['decompress', file, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/checksum/);
    await expect(readFile(path.join(out, 'model.json'))).rejects.toThrow();
    const e = await runCli(['evaluate', file]);
    expect(e.code).toBe(1);
  });
});
