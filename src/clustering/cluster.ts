/**
 * Weight clustering (weight sharing): `clusterWeights` runs per-layer 1-D k-means on each kernel
 * and returns a trainable model whose kernels are gather(centroids, indices) — fine-tuning moves the
 * centroids with the index map fixed (Deep Compression's trained quantization). `stripClustering`
 * returns a plain stock-layer model whose kernels hold at most k distinct values, plus the codebooks
 * and index maps for the encoder (Apple-style palettization: a LUT and log2(k)-bit indexes).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { UsageError } from '../errors.js';
import { kernelVariable, selectKernelLayers } from '../graph/kernel-layers.js';
import { addMetadata } from '../graph/metadata.js';
import { unwrapLayers, wrapLayers } from '../graph/wrap.js';
import { ClusterWrapper } from './cluster-wrapper.js';
import { toClusteringConfig, type ClusterOptions, type ClusteringConfig } from './config.js';
import { kmeans1d } from './kmeans.js';

/** One clustered kernel, as the encoder needs it: value[i] = codebook[indices[i]]. */
export interface ClusteredWeight {
  /** Layer name, e.g. "fc1". */
  layer: string;
  /** Weight name as saved in model.json, e.g. "fc1/kernel". */
  weight: string;
  shape: number[];
  /** k float32 centroids; with preserveSparsity, entry 0 is exactly 0. */
  codebook: Float32Array;
  /** Codebook index of every kernel element (row-major). */
  indices: Uint16Array;
  preserveSparsity: boolean;
}

/** What stripping a clustered model reports: the codebook and index map of every clustered kernel. */
export interface ClusteringReport {
  weights: ClusteredWeight[];
}

export interface ClusteredModel {
  model: tfl.LayersModel;
  report: ClusteringReport;
}

/** The JSON stored in userDefinedMetadata.clustering (index maps follow from the values). */
export interface ClusteringMetadata {
  weights: Array<{ layer: string; weight: string; shape: number[]; codebook: number[]; preserveSparsity: boolean }>;
}

export function clusterWrappers(model: tfl.LayersModel): ClusterWrapper[] {
  return model.layers.filter((l): l is ClusterWrapper => l instanceof ClusterWrapper);
}

/**
 * A trainable copy of `model` with each selected kernel replaced by k shared values.
 *
 * @example
 * const clustered = await clusterWeights(model, { clusters: { conv: 16, dense: 4 } });
 * trainModel(clustered, train, { epochs: 1, learningRate: 1e-4 }); // trains centroids and biases
 * const { model: plain, report } = await stripClustering(clustered);
 */
export async function clusterWeights(model: tfl.LayersModel, config: ClusterOptions | ClusteringConfig): Promise<tfl.LayersModel> {
  const clustering = toClusteringConfig(config);
  if (clusterWrappers(model).length > 0) throw new UsageError('the model is already clustered (strip it first)');
  const unknown = clustering.unknownKeys(model.layers.map((l) => l.name));
  if (unknown.length > 0) throw new UsageError(`clusters: ${JSON.stringify(unknown[0])} is neither a layer kind (conv, depthwise, dense) nor a layer of the model`);
  const plan = new Map<string, number>();
  for (const { layer, entry } of selectKernelLayers(model, 'clustering')) {
    const k = clustering.clustersFor(layer.name, entry.kind);
    if (k === null) continue;
    const size = (kernelVariable(layer, entry).shape as number[]).reduce((a, b) => a * b, 1);
    if (k > size) throw new UsageError(`clusters for layer ${layer.name} (${k}) exceed its ${size.toLocaleString('en-US')} kernel weights`);
    plan.set(layer.name, k);
  }
  if (plan.size === 0) throw new UsageError('clusters: no layer of the model is selected for clustering');
  const wrapped = wrapLayers(model, (layer) => {
    const k = plan.get(layer.name);
    return k === undefined ? undefined : (args) => new ClusterWrapper({ ...args, clusters: k, preserveSparsity: clustering.preserveSparsity });
  });
  for (const wrapper of clusterWrappers(wrapped)) {
    const values = wrapper.kernel.read().dataSync() as Float32Array;
    const { centroids, indices } = kmeans1d(values, {
      clusters: wrapper.clusters,
      init: clustering.init,
      seed: clustering.seed,
      preserveZeros: clustering.preserveSparsity,
    });
    wrapper.setClustering(centroids, indices);
  }
  return wrapped;
}

/**
 * `{ model, report }`: a plain model whose clustered kernels are codebook[indices] (at most k
 * distinct values each), and every codebook and index map. Codebooks are also stored in
 * userDefinedMetadata.clustering.
 *
 * @example
 * const { model: plain, report } = await stripClustering(clustered);
 * report.weights.map((w) => [w.layer, w.codebook.length]);
 */
export async function stripClustering(model: tfl.LayersModel): Promise<ClusteredModel> {
  const wrappers = clusterWrappers(model);
  if (wrappers.length === 0) throw new UsageError('the model has no clustering wrappers (was it made by clusterWeights?)');
  const weights: ClusteredWeight[] = wrappers.map((w) => ({
    layer: w.name,
    weight: w.kernel.originalName,
    shape: w.kernelShape,
    codebook: w.codebook(),
    indices: w.indexMap(),
    preserveSparsity: w.preserveSparsity,
  }));
  const byName = new Map(weights.map((w) => [w.layer, w]));
  const plain = unwrapLayers(model, (wrapper) => {
    const w = byName.get(wrapper.name);
    return w ? tf.tensor(Float32Array.from(w.indices, (j) => w.codebook[j]!), w.shape) : undefined;
  });
  const metadata: ClusteringMetadata = {
    weights: weights.map((w) => ({ layer: w.layer, weight: w.weight, shape: w.shape, codebook: Array.from(w.codebook), preserveSparsity: w.preserveSparsity })),
  };
  addMetadata(plain, { clustering: metadata });
  return { model: plain, report: { weights } };
}

/** Read userDefinedMetadata.clustering back (null when the model carries none). */
export function readClusteringMetadata(model: tfl.LayersModel): ClusteringMetadata | null {
  const metadata = model.getUserDefinedMetadata() as { clustering?: ClusteringMetadata } | undefined;
  return metadata?.clustering ?? null;
}
