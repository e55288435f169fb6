/** `smallnets train <lenet300|lenet5>`: train a LeNet on the MNIST split and save it. */
import type { Command } from 'commander';
import { addCommand } from './command.js';
import { positiveInt, positiveNumber, nonNegativeInt, oneOf } from './options.js';
import { LENET_NAMES, LENET_RECIPES, buildLeNet, type LeNetName } from '../models/lenet.js';
import { loadMnist } from '../data/mnist.js';
import { trainModel, TRAIN_DEFAULTS } from '../training/train.js';
import { evaluateAccuracy } from '../training/evaluate.js';
import { saveModel } from '../models/io.js';
import { checkOutDir } from '../models/atomic-write.js';
import { startWorkerIfUseful, withWorker } from '../training/threads.js';
import { log } from './output.js';

interface TrainFlags {
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
      cmd
        .description('train a LeNet on the fixed 8,000/2,000 MNIST split and save it (TF.js LayersModel)')
        .argument('<model>', `model to train: ${LENET_NAMES.join(' | ')}`, oneOf('model', LENET_NAMES))
        .option('--epochs <n>', 'training epochs', positiveInt('--epochs'), DEFAULT_EPOCHS)
        .option('--batch-size <n>', 'images per step (default: 64)', positiveInt('--batch-size'))
        .option('--lr <x>', 'peak Adam learning rate, cosine-decayed (default: 0.002 lenet5, 0.003 lenet300)', positiveNumber('--lr'))
        .option('--shift <pixels>', 'random training-image shifts of up to this many pixels (0 = off)', nonNegativeInt('--shift'), 1)
        .option('--threads <n>', 'threads to train on: 2 splits each batch with a worker thread', positiveInt('--threads'), 2)
        .option('--out <dir>', 'output directory (default: out/<model>)')
        .option('--force', 'replace a non-empty --out directory'),
    async ([name], flags) => {
      const modelName = name as LeNetName;
      const out = flags.out ?? `out/${modelName}`;
      await checkOutDir(out, flags.force);
      const { train, test } = loadMnist();
      const seed = flags.seed ?? TRAIN_DEFAULTS.seed;
      const model = buildLeNet(modelName, seed);
      const recipe = LENET_RECIPES[modelName];
      const batchSize = flags.batchSize ?? recipe.batchSize;
      const worker = await startWorkerIfUseful(model, flags.threads, batchSize);
      const result = withWorker(worker, () => trainModel(model, train, {
        epochs: flags.epochs,
        batchSize,
        learningRate: flags.lr ?? recipe.learningRate,
        augment: { maxShift: flags.shift },
        schedule: 'cosine',
        seed,
        label: modelName,
        parallel: worker,
      }));
      await worker?.close();
      const testAccuracy = evaluateAccuracy(model, test);
      const bytes = await saveModel(model, out, { force: flags.force });
      log(
        `${modelName}: ${model.countParams().toLocaleString('en-US')} params, test accuracy ${(testAccuracy * 100).toFixed(2)}%, ` +
          `${result.seconds.toFixed(1)} s (${Math.round(result.imagesPerSecond)} images/s), saved ${bytes.toLocaleString('en-US')} bytes to ${out}`,
      );
      return {
        command: 'train',
        model: modelName,
        params: model.countParams(),
        epochs: flags.epochs,
        testAccuracy,
        seconds: round(result.seconds, 2),
        imagesPerSecond: Math.round(result.imagesPerSecond),
        out,
      };
    },
  );
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
