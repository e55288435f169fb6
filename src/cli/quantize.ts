/**
 * `smallnets quantize --model DIR --bits 6 [--per-channel] [--activations] [--ptq] [--epochs N]
 * --out DIR [--json]`: quantization-aware fine-tuning (or post-training quantization with --ptq) on
 * the MNIST split, then strip to a plain TF.js model whose kernels hold the quantized values; the
 * grids (scales, zero points) go into the model's userDefinedMetadata for the .snn encoder.
 * A thin layer over `quantizeAndFineTune` (src/quantization/fine-tune.ts).
 */
import path from 'node:path';
import type { Command } from 'commander';
import { addCommand, examples } from './command.js';
import { UsageError } from '../errors.js';
import { choiceOption, optionWithDefaultText, positiveInt, positiveNumber } from './options.js';
import { log, printResult, printTable, warnOnAccuracyDrop } from './output.js';
import { addDataFlags, dataOptions, type DataFlags } from './data-flags.js';
import { checkOutDir } from '../models/atomic-write.js';
import { TRAIN_DEFAULTS } from '../training/defaults.js';
import { DEFAULT_CALIBRATION_SAMPLES } from '../quantization/defaults.js';
import { MAX_BITS, MIN_BITS } from '../quantization/fake-quant.js';
import { RANGE_METHODS, type RangeMethod } from '../quantization/ranges.js';
import type { QuantizeFineTuneOptions } from '../quantization/index.js';

interface QuantizeFlags extends DataFlags {
  model: string;
  bits: number;
  perChannel?: boolean;
  asymmetric?: boolean;
  range: RangeMethod;
  activations?: boolean;
  activationBits: number;
  ptq?: boolean;
  preserveSparsity?: boolean;
  calibrationSamples: number;
  epochs?: number;
  lr?: number;
  batchSize: number;
  out?: string;
  force?: boolean;
}

function bitsValue(flag: string): (value: string) => number {
  return (value) => {
    const n = value.trim() === '' ? NaN : Number(value);
    if (!Number.isInteger(n) || n < MIN_BITS || n > MAX_BITS) throw new UsageError(`${flag} must be an integer in [${MIN_BITS}, ${MAX_BITS}], got ${JSON.stringify(value)}`);
    return n;
  };
}

const pct = (x: number): string => (x * 100).toFixed(2);

export function register(program: Command): void {
  addCommand<QuantizeFlags>(
    program,
    'quantize',
    (cmd) =>
      addDataFlags(examples(cmd, [
        'quantize out/lenet5 --bits 6',
        'quantize out/lenet5 --bits 8 --ptq --out out/lenet5-ptq8',
      ])
        .description('quantize a trained model to 2–8-bit weights (quantization-aware fine-tuning on MNIST or your image folder, or --ptq) and save it')
        .requiredOption('--bits <n>', 'weight bits, an integer in [2, 8]', bitsValue('--bits'))
        .option('--per-channel', 'one grid per output channel instead of one per tensor')
        .option('--asymmetric', 'asymmetric min/max weight grids (default: symmetric, zero point in the middle)')
        .addOption(choiceOption('--range <method>', 'weight range: mse (least-error clip) or minmax', RANGE_METHODS).default('mse'))
        .option('--activations', 'also quantize layer outputs (moving-average ranges in training, calibrated with --ptq)')
        .option('--activation-bits <n>', 'activation bits, an integer in [2, 8]', bitsValue('--activation-bits'), 8)
        .option('--ptq', 'post-training quantization: no fine-tuning')
        .option('--preserve-sparsity', 'keep zero (pruned) weights at zero while fine-tuning')
        .option('--calibration-samples <n>', 'images for --ptq --activations range calibration', positiveInt('--calibration-samples'), DEFAULT_CALIBRATION_SAMPLES)
        .addOption(optionWithDefaultText('--epochs <n>', 'fine-tuning epochs', '1 at 5–8 bits, 2 at 3–4, 3 at 2', positiveInt('--epochs')))
        .addOption(optionWithDefaultText('--lr <x>', 'Adam learning rate, cosine-decayed', '1e-4 at 5–8 bits, 3e-4 at 3–4, 1e-3 at 2', positiveNumber('--lr')))
        .option('--batch-size <n>', 'images per step', positiveInt('--batch-size'), TRAIN_DEFAULTS.batchSize)
        .addOption(optionWithDefaultText('--out <dir>', 'output directory', 'out/<model>-q<bits>'))
        .option('--force', 'replace a non-empty --out directory')),
    async (_args, flags) => {
      const { describeData, requireTrainingData } = await import('../pipeline/training-data.js');
      const { saveModel } = await import('../models/io.js');
      const { openLayersModel } = await import('../pipeline/open-model.js');
      const { quantizeAndFineTune } = await import('../quantization/index.js');
      const options: QuantizeFineTuneOptions = {
        bits: flags.bits,
        perChannel: flags.perChannel ?? false,
        symmetric: !flags.asymmetric,
        range: flags.range,
        activations: flags.activations ?? false,
        activationBits: flags.activationBits,
        preserveSparsity: flags.preserveSparsity ?? false,
        ptq: flags.ptq ?? false,
        calibrationSamples: flags.calibrationSamples,
        epochs: flags.epochs,
        learningRate: flags.lr,
        batchSize: flags.batchSize,
        seed: flags.seed,
        log,
      };
      const out = flags.out ?? `out/${path.basename(path.resolve(flags.model))}-q${flags.bits}`;
      await checkOutDir(out, flags.force);
      const model = (await openLayersModel(flags.model)).layers;
      const data = await requireTrainingData(model, flags.data, dataOptions(flags));
      const result = await quantizeAndFineTune(model, data, options);
      const { config, report } = result;
      printTable(
        ['layer', 'weight', 'bits', 'grids', 'distinct values'],
        report.weights.map((w) => [w.layer, w.weight, w.bits, w.scales.length, result.distinctValuesPerLayer[w.layer] ?? null]),
      );
      const bytes = await saveModel(result.model, out, { force: flags.force });
      printResult(
        `test accuracy ${pct(result.testAccuracyBefore!)}% → ${pct(result.testAccuracyAfter!)}%` +
          `${config.activationBits !== null ? ` (activations quantized to ${config.activationBits} bits)` : ''}; saved ${bytes.toLocaleString('en-US')} bytes to ${out}`,
      );
      warnOnAccuracyDrop(result.testAccuracyBefore, result.testAccuracyAfter, 'try more --bits, --per-channel, or quantization-aware training with more --epochs');
      return {
        command: 'quantize',
        model: flags.model,
        testAccuracyBefore: result.testAccuracyBefore,
        testAccuracyAfter: result.testAccuracyAfter,
        data: describeData(data),
        bits: config.bits,
        perChannel: config.perChannel,
        symmetric: config.symmetric,
        range: config.range,
        activations: config.activationBits !== null ? { bits: config.activationBits, ranges: report.activations } : null,
        ptq: options.ptq,
        preserveSparsity: config.preserveSparsity,
        epochs: result.epochs,
        learningRate: result.learningRate,
        distinctValuesPerLayer: result.distinctValuesPerLayer,
        seconds: Math.round(result.seconds * 100) / 100,
        out,
      };
    },
    { table: true, trains: true, model: 'trained model: directory, model.json, URL, .snn' },
  );
}
