/** Test helpers: zoo-style models with non-trivial weights, their .snn bytes and TF.js cpu outputs. */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type * as tfl from '@tensorflow/tfjs-layers';
import { decodeSnn, type EncodingHint } from '../format/index.js';
import { encodeModel, snnToLayersModel, type EncodingHints } from '../models/snn-model.js';
import { randomizeAuxWeights } from '../export/onnx.test-util.js';

/** Seeded uniform values in [lo, hi). */
export function seededValues(count: number, seed: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(count);
  let s = (seed * 2654435761) >>> 0;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + ((hi - lo) * s) / 2 ** 32;
  }
  return out;
}

/** The model's .snn bytes (aux weights randomized first) and its TF.js cpu output on `input`. */
export async function referenceCase(
  build: () => tfl.LayersModel,
  batch: number,
  seed: number,
  hints: EncodingHints = {},
): Promise<{ bytes: Uint8Array; input: Float32Array; expected: Float32Array }> {
  await tf.setBackend('cpu');
  const model = build();
  randomizeAuxWeights(model, seed);
  const shape = model.inputs[0]!.shape.slice(1) as number[];
  const input = seededValues(batch * shape.reduce((a, b) => a * b, 1), seed + 1);
  const { bytes } = await encodeModel(model, hints);
  const y = tf.tidy(() => model.predict(tf.tensor(input, [batch, ...shape])) as tf.Tensor);
  const expected = new Float32Array(await y.data());
  y.dispose();
  return { bytes, input, expected };
}

/**
 * Deep Compression-style .snn of `build()`: every kernel pruned to `keep` of its weights (magnitude),
 * then stored per `hintFor` (codebook / affine / sparse). The expected output comes from TF.js cpu on
 * the *decoded* file, so quantization error is not counted against the runtime.
 */
export async function compressedCase(
  build: () => tfl.LayersModel,
  batch: number,
  seed: number,
  hintFor: (name: string, values: Float32Array, shape: readonly number[]) => EncodingHint | null,
): Promise<{ bytes: Uint8Array; input: Float32Array; expected: Float32Array }> {
  await tf.setBackend('cpu');
  const model = build();
  randomizeAuxWeights(model, seed);
  const hints: EncodingHints = {};
  for (const layer of model.layers) {
    const pruned = layer.weights.map((w) => {
      const values = w.read().dataSync() as Float32Array;
      const hint = hintFor(w.originalName, values, w.shape as number[]);
      if (hint !== null) hints[w.originalName] = hint;
      return tf.tensor(values, w.shape as number[]);
    });
    if (pruned.length > 0) layer.setWeights(pruned);
    tf.dispose(pruned);
  }
  const { bytes } = await encodeModel(model, hints);
  const decoded = await snnToLayersModel(decodeSnn(bytes));
  const shape = model.inputs[0]!.shape.slice(1) as number[];
  const input = seededValues(batch * shape.reduce((a, b) => a * b, 1), seed + 1);
  const y = tf.tidy(() => decoded.predict(tf.tensor(input, [batch, ...shape])) as tf.Tensor);
  const expected = new Float32Array(await y.data());
  y.dispose();
  return { bytes, input, expected };
}

/** Zero all but the `keep` fraction of largest-magnitude values, in place. */
export function pruneInPlace(values: Float32Array, keep: number): Float32Array {
  const sorted = Float32Array.from(values, Math.abs).sort();
  const threshold = sorted[Math.min(sorted.length - 1, Math.floor((1 - keep) * sorted.length))]!;
  for (let i = 0; i < values.length; i++) if (Math.abs(values[i]!) < threshold) values[i] = 0;
  return values;
}

/** k evenly spaced centroids over the values' range, with an exact 0 among them. */
export function linearCodebook(values: Float32Array, k: number): Float32Array {
  let lo = 0;
  let hi = 0;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const c = Float32Array.from({ length: k }, (_, i) => lo + ((hi - lo) * i) / (k - 1));
  let nearest = 0;
  for (let i = 1; i < k; i++) if (Math.abs(c[i]!) < Math.abs(c[nearest]!)) nearest = i;
  c[nearest] = 0;
  return c;
}

/** 8-bit symmetric per-output-channel affine encoding (zero point 128, scale max|w|/127): q − z is an int8. */
export function symmetricInt8Hint(values: Float32Array, shape: readonly number[]): EncodingHint {
  const channels = shape[shape.length - 1]!;
  const maxAbs = new Float32Array(channels);
  values.forEach((v, i) => (maxAbs[i % channels] = Math.max(maxAbs[i % channels]!, Math.abs(v))));
  const scales = Float32Array.from(maxAbs, (m) => (m > 0 ? m / 127 : 1));
  return { bits: 8, perChannel: true, scales, zeroPoints: new Int32Array(channels).fill(128) };
}
