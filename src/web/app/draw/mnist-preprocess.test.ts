import { describe, expect, it } from 'vitest';
import { loadMnist } from '../../../data/mnist.js';
import { centerOfMass, inkBounds, preprocessLikeMnist, resizeArea } from './mnist-preprocess.js';
import type { Gray } from '../filter/convolution.js';

/** A 28×28 digit enlarged `factor` times, as if drawn on a canvas. */
function enlarge(digit: Float32Array, factor: number): Gray {
  const size = 28 * factor;
  const data = new Float32Array(size * size);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) data[y * size + x] = digit[Math.floor(y / factor) * 28 + Math.floor(x / factor)]!;
  return { width: size, height: size, data };
}

describe('preprocessLikeMnist', () => {
  it('returns most real test digits unchanged from a 10× enlargement (20×20 box, center of mass at 14)', () => {
    const { test } = loadMnist();
    let unchanged = 0;
    for (let i = 0; i < 100; i++) {
      const digit = test.images.subarray(i * 784, (i + 1) * 784);
      const out = preprocessLikeMnist(enlarge(digit, 10))!;
      if (out.data.every((v, j) => Math.abs(v - digit[j]!) < 1e-4)) unchanged++;
    }
    expect(unchanged).toBeGreaterThanOrEqual(90);
  });

  it('scales a small off-center stroke into the 20×20 box, centered by mass', () => {
    const drawing: Gray = { width: 100, height: 100, data: new Float32Array(100 * 100) };
    for (let y = 5; y < 15; y++) for (let x = 70; x < 75; x++) drawing.data[y * 100 + x] = 1; // a 5×10 bar, top right
    const out = preprocessLikeMnist(drawing)!;
    const [x0, y0, x1, y1] = inkBounds(out)!;
    expect([x1 - x0, y1 - y0]).toEqual([10, 20]);
    const com = centerOfMass(out)!;
    expect(Math.abs(com.x - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(com.y - 14)).toBeLessThanOrEqual(0.5);
  });

  it('is null for an empty drawing', () => {
    expect(preprocessLikeMnist({ width: 50, height: 50, data: new Float32Array(2500) })).toBeNull();
  });

  it('resizeArea keeps the mean (area averaging, no lost ink)', () => {
    const image: Gray = { width: 7, height: 5, data: Float32Array.from({ length: 35 }, (_, i) => (i * 37) % 11 / 10) };
    const out = resizeArea(image, [0, 0, 7, 5], 3, 2);
    const mean = (g: Float32Array) => g.reduce((a, b) => a + b, 0) / g.length;
    expect(mean(out.data)).toBeCloseTo(mean(image.data), 5);
  });
});
