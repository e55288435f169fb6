/**
 * Pure math for the width multiplier: how many units a layer keeps, which ones (largest L1 norm, as
 * Li et al. 2017 "Pruning Filters for Efficient ConvNets"), and slicing row-major weight arrays to
 * the kept indices along one axis.
 */

/** Units kept by a width multiplier α: round(α·n), at least 1. */
export function scaledCount(units: number, alpha: number): number {
  return Math.max(1, Math.round(alpha * units));
}

/** L1 norm of each output unit of a kernel whose LAST axis is the output axis. */
export function outputL1Norms(values: ArrayLike<number>, outputs: number): Float64Array {
  const norms = new Float64Array(outputs);
  for (let i = 0; i < values.length; i++) norms[i % outputs] += Math.abs(values[i]!);
  return norms;
}

/** Indices of the `k` largest norms, in ascending index order (ties: lower index wins). */
export function strongest(norms: ArrayLike<number>, k: number): Int32Array {
  const order = Array.from({ length: norms.length }, (_, i) => i);
  order.sort((a, b) => norms[b]! - norms[a]! || a - b);
  return Int32Array.from(order.slice(0, k).sort((a, b) => a - b));
}

/** Copy of a row-major array of `shape` keeping only `indices` along `axis`. */
export function gatherAxis(values: ArrayLike<number>, shape: readonly number[], axis: number, indices: ArrayLike<number>): Float32Array {
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const size = shape[axis]!;
  const out = new Float32Array(outer * indices.length * inner);
  let o = 0;
  for (let a = 0; a < outer; a++) {
    for (let j = 0; j < indices.length; j++) {
      const from = (a * size + indices[j]!) * inner;
      for (let i = 0; i < inner; i++) out[o++] = values[from + i]!;
    }
  }
  return out;
}

/**
 * After Flatten of a channels-last [positions, channels] map, the flat indices of the kept
 * channels at every position (flat index = position·channels + channel).
 */
export function flattenedIndices(positions: number, channels: number, kept: ArrayLike<number>): Int32Array {
  const out = new Int32Array(positions * kept.length);
  for (let p = 0; p < positions; p++) for (let j = 0; j < kept.length; j++) out[p * kept.length + j] = p * channels + kept[j]!;
  return out;
}

/** Output channels of a depthwise layer (channel c, multiplier m → c·m + j) for kept inputs. */
export function depthwiseOutputs(kept: ArrayLike<number>, multiplier: number): Int32Array {
  const out = new Int32Array(kept.length * multiplier);
  for (let i = 0; i < kept.length; i++) for (let j = 0; j < multiplier; j++) out[i * multiplier + j] = kept[i]! * multiplier + j;
  return out;
}
