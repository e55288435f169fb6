/**
 * The allowlist: which layer classes pruning touches, and which of their weights. Biases,
 * BatchNormalization parameters and every other weight are never pruned. A layer of any other class
 * is left alone, unless the user names it explicitly, in which case it is an error naming its class.
 * (tfmot `prune_registry.py`; unlike tfmot, DepthwiseConv2D kernels are prunable here.)
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { UsageError } from '../errors.js';

const PRUNABLE = new Map<string, readonly string[]>([
  ['Dense', ['kernel']],
  ['Conv2D', ['kernel']],
  ['DepthwiseConv2D', ['depthwise_kernel']],
  ['SeparableConv2D', ['depthwise_kernel', 'pointwise_kernel']],
]);

/** Classes whose output channels structured (filter) pruning can remove: kernel's last axis = outputs. */
const FILTER_PRUNABLE = new Set(['Dense', 'Conv2D']);

/** Base name of a weight ('conv1/kernel' → 'kernel'). */
export function weightBaseName(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

/** The prunable weight base names of a layer class, or undefined when the class is not allowlisted. */
export function prunableWeightNames(className: string): readonly string[] | undefined {
  return PRUNABLE.get(className);
}

/** Allow pruning a (custom) layer class's weights; replaces any existing entry. */
export function registerPrunable(className: string, weightNames: readonly string[]): void {
  PRUNABLE.set(className, [...weightNames]);
}

/** The allowlisted classes, sorted. */
export function prunableClasses(): string[] {
  return [...PRUNABLE.keys()].sort();
}

export function supportsFilterPruning(className: string): boolean {
  return FILTER_PRUNABLE.has(className);
}

/** The prunable variables of a layer (empty for a layer not allowlisted). */
export function prunableWeights(layer: tfl.layers.Layer): tfl.LayerVariable[] {
  const names = PRUNABLE.get(layer.getClassName());
  if (!names) return [];
  return layer.weights.filter((w) => names.includes(weightBaseName(w.originalName)));
}

/** The layer named `name`, checked to be allowlisted; otherwise a UsageError naming the problem. */
export function requirePrunableLayer(model: tfl.LayersModel, name: string): tfl.layers.Layer {
  const layer = model.layers.find((l) => l.name === name);
  if (!layer) throw new UsageError(`model ${model.name} has no layer named ${JSON.stringify(name)} (layers: ${model.layers.map((l) => l.name).join(', ')})`);
  const className = layer.getClassName();
  if (!PRUNABLE.has(className)) {
    throw new UsageError(`layer ${name} is a ${className}, which cannot be pruned (prunable classes: ${prunableClasses().join(', ')})`);
  }
  return layer;
}
