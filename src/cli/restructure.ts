/**
 * `smallnets restructure --model DIR [--separable all|NAMES] [--factorize all|NAMES] [--width α]
 * [--epochs N] --out DIR [--json]`: replace convs by separable or stacked 3×3 ones and/or thin the
 * layers, distill the result from the original on MNIST, save it, and print per-layer params and
 * MACs before/after.
 */
import { Option, type Command } from 'commander';
import { addCommand, examples } from './command.js';
import { UsageError } from '../errors.js';
import { nonNegativeInt, numberInRange, optionWithDefaultText, positiveInt, positiveNumber } from './options.js';
import { note, printResult, printTable, warnOnAccuracyDrop } from './output.js';
import { addDataFlags, dataOptions, type DataFlags } from './data-flags.js';
import { checkOutDir } from '../models/atomic-write.js';
import type { Intermediate } from '../restructure/factorize.js';
import { parseSelection, type LayerSelection } from '../restructure/select.js';
import { TRAIN_DEFAULTS } from '../training/defaults.js';
import { DISTILL_DEFAULTS } from '../restructure/distill-defaults.js';
import type { RestructureOptions } from '../restructure/recipe.js';

interface RestructureFlags extends DataFlags {
  model: string;
  separable?: LayerSelection;
  factorize?: LayerSelection;
  width?: number;
  intermediate?: Intermediate;
  depthMultiplier?: number;
  epochs: number;
  lr: number;
  batchSize: number;
  temperature: number;
  teacherWeight: number;
  /** The old name of --teacher-weight, still accepted. */
  alpha?: number;
  shift: number;
  trainImages?: number;
  out: string;
  force?: boolean;
}

function selection(flag: string): (value: string) => LayerSelection {
  return (value) => parseSelection(flag, value);
}

function widthValue(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 1) throw new UsageError(`--width must be in (0, 1], got ${JSON.stringify(value)}`);
  return n;
}

function intermediateValue(value: string): Intermediate {
  if (value === 'min' || value === 'output' || value === 'input') return value;
  if (/^\d+$/.test(value) && Number(value) >= 1) return Number(value);
  throw new UsageError(`--intermediate must be min, output, input or a positive integer, got ${JSON.stringify(value)}`);
}

function percent(x: number | null): string {
  return x === null ? 'n/a' : `${(x * 100).toFixed(2)}%`;
}

