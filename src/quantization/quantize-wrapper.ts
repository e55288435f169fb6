/**
 * The layer quantizeAware puts around each allowlisted layer: its kernel is fake-quantized in the
 * forward pass (clipped straight-through gradient in the backward pass), and optionally its output
 * is fake-quantized on a moving-average range.
 *
 * Weight ranges are recomputed from the current kernel whenever it changes (every optimizer step),
 * like tfmot's LastValueQuantizer, with the range method of the config (MSE-optimal clip by default).
 * Activation ranges are exponential moving averages of each training batch's min/max (the first batch
 * sets them), kept as two non-trainable weights so they save with the model, and frozen outside
 * training.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { KernelWrapper, innerLayerFromConfig, kernelWrapperRule, type KernelWrapperArgs } from '../graph/kernel-wrapper.js';
import { camelKeys, isPlainObject } from '../models/layer-config.js';
import { registerLayerRule } from '../models/layer-rules.js';
import { QuantizationConfig } from './config.js';
import { registerSerializable } from '../graph/serializable.js';
import { gridFromRange, type AffineGrid } from './fake-quant.js';
import { fakeQuantWithGrids } from './fake-quant-op.js';
import { gridsWithRatios, searchClipRatios } from './ranges.js';
import { registerReplicaModule } from '../training/replica-registry.js';

/** Weight updates between two searches for the MSE clip ratios. */
const RATIO_REFRESH = 32;

export interface QuantizeWrapperArgs extends KernelWrapperArgs {
  quantization: QuantizationConfig;
}

/** Activations of these are left in float (a quantized softmax output would feed log(0) to the loss). */
const FLOAT_OUTPUT_ACTIVATIONS = ['softmax', 'sigmoid'];

export class QuantizeWrapper extends KernelWrapper {
  static className = 'SmallnetsQuantizeWrapper';
  readonly quantization: QuantizationConfig;
  private activationMin?: tfl.LayerVariable;
  private activationMax?: tfl.LayerVariable;
  private sparsityMask?: tfl.LayerVariable;
  private cached?: { dataId: object; grids: AffineGrid[]; exact: boolean };
  private ratios?: { values: Float64Array; age: number };

  constructor(args: QuantizeWrapperArgs) {
    super(args);
    this.quantization = args.quantization;
  }

  /** Whether this layer's output is fake-quantized (activations on, and not a softmax/sigmoid output). */
  get quantizesOutput(): boolean {
    if (this.quantization.activationBits === null) return false;
    const activation = (this.layer.getConfig()['activation'] as string | undefined) ?? 'linear';
    return !FLOAT_OUTPUT_ACTIVATIONS.includes(activation);
  }

  protected override buildOwn(): void {
    if (this.quantization.preserveSparsity && !this.sparsityMask) {
      this.sparsityMask = this.addWeight('sparsity_mask', this.kernelShape, 'float32', tfl.initializers.ones(), undefined, false);
    }
    if (!this.quantizesOutput || this.activationMin) return;
    this.activationMin = this.addWeight('activation_min', [], 'float32', tfl.initializers.zeros(), undefined, false);
    this.activationMax = this.addWeight('activation_max', [], 'float32', tfl.initializers.zeros(), undefined, false);
  }

  /**
   * The weight grids for the kernel's current values (one, or one per output channel), cached until
   * the kernel changes. Outside training the MSE clip ratios are searched on exactly these values (so
   * evaluating the wrapped model and stripping it agree); during training the search reruns every
   * RATIO_REFRESH steps and the grids follow each channel's min/max with the last ratios in between.
   */
  weightGrids(kernel: tf.Tensor = this.kernel.read(), training = false): AffineGrid[] {
    const dataId = kernel.dataId as object;
    if (this.cached?.dataId === dataId && (training || this.cached.exact)) return this.cached.grids;
    const q = this.quantization;
    const values = this.kernelValues(kernel);
    const options = { bits: q.bits, symmetric: q.symmetric, range: q.range, channels: q.perChannel ? kernel.shape[kernel.rank - 1]! : 1 };
    const search = !training || !this.ratios || this.ratios.age >= RATIO_REFRESH;
    if (search) this.ratios = { values: searchClipRatios(values, options), age: 0 };
    this.ratios!.age++;
    const grids = gridsWithRatios(values, options, this.ratios!.values);
    this.cached = { dataId, grids, exact: search };
    return grids;
  }

