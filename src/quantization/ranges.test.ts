import { describe, expect, it } from 'vitest';
import { fakeQuantArray } from './fake-quant.js';
import { gridsWithRatios, searchClipRatios, squaredError, weightGrids } from './ranges.js';

/** Gaussian-ish weights with a few outliers, like a trained kernel. */
function weights(n: number, seed = 11): Float32Array {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  return Float32Array.from({ length: n }, () => {
    const g = (next() + next() + next() + next() - 2) * 0.05;
    return next() < 0.002 ? g * 8 : g;
  });
}

function totalError(values: Float32Array, channels: number, range: 'mse' | 'minmax', bits: number): number {
  const grids = weightGrids(values, { bits, symmetric: true, channels, range });
  const q = fakeQuantArray(values, grids);
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += (q[i]! - values[i]!) ** 2;
  return sum;
}

describe('weight ranges', () => {
  it("'minmax' covers every value: nothing is clipped", () => {
    const w = weights(5000);
    const [grid] = weightGrids(w, { bits: 4, symmetric: true, channels: 1, range: 'minmax' });
    const maxAbs = w.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(grid!.scale * 7).toBeCloseTo(maxAbs, 6);
  });

  it("'mse' clips outliers and has less quantization error than 'minmax' at every bit width", () => {
    const w = weights(20000);
    for (let bits = 2; bits <= 8; bits++) {
      expect(totalError(w, 1, 'mse', bits)).toBeLessThanOrEqual(totalError(w, 1, 'minmax', bits));
    }
    // At 2 bits (ternary) the best clip is far inside max|w|.
    expect(searchClipRatios(w, { bits: 2, symmetric: true, channels: 1, range: 'mse' })[0]).toBeLessThan(0.5);
  });

  it('per-channel ratios are searched per channel and reused by gridsWithRatios', () => {
    const w = weights(300 * 40);
    const options = { bits: 3, symmetric: true, channels: 40, range: 'mse' as const };
    const ratios = searchClipRatios(w, options);
    expect(ratios.length).toBe(40);
    expect(gridsWithRatios(w, options, ratios)).toEqual(weightGrids(w, options));
    expect(totalError(w, 40, 'mse', 3)).toBeLessThan(totalError(w, 1, 'mse', 3));
  });

  it('squaredError is zero for values on the grid', () => {
    const [grid] = weightGrids(Float32Array.of(-1, 1), { bits: 2, symmetric: true, channels: 1, range: 'minmax' });
    expect(squaredError(Float64Array.of(-1, 0, 1), grid!)).toBe(0);
  });

  // A hang guard, not a benchmark: a busy CI machine must not fail it.
  it('choosing ranges for a 400k-weight kernel takes seconds, not minutes', () => {
    const w = weights(400_000);
    const t0 = performance.now();
    weightGrids(w, { bits: 4, symmetric: true, channels: 1, range: 'mse' });
    weightGrids(w, { bits: 4, symmetric: true, channels: 500, range: 'mse' });
    expect(performance.now() - t0).toBeLessThan(10_000);
  });
});
