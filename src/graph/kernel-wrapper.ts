/**
 * The wrapper both quantization-aware training and clustering use: it owns a stock layer (Dense,
 * Conv2D, DepthwiseConv2D), computes the kernel that layer should use — fake-quantized, or
 * gathered from centroids — and lets the stock layer do the matMul/convolution with it. The stock
 * layer reads its kernel through `this.kernel.read()` inside `call`, so for the duration of the call
 * the property is pointed at the effective kernel (Keras base_conv's `kernel` property idea).
 *
 * The inner layer is built inside the wrapper's name scope, so its weights keep their original
 * names ("conv1/kernel"): a wrapped model saves and loads like the original plus the wrapper's own
 * weights.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { KERNEL_LAYERS, kernelVariable, type KernelLayerEntry } from './kernel-layers.js';
import type { LayerConfig } from '../models/layer-config.js';
import { innerLayer, type LayerRule, type WeightShape } from '../models/layer-rules.js';

export interface KernelWrapperArgs {
  layer: tfl.layers.Layer;
  name?: string;
  batchInputShape?: tfl.Shape;
  dtype?: tf.DataType;
  trainable?: boolean;
}

type Kwargs = Record<string, unknown>;

/** Recreate a stock layer from its class name and (TS-form) config via the tfjs serialization map. */
export function deserializeLayer(serialized: { className: string; config: tf.serialization.ConfigDict }): tfl.layers.Layer {
  const registered = tf.serialization.SerializationMap.getMap().classNameMap[serialized.className];
  if (!registered) throw new Error(`unknown layer class ${serialized.className}`);
  const [cls, fromConfig] = registered;
  return fromConfig(cls, serialized.config) as unknown as tfl.layers.Layer;
}

export abstract class KernelWrapper extends tfl.layers.Layer {
  readonly layer: tfl.layers.Layer;
  readonly entry: KernelLayerEntry;

  constructor(args: KernelWrapperArgs) {
    super({
      name: args.name ?? args.layer.name,
      ...(args.batchInputShape ? { batchInputShape: args.batchInputShape } : {}),
      ...(args.dtype ? { dtype: args.dtype } : {}),
      trainable: args.trainable ?? true,
    });
    this.layer = args.layer;
    const entry = KERNEL_LAYERS[args.layer.getClassName()];
    if (!entry) throw new Error(`cannot wrap layer ${args.layer.name} of class ${args.layer.getClassName()}`);
    this.entry = entry;
  }

  /** The kernel the inner layer computes with in this call. */
  protected abstract effectiveKernel(kernel: tf.Tensor, training: boolean): tf.Tensor;

  /** Hook for the wrapper's own weights, created after the inner layer is built. */
  protected buildOwn(): void {}

  /** Hook applied to the inner layer's output (activation fake-quant); identity by default. */
  protected transformOutput(output: tf.Tensor, _training: boolean): tf.Tensor {
    return output;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    if (!this.layer.built) {
      this.layer.build(inputShape);
      this.layer.built = true;
    }
    this.buildOwn();
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return this.layer.computeOutputShape(inputShape);
  }

  override get trainableWeights(): tfl.LayerVariable[] {
    return this.layer ? [...this.layer.trainableWeights, ...super.trainableWeights] : super.trainableWeights;
  }

  override set trainableWeights(weights: tfl.LayerVariable[]) {
    super.trainableWeights = weights;
  }

  override get nonTrainableWeights(): tfl.LayerVariable[] {
    return this.layer ? [...this.layer.nonTrainableWeights, ...super.nonTrainableWeights] : super.nonTrainableWeights;
  }

  override set nonTrainableWeights(weights: tfl.LayerVariable[]) {
    super.nonTrainableWeights = weights;
  }

  /** The inner layer's kernel variable (the float weights it was created with). */
  get kernel(): tfl.LayerVariable {
    return kernelVariable(this.layer, this.entry);
  }

  /** The kernel's shape (always fully known once built). */
  get kernelShape(): number[] {
    return this.kernel.shape as number[];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const training = kwargs['training'] === true;
    return tf.tidy(() => {
      const kernel = this.effectiveKernel(this.kernel.read(), training);
      const holder = this.layer as unknown as Record<string, unknown>;
      const original = holder[this.entry.kernelProperty];
      holder[this.entry.kernelProperty] = { read: () => kernel };
      let output: tf.Tensor;
      try {
        output = this.layer.call(inputs, kwargs) as tf.Tensor;
      } finally {
        holder[this.entry.kernelProperty] = original;
      }
      return this.transformOutput(output, training);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      layer: { className: this.layer.getClassName(), config: this.layer.getConfig() },
    };
  }
}

/** Split a wrapper's config into the inner layer and the rest (for fromConfig). */
export function innerLayerFromConfig(config: tf.serialization.ConfigDict): tfl.layers.Layer {
  const serialized = config['layer'] as unknown as { className: string; config: tf.serialization.ConfigDict };
  return deserializeLayer(serialized);
}

/**
 * How a wrapped layer loads from a model file (models/layer-rules.ts), computed without building it:
 * the inner stock layer's output and weights (named with the wrapper's name, as `build` creates
 * them in its scope) plus the wrapper's own weights from `ownWeights`.
 */
export function kernelWrapperRule(ownWeights: (c: LayerConfig, kernelShape: number[], inner: LayerConfig) => WeightShape[]): LayerRule {
  const allowed = Object.keys(KERNEL_LAYERS);
  return {
    arity: 'one',
    nestedClasses: allowed,
    output: (c, inputs) => {
      const inner = innerLayer(c, allowed);
      return inner.rule.output(inner.config, inputs);
    },
    weights: (c, inputs) => {
      const inner = innerLayer(c, allowed);
      const weights = inner.rule.weights!(inner.config, inputs);
      const kernelName = KERNEL_LAYERS[inner.className]!.kernelProperty === 'kernel' ? 'kernel' : 'depthwise_kernel';
      const kernel = weights.find((w) => w.name === kernelName)!;
      return [...weights, ...ownWeights(c, kernel.shape, inner.config)];
    },
  };
}
