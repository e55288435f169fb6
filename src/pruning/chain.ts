/**
 * Where a layer's output channels go: for structured (filter) pruning, a layer's removed output
 * channels must be followed to the next layer that has weights, through layers that keep channels
 * apart (BatchNormalization, activations, pooling, dropout, one Flatten). That next layer loses the
 * matching input channels. Anything else (a branch, a model output, a channel-mixing layer) makes
 * the layer unfit for filter pruning; the reason says why.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { isChannelsFirst } from '../models/layer-facts.js';

/**
 * - elementwise: per-channel or per-value maps (BN, activations, dropout at inference);
 * - spatial: keep channels, move/aggregate positions (pooling, cropping, upsampling);
 * - flatten: [h, w, c] → h·w·c features, channel fastest.
 */
export type PassKind = 'elementwise' | 'spatial' | 'flatten';

const PASS_THROUGH = new Map<string, PassKind>([
  ['BatchNormalization', 'elementwise'],
  ['Activation', 'elementwise'],
  ['ReLU', 'elementwise'],
  ['LeakyReLU', 'elementwise'],
  ['ELU', 'elementwise'],
  ['ThresholdedReLU', 'elementwise'],
  ['Dropout', 'elementwise'],
  ['SpatialDropout1D', 'elementwise'],
  ['GaussianNoise', 'elementwise'],
  ['GaussianDropout', 'elementwise'],
  ['AlphaDropout', 'elementwise'],
  ['MaxPooling2D', 'spatial'],
  ['AveragePooling2D', 'spatial'],
  ['GlobalAveragePooling2D', 'spatial'],
  ['GlobalMaxPooling2D', 'spatial'],
  ['Cropping2D', 'spatial'],
  ['UpSampling2D', 'spatial'],
  ['Flatten', 'flatten'],
]);

/** Layers whose input channels can be removed: kernel axis rank − 2 is the input channel. */
const CONSUMERS = new Set(['Dense', 'Conv2D']);

export interface FilterChain {
  /** The layer whose output channels are removed. */
  layer: tfl.layers.Layer;
  /** Layers between it and `next`, in order. */
  path: tfl.layers.Layer[];
  /** The next layer with weights; it loses the matching input channels. */
  next: tfl.layers.Layer;
  /** Set when a Flatten sits in the path: how many spatial positions each channel is spread over. */
  flattenPositions?: number;
}

/** The (first) input shape of a layer's first call, batch dimension included. */
export function inputShapeOf(layer: tfl.layers.Layer): (number | null)[] | undefined {
  const shapes = layer.inboundNodes[0]?.inputShapes as (number | null)[] | (number | null)[][] | undefined;
  if (shapes === undefined) return undefined;
  return shapes.length > 0 && Array.isArray(shapes[0]) ? (shapes as (number | null)[][])[0] : (shapes as (number | null)[]);
}

/** The layers of `model` that consume `layer`'s output. */
function consumers(model: tfl.LayersModel, layer: tfl.layers.Layer): tfl.layers.Layer[] {
  const inModel = new Set(model.layers);
  return layer.outboundNodes.map((n) => n.outboundLayer).filter((l): l is tfl.layers.Layer => l !== undefined && inModel.has(l));
}

function passReason(layer: tfl.layers.Layer, afterFlatten: boolean): string | undefined {
  const className = layer.getClassName();
  const kind = PASS_THROUGH.get(className);
  if (kind === undefined) return `its output feeds ${className} ${layer.name}, which mixes or reshapes channels`;
  const config = layer.getConfig();
  if (isChannelsFirst(layer)) return `${layer.name} is channelsFirst`;
  if (className === 'Activation' && config['activation'] === 'softmax') return `${layer.name} applies softmax across channels`;
  if (className === 'BatchNormalization') {
    if (afterFlatten) return `BatchNormalization ${layer.name} after a Flatten is not supported`;
    const axis = config['axis'];
    const rank = inputShapeOf(layer)?.length;
    if (axis !== -1 && axis !== (rank !== undefined ? rank - 1 : -1)) return `BatchNormalization ${layer.name} normalizes axis ${String(axis)}, not channels`;
  }
  if (afterFlatten && kind !== 'elementwise') return `${className} ${layer.name} after a Flatten is not supported`;
  return undefined;
}

/** Follow `layer`'s output to the next weighted layer, or explain why its filters cannot be removed. */
export function traceFilterChain(model: tfl.LayersModel, layer: tfl.layers.Layer): FilterChain | string {
  const className = layer.getClassName();
  if (className !== 'Dense' && className !== 'Conv2D') return `${className} layers are not supported by filter pruning (Dense, Conv2D are)`;
  if (isChannelsFirst(layer)) return `${layer.name} is channelsFirst`;
  if (layer.inboundNodes.length !== 1) return `${layer.name} is shared (called ${layer.inboundNodes.length} times)`;
  const outputs = new Set(model.outputs.map((t) => t.sourceLayer));
  const path: tfl.layers.Layer[] = [];
  let flattenPositions: number | undefined;
  let current = layer;
  for (;;) {
    if (outputs.has(current)) return `${layer.name} feeds a model output${current === layer ? '' : ` (through ${current.name})`}; removing its channels would change the output`;
    const next = consumers(model, current);
    if (next.length === 0) return `${layer.name} feeds a model output; removing its channels would change the output`;
    if (next.length !== 1) return `${current.name}'s output goes to ${next.length} layers; only a single chain is supported`;
    const candidate = next[0]!;
    if (candidate.inboundNodes.length !== 1) return `${candidate.name} is shared`;
    if (CONSUMERS.has(candidate.getClassName())) {
      if (isChannelsFirst(candidate)) return `${candidate.name} is channelsFirst`;
      if (flattenPositions !== undefined && candidate.getClassName() !== 'Dense') return `${candidate.name} after a Flatten must be Dense`;
      return { layer, path, next: candidate, ...(flattenPositions !== undefined ? { flattenPositions } : {}) };
    }
    const reason = passReason(candidate, flattenPositions !== undefined);
    if (reason) return reason;
    if (PASS_THROUGH.get(candidate.getClassName()) === 'flatten') {
      const spatial = (inputShapeOf(candidate) ?? [null]).slice(1, -1);
      if (spatial.some((d) => d === null)) return `${candidate.name} flattens an input of unknown size`;
      flattenPositions = (spatial as number[]).reduce((p, d) => p * d, 1);
    }
    path.push(candidate);
    current = candidate;
  }
}
