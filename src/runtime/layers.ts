/**
 * The layer allowlist: each supported Keras class → a typed, validated op description. Anything not
 * in LAYER_PARSERS is an error naming the class and the layer. Only channels_last data, dilation 1.
 */
import { RuntimeError } from '../errors.js';
import type { JsonObject, JsonValue } from '../format/spec.js';
import type { LayerNode } from './topology.js';

/** A fused elementwise clamp: linear = (−∞, ∞), relu = (0, ∞), relu6 = (0, 6). */
export interface Clamp {
  lo: number;
  hi: number;
}
export const LINEAR: Clamp = { lo: -Infinity, hi: Infinity };

export type Padding = 'same' | 'valid';

/** Largest kernel, stride or pool window side the runtime accepts (a hostile file can say 2^31). */
export const MAX_WINDOW = 1024;

export type LayerSpec =
  | { kind: 'input' }
  | { kind: 'conv2d'; kernel: [number, number]; strides: [number, number]; padding: Padding; filters: number; useBias: boolean; clamp: Clamp | 'softmax' }
  | { kind: 'depthwise'; kernel: [number, number]; strides: [number, number]; padding: Padding; multiplier: number; useBias: boolean; clamp: Clamp | 'softmax' }
  | {
      kind: 'separable';
      kernel: [number, number];
      strides: [number, number];
      padding: Padding;
      multiplier: number;
      filters: number;
      useBias: boolean;
      clamp: Clamp | 'softmax';
    }
  | { kind: 'dense'; units: number; useBias: boolean; clamp: Clamp | 'softmax' }
  | { kind: 'batchnorm'; epsilon: number; center: boolean; scale: boolean }
  | { kind: 'activation'; clamp: Clamp | 'softmax' }
  | { kind: 'pool'; mode: 'max' | 'avg'; pool: [number, number]; strides: [number, number]; padding: Padding }
  | { kind: 'globalpool'; mode: 'max' | 'avg'; keepDims: boolean }
  | { kind: 'add' }
  | { kind: 'concat'; axis: number }
  | { kind: 'reshape'; target: number[] | null }
  | { kind: 'identity' }
  | { kind: 'zeropad'; pad: [number, number, number, number] };

function bad(node: LayerNode, message: string): never {
  throw new RuntimeError(`layer '${node.name}' (${node.className}): ${message}`);
}

function int(node: LayerNode, key: string, min: number, max: number, fallback?: number): number {
  const v = node.config[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) bad(node, `\`${key}\` must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
  return v;
}

function pair(node: LayerNode, key: string, fallback: number | undefined, max = MAX_WINDOW): [number, number] {
  let v: JsonValue | undefined = node.config[key];
  if ((v === undefined || v === null) && fallback !== undefined) v = fallback;
  if (typeof v === 'number') v = [v, v];
  if (!Array.isArray(v) || v.length !== 2 || !v.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 1 && d <= max)) {
    bad(node, `\`${key}\` must be two integers in [1, ${max}], got ${JSON.stringify(v)}`);
  }
  return [v[0] as number, v[1] as number];
}

