/**
 * Storage of a TF.js LayersModel as saved: read each weight's dtype (and converter quantization)
 * from its weights manifest, so the summary reports the bytes actually stored. Pure.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { ModelDescription } from './description.js';
import { FLOAT32, type StoragePlan, type StorageSpec } from './storage.js';

const DTYPE_BITS: Record<string, number> = {
  float32: 32, int32: 32, bool: 8, complex64: 64, uint8: 8, uint16: 16, float16: 16, string: 0,
};

/**
 * Stored bits of one manifest entry: values at the stored dtype, plus the float32 scale and min of
 * uint8/uint16 affine quantization (value = q·scale + min, per tensor).
 */
export function manifestEntryBits(entry: tf.io.WeightsManifestEntry): number {
  const size = entry.shape.reduce((p, d) => p * d, 1);
  const q = entry.quantization;
  if (q !== undefined) {
    const affine = q.dtype === 'uint8' || q.dtype === 'uint16';
    return size * (DTYPE_BITS[q.dtype] ?? 32) + (affine ? 64 : 0);
  }
  return size * (DTYPE_BITS[entry.dtype] ?? 32);
}

/**
 * A storage plan giving every described layer its exact stored bits from the manifest (a model.json
 * `weightsManifest`, or the flat `weightSpecs` of loaded ModelArtifacts); arithmetic stays float32
 * because TF.js dequantizes to float32 at load. Weights missing from the manifest count as float32.
 *
 * @example
 * const artifacts = await loadModelArtifacts(dir);
 * const description = describeModel(model);
 * const plan = storagePlanFromManifest(artifacts.weightSpecs ?? [], description);
 * summarizeDescription(description, { storage: plan }).bytes; // the weight files' payload size
 */
export function storagePlanFromManifest(
  manifest: tf.io.WeightsManifestConfig | readonly tf.io.WeightsManifestEntry[], description: ModelDescription,
): StoragePlan {
  const entries = new Map<string, tf.io.WeightsManifestEntry>();
  for (const item of manifest) {
    const group = 'weights' in item ? item.weights : [item];
    for (const w of group) entries.set(w.name, w);
  }
  const layers: Record<string, StorageSpec> = {};
  for (const layer of description.layers) {
    if (layer.weights.length === 0) continue;
    let exactBits = 0;
    for (const w of layer.weights) {
      const entry = entries.get(w.name);
      exactBits += entry === undefined ? w.size * 32 : manifestEntryBits(entry);
    }
    layers[layer.name] = { ...FLOAT32, exactBits };
  }
  return { default: FLOAT32, layers };
}