  /** The kernel's float values, with pruned positions zeroed when sparsity is preserved. */
  kernelValues(kernel: tf.Tensor = this.kernel.read()): Float32Array {
    const values = kernel.dataSync() as Float32Array;
    if (!this.sparsityMask) return values;
    const mask = this.sparsityMask.read().dataSync();
    return values.map((v, i) => (mask[i] === 0 ? 0 : v));
  }

  /** With preserveSparsity: fix the mask to the kernel's current non-zeros (quantizeAware calls this). */
  freezeSparsity(): void {
    if (!this.sparsityMask) return;
    tf.tidy(() => {
      this.sparsityMask!.write(tf.cast(tf.notEqual(this.kernel.read(), 0), 'float32'));
    });
    this.cached = undefined;
  }

  /** The frozen activation range [min, max], or null before any training batch was seen. */
  activationRange(): { min: number; max: number } | null {
    if (!this.activationMin || !this.activationMax) return null;
    const min = this.activationMin.read().dataSync()[0]!;
    const max = this.activationMax.read().dataSync()[0]!;
    return min === 0 && max === 0 ? null : { min, max };
  }

  /** Set the activation range (calibration); no-op when this layer's output is not quantized. */
  setActivationRange(min: number, max: number): void {
    if (!this.activationMin || !this.activationMax) return;
    tf.tidy(() => {
      this.activationMin!.write(tf.scalar(min));
      this.activationMax!.write(tf.scalar(max));
    });
  }

  /** The activation grid for the current range (asymmetric, as tfmot's activation quantizer). */
  activationGrid(): AffineGrid | null {
    const range = this.activationRange();
    if (!range || this.quantization.activationBits === null) return null;
    return gridFromRange(range.min, range.max, { bits: this.quantization.activationBits, symmetric: false });
  }

  protected override effectiveKernel(kernel: tf.Tensor, training: boolean): tf.Tensor {
    // Masked (pruned) weights get zero gradient, so they stay exactly 0 — and fakeQuant(0) = 0.
    const masked = this.sparsityMask ? tf.mul(kernel, this.sparsityMask.read()) : kernel;
    if (!this.quantization.weights) return masked;
    return fakeQuantWithGrids(masked, this.weightGrids(kernel, training));
  }

  protected override transformOutput(output: tf.Tensor, training: boolean): tf.Tensor {
    if (!this.quantizesOutput) return output;
    if (training) this.trackRange(output);
    const grid = this.activationGrid();
    return grid ? fakeQuantWithGrids(output, [grid]) : output;
  }

  private trackRange(output: tf.Tensor): void {
    const [low, high] = tf.tidy(() => [tf.min(output), tf.max(output)]).map((t) => {
      const v = t.dataSync()[0]!;
      t.dispose();
      return v;
    }) as [number, number];
    const current = this.activationRange();
    const decay = this.quantization.emaDecay;
    const min = current ? decay * current.min + (1 - decay) * low : low;
    const max = current ? decay * current.max + (1 - decay) * high : high;
    this.setActivationRange(Math.min(min, 0), Math.max(max, 0));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), quantization: this.quantization.getConfig() };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const quantization = QuantizationConfig.fromConfig(QuantizationConfig, config['quantization'] as tf.serialization.ConfigDict);
    return new cls({ ...config, layer: innerLayerFromConfig(config), quantization });
  }
}
registerSerializable(QuantizeWrapper);
// Data-parallel workers import this module to rebuild models holding the wrapper.
registerReplicaModule(QuantizeWrapper.className, import.meta.url);
// Loading from a file: the weights buildOwn creates, read from the same config fields fromConfig reads.
registerLayerRule(
  QuantizeWrapper.className,
  kernelWrapperRule((c, kernelShape, inner) => {
    const q = isPlainObject(c.values['quantization']) ? camelKeys(c.values['quantization']) : c.fail('`quantization` is missing');
    const activation = inner.values['activation'] ?? 'linear';
    return [
      ...(q['preserveSparsity'] ? [{ name: 'sparsity_mask', shape: kernelShape }] : []),
      ...(q['activationBits'] !== null && !FLOAT_OUTPUT_ACTIVATIONS.includes(String(activation))
        ? [{ name: 'activation_min', shape: [] }, { name: 'activation_max', shape: [] }]
        : []),
    ];
  }),
);