function bool(node: LayerNode, key: string, fallback: boolean): boolean {
  const v = node.config[key] ?? fallback;
  if (typeof v !== 'boolean') bad(node, `\`${key}\` must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

function padding(node: LayerNode): Padding {
  const v = node.config['padding'] ?? 'valid';
  if (v !== 'same' && v !== 'valid') bad(node, `padding ${JSON.stringify(v)} is not supported (same, valid)`);
  return v;
}

function channelsLast(node: LayerNode): void {
  const f = node.config['data_format'];
  if (f !== undefined && f !== null && f !== 'channels_last') bad(node, `data_format ${JSON.stringify(f)} is not supported (channels_last only)`);
}

function noDilation(node: LayerNode): void {
  const d = node.config['dilation_rate'];
  const ones = d === undefined || d === null || d === 1 || (Array.isArray(d) && d.every((x) => x === 1));
  if (!ones) bad(node, `dilation_rate ${JSON.stringify(d)} is not supported (1 only)`);
}

/** An activation name → a clamp or softmax. */
export function activationClamp(node: LayerNode, name: JsonValue | undefined): Clamp | 'softmax' {
  switch (name ?? 'linear') {
    case 'linear':
      return LINEAR;
    case 'relu':
      return { lo: 0, hi: Infinity };
    case 'relu6':
      return { lo: 0, hi: 6 };
    case 'softmax':
      return 'softmax';
    default:
      bad(node, `activation ${JSON.stringify(name)} is not supported (linear, relu, relu6, softmax)`);
  }
}

function activationOf(node: LayerNode): Clamp | 'softmax' {
  return activationClamp(node, node.config['activation']);
}

function reluLayer(node: LayerNode): LayerSpec {
  const max = node.config['max_value'];
  const slope = node.config['negative_slope'] ?? 0;
  const threshold = node.config['threshold'] ?? 0;
  if (slope !== 0 || threshold !== 0) bad(node, `negative_slope ${JSON.stringify(slope)} / threshold ${JSON.stringify(threshold)} are not supported (0 only)`);
  if (max === undefined || max === null) return { kind: 'activation', clamp: { lo: 0, hi: Infinity } };
  if (typeof max !== 'number' || !(max >= 0)) bad(node, `max_value must be a non-negative number, got ${JSON.stringify(max)}`);
  return { kind: 'activation', clamp: { lo: 0, hi: max } };
}

function lastAxis(node: LayerNode, key: string, fallback: number): void {
  const axis = node.config[key] ?? fallback;
  const ok = axis === -1 || axis === 3 || (Array.isArray(axis) && axis.length === 1 && (axis[0] === -1 || axis[0] === 3));
  if (!ok) bad(node, `${key} ${JSON.stringify(axis)} is not supported (the channel axis, -1, only)`);
}

function pool(mode: 'max' | 'avg') {
  return (node: LayerNode): LayerSpec => {
    channelsLast(node);
    const size = pair(node, 'pool_size', 2);
    return { kind: 'pool', mode, pool: size, strides: pair(node, 'strides', undefined) ?? size, padding: padding(node) };
  };
}

function globalPool(mode: 'max' | 'avg') {
  return (node: LayerNode): LayerSpec => {
    channelsLast(node);
    return { kind: 'globalpool', mode, keepDims: bool(node, 'keepdims', false) };
  };
}

function zeroPad(node: LayerNode): LayerSpec {
  channelsLast(node);
  const p = node.config['padding'] ?? 1;
  const ok = (n: JsonValue | undefined): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= MAX_WINDOW;
  if (ok(p)) return { kind: 'zeropad', pad: [p, p, p, p] };
  if (Array.isArray(p) && p.length === 2) {
    const [h, w] = p;
    if (ok(h) && ok(w)) return { kind: 'zeropad', pad: [h, h, w, w] };
    if (Array.isArray(h) && Array.isArray(w) && h.length === 2 && w.length === 2 && ok(h[0]) && ok(h[1]) && ok(w[0]) && ok(w[1])) {
      return { kind: 'zeropad', pad: [h[0], h[1], w[0], w[1]] };
    }
  }
  bad(node, `padding ${JSON.stringify(p)} is not a valid ZeroPadding2D padding`);
}

function reshape(node: LayerNode): LayerSpec {
  const t = node.config['target_shape'];
  if (!Array.isArray(t) || t.length === 0 || t.length > 4) bad(node, `target_shape ${JSON.stringify(t)} must list 1 to 4 dimensions`);
  const dims = t.map((d) => (d === -1 ? -1 : typeof d === 'number' && Number.isInteger(d) && d >= 1 ? d : bad(node, `target_shape ${JSON.stringify(t)} has a bad dimension`)));
  if (dims.filter((d) => d === -1).length > 1) bad(node, `target_shape ${JSON.stringify(t)} has more than one -1`);
  return { kind: 'reshape', target: dims };
}

const MAX_CHANNELS = 1 << 20;

/** Keras class → parser. Order follows the op list. */
export const LAYER_PARSERS: Readonly<Record<string, (node: LayerNode) => LayerSpec>> = {
  InputLayer: () => ({ kind: 'input' }),
  Conv2D: (node) => {
    channelsLast(node);
    noDilation(node);
    if (int(node, 'groups', 1, 1, 1) !== 1) bad(node, 'grouped convolution is not supported');
    return {
      kind: 'conv2d',
      kernel: pair(node, 'kernel_size', undefined),
      strides: pair(node, 'strides', 1),
      padding: padding(node),
      filters: int(node, 'filters', 1, MAX_CHANNELS),
      useBias: bool(node, 'use_bias', true),
      clamp: activationOf(node),
    };
  },
  DepthwiseConv2D: (node) => {
    channelsLast(node);
    noDilation(node);
    return {
      kind: 'depthwise',
      kernel: pair(node, 'kernel_size', undefined),
      strides: pair(node, 'strides', 1),
      padding: padding(node),
      multiplier: int(node, 'depth_multiplier', 1, 1024, 1),
      useBias: bool(node, 'use_bias', true),
      clamp: activationOf(node),
    };
  },
  SeparableConv2D: (node) => {
    channelsLast(node);
    noDilation(node);
    return {
      kind: 'separable',
      kernel: pair(node, 'kernel_size', undefined),
      strides: pair(node, 'strides', 1),
      padding: padding(node),
      multiplier: int(node, 'depth_multiplier', 1, 1024, 1),
      filters: int(node, 'filters', 1, MAX_CHANNELS),
      useBias: bool(node, 'use_bias', true),
      clamp: activationOf(node),
    };
  },
  Dense: (node) => ({ kind: 'dense', units: int(node, 'units', 1, MAX_CHANNELS), useBias: bool(node, 'use_bias', true), clamp: activationOf(node) }),
  BatchNormalization: (node) => {
    lastAxis(node, 'axis', -1);
    const epsilon = node.config['epsilon'] ?? 1e-3;
    if (typeof epsilon !== 'number' || !(epsilon >= 0)) bad(node, `epsilon must be a non-negative number, got ${JSON.stringify(epsilon)}`);
    return { kind: 'batchnorm', epsilon, center: bool(node, 'center', true), scale: bool(node, 'scale', true) };
  },
  Activation: (node) => ({ kind: 'activation', clamp: activationOf(node) }),
  ReLU: reluLayer,
  Softmax: (node) => {
    lastAxis(node, 'axis', -1);
    return { kind: 'activation', clamp: 'softmax' };
  },
  MaxPooling2D: pool('max'),
  AveragePooling2D: pool('avg'),
  GlobalAveragePooling2D: globalPool('avg'),
  GlobalMaxPooling2D: globalPool('max'),
  Add: () => ({ kind: 'add' }),
  Concatenate: (node) => {
    lastAxis(node, 'axis', -1);
    return { kind: 'concat', axis: -1 };
  },
  Flatten: (node) => {
    channelsLast(node);
    return { kind: 'reshape', target: null };
  },
  Reshape: reshape,
  Dropout: () => ({ kind: 'identity' }),
  SpatialDropout2D: () => ({ kind: 'identity' }),
  GaussianDropout: () => ({ kind: 'identity' }),
  ZeroPadding2D: zeroPad,
};

/**
 * The op a layer node performs, or an error naming its class when the runtime cannot run it.
 * @example layerSpec({ name: 'fc1', className: 'Dense', config: { units: 10 }, inputs: ['x'] });
 */
export function layerSpec(node: LayerNode): LayerSpec {
  const parse = LAYER_PARSERS[node.className];
  if (parse === undefined) {
    throw new RuntimeError(`layer '${node.name}': ${node.className} is not supported by the smallnets runtime (use --engine tfjs)`);
  }
  return parse(node);
}
