/**
 * loadModel over http(s) and from disk, for models as the TF.js converter writes them: several
 * shards, several manifest groups, and weights quantized to uint8 / uint16 / float16.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../engine/backend.js';
import { concatBytes } from '../format/bytes.js';
import { float32BitsToFloat16 } from '../format/float16.js';
import { tinyConvNet } from '../restructure/models.test-util.js';
import { loadModel, modelArtifacts } from './io.js';

type Quantization = 'uint8' | 'uint16' | 'float16' | undefined;

/** How each weight of tinyConvNet is stored: every converter option, plus plain float32. */
const PLAN: Record<string, Quantization> = {
  'conv1/kernel': 'uint8', 'conv1/bias': undefined, 'conv2/kernel': 'uint16', 'conv2/bias': 'float16', 'fc/kernel': 'float16', 'fc/bias': 'uint8',
};

interface Encoded {
  bytes: Uint8Array;
  entry: tf.io.WeightsManifestEntry;
  /** What TF.js must decode: q·scale + min in float32, or the float16-rounded value. */
  expected: Float32Array;
}

function encode(name: string, shape: number[], values: Float32Array, dtype: Quantization): Encoded {
  const entry: tf.io.WeightsManifestEntry = { name, shape, dtype: 'float32' };
  if (dtype === undefined) return { bytes: new Uint8Array(values.slice().buffer), entry, expected: values };
  if (dtype === 'float16') {
    const half = Uint16Array.from(new Uint32Array(values.slice().buffer), (bits) => float32BitsToFloat16(bits));
    return { bytes: new Uint8Array(half.buffer), entry: { ...entry, quantization: { dtype: 'float16' } }, expected: Float32Array.from(half, halfValue) };
  }
  const levels = dtype === 'uint8' ? 255 : 65535;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const scale = max > min ? (max - min) / levels : 1;
  const q = dtype === 'uint8' ? new Uint8Array(values.length) : new Uint16Array(values.length);
  values.forEach((v, i) => (q[i] = Math.round((v - min) / scale)));
  const expected = Float32Array.from(q, (v: number) => v * scale + min);
  return { bytes: new Uint8Array(q.buffer), entry: { ...entry, quantization: { dtype, scale, min } }, expected };
}

/** A binary16 bit pattern's value, decoded by hand (not with TF.js' own tables, which are under test). */
function halfValue(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  return exp === 0 ? sign * mant * 2 ** -24 : sign * (1 + mant / 1024) * 2 ** (exp - 15);
}


let dir: string;
let server: http.Server;
let base: string;
let expected: Map<string, Float32Array>;
const requests: string[] = [];

/** Write tinyConvNet as a converter would: group 1 = conv weights in 3 shards, group 2 = fc in 2. */
async function writeConvertedModel(out: string): Promise<Map<string, Float32Array>> {
  const model = tinyConvNet(5);
  const artifacts = await modelArtifacts(model);
  const encoded = model.weights.map((w) => encode(w.originalName, w.shape as number[], w.read().dataSync() as Float32Array, PLAN[w.originalName]));
  const groups = [encoded.filter((e) => e.entry.name.startsWith('conv')), encoded.filter((e) => e.entry.name.startsWith('fc'))];
  const manifest: tf.io.WeightsManifestConfig = [];
  await mkdir(out, { recursive: true });
  for (const [g, group] of groups.entries()) {
    const bytes = concatBytes(group.map((e) => e.bytes));
    const shards = g === 0 ? 3 : 2;
    const cuts = Array.from({ length: shards + 1 }, (_, i) => Math.round((bytes.length * i) / shards));
    const paths: string[] = [];
    for (let s = 0; s < shards; s++) {
      const file = `group${g + 1}-shard${s + 1}of${shards}.bin`;
      await writeFile(path.join(out, file), bytes.subarray(cuts[s], cuts[s + 1]));
      paths.push(file);
    }
    manifest.push({ paths, weights: group.map((e) => e.entry) });
  }
  await writeFile(path.join(out, 'model.json'), JSON.stringify({ format: 'layers-model', modelTopology: artifacts.modelTopology, weightsManifest: manifest }));
  return new Map(encoded.map((e) => [e.entry.name, e.expected]));
}

function expectWeights(model: tfl.LayersModel): void {
  const seen = model.weights.map((w) => w.originalName).sort();
  expect(seen).toEqual([...expected.keys()].sort());
  for (const w of model.weights) {
    expect(Array.from(w.read().dataSync()), w.originalName).toEqual(Array.from(expected.get(w.originalName)!));
  }
}

beforeAll(async () => {
  await initBackend('cpu');
  dir = await mkdtemp(path.join(os.tmpdir(), 'smallnets-io-http-'));
  expected = await writeConvertedModel(path.join(dir, 'converted'));
  server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(url.pathname);
    const file = path.join(dir, decodeURIComponent(url.pathname));
    if (!file.startsWith(dir + path.sep)) return void res.writeHead(403).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': file.endsWith('.json') ? 'application/json' : 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

describe('loadModel: converter-style models (shards, groups, quantized weights)', () => {
  it('over http from a model.json URL: every shard fetched, uint8/uint16/float16 dequantized exactly', async () => {
    requests.length = 0;
    const model = await loadModel(`${base}/converted/model.json`);
    expectWeights(model);
    expect(requests.sort()).toEqual([
      '/converted/group1-shard1of3.bin', '/converted/group1-shard2of3.bin', '/converted/group1-shard3of3.bin',
      '/converted/group2-shard1of2.bin', '/converted/group2-shard2of2.bin', '/converted/model.json',
    ]);
    const x = tf.randomUniform([1, 28, 28, 1], 0, 1, 'float32', 1);
    expect((model.predict(x) as tf.Tensor).shape).toEqual([1, 10]);
  });

  it('over http from a directory URL (with or without a trailing slash)', async () => {
    expectWeights(await loadModel(`${base}/converted`));
    expectWeights(await loadModel(`${base}/converted/`));
  });

  it('from a directory and from a model.json path on disk', async () => {
    expectWeights(await loadModel(path.join(dir, 'converted')));
    expectWeights(await loadModel(path.join(dir, 'converted', 'model.json')));
  });

  it('a missing shard over http is a one-line runtime error naming it', async () => {
    const broken = path.join(dir, 'broken');
    await writeConvertedModel(broken);
    await rm(path.join(broken, 'group2-shard2of2.bin'));
    await expect(loadModel(`${base}/broken/model.json`)).rejects.toThrow(/cannot fetch weight shard .*group2-shard2of2\.bin: HTTP 404/);
    await expect(loadModel(`${base}/nowhere/model.json`)).rejects.toThrow(/cannot fetch model\.json .*: HTTP 404/);
  });

  it('an unreachable server is a runtime error', async () => {
    await expect(loadModel('http://127.0.0.1:1/model.json')).rejects.toThrow(/cannot fetch model\.json http:\/\/127\.0\.0\.1:1\/model\.json/);
  });
});
