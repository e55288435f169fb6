/**
 * Rebuilding a model with some layers swapped (wrapped for training, unwrapped at strip), for
 * Sequential and functional models alike. The model's Keras JSON topology is edited layer by layer
 * and deserialized — the same path TF.js takes when loading a model.json — so the graph wiring
 * (inbound nodes refer to layer names, which are kept) survives untouched. Weights are copied after.
 */
import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** A layer as it appears in Keras JSON: snake_case config, `class_name`. */
export interface PyLayer {
  class_name: string;
  config: PyDict;
  name?: string;
  inbound_nodes?: unknown;
}
export type PyDict = { [key: string]: unknown };

/** The new JSON for a layer, or null to keep it as it is. */
export type LayerRewrite = (layer: tfl.layers.Layer, json: PyLayer) => PyLayer | null;

function topologyOf(model: tfl.LayersModel): PyDict {
  return model.toJSON(null, false) as unknown as PyDict;
}

/** Rebuild `model` with `rewrite` applied to every layer; weights of untouched layers are copied. */
export async function rebuildModel(model: tfl.LayersModel, rewrite: LayerRewrite): Promise<{ model: tfl.LayersModel; rewritten: string[] }> {
  const topology = topologyOf(model);
  const config = topology['config'] as PyDict;
  const layers = config['layers'] as PyLayer[];
  const rewritten: string[] = [];
  config['layers'] = layers.map((json) => {
    const name = (json.config['name'] as string | undefined) ?? json.name;
    const layer = model.layers.find((l) => l.name === name);
    if (!layer) return json;
    const replaced = rewrite(layer, json);
    if (!replaced) return json;
    rewritten.push(layer.name);
    return { ...json, class_name: replaced.class_name, config: replaced.config };
  });
  const rebuilt = await tfl.models.modelFromJSON({ modelTopology: topology } as unknown as Parameters<typeof tfl.models.modelFromJSON>[0]);
  for (const layer of rebuilt.layers) {
    if (rewritten.includes(layer.name)) continue;
    const source = model.layers.find((l) => l.name === layer.name);
    if (source && source.weights.length > 0) copyWeights(layer, source);
  }
  return { model: rebuilt, rewritten };
}

/** The Keras JSON of a wrapper around `json` (the wrapper keeps the layer's name and input shape). */
export function wrapperJson(className: string, json: PyLayer, extra: PyDict): PyLayer {
  const inner = json.config;
  const config: PyDict = {
    name: inner['name'],
    trainable: inner['trainable'] ?? true,
    dtype: inner['dtype'] ?? 'float32',
    layer: { class_name: json.class_name, config: inner },
    ...extra,
  };
  if (inner['batch_input_shape'] !== undefined) config['batch_input_shape'] = inner['batch_input_shape'];
  return { class_name: className, config };
}

/** The Keras JSON of the layer inside a wrapper's JSON. */
export function innerJson(json: PyLayer): PyLayer {
  const inner = json.config['layer'] as PyLayer;
  return { class_name: inner.class_name, config: inner.config };
}

/** Keras JSON keys for a flat TS config (camelCase → snake_case, as model.toJSON writes them). */
export function pythonicKeys(config: Record<string, unknown>): PyDict {
  const out: PyDict = {};
  for (const [key, value] of Object.entries(config)) out[key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = value;
  return out;
}

/** A weight's own name without its layer scope ("conv1/kernel" → "kernel"). */
export function shortWeightName(variable: tfl.LayerVariable): string {
  return variable.originalName.slice(variable.originalName.lastIndexOf('/') + 1);
}

/**
 * Copy weights from `source` to `target` matched by short name (order differs once a kernel is made
 * non-trainable); `replacements` overrides values by short name.
 */
export function copyWeights(target: tfl.layers.Layer, source: tfl.layers.Layer, replacements: ReadonlyMap<string, tf.Tensor> = new Map()): void {
  const values = new Map(source.weights.map((w) => [shortWeightName(w), w.read()] as const));
  for (const variable of target.weights) {
    const name = shortWeightName(variable);
    const value = replacements.get(name) ?? values.get(name);
    if (!value) throw new Error(`layer ${target.name}: no value for weight ${name}`);
    variable.write(value);
  }
}
