/**
 * TF.js glue shared by every restructuring: rebuild a tf.layers model layer by layer, letting a
 * transform replace any layer by a chain of new stock layers, and carry the weights of everything
 * it leaves alone.
 *
 * Works on Sequential models (the result is Sequential again, so LeNets stay LeNets) and on
 * functional graphs (the result is a functional model with the same wiring). Layers are created
 * from configs, never shared with the original, so the original model is left untouched.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import type * as tf from '@tensorflow/tfjs-core';
import { UsageError } from '../errors.js';

export type LayerConfig = Record<string, unknown>;

/** A layer to create: its config and how to instantiate it. */
export interface LayerSpec {
  config: LayerConfig;
  create(config: LayerConfig): tfl.layers.Layer;
}

/** What a transform does with one layer of the original: keep it (undefined) or replace it. */
export type Replace = (layer: tfl.layers.Layer) => LayerSpec[] | undefined;

export interface RebuildOptions {
  replace?: Replace;
  /** New per-example input shape (without the batch dimension), e.g. for a resolution change. */
  inputShape?: number[];
  /** Name of the new model. */
  name?: string;
}

export interface Rebuilt {
  model: tfl.LayersModel;
  /** Original layer name → the layers standing in for it in the new model. */
  layers: Map<string, tfl.layers.Layer[]>;
  /** Kept layers whose weight shapes changed (their weights start fresh). */
  reinitialized: string[];
}

type Ctor = new (config: LayerConfig) => tfl.layers.Layer;

/** The config of a layer, to clone it or to derive a replacement from it. */
export function layerConfig(layer: tfl.layers.Layer): LayerConfig {
  return { ...(layer.getConfig() as LayerConfig) };
}

/** A spec that re-creates `layer`'s class with `config` (the original's config plus overrides). */
export function cloneSpec(layer: tfl.layers.Layer, overrides: LayerConfig = {}): LayerSpec {
  const config = { ...layerConfig(layer), ...overrides };
  delete config['batchInputShape'];
  delete config['inputShape'];
  return { config, create: (c) => new (layer.constructor as unknown as Ctor)(c) };
}

/** The per-example shape of a model's only input, or a UsageError. */
export function singleInputShape(model: tfl.LayersModel): number[] {
  if (model.inputs.length !== 1) throw new UsageError(`model '${model.name}' has ${model.inputs.length} inputs; restructuring needs exactly one`);
  const shape = model.inputs[0]!.shape.slice(1);
  return shape.map((d) => d ?? -1);
}

function isInputLayer(layer: tfl.layers.Layer): boolean {
  return layer.getClassName() === 'InputLayer';
}

/** Rebuild `model` with `options.replace` applied to each layer. Weights of kept layers are copied. */
export function rebuildModel(model: tfl.LayersModel, options: RebuildOptions = {}): Rebuilt {
  for (const layer of model.layers) {
    if (layer instanceof tfl.LayersModel) {
      throw new UsageError(`cannot restructure '${model.name}': layer '${layer.name}' is a nested model (flatten it first)`);
    }
  }
  const replace = options.replace ?? (() => undefined);
  const layers = new Map<string, tfl.layers.Layer[]>();
  const kept: Array<[tfl.layers.Layer, tfl.layers.Layer]> = [];
  const instantiate = (layer: tfl.layers.Layer, first: boolean, batchInputShape: (number | null)[]): tfl.layers.Layer[] => {
    const specs = replace(layer);
    const created = (specs ?? [cloneSpec(layer)]).map((spec, i) =>
      spec.create(first && i === 0 ? { ...spec.config, batchInputShape } : spec.config),
    );
    if (specs === undefined) kept.push([layer, created[0]!]);
    layers.set(layer.name, created);
    return created;
  };

  let built: tfl.LayersModel;
  try {
    built = model instanceof tfl.Sequential
      ? rebuildSequential(model, options, instantiate)
      : rebuildGraph(model, options, instantiate);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // TF.js reports impossible shapes (e.g. a kernel larger than its input) from deep inside.
    throw new UsageError(`cannot build the restructured model: ${(error as Error).message.split('\n')[0]}`);
  }

  const reinitialized: string[] = [];
  for (const [from, to] of kept) {
    const source = from.getWeights();
    const sameShapes = source.length === to.weights.length && source.every((w, i) => sameShape(w.shape, to.weights[i]!.shape));
    if (sameShapes) to.setWeights(source);
    else reinitialized.push(from.name);
  }
  return { model: built, layers, reinitialized };
}

type Instantiate = (layer: tfl.layers.Layer, first: boolean, batchInputShape: (number | null)[]) => tfl.layers.Layer[];

function rebuildSequential(model: tfl.Sequential, options: RebuildOptions, instantiate: Instantiate): tfl.LayersModel {
  const batchInputShape = [null, ...(options.inputShape ?? (model.inputs[0]!.shape.slice(1) as number[]))];
  const out = tfl.sequential({ name: options.name ?? model.name });
  let first = true;
  for (const layer of model.layers) {
    if (isInputLayer(layer)) continue;
    for (const created of instantiate(layer, first, batchInputShape)) out.add(created);
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
  for (const layer of model.layers) {
    if (isInputLayer(layer)) continue;
    const nodes = modelNodes(model, layer);
    if (nodes.length !== 1) {
      throw new UsageError(`cannot restructure '${model.name}': layer '${layer.name}' is called ${nodes.length} times (shared layers are not supported)`);
    }
    const node = nodes[0]!;
    if (!node.inputTensors.every((t) => tensors.has(t.id))) {
      throw new UsageError(`cannot restructure '${model.name}': the inputs of layer '${layer.name}' come from outside the model`);
    }
    const created = instantiate(layer, false, []);
    let x: tfl.SymbolicTensor | tfl.SymbolicTensor[] = node.inputTensors.map((t) => tensors.get(t.id)!);
    if (x.length === 1) x = x[0]!;
    for (const l of created) x = l.apply(x) as tfl.SymbolicTensor | tfl.SymbolicTensor[];
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

/** The name of the layer producing the model's (first) output: restructurings never touch it. */
export function outputLayerName(model: tfl.LayersModel): string {
  return model.outputs[0]!.sourceLayer.name;
}
