/**
 * A quick compression the page can do on its own, without retraining: magnitude pruning with one
 * global threshold over all kernels (Deep Compression's first step), k-means weight sharing of the
 * surviving weights (zeros kept exact), then the .snn writer picks sparse storage and Huffman codes
 * where they are smaller. Without the fine-tuning `smallnets compress` does, accuracy drops a little
 * more; the page says so next to the numbers. Runs in browsers and in Node (the tests use it).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { kmeans1d } from '../../../clustering/kmeans.js';
import { encodeSnnWithReport, encodeTensorAuto } from '../../../format/index.js';
import type { JsonObject } from '../../../format/spec.js';
import { modelArtifacts } from '../../../models/model-artifacts.js';
import { globalMagnitudeMasks } from '../../../pruning/masks.js';

export interface PageCompression {
  /** Fraction of all kernel weights set to zero (global magnitude threshold). */
  sparsity: number;
  /** Shared values per kernel, zero included. */
  clusters: number;
}

export const DEFAULT_PAGE_COMPRESSION: PageCompression = { sparsity: 0.9, clusters: 16 };

/**
 * The .snn bytes of `model` pruned and clustered as `options` says (the model is not changed).
 * @example
 * const { bytes } = await compressInPage(model, { sparsity: 0.9, clusters: 16 });
 */
export async function compressInPage(model: tfl.LayersModel, options: PageCompression = DEFAULT_PAGE_COMPRESSION): Promise<{ bytes: Uint8Array; denseWeightBytes: number }> {
  const artifacts = await modelArtifacts(model);
  const data = new Float32Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData!));
  const specs = artifacts.weightSpecs ?? [];
  let offset = 0;
  const weights = specs.map((spec) => {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const values = data.slice(offset, offset + size);
    offset += size;
    return { spec, values, isKernel: spec.name.endsWith('/kernel') };
  });
  const kernels = weights.filter((w) => w.isKernel);
  const masks = globalMagnitudeMasks(kernels.map((w) => w.values), options.sparsity);
  for (const [i, w] of kernels.entries()) for (let j = 0; j < w.values.length; j++) if (!masks[i]![j]) w.values[j] = 0;
  const tensors = weights.map(({ spec, values, isKernel }) => {
    if (!isKernel) return encodeTensorAuto(spec.name, values, spec.shape, {});
    const { centroids } = kmeans1d(values, { clusters: options.clusters, init: 'linear', preserveZeros: true });
    return encodeTensorAuto(spec.name, values, spec.shape, { codebook: centroids });
  });
  const metadata: JsonObject = { compressedBy: 'smallnets playground', sparsity: options.sparsity, clusters: options.clusters, fineTuned: false };
  const { bytes } = encodeSnnWithReport({ topology: artifacts.modelTopology as JsonObject, metadata, tensors });
  return { bytes, denseWeightBytes: data.byteLength };
}
