/**
 * Structured removal: physically delete the output channels (conv filters, dense units) whose
 * kernel weights are all zero, with the matching BatchNormalization parameters and the matching
 * input channels of the next layer (through a Flatten: the matching rows of the dense kernel). The
 * result is a smaller dense model computing the same function as the masked one.
 *
 * Why the outputs stay equal: a channel whose filter is all zero outputs a constant (its bias,
 * passed through the activation and any BatchNormalization). That constant is folded into the next
 * layer's bias, which is exact for Dense and for a 'valid' Conv2D; a non-zero constant into a
 * 'same' Conv2D (zero padding would break it) is refused. Filter pruning also masks the bias of a
 * removed filter, so with ReLU the constant is 0 and nothing needs folding.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { RuntimeError, UsageError } from '../errors.js';
import { inputShapeOf, traceFilterChain, type FilterChain } from './chain.js';
import { cloneModel } from '../graph/clone.js';
import { zeroChannels } from './masks.js';
import { weightBaseName } from './registry.js';
import { foldConstantsIntoBias, inputRowsOf, sliceAxis } from './shrink.js';

export interface RemovedFilters {
  layer: string;
  className: string;
  /** Output channels before and after. */
  before: number;
  after: number;
  /** The layer that lost the matching input channels. */
  next: string;
}

export interface StructuredResult {
  model: tfl.LayersModel;
  removed: RemovedFilters[];
}

interface Entry {
  values: Float32Array;
  shape: number[];
}

/** Working copies of the weights being edited, loaded on first use. */
class WeightStore {
  private readonly entries = new Map<string, Entry>();

  get(layer: tfl.layers.Layer, base: string): Entry | undefined {
    const key = `${layer.name}/${base}`;
    const have = this.entries.get(key);
    if (have) return have;
    const w = layer.weights.find((v) => weightBaseName(v.originalName) === base);
    if (!w) return undefined;
    const entry = { values: Float32Array.from(w.read().dataSync() as Float32Array), shape: w.shape as number[] };
    this.entries.set(key, entry);
    return entry;
  }

  set(layer: tfl.layers.Layer, base: string, entry: Entry): void {
    this.entries.set(`${layer.name}/${base}`, entry);
  }

  lookup(layerName: string, base: string): Entry | undefined {
    return this.entries.get(`${layerName}/${base}`);
  }
}

/** Run an elementwise layer (inference mode) on one value per channel. */
function applyPerChannel(layer: tfl.layers.Layer, v: Float32Array, rank: number): Float32Array {
  return tf.tidy(() => {
    const shape = [...Array<number>(Math.max(rank, 2) - 1).fill(1), v.length];
    const out = layer.apply(tf.tensor(v, shape), { training: false }) as tf.Tensor;
    return out.dataSync() as Float32Array;
  });
}

function inputRank(layer: tfl.layers.Layer): number {
  return inputShapeOf(layer)?.length ?? 2;
}

