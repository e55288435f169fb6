/**
 * The layer clusterWeights puts around each clustered layer: the kernel the inner layer computes
 * with is gather(centroids, indices). The index map is a fixed int32 weight; the centroids are the
 * only trainable kernel parameters (the inner layer's float kernel is frozen and only kept so the
 * model saves and loads like the original); biases stay trainable.
 *
 * In sparsity-preserving mode the trainable centroids are the k − 1 non-zero ones, and index 0
 * points at a constant 0 prepended in the forward pass — it gets no gradient, so zeros stay zero.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { KernelWrapper, innerLayerFromConfig, kernelWrapperRule, type KernelWrapperArgs } from '../graph/kernel-wrapper.js';
import { registerLayerRule } from '../models/layer-rules.js';
import { CentroidIndexMap, gatherCentroids } from './gather-centroids.js';
import { registerSerializable } from '../graph/serializable.js';
import { registerReplicaModule } from '../training/replica-registry.js';

export interface ClusterWrapperArgs extends KernelWrapperArgs {
  clusters: number;
  preserveSparsity: boolean;
}

export class ClusterWrapper extends KernelWrapper {
  static className = 'SmallnetsClusterWrapper';
  readonly clusters: number;
  readonly preserveSparsity: boolean;
  private centroidsVar?: tfl.LayerVariable;
  private indicesVar?: tfl.LayerVariable;
  private cachedMap?: { dataId: object; map: CentroidIndexMap };

  constructor(args: ClusterWrapperArgs) {
    super(args);
    this.clusters = args.clusters;
    this.preserveSparsity = args.preserveSparsity;
  }

  protected override buildOwn(): void {
    if (this.centroidsVar) return;
    this.kernel.trainable = false;
    const trainable = this.preserveSparsity ? this.clusters - 1 : this.clusters;
    this.centroidsVar = this.addWeight('cluster_centroids', [trainable], 'float32', tfl.initializers.zeros(), undefined, true);
    this.indicesVar = this.addWeight('cluster_indices', this.kernelShape, 'int32', tfl.initializers.zeros(), undefined, false);
  }

  /** Install a clustering: `codebook` has `clusters` entries (entry 0 = 0 when preserving sparsity). */
  setClustering(codebook: Float32Array, indices: Uint16Array): void {
    if (codebook.length !== this.clusters) throw new Error(`${this.name}: codebook of ${codebook.length} for ${this.clusters} clusters`);
    if (this.preserveSparsity && codebook[0] !== 0) throw new Error(`${this.name}: the first centroid must be 0 when preserving sparsity`);
    const shape = this.kernelShape;
    tf.tidy(() => {
      this.centroidsVar!.write(tf.tensor1d(this.preserveSparsity ? codebook.subarray(1) : codebook));
      this.indicesVar!.write(tf.tensor(Int32Array.from(indices), shape, 'int32'));
      this.kernel.write(tf.tensor(Float32Array.from(indices, (i) => codebook[i]!), shape));
    });
  }

  /** The full codebook (k float32 values, the fixed zero first when preserving sparsity). */
  codebook(): Float32Array {
    const trained = this.centroidsVar!.read().dataSync() as Float32Array;
    if (!this.preserveSparsity) return Float32Array.from(trained);
    const full = new Float32Array(this.clusters);
    full.set(trained, 1);
    return full;
  }

  /** Codebook index of every kernel element (row-major). */
  indexMap(): Uint16Array {
    return Uint16Array.from(this.indicesVar!.read().dataSync() as Int32Array);
  }

  private map(): CentroidIndexMap {
    const indices = this.indicesVar!.read();
    const dataId = indices.dataId as object;
    if (this.cachedMap?.dataId === dataId) return this.cachedMap.map;
    this.cachedMap?.map.dispose();
    const map = new CentroidIndexMap(indices.dataSync() as Int32Array, this.clusters, this.kernelShape);
    this.cachedMap = { dataId, map };
    return map;
  }

  protected override effectiveKernel(): tf.Tensor {
    const trained = this.centroidsVar!.read() as tf.Tensor1D;
    const codebook = this.preserveSparsity ? (tf.concat([tf.zeros([1]), trained]) as tf.Tensor1D) : trained;
    return gatherCentroids(codebook, this.map());
  }

  override dispose(): ReturnType<tfl.layers.Layer['dispose']> {
    this.cachedMap?.map.dispose();
    this.cachedMap = undefined;
    return super.dispose();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), clusters: this.clusters, preserveSparsity: this.preserveSparsity };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls({ ...config, layer: innerLayerFromConfig(config) });
  }
}
registerSerializable(ClusterWrapper);
// Data-parallel workers import this module to rebuild models holding the wrapper.
registerReplicaModule(ClusterWrapper.className, import.meta.url);
// Loading from a file: the weights buildOwn creates (centroids, and an index per kernel element).
registerLayerRule(
  ClusterWrapper.className,
  kernelWrapperRule((c, kernelShape) => {
    const clusters = c.int('clusters', undefined, 2);
    return [
      { name: 'cluster_centroids', shape: [c.values['preserveSparsity'] ? clusters - 1 : clusters] },
      { name: 'cluster_indices', shape: kernelShape },
    ];
  }),
);
