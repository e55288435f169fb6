/**
 * Keras layer → ONNX nodes: an explicit allowlist keyed by layer class. Anything else (including
 * nested models) fails with an error naming the layer and its class. Every converter receives its
 * inputs as OnnxValues (see onnx-context.ts for layouts) and returns the layer's output value.
 *
 * Weight quantization touches only the weights a converter fetches through `ctx.weight`; which of
 * them the 'int8' preset quantizes (kernels, per output channel) is the QUANTIZABLE_KERNELS table.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { RuntimeError } from '../errors.js';
import { ExportContext, NCHW_AXIS, findWeight, fmt, hasWeight, normalizeAxis, type KerasShape, type Layer, type OnnxValue } from './onnx-context.js';
import type { WeightKind } from './weight-layout.js';

type Config = tf.serialization.ConfigDict;

export interface ConvertArgs {
  ctx: ExportContext;
  layer: Layer;
  config: Config;
  inputs: OnnxValue[];
  /** The Keras shape of the layer's output. */
  output: KerasShape;
}

export type LayerConverter = (args: ConvertArgs) => OnnxValue;

/** Kernels the 'int8' preset quantizes, with the Keras axis its per-channel scales run along. */
export const QUANTIZABLE_KERNELS: Readonly<Record<string, readonly { weight: string; kind: WeightKind; axis: number }[]>> = {
  Conv2D: [{ weight: 'kernel', kind: 'conv', axis: 3 }],
  Dense: [{ weight: 'kernel', kind: 'dense', axis: 1 }],
  // Depthwise: per input channel (= per ONNX output channel when the multiplier is 1).
  DepthwiseConv2D: [{ weight: 'depthwise_kernel', kind: 'depthwise', axis: 2 }],
  SeparableConv2D: [
    { weight: 'depthwise_kernel', kind: 'depthwise', axis: 2 },
    { weight: 'pointwise_kernel', kind: 'conv', axis: 3 },
  ],
};

// ---- config access (tf.layers getConfig() values are loosely typed JSON) ----

function pair(config: Config, key: string, layer: Layer, fallback?: [number, number]): [number, number] {
  const v = config[key];
  if ((v === null || v === undefined) && fallback) return fallback;
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number')) return [v[0] as number, v[1] as number];
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'number') return [v[0], v[0]];
  throw new RuntimeError(`layer ${layer.name}: unexpected ${key} ${JSON.stringify(v)}`);
}

function str(config: Config, key: string, fallback: string): string {
  const v = config[key];
  return typeof v === 'string' ? v : fallback;
}

function checkChannelsLast(config: Config, layer: Layer): void {
  const format = str(config, 'dataFormat', 'channelsLast');
  if (format !== 'channelsLast') throw new RuntimeError(`layer ${layer.name}: dataFormat ${format} is not supported by the ONNX export (channelsLast only)`);
}

/** ONNX pads [top, left, bottom, right] reproducing TF's 'valid'/'same' padding. */
export function spatialPads(
  input: KerasShape,
  kernel: [number, number],
  strides: [number, number],
  dilation: [number, number],
  padding: string,
  layer: Layer,
): number[] {
  if (padding === 'valid') return [0, 0, 0, 0];
  if (padding !== 'same') throw new RuntimeError(`layer ${layer.name}: padding ${JSON.stringify(padding)} is not supported by the ONNX export`);
  const begin: number[] = [];
  const end: number[] = [];
  for (let i = 0; i < 2; i++) {
    const size = input[1 + i];
    if (typeof size !== 'number') throw new RuntimeError(`layer ${layer.name}: 'same' padding needs a known input size, got ${fmt(input)}`);
    const out = Math.ceil(size / strides[i]!);
    const total = Math.max((out - 1) * strides[i]! + (kernel[i]! - 1) * dilation[i]! + 1 - size, 0);
    begin.push(Math.floor(total / 2));
    end.push(total - Math.floor(total / 2));
  }
  return [...begin, ...end];
}

function nchwValue(name: string, output: KerasShape): OnnxValue {
  return { name, shape: output, layout: 'nchw' };
}

// ---- converters ----

