/**
 * `smallnets sensitivity MODEL`: prune each prunable layer alone at each sparsity (no
 * retraining) and report MNIST test accuracy — which layers tolerate pruning. A thin layer over
 * src/pruning/sensitivity.ts.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { addCommand, examples } from './command.js';
import { numberInRange } from './options.js';
import { printResult, printTable } from './output.js';
import { addDataFlags, dataOptions, type DataFlags } from './data-flags.js';
import { GRANULARITY_FORMS, parseGranularity, type Granularity } from '../pruning/granularity.js';
import { DEFAULT_SENSITIVITIES, checkSparsities } from '../pruning/defaults.js';
import type { TaskProgress } from '../training/progress.js';

interface SensitivityFlags extends DataFlags {
  model: string;
  sparsities: number[];
  granularity: Granularity;
}

function sparsityList(value: string): number[] {
  const parse = numberInRange('--sparsities', 0, 1);
  const list = value.split(',').map((s) => parse(s.trim()));
  checkSparsities(list);
  return list;
}

export function register(program: Command): void {
  addCommand<SensitivityFlags>(
    program,
    'sensitivity',
    (cmd) =>
      addDataFlags(examples(cmd, [
        'sensitivity out/lenet5',
        'sensitivity out/lenet5 --sparsities 0.5,0.9 --format csv',
      ])
        .description('prune each layer alone at each sparsity (no retraining) and report test accuracy (MNIST, or your image folder\'s validation split)')
        .option('--sparsities <list>', 'comma-separated sparsities in [0, 1)', sparsityList, [...DEFAULT_SENSITIVITIES])
        .addOption(new Option('--granularity <g>', `what is zeroed together: ${GRANULARITY_FORMS}`).argParser(parseGranularity).default(parseGranularity('unstructured'), 'unstructured')), { what: 'data to measure accuracy on' }),
    async (_args, flags) => {
      const { describeData, requireTrainingData } = await import('../pipeline/training-data.js');
      const { openLayersModel } = await import('../pipeline/open-model.js');
      const { sensitivity } = await import('../pruning/index.js');
      const { taskProgress } = await import('../training/progress.js');
      const model = (await openLayersModel(flags.model)).layers;
      const data = await requireTrainingData(model, flags.data, dataOptions(flags));
      const { test } = data;
      let bar: TaskProgress | undefined;
      const result = sensitivity(model, test, {
        sparsities: flags.sparsities,
        granularity: flags.granularity,
        onResult: (layer, sparsity, accuracy, done, total) => {
          bar ??= taskProgress('sensitivity', total);
          bar.tick(done, `${layer} at ${(sparsity * 100).toFixed(0)}%: ${(accuracy * 100).toFixed(2)}%`);
        },
      });
      bar?.stop();
      const keys = result.sparsities.map(String);
      printResult(`${flags.model}: dense test accuracy ${(result.baseline * 100).toFixed(2)}%; each layer pruned alone (${result.granularity}), no retraining:`);
      printTable(
        ['layer', 'class', 'weights', ...keys.map((k) => `${(Number(k) * 100).toFixed(0)}% acc %`)],
        result.layers.map((l) => [l.name, l.className, l.params, ...keys.map((k) => (l.accuracy[k] === undefined ? null : (l.accuracy[k]! * 100).toFixed(2)))]),
      );
      return {
        command: 'sensitivity',
        model: flags.model,
        granularity: result.granularity,
        baseline: result.baseline,
        data: describeData(data),
        sparsities: result.sparsities,
        layers: result.layers.map((l) => ({ name: l.name, className: l.className, params: l.params, accuracy: l.accuracy })),
      };
    },
    { table: true, model: 'trained model: directory, model.json, URL, .snn' },
  );
}
