/**
 * `smallnets prune --model DIR --sparsity 0.92`: prune a trained model while fine-tuning it on the
 * MNIST split, strip the masks, save TF.js format, and print per-layer sparsity. With
 * `--granularity filters` the pruned filters are physically removed and the smaller model is saved.
 * A thin layer over `pruneAndRetrain` (src/pruning/retrain.ts).
 */
import path from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { addCommand, examples } from './command.js';
import { choiceOption, nonNegativeInt, numberInRange, optionWithDefaultText, positiveInt, positiveNumber } from './options.js';
import { log, printResult, printTable, warnOnAccuracyDrop } from './output.js';
import { addDataFlags, dataOptions, type DataFlags } from './data-flags.js';
import { checkOutDir } from '../models/atomic-write.js';
import { GRANULARITY_FORMS, formatGranularity, parseGranularity, type Granularity } from '../pruning/granularity.js';
import { PRUNE_DEFAULTS, SCHEDULE_KINDS, type ScheduleKind } from '../pruning/defaults.js';
import type { PruneRetrainOptions } from '../pruning/index.js';

interface PruneFlags extends DataFlags {
  model: string;
  sparsity?: number;
  schedule: ScheduleKind;
  granularity: Granularity;
  global?: boolean;
  perLayer?: boolean;
  layers?: string[];
  epochs: number;
  batchSize: number;
  lr: number;
  shift: number;
  out?: string;
  force?: boolean;
}

function layerList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

const pct = (x: number): string => (x * 100).toFixed(2);

/**
 * out/<model>-<what was done>: p92 (92% unstructured), 2of4, block1x4-p80, filters50 — so two
 * prunings of one model (the README runs 92% and 2:4) do not compete for one directory.
 */
export function defaultOut(model: string, granularity: Granularity, sparsity: number | undefined): string {
  const p = sparsity === undefined ? '' : String(Math.round(sparsity * 100));
  const what = granularity.kind === 'nm' ? `${granularity.n}of${granularity.m}`
    : granularity.kind === 'block' ? `block${granularity.rows}x${granularity.cols}-p${p}`
      : granularity.kind === 'filters' ? `filters${p}` : `p${p}`;
  return `out/${path.basename(path.resolve(model))}-${what}`;
}

