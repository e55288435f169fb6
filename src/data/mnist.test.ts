import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { loadMnist, MNIST_TRAIN_COUNT, MNIST_TEST_COUNT, PIXELS } from './mnist.js';
import { head } from './split.js';
import { permutation } from '../random.js';
import { shiftedBatch } from './augment.js';

describe('MNIST split', () => {
  it('has 8,000 training and 2,000 test digits of 28×28 in [0, 1]', () => {
    const { train, test } = loadMnist();
    expect(train.count).toBe(MNIST_TRAIN_COUNT);
    expect(test.count).toBe(MNIST_TEST_COUNT);
    expect(train.images.length).toBe(MNIST_TRAIN_COUNT * PIXELS);
    let min = Infinity;
    let max = -Infinity;
    for (const v of test.images) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect(min).toBe(0);
    expect(max).toBeLessThanOrEqual(1);
  });

  it('is the same digits on every machine (pinned checksum of labels and pixels)', () => {
    const { train, test } = loadMnist();
    const digest = (a: ArrayBufferView) => createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex').slice(0, 16);
    // Recorded once from this implementation; a change means the split (or the package data) changed.
    expect({ trainLabels: digest(train.labels), testLabels: digest(test.labels) }).toMatchSnapshot();
    expect(digest(test.images)).toMatchSnapshot();
  });

  it('covers every class in both parts, roughly balanced', () => {
    const { train, test } = loadMnist();
    for (const split of [train, test]) {
      const counts = new Array(10).fill(0);
      for (const l of split.labels) counts[l]++;
      for (const c of counts) expect(c).toBeGreaterThan(split.count * 0.07);
    }
  });

  it('head() takes a prefix without copying', () => {
    const { train } = loadMnist();
    const h = head(train, 10);
    expect(h.count).toBe(10);
    expect(h.images.buffer).toBe(train.images.buffer);
  });
});

describe('seeded permutation', () => {
  it('is a permutation and depends only on the seed', () => {
    const a = permutation(1000, 42);
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(permutation(1000, 42))).toEqual(Array.from(a));
    expect(Array.from(permutation(1000, 43))).not.toEqual(Array.from(a));
  });
});

describe('shiftedBatch', () => {
  it('moves a single lit pixel by the drawn offset and fills with zeros', () => {
    const source = new Float32Array(PIXELS);
    source[14 * 28 + 14] = 1;
    const draws = [0.99, 0.0]; // dy = +2, dx = −2 with maxShift 2
    let k = 0;
    const out = shiftedBatch(source, [0], 2, () => draws[k++]!);
    expect(out[16 * 28 + 12]).toBe(1);
    expect(out.reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('with maxShift 0 copies images unchanged', () => {
    const { test } = loadMnist();
    const out = shiftedBatch(test.images, [3, 5], 0, Math.random);
    expect(Array.from(out.subarray(0, PIXELS))).toEqual(Array.from(test.images.subarray(3 * PIXELS, 4 * PIXELS)));
  });
});
