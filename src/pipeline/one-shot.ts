/**
 * The data-free forms of compress's structural stages: without training data, filters/units and
 * weights are chosen by magnitude at once and removed or zeroed without retraining.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { constant, globalMagnitudeMasks, magnitudeMask, prune, prunableWeightNames, pruningState, stripPruning } from '../pruning/index.js';
import type { LayerFractions } from './layer-fractions.js';

/** Mask each layer's weakest filters/units (L1) at once and strip the masks (same shapes, zero channels). */
export async function oneShotFilterMasks(model: tfl.LayersModel, fractions: LayerFractions): Promise<tfl.LayersModel> {
  const pruned = await prune(model, typeof fractions === 'number'
    ? { schedule: constant(fractions), granularity: 'filters' }
    : { schedule: constant(Math.max(...Object.values(fractions))), granularity: 'filters', sparsityByLayer: fractions });
  try {
    const state = pruningState(pruned);
    state.updateMasks(state.config.schedule.finalSparsity);
    return (await stripPruning(pruned)).model;
  } finally {
    pruned.dispose();
  }
}

/**
 * Zero the smallest-magnitude prunable weights of `model` in place: one global threshold across
 * layers for a number, each named layer's own sparsity for a map (other layers untouched).
 */
export function oneShotPrune(model: tfl.LayersModel, sparsity: LayerFractions): void {
  const targets: Array<{ layer: tfl.layers.Layer; index: number; values: Float32Array }> = [];
  for (const layer of model.layers) {
    const names = prunableWeightNames(layer.getClassName());
    if (!names) continue;
    if (typeof sparsity !== 'number' && sparsity[layer.name] === undefined) continue;
    layer.weights.forEach((w, index) => {
      const base = w.originalName.split('/').pop()!;
      if (names.includes(base)) targets.push({ layer, index, values: w.read().dataSync() as Float32Array });
    });
  }
  const masks = typeof sparsity !== 'number'
    ? targets.map((t) => magnitudeMask(t.values, sparsity[t.layer.name]!))
    : targets.length > 1 ? globalMagnitudeMasks(targets.map((t) => t.values), sparsity) : targets.map((t) => magnitudeMask(t.values, sparsity));
  targets.forEach((t, i) => {
    const masked = t.values.map((v, j) => (masks[i]![j] ? v : 0));
    const weights = t.layer.getWeights();
    weights[t.index] = tf.tensor(masked, weights[t.index]!.shape);
    t.layer.setWeights(weights);
  });
}
