/**
 * The clustering config: how many clusters each layer gets, how centroids start, whether zeros are
 * kept. Validated when constructed (one-line UsageErrors), serializable and registered.
 *
 * `clusters` is one number for every Dense/Conv2D/DepthwiseConv2D layer, or a map whose keys are
 * layer kinds (`conv`, `depthwise`, `dense`) or layer names; a layer name beats its kind, a
 * depthwise layer without a `depthwise` entry uses `conv`, and layers with no entry stay float.
 */
import * as tf from '@tensorflow/tfjs-core';
import { UsageError, usageCheck } from '../errors.js';
import { registerSerializable, toSerialized, type SerializedConfig } from '../graph/serializable.js';
import { KERNEL_LAYER_KINDS, type KernelLayerKind } from '../graph/kernel-layers.js';
import { MAX_CLUSTERS, MIN_CLUSTERS } from './kmeans.js';
import { CLUSTER_INITS, type ClusterInit } from './kmeans-init.js';
import { CLUSTER_DEFAULTS, CLUSTER_FINE_TUNE_DEFAULTS, formatClusterSpec, parseClusterSpec, type ClusterSpec } from './spec.js';

export { CLUSTER_DEFAULTS, CLUSTER_FINE_TUNE_DEFAULTS, formatClusterSpec, parseClusterSpec, type ClusterSpec };


export interface ClusterOptions {
  clusters: ClusterSpec;
  /** Centroid initialization (default 'linear', Deep Compression's best). */
  init?: ClusterInit;
  /** Keep zeros (e.g. pruned weights) at exactly zero with a fixed, untrained zero centroid. */
  preserveSparsity?: boolean;
  /** Seed for the random and kmeans++ inits (default 1). */
  seed?: number;
}



export function validateClusterCount(k: number, what: string): void {
  usageCheck(
    Number.isInteger(k) && k >= MIN_CLUSTERS && k <= MAX_CLUSTERS,
    () => `${what} must be an integer in [${MIN_CLUSTERS}, ${MAX_CLUSTERS.toLocaleString('en-US')}], got ${k}`,
  );
}

export function validateInit(init: string): asserts init is ClusterInit {
  usageCheck((CLUSTER_INITS as readonly string[]).includes(init), () => `init must be one of ${CLUSTER_INITS.join(', ')}, got ${JSON.stringify(init)}`);
}



export class ClusteringConfig extends tf.serialization.Serializable {
  static className = 'SmallnetsClusteringConfig';
  readonly clusters: ClusterSpec;
  readonly init: ClusterInit;
  readonly preserveSparsity: boolean;
  readonly seed: number;

  constructor(options: ClusterOptions) {
    super();
    const { clusters } = options;
    if (typeof clusters === 'number') validateClusterCount(clusters, 'clusters');
    else {
      usageCheck(typeof clusters === 'object' && clusters !== null && Object.keys(clusters).length > 0, () => 'clusters must be a number or a non-empty map like {conv: 16, dense: 4}');
      for (const [key, k] of Object.entries(clusters)) validateClusterCount(k, `clusters for ${key}`);
    }
    this.clusters = typeof clusters === 'number' ? clusters : { ...clusters };
    const init = options.init ?? CLUSTER_DEFAULTS.init;
    validateInit(init);
    this.init = init;
    this.preserveSparsity = options.preserveSparsity ?? CLUSTER_DEFAULTS.preserveSparsity;
    this.seed = options.seed ?? CLUSTER_DEFAULTS.seed;
    usageCheck(Number.isSafeInteger(this.seed) && this.seed >= 0, () => `seed must be a non-negative integer, got ${this.seed}`);
  }

  /** Clusters for a layer, or null when the spec leaves it unclustered. */
  clustersFor(layerName: string, kind: KernelLayerKind): number | null {
    if (typeof this.clusters === 'number') return this.clusters;
    const byName = this.clusters[layerName];
    if (byName !== undefined) return byName;
    const byKind = this.clusters[kind] ?? (kind === 'depthwise' ? this.clusters['conv'] : undefined);
    return byKind ?? null;
  }

  /** Map keys that are neither a kind nor one of `layerNames` (to report typos). */
  unknownKeys(layerNames: readonly string[]): string[] {
    if (typeof this.clusters === 'number') return [];
    return Object.keys(this.clusters).filter((key) => !(KERNEL_LAYER_KINDS as readonly string[]).includes(key) && !layerNames.includes(key));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { clusters: this.clusters, init: this.init, preserveSparsity: this.preserveSparsity, seed: this.seed };
  }

  /** `{ className: 'SmallnetsClusteringConfig', config }`; `fromJson` reads it back. */
  toJSON(): SerializedConfig {
    return toSerialized(this);
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls({
      clusters: config['clusters'] as ClusterSpec,
      init: config['init'] as ClusterInit,
      preserveSparsity: config['preserveSparsity'] as boolean,
      seed: config['seed'] as number,
    });
  }
}
registerSerializable(ClusteringConfig);

export function toClusteringConfig(config: ClusterOptions | ClusteringConfig): ClusteringConfig {
  return config instanceof ClusteringConfig ? config : new ClusteringConfig(config);
}
