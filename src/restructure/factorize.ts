/**
 * k×k Conv2D → a stack of (k−1)/2 3×3 Conv2Ds with the same receptive field (VGG; Inception v3's
 * "factorizing convolutions"): 5×5 → `conv_a`, `conv_b`; 7×7 → `conv_a`, `conv_b`, `conv_c`.
 *
 * Choices, and why:
 * - Receptive field and output shape are preserved exactly: every 3×3 uses the original padding
 *   ('valid' shrinks by 2 per conv, k−1 in total, as the original; 'same' keeps the size), and the
 *   original stride sits on the LAST conv (a stride on the first would widen the receptive field to
 *   3 + 2·stride).
 * - ReLU between the stacked convs by default (VGG's argument: more non-linearities for the same
 *   receptive field), the original activation after the last; `between: 'linear'` keeps the stack
 *   linear (then intermediate biases are dropped: a constant passes through a linear conv).
 * - Intermediate channels default to min(cin, cout) ('min'). The seed's arithmetic (1300 → 1000
 *   params, 0.72 of the cost) assumes cin = cout = intermediate, where 'min' = 'output'. With
 *   intermediate = cout and cin < cout (LeNet-5: 1 → 20, 20 → 50) the stack is LARGER than the
 *   original (conv2: 25,050 → 31,600 params) — 'min' is the choice that never grows a layer:
 *   9·a·(a + b) < 25·a·b whenever a ≤ b. 'output', 'input' or a number override it.
 * - New weights start fresh (seeded glorot-uniform): two stacked 3×3 kernels have no closed-form
 *   fit to a 5×5 one; distillation (distill.ts) is how the stack learns the original's function.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { UsageError } from '../errors.js';
import { convInfo, freshInitializer, inputChannels } from './conv.js';
import { cloneSpec, rebuildModel, type LayerSpec } from '../graph/rebuild.js';
import { selectLayers, type LayerSelection } from './select.js';

export type Intermediate = 'min' | 'output' | 'input' | number;

export interface FactorizeOptions {
  /** Conv2D layers with odd square kernels ≥ 5 to factorize: 'all' (default) or names. */
  layers?: LayerSelection;
  /** Channels of the intermediate 3×3 convs (default 'min' = min(cin, cout)). */
  intermediate?: Intermediate;
  /** Activation between the stacked convs (default 'relu'). */
  between?: 'relu' | 'linear';
  /** Seeds the initializers of the new layers. */
  seed?: number;
}

const SUFFIXES = 'abcdefghijklmnopqrstuvwxyz';

/** Why a layer cannot be factorized, or undefined when it can. */
export function factorizeIneligible(layer: tfl.layers.Layer): string | undefined {
  const info = convInfo(layer);
  if (info === undefined) return `is a ${layer.getClassName()}, not a Conv2D`;
  const [kh, kw] = info.kernel;
  if (kh !== kw || kh < 5 || kh % 2 === 0) return `has a ${kh}×${kw} kernel; only odd square kernels of 5×5 and up factorize into 3×3s`;
  if (info.dilation[0] !== 1 || info.dilation[1] !== 1) return 'is dilated (dilation is not supported)';
  if (!info.channelsLast) return 'uses channelsFirst data (only channelsLast is supported)';
  if (info.padding !== 'valid' && info.padding !== 'same') return `uses '${info.padding}' padding`;
  return undefined;
}

/** Number of 3×3 convs replacing a k×k one. */
export function stackDepth(kernelSize: number): number {
  return (kernelSize - 1) / 2;
}

/** Intermediate channel count for a cin → cout conv. */
export function intermediateChannels(choice: Intermediate, cin: number, cout: number): number {
  switch (choice) {
    case 'min':
      return Math.min(cin, cout);
    case 'output':
      return cout;
    case 'input':
      return cin;
    default:
      if (!Number.isInteger(choice) || choice < 1) throw new UsageError(`intermediate channels must be a positive integer, got ${choice}`);
      return choice;
  }
}

/**
 * A new model with the selected k×k Conv2D layers replaced by stacks of 3×3 Conv2Ds.
 *
 * @example
 * const m = factorize(lenet5(), { layers: 'all' });
 * m.layers.map((l) => l.name); // conv1_a, conv1_b, pool1, conv2_a, conv2_b, pool2, flatten, fc1, fc2
 */
export function factorize(model: tfl.LayersModel, options: FactorizeOptions = {}): tfl.LayersModel {
  const choice = options.intermediate ?? 'min';
  if (typeof choice === 'number') intermediateChannels(choice, 1, 1);
  else if (!['min', 'output', 'input'].includes(choice)) throw new UsageError(`intermediate must be min, output, input or a number, got ${String(choice)}`);
  const between = options.between ?? 'relu';
  if (between !== 'relu' && between !== 'linear') throw new UsageError(`between must be 'relu' or 'linear', got ${String(between)}`);
  const selected = selectLayers(model, options.layers ?? 'all', 'factorize', factorizeIneligible);
  let index = 0;
  const replace = (layer: tfl.layers.Layer): LayerSpec[] | undefined => {
    if (!selected.has(layer.name)) return undefined;
    const info = convInfo(layer)!;
    const depth = stackDepth(info.kernel[0]);
    const mid = intermediateChannels(choice, inputChannels(layer), info.filters);
    return Array.from({ length: depth }, (_, i) => {
      const last = i === depth - 1;
      return cloneSpec(layer, {
        name: `${info.name}_${SUFFIXES[i]}`,
        filters: last ? info.filters : mid,
        kernelSize: [3, 3],
        strides: last ? info.strides : [1, 1],
        dilationRate: [1, 1],
        activation: last ? info.activation : between,
        useBias: last ? info.useBias : between === 'relu',
        kernelInitializer: freshInitializer(options.seed, index++),
        biasInitializer: 'zeros',
      });
    });
  };
  return rebuildModel(model, { replace, name: `${model.name}_factorized` }).model;
}
