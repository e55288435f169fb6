/** A model's userDefinedMetadata, merged rather than replaced (quantization and clustering both record theirs). */
import type * as tfl from '@tensorflow/tfjs-layers';

/** Merge `entries` into a model's userDefinedMetadata. */
export function addMetadata(model: tfl.LayersModel, entries: Record<string, unknown>): void {
  const existing = (model.getUserDefinedMetadata() ?? {}) as Record<string, unknown>;
  model.setUserDefinedMetadata({ ...existing, ...entries } as never);
}
