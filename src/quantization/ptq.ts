/**
 * Post-training quantization: the same grids as quantization-aware training, computed once from the
 * trained weights, no training. Optionally calibrates activation ranges — the min and max of each
 * quantized layer's output over N sample images (TFLite-style calibration) — and records them for
 * the encoder; `calibrateActivations` also freezes them into a wrapped model, so its accuracy with
 * quantized activations can be measured.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { head, imageSize, inputShapeFor, type Split } from '../data/split.js';
import { usageCheck } from '../errors.js';
import type { QuantizeOptions } from './config.js';
import { quantizeAware, quantizeWrappers, stripQuantization } from './qat.js';
import type { QuantizedModel } from './records.js';

export interface PtqOptions extends Omit<QuantizeOptions, 'activations' | 'weights'> {
  /** Calibrate and record activation ranges on the first `samples` images of `split` (default 512). */
  calibration?: { split: Split; samples?: number };
}

import { DEFAULT_CALIBRATION_SAMPLES } from './defaults.js';

export { DEFAULT_CALIBRATION_SAMPLES };

/**
 * Quantize the kernels of `model` to `options.bits` bits without training.
 *
 * @example
 * const { model: q, report } = await quantizeWeights(model, { bits: 8, perChannel: true });
 */
export async function quantizeWeights(model: tfl.LayersModel, options: PtqOptions): Promise<QuantizedModel> {
  const { calibration, ...rest } = options;
  const wrapped = await quantizeAware(model, { ...rest, activations: calibration !== undefined });
  try {
    if (calibration) calibrateActivations(wrapped, calibration.split, calibration.samples);
    return await stripQuantization(wrapped);
  } finally {
    wrapped.dispose();
  }
}

/**
 * Set the activation range of every output-quantizing wrapper of `model` (from quantizeAware with
 * activations on) to the min/max of its float output over the first `samples` images of `split`.
 *
 * @example
 * const wrapped = await quantizeAware(model, { bits: 8, activations: true });
 * calibrateActivations(wrapped, loadMnist().train, 512);
 * evaluateAccuracy(wrapped, loadMnist().test); // accuracy with 8-bit weights and activations
 */
export function calibrateActivations(model: tfl.LayersModel, split: Split, samples = DEFAULT_CALIBRATION_SAMPLES, batchSize = 128): void {
  usageCheck(Number.isInteger(samples) && samples >= 1, () => `calibration samples must be a positive integer, got ${samples}`);
  const wrappers = quantizeWrappers(model).filter((w) => w.quantizesOutput);
  if (wrappers.length === 0) return;
  // Unquantized outputs while observing (a wrapper without a range passes its output through).
  for (const w of wrappers) w.setActivationRange(0, 0);
  const probe = tfl.model({ inputs: model.inputs, outputs: wrappers.map((w) => w.output as tfl.SymbolicTensor) });
  const data = head(split, samples);
  const low = new Float64Array(wrappers.length).fill(Infinity);
  const high = new Float64Array(wrappers.length).fill(-Infinity);
  const inputShape = inputShapeFor(data, model.inputs[0]!.shape);
  const size = imageSize(data);
  for (let start = 0; start < data.count; start += batchSize) {
    const n = Math.min(batchSize, data.count - start);
    const ranges = tf.tidy(() => {
      const xs = tf.tensor(data.images.subarray(start * size, (start + n) * size), [n, ...inputShape]);
      const outputs = probe.predict(xs) as tf.Tensor | tf.Tensor[];
      const list = Array.isArray(outputs) ? outputs : [outputs];
      return tf.stack(list.map((o) => tf.stack([tf.min(o), tf.max(o)])));
    });
    const values = ranges.dataSync();
    ranges.dispose();
    wrappers.forEach((_, i) => {
      low[i] = Math.min(low[i]!, values[2 * i]!);
      high[i] = Math.max(high[i]!, values[2 * i + 1]!);
    });
  }
  // The probe shares the model's layers: it is not disposed (that would dispose their weights).
  wrappers.forEach((w, i) => w.setActivationRange(Math.min(low[i]!, 0), Math.max(high[i]!, 0)));
}