/** Conv2D / DepthwiseConv2D (group = channels) / the depthwise half of SeparableConv2D. */
function convolution(a: ConvertArgs, weight: string, kind: 'conv' | 'depthwise', base: string, withBias: boolean, output: KerasShape): OnnxValue {
  const { ctx, layer, config } = a;
  checkChannelsLast(config, layer);
  const x = ctx.nchw(a.inputs[0]!);
  const kernel = pair(config, 'kernelSize', layer);
  const strides = pair(config, 'strides', layer, [1, 1]);
  const dilation = pair(config, 'dilationRate', layer, [1, 1]);
  const pads = spatialPads(x.shape, kernel, strides, dilation, str(config, 'padding', 'valid'), layer);
  const inputs = [x.name, ctx.weight(layer, weight, kind)];
  if (withBias) inputs.push(ctx.weight(layer, 'bias', 'vector'));
  const channels = x.shape[3];
  if (kind === 'depthwise' && typeof channels !== 'number') throw new RuntimeError(`layer ${layer.name}: unknown channel count`);
  const group = kind === 'depthwise' ? (channels as number) : 1;
  const y = ctx.graph.op('Conv', inputs, base, { kernel_shape: kernel, strides, dilations: dilation, pads, group });
  return nchwValue(y, output);
}

function useBias(a: ConvertArgs): boolean {
  return a.config['useBias'] !== false && hasWeight(a.layer, 'bias');
}

/** The layer's fused activation; the pre-activation node was named `<layer>/<op>` unless linear. */
function activate(a: ConvertArgs, v: OnnxValue): OnnxValue {
  return a.ctx.activation(v, str(a.config, 'activation', 'linear'), a.layer.name, a.layer.name);
}

const conv2d: LayerConverter = (a) => {
  const linear = str(a.config, 'activation', 'linear') === 'linear';
  const y = convolution(a, 'kernel', 'conv', linear ? a.layer.name : `${a.layer.name}/conv`, useBias(a), a.output);
  return activate(a, y);
};

const depthwiseConv2d: LayerConverter = (a) => {
  const linear = str(a.config, 'activation', 'linear') === 'linear';
  const y = convolution(a, 'depthwise_kernel', 'depthwise', linear ? a.layer.name : `${a.layer.name}/conv`, useBias(a), a.output);
  return activate(a, y);
};

const separableConv2d: LayerConverter = (a) => {
  const { ctx, layer } = a;
  const x = a.inputs[0]!;
  // From the kernel: tfjs-layers' SeparableConv getConfig() omits depthMultiplier.
  const mult = findWeight(layer, 'depthwise_kernel').shape[3]!;
  const depthShape: KerasShape = [...a.output.slice(0, 3), (x.shape[3] as number) * mult];
  const depth = convolution(a, 'depthwise_kernel', 'depthwise', `${layer.name}/depthwise`, false, depthShape);
  const inputs = [depth.name, ctx.weight(layer, 'pointwise_kernel', 'conv')];
  if (useBias(a)) inputs.push(ctx.weight(layer, 'bias', 'vector'));
  const linear = str(a.config, 'activation', 'linear') === 'linear';
  const attrs = { kernel_shape: [1, 1], strides: [1, 1], pads: [0, 0, 0, 0], group: 1 };
  const y = ctx.graph.op('Conv', inputs, linear ? layer.name : `${layer.name}/pointwise`, attrs);
  return activate(a, nchwValue(y, a.output));
};

const dense: LayerConverter = (a) => {
  const { ctx, layer } = a;
  const x = ctx.keras(a.inputs[0]!);
  const kernel = ctx.weight(layer, 'kernel', 'dense');
  const bias = useBias(a) ? ctx.weight(layer, 'bias', 'vector') : null;
  const linear = str(a.config, 'activation', 'linear') === 'linear';
  const base = linear ? layer.name : `${layer.name}/dense`;
  let y: string;
  if (x.shape.length === 2) {
    y = ctx.graph.op('Gemm', bias ? [x.name, kernel, bias] : [x.name, kernel], base);
  } else {
    // Dense on rank > 2 acts on the last axis: MatMul broadcasts over the leading ones.
    y = ctx.graph.op('MatMul', [x.name, kernel], bias ? `${layer.name}/matmul` : base);
    if (bias) y = ctx.graph.op('Add', [y, bias], base);
  }
  return activate(a, { name: y, shape: a.output, layout: 'keras' });
};

