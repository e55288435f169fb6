/**
 * TF.js glue: walk a tf.LayersModel into a ModelDescription (description.ts) and summarize it.
 *
 * Which layers cost MACs, and which of their weights are kernels, is an explicit table keyed by
 * class name; layers with no arithmetic worth counting are listed too, and anything else fails with
 * an error naming its class (register it with `registerLayerCost`).
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { RuntimeError } from '../errors.js';
import type { LayerDescription, ModelDescription, Shape, WeightDescription } from './description.js';
import { convMacs, denseMacs, depthwiseMacs, separableConvMacs, transposedConvMacs } from './macs.js';
import { summarizeDescription, type ModelSummary, type SummaryOptions } from './summary.js';
import { isChannelsFirst, weightBaseName } from '../models/layer-facts.js';
import { countNonzero } from './nonzero.js';

/** A layer call's shapes, batch dimension included. */
export interface NodeShapes {
  inputShapes: Shape[];
  outputShapes: Shape[];
}

export interface LayerCost {
  /** MACs of one call of the layer. */
  macs(layer: tfl.layers.Layer, shapes: NodeShapes): number;
  /** Base names (after the last '/') of the weights that are kernels; the rest are 'aux'. */
  kernels: readonly string[];
}

function dim(d: number | null, what: string): number {
  if (d === null) throw new RuntimeError(`cannot count MACs with an unknown ${what} dimension`);
  return d;
}

/** Spatial dims and channels of a conv-style shape [batch, ...spatial, c] or [batch, c, ...spatial]. */
function split(shape: Shape, first: boolean): { spatial: number[]; channels: number } {
  const dims = shape.slice(1).map((d) => dim(d, 'spatial/channel'));
  return first ? { channels: dims[0]!, spatial: dims.slice(1) } : { channels: dims[dims.length - 1]!, spatial: dims.slice(0, -1) };
}

function kernelShape(layer: tfl.layers.Layer, base: string): number[] {
  const w = layer.weights.find((v) => weightBaseName(v.originalName) === base);
  if (w === undefined) throw new RuntimeError(`layer '${layer.name}' has no '${base}' weight`);
  return w.shape as number[];
}

const zeroCost: LayerCost = { macs: () => 0, kernels: [] };

/** Regular convolutions: kernel [...k, cin, cout]. */
const convCost: LayerCost = {
  kernels: ['kernel'],
  macs(layer, { outputShapes }) {
    const k = kernelShape(layer, 'kernel');
    const out = split(outputShapes[0]!, isChannelsFirst(layer));
    return convMacs(k.slice(0, -2), k[k.length - 2]!, k[k.length - 1]!, out.spatial);
  },
};

const REGISTRY = new Map<string, LayerCost>([
  ['Conv1D', convCost],
  ['Conv2D', convCost],
  ['Conv3D', convCost],
  ['Conv2DTranspose', {
    kernels: ['kernel'],
    macs(layer, { inputShapes }) {
      const k = kernelShape(layer, 'kernel'); // [kh, kw, cout, cin]
      const input = split(inputShapes[0]!, isChannelsFirst(layer));
      return transposedConvMacs(k.slice(0, 2), k[3]!, k[2]!, input.spatial);
    },
  }],
  ['DepthwiseConv2D', {
    kernels: ['depthwise_kernel'],
    macs(layer, { outputShapes }) {
      const k = kernelShape(layer, 'depthwise_kernel'); // [kh, kw, c, multiplier]
      return depthwiseMacs(k.slice(0, 2), k[2]!, k[3]!, split(outputShapes[0]!, isChannelsFirst(layer)).spatial);
    },
  }],
  ['SeparableConv2D', {
    kernels: ['depthwise_kernel', 'pointwise_kernel'],
    macs(layer, { outputShapes }) {
      const k = kernelShape(layer, 'depthwise_kernel');
      const p = kernelShape(layer, 'pointwise_kernel'); // [1, 1, c·multiplier, cout]
      return separableConvMacs(k.slice(0, 2), k[2]!, k[3]!, p[3]!, split(outputShapes[0]!, isChannelsFirst(layer)).spatial);
    },
  }],
  ['Dense', {
    kernels: ['kernel'],
    macs(layer, { outputShapes }) {
      const [inUnits, outUnits] = kernelShape(layer, 'kernel') as [number, number];
      const positions = outputShapes[0]!.slice(1, -1).reduce<number>((p, d) => p * dim(d, 'Dense position'), 1);
      return denseMacs(inUnits, outUnits, positions);
    },
  }],
  // A table lookup, not arithmetic; its table is still the weight that sparse storage would shrink.
  ['Embedding', { macs: () => 0, kernels: ['embeddings'] }],
  ...[
    'InputLayer', 'BatchNormalization', 'LayerNormalization', 'Activation', 'ReLU', 'LeakyReLU', 'PReLU',
    'ELU', 'ThresholdedReLU', 'Softmax', 'MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D', 'AveragePooling1D',
    'AveragePooling2D', 'AveragePooling3D', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D',
    'GlobalMaxPooling1D', 'GlobalMaxPooling2D', 'Flatten', 'Reshape', 'Permute', 'RepeatVector', 'Dropout',
    'SpatialDropout1D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'ZeroPadding2D', 'Cropping2D',
    'UpSampling2D', 'Add', 'Average', 'Maximum', 'Minimum', 'Multiply', 'Concatenate', 'Masking', 'Rescaling',
    'CenterCrop', 'Resizing',
  ].map((name) => [name, zeroCost] as [string, LayerCost]),
]);

