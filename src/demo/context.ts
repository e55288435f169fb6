/**
 * What every demo variant shares: the trained baseline and data it starts from, the row it returns,
 * and the measurements every row makes the same way.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Split } from '../data/split.js';
import { evaluateAccuracy } from '../training/evaluate.js';
import { modelArtifacts, artifactsToFiles } from '../models/io.js';
import { countNonzero as countNonzeroValues } from '../analysis/nonzero.js';
import { summarize, FLOAT32, type StoragePlan, type StorageSpec } from '../analysis/index.js';

/**
 * Training epochs per step of the main job: the fewest that keep each technique's story (the
 * measured accuracies are what the report shows). The command-line defaults train longer.
 * Measured (2 cores, under load, 2026-11-30): with prune 3 the 92% row ended 0.70 points below the
 * 98.70% baseline, 2:4 at 2 epochs 0.30 above it; pruning is the headline, so it gets the epoch.
 */
export const DEMO_EPOCHS = {
  baseline: 5,
  prune: 4,
  nm: 1,
  distill: 2,
  qat6: 1,
  qat2: 2,
  cluster: 1,
  compressFineTune: 1,
} as const;

export type DemoEpochs = Record<keyof typeof DEMO_EPOCHS, number>;

export interface DemoContext {
  baseline: tfl.LayersModel;
  baselineAccuracy: number;
  train: Split;
  test: Split;
  seed: number;
  quick: boolean;
  epochs: DemoEpochs;
  /** Models one variant made that a later one builds on (e.g. the 92%-pruned model the compressed row clusters). */
  shared: Map<string, tfl.LayersModel>;
}

/** One row of the report. `bytes` is the size of what would be shipped (file bytes). */
export interface VariantRow {
  variant: string;
  params: number;
  nonzeroParams: number;
  testAccuracy: number;
  bytes: number;
  seconds: number;
  /** Energy per inference from the 45 nm table at the stored precision (docs/energy.md). */
  energyMicrojoules?: number;
  /** Anything else worth a column (bits, sparsity, MACs …). */
  notes?: string;
}

export interface DemoVariant {
  name: string;
  run(context: DemoContext): Promise<Omit<VariantRow, 'seconds'>>;
}

/** The columns every row shares, measured on `model`; the caller says how big and costly its stored form is. */
export async function measureRow(
  model: tfl.LayersModel,
  test: Split,
  row: { variant: string; bytes: number; energyMicrojoules: number; notes?: string },
): Promise<Omit<VariantRow, 'seconds'>> {
  return {
    variant: row.variant,
    params: model.countParams(),
    nonzeroParams: await countNonzero(model),
    testAccuracy: evaluateAccuracy(model, test),
    bytes: row.bytes,
    energyMicrojoules: row.energyMicrojoules,
    ...(row.notes === undefined ? {} : { notes: row.notes }),
  };
}

/** Energy per inference (µJ) of `model` with its weights stored as `storage` (default fp32). */
export function energyOf(model: tfl.LayersModel, storage: StorageSpec | StoragePlan = FLOAT32): number {
  return summarize(model, { storage }).energyMicrojoules;
}

export async function countNonzero(model: tfl.LayersModel): Promise<number> {
  let nonzero = 0;
  for (const w of model.getWeights()) nonzero += countNonzeroValues(await w.data());
  return nonzero;
}

/** Bytes of the model as TF.js LayersModel files (model.json + weights). */
export async function layersModelBytes(model: tfl.LayersModel): Promise<number> {
  const files = artifactsToFiles(await modelArtifacts(model));
  return Object.values(files).reduce((sum, f) => sum + (typeof f === 'string' ? Buffer.byteLength(f) : f.byteLength), 0);
}
