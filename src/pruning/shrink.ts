/**
 * The arithmetic of structured removal, pure on Float32Array: slicing channels out of a tensor, and
 * moving the constant output of a removed channel into the next layer's bias.
 */

/** Keep only `keep` (ascending indices) along `axis` of a row-major tensor. */
export function sliceAxis(values: Float32Array, shape: readonly number[], axis: number, keep: readonly number[]): { values: Float32Array; shape: number[] } {
  const outer = shape.slice(0, axis).reduce((p, d) => p * d, 1);
  const length = shape[axis]!;
  const inner = shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const out = new Float32Array(outer * keep.length * inner);
  let o = 0;
  for (let i = 0; i < outer; i++) {
    for (const k of keep) {
      const from = (i * length + k) * inner;
      out.set(values.subarray(from, from + inner), o);
      o += inner;
    }
  }
  const newShape = [...shape];
  newShape[axis] = keep.length;
  return { values: out, shape: newShape };
}

/**
 * Rows of the next layer's kernel fed by input channel `c`: for a kernel [..., in, out] the input
 * axis is rank − 2; after a Flatten of `positions` positions × `channels` channels, input feature
 * p·channels + c comes from channel c.
 */
export function inputRowsOf(c: number, channels: number, positions: number | undefined): number[] {
  if (positions === undefined) return [c];
  return Array.from({ length: positions }, (_, p) => p * channels + c);
}

/**
 * A removed channel that carries a constant value v into the next layer adds v·(sum of its kernel
 * weights over each output) to that output: fold Σ v_c·W[..., row(c), o] into bias[o].
 * `kernel` is [..., in, out]; `constants` maps input feature rows (after `inputRowsOf`) to v.
 */
export function foldConstantsIntoBias(
  kernel: Float32Array,
  shape: readonly number[],
  bias: Float32Array,
  rows: ReadonlyMap<number, number>,
): Float32Array {
  const outDim = shape[shape.length - 1]!;
  const inDim = shape[shape.length - 2]!;
  const spatial = kernel.length / (inDim * outDim); // kh·kw for convolutions, 1 for Dense
  const folded = Float64Array.from(bias);
  for (const [row, v] of rows) {
    if (v === 0) continue;
    for (let s = 0; s < spatial; s++) {
      const base = (s * inDim + row) * outDim;
      for (let o = 0; o < outDim; o++) folded[o] += v * kernel[base + o]!;
    }
  }
  return Float32Array.from(folded);
}
