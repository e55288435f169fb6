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

export type Dim = number | null;
export type Shape = Dim[];

export interface WeightShape {
  name: string;
  shape: number[];
}

export interface LayerRule {
  /** 'one': called on one tensor; 'many': a merge layer called on two or more. */
  arity: 'one' | 'many';
  output(c: LayerConfig, inputs: Shape[]): Shape;
  weights?(c: LayerConfig, inputs: Shape[]): WeightShape[];
  /** Layer classes this layer's config may nest (a wrapper's inner layer), besides initializers etc. */
  nestedClasses?: readonly string[];
}

function rank(c: LayerConfig, shape: Shape, expected: number | { min: number }): void {
  const ok = typeof expected === 'number' ? shape.length === expected : shape.length >= expected.min;
  if (!ok) c.fail(`needs an input of rank ${typeof expected === 'number' ? expected : `≥ ${expected.min}`}, got ${JSON.stringify(shape)}`);
}

/** A dimension that must be known to size a weight. */
function known(c: LayerConfig, d: Dim, what: string): number {
  if (d === null) c.fail(`the ${what} of its input must be known to size its weights`);
  return d;
}

function positive(c: LayerConfig, d: Dim, input: Shape): Dim {
  if (d !== null && d < 1) c.fail(`produces an empty output from input ${JSON.stringify(input)}`);
  return d;
}

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

/** [rowAxis, colAxis, channelAxis] of a rank-4 shape. */
function axes(channelsFirst: boolean): [number, number, number] {
  return channelsFirst ? [2, 3, 1] : [1, 2, 3];
}

