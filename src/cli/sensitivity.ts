/**
 * `smallnets sensitivity --model DIR`: prune each prunable layer alone at each sparsity (no
 * retraining) and report MNIST test accuracy — which layers tolerate pruning. A thin layer over
 * src/pruning/sensitivity.ts.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { addCommand } from './command.js';
import { numberInRange } from './options.js';
import { log, printTable } from './output.js';
import { loadMnist } from '../data/mnist.js';
import { openLayersModel } from '../pipeline/open-model.js';
import { DEFAULT_SENSITIVITIES, GRANULARITY_FORMS, checkSparsities, parseGranularity, sensitivity, type Granularity } from '../pruning/index.js';

interface SensitivityFlags {
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
      cmd
        .description('prune each layer alone at each sparsity (no retraining) and report MNIST test accuracy')
        .requiredOption('--model <dir>', 'trained model directory or model.json')
        .option('--sparsities <list>', 'comma-separated sparsities in [0, 1)', sparsityList, [...DEFAULT_SENSITIVITIES])
        .addOption(new Option('--granularity <g>', `what is zeroed together: ${GRANULARITY_FORMS}`).argParser(parseGranularity).default(parseGranularity('unstructured'), 'unstructured')),
    async (_args, flags) => {
      const model = (await openLayersModel(flags.model)).layers;
      const { test } = loadMnist();
      const result = sensitivity(model, test, { sparsities: flags.sparsities, granularity: flags.granularity });
      const keys = result.sparsities.map(String);
      log(`${flags.model}: dense test accuracy ${(result.baseline * 100).toFixed(2)}%; each layer pruned alone (${result.granularity}), no retraining:`);
      printTable(
        ['layer', 'class', 'weights', ...keys.map((k) => `${(Number(k) * 100).toFixed(0)}% acc %`)],
        result.layers.map((l) => [l.name, l.className, l.params, ...keys.map((k) => (l.accuracy[k] === undefined ? null : (l.accuracy[k]! * 100).toFixed(2)))]),
      );
      return {
        command: 'sensitivity',
        model: flags.model,
        granularity: result.granularity,
        baseline: result.baseline,
        sparsities: result.sparsities,
        layers: result.layers.map((l) => ({ name: l.name, className: l.className, params: l.params, accuracy: l.accuracy })),
      };
    },
  );
}
