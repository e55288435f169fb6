/**
 * `smallnets train <lenet300|lenet5> [--data DIR]`: train a LeNet on the MNIST split (or on your image
 * folder, with as many outputs as it has classes) and save it. A thin layer over `fitAndEvaluate`.
 */
import type { Command } from 'commander';
import { addCommand, examples } from './command.js';
import { positiveInt, positiveNumber, nonNegativeInt, oneOf, optionWithDefaultText } from './options.js';
import { LENET_NAMES, type LeNetName } from '../models/lenet-names.js';
import { TRAIN_DEFAULTS } from '../training/defaults.js';
import { checkOutDir } from '../models/atomic-write.js';
import { addDataFlags, dataOptions, type DataFlags } from './data-flags.js';
import { printResult } from './output.js';

interface TrainFlags extends DataFlags {
  epochs: number;
  batchSize?: number;
  lr?: number;
  shift: number;
  threads: number;
  out?: string;
  force?: boolean;
}

/** Default epochs: enough for the accuracy targets (LeNet-5 ≥ 98.5%, LeNet-300-100 ≥ 96.5%). */
export const DEFAULT_EPOCHS = 5;


export function register(program: Command): void {
  addCommand<TrainFlags>(
    program,
    'train',
    (cmd) =>
      addDataFlags(examples(cmd, [
        'train lenet5 --out out/lenet5',
        'train lenet300 --epochs 5 --json',
      ])
        .description('train a LeNet on the fixed 8,000/2,000 MNIST split (or your image folder) and save it (TF.js LayersModel)')
        .argument('<model>', `model to train: ${LENET_NAMES.join(' | ')}`, oneOf('model', LENET_NAMES))
        .option('--epochs <n>', 'training epochs', positiveInt('--epochs'), DEFAULT_EPOCHS)
        .addOption(optionWithDefaultText('--batch-size <n>', 'images per step', '64', positiveInt('--batch-size')))
        .addOption(optionWithDefaultText('--lr <x>', 'peak Adam learning rate, cosine-decayed', '0.002 for lenet5, 0.003 for lenet300', positiveNumber('--lr')))
        .option('--shift <pixels>', 'random training-image shifts of up to this many pixels (0 = off)', nonNegativeInt('--shift'), 1)
        .addOption(optionWithDefaultText('--out <dir>', 'output directory', 'out/<model>'))
        .option('--force', 'replace a non-empty --out directory')),
    async ([name], flags) => {
      const { LENET_RECIPES, buildLeNet } = await import('../models/lenet.js');
      const { fitAndEvaluate } = await import('../training/fit.js');
      const { saveModel } = await import('../models/io.js');
      const { describeData, loadData } = await import('../pipeline/training-data.js');
      const modelName = name as LeNetName;
      const out = flags.out ?? `out/${modelName}`;
      await checkOutDir(out, flags.force);
      const seed = flags.seed ?? TRAIN_DEFAULTS.seed;
      // The LeNets take 28×28×1 images: MNIST, or a folder's images made gray and resized to 28×28.
      const data = await loadData(flags.data ?? 'mnist', [null, 28, 28, 1], { preprocess: 'lenet', ...dataOptions(flags) });
      const model = buildLeNet(modelName, seed, { classes: data.classNames?.length ?? 10 });
      const recipe = LENET_RECIPES[modelName];
      const { training, testAccuracy } = await fitAndEvaluate(model, data, {
        epochs: flags.epochs,
        batchSize: flags.batchSize ?? recipe.batchSize,
        learningRate: flags.lr ?? recipe.learningRate,
        augment: { maxShift: flags.shift },
        schedule: 'cosine',
        seed,
        label: modelName,
        threads: flags.threads,
      });
      const bytes = await saveModel(model, out, { force: flags.force });
      const measured = testAccuracy === null ? 'no validation images' : `${data.evaluatedOn} accuracy ${(testAccuracy * 100).toFixed(2)}%`;
      printResult(
        `${modelName}: ${model.countParams().toLocaleString('en-US')} params, ${measured}, ` +
          `${training.seconds.toFixed(1)} s (${Math.round(training.imagesPerSecond)} images/s), saved ${bytes.toLocaleString('en-US')} bytes to ${out}`,
      );
      return {
        command: 'train',
        model: modelName,
        params: model.countParams(),
        epochs: flags.epochs,
        testAccuracy,
        data: describeData(data),
        seconds: round(training.seconds, 2),
        imagesPerSecond: Math.round(training.imagesPerSecond),
        out,
      };
    },
    { trains: true },
  );
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
