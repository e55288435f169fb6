/**
 * Conv2D → DepthwiseConv2D + 1×1 Conv2D (MobileNet's depthwise-separable convolution).
 *
 * `conv` becomes `conv_dw` (the spatial filter, one per input channel, same kernel size, strides
 * and padding, no bias, no activation) followed by `conv_pw` (1×1, the original filters,
 * bias and activation). No activation between the two, as Keras SeparableConv2D: the pair is then a
 * constrained version of the original convolution, and its best approximation of the original has
 * a closed form (per input channel SVD, lowrank.ts) that training starts from.
 *
 * Cost per output position, for a k×k kernel, cin → cout: k²·cin·cout MACs become
 * k²·cin + cin·cout, a ratio of 1/cout + 1/k² (Howard et al. 2017).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { UsageError } from '../errors.js';
import { convInfo, freshInitializer, inputChannels } from './conv.js';
import { cloneSpec, rebuildModel, type LayerConfig, type LayerSpec } from '../graph/rebuild.js';
import { separableFactors } from './lowrank.js';
import { selectLayers, type LayerSelection } from './select.js';

export interface SeparableOptions {
  /** Conv2D layers to convert: 'all' (default) or names. */
  layers?: LayerSelection;
  /** Depthwise filters per input channel (default 1). */
  depthMultiplier?: number;
  /**
   * 'svd' (default): start from the best approximation of the original kernel that the
   * separable shape allows; 'fresh': start from the layers' initializers.
   */
  init?: 'svd' | 'fresh';
  /** Seeds the initializers of the new layers. */
  seed?: number;
}

type DepthwiseArgs = Parameters<typeof tfl.layers.depthwiseConv2d>[0];

/** Why a layer cannot be made separable, or undefined when it can. */
export function separableIneligible(layer: tfl.layers.Layer): string | undefined {
  const info = convInfo(layer);
  if (info === undefined) return `is a ${layer.getClassName()}, not a Conv2D`;
  if (!info.channelsLast) return 'uses channelsFirst data (only channelsLast is supported)';
  if (info.kernel[0] === 1 && info.kernel[1] === 1) return 'is already a 1×1 (pointwise) convolution';
  // TF.js' DepthwiseConv2D layer ignores dilationRate ("TODO: Add support for dilation").
  if (info.dilation[0] !== 1 || info.dilation[1] !== 1) return 'is dilated (TF.js DepthwiseConv2D layers do not support dilation)';
  return undefined;
}

/**
 * A new model with the selected Conv2D layers made depthwise-separable (`name_dw` + `name_pw`).
 *
 * @example
 * const small = separable(lenet5(), { layers: ['conv2'] });
 * small.getLayer('conv2_pw').getWeights()[0].shape; // [1, 1, 20, 50]
 */
export function separable(model: tfl.LayersModel, options: SeparableOptions = {}): tfl.LayersModel {
  const multiplier = options.depthMultiplier ?? 1;
  if (!Number.isInteger(multiplier) || multiplier < 1) throw new UsageError(`depthMultiplier must be a positive integer, got ${multiplier}`);
  const init = options.init ?? 'svd';
  if (init !== 'svd' && init !== 'fresh') throw new UsageError(`separable init must be 'svd' or 'fresh', got ${String(init)}`);
  const selected = selectLayers(model, options.layers ?? 'all', 'separable', separableIneligible);
  let index = 0;
  const replace = (layer: tfl.layers.Layer): LayerSpec[] | undefined => {
    if (!selected.has(layer.name)) return undefined;
    const info = convInfo(layer)!;
    const dwConfig: LayerConfig = {
      name: `${info.name}_dw`,
      kernelSize: info.kernel,
      strides: info.strides,
      padding: info.padding,
      depthMultiplier: multiplier,
      useBias: false,
      activation: 'linear',
      depthwiseInitializer: freshInitializer(options.seed, index++),
      trainable: layer.trainable,
    };
    const depthwise: LayerSpec = { config: dwConfig, create: (c) => tfl.layers.depthwiseConv2d(c as unknown as DepthwiseArgs) };
    const pointwise = cloneSpec(layer, {
      name: `${info.name}_pw`,
      kernelSize: [1, 1],
      strides: [1, 1],
      padding: 'valid',
      dilationRate: [1, 1],
      kernelInitializer: freshInitializer(options.seed, index++),
    });
    return [depthwise, pointwise];
  };
  const rebuilt = rebuildModel(model, { replace, name: `${model.name}_separable` });
  if (init === 'svd') {
    for (const name of selected) {
      const original = model.getLayer(name);
      const [dw, pw] = rebuilt.layers.get(name)!;
      startFromOriginal(original, dw!, pw!, multiplier);
    }
  }
  return rebuilt.model;
}

/** Set the new pair to the per-channel best approximation of the original kernel (bias kept). */
function startFromOriginal(original: tfl.layers.Layer, dw: tfl.layers.Layer, pw: tfl.layers.Layer, multiplier: number): void {
  const info = convInfo(original)!;
  const [kernel, bias] = original.getWeights();
  const cin = inputChannels(original);
  const taps = info.kernel[0] * info.kernel[1];
  const factors = separableFactors(kernel!.dataSync() as Float32Array, taps, cin, info.filters, multiplier);
  const dwKernel = tf.tensor4d(factors.depthwise, [info.kernel[0], info.kernel[1], cin, multiplier]);
  const pwKernel = tf.tensor4d(factors.pointwise, [1, 1, cin * multiplier, info.filters]);
  dw.setWeights([dwKernel]);
  pw.setWeights(bias === undefined ? [pwKernel] : [pwKernel, bias]);
  dwKernel.dispose();
  pwKernel.dispose();
}
