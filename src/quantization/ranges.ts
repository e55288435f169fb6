/**
 * Choosing the real range a weight grid covers, pure math.
 *
 *   'minmax': the full range of the values (tfmot's LastValueQuantizer) — nothing is clipped, but at
 *             low bit widths a few large weights stretch the grid and most weights round to 0.
 *   'mse':    the range α·[min, max] whose grid minimizes the squared quantization error, searched
 *             over α ∈ (0, 1] (coarse grid, then a finer one around the best). This is what makes
 *             2–4-bit grids usable (at 2 bits symmetric the best clip is far below max|w|).
 *
 * The search evaluates a bounded number of values per channel (an even stride through the channel),
 * so it costs ~10 ms for a 400k-weight kernel; quantization-aware training reruns it every few dozen
 * steps and in between keeps each channel's ratio α while following the weights' min/max.
 */
import { channelMinMax, gridFromRange, type AffineGrid, type GridOptions } from './fake-quant.js';

export type RangeMethod = 'minmax' | 'mse';
export const RANGE_METHODS: readonly RangeMethod[] = ['minmax', 'mse'];

export interface WeightGridOptions extends GridOptions {
  /** 1 for per-tensor; the size of the last axis for per-channel grids. */
  channels: number;
  range: RangeMethod;
}

/** Values examined per channel by the MSE search, at most (a total budget split over channels). */
const SAMPLE_BUDGET = 1 << 15;
const MIN_SAMPLES_PER_CHANNEL = 128;
const COARSE_STEPS = 20;
const FINE_STEPS = 10;

/**
 * One grid per channel for `values` (element i in channel i mod channels).
 *
 * @example
 * const [grid] = weightGrids(kernel, { bits: 4, symmetric: true, channels: 1, range: 'mse' });
 */
export function weightGrids(values: Float32Array, options: WeightGridOptions): AffineGrid[] {
  const ratios = options.range === 'mse' ? searchClipRatios(values, options) : undefined;
  return gridsWithRatios(values, options, ratios);
}

/**
 * The grids over ratio·[min, max] of each channel (ratio 1 = min/max). Cheap (one pass), so a
 * training step can follow the weights with ratios found by an earlier, costlier search.
 */
export function gridsWithRatios(values: Float32Array, options: WeightGridOptions, ratios?: Float64Array): AffineGrid[] {
  const { min, max } = channelMinMax(values, options.channels);
  const grids: AffineGrid[] = [];
  for (let c = 0; c < options.channels; c++) {
    const r = ratios ? ratios[c]! : 1;
    grids.push(gridFromRange(r * min[c]!, r * max[c]!, options));
  }
  return grids;
}

/** The MSE-optimal clip ratio α ∈ (0, 1] of each channel (1 for 'minmax'). */
export function searchClipRatios(values: Float32Array, options: WeightGridOptions): Float64Array {
  const { channels } = options;
  const ratios = new Float64Array(channels).fill(1);
  if (options.range === 'minmax') return ratios;
  const { min, max } = channelMinMax(values, channels);
  const perChannel = Math.floor(values.length / channels);
  const samples = Math.max(MIN_SAMPLES_PER_CHANNEL, Math.floor(SAMPLE_BUDGET / channels));
  const stride = Math.max(1, Math.ceil(perChannel / samples));
  const sample = new Float64Array(Math.ceil(perChannel / stride));
  for (let c = 0; c < channels; c++) {
    if (min[c] === max[c]) continue;
    let n = 0;
    for (let j = 0; j < perChannel; j += stride) sample[n++] = values[j * channels + c]!;
    ratios[c] = mseClipRatio(sample.subarray(0, n), min[c]!, max[c]!, options);
  }
  return ratios;
}

/** The ratio α whose grid over α·[lo, hi] has the least squared error on `sample`. */
export function mseClipRatio(sample: Float64Array, lo: number, hi: number, options: GridOptions): number {
  let best = { alpha: 1, error: squaredError(sample, gridFromRange(lo, hi, options)) };
  const consider = (alpha: number) => {
    if (!(alpha > 0 && alpha <= 1)) return;
    const error = squaredError(sample, gridFromRange(alpha * lo, alpha * hi, options));
    if (error < best.error) best = { alpha, error };
  };
  for (let j = 1; j < COARSE_STEPS; j++) consider(j / COARSE_STEPS);
  const center = best.alpha;
  const step = 1 / COARSE_STEPS;
  for (let j = -FINE_STEPS; j <= FINE_STEPS; j++) if (j !== 0) consider(center + (j * step) / FINE_STEPS);
  return best.alpha;
}

/** Σ (fakeQuant(v) − v)² in doubles (only used to rank candidate ranges). */
export function squaredError(sample: Float64Array, grid: AffineGrid): number {
  const low = grid.qmin - grid.zeroPoint;
  const high = grid.qmax - grid.zeroPoint;
  const inv = 1 / grid.scale;
  let sum = 0;
  for (let i = 0; i < sample.length; i++) {
    const v = sample[i]!;
    let r = Math.floor(v * inv + 0.5);
    r = r < low ? low : r > high ? high : r;
    const d = r * grid.scale - v;
    sum += d * d;
  }
  return sum;
}