function pooling(op: 'MaxPool' | 'AveragePool'): LayerConverter {
  return (a) => {
    const { ctx, layer, config } = a;
    checkChannelsLast(config, layer);
    const x = ctx.nchw(a.inputs[0]!);
    const kernel = pair(config, 'poolSize', layer, [2, 2]);
    const strides = pair(config, 'strides', layer, kernel);
    const pads = spatialPads(x.shape, kernel, strides, [1, 1], str(config, 'padding', 'valid'), layer);
    // AveragePool's default count_include_pad=0 matches TF, which averages only the real pixels.
    return nchwValue(ctx.graph.op(op, [x.name], layer.name, { kernel_shape: kernel, strides, pads }), a.output);
  };
}

function globalPooling(op: 'GlobalAveragePool' | 'GlobalMaxPool'): LayerConverter {
  return (a) => {
    const { ctx, layer, config } = a;
    checkChannelsLast(config, layer);
    const x = ctx.nchw(a.inputs[0]!);
    const pooled = ctx.graph.op(op, [x.name], `${layer.name}/pool`);
    if (a.output.length === 4) return nchwValue(pooled, a.output); // keepDims
    return { name: ctx.graph.op('Flatten', [pooled], layer.name, { axis: 1 }), shape: a.output, layout: 'keras' };
  };
}

const flatten: LayerConverter = (a) => {
  const x = a.ctx.keras(a.inputs[0]!);
  return { name: a.ctx.graph.op('Flatten', [x.name], a.layer.name, { axis: 1 }), shape: a.output, layout: 'keras' };
};

const reshape: LayerConverter = (a) => {
  const { ctx, layer } = a;
  const target = a.config['targetShape'];
  if (!Array.isArray(target) || !target.every((d) => typeof d === 'number')) {
    throw new RuntimeError(`layer ${layer.name}: unexpected targetShape ${JSON.stringify(target)}`);
  }
  const x = ctx.keras(a.inputs[0]!);
  // 0 copies the batch dimension (allowzero = 0, the opset-13 meaning).
  const shape = ctx.graph.int64(`${layer.name}/shape`, [0, ...(target as number[])]);
  return { name: ctx.graph.op('Reshape', [x.name, shape], layer.name), shape: a.output, layout: 'keras' };
};

const batchNormalization: LayerConverter = (a) => {
  const { ctx, layer, config } = a;
  const v = a.inputs[0]!;
  const rawAxis = Array.isArray(config['axis']) ? (config['axis'] as number[]) : [(config['axis'] as number | undefined) ?? -1];
  if (rawAxis.length !== 1) throw new RuntimeError(`layer ${layer.name}: BatchNormalization over several axes is not supported by the ONNX export`);
  const rank = v.shape.length;
  const axis = normalizeAxis(rawAxis[0]!, rank);
  if (axis !== rank - 1 || (rank !== 2 && rank !== 4)) {
    throw new RuntimeError(`layer ${layer.name}: BatchNormalization on axis ${axis} of a rank-${rank} tensor is not supported by the ONNX export (channels of rank 2 or 4 only)`);
  }
  const x = rank === 4 ? ctx.nchw(v) : ctx.keras(v);
  const channels = v.shape[axis] as number;
  const gamma = hasWeight(layer, 'gamma') ? ctx.weight(layer, 'gamma', 'vector') : ctx.constant(`${layer.name}/gamma`, new Float32Array(channels).fill(1));
  const beta = hasWeight(layer, 'beta') ? ctx.weight(layer, 'beta', 'vector') : ctx.constant(`${layer.name}/beta`, new Float32Array(channels));
  const mean = ctx.weight(layer, 'moving_mean', 'vector');
  const variance = ctx.weight(layer, 'moving_variance', 'vector');
  const epsilon = (config['epsilon'] as number | undefined) ?? 1e-3;
  const y = ctx.graph.op('BatchNormalization', [x.name, gamma, beta, mean, variance], layer.name, { epsilon: { float: epsilon } });
  return { name: y, shape: a.output, layout: x.layout };
};

const activation: LayerConverter = (a) => a.ctx.activation(a.inputs[0]!, str(a.config, 'activation', 'linear'), a.layer.name, a.layer.name);

const relu: LayerConverter = (a) => {
  const max = a.config['maxValue'];
  for (const key of ['negativeSlope', 'threshold']) {
    const v = a.config[key];
    if (typeof v === 'number' && v !== 0) throw new RuntimeError(`layer ${a.layer.name}: ReLU ${key} ${v} is not supported by the ONNX export`);
  }
  if (typeof max === 'number') return a.ctx.clip(a.inputs[0]!, 0, max, a.layer.name);
  return a.ctx.activation(a.inputs[0]!, 'relu', a.layer.name, a.layer.name);
};