/** The constant each channel of `chain.layer` delivers to `chain.next` when its filter is all zero. */
function deadChannelConstants(chain: FilterChain, bias: Float32Array): Float32Array {
  const activation = tfl.layers.activation({ activation: chain.layer.getConfig()['activation'] as 'linear' });
  let v = applyPerChannel(activation, bias, 2);
  for (const layer of chain.path) {
    // Spatial layers and Flatten keep a constant channel constant; only elementwise ones change it.
    const kind = layer.getClassName();
    if (['MaxPooling2D', 'AveragePooling2D', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D', 'Cropping2D', 'UpSampling2D', 'Flatten'].includes(kind)) continue;
    v = applyPerChannel(layer, v, inputRank(layer));
  }
  return v;
}

function removeFrom(store: WeightStore, chain: FilterChain, units: Map<string, number>): RemovedFilters | undefined {
  const { layer, next, flattenPositions } = chain;
  const kernel = store.get(layer, 'kernel')!;
  const channels = kernel.shape[kernel.shape.length - 1]!;
  const dead = zeroChannels(kernel.values, kernel.shape);
  if (dead.length === 0) return undefined;
  if (dead.length === channels) dead.shift(); // a layer keeps at least one channel
  const deadSet = new Set(dead);
  const keep = Array.from({ length: channels }, (_, c) => c).filter((c) => !deadSet.has(c));

  const bias = store.get(layer, 'bias');
  const constants = deadChannelConstants(chain, bias ? bias.values : new Float32Array(channels));
  const rows = new Map<number, number>();
  for (const c of dead) {
    const v = constants[c]!;
    if (v !== 0) for (const r of inputRowsOf(c, channels, flattenPositions)) rows.set(r, v);
  }
  const nextKernel = store.get(next, 'kernel')!;
  if (rows.size > 0) {
    const nextBias = store.get(next, 'bias');
    const padding = next.getConfig()['padding'];
    if (!nextBias) throw new RuntimeError(`cannot remove filters of ${layer.name} exactly: removed channels output a constant and ${next.name} has no bias to absorb it`);
    if (next.getClassName() === 'Conv2D' && padding !== 'valid') {
      throw new RuntimeError(`cannot remove filters of ${layer.name} exactly: removed channels output a nonzero constant into ${next.name}, which pads '${String(padding)}'`);
    }
    store.set(next, 'bias', { values: foldConstantsIntoBias(nextKernel.values, nextKernel.shape, nextBias.values, rows), shape: nextBias.shape });
  }

  store.set(layer, 'kernel', sliceAxis(kernel.values, kernel.shape, kernel.shape.length - 1, keep));
  if (bias) store.set(layer, 'bias', sliceAxis(bias.values, bias.shape, 0, keep));
  for (const between of chain.path) {
    if (between.getClassName() !== 'BatchNormalization') continue;
    for (const w of between.weights) {
      const base = weightBaseName(w.originalName);
      const e = store.get(between, base)!;
      store.set(between, base, sliceAxis(e.values, e.shape, 0, keep));
    }
  }
  const rowsKept = flattenPositions === undefined ? keep : Array.from({ length: flattenPositions }, (_, p) => keep.map((c) => p * channels + c)).flat();
  store.set(next, 'kernel', sliceAxis(nextKernel.values, nextKernel.shape, nextKernel.shape.length - 2, rowsKept));
  units.set(layer.name, keep.length);
  return { layer: layer.name, className: layer.getClassName(), before: channels, after: keep.length, next: next.name };
}

/**
 * Remove all-zero output channels of every Dense/Conv2D layer that can lose them (see chain.ts),
 * or only of `layers`. Returns the smaller model and what was removed; the input is not modified.
 *
 * @example
 * const pruned = prune(model, { schedule: constant(0.5, 0, -1, 50), granularity: 'filters' });
 * trainModel(pruned.model, train, { epochs: 4, ...pruned.trainHooks() });
 * const { model: smaller, removed } = removePrunedFilters(stripPruning(pruned));
 */
export function removePrunedFilters(model: tfl.LayersModel, options: { layers?: string[] } = {}): StructuredResult {
  const named = options.layers !== undefined;
  const candidates = named
    ? options.layers!.map((name) => {
        const layer = model.layers.find((l) => l.name === name);
        if (!layer) throw new UsageError(`model ${model.name} has no layer named ${JSON.stringify(name)}`);
        return layer;
      })
    : model.layers.filter((l) => l.getClassName() === 'Dense' || l.getClassName() === 'Conv2D');
  const store = new WeightStore();
  const units = new Map<string, number>();
  const removed: RemovedFilters[] = [];
  // Model order is topological, so a layer's input slicing (by its predecessor) happens first and
  // its own dead-channel test sees the already-folded bias.
  const order = model.layers.filter((l) => candidates.includes(l));
  for (const layer of order) {
    const chain = traceFilterChain(model, layer);
    if (typeof chain === 'string') {
      if (named) throw new UsageError(`cannot remove filters of ${layer.name}: ${chain}`);
      continue;
    }
    const r = removeFrom(store, chain, units);
    if (r) removed.push(r);
  }
  const smaller = cloneModel(model, {
    editLayer: (layer) => {
      const n = units.get(layer.name);
      if (n === undefined) return undefined;
      return layer.getClassName() === 'Conv2D' ? { filters: n } : { units: n };
    },
    weights: (layerName, base) => {
      const e = store.lookup(layerName, base);
      return e ? tf.tensor(e.values, e.shape) : undefined;
    },
  });
  return { model: smaller, removed };
}
