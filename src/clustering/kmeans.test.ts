import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../random.js';
import { assignNearest, kmeans1d, lloyd, sortedValues } from './kmeans.js';
import { CLUSTER_INITS, initCentroids } from './kmeans-init.js';

const f32 = (xs: number[]) => Float32Array.from(xs);

function gaussianish(n: number, seed = 5): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: n }, () => (r() + r() + r() + r() - 2) * 0.05);
}

describe('k-means on known 1-D data', () => {
  it('three separated groups: exact centroids (group means) and assignments, for every init', () => {
    const data = f32([1, 1.5, 2, -5, -5.5, 10, 10.25, 10.5, -4.5, 1.25]);
    for (const init of CLUSTER_INITS) {
      const { centroids, indices } = kmeans1d(data, { clusters: 3, init, seed: 3 });
      expect(Array.from(centroids)).toEqual([-5, 1.4375, 10.25]);
      expect(Array.from(indices)).toEqual([1, 1, 1, 0, 0, 2, 2, 2, 0, 1]);
    }
  });

  it('Lloyd iterations converge to the classic 1-D example {1,2,3,10,11,12} with k = 2', () => {
    const sorted = Float64Array.of(1, 2, 3, 10, 11, 12);
    const { centroids, iterations } = lloyd(sorted, Float64Array.of(1, 2), 100);
    expect(Array.from(centroids)).toEqual([2, 11]);
    expect(iterations).toBeGreaterThan(1);
  });

  it('a value exactly on a midpoint joins the upper cluster', () => {
    expect(Array.from(assignNearest(f32([0, 0.5, 1]), Float64Array.of(0, 1)))).toEqual([0, 1, 1]);
  });

  it('k larger than the distinct values leaves duplicates but assigns every value exactly', () => {
    const data = f32([0.5, 0.5, -0.25, -0.25]);
    const { centroids, indices } = kmeans1d(data, { clusters: 4, init: 'linear' });
    data.forEach((v, i) => expect(centroids[indices[i]!]).toBe(v));
  });
});

describe('centroid inits', () => {
  const sorted = sortedValues(gaussianish(10_000), () => true);
  const lo = sorted[0]!;
  const hi = sorted[sorted.length - 1]!;

  it('linear: evenly spaced from min to max', () => {
    const c = initCentroids(sorted, 5, 'linear', mulberry32(1));
    expect(c[0]).toBe(lo);
    expect(c[4]).toBeCloseTo(hi, 12);
    for (let j = 1; j < 5; j++) expect(c[j]! - c[j - 1]!).toBeCloseTo((hi - lo) / 4, 12);
  });

  it('density: quantiles, so each initial cluster holds about n/k values', () => {
    const k = 8;
    const c = initCentroids(sorted, k, 'density', mulberry32(1));
    const values = Float32Array.from(sorted);
    const counts = new Array<number>(k).fill(0);
    for (const i of assignNearest(values, c)) counts[i]!++;
    // Between midpoints of quantile centroids: the middle clusters hold close to n/k each.
    for (let j = 1; j < k - 1; j++) expect(counts[j]! / sorted.length).toBeGreaterThan(0.5 / k);
    // Linear init crowds the tails with few values instead.
    const linear = assignNearest(values, initCentroids(sorted, k, 'linear', mulberry32(1)));
    expect(linear.filter((i) => i === 0).length).toBeLessThan(counts[0]!);
  });

  it('random: uniform in [min, max], reproducible from the seed', () => {
    const a = initCentroids(sorted, 16, 'random', mulberry32(9));
    const b = initCentroids(sorted, 16, 'random', mulberry32(9));
    const c = initCentroids(sorted, 16, 'random', mulberry32(10));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    for (const v of a) expect(v >= lo && v <= hi).toBe(true);
  });

  it('kmeans++: picks data points, spread out (one per separated group), reproducible', () => {
    const groups = sortedValues(f32([...Array.from({ length: 100 }, (_, i) => -10 + i * 1e-3), ...Array.from({ length: 100 }, (_, i) => i * 1e-3), ...Array.from({ length: 100 }, (_, i) => 10 + i * 1e-3)]), () => true);
    const c = initCentroids(groups, 3, 'kmeans++', mulberry32(4));
    const members = new Set(groups);
    for (const v of c) expect(members.has(v)).toBe(true);
    expect(c.map((v) => Math.round(v / 10))).toEqual(Float64Array.of(-1, 0, 1));
    expect(initCentroids(groups, 3, 'kmeans++', mulberry32(4))).toEqual(c);
  });

  it('every init returns k ascending centroids', () => {
    for (const init of CLUSTER_INITS) {
      const c = initCentroids(sorted, 32, init, mulberry32(2));
      expect(c.length).toBe(32);
      for (let j = 1; j < 32; j++) expect(c[j]!).toBeGreaterThanOrEqual(c[j - 1]!);
    }
  });
});

describe('sparsity-preserving clustering', () => {
  it('zeros get the fixed zero centroid (index 0) and no non-zero value does', () => {
    const w = gaussianish(5000);
    for (let i = 0; i < w.length; i += 3) w[i] = 0;
    const { centroids, indices } = kmeans1d(w, { clusters: 8, init: 'linear', preserveZeros: true });
    expect(centroids[0]).toBe(0);
    w.forEach((v, i) => expect(indices[i] === 0).toBe(v === 0));
    const rebuilt = Float32Array.from(indices, (j) => centroids[j]!);
    w.forEach((v, i) => expect(rebuilt[i] === 0).toBe(v === 0));
  });
});

// Speed is measured by benchmarks; these bounds only catch a hang or a quadratic blow-up on a busy machine.
describe('no blow-up', () => {
  it('400k weights cluster into 16 (and 256) centroids in seconds, not minutes, for every init', () => {
    const w = gaussianish(400_000);
    for (const init of CLUSTER_INITS) {
      const t0 = performance.now();
      const { centroids } = kmeans1d(w, { clusters: 16, init });
      expect(centroids.length).toBe(16);
      expect(performance.now() - t0).toBeLessThan(10_000);
    }
    const t0 = performance.now();
    kmeans1d(w, { clusters: 256, init: 'kmeans++' });
    expect(performance.now() - t0).toBeLessThan(10_000);
  });
});
