/**
 * Which layer classes a data-parallel worker thread can rebuild, and the modules that register the
 * non-stock ones. Technique folders register their wrapper layers here (beside their tfjs
 * `registerClass`), so the training layer never imports them: the worker imports the listed module
 * URLs before it deserializes the model.
 */
import type * as tfl from '@tensorflow/tfjs-layers';

/** tf.layers classes every worker knows. BatchNormalization is left out: its moving statistics update in training. */
const STOCK = new Set([
  'InputLayer', 'Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'Dense', 'MaxPooling2D', 'AveragePooling2D',
  'GlobalAveragePooling2D', 'Flatten', 'Reshape', 'Activation', 'ReLU', 'Dropout', 'ZeroPadding2D', 'Concatenate', 'Add',
  'Softmax',
]);

const modules = new Map<string, string>();

/**
 * Declare that layer class `className` is registered for deserialization by the module at
 * `moduleUrl` (its `import.meta.url`), so worker replicas can rebuild models holding it.
 *
 * @example
 * tf.serialization.registerClass(QuantizeWrapper);
 * registerReplicaModule(QuantizeWrapper.className, import.meta.url);
 */
export function registerReplicaModule(className: string, moduleUrl: string): void {
  modules.set(className, moduleUrl);
}

/** Every layer of `model`, wrapped inner layers included, with its class name. */
function classNames(model: tfl.LayersModel): string[] {
  const names: string[] = [];
  for (const layer of model.layers) {
    names.push(layer.getClassName());
    const inner = (layer as unknown as { layer?: tfl.layers.Layer }).layer;
    if (inner && typeof inner.getClassName === 'function') names.push(inner.getClassName());
  }
  return names;
}

/** Can a worker thread rebuild this model? Stock layers, or wrappers whose module is registered. */
export function supportsDataParallel(model: tfl.LayersModel): boolean {
  return classNames(model).every((c) => STOCK.has(c) || modules.has(c));
}

/** The modules a worker must import before rebuilding `model`. */
export function replicaModules(model: tfl.LayersModel): string[] {
  return [...new Set(classNames(model).flatMap((c) => (modules.has(c) ? [modules.get(c)!] : [])))];
}
