/**
 * `smallnets quantize --model DIR --bits 6 [--per-channel] [--activations] [--ptq] [--epochs N]
 * --out DIR [--json]`: quantization-aware fine-tuning (or post-training quantization with --ptq) on
 * the MNIST split, then strip to a plain TF.js model whose kernels hold the quantized values; the
 * grids (scales, zero points) go into the model's userDefinedMetadata for the .snn encoder.
 * A thin layer over src/quantization (quantizeAware → trainModel → stripQuantization).
 */
import path from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { addCommand } from './command.js';
import { UsageError } from '../errors.js';
import { oneOf, positiveInt, positiveNumber } from './options.js';
import { log, printTable } from './output.js';
import { loadMnist } from '../data/mnist.js';
import { saveModel } from '../models/io.js';
import { openLayersModel } from '../pipeline/open-model.js';
import { checkOutDir } from '../models/atomic-write.js';
import { trainModel, TRAIN_DEFAULTS } from '../training/train.js';
import { evaluateAccuracy } from '../training/evaluate.js';
import {
  calibrateActivations, DEFAULT_CALIBRATION_SAMPLES, distinctValuesPerLayer, QuantizationConfig, qatTrainingDefaults,
  MAX_BITS, MIN_BITS, quantizeAware, RANGE_METHODS, stripQuantization, type RangeMethod,
} from '../quantization/index.js';

interface QuantizeFlags {
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
      cmd
        .description('quantize a trained model to 2–8-bit weights (quantization-aware fine-tuning on MNIST, or --ptq) and save it')
        .requiredOption('--model <dir>', 'trained model directory, model.json or URL')
        .requiredOption('--bits <n>', 'weight bits, an integer in [2, 8]', bitsValue('--bits'))
        .option('--per-channel', 'one grid per output channel instead of one per tensor')
        .option('--asymmetric', 'asymmetric min/max weight grids (default: symmetric, zero point in the middle)')
        .addOption(new Option('--range <method>', 'weight range: mse (least-error clip) or minmax').argParser(oneOf('--range', RANGE_METHODS)).default('mse'))
        .option('--activations', 'also quantize layer outputs (moving-average ranges in training, calibrated with --ptq)')
        .option('--activation-bits <n>', 'activation bits, an integer in [2, 8]', bitsValue('--activation-bits'), 8)
        .option('--ptq', 'post-training quantization: no fine-tuning')
        .option('--preserve-sparsity', 'keep zero (pruned) weights at zero while fine-tuning')
        .option('--calibration-samples <n>', 'images for --ptq --activations range calibration', positiveInt('--calibration-samples'), DEFAULT_CALIBRATION_SAMPLES)
        .option('--epochs <n>', 'fine-tuning epochs (default: 1 at 5–8 bits, 2 at 3–4, 3 at 2)', positiveInt('--epochs'))
        .option('--lr <x>', 'Adam learning rate, cosine-decayed (default: 1e-4 at 5–8 bits, 3e-4 at 3–4, 1e-3 at 2)', positiveNumber('--lr'))
        .option('--batch-size <n>', 'images per step', positiveInt('--batch-size'), TRAIN_DEFAULTS.batchSize)
        .option('--out <dir>', 'output directory (default: out/<model>-q<bits>)')
        .option('--force', 'replace a non-empty --out directory'),
    async (_args, flags) => {
      if (flags.ptq && (flags.epochs !== undefined || flags.lr !== undefined)) throw new UsageError('--epochs and --lr do not apply with --ptq (no training)');
      const config = new QuantizationConfig({
        bits: flags.bits,
        perChannel: flags.perChannel ?? false,
        symmetric: !flags.asymmetric,
        range: flags.range,
        activations: flags.activations ?? false,
        activationBits: flags.activationBits,
        preserveSparsity: flags.preserveSparsity ?? false,
      });
      const defaults = qatTrainingDefaults(flags.bits);
      const epochs = flags.ptq ? 0 : (flags.epochs ?? defaults.epochs);
      const learningRate = flags.lr ?? defaults.learningRate;
      const out = flags.out ?? `out/${path.basename(path.resolve(flags.model))}-q${flags.bits}`;
      await checkOutDir(out, flags.force);
      const model = (await openLayersModel(flags.model)).layers;
      // Wrapping first: a layer quantization cannot take fails before the data are loaded.
      const wrapped = await quantizeAware(model, config);
      const { train, test } = loadMnist();
      const testAccuracyBefore = evaluateAccuracy(model, test);
      const started = performance.now();
      if (flags.ptq) {
        if (flags.activations) calibrateActivations(wrapped, train, flags.calibrationSamples);
        log(`post-training quantization of ${flags.model} to ${flags.bits} bits`);
      } else {
        log(`quantization-aware training of ${flags.model} at ${flags.bits} bits: ${epochs} epoch(s), lr ${learningRate}`);
        trainModel(wrapped, train, {
          epochs, learningRate, batchSize: flags.batchSize, schedule: 'cosine', seed: flags.seed ?? TRAIN_DEFAULTS.seed,
          label: `qat ${flags.bits}-bit`,
          // The same ±1 px shifts the baselines train with: without them QAT overfits the 8,000 digits.
          augment: { maxShift: 1 },
        });
      }
      const seconds = (performance.now() - started) / 1000;
      // With quantized activations the stripped float model cannot show their effect: measure the wrapped one.
      const simulatedAccuracy = flags.activations ? evaluateAccuracy(wrapped, test) : undefined;
      const stripped = await stripQuantization(wrapped);
      wrapped.dispose();
      const testAccuracyAfter = simulatedAccuracy ?? evaluateAccuracy(stripped.model, test);
      const distinct = distinctValuesPerLayer(stripped.model);
      printTable(
        ['layer', 'weight', 'bits', 'grids', 'distinct values'],
        stripped.weights.map((w) => [w.layer, w.weight, w.bits, w.scales.length, distinct[w.layer] ?? null]),
      );
      const bytes = await saveModel(stripped.model, out, { force: flags.force });
      log(
        `test accuracy ${pct(testAccuracyBefore)}% → ${pct(testAccuracyAfter)}%` +
          `${flags.activations ? ` (activations quantized to ${flags.activationBits} bits)` : ''}; saved ${bytes.toLocaleString('en-US')} bytes to ${out}`,
      );
      return {
        command: 'quantize',
        model: flags.model,
        testAccuracyBefore,
        testAccuracyAfter,
        bits: flags.bits,
        perChannel: config.perChannel,
        symmetric: config.symmetric,
        range: config.range,
        activations: flags.activations ? { bits: flags.activationBits, ranges: stripped.activations } : null,
        ptq: flags.ptq ?? false,
        preserveSparsity: config.preserveSparsity,
        epochs,
        learningRate: flags.ptq ? null : learningRate,
        distinctValuesPerLayer: distinct,
        seconds: Math.round(seconds * 100) / 100,
        out,
      };
    },
  );
}
