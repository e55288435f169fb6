/**
 * Pretrained weights, served by a local HTTP server from a fixture (our own MobileNet v1 0.25/128
 * with random weights, saved as TF.js layers files in several shards, as the hosted models are).
 * Nothing is downloaded from the internet.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { artifactsToFiles, modelArtifacts } from './io.js';
import { mobilenetV1, mobilenetV1WeightsName } from './mobilenet-v1.js';
import { PRETRAINED_URL_ENV, cachedPretrainedModel, loadWeightsByName, pretrainedCacheDir } from './pretrained.js';
import { loadZooModel, parseZooSpec } from './zoo.js';

let root: string;
let server: http.Server;
let baseUrl: string;
/** The files the server has, by URL path; and how many requests it answered. */
const served = new Map<string, Uint8Array>();
let requests = 0;
let reference: tf.Tensor;
const probe = () => tf.randomUniform([1, 128, 128, 3], -1, 1, 'float32', 4);
const NAME = mobilenetV1WeightsName(0.25, 128);

/** The fixture as TF.js files with one manifest group (and shard) per layer, as the hosted models have. */
async function fixtureFiles(): Promise<Record<string, Uint8Array>> {
  const model = mobilenetV1({ alpha: 0.25, inputSize: 128 });
  reference = model.predict(probe()) as tf.Tensor;
  const files = artifactsToFiles(await modelArtifacts(model));
  const json = JSON.parse(files['model.json'] as string) as { weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }> };
  const data = files['weights.bin'] as Uint8Array;
  const groups: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }> = [];
  const out: Record<string, Uint8Array> = {};
  let offset = 0;
  for (const [i, w] of json.weightsManifest[0]!.weights.entries()) {
    const bytes = w.shape.reduce((a, b) => a * b, 1) * 4;
    const shard = `group${i + 1}-shard1of1`;
    out[shard] = data.subarray(offset, offset + bytes);
    offset += bytes;
    groups.push({ paths: [shard], weights: [w] });
  }
  json.weightsManifest = groups;
  out['model.json'] = new TextEncoder().encode(JSON.stringify(json));
  model.dispose();
  return out;
}

