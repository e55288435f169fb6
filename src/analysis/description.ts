/**
 * The framework-free description of a model that every analysis works on: per layer, its weight
 * tensors (with how many are nonzero) and its multiply-adds. `describeModel` (describe.ts) builds
 * one from a tf.LayersModel; a .snn reader can build one from its layer table.
 */

/** A tensor shape; `null` for the batch (or any unknown) dimension. */
export type Shape = (number | null)[];

/**
 * 'kernel': the multiplicative weights the MACs read (conv/dense kernels) — the ones pruning,
 * clustering and sparse storage act on. 'aux': everything else (biases, BN statistics, PReLU α).
 */
export type WeightRole = 'kernel' | 'aux';

export interface WeightDescription {
  /** Full weight name as saved, e.g. `conv_dw_1/depthwise_kernel`. */
  name: string;
  shape: number[];
  /** Number of values (product of `shape`). */
  size: number;
  role: WeightRole;
  /** Nonzero values, when measured; absent means "assume dense". */
  nonzero?: number;
}

export interface LayerDescription {
  name: string;
  /** The TF.js / Keras class name, e.g. `DepthwiseConv2D`. */
  className: string;
  /** One shape for single-output layers, a list otherwise. */
  outputShape: Shape | Shape[];
  /** All weight values, trainable or not (as Keras `count_params`). */
  params: number;
  /** Multiply-adds per inference (batch 1), counted as the papers do (see macs.ts). */
  macs: number;
  weights: WeightDescription[];
}

export interface ModelDescription {
  name: string;
  layers: LayerDescription[];
}