/** Teach the analysis a layer class (e.g. a custom layer); replaces any existing entry. */
export function registerLayerCost(className: string, cost: LayerCost): void {
  REGISTRY.set(className, cost);
}

/** The classes the analysis knows. */
export function knownLayerClasses(): string[] {
  return [...REGISTRY.keys()].sort();
}

/** Node shapes are a Shape for one tensor and a Shape[] for several. */
function shapeList(s: Shape | Shape[]): Shape[] {
  return s.length > 0 && Array.isArray(s[0]) ? (s as Shape[]) : [s as Shape];
}

export interface DescribeOptions {
  /** Count nonzero kernel values (so pruned models report their density); default true. */
  measureSparsity?: boolean;
}

function describeLayer(layer: tfl.layers.Layer, prefix: string, calls: number, measure: boolean): LayerDescription {
  const className = layer.getClassName();
  const cost = REGISTRY.get(className);
  if (cost === undefined) {
    throw new RuntimeError(`cannot analyze layer '${layer.name}': unsupported layer class ${className} (known: ${knownLayerClasses().join(', ')})`);
  }
  const nodes = layer.inboundNodes.map((n) => ({ inputShapes: shapeList(n.inputShapes), outputShapes: shapeList(n.outputShapes) }));
  const macs = nodes.reduce((s, n) => s + cost.macs(layer, n), 0) * calls;
  const weights: WeightDescription[] = layer.weights.map((v) => {
    const shape = v.shape as number[];
    const role = cost.kernels.includes(weightBaseName(v.originalName)) ? 'kernel' : 'aux';
    const size = shape.reduce((p, d) => p * d, 1);
    const w: WeightDescription = { name: v.originalName, shape, size, role };
    if (measure && role === 'kernel') w.nonzero = countNonzero(v.read().dataSync());
    return w;
  });
  const outputs = nodes[0]?.outputShapes ?? [];
  return {
    name: prefix + layer.name,
    className,
    outputShape: outputs.length === 1 ? outputs[0]! : outputs,
    params: weights.reduce((s, w) => s + w.size, 0),
    macs,
    weights,
  };
}

function walk(model: tfl.LayersModel, prefix: string, calls: number, measure: boolean, out: LayerDescription[]): void {
  for (const layer of model.layers) {
    // A model used as a layer: describe its layers, once per call of the inner model. A model's
    // first inbound node is the one its own constructor creates (inputs → outputs), not a call.
    if (layer instanceof tfl.LayersModel) {
      walk(layer, `${prefix}${layer.name}/`, calls * Math.max(1, layer.inboundNodes.length - 1), measure, out);
    } else {
      out.push(describeLayer(layer, prefix, calls, measure));
    }
  }
}

/**
 * Describe a tf.LayersModel layer by layer: output shapes, params, MACs, weights (and their
 * nonzero counts). Nested models are flattened with `outer/inner` names.
 *
 * @example
 * const d = describeModel(mobilenetV1());
 * d.layers.find((l) => l.name === 'conv_pw_13')!.macs; // 1024·1024·7·7 = 51,380,224
 */
export function describeModel(model: tfl.LayersModel, options: DescribeOptions = {}): ModelDescription {
  const layers: LayerDescription[] = [];
  walk(model, '', 1, options.measureSparsity ?? true, layers);
  return { name: model.name, layers };
}

/**
 * Params, MACs, encoded bytes and energy per inference of a tf.LayersModel, per layer and in total.
 *
 * @example
 * const s = summarize(mobilenetV1(), { storage: tfjsQuantized('uint8') });
 * console.log(s.params, s.macs, s.bytes, s.energyMicrojoules);
 */
export function summarize(model: tfl.LayersModel, options: SummaryOptions & DescribeOptions = {}): ModelSummary {
  return summarizeDescription(describeModel(model, options), options);
}
