/**
 * MobileNet v1 (Howard et al. 2017) with the layer names and configs of Keras
 * `keras/src/applications/mobilenet.py`, so weights exported from `keras.applications.MobileNet`
 * by the TF.js converter load into it by name (`conv1`, `conv1_bn`, `conv_dw_1`, `conv_pw_1`, …,
 * `conv_preds`).
 *
 * One difference in the classifier head: tfjs-layers' GlobalAveragePooling2D has no `keepdims`, so
 * the pooled vector is reshaped to 1×1×C by a weightless `reshape_1` layer, as Keras 2.2–2.4 did.
 * Weight-bearing layers are identical to Keras 3.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { UsageError, usageCheck } from '../errors.js';
import { cachedPretrainedModel, loadWeightsByName, type PretrainedOptions } from './pretrained.js';

import { MOBILENET_V1_ALPHAS, MOBILENET_V1_SIZES } from './zoo-forms.js';

export { MOBILENET_V1_ALPHAS, MOBILENET_V1_SIZES };

export type ClassifierActivation = 'softmax' | 'linear';
export type GlobalPooling = 'avg' | 'max';

export interface MobileNetV1Options {
  /** Width multiplier α ∈ {0.25, 0.5, 0.75, 1.0}; default 1.0. */
  alpha?: number;
  /** Square input resolution ∈ {128, 160, 192, 224}; default 224. */
  inputSize?: number;
  /** Output classes of the top; default 1000. */
  classes?: number;
  /** Include the classifier (pool → dropout → 1×1 conv → softmax); default true. */
  includeTop?: boolean;
  /** Dropout rate before `conv_preds`, in [0, 1); Keras default 0.001. */
  dropout?: number;
  /** Depth multiplier of the depthwise convolutions (Keras `depth_multiplier`); default 1. */
  depthMultiplier?: number;
  /** Without the top: global pooling of the last feature map, or none (4-D output). */
  pooling?: GlobalPooling;
  /** Activation of the top layer; 'linear' returns logits. Default 'softmax'. */
  classifierActivation?: ClassifierActivation;
  /**
   * 'imagenet': load the published Keras ImageNet weights (downloaded once, cached; see
   * models/pretrained.ts) and return a Promise; null (default): random initialization.
   */
  weights?: 'imagenet' | null;
  /** Where the weights are downloaded from and cached (with `weights: 'imagenet'`). */
  pretrained?: PretrainedOptions;
}

/** The hosted model folder for an α and size: `mobilenet_v1_0.25_224`, `…_0.50_…`, `…_1.0_…`. */
export function mobilenetV1WeightsName(alpha: number, inputSize: number): string {
  const text = alpha === 1 ? '1.0' : alpha.toFixed(2);
  return `mobilenet_v1_${text}_${inputSize}`;
}

/** Throws a UsageError unless `value` is one of `allowed`; the message names both. */
export function checkOneOf(what: string, value: unknown, allowed: readonly (number | string)[]): void {
  if (!allowed.some((a) => a === value)) {
    throw new UsageError(`${what} must be one of ${allowed.join(', ')}, got ${String(value)}`);
  }
}

/** Throws a UsageError unless `classes` is a positive integer. */
export function checkClasses(classes: number): void {
  usageCheck(Number.isInteger(classes) && classes >= 1, () => `classes must be a positive integer, got ${classes}`);
}

/** Keras' model name: `mobilenet_1.00_224`. */
function modelName(alpha: number, size: number): string {
  return `mobilenet_${alpha.toFixed(2)}_${size}`;
}

function relu6(name: string): tfl.layers.Layer {
  return tfl.layers.reLU({ maxValue: 6, name });
}

/** Keras `_conv_block`: full 3×3 conv (stride 2, no bias) → BN → ReLU6. */
function convBlock(x: tfl.SymbolicTensor, filters: number): tfl.SymbolicTensor {
  let y = tfl.layers
    .conv2d({ filters, kernelSize: 3, strides: 2, padding: 'same', useBias: false, name: 'conv1' })
    .apply(x) as tfl.SymbolicTensor;
  y = tfl.layers.batchNormalization({ axis: -1, name: 'conv1_bn' }).apply(y) as tfl.SymbolicTensor;
  return relu6('conv1_relu').apply(y) as tfl.SymbolicTensor;
}

/**
 * Keras `_depthwise_conv_block`. Stride-2 blocks pad bottom/right by one and convolve 'valid', which
 * matches TensorFlow's 'same' for even sizes and fixes the alignment the checkpoints were trained with.
 */
function depthwiseConvBlock(
  x: tfl.SymbolicTensor, pointwiseFilters: number, depthMultiplier: number, stride: 1 | 2, id: number,
): tfl.SymbolicTensor {
  let y = x;
  if (stride === 2) {
    y = tfl.layers.zeroPadding2d({ padding: [[0, 1], [0, 1]], name: `conv_pad_${id}` }).apply(y) as tfl.SymbolicTensor;
  }
  y = tfl.layers
    .depthwiseConv2d({
      kernelSize: 3, padding: stride === 1 ? 'same' : 'valid', depthMultiplier, strides: stride, useBias: false,
      name: `conv_dw_${id}`,
    })
    .apply(y) as tfl.SymbolicTensor;
  y = tfl.layers.batchNormalization({ axis: -1, name: `conv_dw_${id}_bn` }).apply(y) as tfl.SymbolicTensor;
  y = relu6(`conv_dw_${id}_relu`).apply(y) as tfl.SymbolicTensor;
  y = tfl.layers
    .conv2d({ filters: pointwiseFilters, kernelSize: 1, padding: 'same', useBias: false, strides: 1, name: `conv_pw_${id}` })
    .apply(y) as tfl.SymbolicTensor;
  y = tfl.layers.batchNormalization({ axis: -1, name: `conv_pw_${id}_bn` }).apply(y) as tfl.SymbolicTensor;
  return relu6(`conv_pw_${id}_relu`).apply(y) as tfl.SymbolicTensor;
}

