/**
 * The recipe `smallnets quantize` runs, as one library call: wrap the model for quantization-aware
 * training, fine-tune it on the training split (or, with `ptq`, only calibrate), strip it to a plain
 * model with the quantized values baked in, and measure accuracy before and after.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Split } from '../data/split.js';
import { usageCheck } from '../errors.js';
import { evaluateAccuracy } from '../training/evaluate.js';
import { TRAIN_DEFAULTS, trainModel, validateTrainOptions } from '../training/train.js';
import { QuantizationConfig, qatTrainingDefaults, type QuantizeOptions } from './config.js';
import { distinctValuesPerLayer } from '../analysis/distinct.js';
import { calibrateActivations, DEFAULT_CALIBRATION_SAMPLES } from './ptq.js';
import { quantizeAware, stripQuantization } from './qat.js';
import type { QuantizationReport } from './records.js';

export interface QuantizeFineTuneOptions extends QuantizeOptions {
  /** Post-training quantization: no fine-tuning (activation ranges are calibrated when quantized). */
  ptq?: boolean;
  /** Images for activation-range calibration with `ptq` (default 512). */
  calibrationSamples?: number;
  /** Fine-tuning epochs (default by bit width: qatTrainingDefaults). */
  epochs?: number;
  /** Adam learning rate, cosine-decayed (default by bit width). */
  learningRate?: number;
  batchSize?: number;
  /** Random training-image shifts of up to this many pixels (default 1, as the baselines train). */
  maxShift?: number;
  seed?: number;
  progress?: boolean;
  /** Notes for a human (what is being run); default: dropped. */
  log?: (message: string) => void;
}

export interface QuantizeFineTuneResult {
  /** Plain stock-layer model whose kernels hold the quantized values. */
  model: tfl.LayersModel;
  /** Grids and codes of every quantized kernel, frozen activation ranges. */
  report: QuantizationReport;
  config: QuantizationConfig;
  /** Accuracy on `data.test` before and after (with quantized activations: of the simulated model). */
  testAccuracyBefore: number | null;
  testAccuracyAfter: number | null;
  /** Epochs fine-tuned (0 with `ptq`) and their learning rate (null with `ptq`). */
  epochs: number;
  learningRate: number | null;
  /** Distinct kernel values per quantized layer of `model` (≤ 2^bits). */
  distinctValuesPerLayer: Record<string, number>;
  seconds: number;
}

/**
 * Quantize `model`'s kernels to `options.bits` bits with quantization-aware fine-tuning on
 * `data.train` (or post-training with `ptq`). The input model is not modified.
 *
 * @example
 * const { model: q6, testAccuracyAfter } = await quantizeAndFineTune(trained, loadMnist(), { bits: 6 });
 */
export async function quantizeAndFineTune(
  model: tfl.LayersModel,
  data: { train: Split; test?: Split },
  options: QuantizeFineTuneOptions,
): Promise<QuantizeFineTuneResult> {
  const log = options.log ?? (() => undefined);
  const { ptq, calibrationSamples, epochs: givenEpochs, learningRate: givenRate, batchSize, maxShift, seed, progress, log: _log, ...quantize } = options;
  usageCheck(!ptq || (givenEpochs === undefined && givenRate === undefined),
    () => '`epochs` and `learningRate` do not apply with `ptq` (no training)', 'epochs');
  const config = new QuantizationConfig(quantize);
  const defaults = qatTrainingDefaults(config.bits);
  const epochs = ptq ? 0 : (givenEpochs ?? defaults.epochs);
  const learningRate = givenRate ?? defaults.learningRate;
  const train = {
    epochs: Math.max(1, epochs), learningRate, batchSize: batchSize ?? TRAIN_DEFAULTS.batchSize, schedule: 'cosine' as const,
    seed: seed ?? TRAIN_DEFAULTS.seed, label: `qat ${config.bits}-bit`, progress,
    // The same ±1 px shifts the baselines train with: without them QAT overfits the 8,000 digits.
    augment: { maxShift: maxShift ?? 1 },
  };
  validateTrainOptions(train);
  // Wrapping first: a layer quantization cannot take fails before any training.
  const wrapped = await quantizeAware(model, config);
  try {
    const testAccuracyBefore = data.test ? evaluateAccuracy(model, data.test) : null;
    const started = performance.now();
    if (ptq) {
      if (config.activationBits !== null) calibrateActivations(wrapped, data.train, calibrationSamples ?? DEFAULT_CALIBRATION_SAMPLES);
      log(`post-training quantization to ${config.bits} bits`);
    } else {
      log(`quantization-aware training at ${config.bits} bits: ${epochs} epoch(s), lr ${learningRate}`);
      trainModel(wrapped, data.train, train);
    }
    const seconds = (performance.now() - started) / 1000;
    // With quantized activations the stripped float model cannot show their effect: measure the wrapped one.
    const simulated = config.activationBits !== null && data.test ? evaluateAccuracy(wrapped, data.test) : undefined;
    const { model: stripped, report } = await stripQuantization(wrapped);
    const testAccuracyAfter = simulated ?? (data.test ? evaluateAccuracy(stripped, data.test) : null);
    return {
      model: stripped, report, config, testAccuracyBefore, testAccuracyAfter, epochs, learningRate: ptq ? null : learningRate,
      distinctValuesPerLayer: distinctValuesPerLayer(stripped), seconds,
    };
  } finally {
    wrapped.dispose();
  }
}
