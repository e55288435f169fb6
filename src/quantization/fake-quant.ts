/**
 * Uniform quantization grids, pure math on typed arrays (no TF.js).
 *
 * A grid for b bits (2 ≤ b ≤ 8) is the set of values fround((q − zeroPoint) · scale) for integer
 * codes q ∈ [qmin, qmax] — the same affine form the .snn format stores (src/format/values.ts), so a
 * quantized weight re-encodes bit for bit. The zero point is an integer, so 0 is always exactly on
 * the grid (q = zeroPoint): pruned zeros and zero padding survive quantization.
 *
 *   asymmetric: q ∈ [0, 2^b − 1]; the range [min, max] is nudged as TF's FakeQuantWithMinMaxVars does
 *               (scale = (max − min)/(qmax − qmin), zero point = round(qmin − min/scale) clamped).
 *   symmetric:  q ∈ [1, 2^b − 1] (TF's narrow range), zero point 2^(b−1): levels −(2^(b−1)−1)…+(2^(b−1)−1)
 *               times the scale. At 2 bits that is ternary {−s, 0, +s}.
 *
 * Every arithmetic step is rounded to float32 (Math.fround) in the order the TF.js op computes it,
 * so this reference and the op in ./fake-quant-op.ts produce identical bits.
 */
import { usageCheck } from '../errors.js';

export const MIN_BITS = 2;
export const MAX_BITS = 8;

/** One affine grid: value(q) = fround((q − zeroPoint) · scale), q ∈ [qmin, qmax]. */
export interface AffineGrid {
  bits: number;
  /** Positive float32 step between adjacent levels. */
  scale: number;
  /** Integer code of the value 0. */
  zeroPoint: number;
  qmin: number;
  qmax: number;
}

export interface GridOptions {
  bits: number;
  /** Symmetric narrow-range grid around 0 (default for weights) or asymmetric min/max grid. */
  symmetric: boolean;
}

/** Throw a one-line UsageError unless `bits` is an integer in [2, 8]. */
export function validateBits(bits: number, what = 'bits'): void {
  usageCheck(
    Number.isInteger(bits) && bits >= MIN_BITS && bits <= MAX_BITS,
    () => `${what} must be an integer in [${MIN_BITS}, ${MAX_BITS}], got ${bits}`,
  );
}

/** The code range of a grid: [1, 2^b − 1] symmetric (narrow), [0, 2^b − 1] asymmetric. */
export function codeRange(bits: number, symmetric: boolean): { qmin: number; qmax: number } {
  return { qmin: symmetric ? 1 : 0, qmax: 2 ** bits - 1 };
}

/**
 * The grid for the real range [min, max]: the range is first widened to contain 0 (and made
 * symmetric, ±max(|min|, |max|), for symmetric grids), then nudged so 0 falls exactly on a level.
 * A range of width 0 (an all-zero channel) gets scale 1: every value maps to 0.
 *
 * @example
 * gridFromRange(-1, 1, { bits: 2, symmetric: true });  // { scale: 1, zeroPoint: 2, qmin: 1, qmax: 3 }: −1, 0, 1
 * gridFromRange(0, 0.75, { bits: 2, symmetric: false }); // { scale: 0.25, zeroPoint: 0 }: 0, .25, .5, .75
 */
export function gridFromRange(min: number, max: number, options: GridOptions): AffineGrid {
  validateBits(options.bits);
  const { qmin, qmax } = codeRange(options.bits, options.symmetric);
  let lo = Math.min(min, 0);
  let hi = Math.max(max, 0);
  if (options.symmetric) {
    const m = Math.max(-lo, hi);
    lo = -m;
    hi = m;
  }
  lo = Math.fround(lo);
  hi = Math.fround(hi);
  const scale = Math.fround((hi - lo) / (qmax - qmin));
  if (!(scale > 0) || !Number.isFinite(scale)) {
    // Zero width (or a subnormal width that underflows): only 0 is representable anyway.
    return { bits: options.bits, scale: 1, zeroPoint: options.symmetric ? 2 ** (options.bits - 1) : 0, qmin, qmax };
  }
  if (options.symmetric) {
    // Exactly the middle code; computing it from lo/scale could land one off through rounding.
    return { bits: options.bits, scale, zeroPoint: 2 ** (options.bits - 1), qmin, qmax };
  }
  const fromMin = qmin - lo / scale;
  const zeroPoint = fromMin <= qmin ? qmin : fromMin >= qmax ? qmax : Math.floor(fromMin + 0.5);
  return { bits: options.bits, scale, zeroPoint, qmin, qmax };
}

/** The smallest and largest values of a grid (TF's nudged min and max). */
export function gridLimits(grid: AffineGrid): { min: number; max: number } {
  return {
    min: Math.fround((grid.qmin - grid.zeroPoint) * grid.scale),
    max: Math.fround((grid.qmax - grid.zeroPoint) * grid.scale),
  };
}

/**
 * The code of x on the grid: round half up of x/scale, shifted by the zero point and clamped.
 * (float32 steps: d = fround(x / scale), r = floor(fround(d + 0.5)), then clamp.)
 */
export function quantizeCode(x: number, grid: AffineGrid): number {
  const d = Math.fround(Math.fround(x) / grid.scale);
  const r = Math.floor(Math.fround(d + 0.5));
  const low = grid.qmin - grid.zeroPoint;
  const high = grid.qmax - grid.zeroPoint;
  // NaN compares false both ways: it lands on the zero code rather than poisoning the model.
  const shifted = r < low ? low : r > high ? high : r === r ? r : 0;
  return shifted + grid.zeroPoint;
}

/** The grid value of a code. */
export function dequantizeCode(q: number, grid: AffineGrid): number {
  return Math.fround((q - grid.zeroPoint) * grid.scale);
}

/** Quantize-dequantize one value. */
export function fakeQuantValue(x: number, grid: AffineGrid): number {
  return dequantizeCode(quantizeCode(x, grid), grid);
}

/**
 * Quantize-dequantize `values` with one grid per channel; element i belongs to channel
 * i mod grids.length (the last axis of a row-major tensor).
 *
 * @example
 * fakeQuantArray(Float32Array.of(-0.7, 0.2, 0.6), [gridFromRange(-1, 1, { bits: 2, symmetric: true })]); // [-1, 0, 1]
 */
export function fakeQuantArray(values: Float32Array, grids: readonly AffineGrid[], out = new Float32Array(values.length)): Float32Array {
  const channels = grids.length;
  for (let i = 0; i < values.length; i++) out[i] = fakeQuantValue(values[i]!, grids[i % channels]!);
  return out;
}

/** The integer codes of `values` (each in its channel's [qmin, qmax]), for an encoder. */
export function quantizeCodes(values: Float32Array, grids: readonly AffineGrid[]): Uint8Array {
  const channels = grids.length;
  const codes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) codes[i] = quantizeCode(values[i]!, grids[i % channels]!);
  return codes;
}

/** Min and max of each channel (element i in channel i mod channels), ignoring non-finite values. */
export function channelMinMax(values: Float32Array, channels: number): { min: Float64Array; max: Float64Array } {
  const min = new Float64Array(channels);
  const max = new Float64Array(channels);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    const c = i % channels;
    if (v < min[c]!) min[c] = v;
    if (v > max[c]!) max[c] = v;
  }
  return { min, max };
}
