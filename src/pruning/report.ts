/** Sparsity of any tf.layers model, measured over its prunable weights (the allowlisted kernels). */
import type * as tfl from '@tensorflow/tfjs-layers';
import { countNonzero } from '../analysis/nonzero.js';
import { prunableWeights } from './registry.js';

export interface LayerSparsity {
  name: string;
  className: string;
  /** Prunable weights of the layer (kernels, not biases). */
  params: number;
  nonzero: number;
  sparsity: number;
}

export interface SparsityReport {
  /** All weights of the model (biases, BatchNorm … included). */
  params: number;
  nonzeroParams: number;
  /** Prunable weights only. */
  prunableParams: number;
  prunableNonzero: number;
  /** 1 − nonzero/params over prunable weights. */
  sparsity: number;
  layers: LayerSparsity[];
}

/** Count weights and nonzeros per allowlisted layer and in total. */
export function sparsityReport(model: tfl.LayersModel): SparsityReport {
  let params = 0;
  let nonzeroParams = 0;
  for (const w of model.weights) {
    const values = w.read().dataSync();
    params += values.length;
    nonzeroParams += countNonzero(values);
  }
  const layers: LayerSparsity[] = [];
  for (const layer of model.layers) {
    const weights = prunableWeights(layer);
    if (weights.length === 0) continue;
    let size = 0;
    let nonzero = 0;
    for (const w of weights) {
      const values = w.read().dataSync();
      size += values.length;
      nonzero += countNonzero(values);
    }
    layers.push({ name: layer.name, className: layer.getClassName(), params: size, nonzero, sparsity: size === 0 ? 0 : 1 - nonzero / size });
  }
  const prunableParams = layers.reduce((s, l) => s + l.params, 0);
  const prunableNonzero = layers.reduce((s, l) => s + l.nonzero, 0);
  return {
    params,
    nonzeroParams,
    prunableParams,
    prunableNonzero,
    sparsity: prunableParams === 0 ? 0 : 1 - prunableNonzero / prunableParams,
    layers,
  };
}
