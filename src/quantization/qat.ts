/**
 * Quantization-aware training: `quantizeAware` wraps every allowlisted layer so its kernel (and
 * optionally its output) is fake-quantized in the forward pass while gradients flow straight through
 * to the float weights; `stripQuantization` bakes the quantized kernels into a plain stock-layer
 * model and returns the grids for the encoder.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { UsageError } from '../errors.js';
import { toQuantizationConfig, type QuantizationConfig, type QuantizeOptions } from './config.js';
import { fakeQuantArray, quantizeCodes } from './fake-quant.js';
import { selectKernelLayers } from '../graph/kernel-layers.js';
import { QuantizeWrapper } from './quantize-wrapper.js';
import { gridArrays, quantizationMetadata, type ActivationRange, type QuantizedModel, type QuantizedWeight } from './records.js';
import { addMetadata } from '../graph/metadata.js';
import { unwrapLayers, wrapLayers } from '../graph/wrap.js';

/** The wrappers of a quantization-aware model. */
export function quantizeWrappers(model: tfl.LayersModel): QuantizeWrapper[] {
  return model.layers.filter((l): l is QuantizeWrapper => l instanceof QuantizeWrapper);
}

/**
 * A trainable copy of `model` whose Dense/Conv2D/DepthwiseConv2D kernels are fake-quantized to
 * `config.bits` bits in the forward pass. Train it with `trainModel`, then `stripQuantization`.
 *
 * @example
 * const qat = await quantizeAware(model, { bits: 6 });
 * trainModel(qat, train, { epochs: 1, learningRate: 1e-4 });
 * const { model: quantized, report } = await stripQuantization(qat);
 */
export async function quantizeAware(model: tfl.LayersModel, config: QuantizeOptions | QuantizationConfig): Promise<tfl.LayersModel> {
  const quantization = toQuantizationConfig(config);
  if (quantizeWrappers(model).length > 0) throw new UsageError('the model is already quantization-aware (strip it first)');
  const selected = selectKernelLayers(model, 'quantization', quantization.layers ?? undefined);
  const names = new Set(selected.map((s) => s.layer.name));
  const wrapped = wrapLayers(model, (layer) => (names.has(layer.name) ? (args) => new QuantizeWrapper({ ...args, quantization }) : undefined));
  for (const wrapper of quantizeWrappers(wrapped)) wrapper.freezeSparsity();
  return wrapped;
}

/**
 * `{ model, report }`: a plain stock-layer model whose kernels hold the quantized values (exactly
 * what the wrapped model computed with), and the grid and codes of every quantized kernel and the
 * frozen activation ranges. The grids are also stored in the model's userDefinedMetadata.quantization.
 *
 * @example
 * const { model: plain, report } = await stripQuantization(qat);
 * report.weights.map((w) => [w.layer, w.bits]);
 */
export async function stripQuantization(model: tfl.LayersModel): Promise<QuantizedModel> {
  const wrappers = quantizeWrappers(model);
  if (wrappers.length === 0) throw new UsageError('the model has no quantization wrappers (was it made by quantizeAware?)');
  const weights: QuantizedWeight[] = [];
  const activations: ActivationRange[] = [];
  const baked = new Map<string, Float32Array>();
  for (const wrapper of wrappers) {
    const q = wrapper.quantization;
    if (q.weights) {
      const kernel = wrapper.kernel.read();
      const values = wrapper.kernelValues(kernel);
      const grids = wrapper.weightGrids(kernel);
      baked.set(wrapper.name, fakeQuantArray(values, grids));
      weights.push({
        layer: wrapper.name,
        weight: wrapper.kernel.originalName,
        shape: [...kernel.shape],
        bits: q.bits,
        symmetric: q.symmetric,
        perChannel: q.perChannel,
        ...gridArrays(grids),
        codes: quantizeCodes(values, grids),
      });
    }
    const grid = wrapper.activationGrid();
    const range = wrapper.activationRange();
    if (grid && range) {
      activations.push({ layer: wrapper.name, bits: grid.bits, min: range.min, max: range.max, scale: grid.scale, zeroPoint: grid.zeroPoint });
    }
  }
  const plain = unwrapLayers(model, (wrapper) => {
    const kernel = baked.get(wrapper.name);
    return kernel ? tf.tensor(kernel, wrapper.kernelShape) : undefined;
  });
  addMetadata(plain, { quantization: quantizationMetadata(weights, activations) });
  return { model: plain, report: { weights, activations } };
}
