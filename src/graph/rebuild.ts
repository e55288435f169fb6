/**
 * The one model-rebuilding engine: every technique that changes a model's layers — pruning's clones
 * and smaller models, the wrappers quantization and clustering put around kernels (and take off
 * again), restructuring's separable / factorized / thinner layers, a new input resolution — goes
 * through `rebuildModel`. It walks the original graph, lets a `replace` callback put a chain of new
 * layers in place of any layer, re-wires the graph and carries the weights of everything it keeps.
 *
 * Sequential models stay Sequential (LeNets stay LeNets); functional graphs keep their wiring, also
 * through shared layers (a layer called twice is instantiated once and called twice) and nested
 * models (kept whole, with their weights). Layers are created from configs, never shared with the
 * original, so the original model is never modified.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { UsageError } from '../errors.js';
import { weightBaseName } from '../models/layer-facts.js';

export type LayerConfig = Record<string, unknown>;

/** A layer to create: its config and how to instantiate it (the engine may add `batchInputShape`). */
export interface LayerSpec {
  config: LayerConfig;
  create(config: LayerConfig): tfl.layers.Layer;
}

/** What a transform does with one layer of the original: keep it (undefined) or replace it by a chain. */
export type Replace = (layer: tfl.layers.Layer) => LayerSpec[] | undefined;

/**
 * Values for the weights of a new layer that stands in for the original layer of the same name:
 * by that name and the weight's base name (`kernel`, `bias`, …); undefined = not given.
 */
export type WeightValues = (layerName: string, weightBase: string, shape: readonly number[]) => tf.Tensor | undefined;

export interface RebuildOptions {
  replace?: Replace;
  /** New per-example input shape (without the batch dimension), e.g. for a resolution change. */
  inputShape?: number[];
  /** Name of the new model. */
  name?: string;
  /**
   * Weight values for same-named layers (kept, or replaced one-to-one); a layer whose weights are
   * all given takes them. Kept layers not given everything copy the original's weights when their
   * shapes still fit.
   */
  weights?: WeightValues;
}

export interface Rebuilt {
  model: tfl.LayersModel;
  /** Original layer name → the layers standing in for it in the new model. */
  layers: Map<string, tfl.layers.Layer[]>;
  /** Kept layers whose weight shapes changed (their weights start fresh). */
  reinitialized: string[];
  /** Layers replaced one-to-one (same name) whose weights were not all given: the caller sets them. */
  unset: string[];
}

/** The config of a layer, to clone it or to derive a replacement from it. */
export function layerConfig(layer: tfl.layers.Layer): LayerConfig {
  return { ...(layer.getConfig() as LayerConfig) };
}

type SerializableClass = tf.serialization.SerializableConstructor<tf.serialization.Serializable>;

/**
 * A spec that re-creates `layer`'s class with `config` (the original's config plus overrides),
 * through the class's own `fromConfig`, so wrappers and nested models clone as well as stock layers.
 */
export function cloneSpec(layer: tfl.layers.Layer, overrides: LayerConfig = {}): LayerSpec {
  const config = { ...layerConfig(layer), ...overrides };
  delete config['batchInputShape'];
  delete config['inputShape'];
  const cls = layer.constructor as unknown as SerializableClass;
  // fromConfig may consume the config it is given (containers do): hand it a deep copy.
  return { config, create: (c) => cls.fromConfig(cls, copyConfig(c) as tf.serialization.ConfigDict) as unknown as tfl.layers.Layer };
}

/** A deep copy of the plain objects and arrays in a config; class instances (initializers, …) are shared. */
function copyConfig(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyConfig);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyConfig(v)]));
  }
  return value;
}

/** The per-example shape of a model's only input, or a UsageError. */
export function singleInputShape(model: tfl.LayersModel): number[] {
  if (model.inputs.length !== 1) throw new UsageError(`model '${model.name}' has ${model.inputs.length} inputs; this needs exactly one`);
  const shape = model.inputs[0]!.shape.slice(1);
  return shape.map((d) => d ?? -1);
}

function isInputLayer(layer: tfl.layers.Layer): boolean {
  return layer.getClassName() === 'InputLayer';
}

/**
 * Rebuild `model` with `options.replace` applied to each layer; weights of kept layers are copied.
 *
 * @example
 * const { model: copy } = rebuildModel(model); // an independent copy with the same weights
 * const { model: wider } = rebuildModel(model, { replace: (l) => (l.name === 'fc1' ? [cloneSpec(l, { units: 600 })] : undefined) });
 */
export function rebuildModel(model: tfl.LayersModel, options: RebuildOptions = {}): Rebuilt {
  const replace = options.replace ?? (() => undefined);
  const layers = new Map<string, tfl.layers.Layer[]>();
  const kept: Array<[tfl.layers.Layer, tfl.layers.Layer]> = [];
  const instantiate = (layer: tfl.layers.Layer, batchInputShape?: (number | null)[]): tfl.layers.Layer[] => {
    const done = layers.get(layer.name);
    if (done) return done;
    const specs = replace(layer);
    const created = (specs ?? [cloneSpec(layer)]).map((spec, i) =>
      spec.create(batchInputShape && i === 0 ? { ...spec.config, batchInputShape } : spec.config),
    );
    if (specs === undefined) kept.push([layer, created[0]!]);
    layers.set(layer.name, created);
    return created;
  };

  let built: tfl.LayersModel;
  try {
    built = model instanceof tfl.Sequential ? rebuildSequential(model, options, instantiate) : rebuildGraph(model, options, instantiate);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // TF.js reports impossible shapes (e.g. a kernel larger than its input) from deep inside.
    throw new UsageError(`cannot build the rebuilt model: ${(error as Error).message.split('\n')[0]}`);
  }
  const reinitialized: string[] = [];
  const unset: string[] = [];
  for (const [name, created] of layers) {
    if (created.length !== 1 || created[0]!.name !== name) continue;
    const original = kept.find(([from]) => from.name === name)?.[0];
    if (!tf.tidy(() => setWeights(created[0]!, name, options.weights, original))) (original ? reinitialized : unset).push(name);
  }
  return { model: built, layers, reinitialized, unset };
}

