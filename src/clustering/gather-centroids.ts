/**
 * kernel = gather(centroids, indices) with Deep Compression's centroid gradient: the gradient of a
 * centroid is the sum of the gradients of the weights that share it, ∂L/∂c_k = Σ_{i: idx_i = k} ∂L/∂W_i.
 *
 * TF.js's own gather gradient needs UnsortedSegmentSum, which the wasm backend lacks; this op sums
 * with SparseSegmentSum instead, over the weight positions pre-sorted by cluster (a counting sort
 * done once per index map), so it runs on wasm and cpu alike.
 */
import * as tf from '@tensorflow/tfjs-core';

/** An index map on the backend: the gather indices and the same positions grouped by cluster. */
export class CentroidIndexMap {
  readonly clusters: number;
  readonly shape: number[];
  /** Cluster index of each weight (row-major), int32. */
  readonly indices: tf.Tensor1D;
  /** Weight positions sorted by cluster, and the cluster of each (ascending): SparseSegmentSum inputs. */
  readonly order: tf.Tensor1D;
  readonly segments: tf.Tensor1D;
  /** One past the highest cluster that has members (SparseSegmentSum's output length). */
  readonly usedClusters: number;

  constructor(indices: ArrayLike<number>, clusters: number, shape: number[]) {
    const n = indices.length;
    const counts = new Int32Array(clusters + 1);
    for (let i = 0; i < n; i++) {
      const c = indices[i]!;
      if (!(c >= 0 && c < clusters)) throw new RangeError(`cluster index ${c} out of range [0, ${clusters})`);
      counts[c + 1]!++;
    }
    for (let c = 0; c < clusters; c++) counts[c + 1]! += counts[c]!;
    const order = new Int32Array(n);
    const segments = new Int32Array(n);
    const cursor = counts.slice(0, clusters);
    for (let i = 0; i < n; i++) {
      const c = indices[i]!;
      const at = cursor[c]!++;
      order[at] = i;
      segments[at] = c;
    }
    this.clusters = clusters;
    this.shape = shape;
    this.usedClusters = n > 0 ? segments[n - 1]! + 1 : 0;
    // Created outside any tidy scope's reach: the map lives as long as its wrapper.
    this.indices = tf.keep(tf.tensor1d(Int32Array.from(indices), 'int32'));
    this.order = tf.keep(tf.tensor1d(order, 'int32'));
    this.segments = tf.keep(tf.tensor1d(segments, 'int32'));
  }

  dispose(): void {
    tf.dispose([this.indices, this.order, this.segments]);
  }
}

/**
 * The clustered kernel: centroids[indices], shaped like the kernel, differentiable in `centroids`
 * with the sum-of-members gradient.
 *
 * @example
 * const map = new CentroidIndexMap([0, 1, 1, 0], 2, [2, 2]);
 * gatherCentroids(tf.tensor1d([-0.5, 0.5]), map); // [[-0.5, 0.5], [0.5, -0.5]]
 */
export function gatherCentroids(centroids: tf.Tensor1D, map: CentroidIndexMap): tf.Tensor {
  if (centroids.shape[0] !== map.clusters) {
    throw new Error(`gatherCentroids: ${centroids.shape[0]} centroids for an index map of ${map.clusters} clusters`);
  }
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => ({
    value: tf.reshape(tf.gather(args[0] as tf.Tensor, map.indices), map.shape),
    gradFunc: (dy: tf.Tensor) => {
      if (map.usedClusters === 0) return tf.zeros([map.clusters]);
      const sums = tf.sparse.sparseSegmentSum(tf.reshape(dy, [-1]), map.order, map.segments);
      const missing = map.clusters - map.usedClusters;
      return missing > 0 ? tf.concat([sums, tf.zeros([missing])]) : sums;
    },
  }));
  return op(centroids);
}
