/**
 * A model's existing zeros, kept through compression: `compress` promises that every weight that is
 * 0 in its input is 0 in its output (a model pruned by `smallnets prune` stays pruned whatever the
 * recipe). Retraining updates every weight, so the zeros of layers the recipe does not prune (or
 * prunes less than the input already is) would grow back; `restoreZeros` sets them back.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { prunableWeights } from '../pruning/index.js';

/** Where each prunable kernel is exactly 0, by weight name (kernels without zeros are left out). */
export type ZeroPattern = ReadonlyMap<string, { size: number; zeros: Uint32Array }>;

/** The positions of the zeros of every prunable kernel of `model`. */
export function zeroPattern(model: tfl.LayersModel): ZeroPattern {
  const pattern = new Map<string, { size: number; zeros: Uint32Array }>();
  for (const layer of model.layers) {
    for (const w of prunableWeights(layer)) {
      const values = w.read().dataSync();
      const zeros: number[] = [];
      for (let i = 0; i < values.length; i++) if (values[i] === 0) zeros.push(i);
      if (zeros.length > 0) pattern.set(w.originalName, { size: values.length, zeros: Uint32Array.from(zeros) });
    }
  }
  return pattern;
}

/**
 * Set the weights at `pattern`'s positions back to 0 in `model` (same weight names and sizes; a
 * kernel whose size changed is left alone). Returns how many weights had grown back.
 */
export function restoreZeros(model: tfl.LayersModel, pattern: ZeroPattern): number {
  if (pattern.size === 0) return 0;
  let regrown = 0;
  for (const layer of model.layers) {
    const weights = prunableWeights(layer);
    if (!weights.some((w) => pattern.has(w.originalName))) continue;
    const values = layer.getWeights();
    let changed = false;
    layer.weights.forEach((w, i) => {
      const entry = pattern.get(w.originalName);
      if (!entry || !weights.includes(w) || entry.size !== values[i]!.size) return;
      const v = Float32Array.from(values[i]!.dataSync() as Float32Array);
      let here = 0;
      for (const j of entry.zeros) {
        if (v[j] !== 0) {
          v[j] = 0;
          here++;
        }
      }
      if (here === 0) return;
      regrown += here;
      values[i] = tf.tensor(v, values[i]!.shape);
      changed = true;
    });
    if (changed) layer.setWeights(values);
  }
  return regrown;
}

/** Fraction of the prunable kernel weights that are exactly zero (global, over all prunable layers). */
export function kernelSparsity(model: tfl.LayersModel): number {
  let zeros = 0;
  let total = 0;
  for (const s of Object.values(layerSparsities(model))) {
    zeros += s.zeros;
    total += s.total;
  }
  return total === 0 ? 0 : zeros / total;
}

/** Zeros and size of each prunable layer's kernels, by layer name. */
export function layerSparsities(model: tfl.LayersModel): Record<string, { zeros: number; total: number; sparsity: number }> {
  const out: Record<string, { zeros: number; total: number; sparsity: number }> = {};
  for (const layer of model.layers) {
    const weights = prunableWeights(layer);
    if (weights.length === 0) continue;
    let zeros = 0;
    let total = 0;
    for (const w of weights) {
      const values = w.read().dataSync();
      total += values.length;
      for (let i = 0; i < values.length; i++) if (values[i] === 0) zeros++;
    }
    out[layer.name] = { zeros, total, sparsity: total === 0 ? 0 : zeros / total };
  }
  return out;
}