/**
 * Give `to` its weights, each from `given`, else (for a kept layer) from the original's weight of
 * the same name when its shape still fits. Nothing is written unless every weight has a value;
 * returns whether they were written.
 */
function setWeights(to: tfl.layers.Layer, name: string, given: WeightValues | undefined, original: tfl.layers.Layer | undefined): boolean {
  const targets = to.weights;
  if (targets.length === 0) return true;
  const sources = original ? matchWeights(targets, original.weights) : [];
  const values = targets.map((w, i) => {
    const shape = w.shape as number[];
    const value = given?.(name, weightBaseName(w.originalName), shape) ?? sources[i]?.read();
    return value !== undefined && sameShape(value.shape, shape) ? value : undefined;
  });
  if (!values.every((v) => v !== undefined)) return false;
  targets.forEach((w, i) => w.write(values[i]!.clone()));
  return true;
}

/** The source weight for each target: by base name when names are unique on both sides, else by position. */
function matchWeights(targets: tfl.LayerVariable[], sources: tfl.LayerVariable[]): Array<tfl.LayerVariable | undefined> {
  const bases = (list: tfl.LayerVariable[]) => list.map((w) => weightBaseName(w.originalName));
  const unique = (names: string[]) => new Set(names).size === names.length;
  if (unique(bases(targets)) && unique(bases(sources))) {
    const byBase = new Map(sources.map((s) => [weightBaseName(s.originalName), s]));
    return targets.map((t) => byBase.get(weightBaseName(t.originalName)));
  }
  return targets.length === sources.length ? [...sources] : targets.map(() => undefined);
}

type Instantiate = (layer: tfl.layers.Layer, batchInputShape?: (number | null)[]) => tfl.layers.Layer[];

function rebuildSequential(model: tfl.Sequential, options: RebuildOptions, instantiate: Instantiate): tfl.LayersModel {
  const batchInputShape = [null, ...(options.inputShape ?? (model.inputs[0]!.shape.slice(1) as number[]))];
  const out = tfl.sequential({ name: options.name ?? model.name });
  let first = true;
  for (const layer of model.layers) {
    if (isInputLayer(layer)) continue;
    for (const created of instantiate(layer, first ? batchInputShape : undefined)) out.add(created);
    first = false;
  }
  return out;
}

function rebuildGraph(model: tfl.LayersModel, options: RebuildOptions, instantiate: Instantiate): tfl.LayersModel {
  // Old symbolic tensor id → the new tensor standing in for it.
  const tensors = new Map<number, tfl.SymbolicTensor>();
  const inputs = model.inputs.map((input) => {
    const shape = model.inputs.length === 1 && options.inputShape ? options.inputShape : (input.shape.slice(1) as number[]);
    const x = tfl.input({ shape, dtype: input.dtype as tf.DataType, name: input.sourceLayer.name });
    tensors.set(input.id, x);
    return x;
  });
  // Every call of every layer, applied once its inputs exist (a shared layer's calls may sit far apart).
  const pending = model.layers.filter((l) => !isInputLayer(l)).flatMap((layer) => modelNodes(model, layer).map((node) => ({ layer, node })));
  while (pending.length > 0) {
    const next = pending.findIndex(({ node }) => node.inputTensors.every((t) => tensors.has(t.id)));
    if (next < 0) throw new UsageError(`cannot rebuild '${model.name}': the inputs of layer '${pending[0]!.layer.name}' come from outside the model`);
    const { layer, node } = pending.splice(next, 1)[0]!;
    const created = instantiate(layer);
    let x: tfl.SymbolicTensor | tfl.SymbolicTensor[] = node.inputTensors.map((t) => tensors.get(t.id)!);
    if (x.length === 1) x = x[0]!;
    const callArgs = created.length === 1 && created[0]!.name === layer.name ? (node.callArgs as Record<string, unknown> | undefined) : undefined;
    for (const l of created) x = l.apply(x, callArgs as never) as tfl.SymbolicTensor | tfl.SymbolicTensor[];
    const outs = Array.isArray(x) ? x : [x];
    if (outs.length !== node.outputTensors.length) {
      throw new UsageError(`replacement of layer '${layer.name}' has ${outs.length} outputs, the original ${node.outputTensors.length}`);
    }
    node.outputTensors.forEach((t, i) => tensors.set(t.id, outs[i]!));
  }
  const outputs = model.outputs.map((t) => tensors.get(t.id)!);
  return tfl.model({ inputs, outputs, name: options.name ?? model.name });
}

/**
 * The calls of `layer` that belong to `model` (a layer may also be called in other models). TF.js
 * keeps them in the container's `containerNodes` as `<layer>_ib-<index>` (topology.ts nodeKey).
 */
function modelNodes(model: tfl.LayersModel, layer: tfl.layers.Layer): tfl.layers.Layer['inboundNodes'] {
  const keys = (model as unknown as { containerNodes?: Set<string> }).containerNodes;
  return layer.inboundNodes.filter((_, i) => keys === undefined || keys.has(`${layer.name}_ib-${i}`));
}

function sameShape(a: readonly (number | null)[], b: readonly (number | null)[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
