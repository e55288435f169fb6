/**
 * `smallnets evaluate PATH [--data DIR] [--engine runtime|tfjs]`: test accuracy of a saved model (any format
 * openModel opens); a .snn file runs on the smallnets runtime unless `--engine tfjs`.
 */
import type { Command } from 'commander';
import { addCommand, examples } from './command.js';
import { addDataFlags, dataOptions, type DataFlags } from './data-flags.js';
import { choiceOption } from './options.js';
import { printResult } from './output.js';
import { UsageError } from '../errors.js';

const ENGINES = ['runtime', 'tfjs'] as const;

export function register(program: Command): void {
  addCommand<DataFlags & { model: string; engine: (typeof ENGINES)[number] }>(
    program,
    'evaluate',
    (cmd) =>
      addDataFlags(examples(cmd, [
        'evaluate out/lenet5',
        'evaluate out/lenet5.snn --json',
        'evaluate out/lenet5.snn --engine tfjs',
      ])
        .description('report test accuracy (MNIST\'s 2,000 held-out digits, or your image folder\'s validation split) of a model directory, model.json, .snn or .onnx')
        .addOption(choiceOption('--engine <name>', '.snn files: run on the smallnets runtime or on TF.js', ENGINES).default('runtime')), { what: 'data to measure accuracy on' }),
    async (_args, flags) => {
      const { openModel } = await import('../pipeline/open-model.js');
      const { describeData, loadData, takesMnistDigits } = await import('../pipeline/training-data.js');
      const { accuracyOn } = await import('../pipeline/evaluate.js');
      const location = flags.model;
      const loaded = await openModel(location);
      try {
        const source = flags.data ?? (takesMnistDigits(loaded.inputShape) ? 'mnist' : undefined);
        if (source === undefined) {
          throw new UsageError(`${location} takes [${loaded.inputShape.slice(1).join(', ')}], not 28×28×1 digits: give \`data\` (an image folder with one subfolder of images per class)`, { option: 'data' });
        }
        const data = await loadData(source, loaded.inputShape, { preprocess: loaded.family ?? 'unit', ...dataOptions(flags) });
        // With a folder and no validation split, every image is evaluated.
        const split = data.test.count > 0 ? data.test : data.train;
        const { testAccuracy, engine } = await accuracyOn(loaded, location, split, flags.engine);
        printResult(`${location}: test accuracy ${(testAccuracy * 100).toFixed(2)}% on ${split.count.toLocaleString('en-US')} ${data.source === 'mnist' ? 'digits' : 'images'} (${engine})`);
        return { command: 'evaluate', path: location, params: loaded.params, testAccuracy, engine, data: describeData(data) };
      } finally {
        loaded.dispose();
      }
    },
    { model: 'model directory, model.json, URL, .snn or .onnx file' },
  );
}
