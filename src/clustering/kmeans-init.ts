/**
 * Centroid initializations for 1-D k-means, on ascending values (tfmot clustering_centroids.py;
 * Deep Compression §3.2 compares the first three and finds linear best for accuracy, because it
 * keeps centroids on the rare large weights):
 *
 *   linear:   k points evenly spaced from min to max.
 *   density:  evenly spaced on the empirical CDF — the quantiles at (j + ½)/k, so each initial
 *             cluster holds about n/k values. (tfmot interpolates a 30-point CDF; we invert the exact one.)
 *   random:   k points uniform in [min, max] (tfmot RANDOM), seeded.
 *   kmeans++: Arthur & Vassilvitskii: the first centroid is a random value, each next one a value
 *             drawn with probability ∝ its squared distance to the nearest chosen centroid.
 */
export type ClusterInit = 'linear' | 'density' | 'random' | 'kmeans++';
export const CLUSTER_INITS: readonly ClusterInit[] = ['linear', 'density', 'random', 'kmeans++'];

/** k initial centroids, ascending, for ascending `sorted` (all zeros when there are no values). */
export function initCentroids(sorted: Float64Array, k: number, init: ClusterInit, random: () => number): Float64Array {
  const n = sorted.length;
  const out = new Float64Array(k);
  if (n === 0) return out;
  const lo = sorted[0]!;
  const hi = sorted[n - 1]!;
  switch (init) {
    case 'linear':
      for (let j = 0; j < k; j++) out[j] = k === 1 ? (lo + hi) / 2 : lo + ((hi - lo) * j) / (k - 1);
      break;
    case 'density':
      for (let j = 0; j < k; j++) out[j] = sorted[Math.min(n - 1, Math.floor(((j + 0.5) / k) * n))]!;
      break;
    case 'random':
      for (let j = 0; j < k; j++) out[j] = lo + (hi - lo) * random();
      break;
    case 'kmeans++':
      kmeansPlusPlus(sorted, out, random);
      break;
    default:
      throw new RangeError(`unknown init ${JSON.stringify(init)}`);
  }
  return out.sort();
}

/**
 * k-means++ seeding in O(n log n) overall: D² lives in a Fenwick tree (sampling and updates are
 * O(log n)), and a new centroid only lowers D² on the contiguous run of sorted values around it that
 * are now closer to it, so only that run is visited.
 */
function kmeansPlusPlus(sorted: Float64Array, out: Float64Array, random: () => number): void {
  const n = sorted.length;
  const k = out.length;
  const first = sorted[Math.min(n - 1, Math.floor(random() * n))]!;
  out[0] = first;
  const d2 = new Float64Array(n);
  for (let i = 0; i < n; i++) d2[i] = (sorted[i]! - first) ** 2;
  const tree = new Fenwick(d2);
  for (let j = 1; j < k; j++) {
    const total = tree.total();
    const p = total > 0 ? tree.find(random() * total) : Math.min(n - 1, Math.floor(random() * n));
    const v = sorted[p]!;
    out[j] = v;
    for (let i = p; i >= 0; i--) {
      const d = (sorted[i]! - v) ** 2;
      if (d >= d2[i]! && i !== p) break;
      tree.add(i, d - d2[i]!);
      d2[i] = d;
    }
    for (let i = p + 1; i < n; i++) {
      const d = (sorted[i]! - v) ** 2;
      if (d >= d2[i]!) break;
      tree.add(i, d - d2[i]!);
      d2[i] = d;
    }
  }
}

/** Prefix sums with O(log n) point updates and inverse lookup. */
class Fenwick {
  private readonly tree: Float64Array;
  constructor(values: Float64Array) {
    const n = values.length;
    this.tree = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) {
      this.tree[i + 1] = this.tree[i + 1]! + values[i]!;
      const parent = i + 1 + ((i + 1) & -(i + 1));
      if (parent <= n) this.tree[parent] = this.tree[parent]! + this.tree[i + 1]!;
    }
  }

  add(index: number, delta: number): void {
    for (let i = index + 1; i < this.tree.length; i += i & -i) this.tree[i] = this.tree[i]! + delta;
  }

  total(): number {
    let sum = 0;
    for (let i = this.tree.length - 1; i > 0; i -= i & -i) sum += this.tree[i]!;
    return sum;
  }

  /** The smallest index whose prefix sum (inclusive) exceeds `target`. */
  find(target: number): number {
    const n = this.tree.length - 1;
    let position = 0;
    let remaining = target;
    for (let step = 1 << Math.floor(Math.log2(Math.max(1, n))); step > 0; step >>= 1) {
      const next = position + step;
      if (next <= n && this.tree[next]! <= remaining) {
        position = next;
        remaining -= this.tree[next]!;
      }
    }
    return Math.min(position, n - 1);
  }
}
