import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../engine/backend.js';
import { mulberry32 } from '../../../random.js';
import { convolve, explainPixel, outputGeometry, toGrayBytes, type Gray, type Padding } from './convolution.js';
import { PRESETS, presetKernel } from './presets.js';

function randomGray(width: number, height: number, seed: number): Gray {
  const next = mulberry32(seed);
  return { width, height, data: Float32Array.from({ length: width * height }, () => next()) };
}

/** TF.js cpu conv2d: the reference the playground's loops must match. */
function reference(image: Gray, kernel: Float32Array, k: number, stride: number, padding: Padding): Float32Array {
  return tf.tidy(() => tf.conv2d(tf.tensor4d(image.data, [1, image.height, image.width, 1]), tf.tensor4d(kernel, [k, k, 1, 1]), stride, padding).dataSync() as Float32Array);
}

beforeAll(() => initBackend('cpu'));

describe('convolve', () => {
  const cases: Array<[number, number, number, number, Padding]> = [
    [28, 28, 3, 1, 'same'], [28, 28, 3, 1, 'valid'], [28, 28, 5, 2, 'same'], [27, 31, 5, 3, 'valid'], [13, 9, 3, 2, 'same'], [4, 4, 5, 1, 'same'], [4, 4, 5, 1, 'valid'],
  ];
  for (const [w, h, k, stride, padding] of cases) {
    it(`x=[${h},${w}] k=${k} s=${stride} p=${padding} matches tfjs conv2d`, () => {
      const image = randomGray(w, h, w * 31 + k);
      const kernel = Float32Array.from(randomGray(k, k, stride + 5).data, (v) => v * 2 - 1);
      const out = convolve(image, { kernel, size: k, stride, padding });
      const want = reference(image, kernel, k, stride, padding);
      expect([out.height, out.width]).toEqual([outputGeometry(h, k, stride, padding).size, outputGeometry(w, k, stride, padding).size]);
      expect(out.data.length).toBe(want.length);
      out.data.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
    });
  }

  it('explainPixel sums to the output pixel and marks the padding', () => {
    const image = randomGray(10, 8, 3);
    const filter = { kernel: presetKernel('sobelX', 3), size: 3, stride: 2, padding: 'same' as const };
    const out = convolve(image, filter);
    for (const [ox, oy] of [[0, 0], [4, 3], [2, 1]] as const) {
      const { terms, sum } = explainPixel(image, filter, ox, oy);
      expect(sum).toBeCloseTo(out.data[oy * out.width + ox]!, 6);
      expect(terms).toHaveLength(9);
    }
    expect(explainPixel(image, filter, 4, 3).terms.some((t) => t.padded)).toBe(true); // bottom-right: past the edge
    expect(explainPixel(image, filter, 2, 1).terms.some((t) => t.padded)).toBe(false);
  });
});

describe('presets and display', () => {
  it('a 3×3 preset sits in the middle of a 5×5 editor and a 5×5 one keeps its center in 3×3', () => {
    const big = presetKernel('identity', 5);
    expect(big[12]).toBe(1);
    expect(big.reduce((a, b) => a + b, 0)).toBe(1);
    expect(Array.from(presetKernel('gaussian', 3))).toEqual([16, 24, 16, 24, 36, 24, 16, 24, 16].map((v) => Math.fround(v / 256)));
    expect(Array.from(presetKernel('sobelX', 3))).toEqual([...PRESETS.sobelX.kernel]);
  });

  it('toGrayBytes stretches min to black and max to white, and a flat map is mid-gray', () => {
    const bytes = toGrayBytes(Float32Array.from([-2, 0, 2]));
    expect([bytes[0], bytes[4], bytes[8], bytes[3]]).toEqual([0, 128, 255, 255]);
    expect(toGrayBytes(Float32Array.from([5, 5]))[0]).toBe(128);
  });
});