function withSpatial(input: Shape, channelsFirst: boolean, rows: Dim, cols: Dim, channels: Dim): Shape {
  return channelsFirst ? [input[0]!, channels, rows, cols] : [input[0]!, rows, cols, channels];
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

const identity: LayerRule = { arity: 'one', output: (_c, [x]) => [...x!] };

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

function product(dims: Dim[]): Dim {
  return dims.some((d) => d === null) ? null : (dims as number[]).reduce((a, b) => a * b, 1);
}

const flatten: LayerRule = {
  arity: 'one',
  output: (c, [x]) => {
    rank(c, x!, { min: 3 });
    const size = product(x!.slice(1));
    if (size === null) c.fail(`cannot flatten an input of unknown size ${JSON.stringify(x)}`);
    return [x![0]!, size];
  },
};

const reshape: LayerRule = {
  arity: 'one',
  output: (c, [x]) => {
    const target = c.values['targetShape'];
    // TF.js saves an unknown target size (-1) as null and treats any negative size or null as unknown.
    if (!Array.isArray(target) || target.length === 0 || target.length > 8 || !target.every((d) => d === null || d === -1 || (Number.isInteger(d) && d >= 1 && d <= 2 ** 24))) {
      c.fail(`\`targetShape\` must be a list of positive sizes (one may be -1), got ${JSON.stringify(target)}`);
    }
    const dims = (target as Array<number | null>).map((d) => (d === -1 ? null : d));
    const unknownAt = dims.indexOf(null);
    if (unknownAt !== dims.lastIndexOf(null)) c.fail(`\`targetShape\` may hold only one unknown size, got ${JSON.stringify(target)}`);
    // Reshape.computeOutputShape: with any unknown input size (the batch too) the unknown stays unknown.
    if (x!.some((d) => d === null)) return [x![0]!, ...dims];
    const total = product(x!.slice(1))!;
    const knownPart = (dims.filter((d) => d !== null) as number[]).reduce((a, b) => a * b, 1);
    if (unknownAt >= 0 ? total % knownPart !== 0 : total !== knownPart) c.fail(`cannot reshape ${JSON.stringify(x)} to ${JSON.stringify(target)}`);
    return [x![0]!, ...dims.map((d) => d ?? total / knownPart)];
  },
};

const zeroPadding2d: LayerRule = {
  arity: 'one',
  output: (c, [x]) => {
    const [[top, bottom], [left, right]] = pairOfPairs(c, 'padding', 1);
    const cf = c.channelsFirst();
    rank(c, x!, 4);
    const [r, col, ch] = axes(cf);
    const grow = (d: Dim, a: number, b: number): Dim => (d === null ? null : d + a + b);
    return withSpatial(x!, cf, grow(x![r]!, top, bottom), grow(x![col]!, left, right), x![ch]!);
  },
};

const cropping2d: LayerRule = {
  arity: 'one',
  output: (c, [x]) => {
    const [[top, bottom], [left, right]] = pairOfPairs(c, 'cropping', 0);
    const cf = c.channelsFirst();
    rank(c, x!, 4);
    const [r, col, ch] = axes(cf);
    const shrink = (d: Dim, a: number, b: number): Dim => positive(c, d === null ? null : d - a - b, x!);
    return withSpatial(x!, cf, shrink(x![r]!, top, bottom), shrink(x![col]!, left, right), x![ch]!);
  },
};

/** ZeroPadding2D / Cropping2D amounts: n, [rows, cols] or [[top, bottom], [left, right]]. */
function pairOfPairs(c: LayerConfig, key: string, fallback: number): [[number, number], [number, number]] {
  const v = c.values[key] ?? fallback;
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 2 ** 24;
  if (ok(v)) return [[v, v], [v, v]];
  if (Array.isArray(v) && v.length === 2 && ok(v[0]) && ok(v[1])) return [[v[0], v[0]], [v[1], v[1]]];
  if (Array.isArray(v) && v.length === 2 && v.every((p) => Array.isArray(p) && p.length === 2 && ok(p[0]) && ok(p[1]))) {
    return v as [[number, number], [number, number]];
  }
  return c.fail(`\`${key}\` must be n, [rows, cols] or [[top, bottom], [left, right]] of non-negative integers, got ${JSON.stringify(v)}`);
}

const upSampling2d: LayerRule = {
  arity: 'one',
  output: (c, [x]) => {
    const size = c.ints('size', 2, [2, 2]);
    const cf = c.channelsFirst();
    rank(c, x!, 4);
    const [r, col, ch] = axes(cf);
    const scale = (d: Dim, s: number): Dim => (d === null ? null : d * s);
    return withSpatial(x!, cf, scale(x![r]!, size[0]!), scale(x![col]!, size[1]!), x![ch]!);
  },
};

const permute: LayerRule = {
  arity: 'one',
  output: (c, [x]) => {
    const dims = c.values['dims'];
    const n = x!.length - 1;
    if (!Array.isArray(dims) || dims.length !== n || [...dims].sort((a, b) => a - b).some((d, i) => d !== i + 1)) {
      c.fail(`\`dims\` must be a permutation of 1–${n}, got ${JSON.stringify(dims)}`);
    }
    return [x![0]!, ...(dims as number[]).map((d) => x![d]!)];
  },
};

/** Merge.computeElementwiseOpOutputShape over the non-batch dimensions. */
function broadcast(c: LayerConfig, a: Shape, b: Shape): Shape {
  if (a.length < b.length) return broadcast(c, b, a);
  const out = a.slice(0, a.length - b.length);
  for (let k = 0; k < b.length; k++) {
    const i = a[a.length - b.length + k]!;
    const j = b[k]!;
    if (i === null || j === null) out.push(null);
    else if (i === 1) out.push(j);
    else if (j === 1 || i === j) out.push(i);
    else c.fail(`cannot combine inputs of shapes ${JSON.stringify(a)} and ${JSON.stringify(b)}`);
  }
  return out;
}

const elementwise: LayerRule = {
  arity: 'many',
  output: (c, inputs) => {
    const rest = inputs.map((s) => s.slice(1)).reduce((a, b) => broadcast(c, a, b));
    return [inputs[0]![0]!, ...rest];
  },
};

const concatenate: LayerRule = {
  arity: 'many',
  output: (c, inputs) => {
    const first = inputs[0]!;
    const raw = c.values['axis'] ?? -1;
    const valid = typeof raw === 'number' && Number.isInteger(raw) && raw !== 0 && raw < first.length && raw >= -first.length + 1;
    const axis = valid ? (raw < 0 ? raw + first.length : raw) : c.fail(`\`axis\` must be a non-batch axis of its rank-${first.length} inputs, got ${JSON.stringify(raw)}`);
    const out = [...first];
    for (const s of inputs.slice(1)) {
      if (s.length !== first.length || s.some((d, i) => i !== 0 && i !== axis && d !== null && first[i] !== null && d !== first[i])) {
        c.fail(`cannot concatenate inputs of shapes ${JSON.stringify(first)} and ${JSON.stringify(s)} on axis ${raw}`);
      }
      out[axis] = out[axis] === null || s[axis] === null ? null : out[axis]! + s[axis]!;
    }
    return out;
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