export function register(program: Command): void {
  addCommand<RestructureFlags>(
    program,
    'restructure',
    (cmd) =>
      addDataFlags(examples(cmd, [
        'restructure out/lenet5 --separable all --depth-multiplier 2 --out out/lenet5-sep',
        'restructure out/lenet5 --width 0.5 --out out/lenet5-half',
      ])
        .description('make convs separable or stacked 3×3 and/or thinner, distill from the original (MNIST or your image folder), save')
        .option('--separable <layers>', "Conv2D layers to make depthwise-separable: 'all' (a conv reading one channel stays full unless --depth-multiplier > 1) or comma-separated names", selection('--separable'))
        .option('--factorize <layers>', "k×k Conv2D layers to replace by stacked 3×3s: 'all' or comma-separated names", selection('--factorize'))
        .option('--width <alpha>', 'width multiplier for hidden layers, in (0, 1]', widthValue)
        .addOption(optionWithDefaultText('--intermediate <n>', 'channels between stacked 3×3s: min, output, input or a number', 'min', intermediateValue))
        .option('--depth-multiplier <n>', 'depthwise filters per input channel of separable layers', positiveInt('--depth-multiplier'))
        .option('--epochs <n>', 'distillation epochs (0: no training)', nonNegativeInt('--epochs'), DISTILL_DEFAULTS.epochs)
        .option('--lr <x>', 'Adam learning rate (cosine decay)', positiveNumber('--lr'), DISTILL_DEFAULTS.learningRate)
        .option('--batch-size <n>', 'images per step', positiveInt('--batch-size'), TRAIN_DEFAULTS.batchSize)
        .option('--temperature <T>', 'distillation temperature', positiveNumber('--temperature'), DISTILL_DEFAULTS.temperature)
        .option('--teacher-weight <w>', 'distillation: weight of the teacher (soft) loss, in [0, 1]; the labels get the rest', numberInRange('--teacher-weight', 0, 1, true), DISTILL_DEFAULTS.alpha)
        .addOption(new Option('--alpha <w>', 'old name of --teacher-weight').argParser(numberInRange('--alpha', 0, 1, true)).hideHelp())
        .option('--shift <px>', 'random shifts of up to N pixels while distilling (0: none)', nonNegativeInt('--shift'), DISTILL_DEFAULTS.maxShift)
        .option('--train-images <n>', 'distill on the first N training digits only (quick runs)', positiveInt('--train-images'))
        .requiredOption('--out <dir>', 'output directory for the restructured model')
        .option('--force', 'replace a non-empty --out directory'), { none: true, what: 'data to distill on' }),
    async (_args, flags) => {
      const { describeData, trainingDataFor } = await import('../pipeline/training-data.js');
      const { saveModel } = await import('../models/io.js');
      const { openLayersModel } = await import('../pipeline/open-model.js');
      const { COMPARISON_HEAD, comparisonRows } = await import('../restructure/compare.js');
      const { restructureAndDistill } = await import('../restructure/recipe.js');
      await checkOutDir(flags.out, flags.force);
      const options: RestructureOptions = {
        ...(flags.separable === undefined ? {} : { separable: flags.separable }),
        ...(flags.factorize === undefined ? {} : { factorize: flags.factorize }),
        ...(flags.width === undefined ? {} : { width: flags.width }),
        ...(flags.intermediate === undefined ? {} : { intermediate: flags.intermediate }),
        ...(flags.depthMultiplier === undefined ? {} : { depthMultiplier: flags.depthMultiplier }),
        ...(flags.trainImages === undefined ? {} : { trainImages: flags.trainImages }),
        seed: flags.seed ?? TRAIN_DEFAULTS.seed,
        epochs: flags.epochs,
        learningRate: flags.lr,
        batchSize: flags.batchSize,
        temperature: flags.temperature,
        alpha: flags.alpha ?? flags.teacherWeight,
        maxShift: flags.shift,
        log: note,
      };
      const teacher = (await openLayersModel(flags.model)).layers;
      const data = await trainingDataFor(teacher, flags.data, dataOptions(flags));
      const result = await restructureAndDistill(teacher, data, options);
      const { comparison, model: student } = result;
      printTable(COMPARISON_HEAD, comparisonRows(comparison));
      await saveModel(student, flags.out, { force: flags.force });
      printResult(
        `${flags.model} → ${flags.out}: ${comparison.paramsBefore.toLocaleString('en-US')} → ${comparison.paramsAfter.toLocaleString('en-US')} params, ` +
          `${comparison.macsBefore.toLocaleString('en-US')} → ${comparison.macsAfter.toLocaleString('en-US')} MACs, ` +
          `test accuracy ${percent(result.testAccuracyBefore)} → ${percent(result.testAccuracyAfter)}`,
      );
      teacher.dispose();
      student.dispose();
      warnOnAccuracyDrop(result.testAccuracyBefore, result.testAccuracyAfter, 'try more distillation --epochs or a larger --width');
      return {
        command: 'restructure',
        paramsBefore: comparison.paramsBefore,
        paramsAfter: comparison.paramsAfter,
        macsBefore: comparison.macsBefore,
        macsAfter: comparison.macsAfter,
        testAccuracyBefore: result.testAccuracyBefore,
        testAccuracyAfter: result.testAccuracyAfter,
        data: describeData(data),
        out: flags.out,
      };
    },
    { table: true, trains: true, model: 'trained model: directory, model.json, URL, .snn' },
  );
}
