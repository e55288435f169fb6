/**
 * SqueezeNet (Iandola et al. 2016), v1.0 and v1.1, with the layer names of the common Keras port
 * (rcmalli/keras-squeezenet, which follows the Caffe prototxts of DeepScale/SqueezeNet): `conv1`,
 * `relu_conv1`, `pool1`, `fire2/squeeze1x1`, `fire2/relu_squeeze1x1`, `fire2/expand1x1`,
 * `fire2/expand3x3`, `fire2/concat`, …, `drop9`, `conv10`, `relu_conv10`, `loss`.
 *
 * TF.js accepts '/' in layer names (tensor names match /^[A-Za-z0-9][-A-Za-z0-9._/]*$/), so the
 * weights are named `fire2/squeeze1x1/kernel` exactly as the TF.js converter names them when it
 * converts the Keras port; no renaming convention is needed.
 *
 * The Keras port is v1.1 (3×3×64 stem, pools after conv1, fire3, fire5). v1.0 (7×7×96 stem, pools
 * after conv1, fire4, fire8) uses the same naming with the Caffe v1.0 pool names `pool4`/`pool8`.
 * Caffe pools round up (ceil mode) while Keras rounds down; at the default 227×227 input both give
 * the same feature-map sizes (v1.0: 111→55→27→13, v1.1: 113→56→27→13).
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { usageCheck } from '../errors.js';
import { checkClasses, checkOneOf, type ClassifierActivation, type GlobalPooling } from './mobilenet-v1.js';

import { SQUEEZENET_VERSIONS, type SqueezeNetVersion } from './zoo-forms.js';

export { SQUEEZENET_VERSIONS, type SqueezeNetVersion };

export interface SqueezeNetOptions {
  /** '1.0' (the paper's) or '1.1' (2.4× less compute; the Keras port's weights); default '1.1'. */
  version?: SqueezeNetVersion;
  /** Square input resolution, at least 48 (the Keras port's minimum); default 227 as in Caffe. */
  inputSize?: number;
  /** Output classes of `conv10`; default 1000. */
  classes?: number;
  /** Include the classifier (drop9 → conv10 → ReLU → global average pool → softmax); default true. */
  includeTop?: boolean;
  /** Without the top: global pooling of the last feature map, or none (4-D output). */
  pooling?: GlobalPooling;
  /** Activation of the top; 'linear' returns the pooled conv10 scores. Default 'softmax'. */
  classifierActivation?: ClassifierActivation;
}

/** The Fire module: squeeze 1×1 → (expand 1×1 ‖ expand 3×3), concatenated on channels. */
function fireModule(x: tfl.SymbolicTensor, id: number, squeeze: number, expand: number): tfl.SymbolicTensor {
  const p = `fire${id}/`;
  let s = tfl.layers.conv2d({ filters: squeeze, kernelSize: 1, padding: 'valid', name: `${p}squeeze1x1` }).apply(x) as tfl.SymbolicTensor;
  s = tfl.layers.activation({ activation: 'relu', name: `${p}relu_squeeze1x1` }).apply(s) as tfl.SymbolicTensor;
  let left = tfl.layers.conv2d({ filters: expand, kernelSize: 1, padding: 'valid', name: `${p}expand1x1` }).apply(s) as tfl.SymbolicTensor;
  left = tfl.layers.activation({ activation: 'relu', name: `${p}relu_expand1x1` }).apply(left) as tfl.SymbolicTensor;
  let right = tfl.layers.conv2d({ filters: expand, kernelSize: 3, padding: 'same', name: `${p}expand3x3` }).apply(s) as tfl.SymbolicTensor;
  right = tfl.layers.activation({ activation: 'relu', name: `${p}relu_expand3x3` }).apply(right) as tfl.SymbolicTensor;
  return tfl.layers.concatenate({ axis: -1, name: `${p}concat` }).apply([left, right]) as tfl.SymbolicTensor;
}

function maxPool(name: string): tfl.layers.Layer {
  return tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, name });
}

/** (squeeze, expand) of fire2..fire9, the same in both versions. */
const FIRES: ReadonlyArray<readonly [number, number]> = [
  [16, 64], [16, 64], [32, 128], [32, 128], [48, 192], [48, 192], [64, 256], [64, 256],
];

/** Per version: stem conv, and after which fire module a max pool follows (with its Caffe name). */
const VERSIONS: Record<SqueezeNetVersion, { stem: { filters: number; kernel: number }; poolsAfter: Record<number, string> }> = {
  '1.0': { stem: { filters: 96, kernel: 7 }, poolsAfter: { 4: 'pool4', 8: 'pool8' } },
  '1.1': { stem: { filters: 64, kernel: 3 }, poolsAfter: { 3: 'pool3', 5: 'pool5' } },
};

/**
 * Build SqueezeNet with the Keras port's layer names (randomly initialized).
 *
 * @example
 * squeezenet({ version: '1.0' }).countParams(); // 1,248,424
 * squeezenet({ version: '1.1' }).getLayer('fire9/concat').outputShape; // [null, 13, 13, 512]
 */
export function squeezenet(options: SqueezeNetOptions = {}): tfl.LayersModel {
  const { version = '1.1', inputSize = 227, classes = 1000, includeTop = true, pooling, classifierActivation = 'softmax' } = options;
  checkOneOf('SqueezeNet version', version, SQUEEZENET_VERSIONS);
  usageCheck(Number.isInteger(inputSize) && inputSize >= 48,
    () => `SqueezeNet inputSize must be an integer >= 48, got ${inputSize}`);
  checkClasses(classes);
  const { stem, poolsAfter } = VERSIONS[version];

  const input = tfl.input({ shape: [inputSize, inputSize, 3], name: 'input_1' });
  let x = tfl.layers
    .conv2d({ filters: stem.filters, kernelSize: stem.kernel, strides: 2, padding: 'valid', name: 'conv1' })
    .apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.activation({ activation: 'relu', name: 'relu_conv1' }).apply(x) as tfl.SymbolicTensor;
  x = maxPool('pool1').apply(x) as tfl.SymbolicTensor;
  FIRES.forEach(([squeeze, expand], i) => {
    const id = i + 2;
    x = fireModule(x, id, squeeze, expand);
    const pool = poolsAfter[id];
    if (pool !== undefined) x = maxPool(pool).apply(x) as tfl.SymbolicTensor;
  });

  if (includeTop) {
    x = tfl.layers.dropout({ rate: 0.5, name: 'drop9' }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.conv2d({ filters: classes, kernelSize: 1, padding: 'valid', name: 'conv10' }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.activation({ activation: 'relu', name: 'relu_conv10' }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.globalAveragePooling2d({ name: 'pool10' }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.activation({ activation: classifierActivation, name: 'loss' }).apply(x) as tfl.SymbolicTensor;
  } else if (pooling === 'avg') {
    x = tfl.layers.globalAveragePooling2d({ name: 'global_average_pooling2d' }).apply(x) as tfl.SymbolicTensor;
  } else if (pooling === 'max') {
    x = tfl.layers.globalMaxPooling2d({ name: 'global_max_pooling2d' }).apply(x) as tfl.SymbolicTensor;
  }
  return tfl.model({ inputs: input, outputs: x, name: `squeezenet_${version.replace('.', '_')}` });
}
