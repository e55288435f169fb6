/**
 * The quantization config: validated when constructed (one-line UsageErrors naming the bad value),
 * serializable (getConfig/fromConfig, registered with tf.serialization) so a wrapped model's
 * model.json carries it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { usageCheck } from '../errors.js';
import { registerSerializable, toSerialized, type SerializedConfig } from '../graph/serializable.js';
import { validateBits } from './fake-quant.js';
import { RANGE_METHODS, type RangeMethod } from './ranges.js';

export interface QuantizeOptions {
  /** Weight bits, an integer in [2, 8]. */
  bits: number;
  /** One grid per output channel (last kernel axis) instead of one per tensor. Default false. */
  perChannel?: boolean;
  /** Symmetric narrow-range weight grids (zero point in the middle). Default true, as tfmot. */
  symmetric?: boolean;
  /** How weight ranges are chosen each step: 'mse' (default) or 'minmax'. */
  range?: RangeMethod;
  /** Fake-quantize kernels (default true; false simulates activation quantization alone). */
  weights?: boolean;
  /** Also fake-quantize layer outputs with moving-average ranges. Default false. */
  activations?: boolean;
  /** Bits for activations, in [2, 8]. Default 8. */
  activationBits?: number;
  /** Decay of the activation range moving averages, in [0, 1). Default 0.99. */
  emaDecay?: number;
  /** Quantize only these layers (default: every Dense/Conv2D/DepthwiseConv2D). */
  layers?: string[];
  /** Keep zero (pruned) kernel weights at zero while fine-tuning (their gradient is masked). Default false. */
  preserveSparsity?: boolean;
}

export const QUANTIZE_DEFAULTS = {
  perChannel: false,
  symmetric: true,
  range: 'mse' as RangeMethod,
  activationBits: 8,
  emaDecay: 0.99,
};

/**
 * Fine-tuning that brings LeNet-5 / LeNet-300-100 within the targets (docs/quantization.md):
 * coarser grids move the weights further from the float optimum and need more, faster training.
 */
export function qatTrainingDefaults(bits: number): { epochs: number; learningRate: number } {
  if (bits >= 5) return { epochs: 1, learningRate: 1e-4 };
  if (bits >= 3) return { epochs: 2, learningRate: 3e-4 };
  return { epochs: 3, learningRate: 1e-3 };
}

export class QuantizationConfig extends tf.serialization.Serializable {
  static className = 'SmallnetsQuantizationConfig';
  readonly bits: number;
  readonly perChannel: boolean;
  readonly symmetric: boolean;
  readonly range: RangeMethod;
  readonly weights: boolean;
  /** null when activations are not quantized. */
  readonly activationBits: number | null;
  readonly emaDecay: number;
  readonly layers: string[] | null;
  readonly preserveSparsity: boolean;

  constructor(options: QuantizeOptions) {
    super();
    validateBits(options.bits, 'bits');
    this.bits = options.bits;
    this.perChannel = options.perChannel ?? QUANTIZE_DEFAULTS.perChannel;
    this.symmetric = options.symmetric ?? QUANTIZE_DEFAULTS.symmetric;
    this.range = options.range ?? QUANTIZE_DEFAULTS.range;
    usageCheck(RANGE_METHODS.includes(this.range), () => `range must be one of ${RANGE_METHODS.join(', ')}, got ${JSON.stringify(this.range)}`);
    this.weights = options.weights ?? true;
    const activationBits = options.activationBits ?? QUANTIZE_DEFAULTS.activationBits;
    validateBits(activationBits, 'activationBits');
    this.activationBits = options.activations ? activationBits : null;
    this.emaDecay = options.emaDecay ?? QUANTIZE_DEFAULTS.emaDecay;
    usageCheck(this.emaDecay >= 0 && this.emaDecay < 1, () => `emaDecay must be in [0, 1), got ${this.emaDecay}`);
    usageCheck(this.weights || this.activationBits !== null, () => 'quantize at least weights or activations');
    this.layers = options.layers ? [...options.layers] : null;
    this.preserveSparsity = options.preserveSparsity ?? false;
  }

  get options(): QuantizeOptions {
    return {
      bits: this.bits,
      perChannel: this.perChannel,
      symmetric: this.symmetric,
      range: this.range,
      weights: this.weights,
      activations: this.activationBits !== null,
      activationBits: this.activationBits ?? QUANTIZE_DEFAULTS.activationBits,
      emaDecay: this.emaDecay,
      ...(this.layers ? { layers: this.layers } : {}),
      preserveSparsity: this.preserveSparsity,
    };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      bits: this.bits,
      perChannel: this.perChannel,
      symmetric: this.symmetric,
      range: this.range,
      weights: this.weights,
      activationBits: this.activationBits,
      emaDecay: this.emaDecay,
      layers: this.layers,
      preserveSparsity: this.preserveSparsity,
    };
  }

  /** `{ className: 'SmallnetsQuantizationConfig', config }`; `fromJson` reads it back. */
  toJSON(): SerializedConfig {
    return toSerialized(this);
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const activationBits = config['activationBits'] as number | null;
    const options: QuantizeOptions = {
      bits: config['bits'] as number,
      perChannel: config['perChannel'] as boolean,
      symmetric: config['symmetric'] as boolean,
      range: config['range'] as RangeMethod,
      weights: config['weights'] as boolean,
      activations: activationBits !== null,
      emaDecay: config['emaDecay'] as number,
      ...(activationBits !== null ? { activationBits } : {}),
      ...(config['layers'] ? { layers: config['layers'] as string[] } : {}),
      preserveSparsity: (config['preserveSparsity'] as boolean | undefined) ?? false,
    };
    return new cls(options);
  }
}
registerSerializable(QuantizationConfig);

/** Accept plain options or a config object. */
export function toQuantizationConfig(config: QuantizeOptions | QuantizationConfig): QuantizationConfig {
  return config instanceof QuantizationConfig ? config : new QuantizationConfig(config);
}
