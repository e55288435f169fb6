/**
 * The summary of a model wherever it is: per-layer output shape, params, MACs, stored bytes and
 * energy per inference (docs/energy.md). A TF.js model is sized by its weights manifest (the dtypes
 * and converter quantization actually stored), a .snn file by its tensor records (sparse, codebook,
 * affine or float16 as stored), a zoo model as float32; `storage` replaces the stored format with a
 * what-if (float16, uint8, int8, deep:32:5).
 */
import { describeModel } from '../analysis/describe.js';
import { DEFAULT_SRAM_BYTES } from '../analysis/energy.js';
import { storagePlanFromManifest } from '../analysis/manifest.js';
import { storagePlanFromSnn } from '../analysis/snn-storage.js';
import type { StoragePlan, StorageSpec } from '../analysis/storage.js';
import { summarizeDescription, type ModelSummary } from '../analysis/summary.js';
import { openLayersModel, type OpenedLayersModel } from './open-model.js';

type ModelDescription = ReturnType<typeof describeModel>;

export interface SummaryOptions {
  /** What-if storage instead of the stored one. */
  storage?: StorageSpec;
  /** On-chip SRAM budget for weights, in KiB (default DEFAULT_SRAM_BYTES / 1024). */
  sramKib?: number;
}

/** The storage a model is actually saved in (undefined: float32, as for a zoo model). */
function storedPlan(opened: OpenedLayersModel): ((description: ModelDescription) => StoragePlan) | undefined {
  const { snn, weightSpecs } = opened;
  if (snn) return (description) => storagePlanFromSnn(snn, description);
  if (weightSpecs) return (description) => storagePlanFromManifest(weightSpecs, description);
  return undefined;
}

/**
 * Summarize the model at `location` (anything `openModel` opens but ONNX) at its stored precision.
 *
 * @example
 * const s = await summaryOf('mobilenet_v1:0.25:128');
 * console.log(s.params, s.macs, s.energyMicrojoules);
 */
export async function summaryOf(location: string, options: SummaryOptions = {}): Promise<ModelSummary> {
  const opened = await openLayersModel(location);
  try {
    const description = describeModel(opened.layers);
    const storage = options.storage ?? storedPlan(opened)?.(description);
    return summarizeDescription(description, {
      ...(storage === undefined ? {} : { storage }),
      sramBytes: options.sramKib === undefined ? DEFAULT_SRAM_BYTES : options.sramKib * 1024,
    });
  } finally {
    opened.dispose();
  }
}
