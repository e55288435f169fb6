import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../random.js';
import { separableFactors, symmetricEigen } from './lowrank.js';
import { maxAbsDiff } from '../engine/backends.test-util.js';

function randomArray(n: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  return Float32Array.from({ length: n }, () => random() * 2 - 1);
}

/** Σ_j D[s,c,j]·P[c·m+j,o] — the kernel a depthwise + pointwise pair computes. */
function compose(depthwise: Float32Array, pointwise: Float32Array, taps: number, cin: number, cout: number, m: number): Float32Array {
  const out = new Float32Array(taps * cin * cout);
  for (let s = 0; s < taps; s++) {
    for (let c = 0; c < cin; c++) {
      for (let o = 0; o < cout; o++) {
        let v = 0;
        for (let j = 0; j < m; j++) v += depthwise[(s * cin + c) * m + j]! * pointwise[(c * m + j) * cout + o]!;
        out[(s * cin + c) * cout + o] = v;
      }
    }
  }
  return out;
}

describe('symmetricEigen (cyclic Jacobi)', () => {
  it('n=9 random symmetric: A = V·diag(λ)·Vᵀ, V orthonormal, λ descending', () => {
    const n = 9;
    const r = randomArray(n * n, 3);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = r[i * n + j]! + r[j * n + i]!;
    const { values, vectors } = symmetricEigen(a, n);
    for (let j = 1; j < n; j++) expect(values[j]!).toBeLessThanOrEqual(values[j - 1]!);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let rec = 0;
        let dot = 0;
        for (let k = 0; k < n; k++) {
          rec += vectors[i * n + k]! * values[k]! * vectors[j * n + k]!;
          dot += vectors[k * n + i]! * vectors[k * n + j]!;
        }
        expect(rec).toBeCloseTo(a[i * n + j]!, 10);
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 10);
      }
    }
  });
});

describe('separableFactors', () => {
  it('an exactly separable 3×3 kernel (cin=4, cout=6) is reproduced exactly, energy 1', () => {
    const [taps, cin, cout] = [9, 4, 6];
    const d = randomArray(taps * cin, 1);
    const p = randomArray(cin * cout, 2);
    const kernel = compose(d, p, taps, cin, cout, 1);
    const f = separableFactors(kernel, taps, cin, cout, 1);
    expect(maxAbsDiff(compose(f.depthwise, f.pointwise, taps, cin, cout, 1), kernel)).toBeLessThan(1e-5);
    expect(f.energy).toBeCloseTo(1, 6);
  });

  it('multiplier = taps reproduces any kernel (5×5, cin=3, cout=8)', () => {
    const kernel = randomArray(25 * 3 * 8, 4);
    const f = separableFactors(kernel, 25, 3, 8, 25);
    expect(maxAbsDiff(compose(f.depthwise, f.pointwise, 25, 3, 8, 25), kernel)).toBeLessThan(1e-5);
    expect(f.energy).toBeCloseTo(1, 6);
  });

  it('rank 1 is the best rank-1 fit: its squared error is (1 − energy)·‖W‖², and beats a perturbed fit', () => {
    const [taps, cin, cout] = [9, 2, 5];
    const kernel = randomArray(taps * cin * cout, 5);
    const f = separableFactors(kernel, taps, cin, cout, 1);
    const approx = compose(f.depthwise, f.pointwise, taps, cin, cout, 1);
    const sq = (a: ArrayLike<number>, b?: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + (v - (b?.[i] ?? 0)) ** 2, 0);
    const err = sq(kernel, approx);
    expect(err).toBeCloseTo((1 - f.energy) * sq(kernel), 4);
    const nudged = Float32Array.from(f.depthwise, (v, i) => v + (i === 0 ? 0.05 : 0));
    expect(sq(kernel, compose(nudged, f.pointwise, taps, cin, cout, 1))).toBeGreaterThan(err);
    expect(f.energy).toBeGreaterThan(0);
    expect(f.energy).toBeLessThan(1);
  });

  it('an all-zero kernel gives zero factors', () => {
    const f = separableFactors(new Float32Array(9 * 2 * 3), 9, 2, 3, 1);
    expect(f.depthwise.every((v) => v === 0) && f.pointwise.every((v) => v === 0)).toBe(true);
    expect(f.energy).toBe(1);
  });
});
