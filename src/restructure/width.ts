/**
 * Width multiplier (MobileNet's α): every hidden Conv2D / SeparableConv2D / Dense keeps round(α·n)
 * of its filters or units; the layer that produces the model's output never shrinks (its class count
 * is the task), but its inputs follow the layers before it.
 *
 * Start: by default the new, thinner model inherits the kept units' weights, choosing the units with
 * the largest L1 norm (Li et al. 2017) and slicing every downstream weight that reads them
 * (following channels through pooling, BatchNormalization, depthwise convs and Flatten). That is a
 * structured-pruning start for distillation; `init: 'fresh'` trains the thinner net from scratch, as
 * the MobileNet paper does.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { UsageError } from '../errors.js';
import { cloneSpec, layerConfig, rebuildModel, type LayerConfig } from '../graph/rebuild.js';
import { selectLayers, type LayerSelection } from './select.js';
import { depthwiseOutputs, flattenedIndices, gatherAxis, outputL1Norms, scaledCount, strongest } from './width-math.js';
import { weightBaseName } from '../models/layer-facts.js';

export interface WidthOptions {
  /** Layers to thin: 'all' hidden Conv2D/SeparableConv2D/Dense layers (default) or names. */
  layers?: LayerSelection;
  /** 'inherit' (default): keep the strongest units' weights; 'fresh': initializers. */
  init?: 'inherit' | 'fresh';
}

const SCALABLE: Record<string, string> = { Conv2D: 'filters', SeparableConv2D: 'filters', Dense: 'units' };

/** Layers through which channels pass unchanged (their kept set is their input's). */
const CHANNEL_PRESERVING = new Set([
  'Activation', 'ReLU', 'LeakyReLU', 'ELU', 'ThresholdedReLU', 'Softmax', 'MaxPooling1D', 'MaxPooling2D',
  'AveragePooling1D', 'AveragePooling2D', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D', 'GlobalMaxPooling1D',
  'GlobalMaxPooling2D', 'Dropout', 'SpatialDropout1D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout',
  'ZeroPadding2D', 'Cropping2D', 'UpSampling2D', 'BatchNormalization',
]);

type Kept = Int32Array | null;

interface Plan {
  inKept: Kept;
  outKept: Kept;
  overrides?: LayerConfig;
}

/** The weight layers whose units are the model's outputs: found by walking back from each output. */
function outputProducers(model: tfl.LayersModel): Set<string> {
  const names = new Set<string>();
  for (const output of model.outputs) {
    let layer: tfl.layers.Layer | undefined = output.sourceLayer;
    while (layer !== undefined && !(layer.getClassName() in SCALABLE)) {
      layer = layer.inboundNodes[0]?.inboundLayers.length === 1 ? layer.inboundNodes[0]!.inboundLayers[0] : undefined;
    }
    if (layer !== undefined) names.add(layer.name);
  }
  return names;
}

function planLayer(layer: tfl.layers.Layer, inputs: Kept[], scale: number | undefined): Plan {
  const className = layer.getClassName();
  const changed = inputs.some((k) => k !== null);
  if (inputs.length > 1) {
    if (changed) throw new UsageError(`widthMultiplier: layer '${layer.name}' (${className}) merges several inputs; only chains of layers are supported`);
    return { inKept: null, outKept: null };
  }
  const inKept = inputs[0] ?? null;
  if (className in SCALABLE) {
    if (scale === undefined) return { inKept, outKept: null };
    const kernel = layer.weights.find((w) => ['kernel', 'pointwise_kernel'].includes(weightBaseName(w.originalName)))!;
    const units = kernel.shape[kernel.shape.length - 1] as number;
    const keep = strongest(outputL1Norms(kernel.read().dataSync(), units), scaledCount(units, scale));
    return { inKept, outKept: keep, overrides: { [SCALABLE[className]!]: keep.length } };
  }
  if (!changed) return { inKept, outKept: null };
  if (className === 'DepthwiseConv2D') {
    return { inKept, outKept: depthwiseOutputs(inKept!, Number(layerConfig(layer)['depthMultiplier'] ?? 1)) };
  }
  if (className === 'Flatten') {
    const shape = layer.inboundNodes[0]!.inputTensors[0]!.shape.slice(1) as number[];
    const channels = shape[shape.length - 1]!;
    const positions = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    return { inKept, outKept: flattenedIndices(positions, channels, inKept!) };
  }
  if (className === 'BatchNormalization') {
    const axis = layerConfig(layer)['axis'];
    if (axis !== -1 && axis !== (layer.inboundNodes[0]!.inputTensors[0]!.shape.length - 1)) {
      throw new UsageError(`widthMultiplier: BatchNormalization '${layer.name}' normalizes axis ${String(axis)}, not the channels`);
    }
  }
  if (CHANNEL_PRESERVING.has(className)) return { inKept, outKept: inKept };
  throw new UsageError(`widthMultiplier: layer '${layer.name}' of class ${className} cannot follow a thinned layer`);
}

