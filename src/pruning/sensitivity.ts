/**
 * Sensitivity analysis (as in Distiller and Han et al. 2015): prune one layer at a time at
 * each sparsity, without retraining, and measure test accuracy. Layers whose accuracy collapses
 * early deserve a lower sparsity.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { usageCheck } from '../errors.js';
import type { Split } from '../data/split.js';
import { evaluateAccuracy } from '../training/evaluate.js';
import { cloneModel } from '../graph/clone.js';
import { formatGranularity, parseGranularity, type Granularity } from './config.js';
import { blockMask, channelMask, filterKeep, magnitudeMask, nmFits, nmMask } from './masks.js';
import { prunableWeights } from './registry.js';
import { DEFAULT_SENSITIVITIES, checkSparsities } from './defaults.js';

export { DEFAULT_SENSITIVITIES, checkSparsities };


export interface SensitivityOptions {
  sparsities?: readonly number[];
  /** Default unstructured. (N:M ignores the sparsity; filters removes that fraction of channels.) */
  granularity?: Granularity | string;
  /** Called after each measurement (progress): `done` of `total` measurements so far. */
  onResult?: (layer: string, sparsity: number, accuracy: number, done: number, total: number) => void;
}

export interface LayerSensitivity {
  name: string;
  className: string;
  params: number;
  /** Test accuracy keyed by sparsity, e.g. { "0.5": 0.991 }. */
  accuracy: Record<string, number>;
}

export interface SensitivityResult {
  baseline: number;
  sparsities: number[];
  granularity: string;
  layers: LayerSensitivity[];
}


function maskFor(g: Granularity, values: Float32Array, shape: number[], sparsity: number): Uint8Array | undefined {
  switch (g.kind) {
    case 'unstructured':
      return magnitudeMask(values, sparsity);
    case 'block':
      return blockMask(values, shape, g.rows, g.cols, sparsity, g.pooling);
    case 'nm':
      return nmFits(shape, g.m) ? nmMask(values, shape, g.n, g.m) : undefined;
    case 'filters':
      return channelMask(filterKeep(values, shape, sparsity, g.norm), shape);
  }
}

/**
 * Accuracy on `split` with each prunable layer pruned alone at each sparsity. The model is not
 * modified (a clone is measured).
 *
 * @example
 * const r = sensitivity(model, loadMnist().test, { sparsities: [0.5, 0.9] });
 * r.layers.map((l) => [l.name, l.accuracy['0.9']]);
 */
export function sensitivity(model: tfl.LayersModel, split: Split, options: SensitivityOptions = {}): SensitivityResult {
  const sparsities = [...(options.sparsities ?? DEFAULT_SENSITIVITIES)];
  checkSparsities(sparsities);
  const g = typeof options.granularity === 'string' ? parseGranularity(options.granularity) : (options.granularity ?? { kind: 'unstructured' as const });
  const clone = cloneModel(model);
  try {
    const baseline = evaluateAccuracy(clone, split);
    const layers: LayerSensitivity[] = [];
    const total = clone.layers.filter((l) => prunableWeights(l).length > 0).length * sparsities.length;
    let done = 0;
    for (const layer of clone.layers) {
      const weights = prunableWeights(layer);
      if (weights.length === 0) continue;
      const originals = weights.map((w) => Float32Array.from(w.read().dataSync() as Float32Array));
      const entry: LayerSensitivity = { name: layer.name, className: layer.getClassName(), params: 0, accuracy: {} };
      entry.params = originals.reduce((s, v) => s + v.length, 0);
      for (const sparsity of sparsities) {
        let changed = false;
        weights.forEach((w, i) => {
          const shape = w.shape as number[];
          const mask = maskFor(g, originals[i]!, shape, sparsity);
          if (!mask) return;
          const masked = originals[i]!.map((v, j) => (mask[j] ? v : 0));
          tf.tidy(() => {
            w.write(tf.tensor(masked, shape));
          });
          changed = true;
        });
        done++;
        if (!changed) continue;
        const accuracy = evaluateAccuracy(clone, split);
        entry.accuracy[String(sparsity)] = accuracy;
        options.onResult?.(layer.name, sparsity, accuracy, done, total);
      }
      weights.forEach((w, i) =>
        tf.tidy(() => {
          w.write(tf.tensor(originals[i]!, w.shape as number[]));
        }),
      );
      if (Object.keys(entry.accuracy).length > 0) layers.push(entry);
    }
    return { baseline, sparsities, granularity: formatGranularity(g), layers };
  } finally {
    clone.dispose();
  }
}
