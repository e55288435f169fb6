import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../engine/backend.js';
import { UsageError } from '../errors.js';
import { loadModel, saveModel } from '../models/io.js';
import { trainModel } from '../training/train.js';
import { distinctValuesPerLayer } from '../analysis/distinct.js';
import { outputs, syntheticDigits, tinyModel } from '../quantization/models.test-util.js';
import { clusterWeights, clusterWrappers, readClusteringMetadata, stripClustering } from './cluster.js';
import { fromJson } from '../graph/serializable.js';
import { QuantizationConfig } from '../quantization/config.js';
import { ClusteringConfig, formatClusterSpec, parseClusterSpec, type ClusterSpec } from './config.js';

let dir: string;
const digits = syntheticDigits(64);

beforeAll(async () => {
  await initBackend('cpu');
  dir = await mkdtemp(path.join(tmpdir(), 'smallnets-cluster-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const kernelOf = (model: tfl.LayersModel, name: string) => model.getLayer(name).getWeights().find((w) => w.rank >= 2)!;

describe('clusterWeights', () => {
  it('per-kind cluster counts: conv (and depthwise via conv) 6, dense 3; at most k distinct values after strip', async () => {
    const clustered = await clusterWeights(tinyModel(), { clusters: { conv: 6, dense: 3 } });
    expect(clusterWrappers(clustered).map((w) => [w.name, w.clusters])).toEqual([['conv', 6], ['dw', 6], ['fc1', 3], ['fc2', 3]]);
    const { model, report: { weights } } = await stripClustering(clustered);
    expect(distinctValuesPerLayer(model)).toEqual({ conv: 6, dw: 6, fc1: 3, fc2: 3 });
    for (const w of weights) {
      const kernel = kernelOf(model, w.layer).dataSync();
      w.indices.forEach((j, i) => expect(kernel[i]).toBe(w.codebook[j]));
    }
    clustered.dispose();
    model.dispose();
  });

  it('a layer name beats its kind; layers without an entry stay float', async () => {
    const clustered = await clusterWeights(tinyModel(), { clusters: { dense: 4, fc2: 2 } });
    expect(clusterWrappers(clustered).map((w) => [w.name, w.clusters])).toEqual([['fc1', 4], ['fc2', 2]]);
    clustered.dispose();
  });

  it('the clustered model computes with codebook[indices] before any training', async () => {
    const model = tinyModel();
    const clustered = await clusterWeights(model, { clusters: 8, init: 'density' });
    const { model: plain } = await stripClustering(clustered);
    expect(outputs(clustered, digits)).toEqual(outputs(plain, digits));
    clustered.dispose();
    plain.dispose();
  });

  it('fine-tuning trains the centroids (and biases) with the index map fixed', async () => {
    const clustered = await clusterWeights(tinyModel(), { clusters: 4 });
    const fc1 = clusterWrappers(clustered).find((w) => w.name === 'fc1')!;
    const codebookBefore = fc1.codebook();
    const indicesBefore = fc1.indexMap();
    const trainable = clustered.trainableWeights.map((w) => w.originalName);
    expect(trainable).toContain('fc1/cluster_centroids');
    expect(trainable).not.toContain('fc1/kernel');
    expect(trainable).not.toContain('fc1/cluster_indices');
    trainModel(clustered, digits, { epochs: 1, batchSize: 16, learningRate: 1e-2, progress: false });
    expect(fc1.indexMap()).toEqual(indicesBefore);
    expect(fc1.codebook()).not.toEqual(codebookBefore);
    const { model } = await stripClustering(clustered);
    expect(distinctValuesPerLayer(model)['fc1']).toBeLessThanOrEqual(4);
    clustered.dispose();
    model.dispose();
  });

  it('sparsity-preserving mode keeps zeros at exactly zero through fine-tuning', async () => {
    const model = tinyModel();
    // Prune fc1 by hand: zero every weight below the median magnitude.
    const fc1 = model.getLayer('fc1');
    const [kernel, bias] = fc1.getWeights() as [tf.Tensor, tf.Tensor];
    const values = kernel.dataSync().slice();
    const sorted = Float32Array.from(values, Math.abs).sort();
    const threshold = sorted[Math.floor(sorted.length / 2)]!;
    for (let i = 0; i < values.length; i++) if (Math.abs(values[i]!) < threshold) values[i] = 0;
    fc1.setWeights([tf.tensor(values, kernel.shape), bias]);
    const clustered = await clusterWeights(model, { clusters: { fc1: 5 }, preserveSparsity: true });
    trainModel(clustered, digits, { epochs: 1, batchSize: 16, learningRate: 1e-2, progress: false });
    const { model: plain, report: { weights } } = await stripClustering(clustered);
    expect(weights[0]!.codebook[0]).toBe(0);
    const after = kernelOf(plain, 'fc1').dataSync();
    values.forEach((v, i) => expect(after[i] === 0).toBe(v === 0));
    expect(new Set(after).size).toBeLessThanOrEqual(5);
    clustered.dispose();
    plain.dispose();
  });

  it('strip → save → load round trip: stock layers only, same outputs, codebooks in userDefinedMetadata', async () => {
    const clustered = await clusterWeights(tinyModel(), { clusters: { conv: 16, dense: 4 }, init: 'kmeans++' });
    const { model, report: { weights } } = await stripClustering(clustered);
    const out = path.join(dir, 'clustered');
    await saveModel(model, out);
    expect(await readFile(path.join(out, 'model.json'), 'utf8')).not.toMatch(/Smallnets/);
    const loaded = await loadModel(out);
    expect(outputs(loaded, digits)).toEqual(outputs(model, digits));
    expect(distinctValuesPerLayer(loaded)).toEqual(distinctValuesPerLayer(model));
    const metadata = readClusteringMetadata(loaded)!;
    expect(metadata.weights.map((w) => w.codebook)).toEqual(weights.map((w) => Array.from(w.codebook)));
    for (const m of [clustered, model, loaded]) m.dispose();
  });

  it('a clustered (wrapped) model saves and loads with its index maps', async () => {
    const clustered = await clusterWeights(tinyModel(), { clusters: 3 });
    const out = path.join(dir, 'wrapped');
    await saveModel(clustered, out);
    const loaded = await loadModel(out);
    expect(clusterWrappers(loaded).map((w) => w.name)).toEqual(['conv', 'dw', 'fc1', 'fc2']);
    expect(outputs(loaded, digits)).toEqual(outputs(clustered, digits));
    clustered.dispose();
    loaded.dispose();
  });
});

describe('bad clustering configs fail with one line', () => {
  it.each([
    [{ clusters: 1 }, /clusters must be an integer in \[2, 65,536\], got 1/],
    [{ clusters: 65_537 }, /got 65537/],
    [{ clusters: 2.5 }, /got 2.5/],
    [{ clusters: { conv: 0 } }, /clusters for conv must be an integer/],
    [{ clusters: 4, init: 'forgy' }, /init must be one of linear, density, random, kmeans\+\+, got "forgy"/],
  ])('%j', (options, message) => {
    expect(() => new ClusteringConfig(options as never)).toThrow(UsageError);
    expect(() => new ClusteringConfig(options as never)).toThrow(message);
  });

  it('more clusters than a layer has weights, or an unknown map key, is refused by clusterWeights', async () => {
    await expect(clusterWeights(tinyModel(), { clusters: { fc2: 200 } })).rejects.toThrow(/clusters for layer fc2 \(200\) exceed its 160 kernel weights/);
    await expect(clusterWeights(tinyModel(), { clusters: { fcx: 4 } })).rejects.toThrow(/"fcx" is neither a layer kind/);
  });

  it('parseClusterSpec reads 16 and conv:16,dense:4 and refuses anything else', () => {
    expect(parseClusterSpec('16')).toBe(16);
    expect(parseClusterSpec('conv:16, dense:4')).toEqual({ conv: 16, dense: 4 });
    expect(() => parseClusterSpec('conv=16')).toThrow(/`clusters` must be a number or a list like conv:16,dense:4/);
    expect(() => parseClusterSpec('4.5')).toThrow(UsageError);
  });

  it('formatClusterSpec writes what parseClusterSpec reads back', () => {
    expect(formatClusterSpec({ conv: 16, dense: 8 })).toBe('conv:16,dense:8');
    expect(formatClusterSpec({ conv: 16, dense: 8 }, '/')).toBe('conv:16/dense:8');
    expect(formatClusterSpec(16)).toBe('16');
    for (const spec of [16, { conv: 16, dense: 4 }, { fc2: 3 }] as ClusterSpec[]) expect(parseClusterSpec(formatClusterSpec(spec))).toEqual(spec);
  });

  it('the config round-trips through getConfig/fromConfig and through JSON text (toJSON → fromJson)', () => {
    const config = new ClusteringConfig({ clusters: { conv: 16, fc2: 3 }, init: 'density', preserveSparsity: true, seed: 4 });
    expect(ClusteringConfig.fromConfig(ClusteringConfig, config.getConfig()).getConfig()).toEqual(config.getConfig());
    const json = JSON.parse(JSON.stringify(config));
    expect(json.className).toBe('SmallnetsClusteringConfig');
    expect(fromJson(json, ClusteringConfig).getConfig()).toEqual(config.getConfig());
    expect(() => fromJson(json, QuantizationConfig)).toThrow(/expected a SmallnetsQuantizationConfig, got SmallnetsClusteringConfig/);
  });
});
