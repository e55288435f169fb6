/**
 * The main job: a dense LeNet-5 baseline and one row per technique variant. Variants are listed in
 * ./variants.ts; each takes the trained baseline and returns its row, so a new technique adds one
 * entry there and nothing else changes. The caller renders the rows (see demoTable).
 */
import { loadMnist } from '../data/mnist.js';
import { head } from '../data/split.js';
import { LENET_RECIPES, lenet5 } from '../models/lenet.js';
import { trainModel } from '../training/train.js';
import { startWorkerIfUseful, withWorker } from '../training/threads.js';
import type { Cell } from '../analysis/text-table.js';
import { energyOf, layersModelBytes, measureRow, type DemoContext, type VariantRow } from './context.js';
import { DEMO_VARIANTS } from './variants.js';

export interface DemoOptions {
  epochs: number;
  quick: boolean;
  seed: number;
  only?: string[];
  /** Progress notes (default: none). */
  log?: (line: string) => void;
}

export async function runDemo(options: DemoOptions): Promise<{ rows: VariantRow[] }> {
  const data = loadMnist();
  const train = options.quick ? head(data.train, 1000) : data.train;
  const test = options.quick ? head(data.test, 500) : data.test;
  options.log?.(`MNIST: ${train.count.toLocaleString('en-US')} training / ${test.count.toLocaleString('en-US')} test digits (fixed seeded split)`);
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
  return { rows };
}

export const DEMO_HEAD: readonly string[] = ['variant', 'params', 'nonzero', 'test acc %', 'Δ vs dense', 'bytes', 'ratio', 'energy µJ', 'seconds', 'notes'];

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
