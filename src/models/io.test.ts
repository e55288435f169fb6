import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile, readdir, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../engine/backend.js';
import { lenet300 } from './lenet.js';
import { loadModel, saveModel } from './io.js';
import { checkOutDir } from './atomic-write.js';

let dir: string;

describe('TF.js LayersModel files', () => {
  beforeAll(async () => {
    await initBackend('wasm');
    dir = await mkdtemp(path.join(os.tmpdir(), 'smallnets-io-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('save → load gives identical predictions, and stock tf.loadLayersModel reads the files', async () => {
    const model = lenet300(2);
    const out = path.join(dir, 'm1');
    await saveModel(model, out);
    expect((await readdir(out)).sort()).toEqual(['model.json', 'weights.bin']);
    const x = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 4);
    const expected = (model.predict(x) as tf.Tensor).dataSync();
    const loaded = await loadModel(out);
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from(expected));
    // The files are plain TF.js: stock fromMemory with the JSON + bytes works too.
    const json = JSON.parse(await readFile(path.join(out, 'model.json'), 'utf8'));
    const bytes = await readFile(path.join(out, 'weights.bin'));
    const stock = await tfl.loadLayersModel(
      tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: new Uint8Array(bytes).buffer }),
    );
    expect(Array.from((stock.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from(expected));
  });

  it('loads by model.json path as well as by directory', async () => {
    const out = path.join(dir, 'm2');
    await saveModel(lenet300(1), out);
    const model = await loadModel(path.join(out, 'model.json'));
    expect(model.countParams()).toBe(266_610);
  });

  it('a missing weight shard is a one-line runtime error', async () => {
    const out = path.join(dir, 'm3');
    await saveModel(lenet300(1), out);
    await rm(path.join(out, 'weights.bin'));
    await expect(loadModel(out)).rejects.toThrow(/cannot read weight shard .*weights\.bin: no such file/);
  });

  it('shards shorter than the manifest declares are refused before allocation', async () => {
    const out = path.join(dir, 'm4');
    await saveModel(lenet300(1), out);
    const bin = await readFile(path.join(out, 'weights.bin'));
    await writeFile(path.join(out, 'weights.bin'), bin.subarray(0, 100));
    await expect(loadModel(out)).rejects.toThrow(/hold 100 bytes but the manifest declares 1066440/);
  });

  it('mismatched shapes are refused before TF.js builds the model, naming the layer and both shapes', async () => {
    const out = path.join(dir, 'm5');
    await saveModel(lenet300(1), out);
    const json = JSON.parse(await readFile(path.join(out, 'model.json'), 'utf8'));
    // Swap the kernel shape of fc1 while keeping the byte count: [784,300] → [300,784].
    json.weightsManifest[0].weights[0].shape = [300, 784];
    await writeFile(path.join(out, 'model.json'), JSON.stringify(json));
    await expect(loadModel(out)).rejects.toThrow(/m5\/model\.json: layer fc1 \(Dense\) weight kernel is \[784, 300\] in the topology but \[300, 784\] in the weights manifest$/);
  });

  it('absurd declared shapes and shard paths outside the directory are refused', async () => {
    const out = path.join(dir, 'm6');
    await saveModel(lenet300(1), out);
    const json = JSON.parse(await readFile(path.join(out, 'model.json'), 'utf8'));
    json.weightsManifest[0].weights[0].shape = [1e6, 1e6];
    await writeFile(path.join(out, 'model.json'), JSON.stringify(json));
    await expect(loadModel(out)).rejects.toThrow(/invalid shape|too many elements/);
    json.weightsManifest[0].weights[0].shape = [784, 300];
    json.weightsManifest[0].paths = ['../../etc/passwd'];
    await writeFile(path.join(out, 'model.json'), JSON.stringify(json));
    await expect(loadModel(out)).rejects.toThrow(/escapes the model directory/);
  });

  it('a model.json that is not JSON is a one-line error', async () => {
    const out = path.join(dir, 'm7');
    await mkdir(out);
    await writeFile(path.join(out, 'model.json'), '{"modelTopology": ');
    await expect(loadModel(out)).rejects.toThrow(/is not valid JSON/);
  });

  it('refuses a non-empty output directory without force, accepts it with force', async () => {
    const out = path.join(dir, 'm8');
    await saveModel(lenet300(1), out);
    await expect(checkOutDir(out)).rejects.toThrow(/exists and is not empty \(pass `force`/);
    await expect(checkOutDir(out, true)).resolves.toBeUndefined();
    await saveModel(lenet300(2), out, { force: true });
    expect((await readdir(dir)).filter((n) => n.includes('.tmp-') || n.includes('.old-'))).toEqual([]);
  });
});