/** (pointwise filters, stride) of blocks 1..13, from the paper's Table 1. */
const BLOCKS: ReadonlyArray<readonly [number, 1 | 2]> = [
  [64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2],
  [512, 1], [512, 1], [512, 1], [512, 1], [512, 1], [1024, 2], [1024, 1],
];

/**
 * Build MobileNet v1 with Keras layer names: randomly initialized (as Keras with `weights=None`), or
 * with the published ImageNet weights (`weights: 'imagenet'`, asynchronous: the first call downloads).
 *
 * @example
 * const model = mobilenetV1({ alpha: 0.25, inputSize: 128 });
 * model.countParams(); // 475,544
 * model.getLayer('conv_pw_13').outputShape; // [null, 4, 4, 256]
 * const trained = await mobilenetV1({ alpha: 0.25, inputSize: 224, weights: 'imagenet' });
 */
export function mobilenetV1(options: MobileNetV1Options & { weights: 'imagenet' }): Promise<tfl.LayersModel>;
export function mobilenetV1(options?: MobileNetV1Options & { weights?: null }): tfl.LayersModel;
export function mobilenetV1(options?: MobileNetV1Options): tfl.LayersModel | Promise<tfl.LayersModel>;
export function mobilenetV1(options: MobileNetV1Options = {}): tfl.LayersModel | Promise<tfl.LayersModel> {
  if (options.weights === 'imagenet') return withImagenetWeights(options);
  usageCheck(options.weights === undefined || options.weights === null, () => `\`weights\` must be 'imagenet' or null, got ${JSON.stringify(options.weights)}`, 'weights');
  return buildMobilenetV1(options);
}

/** Our builder with the published ImageNet weights loaded by name (Keras: classes must be 1000 with the top). */
async function withImagenetWeights(options: MobileNetV1Options): Promise<tfl.LayersModel> {
  const { alpha = 1.0, inputSize = 224, includeTop = true, classes = 1000 } = options;
  usageCheck(!includeTop || classes === 1000, () => `\`classes\` must be 1000 with ImageNet weights and the top, got ${classes}`, 'classes');
  const model = buildMobilenetV1({ ...options, weights: null });
  try {
    checkOneOf('MobileNet v1 alpha', alpha, MOBILENET_V1_ALPHAS);
    checkOneOf('MobileNet v1 inputSize', inputSize, MOBILENET_V1_SIZES);
    const dir = await cachedPretrainedModel(mobilenetV1WeightsName(alpha, inputSize), options.pretrained);
    await loadWeightsByName(model, dir, !includeTop);
    return model;
  } catch (error) {
    model.dispose();
    throw error;
  }
}

function buildMobilenetV1(options: MobileNetV1Options): tfl.LayersModel {
  const {
    alpha = 1.0, inputSize = 224, classes = 1000, includeTop = true, dropout = 1e-3, depthMultiplier = 1,
    pooling, classifierActivation = 'softmax',
  } = options;
  checkOneOf('MobileNet v1 alpha', alpha, MOBILENET_V1_ALPHAS);
  checkOneOf('MobileNet v1 inputSize', inputSize, MOBILENET_V1_SIZES);
  checkClasses(classes);
  usageCheck(dropout >= 0 && dropout < 1, () => `dropout must be in [0, 1), got ${dropout}`);
  usageCheck(Number.isInteger(depthMultiplier) && depthMultiplier >= 1,
    () => `depthMultiplier must be a positive integer, got ${depthMultiplier}`);

  const input = tfl.input({ shape: [inputSize, inputSize, 3], name: 'input_1' });
  // Keras truncates: int(filters * alpha).
  let x = convBlock(input, Math.trunc(32 * alpha));
  BLOCKS.forEach(([filters, stride], i) => {
    x = depthwiseConvBlock(x, Math.trunc(filters * alpha), depthMultiplier, stride, i + 1);
  });
  const channels = Math.trunc(1024 * alpha);

  if (includeTop) {
    x = tfl.layers.globalAveragePooling2d({ name: 'global_average_pooling2d' }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.reshape({ targetShape: [1, 1, channels], name: 'reshape_1' }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.dropout({ rate: dropout, name: 'dropout' }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.conv2d({ filters: classes, kernelSize: 1, padding: 'same', name: 'conv_preds' }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.reshape({ targetShape: [classes], name: 'reshape_2' }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.activation({ activation: classifierActivation, name: 'predictions' }).apply(x) as tfl.SymbolicTensor;
  } else if (pooling === 'avg') {
    x = tfl.layers.globalAveragePooling2d({ name: 'global_average_pooling2d' }).apply(x) as tfl.SymbolicTensor;
  } else if (pooling === 'max') {
    x = tfl.layers.globalMaxPooling2d({ name: 'global_max_pooling2d' }).apply(x) as tfl.SymbolicTensor;
  }
  return tfl.model({ inputs: input, outputs: x, name: modelName(alpha, inputSize) });
}
