/**
 * The layer classes smallnets builds from a model file, as an explicit table: for each, the output
 * shape it produces from its input shapes and the weights (name and shape) TF.js allocates when it
 * builds it. This is what lets a topology be checked against its weights manifest BEFORE TF.js
 * builds anything: a class missing here is refused, so nothing in a file can make TF.js allocate a
 * weight whose size we did not compute first. The formulas mirror tfjs-layers 4.x (`build` and
 * `computeOutputShape` of each class; conv_utils.convOutputLength / deconvLength).
 *
 * Shapes include the batch dimension first; `null` is an unknown size (batch, or spatial sizes of a
 * fully convolutional model).
 */
import { LayerConfig, camelKeys, isPlainObject } from './layer-config.js';
import { axes, known, positive, rank, withSpatial, type Dim, type LayerRule, type Shape, type WeightShape } from './layer-rule-kit.js';
import { concatenate, cropping2d, elementwise, flatten, identity, permute, reshape, upSampling2d, zeroPadding2d } from './layer-shape-rules.js';

export type { Dim, LayerRule, Shape, WeightShape };

/** conv_utils.convOutputLength. */
function convLength(length: Dim, filter: number, padding: 'valid' | 'same', stride: number, dilation = 1): Dim {
  if (length === null) return null;
  const dilated = filter + (filter - 1) * (dilation - 1);
  const out = padding === 'same' ? length : length - dilated + 1;
  return Math.floor((out + stride - 1) / stride);
}

interface Conv2dGeometry {
  kernel: number[];
  strides: number[];
  dilation: number[];
  padding: 'valid' | 'same';
  channelsFirst: boolean;
}

function conv2dGeometry(c: LayerConfig): Conv2dGeometry {
  const strides = c.ints('strides', 2, [1, 1]);
  const dilation = c.ints('dilationRate', 2, [1, 1]);
  if (strides.some((s) => s > 1) && dilation.some((d) => d > 1)) c.fail('`strides` > 1 together with `dilationRate` > 1 is not supported');
  return { kernel: c.ints('kernelSize', 2, undefined), strides, dilation, padding: c.padding(), channelsFirst: c.channelsFirst() };
}

function convOutput(c: LayerConfig, input: Shape, g: Conv2dGeometry, channels: Dim): Shape {
  rank(c, input, 4);
  const [r, col] = axes(g.channelsFirst);
  const rows = positive(c, convLength(input[r]!, g.kernel[0]!, g.padding, g.strides[0]!, g.dilation[0]!), input);
  const cols = positive(c, convLength(input[col]!, g.kernel[1]!, g.padding, g.strides[1]!, g.dilation[1]!), input);
  return withSpatial(input, g.channelsFirst, rows, cols, channels);
}

function inputChannels(c: LayerConfig, input: Shape, channelsFirst: boolean): number {
  rank(c, input, 4);
  return known(c, input[axes(channelsFirst)[2]]!, 'channel dimension');
}

const bias = (c: LayerConfig, size: number): WeightShape[] => (c.bool('useBias', true) ? [{ name: 'bias', shape: [size] }] : []);

const conv2d: LayerRule = {
  arity: 'one',
  output: (c, [x]) => convOutput(c, x!, conv2dGeometry(c), c.int('filters')),
  weights: (c, [x]) => {
    const g = conv2dGeometry(c);
    const filters = c.int('filters');
    return [{ name: 'kernel', shape: [...g.kernel, inputChannels(c, x!, g.channelsFirst), filters] }, ...bias(c, filters)];
  },
};

const conv2dTranspose: LayerRule = {
  arity: 'one',
  output: (c, [x]) => {
    const g = conv2dGeometry(c);
    rank(c, x!, 4);
    const [r, col] = axes(g.channelsFirst);
    // conv_utils.deconvLength
    const length = (d: Dim, stride: number, kernel: number): Dim =>
      d === null ? null : g.padding === 'valid' ? d * stride + Math.max(kernel - stride, 0) : d * stride;
    return withSpatial(x!, g.channelsFirst, length(x![r]!, g.strides[0]!, g.kernel[0]!), length(x![col]!, g.strides[1]!, g.kernel[1]!), c.int('filters'));
  },
  weights: (c, [x]) => {
    const g = conv2dGeometry(c);
    const filters = c.int('filters');
    return [{ name: 'kernel', shape: [...g.kernel, filters, inputChannels(c, x!, g.channelsFirst)] }, ...bias(c, filters)];
  },
};

