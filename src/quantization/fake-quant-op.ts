/**
 * The fake-quantization op for TF.js: forward = quantize-dequantize on an affine grid, backward =
 * the clipped straight-through estimator (tfmot / TF FakeQuantWithMinMaxVarsGradient): the gradient
 * passes unchanged where the input lies inside the grid's [min, max] and is zero outside.
 *
 * The forward pass computes exactly the float32 steps of quantizeCode/dequantizeCode in
 * ./fake-quant.ts (divide, +0.5, floor, clamp, multiply), so its values match the pure reference
 * bit for bit. Per-channel grids run along the last axis.
 */
import * as tf from '@tensorflow/tfjs-core';
import { gridFromRange, gridLimits, type AffineGrid } from './fake-quant.js';
import { usageCheck } from '../errors.js';

/** Grid parameters as tensors of shape [C] (or [] for one grid), broadcast along the last axis. */
interface GridTensors {
  scale: tf.Tensor;
  /** Lowest and highest shifted code, q − zeroPoint. */
  low: tf.Tensor;
  high: tf.Tensor;
  /** The grid's real limits, for the straight-through mask. */
  min: tf.Tensor;
  max: tf.Tensor;
}

function gridTensors(grids: readonly AffineGrid[]): GridTensors {
  const make = (f: (g: AffineGrid) => number) =>
    grids.length === 1 ? tf.scalar(f(grids[0]!)) : tf.tensor1d(Float32Array.from(grids, f));
  return {
    scale: make((g) => g.scale),
    low: make((g) => g.qmin - g.zeroPoint),
    high: make((g) => g.qmax - g.zeroPoint),
    min: make((g) => gridLimits(g).min),
    max: make((g) => gridLimits(g).max),
  };
}

// Grid tensors are inputs (not closure captures) so the engine keeps them alive for the backward pass.
const fakeQuantGrad = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, scale, low, high, min, max] = args as tf.Tensor[];
  const save = args[6] as tf.GradSaveFunc;
  save([x!, min!, max!]);
  const shapes = [scale!, low!, high!, min!, max!].map((t) => t.shape);
  const rounded = tf.floor(tf.add(tf.div(x!, scale!), 0.5));
  const value = tf.mul(tf.minimum(tf.maximum(rounded, low!), high!), scale!);
  return {
    value,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, smin, smax] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      const inside = tf.cast(tf.logicalAnd(tf.greaterEqual(sx, smin), tf.lessEqual(sx, smax)), 'float32');
      // The grid is a constant: zero gradients (built from shapes; the grid tensors may be gone by now).
      const zeros = shapes.map((shape) => tf.zeros(shape));
      return [tf.mul(dy, inside), ...zeros];
    },
  };
});

/**
 * Quantize-dequantize `x` on `grids` (one grid, or one per slice of the last axis), with the
 * clipped straight-through gradient.
 *
 * @example
 * const grid = gridFromRange(-1, 1, { bits: 2, symmetric: true }); // levels −1, 0, 1
 * fakeQuantWithGrids(tf.tensor1d([-0.7, 0.2, 0.6, 3]), [grid]);     // → [-1, 0, 1, 1]
 */
export function fakeQuantWithGrids(x: tf.Tensor, grids: readonly AffineGrid[]): tf.Tensor {
  const channels = x.shape[x.rank - 1] ?? 1;
  if (grids.length !== 1 && grids.length !== channels) {
    throw new Error(`fakeQuant: ${grids.length} grids for a last axis of ${channels}`);
  }
  return tf.tidy(() => {
    const t = gridTensors(grids);
    return fakeQuantGrad(x, t.scale, t.low, t.high, t.min, t.max);
  });
}

export interface FakeQuantOptions {
  bits: number;
  /** Symmetric narrow-range grid (default false, like TF's FakeQuantWithMinMaxVars). */
  symmetric?: boolean;
}

/**
 * TF's FakeQuantWithMinMaxVars(PerChannel) for TF.js: nudge [min, max] so 0 is exactly
 * representable, quantize-dequantize, and pass gradients straight through inside the range.
 * `min`/`max` are numbers (per tensor) or arrays (one per slice of the last axis).
 *
 * @example
 * const x = tf.tensor1d([-0.2, 0.1, 0.26, 0.9]);
 * fakeQuant(x, 0, 0.75, { bits: 2 }).print(); // grid 0, .25, .5, .75 → [0, 0, 0.25, 0.75]
 */
export function fakeQuant(
  x: tf.Tensor,
  min: number | ArrayLike<number>,
  max: number | ArrayLike<number>,
  options: FakeQuantOptions,
): tf.Tensor {
  const mins = typeof min === 'number' ? [min] : Array.from(min);
  const maxs = typeof max === 'number' ? [max] : Array.from(max);
  usageCheck(mins.length === maxs.length, () => `fakeQuant: ${mins.length} minimums but ${maxs.length} maximums`);
  const grids = mins.map((lo, i) => {
    usageCheck(lo <= maxs[i]!, () => `fakeQuant: min ${lo} is greater than max ${maxs[i]}`);
    return gridFromRange(lo, maxs[i]!, { bits: options.bits, symmetric: options.symmetric ?? false });
  });
  return fakeQuantWithGrids(x, grids);
}
