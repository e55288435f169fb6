/**
 * Synchronous model cloning from the in-memory config, optionally with edited layer configs (the
 * structured transform shrinks `filters`/`units`) and new weight values. Pruning never mutates the
 * model it is given: it trains a clone and strips into another.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { weightBaseName } from '../models/layer-facts.js';

/** A layer's entry in a model config. */
export interface LayerConfigEntry {
  className: string;
  config: tf.serialization.ConfigDict;
  name?: string;
}

export interface CloneOptions {
  /** Edit layer configs before the clone is built (e.g. fewer filters). */
  editLayer?: (entry: LayerConfigEntry) => void;
  /**
   * The clone's weight values, by layer name and weight base name; any weight not given is copied
   * from the source model (shapes must then match).
   */
  weights?: (layerName: string, weightBase: string) => tf.Tensor | undefined;
}

/** A new model with the same architecture (after `editLayer`) and weights (after `weights`). */
export function cloneModel(model: tfl.LayersModel, options: CloneOptions = {}): tfl.LayersModel {
  // fromConfig consumes (mutates) the config it is given, so hand it a deep copy.
  const config = JSON.parse(JSON.stringify(model.getConfig())) as tf.serialization.ConfigDict;
  const entries = (Array.isArray(config) ? config : config['layers']) as unknown as LayerConfigEntry[];
  if (options.editLayer) for (const entry of entries) options.editLayer(entry);
  const clone = (
    model instanceof tfl.Sequential
      ? tfl.Sequential.fromConfig(tfl.Sequential, config)
      : tfl.LayersModel.fromConfig(tfl.LayersModel, config)
  ) as tfl.LayersModel;
  const sourceLayers = new Map(model.layers.map((l) => [l.name, l]));
  const values = tf.tidy(() =>
    clone.layers.flatMap((layer) =>
      layer.weights.map((w) => {
        const base = weightBaseName(w.originalName);
        const given = options.weights?.(layer.name, base);
        if (given) return given.clone();
        const source = sourceLayers.get(layer.name)?.weights.find((s) => weightBaseName(s.originalName) === base);
        if (!source) throw new Error(`cannot clone ${model.name}: no source weight ${layer.name}/${base}`);
        return source.read().clone();
      }),
    ),
  );
  const targets = clone.layers.flatMap((layer) => layer.weights);
  targets.forEach((w, i) => w.write(values[i]!));
  tf.dispose(values);
  return clone;
}
