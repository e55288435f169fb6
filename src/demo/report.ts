/**
 * The main job's report: a dense LeNet-5 baseline and one row per technique variant. Variants are
 * listed in ./variants.ts; each takes the trained baseline and returns its row, so a new technique
 * adds one entry there and nothing else changes.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { loadMnist, head, type Split } from '../data/mnist.js';
import { LENET_RECIPES, lenet5 } from '../models/lenet.js';
import { trainModel } from '../training/train.js';
import { startWorkerIfUseful, withWorker } from '../training/threads.js';
import { evaluateAccuracy } from '../training/evaluate.js';
import { modelArtifacts, artifactsToFiles } from '../models/io.js';
import { printTable, log } from '../cli/output.js';
import { DEMO_VARIANTS } from './variants.js';
import { countNonzero as countNonzeroValues } from '../pruning/masks.js';
import { summarize, FLOAT32, type StoragePlan, type StorageSpec } from '../analysis/index.js';

export interface DemoContext {
  baseline: tfl.LayersModel;
  baselineAccuracy: number;
  train: Split;
  test: Split;
  seed: number;
  quick: boolean;
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

export interface DemoOptions {
  epochs: number;
  quick: boolean;
  seed: number;
  only?: string[];
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

export async function runDemo(options: DemoOptions): Promise<{ rows: VariantRow[] }> {
  const data = loadMnist();
  const train = options.quick ? head(data.train, 1000) : data.train;
  const test = options.quick ? head(data.test, 500) : data.test;
  log(`MNIST: ${train.count.toLocaleString('en-US')} training / ${test.count.toLocaleString('en-US')} test digits (fixed seeded split)`);
  const started = performance.now();
  const baseline = lenet5(options.seed);
  // The same recipe as `smallnets train lenet5`, on both cores.
  const recipe = LENET_RECIPES.lenet5;
  const worker = await startWorkerIfUseful(baseline, 2, recipe.batchSize);
  withWorker(worker, () =>
    trainModel(baseline, train, {
      epochs: options.epochs, schedule: 'cosine', seed: options.seed, label: 'baseline', parallel: worker,
      learningRate: recipe.learningRate, batchSize: recipe.batchSize, augment: { maxShift: recipe.maxShift },
    }),
  );
  await worker?.close();
  const dense = await measureRow(baseline, test, {
    variant: 'LeNet-5 dense (fp32)', bytes: await layersModelBytes(baseline), energyMicrojoules: energyOf(baseline),
  });
  const baselineAccuracy = dense.testAccuracy;
  const rows: VariantRow[] = [{ ...dense, seconds: (performance.now() - started) / 1000 }];
  const context: DemoContext = { baseline, baselineAccuracy, train, test, seed: options.seed, quick: options.quick };
  for (const variant of DEMO_VARIANTS) {
    if (options.only && !options.only.includes(variant.name)) continue;
    const t0 = performance.now();
    const row = await variant.run(context);
    rows.push({ ...row, seconds: (performance.now() - t0) / 1000 });
  }
  printTable(
    ['variant', 'params', 'nonzero', 'test acc %', 'Δ vs dense', 'bytes', 'ratio', 'energy µJ', 'seconds', 'notes'],
    rows.map((r) => [
      r.variant,
      r.params,
      r.nonzeroParams,
      (r.testAccuracy * 100).toFixed(2),
      r === rows[0] ? '' : `${((r.testAccuracy - baselineAccuracy) * 100).toFixed(2)}`,
      r.bytes,
      `${(rows[0]!.bytes / r.bytes).toFixed(1)}×`,
      r.energyMicrojoules === undefined ? '–' : r.energyMicrojoules.toFixed(1),
      r.seconds.toFixed(1),
      r.notes ?? '',
    ]),
  );
  return { rows };
}
