/**
 * MobileNet v2 (Sandler et al. 2018) with the layer names and configs of Keras
 * `keras/src/applications/mobilenet_v2.py` (`Conv1`, `bn_Conv1`, `expanded_conv_depthwise`,
 * `block_1_expand`, `block_1_pad`, `block_1_depthwise_BN`, `block_1_project`, `block_2_add`, …,
 * `Conv_1`, `predictions`), so weights exported from `keras.applications.MobileNetV2` by the TF.js
 * converter load by name.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import {
  checkClasses, checkOneOf, type ClassifierActivation, type GlobalPooling,
} from './mobilenet-v1.js';

import { MOBILENET_V2_ALPHAS, MOBILENET_V2_SIZES } from './zoo-forms.js';

export { MOBILENET_V2_ALPHAS, MOBILENET_V2_SIZES };

export interface MobileNetV2Options {
  /** Width multiplier α ∈ {0.35, 0.5, 0.75, 1.0, 1.3, 1.4}; default 1.0. */
  alpha?: number;
  /** Square input resolution ∈ {96, 128, 160, 192, 224}; default 224. */
  inputSize?: number;
  /** Output classes of the top; default 1000. */
  classes?: number;
  /** Include the classifier (global average pool → dense `predictions`); default true. */
  includeTop?: boolean;
  /** Without the top: global pooling of the last feature map, or none (4-D output). */
  pooling?: GlobalPooling;
  /** Activation of `predictions`; 'linear' returns logits. Default 'softmax'. */
  classifierActivation?: ClassifierActivation;
}

/**
 * Keras `_make_divisible` (from the TF-slim original): round `v` to the nearest multiple of
 * `divisor`, at least `divisor`, and never more than 10% below `v`.
 */
export function makeDivisible(v: number, divisor: number, minValue: number = divisor): number {
  let result = Math.max(minValue, Math.floor(Math.trunc(v + divisor / 2) / divisor) * divisor);
  if (result < 0.9 * v) result += divisor;
  return result;
}

/**
 * Keras `imagenet_utils.correct_pad` for a 3×3 stride-2 conv: pad so 'valid' lands where
 * TensorFlow's 'same' would ((0,1) for even sizes, (1,1) for odd).
 */
function correctPad(size: readonly [number, number]): [[number, number], [number, number]] {
  // Keras: (k//2 - adjust, k//2) with adjust = 1 - size % 2; for k = 3 that is (size % 2, 1).
  return [[size[0] % 2, 1], [size[1] % 2, 1]];
}

/** BN with the checkpoints' settings (Keras passes epsilon 1e-3, momentum 0.999). */
function bn(name: string): tfl.layers.Layer {
  return tfl.layers.batchNormalization({ axis: -1, epsilon: 1e-3, momentum: 0.999, name });
}

function relu6(name: string): tfl.layers.Layer {
  return tfl.layers.reLU({ maxValue: 6, name });
}

/** Keras `_inverted_res_block`: expand 1×1 → depthwise 3×3 → linear project 1×1 (+ residual). */
function invertedResBlock(
  inputs: tfl.SymbolicTensor, expansion: number, stride: 1 | 2, alpha: number, filters: number, blockId: number,
): tfl.SymbolicTensor {
  const inChannels = inputs.shape[3] as number;
  const pointwiseFilters = makeDivisible(Math.trunc(filters * alpha), 8);
  let x = inputs;
  let prefix = `block_${blockId}_`;
  if (blockId > 0) {
    x = tfl.layers
      .conv2d({ filters: expansion * inChannels, kernelSize: 1, padding: 'same', useBias: false, name: `${prefix}expand` })
      .apply(x) as tfl.SymbolicTensor;
    x = bn(`${prefix}expand_BN`).apply(x) as tfl.SymbolicTensor;
    x = relu6(`${prefix}expand_relu`).apply(x) as tfl.SymbolicTensor;
  } else {
    prefix = 'expanded_conv_';
  }
  if (stride === 2) {
    const size: [number, number] = [x.shape[1] as number, x.shape[2] as number];
    x = tfl.layers.zeroPadding2d({ padding: correctPad(size), name: `${prefix}pad` }).apply(x) as tfl.SymbolicTensor;
  }
  x = tfl.layers
    .depthwiseConv2d({
      kernelSize: 3, strides: stride, useBias: false, padding: stride === 1 ? 'same' : 'valid', name: `${prefix}depthwise`,
    })
    .apply(x) as tfl.SymbolicTensor;
  x = bn(`${prefix}depthwise_BN`).apply(x) as tfl.SymbolicTensor;
  x = relu6(`${prefix}depthwise_relu`).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers
    .conv2d({ filters: pointwiseFilters, kernelSize: 1, padding: 'same', useBias: false, name: `${prefix}project` })
    .apply(x) as tfl.SymbolicTensor;
  x = bn(`${prefix}project_BN`).apply(x) as tfl.SymbolicTensor;
  if (inChannels === pointwiseFilters && stride === 1) {
    return tfl.layers.add({ name: `${prefix}add` }).apply([inputs, x]) as tfl.SymbolicTensor;
  }
  return x;
}

