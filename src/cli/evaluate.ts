/**
 * `smallnets evaluate PATH [--data DIR] [--engine runtime|tfjs]`: test accuracy of a saved model (any format
 * openModel opens); a .snn file runs on the smallnets runtime unless `--engine tfjs`.
 */
import type { Command } from 'commander';
import { addCommand } from './command.js';
import { openModel } from '../pipeline/open-model.js';
import { describeData, loadData, takesMnistDigits } from '../pipeline/training-data.js';
import { addDataFlags, dataOptions, type DataFlags } from './data-flags.js';
import { accuracyOn, type EvaluateEngine } from '../pipeline/evaluate.js';
import { oneOf } from './options.js';
import { log } from './output.js';
import { UsageError } from '../errors.js';

const ENGINES: readonly EvaluateEngine[] = ['runtime', 'tfjs'];

export function register(program: Command): void {
  addCommand<DataFlags & { engine: EvaluateEngine }>(
    program,
    'evaluate',
    (cmd) =>
      addDataFlags(cmd
        .description('report test accuracy (MNIST\'s 2,000 held-out digits, or your image folder\'s validation split) of a model directory, model.json, .snn or .onnx')
        .argument('<path>', 'model directory, model.json, .snn or .onnx file')
        .option('--engine <name>', '.snn files: the smallnets runtime or TF.js', oneOf('--engine', ENGINES), 'runtime'), { what: 'data to measure accuracy on' }),
    async ([location], flags) => {
      const loaded = await openModel(location!);
      try {
        const source = flags.data ?? (takesMnistDigits(loaded.inputShape) ? 'mnist' : undefined);
        if (source === undefined) {
          throw new UsageError(`${location} takes [${loaded.inputShape.slice(1).join(', ')}], not 28×28×1 digits: give \`data\` (an image folder with one subfolder of images per class)`, { option: 'data' });
        }
        const data = await loadData(source, loaded.inputShape, { preprocess: loaded.family ?? 'unit', ...dataOptions(flags) });
        // With a folder and no validation split, every image is evaluated.
        const split = data.test.count > 0 ? data.test : data.train;
        const { testAccuracy, engine } = await accuracyOn(loaded, location!, split, flags.engine);
        log(`${location}: test accuracy ${(testAccuracy * 100).toFixed(2)}% on ${split.count.toLocaleString('en-US')} ${data.source === 'mnist' ? 'digits' : 'images'} (${engine})`);
        return { command: 'evaluate', path: location, params: loaded.params, testAccuracy, engine, data: describeData(data) };
      } finally {
        loaded.dispose();
      }
    },
  );
}
