import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { onBothBackends, maxRelativeError } from './backends.test-util.js';
import { initBackend } from './backend.js';

type Pad = 'same' | 'valid';
const cases: Array<{ x: [number, number, number, number]; f: [number, number, number, number]; s: number; d: number; p: Pad }> = [
  { x: [2, 9, 9, 3], f: [3, 3, 3, 1], s: 1, d: 1, p: 'same' },
  { x: [2, 9, 9, 3], f: [3, 3, 3, 2], s: 1, d: 1, p: 'same' },
  { x: [2, 9, 9, 3], f: [3, 3, 3, 1], s: 2, d: 1, p: 'same' },
  { x: [2, 10, 11, 4], f: [3, 3, 4, 2], s: 2, d: 1, p: 'valid' },
  { x: [3, 7, 8, 2], f: [5, 5, 2, 1], s: 1, d: 1, p: 'valid' },
];

/** A k×k filter dilated by d equals a ((k−1)d+1)² filter with zeros between its taps. */
function dilateFilter(f: tf.Tensor4D, d: number): tf.Tensor4D {
  const [kh, kw, c, m] = f.shape;
  const eh = (kh - 1) * d + 1;
  const ew = (kw - 1) * d + 1;
  const src = f.dataSync();
  const out = new Float32Array(eh * ew * c * m);
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++)
      for (let k = 0; k < c * m; k++) out[((i * d) * ew + j * d) * c * m + k] = src[(i * kw + j) * c * m + k]!;
  return tf.tensor4d(out, [eh, ew, c, m]);
}

/** Take the taps of a gradient w.r.t. a zero-dilated filter back to the k×k filter. */
function undilate(g: tf.Tensor, k: [number, number], d: number): tf.Tensor {
  const [, ew, c, m] = g.shape as [number, number, number, number];
  const src = g.dataSync();
  const out = new Float32Array(k[0] * k[1] * c * m);
  for (let i = 0; i < k[0]; i++)
    for (let j = 0; j < k[1]; j++)
      for (let q = 0; q < c * m; q++) out[(i * k[1] + j) * c * m + q] = src[((i * d) * ew + j * d) * c * m + q]!;
  return tf.tensor4d(out, [k[0], k[1], c, m]);
}

const dilated: Array<{ x: [number, number, number, number]; f: [number, number, number, number]; d: number; p: Pad }> = [
  { x: [2, 11, 9, 3], f: [3, 3, 3, 2], d: 2, p: 'same' },
  { x: [2, 11, 9, 3], f: [3, 3, 3, 1], d: 2, p: 'valid' },
  { x: [1, 12, 12, 2], f: [2, 3, 2, 1], d: 3, p: 'same' },
];

describe('DepthwiseConv2dNative gradients on wasm match the cpu backend', () => {
  beforeAll(() => initBackend('wasm'));
  for (const c of cases) {
    it(`x=[${c.x}] f=[${c.f}] s=${c.s} d=${c.d} p=${c.p}`, async () => {
      const probe = tf.tidy(
        () => tf.depthwiseConv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.f) as tf.Tensor4D, c.s, c.p, 'NHWC', c.d).shape,
      );
      // tfjs's own gradient refuses dilation > 1, so call the backprop kernels directly.
      const { wasm, cpu } = await onBothBackends([c.x, c.f, probe], (x, f, dy) => {
        const attrs = { strides: [c.s, c.s], dilations: [c.d, c.d], pad: c.p };
        const dx = tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: dy!, filter: f! }, { ...attrs, inputShape: c.x } as unknown as tf.NamedAttrMap) as tf.Tensor;
        const df = tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: x!, dy: dy! }, { ...attrs, filterShape: c.f } as unknown as tf.NamedAttrMap) as tf.Tensor;
        return [dx, df];
      });
      expect(maxRelativeError(wasm[0]!, cpu[0]!)).toBeLessThan(1e-4);
      expect(maxRelativeError(wasm[1]!, cpu[1]!)).toBeLessThan(1e-4);
    });
  }

  // The cpu backend's backprop kernels ignore dilation, so the reference for dilated cases is the
  // cpu gradient of the equivalent undilated convolution with a zero-dilated filter.
  for (const c of dilated) {
    it(`x=[${c.x}] f=[${c.f}] s=1 d=${c.d} p=${c.p} (vs zero-dilated filter on cpu)`, async () => {
      const probe = tf.tidy(
        () => tf.depthwiseConv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.f) as tf.Tensor4D, 1, c.p, 'NHWC', c.d).shape,
      );
      const { wasm } = await onBothBackends([c.x, c.f, probe], (x, f, dy) => {
        const attrs = { strides: [1, 1], dilations: [c.d, c.d], pad: c.p };
        const dx = tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: dy!, filter: f! }, { ...attrs, inputShape: c.x } as unknown as tf.NamedAttrMap) as tf.Tensor;
        const df = tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: x!, dy: dy! }, { ...attrs, filterShape: c.f } as unknown as tf.NamedAttrMap) as tf.Tensor;
        return [dx, df];
      });
      const { cpu } = await onBothBackends([c.x, c.f, probe], (x, f, dy) => {
        const big = dilateFilter(f as tf.Tensor4D, c.d);
        const [dx, dBig] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, c.p), dy!)),
        )([x!, big]);
        return [dx!, undilate(dBig!, [c.f[0], c.f[1]], c.d)];
      });
      expect(maxRelativeError(wasm[0]!, cpu[0]!)).toBeLessThan(1e-4);
      expect(maxRelativeError(wasm[1]!, cpu[1]!)).toBeLessThan(1e-4);
    });
  }

  it('strides and dilations both above 1 fail with a clear error', async () => {
    await initBackend('wasm');
    expect(() =>
      tf.engine().runKernel(
        'DepthwiseConv2dNativeBackpropFilter',
        { x: tf.zeros([1, 9, 9, 2]), dy: tf.zeros([1, 3, 3, 2]) },
        { strides: [2, 2], dilations: [2, 2], pad: 'valid', filterShape: [3, 3, 2, 1] },
      ),
    ).toThrow(/one of them must be 1/);
  });
});