/** (filters, stride, expansion) of blocks 0..16, from the paper's Table 2. */
const BLOCKS: ReadonlyArray<readonly [number, 1 | 2, number]> = [
  [16, 1, 1],
  [24, 2, 6], [24, 1, 6],
  [32, 2, 6], [32, 1, 6], [32, 1, 6],
  [64, 2, 6], [64, 1, 6], [64, 1, 6], [64, 1, 6],
  [96, 1, 6], [96, 1, 6], [96, 1, 6],
  [160, 2, 6], [160, 1, 6], [160, 1, 6],
  [320, 1, 6],
];

/**
 * Build MobileNet v2 with Keras layer names (randomly initialized, like Keras with `weights=None`).
 *
 * @example
 * const model = mobilenetV2({ alpha: 1.0, inputSize: 224 });
 * model.countParams(); // 3,538,984 (as Keras reports)
 * model.getLayer('block_16_project').outputShape; // [null, 7, 7, 320]
 */
export function mobilenetV2(options: MobileNetV2Options = {}): tfl.LayersModel {
  const { alpha = 1.0, inputSize = 224, classes = 1000, includeTop = true, pooling, classifierActivation = 'softmax' } = options;
  checkOneOf('MobileNet v2 alpha', alpha, MOBILENET_V2_ALPHAS);
  checkOneOf('MobileNet v2 inputSize', inputSize, MOBILENET_V2_SIZES);
  checkClasses(classes);

  const input = tfl.input({ shape: [inputSize, inputSize, 3], name: 'input_1' });
  let x = tfl.layers
    .conv2d({ filters: makeDivisible(32 * alpha, 8), kernelSize: 3, strides: 2, padding: 'same', useBias: false, name: 'Conv1' })
    .apply(input) as tfl.SymbolicTensor;
  x = bn('bn_Conv1').apply(x) as tfl.SymbolicTensor;
  x = relu6('Conv1_relu').apply(x) as tfl.SymbolicTensor;
  BLOCKS.forEach(([filters, stride, expansion], id) => {
    x = invertedResBlock(x, expansion, stride, alpha, filters, id);
  });
  // The paper does not thin the last conv: only α > 1 widens it.
  const lastFilters = alpha > 1.0 ? makeDivisible(1280 * alpha, 8) : 1280;
  x = tfl.layers.conv2d({ filters: lastFilters, kernelSize: 1, useBias: false, name: 'Conv_1' }).apply(x) as tfl.SymbolicTensor;
  x = bn('Conv_1_bn').apply(x) as tfl.SymbolicTensor;
  x = relu6('out_relu').apply(x) as tfl.SymbolicTensor;

  if (includeTop) {
    x = tfl.layers.globalAveragePooling2d({ name: 'global_average_pooling2d' }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.dense({ units: classes, activation: classifierActivation, name: 'predictions' }).apply(x) as tfl.SymbolicTensor;
  } else if (pooling === 'avg') {
    x = tfl.layers.globalAveragePooling2d({ name: 'global_average_pooling2d' }).apply(x) as tfl.SymbolicTensor;
  } else if (pooling === 'max') {
    x = tfl.layers.globalMaxPooling2d({ name: 'global_max_pooling2d' }).apply(x) as tfl.SymbolicTensor;
  }
  return tfl.model({ inputs: input, outputs: x, name: `mobilenetv2_${alpha.toFixed(2)}_${inputSize}` });
}
