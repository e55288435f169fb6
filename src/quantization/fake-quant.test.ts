import { describe, expect, it } from 'vitest';
import { dequantizeAffine, quantizeAffine } from '../format/values.js';
import { UsageError } from '../errors.js';
import {
  channelMinMax, codeRange, dequantizeCode, fakeQuantArray, fakeQuantValue, gridFromRange, gridLimits, quantizeCode, quantizeCodes, validateBits,
} from './fake-quant.js';

const values = (xs: number[]) => Float32Array.from(xs);

describe('fake quantization grids (exact values on known grids)', () => {
  it('symmetric 2 bits over [-1, 1] is ternary {-1, 0, 1} with round half up', () => {
    const grid = gridFromRange(-1, 1, { bits: 2, symmetric: true });
    expect(grid).toEqual({ bits: 2, scale: 1, zeroPoint: 2, qmin: 1, qmax: 3 });
    expect(Array.from(fakeQuantArray(values([-0.7, 0.2, 0.6, 3, -0.5, 0.5, -9]), [grid]))).toEqual([-1, 0, 1, 1, 0, 1, -1]);
  });

  it('symmetric 4 bits over ±7/8 has step 1/8 and levels -7/8..7/8', () => {
    const grid = gridFromRange(-0.5, 0.875, { bits: 4, symmetric: true });
    expect(grid.scale).toBe(0.125);
    expect(grid.zeroPoint).toBe(8);
    expect(gridLimits(grid)).toEqual({ min: -0.875, max: 0.875 });
    expect(Array.from(fakeQuantArray(values([0.06, 0.0625, 0.3, -0.3, 1, -1]), [grid]))).toEqual([0, 0.125, 0.25, -0.25, 0.875, -0.875]);
  });

  it('asymmetric 2 bits over [0, 0.75] has levels 0, .25, .5, .75', () => {
    const grid = gridFromRange(0, 0.75, { bits: 2, symmetric: false });
    expect(grid).toEqual({ bits: 2, scale: 0.25, zeroPoint: 0, qmin: 0, qmax: 3 });
    expect(Array.from(fakeQuantArray(values([-0.2, 0.1, 0.26, 0.9, 0.125, 0.5]), [grid]))).toEqual([0, 0, 0.25, 0.75, 0.25, 0.5]);
  });

  it('asymmetric 3 bits over [-0.5, 1.25]: step 0.25, zero point 2', () => {
    const grid = gridFromRange(-0.5, 1.25, { bits: 3, symmetric: false });
    expect(grid).toEqual({ bits: 3, scale: 0.25, zeroPoint: 2, qmin: 0, qmax: 7 });
    expect(Array.from(fakeQuantArray(values([-0.6, -0.37, 0.1, 1.1, 2]), [grid]))).toEqual([-0.5, -0.25, 0, 1, 1.25]);
  });

  it('nudges a range whose zero falls between levels so that 0 is a level (TF FakeQuantWithMinMaxVars)', () => {
    // [-0.26, 0.74] at 2 bits: scale 1/3, zero point 0.78 → 1: the grid becomes [-1/3, 2/3].
    const grid = gridFromRange(-0.26, 0.74, { bits: 2, symmetric: false });
    expect(grid.zeroPoint).toBe(1);
    expect(grid.scale).toBe(Math.fround(1 / 3));
    expect(gridLimits(grid).min).toBeCloseTo(-1 / 3, 6);
    expect(gridLimits(grid).max).toBeCloseTo(2 / 3, 6);
    expect(fakeQuantValue(0, grid)).toBe(0);
    expect(fakeQuantValue(0.74, grid)).toBe(gridLimits(grid).max);
  });

  it('widens ranges that exclude 0 so zero stays exactly representable', () => {
    for (const [lo, hi] of [[0.3, 0.9], [-2, -0.5], [-0.013, 7.1]] as const) {
      for (const symmetric of [true, false]) {
        for (let bits = 2; bits <= 8; bits++) {
          const grid = gridFromRange(lo, hi, { bits, symmetric });
          expect(fakeQuantValue(0, grid)).toBe(0);
          expect(quantizeCode(0, grid)).toBe(grid.zeroPoint);
        }
      }
    }
  });

  it('matches TF FakeQuantWithMinMaxArgs on its no-nudging 8-bit case [-10, 15.5]', () => {
    const grid = gridFromRange(-10, 15.5, { bits: 8, symmetric: false });
    expect(grid.zeroPoint).toBe(100);
    const out = fakeQuantArray(values([-10.1, -10, -9.9, 15.5, 15.6]), [grid]);
    [-10, -10, -9.9, 15.5, 15.5].forEach((v, i) => expect(out[i]).toBeCloseTo(v, 5));
  });

  it('an all-zero range gets scale 1 and maps everything to 0', () => {
    for (const symmetric of [true, false]) {
      const grid = gridFromRange(0, 0, { bits: 4, symmetric });
      expect(grid.scale).toBe(1);
      expect(Array.from(fakeQuantArray(values([0, 0.3, -0.2]), [grid]))).toEqual([0, 0, 0]);
    }
  });
});