const depthwiseConv2d: LayerRule = {
  arity: 'one',
  output: (c, [x]) => {
    const g = conv2dGeometry(c);
    const channels = x![axes(g.channelsFirst)[2]]!;
    return convOutput(c, x!, g, channels === null ? null : channels * c.int('depthMultiplier', 1));
  },
  weights: (c, [x]) => {
    const g = conv2dGeometry(c);
    const channels = inputChannels(c, x!, g.channelsFirst);
    const multiplier = c.int('depthMultiplier', 1);
    return [{ name: 'depthwise_kernel', shape: [g.kernel[0]!, g.kernel[1]!, channels, multiplier] }, ...bias(c, channels * multiplier)];
  },
};

const separableConv2d: LayerRule = {
  arity: 'one',
  output: (c, [x]) => convOutput(c, x!, conv2dGeometry(c), c.int('filters')),
  weights: (c, [x]) => {
    const g = conv2dGeometry(c);
    const channels = inputChannels(c, x!, g.channelsFirst);
    const multiplier = c.int('depthMultiplier', 1);
    const filters = c.int('filters');
    return [
      { name: 'depthwise_kernel', shape: [...g.kernel, channels, multiplier] },
      { name: 'pointwise_kernel', shape: [1, 1, channels * multiplier, filters] },
      ...bias(c, filters),
    ];
  },
};

const dense: LayerRule = {
  arity: 'one',
  output: (c, [x]) => {
    rank(c, x!, { min: 2 });
    return [...x!.slice(0, -1), c.int('units')];
  },
  weights: (c, [x]) => {
    const units = c.int('units');
    return [{ name: 'kernel', shape: [known(c, x![x!.length - 1]!, 'last dimension'), units] }, ...bias(c, units)];
  },
};

function normalizationAxis(c: LayerConfig, input: Shape): number {
  const raw = c.values['axis'];
  // Keras saves `axis` as an int or a one-element list; TF.js reads a non-negative list item as that int.
  const axis = Array.isArray(raw) && raw.length === 1 && typeof raw[0] === 'number' && raw[0] >= 0 ? raw[0] : raw ?? -1;
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -input.length || axis >= input.length || axis === 0 || axis === -input.length) {
    c.fail(`\`axis\` must be a non-batch axis of its rank-${input.length} input, got ${JSON.stringify(raw)}`);
  }
  return axis < 0 ? axis + input.length : axis;
}

const batchNormalization: LayerRule = {
  arity: 'one',
  output: (c, [x]) => {
    normalizationAxis(c, x!);
    return [...x!];
  },
  weights: (c, [x]) => {
    const size = known(c, x![normalizationAxis(c, x!)]!, 'normalized axis');
    const shape = [size];
    return [
      ...(c.bool('scale', true) ? [{ name: 'gamma', shape }] : []),
      ...(c.bool('center', true) ? [{ name: 'beta', shape }] : []),
      { name: 'moving_mean', shape },
      { name: 'moving_variance', shape },
    ];
  },
};

const prelu: LayerRule = {
  arity: 'one',
  output: identity.output,
  weights: (c, [x]) => {
    const shape = x!.slice(1).map((d) => known(c, d, 'shape'));
    const raw = c.values['sharedAxes'];
    const shared = raw === undefined || raw === null ? [] : typeof raw === 'number' ? [raw] : raw;
    if (!Array.isArray(shared) || !shared.every((a) => Number.isInteger(a) && a >= 1 && a <= shape.length)) {
      c.fail(`\`sharedAxes\` must be axes 1–${shape.length}, got ${JSON.stringify(raw)}`);
    }
    for (const a of shared as number[]) shape[a - 1] = 1;
    return [{ name: 'alpha', shape }];
  },
};

