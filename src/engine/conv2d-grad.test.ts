import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from './backend.js';
import { onBothBackends, maxRelativeError } from './backends.test-util.js';
import { setConvGradStrategy, type ConvGradStrategy } from './conv2d-grad-gemm.js';

type Pad = 'same' | 'valid';
const cases: Array<{ x: [number, number, number, number]; f: [number, number, number, number]; s: number; p: Pad }> = [
  { x: [2, 9, 9, 3], f: [3, 3, 3, 4], s: 1, p: 'same' },
  { x: [2, 9, 9, 3], f: [3, 3, 3, 4], s: 2, p: 'same' },
  { x: [2, 9, 9, 3], f: [3, 3, 3, 4], s: 2, p: 'valid' },
  { x: [2, 10, 11, 3], f: [5, 5, 3, 4], s: 2, p: 'valid' },
  { x: [3, 7, 8, 2], f: [4, 4, 2, 5], s: 3, p: 'same' },
  { x: [1, 13, 7, 5], f: [2, 3, 5, 3], s: 1, p: 'valid' },
  { x: [4, 28, 28, 1], f: [5, 5, 1, 20], s: 1, p: 'valid' },
];

for (const strategy of ['auto', 'conv', 'gemm'] as ConvGradStrategy[]) describe(`Conv2D gradients on wasm match the cpu backend (input gradient: ${strategy})`, () => {
  beforeAll(async () => {
    await initBackend('wasm');
    setConvGradStrategy(strategy);
  });
  afterAll(() => {
    setConvGradStrategy('auto');
  });
  for (const c of cases) {
    it(`x=[${c.x}] f=[${c.f}] s=${c.s} p=${c.p}`, async () => {
      const probe = tf.tidy(() => tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.f) as tf.Tensor4D, c.s, c.p).shape);
      const { wasm, cpu } = await onBothBackends([c.x, c.f, probe], (x, f, dy) => {
        const loss = (xx: tf.Tensor, ff: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, c.s, c.p), dy!));
        const [dx, df] = tf.grads(loss)([x!, f!]);
        return [dx!, df!];
      });
      expect(maxRelativeError(wasm[0]!, cpu[0]!)).toBeLessThan(1e-4);
      expect(maxRelativeError(wasm[1]!, cpu[1]!)).toBeLessThan(1e-4);
    });
  }

  it('explicit padding larger than the kernel reach still matches', async () => {
    const pad: tf.backend_util.ExplicitPadding = [[0, 0], [3, 1], [0, 4], [0, 0]];
    const x: [number, number, number, number] = [2, 6, 6, 2];
    const f: [number, number, number, number] = [3, 3, 2, 3];
    const probe = tf.tidy(() => tf.conv2d(tf.zeros(x) as tf.Tensor4D, tf.zeros(f) as tf.Tensor4D, 2, pad).shape);
    const { wasm, cpu } = await onBothBackends([x, f, probe], (xx, ff, dy) => {
      const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, pad), dy!)))([xx!, ff!]);
      return [dx!, df!];
    });
    expect(maxRelativeError(wasm[0]!, cpu[0]!)).toBeLessThan(1e-4);
    expect(maxRelativeError(wasm[1]!, cpu[1]!)).toBeLessThan(1e-4);
  });
});
