/**
 * One-dimensional k-means for weight sharing, pure math on typed arrays.
 *
 * In 1-D a cluster is a contiguous run of the sorted values, bounded by the midpoints between
 * neighbouring centroids. So the values are sorted once, prefix sums give any run's mean in O(1),
 * and a Lloyd iteration costs O(k log n) (a binary search per boundary) instead of O(n·k); the final
 * assignment is a binary search over the k − 1 midpoints per value. 400k weights cluster in tens of
 * milliseconds, most of it the sort.
 *
 * Ties: a value exactly on a midpoint joins the upper cluster, in the iterations and in the final
 * assignment alike.
 *
 * Sparsity-preserving mode (tfmot `preserve_sparsity`, Deep Compression after pruning): zero is a
 * fixed centroid (index 0) that only exact zeros join, and the other k − 1 centroids cluster the
 * non-zero values — so the sparsity pattern is kept exactly.
 */
import { initCentroids, type ClusterInit } from './kmeans-init.js';
import { mulberry32 } from '../random.js';


export const MIN_CLUSTERS = 2;
export const MAX_CLUSTERS = 65_536;

export interface KMeansOptions {
  clusters: number;
  init: ClusterInit;
  /** Seed for the 'random' and 'kmeans++' inits (default 1). */
  seed?: number;
  /** Lloyd iterations at most (default 100; they stop early when no boundary moves). */
  maxIterations?: number;
  /** Keep zeros at exactly zero: centroid 0 is a fixed 0 and only zeros belong to it. */
  preserveZeros?: boolean;
}

export interface KMeansResult {
  /** The codebook, float32. Ascending, except that a preserved zero centroid comes first. */
  centroids: Float32Array;
  /** Codebook index of every value. */
  indices: Uint16Array;
  /** Lloyd iterations run. */
  iterations: number;
}

/**
 * Cluster `values` into `options.clusters` centroids.
 *
 * @example
 * kmeans1d(Float32Array.of(1, 1.5, 2, -5, 10), { clusters: 3, init: 'linear' });
 * // { centroids: [-5, 1.5, 10], indices: [1, 1, 1, 0, 2], iterations: … }
 */
export function kmeans1d(values: Float32Array, options: KMeansOptions): KMeansResult {
  const k = options.clusters;
  if (!Number.isInteger(k) || k < 1 || k > MAX_CLUSTERS) throw new RangeError(`clusters must be an integer in [1, ${MAX_CLUSTERS}], got ${k}`);
  const random = mulberry32(options.seed ?? 1);
  const maxIterations = options.maxIterations ?? 100;
  if (!options.preserveZeros) {
    const sorted = sortedValues(values, () => true);
    const { centroids, iterations } = lloyd(sorted, initCentroids(sorted, k, options.init, random), maxIterations);
    return { centroids: Float32Array.from(centroids), indices: assignNearest(values, centroids), iterations };
  }
  const sorted = sortedValues(values, (v) => v !== 0);
  const { centroids, iterations } = k > 1 ? lloyd(sorted, initCentroids(sorted, k - 1, options.init, random), maxIterations) : { centroids: new Float64Array(0), iterations: 0 };
  const codebook = new Float32Array(k);
  codebook.set(centroids, 1);
  const nonzero = k > 1 ? assignNearest(values, centroids) : new Uint16Array(values.length);
  const indices = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) indices[i] = values[i] === 0 || k === 1 ? 0 : nonzero[i]! + 1;
  return { centroids: codebook, indices, iterations };
}

/** The finite values passing `keep`, ascending, in doubles. */
export function sortedValues(values: Float32Array, keep: (v: number) => boolean): Float64Array {
  const out = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v) && keep(v)) out[n++] = v;
  }
  return out.subarray(0, n).sort();
}

/** First index of `sorted` whose value is ≥ x. */
export function lowerBound(sorted: Float64Array, x: number): number {
  let a = 0;
  let b = sorted.length;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (sorted[m]! < x) a = m + 1;
    else b = m;
  }
  return a;
}

/**
 * Lloyd's algorithm on sorted values. Each cluster is the run [b_j, b_{j+1}) between midpoints;
 * its new centroid is the run's mean; an empty cluster keeps its centroid.
 */
export function lloyd(sorted: Float64Array, initial: Float64Array, maxIterations: number): { centroids: Float64Array; iterations: number } {
  const k = initial.length;
  const n = sorted.length;
  const centroids = Float64Array.from(initial).sort();
  if (n === 0 || k === 0) return { centroids, iterations: 0 };
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i]! + sorted[i]!;
  let bounds = new Int32Array(k + 1);
  let next = new Int32Array(k + 1);
  bounds.fill(-1);
  let iterations = 0;
  while (iterations < maxIterations) {
    next[0] = 0;
    next[k] = n;
    for (let j = 1; j < k; j++) next[j] = lowerBound(sorted, (centroids[j - 1]! + centroids[j]!) / 2);
    let moved = false;
    for (let j = 0; j <= k; j++) if (next[j] !== bounds[j]) moved = true;
    if (!moved) break;
    [bounds, next] = [next, bounds];
    iterations++;
    for (let j = 0; j < k; j++) {
      const count = bounds[j + 1]! - bounds[j]!;
      if (count > 0) centroids[j] = (prefix[bounds[j + 1]!]! - prefix[bounds[j]!]!) / count;
    }
    centroids.sort();
  }
  return { centroids, iterations };
}

/** Index of the nearest of the ascending `centroids` for every value (midpoint ties go up). */
export function assignNearest(values: Float32Array, centroids: Float64Array): Uint16Array {
  const k = centroids.length;
  const midpoints = new Float64Array(Math.max(0, k - 1));
  for (let j = 0; j + 1 < k; j++) midpoints[j] = (centroids[j]! + centroids[j + 1]!) / 2;
  const indices = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    // Number of midpoints ≤ v = the index of the cluster v falls in.
    let a = 0;
    let b = midpoints.length;
    while (a < b) {
      const m = (a + b) >>> 1;
      if (midpoints[m]! <= v) a = m + 1;
      else b = m;
    }
    indices[i] = a;
  }
  return indices;
}