const pooling2d: LayerRule = {
  arity: 'one',
  output: (c, [x]) => {
    const pool = c.ints('poolSize', 2, [2, 2]);
    const strides = c.ints('strides', 2, pool);
    return convOutput(c, x!, { kernel: pool, strides, dilation: [1, 1], padding: c.padding(), channelsFirst: c.channelsFirst() }, x![axes(c.channelsFirst())[2]] ?? null);
  },
};

const globalPooling2d: LayerRule = {
  arity: 'one',
  output: (c, [x]) => {
    rank(c, x!, 4);
    return [x![0]!, x![axes(c.channelsFirst())[2]]!];
  },
};

/** The built-in TF.js layer classes a model file may use, by Keras/TF.js class name. */
export const LAYER_RULES: Readonly<Record<string, LayerRule>> = {
  Dense: dense,
  Conv2D: conv2d,
  Conv2DTranspose: conv2dTranspose,
  DepthwiseConv2D: depthwiseConv2d,
  SeparableConv2D: separableConv2d,
  BatchNormalization: batchNormalization,
  PReLU: prelu,
  Activation: identity,
  ReLU: identity,
  LeakyReLU: identity,
  ELU: identity,
  ThresholdedReLU: identity,
  Softmax: identity,
  Dropout: identity,
  GaussianNoise: identity,
  GaussianDropout: identity,
  AlphaDropout: identity,
  MaxPooling2D: pooling2d,
  AveragePooling2D: pooling2d,
  GlobalAveragePooling2D: globalPooling2d,
  GlobalMaxPooling2D: globalPooling2d,
  Flatten: flatten,
  Reshape: reshape,
  Permute: permute,
  ZeroPadding2D: zeroPadding2d,
  Cropping2D: cropping2d,
  UpSampling2D: upSampling2d,
  Add: elementwise,
  Multiply: elementwise,
  Average: elementwise,
  Maximum: elementwise,
  Minimum: elementwise,
  Concatenate: concatenate,
};

/** Classes allowed inside a layer config (initializers, regularizers, constraints): all built into TF.js. */
export const CONFIG_OBJECT_CLASSES: ReadonlySet<string> = new Set([
  'Zeros', 'Ones', 'Constant', 'RandomNormal', 'RandomUniform', 'TruncatedNormal', 'VarianceScaling',
  'GlorotUniform', 'GlorotNormal', 'HeNormal', 'HeUniform', 'LeCunNormal', 'LeCunUniform', 'Orthogonal', 'Identity',
  'L1L2', 'L1', 'L2',
  'MaxNorm', 'UnitNorm', 'NonNeg', 'MinMaxNorm',
]);

const registered = new Map<string, LayerRule>();

/**
 * Register how a layer class defined elsewhere loads (smallnets' own technique wrappers), next to
 * its `tf.serialization.registerClass`: a class a file may name only when it has a rule.
 */
export function registerLayerRule(className: string, rule: LayerRule): void {
  registered.set(className, rule);
}

/** The rule for a layer class: built in, or registered; undefined for every other class. */
export function layerRule(className: string): LayerRule | undefined {
  return Object.hasOwn(LAYER_RULES, className) ? LAYER_RULES[className] : registered.get(className);
}

/** Every class a file may name as a layer. */
export function loadableLayerClasses(): string[] {
  return [...Object.keys(LAYER_RULES), ...registered.keys()];
}

/**
 * The stock layer a wrapper's config holds under `layer` ({class_name, config}), with its rule;
 * only the built-in classes in `allowed`.
 */
export function innerLayer(c: LayerConfig, allowed: readonly string[]): { className: string; rule: LayerRule; config: LayerConfig } {
  const raw = c.values['layer'];
  const inner = isPlainObject(raw) ? camelKeys(raw) : undefined;
  const className = inner?.['className'];
  if (typeof className !== 'string' || !allowed.includes(className) || !isPlainObject(inner?.['config'])) {
    c.fail(`\`layer\` must hold one of ${allowed.join(', ')} as {class_name, config}`);
  }
  return { className, rule: LAYER_RULES[className]!, config: new LayerConfig(inner['config'] as Record<string, unknown>, `${c.where} inner ${className}`) };
}
