/** Distinct kernel values per layer — the number a quantized or clustered layer must stay under. */
import type * as tfl from '@tensorflow/tfjs-layers';
import { KERNEL_LAYERS, kernelVariable } from '../graph/kernel-layers.js';

/**
 * For every Dense/Conv2D/DepthwiseConv2D layer of a plain model: how many distinct kernel values it holds.
 *
 * @example
 * distinctValuesPerLayer((await stripClustering(clustered)).model); // { conv1: 16, conv2: 16, fc1: 4, fc2: 4 }
 */
export function distinctValuesPerLayer(model: tfl.LayersModel): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const layer of model.layers) {
    const entry = KERNEL_LAYERS[layer.getClassName()];
    if (!entry) continue;
    counts[layer.name] = new Set(kernelVariable(layer, entry).read().dataSync()).size;
  }
  return counts;
}