describe('codes follow the .snn affine contract', () => {
  it('codes lie in [qmin, qmax] and dequantize (also via src/format/values) to the fake-quantized values', () => {
    const xs = Float32Array.from({ length: 500 }, (_, i) => Math.sin(i * 1.7) * 0.37);
    for (const symmetric of [true, false]) {
      for (let bits = 2; bits <= 8; bits++) {
        const grid = gridFromRange(-0.3, 0.25, { bits, symmetric });
        const { qmin, qmax } = codeRange(bits, symmetric);
        const codes = quantizeCodes(xs, [grid]);
        const fq = fakeQuantArray(xs, [grid]);
        codes.forEach((q, i) => {
          expect(q).toBeGreaterThanOrEqual(qmin);
          expect(q).toBeLessThanOrEqual(qmax);
          expect(dequantizeCode(q, grid)).toBe(fq[i]);
          expect(dequantizeAffine(q, grid.scale, grid.zeroPoint)).toBe(fq[i]);
          expect(quantizeAffine(fq[i]!, grid.scale, grid.zeroPoint, 2 ** bits - 1)).toBe(q);
        });
      }
    }
  });

  it('a symmetric b-bit grid has 2^b − 1 levels, an asymmetric one 2^b', () => {
    // Inputs beyond the range on both sides, so even a nudged-out extreme level is reached.
    const xs = Float32Array.from({ length: 4000 }, (_, i) => -2 + (4 * i) / 3999);
    for (let bits = 2; bits <= 8; bits++) {
      expect(new Set(fakeQuantArray(xs, [gridFromRange(-1, 1, { bits, symmetric: true })])).size).toBe(2 ** bits - 1);
      expect(new Set(fakeQuantArray(xs, [gridFromRange(-1, 1, { bits, symmetric: false })])).size).toBe(2 ** bits);
    }
  });
});

describe('per-channel grids', () => {
  it('element i uses the grid of channel i mod C (the last axis)', () => {
    // A [2, 3] tensor, channels of very different magnitude.
    const xs = values([0.3, 30, 0.003, -0.7, -70, 0.007]);
    const { min, max } = channelMinMax(xs, 3);
    expect(Array.from(min)).toEqual([Math.fround(-0.7), -70, 0]);
    expect(Array.from(max)).toEqual([Math.fround(0.3), 30, Math.fround(0.007)]);
    const grids = [0, 1, 2].map((c) => gridFromRange(min[c]!, max[c]!, { bits: 8, symmetric: true }));
    expect(grids[1]!.scale / grids[0]!.scale).toBeCloseTo(100, 3);
    const out = fakeQuantArray(xs, grids);
    xs.forEach((x, i) => expect(Math.abs(out[i]! - x)).toBeLessThanOrEqual(grids[i % 3]!.scale / 2 + 1e-9));
    // One shared grid would wipe out the small channel.
    const shared = fakeQuantArray(xs, [gridFromRange(-70, 30, { bits: 8, symmetric: true })]);
    expect(shared[2]).toBe(0);
    expect(out[2]).not.toBe(0);
  });
});

describe('bit widths are validated', () => {
  it.each([1, 9, 0, 2.5, Number.NaN, -4])('bits %s fails with a one-line UsageError', (bits) => {
    expect(() => validateBits(bits)).toThrow(UsageError);
    expect(() => gridFromRange(-1, 1, { bits, symmetric: true })).toThrow(/bits must be an integer in \[2, 8\]/);
  });
  it('bits 2..8 are accepted', () => {
    for (let bits = 2; bits <= 8; bits++) expect(() => validateBits(bits)).not.toThrow();
  });
});