beforeAll(async () => {
  await initBackend('wasm');
  root = await mkdtemp(path.join(os.tmpdir(), 'smallnets-pretrained-'));
  for (const [file, bytes] of Object.entries(await fixtureFiles())) served.set(`/${NAME}/${file}`, bytes);
  server = http.createServer((request, response) => {
    requests++;
    const bytes = served.get(request.url ?? '');
    if (!bytes) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-length': bytes.byteLength }).end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(root, { recursive: true, force: true });
});

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

describe('pretrained MobileNet v1 weights', () => {
  it("weights: 'imagenet' downloads once into the cache, checks names and shapes, and loads by name into our builder", async () => {
    const cacheDir = path.join(root, 'cache1');
    const model = await mobilenetV1({ alpha: 0.25, inputSize: 128, weights: 'imagenet', pretrained: { baseUrl, cacheDir } });
    expect(maxDiff(model.predict(probe()) as tf.Tensor, reference)).toBe(0);
    const record = JSON.parse(await readFile(path.join(cacheDir, 'sha256.json'), 'utf8')) as Record<string, string>;
    expect(Object.keys(record)).toContain(`${NAME}/model.json`);
    expect(Object.keys(record).length).toBe(served.size);
    const before = requests;
    const again = await mobilenetV1({ alpha: 0.25, inputSize: 128, weights: 'imagenet', pretrained: { baseUrl, cacheDir } });
    expect(requests).toBe(before); // from the cache
    expect(maxDiff(again.predict(probe()) as tf.Tensor, reference)).toBe(0);
    const headless = await mobilenetV1({ alpha: 0.25, inputSize: 128, includeTop: false, weights: 'imagenet', pretrained: { baseUrl, cacheDir } });
    expect(headless.getLayer('conv_pw_13').getWeights()[0]!.dataSync()).toEqual(model.getLayer('conv_pw_13').getWeights()[0]!.dataSync());
  });

  it('the zoo spec mobilenet_v1:0.25:128:imagenet, with the cache under $XDG_CACHE_HOME and the URL from the environment', async () => {
    expect(parseZooSpec('mobilenet_v1:0.25:128:imagenet')).toEqual({ family: 'mobilenet_v1', alpha: 0.25, inputSize: 128, weights: 'imagenet' });
    const saved = { xdg: process.env['XDG_CACHE_HOME'], url: process.env[PRETRAINED_URL_ENV] };
    process.env['XDG_CACHE_HOME'] = path.join(root, 'xdg');
    process.env[PRETRAINED_URL_ENV] = baseUrl;
    try {
      expect(pretrainedCacheDir()).toBe(path.join(root, 'xdg', 'smallnets'));
      const model = await loadZooModel('mobilenet_v1:0.25:128:imagenet');
      expect(maxDiff(model.predict(probe()) as tf.Tensor, reference)).toBe(0);
    } finally {
      for (const [key, value] of [['XDG_CACHE_HOME', saved.xdg], [PRETRAINED_URL_ENV, saved.url]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  it('a cached file that changes, or a download that differs from the recorded SHA-256, is refused naming it', async () => {
    const cacheDir = path.join(root, 'cache2');
    const dir = await cachedPretrainedModel(NAME, { baseUrl, cacheDir });
    const shard = path.join(dir, 'group3-shard1of1');
    const bytes = await readFile(shard);
    bytes[0] = bytes[0]! ^ 0xff;
    await writeFile(shard, bytes);
    await expect(cachedPretrainedModel(NAME, { baseUrl, cacheDir })).rejects.toThrow(/the cached .*group3-shard1of1 changed since it was downloaded/);
    // Upstream changed: the cache is cleared, the record kept, the server now has other bytes.
    await rm(dir, { recursive: true });
    const original = served.get(`/${NAME}/group2-shard1of1`)!;
    served.set(`/${NAME}/group2-shard1of1`, original.map((b) => b ^ 1));
    try {
      await expect(cachedPretrainedModel(NAME, { baseUrl, cacheDir })).rejects.toThrow(/group2-shard1of1 changed since it was first downloaded/);
    } finally {
      served.set(`/${NAME}/group2-shard1of1`, original);
    }
  });

  it('offline: the error names the URL and the cache directory to fill by hand', async () => {
    const cacheDir = path.join(root, 'cache3');
    const closed = 'http://127.0.0.1:9';
    await expect(mobilenetV1({ alpha: 0.25, inputSize: 128, weights: 'imagenet', pretrained: { baseUrl: closed, cacheDir } }))
      .rejects.toThrow(new RegExp(`cannot download ${closed}/${NAME}/model.json: .*Offline, put .*model.json and the weight files it lists into ${path.join(cacheDir, NAME).replace(/[.]/g, '\\.')} by hand`));
  });

  it('weights whose names or shapes differ from our builder are refused naming the weight', async () => {
    const cacheDir = path.join(root, 'cache4');
    const variant = async (suffix: string, edit: (weights: Array<Array<{ name: string; shape: number[] }>>) => void): Promise<string> => {
      const json = JSON.parse(new TextDecoder().decode(served.get(`/${NAME}/model.json`)!)) as { weightsManifest: Array<{ weights: Array<{ name: string; shape: number[] }> }> };
      edit(json.weightsManifest.map((g) => g.weights));
      for (const [url, bytes] of [...served]) if (url.startsWith(`/${NAME}/`)) served.set(url.replace(`/${NAME}/`, `/${NAME}-${suffix}/`), bytes);
      served.set(`/${NAME}-${suffix}/model.json`, new TextEncoder().encode(JSON.stringify(json)));
      return cachedPretrainedModel(`${NAME}-${suffix}`, { baseUrl, cacheDir });
    };
    const renamed = await variant('renamed', (groups) => (groups.flat().find((w) => w.name === 'conv1_bn/moving_variance')!.name = 'conv1_bn/variance'));
    const reshaped = await variant('reshaped', (groups) => (groups.flat().find((w) => w.name === 'conv1/kernel')!.shape = [3, 3, 8, 3]));
    const model = mobilenetV1({ alpha: 0.25, inputSize: 128 });
    // The file's own topology already disagrees with its edited manifest: refused when it is read, naming the weight.
    await expect(loadWeightsByName(model, renamed)).rejects.toThrow(/the weights manifest has "conv1_bn\/variance", which no layer of the model holds/);
    await expect(loadWeightsByName(model, reshaped)).rejects.toThrow(/layer conv1 \(Conv2D\) weight kernel is \[3, 3, 3, 8\] in the topology but \[3, 3, 8, 3\] in the weights manifest/);
    await expect(mobilenetV1({ alpha: 0.25, inputSize: 128, classes: 10, weights: 'imagenet', pretrained: { baseUrl, cacheDir } })).rejects.toThrow(/`classes` must be 1000/);
  });
});