const softmax: LayerConverter = (a) => {
  const axis = a.config['axis'];
  const one = Array.isArray(axis) ? (axis.length === 1 ? axis[0] : undefined) : (axis ?? -1);
  if (typeof one !== 'number') throw new RuntimeError(`layer ${a.layer.name}: Softmax over axis ${JSON.stringify(axis)} is not supported by the ONNX export`);
  return a.ctx.softmax(a.inputs[0]!, one, a.layer.name);
};

const zeroPadding2d: LayerConverter = (a) => {
  const { ctx, layer, config } = a;
  checkChannelsLast(config, layer);
  const p = config['padding'];
  let rows: [number, number];
  let cols: [number, number];
  if (typeof p === 'number') rows = cols = [p, p];
  else if (Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === 'number')) {
    rows = [p[0] as number, p[0] as number];
    cols = [p[1] as number, p[1] as number];
  } else if (Array.isArray(p) && p.length === 2 && p.every((x) => Array.isArray(x) && x.length === 2)) {
    rows = p[0] as [number, number];
    cols = p[1] as [number, number];
  } else throw new RuntimeError(`layer ${layer.name}: unexpected padding ${JSON.stringify(p)}`);
  const x = ctx.nchw(a.inputs[0]!);
  const pads = ctx.graph.int64(`${layer.name}/pads`, [0, 0, rows[0], cols[0], 0, 0, rows[1], cols[1]]);
  return nchwValue(ctx.graph.op('Pad', [x.name, pads], layer.name), a.output);
};

/** Layers that compute nothing at inference. */
const identity: LayerConverter = (a) => a.inputs[0]!;

/** Bring all inputs to one layout: NCHW if any rank-4 input already is, else Keras. */
function sameLayout(ctx: ExportContext, inputs: OnnxValue[]): OnnxValue[] {
  const nchw = inputs.some((v) => v.layout === 'nchw');
  return inputs.map((v) => (nchw ? ctx.nchw(v) : ctx.keras(v)));
}

const concatenate: LayerConverter = (a) => {
  const inputs = sameLayout(a.ctx, a.inputs);
  const rank = a.output.length;
  const axis = normalizeAxis((a.config['axis'] as number | undefined) ?? -1, rank);
  const layout = inputs[0]!.layout;
  const onnxAxis = layout === 'nchw' ? NCHW_AXIS[axis]! : axis;
  return { name: a.ctx.graph.op('Concat', inputs.map((v) => v.name), a.layer.name, { axis: onnxAxis }), shape: a.output, layout };
};

const add: LayerConverter = (a) => {
  const inputs = sameLayout(a.ctx, a.inputs);
  let sum = inputs[0]!.name;
  for (let i = 1; i < inputs.length; i++) {
    sum = a.ctx.graph.op('Add', [sum, inputs[i]!.name], i === inputs.length - 1 ? a.layer.name : `${a.layer.name}/add${i}`);
  }
  return { name: sum, shape: a.output, layout: inputs[0]!.layout };
};

/** The allowlist: Keras class name → converter. */
export const LAYER_CONVERTERS: Readonly<Record<string, LayerConverter>> = {
  Conv2D: conv2d,
  DepthwiseConv2D: depthwiseConv2d,
  SeparableConv2D: separableConv2d,
  Dense: dense,
  MaxPooling2D: pooling('MaxPool'),
  AveragePooling2D: pooling('AveragePool'),
  GlobalAveragePooling2D: globalPooling('GlobalAveragePool'),
  GlobalMaxPooling2D: globalPooling('GlobalMaxPool'),
  Flatten: flatten,
  Reshape: reshape,
  BatchNormalization: batchNormalization,
  Activation: activation,
  ReLU: relu,
  Softmax: softmax,
  ZeroPadding2D: zeroPadding2d,
  Dropout: identity,
  Concatenate: concatenate,
  Add: add,
};

/** The converter for `layer`, or an error naming the layer and its class. */
export function converterFor(layer: Layer): LayerConverter {
  const cls = layer.getClassName();
  const converter = Object.hasOwn(LAYER_CONVERTERS, cls) ? LAYER_CONVERTERS[cls] : undefined;
  if (!converter) {
    throw new RuntimeError(
      `layer ${layer.name} (${cls}) is not supported by the ONNX export (supported: InputLayer, ${Object.keys(LAYER_CONVERTERS).join(', ')})`,
    );
  }
  return converter;
}
