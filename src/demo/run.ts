/**
 * The main job: a dense LeNet-5 baseline and one row per technique variant. Variants are listed in
 * ./variants.ts; each takes the trained baseline and returns its row, so a new technique adds one
 * entry there and nothing else changes. The caller renders the rows (see demoTable, renderReport).
 *
 * Every training run uses both cores (data-parallel worker, training/data-parallel.ts), and the
 * epochs are the main job's own budget (DEMO_EPOCHS): `npm start` tells the whole story in a few
 * minutes; the commands' defaults train longer.
 */
import { loadMnist } from '../data/mnist.js';
import { head } from '../data/split.js';
import { LENET_RECIPES, lenet5 } from '../models/lenet.js';
import { setTrainingThreads, trainModel } from '../training/train.js';
import type { Cell, Column } from '../analysis/text-table.js';
import { DEMO_EPOCHS, energyOf, layersModelBytes, measureRow, type DemoContext, type DemoEpochs, type VariantRow } from './context.js';
import { DEMO_VARIANTS } from './variants.js';

export interface DemoOptions {
  /** Baseline epochs (default DEMO_EPOCHS.baseline). */
  epochs?: number;
  /** A smoke run: 1,000 training / 500 test digits, one epoch everywhere. */
  quick: boolean;
  seed: number;
  only?: string[];
  /** Threads every training run uses (default 2). */
  threads?: 1 | 2;
  /** Progress notes (default: none). */
  log?: (line: string) => void;
}

export interface DemoReport {
  rows: VariantRow[];
  /** Wall-clock seconds of the whole run. */
  seconds: number;
  epochs: DemoEpochs;
  trainCount: number;
  testCount: number;
}

export async function runDemo(options: DemoOptions): Promise<DemoReport> {
  const started = performance.now();
  setTrainingThreads(options.threads ?? 2);
  const data = loadMnist();
  const train = options.quick ? head(data.train, 1000) : data.train;
  const test = options.quick ? head(data.test, 500) : data.test;
  const epochs: DemoEpochs = options.quick
    ? (Object.fromEntries(Object.keys(DEMO_EPOCHS).map((k) => [k, 1])) as DemoEpochs)
    : { ...DEMO_EPOCHS, baseline: options.epochs ?? DEMO_EPOCHS.baseline };
  options.log?.(`MNIST: ${train.count.toLocaleString('en-US')} training / ${test.count.toLocaleString('en-US')} test digits (fixed seeded split)`);
  const baseline = lenet5(options.seed);
  // The same recipe as `smallnets train lenet5`.
  const recipe = LENET_RECIPES.lenet5;
  trainModel(baseline, train, {
    epochs: epochs.baseline, schedule: 'cosine', seed: options.seed, label: 'baseline',
    learningRate: recipe.learningRate, batchSize: recipe.batchSize, augment: { maxShift: recipe.maxShift },
  });
  const dense = await measureRow(baseline, test, {
    variant: 'LeNet-5 dense (fp32)', bytes: await layersModelBytes(baseline), energyMicrojoules: energyOf(baseline),
  });
  const rows: VariantRow[] = [{ ...dense, seconds: (performance.now() - started) / 1000 }];
  const context: DemoContext = {
    baseline, baselineAccuracy: dense.testAccuracy, train, test, seed: options.seed, quick: options.quick, epochs, shared: new Map(),
  };
  try {
    for (const variant of DEMO_VARIANTS) {
      if (options.only && !options.only.includes(variant.name)) continue;
      const t0 = performance.now();
      const row = await variant.run(context);
      rows.push({ ...row, seconds: (performance.now() - t0) / 1000 });
    }
  } finally {
    for (const model of context.shared.values()) model.dispose();
    baseline.dispose();
  }
  return { rows, seconds: (performance.now() - started) / 1000, epochs, trainCount: train.count, testCount: test.count };
}

export const DEMO_HEAD: readonly Column[] = [
  'variant', 'params', 'nonzero', 'test acc %', 'Δ points', 'bytes', 'ratio', 'energy µJ', 'seconds', { header: 'notes', footnote: true },
];

/** Table rows of a report (first row: the dense baseline), for DEMO_HEAD. */
export function demoTable(rows: readonly VariantRow[]): Cell[][] {
  const baselineAccuracy = rows[0]!.testAccuracy;
  return rows.map((r) => [
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
  ]);
}
