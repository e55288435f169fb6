import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from './backend.js';
import { onBothBackends, maxRelativeError } from './backends.test-util.js';
import { maxPoolBackprop } from './maxpool-grad.js';

describe('MaxPoolGrad on wasm matches the cpu backend', () => {
  beforeAll(() => initBackend('wasm'));
  const cases: Array<{ x: [number, number, number, number]; k: number; s: number; p: 'same' | 'valid' }> = [
    { x: [2, 8, 8, 3], k: 2, s: 2, p: 'valid' },
    { x: [2, 9, 9, 3], k: 3, s: 2, p: 'same' },
    { x: [1, 7, 5, 4], k: 3, s: 1, p: 'same' },
    { x: [3, 11, 10, 2], k: 2, s: 3, p: 'valid' },
  ];
  for (const c of cases) {
    it(`x=[${c.x}] k=${c.k} s=${c.s} p=${c.p}`, async () => {
      const { wasm, cpu } = await onBothBackends([c.x], (x) => [
        tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(v as tf.Tensor4D, c.k, c.s, c.p), tf.range(1, 1 + tf.maxPool(v as tf.Tensor4D, c.k, c.s, c.p).size).reshape(tf.maxPool(v as tf.Tensor4D, c.k, c.s, c.p).shape))))(x!),
      ]);
      expect(maxRelativeError(wasm[0]!, cpu[0]!)).toBeLessThan(1e-4);
    });
  }

  it('ties route the gradient to the first maximum only, as TensorFlow does', () => {
    const x = new Float32Array([1, 1, 1, 1]); // one 2×2 window of equal values
    const dx = new Float32Array(4);
    maxPoolBackprop(x, new Float32Array([5]), {
      batch: 1, inHeight: 2, inWidth: 2, channels: 1, outHeight: 1, outWidth: 1,
      filterHeight: 2, filterWidth: 2, strideHeight: 2, strideWidth: 2, padTop: 0, padLeft: 0,
    }, dx);
    expect(Array.from(dx)).toEqual([5, 0, 0, 0]);
  });
});
