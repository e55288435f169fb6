import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../engine/backend.js';
import { CentroidIndexMap, gatherCentroids } from './gather-centroids.js';

beforeAll(() => initBackend('cpu'));
afterAll(() => initBackend('cpu'));

// A [3, 4] kernel over 5 clusters (cluster 3 has no members).
const indices = [0, 1, 1, 4, 2, 0, 4, 4, 1, 0, 2, 1];
const shape = [3, 4];
const centroidValues = [-0.3, 0.1, 0.25, 0.7, -0.05];
const upstream = Float32Array.from({ length: 12 }, (_, i) => Math.cos(i * 0.9) + 0.1 * i);

/** A loss that is not linear in the kernel, so its gradient depends on the centroids. */
function loss(kernel: tf.Tensor): tf.Scalar {
  return tf.sum(tf.add(tf.mul(kernel, tf.tensor2d(upstream, [3, 4])), tf.square(kernel))) as tf.Scalar;
}

describe('gather(centroids, indices) with the sum-of-members gradient', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`forward gathers and the centroid gradient is the sum of its members' kernel gradients (${backend})`, async () => {
      await initBackend(backend);
      const map = new CentroidIndexMap(indices, 5, shape);
      const c = tf.tensor1d(centroidValues);
      const kernel = gatherCentroids(c, map);
      expect(Array.from(kernel.dataSync())).toEqual(indices.map((j) => Math.fround(centroidValues[j]!)));
      const dc = tf.grad((t: tf.Tensor) => loss(gatherCentroids(t as tf.Tensor1D, map)))(c).dataSync();
      const dk = tf.grad((k: tf.Tensor) => loss(k))(kernel).dataSync();
      const expected = new Float64Array(5);
      indices.forEach((j, i) => (expected[j] += dk[i]!));
      expected.forEach((v, j) => expect(dc[j]).toBeCloseTo(v, 5));
      expect(dc[3]).toBe(0);
      tf.dispose([c, kernel]);
      map.dispose();
      await initBackend('cpu');
    });
  }

  it('matches central finite differences of the loss in each centroid', () => {
    const map = new CentroidIndexMap(indices, 5, shape);
    const f = (values: number[]) => tf.tidy(() => loss(gatherCentroids(tf.tensor1d(values), map)).dataSync()[0]!);
    const analytic = tf.tidy(() => tf.grad((t: tf.Tensor) => loss(gatherCentroids(t as tf.Tensor1D, map)))(tf.tensor1d(centroidValues)).dataSync());
    const h = 1e-2; // the loss is quadratic in each centroid: central differences are exact up to float32 rounding
    for (let j = 0; j < 5; j++) {
      const plus = [...centroidValues];
      const minus = [...centroidValues];
      plus[j]! += h;
      minus[j]! -= h;
      expect(analytic[j]).toBeCloseTo((f(plus) - f(minus)) / (2 * h), 3);
    }
    map.dispose();
  });

  it('a last cluster without members still gets a (zero) gradient entry', () => {
    const map = new CentroidIndexMap([0, 0, 1], 4, [3]);
    const g = tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(gatherCentroids(t as tf.Tensor1D, map)))(tf.tensor1d([1, 2, 3, 4])).dataSync());
    expect(Array.from(g)).toEqual([2, 1, 0, 0]);
    map.dispose();
  });

  it('rejects out-of-range indices and a centroid count that does not match the map', () => {
    expect(() => new CentroidIndexMap([0, 3], 3, [2])).toThrow(/out of range/);
    const map = new CentroidIndexMap([0, 1], 2, [2]);
    expect(() => tf.tidy(() => gatherCentroids(tf.tensor1d([1, 2, 3]), map))).toThrow(/3 centroids for an index map of 2/);
    map.dispose();
  });
});
