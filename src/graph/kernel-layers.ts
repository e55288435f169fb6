/**
 * The allowlist of layers whose kernel quantization and clustering rewrite (one table, as tfmot's
 * prune_registry): which property holds the kernel and what kind of layer it is. Layers with no
 * weights pass through untouched; layers with weights that are deliberately left in float (batch
 * normalization) are listed as 'none'; any other layer with weights is refused with an error naming
 * its class, rather than silently left unquantized.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { UsageError } from '../errors.js';

export type KernelLayerKind = 'conv' | 'depthwise' | 'dense';
export const KERNEL_LAYER_KINDS: readonly KernelLayerKind[] = ['conv', 'depthwise', 'dense'];

export interface KernelLayerEntry {
  className: string;
  kind: KernelLayerKind;
  /** The layer property holding the kernel LayerVariable (read in the layer's `call`). */
  kernelProperty: 'kernel' | 'depthwiseKernel';
}

export const KERNEL_LAYERS: Readonly<Record<string, KernelLayerEntry>> = {
  Dense: { className: 'Dense', kind: 'dense', kernelProperty: 'kernel' },
  Conv2D: { className: 'Conv2D', kind: 'conv', kernelProperty: 'kernel' },
  DepthwiseConv2D: { className: 'DepthwiseConv2D', kind: 'depthwise', kernelProperty: 'depthwiseKernel' },
};

/** Layers with weights that stay float on purpose (their scale/shift folds into neighbours at export). */
export const FLOAT_LAYERS: readonly string[] = ['BatchNormalization', 'LayerNormalization', 'PReLU'];

/** The allowlist entry of a layer; null for layers that are left alone; UsageError for unsupported ones. */
export function kernelLayerEntry(layer: tfl.layers.Layer, technique: string): KernelLayerEntry | null {
  const className = layer.getClassName();
  const entry = KERNEL_LAYERS[className];
  if (entry) return entry;
  if (FLOAT_LAYERS.includes(className) || layer.weights.length === 0) return null;
  throw new UsageError(
    `${technique} does not support layer ${layer.name} (class ${className}); supported: ${Object.keys(KERNEL_LAYERS).join(', ')}`,
  );
}

/** The kernel variable of an allowlisted layer. */
export function kernelVariable(layer: tfl.layers.Layer, entry: KernelLayerEntry): tfl.LayerVariable {
  const variable = (layer as unknown as Record<string, tfl.LayerVariable | undefined>)[entry.kernelProperty];
  if (!variable) throw new Error(`layer ${layer.name} (${entry.className}) has no ${entry.kernelProperty}; is it built?`);
  return variable;
}

/**
 * The layers a technique applies to: every allowlisted layer, or exactly `names` (each must exist
 * and be allowlisted). Unsupported layers with weights fail even when not named, as in tfmot.
 */
export function selectKernelLayers(
  model: tfl.LayersModel,
  technique: string,
  names?: readonly string[],
): Array<{ layer: tfl.layers.Layer; entry: KernelLayerEntry }> {
  if (names) {
    return names.map((name) => {
      const layer = model.layers.find((l) => l.name === name);
      if (!layer) throw new UsageError(`${technique}: the model has no layer named ${JSON.stringify(name)}`);
      const entry = kernelLayerEntry(layer, technique);
      if (!entry) throw new UsageError(`${technique} does not apply to layer ${name} (class ${layer.getClassName()})`);
      return { layer, entry };
    });
  }
  const selected: Array<{ layer: tfl.layers.Layer; entry: KernelLayerEntry }> = [];
  for (const layer of model.layers) {
    const entry = kernelLayerEntry(layer, technique);
    if (entry) selected.push({ layer, entry });
  }
  return selected;
}
