/** Test helper: run the same computation on wasm (with our kernels) and on the cpu reference. */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from './backend.js';

export interface Compared {
  wasm: Float32Array[];
  cpu: Float32Array[];
}

/** Random inputs (seeded) → `compute` on both backends → output values for comparison. */
export async function onBothBackends(
  shapes: number[][],
  compute: (...inputs: tf.Tensor[]) => tf.Tensor[],
  seed = 7,
): Promise<Compared> {
  const values = shapes.map((shape, i) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    let s = (seed * 7919 + i * 104729) >>> 0;
    for (let j = 0; j < n; j++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      data[j] = s / 2 ** 31 - 1;
    }
    return data;
  });
  const run = async (backend: 'wasm' | 'cpu') => {
    await initBackend(backend);
    const outs = tf.tidy(() => compute(...values.map((v, i) => tf.tensor(v, shapes[i]!))));
    const data = await Promise.all(outs.map(async (o) => new Float32Array(await o.data())));
    tf.dispose(outs);
    return data;
  };
  const wasm = await run('wasm');
  const cpu = await run('cpu');
  await initBackend('wasm');
  return { wasm, cpu };
}

/** Largest |a−b| over two equally long arrays (throws on a length mismatch). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

/** Largest |a−b| relative to the largest |b| (the tolerance the kernel tests use). */
export function maxRelativeError(actual: Float32Array, expected: Float32Array): number {
  if (actual.length !== expected.length) return Number.POSITIVE_INFINITY;
  let maxDiff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return scale === 0 ? maxDiff : maxDiff / scale;
}