export function register(program: Command): void {
  addCommand<PruneFlags>(
    program,
    'prune',
    (cmd) =>
      addDataFlags(examples(cmd, [
        'prune out/lenet5 --sparsity 0.92',
        'prune out/lenet5 --granularity 2:4',
      ])
        .description('prune a trained model while fine-tuning it (MNIST or your image folder), strip the masks and save it (TF.js LayersModel)')
        .option('--sparsity <x>', 'target sparsity in [0, 1) over prunable weights (for filters: fraction of filters removed)', numberInRange('--sparsity', 0, 1))
        .addOption(choiceOption('--schedule <kind>', 'how sparsity grows during fine-tuning', SCHEDULE_KINDS).default(PRUNE_DEFAULTS.schedule))
        .addOption(new Option('--granularity <g>', `what is zeroed together: ${GRANULARITY_FORMS}`).argParser(parseGranularity).default(parseGranularity('unstructured'), 'unstructured'))
        .option('--global', 'one magnitude threshold across all layers (the default for unstructured pruning)')
        .option('--per-layer', 'one magnitude threshold per layer instead of a global one')
        .addOption(optionWithDefaultText('--layers <names>', 'comma-separated layer names to prune', 'every prunable layer', layerList))
        .option('--epochs <n>', 'fine-tuning epochs', positiveInt('--epochs'), PRUNE_DEFAULTS.epochs)
        .option('--batch-size <n>', 'images per step', positiveInt('--batch-size'), PRUNE_DEFAULTS.batchSize)
        .option('--lr <x>', 'Adam learning rate (cosine-decayed)', positiveNumber('--lr'), PRUNE_DEFAULTS.learningRate)
        .option('--shift <pixels>', 'random training-image shifts of up to this many pixels (0 = off)', nonNegativeInt('--shift'), PRUNE_DEFAULTS.maxShift)
        .addOption(optionWithDefaultText('--out <dir>', 'output directory', 'out/<model>-p<sparsity %>, -2of4, -block1x4-p<%>, -filters<%>'))
        .option('--force', 'replace a non-empty --out directory')),
    async (_args, flags) => {
      const { describeData, requireTrainingData } = await import('../pipeline/training-data.js');
      const { saveModel } = await import('../models/io.js');
      const { openLayersModel } = await import('../pipeline/open-model.js');
      const { pruneAndRetrain, pruneRecipe } = await import('../pruning/index.js');
      const options: PruneRetrainOptions = {
        sparsity: flags.sparsity, granularity: flags.granularity, global: flags.perLayer ? false : (flags.global ?? flags.granularity.kind === 'unstructured'), layers: flags.layers,
        schedule: flags.schedule, epochs: flags.epochs, batchSize: flags.batchSize, learningRate: flags.lr,
        maxShift: flags.shift, seed: flags.seed, label: 'prune', log,
      };
      // Flag problems that need no model or data (a sparsity N:M cannot have, …) fail before any file is touched.
      pruneRecipe(options, 1);
      const out = flags.out ?? defaultOut(flags.model, flags.granularity, flags.sparsity);
      await checkOutDir(out, flags.force);
      const model = (await openLayersModel(flags.model)).layers;
      const data = await requireTrainingData(model, flags.data, dataOptions(flags));
      const result = await pruneAndRetrain(model, data, options);
      const { report, structured } = result;
      printTable(
        ['layer', 'class', 'weights', 'nonzero', 'sparsity %'],
        [
          ...report.layers.map((l) => [l.name, l.className, l.params, l.nonzero, pct(l.sparsity)]),
          ['total (prunable)', '', report.prunableParams, report.prunableNonzero, pct(report.sparsity)],
        ],
      );
      if (structured) {
        printTable(['layer', 'filters before', 'after', 'inputs removed from'], structured.removed.map((r) => [r.layer, r.before, r.after, r.next]));
        printResult(`smaller model: ${structured.params.toLocaleString('en-US')} params (dense ${structured.denseParams.toLocaleString('en-US')}), ` +
          `${structured.macs.toLocaleString('en-US')} MACs (dense ${structured.denseMacs.toLocaleString('en-US')}), test accuracy ${pct(structured.testAccuracy!)}%`);
      }
      const bytes = await saveModel(structured?.model ?? result.model, out, { force: flags.force });
      printResult(
        `test accuracy ${pct(result.testAccuracyBefore!)}% → ${pct(result.testAccuracyAfter!)}% at ${pct(report.sparsity)}% sparsity ` +
          `(${report.prunableNonzero.toLocaleString('en-US')} of ${report.prunableParams.toLocaleString('en-US')} prunable weights left); ` +
          `${result.training.seconds.toFixed(1)} s; saved ${bytes.toLocaleString('en-US')} bytes to ${out}`,
      );
      warnOnAccuracyDrop(result.testAccuracyBefore, result.testAccuracyAfter, 'try more --epochs or a lower --sparsity (sensitivity shows which layers suffer)');
      return {
        command: 'prune',
        model: flags.model,
        granularity: formatGranularity(result.config.granularity),
        global: result.config.global,
        schedule: result.config.schedule.toJSON(),
        epochs: flags.epochs,
        testAccuracyBefore: result.testAccuracyBefore,
        testAccuracyAfter: result.testAccuracyAfter,
        data: describeData(data),
        sparsity: report.sparsity,
        params: report.params,
        nonzeroParams: report.nonzeroParams,
        layers: report.layers.map((l) => ({ name: l.name, params: l.params, nonzero: l.nonzero, sparsity: l.sparsity })),
        ...(structured
          ? { structured: { params: structured.params, macs: structured.macs, denseParams: structured.denseParams, denseMacs: structured.denseMacs, testAccuracy: structured.testAccuracy, layers: structured.removed } }
          : {}),
        seconds: Math.round(result.training.seconds * 100) / 100,
        threads: result.training.threads,
        out,
      };
    },
    { table: true, trains: true, model: 'trained model: directory, model.json, URL, .snn' },
  );
}