/** Which axes of a weight to slice, by weight role. */
function sliceAxes(base: string, rank: number, plan: Plan, multiplier: number): Array<[number, Kept]> {
  switch (base) {
    case 'kernel':
      return [[rank - 2, plan.inKept], [rank - 1, plan.outKept]];
    case 'depthwise_kernel':
      return [[2, plan.inKept]];
    case 'pointwise_kernel':
      return [[2, plan.inKept && depthwiseOutputs(plan.inKept, multiplier)], [3, plan.outKept]];
    case 'bias':
      return [[0, plan.outKept]];
    default: // BatchNormalization's gamma, beta, moving mean and variance
      return [[0, plan.inKept]];
  }
}

function slicedWeights(original: tfl.layers.Layer, plan: Plan): tf.Tensor[] {
  const multiplier = Number(layerConfig(original)['depthMultiplier'] ?? 1);
  return original.weights.map((w) => {
    let shape = w.shape as number[];
    let values: ArrayLike<number> = w.read().dataSync();
    for (const [axis, kept] of sliceAxes(weightBaseName(w.originalName), shape.length, plan, multiplier)) {
      if (kept === null) continue;
      values = gatherAxis(values, shape, axis, kept);
      shape = shape.map((d, i) => (i === axis ? kept.length : d));
    }
    return tf.tensor(values as Float32Array, shape);
  });
}

/**
 * A new model with hidden layers thinned to α of their filters/units (α in (0, 1]).
 *
 * @example
 * const half = widthMultiplier(lenet5(), 0.5);
 * half.countParams(); // conv 10 and 25 filters, fc1 250 units: 109,295 params instead of 431,080
 */
export function widthMultiplier(model: tfl.LayersModel, alpha: number, options: WidthOptions = {}): tfl.LayersModel {
  if (!(Number.isFinite(alpha) && alpha > 0 && alpha <= 1)) throw new UsageError(`width multiplier must be in (0, 1], got ${alpha}`);
  const init = options.init ?? 'inherit';
  if (init !== 'inherit' && init !== 'fresh') throw new UsageError(`width init must be 'inherit' or 'fresh', got ${String(init)}`);
  const protectedNames = outputProducers(model);
  const selected = selectLayers(model, options.layers ?? 'all', 'width', (layer) => {
    if (!(layer.getClassName() in SCALABLE)) return `is a ${layer.getClassName()}, not a Conv2D, SeparableConv2D or Dense layer`;
    if (protectedNames.has(layer.name)) return 'produces the model output (its units are the classes)';
    return undefined;
  });
  const plans = new Map<string, Plan>();
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    const node = layer.inboundNodes[0]!;
    const inputs = node.inboundLayers.map((l) => plans.get(l.name)?.outKept ?? null);
    plans.set(layer.name, planLayer(layer, inputs, selected.has(layer.name) ? alpha : undefined));
  }
  const rebuilt = rebuildModel(model, {
    name: `${model.name}_width${alpha}`,
    replace: (layer) => {
      const overrides = plans.get(layer.name)?.overrides;
      return overrides ? [cloneSpec(layer, overrides)] : undefined;
    },
  });
  if (init === 'inherit') {
    for (const [name, plan] of plans) {
      if (plan.inKept === null && plan.outKept === null) continue;
      const original = model.getLayer(name);
      if (original.weights.length === 0) continue;
      const weights = slicedWeights(original, plan);
      rebuilt.layers.get(name)![0]!.setWeights(weights);
      tf.dispose(weights);
    }
  }
  return rebuilt.model;
}
