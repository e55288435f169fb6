/**
 * Wrapping and unwrapping kernel layers on the rebuilding engine: quantization-aware training and
 * clustering put a KernelWrapper around each selected layer (the wrapper owns a fresh copy of the
 * layer, with the original's weights), and their strips take the wrappers off again, leaving the
 * stock layer with the kernel the wrapper computed with.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { weightBaseName } from '../models/layer-facts.js';
import { KernelWrapper, deserializeLayer, type KernelWrapperArgs } from './kernel-wrapper.js';
import { cloneSpec, layerConfig, rebuildModel } from './rebuild.js';

/** Makes the wrapper for one layer from the wrapper arguments (inner layer, name, input shape). */
export type WrapperFactory = (args: KernelWrapperArgs) => KernelWrapper;

/** A fresh, unbuilt copy of a layer (same class and config, no weights yet). */
function freshCopy(layer: tfl.layers.Layer): tfl.layers.Layer {
  const config = layerConfig(layer);
  delete config['batchInputShape'];
  delete config['inputShape'];
  return deserializeLayer({ className: layer.getClassName(), config: JSON.parse(JSON.stringify(config)) as tf.serialization.ConfigDict });
}

/**
 * A copy of `model` with each layer `wrapperFor` returns a factory for wrapped; the wrapped layers
 * carry the original weights. The input model is not modified.
 *
 * @example
 * const wrapped = wrapLayers(model, (layer) => (layer.name === 'fc1' ? (args) => new QuantizeWrapper({ ...args, quantization }) : undefined));
 */
export function wrapLayers(model: tfl.LayersModel, wrapperFor: (layer: tfl.layers.Layer) => WrapperFactory | undefined): tfl.LayersModel {
  const { model: wrapped } = rebuildModel(model, {
    replace: (layer) => {
      const make = wrapperFor(layer);
      if (!make) return undefined;
      return [{
        config: { name: layer.name },
        create: (config) => make({
          layer: freshCopy(layer), name: layer.name, trainable: layer.trainable,
          ...(config['batchInputShape'] ? { batchInputShape: config['batchInputShape'] as tfl.Shape } : {}),
        }),
      }];
    },
  });
  for (const wrapper of kernelWrappers(wrapped)) copyWeights(wrapper.layer, model.getLayer(wrapper.name));
  return wrapped;
}

/**
 * A copy of `model` with every KernelWrapper replaced by its stock layer; `kernelOf` gives the
 * kernel value each unwrapped layer takes (else its float kernel), other weights are copied.
 */
export function unwrapLayers(model: tfl.LayersModel, kernelOf: (wrapper: KernelWrapper) => tf.Tensor | undefined): tfl.LayersModel {
  const wrappers = new Map(kernelWrappers(model).map((w) => [w.name, w]));
  const { model: plain } = rebuildModel(model, {
    replace: (layer) => (layer instanceof KernelWrapper ? [cloneSpec(layer.layer, { name: layer.name })] : undefined),
    weights: (layerName, base) => {
      const wrapper = wrappers.get(layerName);
      if (!wrapper) return undefined;
      if (base === weightBaseName(wrapper.kernel.originalName)) return kernelOf(wrapper) ?? wrapper.kernel.read();
      return wrapper.layer.weights.find((w) => weightBaseName(w.originalName) === base)?.read();
    },
  });
  return plain;
}

/** The KernelWrappers of a model, in layer order. */
function kernelWrappers(model: tfl.LayersModel): KernelWrapper[] {
  return model.layers.filter((l): l is KernelWrapper => l instanceof KernelWrapper);
}

/** Copy weights from `source` to `target` matched by base name (order differs once a kernel is made non-trainable). */
function copyWeights(target: tfl.layers.Layer, source: tfl.layers.Layer): void {
  const values = new Map(source.weights.map((w) => [weightBaseName(w.originalName), w.read()] as const));
  for (const variable of target.weights) {
    const value = values.get(weightBaseName(variable.originalName));
    if (!value) throw new Error(`layer ${target.name}: no value for weight ${variable.originalName}`);
    variable.write(value);
  }
}
