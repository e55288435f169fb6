import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../engine/backend.js';
import { fakeQuantArray, gridFromRange, gridLimits } from './fake-quant.js';
import { fakeQuant, fakeQuantWithGrids } from './fake-quant-op.js';

beforeAll(() => initBackend('cpu'));

function seeded(n: number, scale: number, seed = 3): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32 - 0.5) * 2 * scale;
  });
}

describe('fakeQuant op forward', () => {
  it('fakeQuant(x, 0, 0.75, 2 bits) gives the known grid values', () => {
    const out = tf.tidy(() => fakeQuant(tf.tensor1d([-0.2, 0.1, 0.26, 0.9]), 0, 0.75, { bits: 2 }).dataSync());
    expect(Array.from(out)).toEqual([0, 0, 0.25, 0.75]);
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`matches the pure reference bit for bit on ${backend} (bits 2..8, symmetric and not)`, async () => {
      await initBackend(backend);
      const xs = seeded(3000, 0.9);
      for (let bits = 2; bits <= 8; bits++) {
        for (const symmetric of [true, false]) {
          const grid = gridFromRange(-0.61, 0.43, { bits, symmetric });
          const op = tf.tidy(() => fakeQuantWithGrids(tf.tensor1d(xs), [grid]).dataSync() as Float32Array);
          expect(op).toEqual(fakeQuantArray(xs, [grid]));
        }
      }
      await initBackend('cpu');
    });
  }

  it('per-channel: a [4, 3] tensor uses one grid per column (last axis)', () => {
    const xs = seeded(12, 1);
    const grids = [gridFromRange(-1, 1, { bits: 2, symmetric: true }), gridFromRange(-0.1, 0.1, { bits: 3, symmetric: true }), gridFromRange(-1, 1, { bits: 8, symmetric: false })];
    const out = tf.tidy(() => fakeQuantWithGrids(tf.tensor2d(xs, [4, 3]), grids).dataSync() as Float32Array);
    expect(out).toEqual(fakeQuantArray(xs, grids));
    // Column 1 is clipped to ±0.1; column 0 only holds -1, 0, 1.
    for (let r = 0; r < 4; r++) {
      expect(Math.abs(out[r * 3 + 1]!)).toBeLessThanOrEqual(0.1 + 1e-7);
      expect([-1, 0, 1]).toContain(out[r * 3]!);
    }
  });

  it('refuses a grid count that is neither 1 nor the last dimension', () => {
    const grids = [gridFromRange(-1, 1, { bits: 4, symmetric: true }), gridFromRange(-1, 1, { bits: 4, symmetric: true })];
    expect(() => tf.tidy(() => fakeQuantWithGrids(tf.zeros([2, 3]), grids))).toThrow(/2 grids for a last axis of 3/);
  });
});

describe('fakeQuant op gradient: clipped straight-through estimator', () => {
  it('passes dy unchanged inside [min, max] (limits included) and zero outside', () => {
    const grid = gridFromRange(-1, 1, { bits: 3, symmetric: true });
    const { min, max } = gridLimits(grid);
    const x = tf.tensor1d([-2, min, -0.55, 0, 0.3, max, 1.0001, 7]);
    const dy = tf.tensor1d([1, 2, 3, 4, 5, 6, 7, 8]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(fakeQuantWithGrids(t, [grid]), dy)))(x);
    expect(Array.from(g.dataSync())).toEqual([0, 2, 3, 4, 5, 6, 0, 0]);
    tf.dispose([x, dy, g]);
  });

  it('is per channel: each column clips at its own limits', () => {
    const grids = [gridFromRange(-0.5, 0.5, { bits: 4, symmetric: true }), gridFromRange(-2, 2, { bits: 4, symmetric: true })];
    const x = tf.tensor2d([[0.4, 0.4], [1, 1], [-3, -1.5]]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(fakeQuantWithGrids(t, grids)))(x);
    expect(Array.from(g.dataSync())).toEqual([1, 1, 0, 1, 0, 1]);
    tf.dispose([x, g]);
  });

  it('the gradient is the identity although the forward pass is a staircase', () => {
    const grid = gridFromRange(-1, 1, { bits: 2, symmetric: true });
    const x = tf.tensor1d(seeded(50, 0.99));
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.square(fakeQuantWithGrids(t, [grid]))))(x);
    // d/dx Σ fq(x)² = 2·fq(x) under the straight-through estimator.
    const expected = tf.tidy(() => tf.mul(2, fakeQuantWithGrids(x, [grid])));
    expect(Array.from(g.dataSync())).toEqual(Array.from(expected.dataSync()));
    tf.dispose([x, g, expected]);
  });

  it('leaks no tensors', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const x = tf.tensor1d([0.1, 0.5]);
      tf.grad((t: tf.Tensor) => tf.sum(fakeQuant(t, -1, 1, { bits: 4 })))(x);
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});
