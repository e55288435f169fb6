/**
 * A copy of a model, optionally with edited layer configs (structured pruning shrinks `filters` /
 * `units`) and new weight values — the engine's simplest use. Pruning never mutates the model it is
 * given: it trains a clone and strips into another.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { weightBaseName } from '../models/layer-facts.js';
import { cloneSpec, layerConfig, rebuildModel, type LayerConfig } from './rebuild.js';

export interface CloneOptions {
  /** Config overrides per layer (e.g. fewer filters); undefined keeps the layer's config. */
  editLayer?: (layer: tfl.layers.Layer, config: LayerConfig) => LayerConfig | undefined;
  /**
   * The clone's weight values, by layer name and weight base name; any weight not given is copied
   * from the source model (its shape must then still fit).
   */
  weights?: (layerName: string, weightBase: string) => tf.Tensor | undefined;
}

/**
 * A new model with the same architecture (after `editLayer`) and weights (after `weights`).
 *
 * @example
 * const copy = cloneModel(model);
 * const fewer = cloneModel(model, { editLayer: (l) => (l.name === 'fc1' ? { units: 100 } : undefined), weights: slicedFc1 });
 */
export function cloneModel(model: tfl.LayersModel, options: CloneOptions = {}): tfl.LayersModel {
  const rebuilt = rebuildModel(model, {
    replace: (layer) => {
      const overrides = options.editLayer?.(layer, layerConfig(layer));
      return overrides ? [cloneSpec(layer, overrides)] : undefined;
    },
    weights: (layerName, base, shape) => {
      const given = options.weights?.(layerName, base);
      if (given) return given;
      const source = model.layers.find((l) => l.name === layerName)?.weights.find((w) => weightBaseName(w.originalName) === base);
      return source && source.shape.every((d, i) => d === shape[i]) ? source.read() : undefined;
    },
  });
  if (rebuilt.reinitialized.length > 0 || rebuilt.unset.length > 0) {
    rebuilt.model.dispose();
    throw new Error(`cannot clone ${model.name}: no weight values for ${[...rebuilt.reinitialized, ...rebuilt.unset].join(', ')}`);
  }
  return rebuilt.model;
}
