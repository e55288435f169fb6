/**
 * Mask selection: pure math on Float32Array, no TF.js. A mask is a Uint8Array of 0/1 with one entry
 * per weight (1 = keep).
 *
 * Kernel layouts (TF.js, channels last): Dense [in, out]; Conv2D [kh, kw, in, out];
 * DepthwiseConv2D [kh, kw, in, multiplier]. In every case the input-channel axis is rank − 2 and
 * the output-channel axis is the last one.
 *
 * Selection keeps exactly the requested number of weights: ties at the threshold are broken by
 * position (earlier kept first), so the resulting sparsity does not depend on how many weights
 * happen to share a value (pruned weights are all exactly 0, so ties are common).
 */
import { UsageError, usageCheck } from '../errors.js';

export type BlockPooling = 'mean' | 'max' | 'l2';
export type FilterNorm = 'l1' | 'l2';

function checkSparsity(sparsity: number): void {
  usageCheck(Number.isFinite(sparsity) && sparsity >= 0 && sparsity < 1, () => `sparsity must be in [0, 1), got ${sparsity}`);
}

function product(dims: readonly number[]): number {
  return dims.reduce((p, d) => p * d, 1);
}

function checkShape(values: Float32Array, shape: readonly number[]): void {
  if (product(shape) !== values.length) {
    throw new UsageError(`shape [${shape.join(', ')}] holds ${product(shape)} values, got ${values.length}`);
  }
}

/** How many of `size` items to keep at `sparsity`: round(size·(1 − s)), at least 1 (tfmot). */
export function keepCount(size: number, sparsity: number): number {
  checkSparsity(sparsity);
  if (size === 0) return 0;
  return Math.max(1, Math.round(size * (1 - sparsity)));
}

/** Keep exactly the `keep` highest scores (ties: lower index first). */
export function topKMask(scores: Float32Array, keep: number): Uint8Array {
  const n = scores.length;
  const mask = new Uint8Array(n);
  if (keep >= n) return mask.fill(1);
  if (keep <= 0) return mask;
  const sorted = Float32Array.from(scores).sort();
  const threshold = sorted[n - keep]!; // smallest kept score
  let above = 0;
  for (let i = 0; i < n; i++) if (scores[i]! > threshold) above++;
  let ties = keep - above; // how many of the scores equal to the threshold survive
  for (let i = 0; i < n; i++) {
    const s = scores[i]!;
    if (s > threshold) mask[i] = 1;
    else if (s === threshold && ties > 0) {
      mask[i] = 1;
      ties--;
    }
  }
  return mask;
}

function absolute(values: Float32Array): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.abs(values[i]!);
  return out;
}

/** Per-tensor magnitude pruning: zero the `sparsity` fraction of weights with the smallest |w|. */
export function magnitudeMask(values: Float32Array, sparsity: number): Uint8Array {
  return topKMask(absolute(values), keepCount(values.length, sparsity));
}

/**
 * One magnitude threshold across several tensors: the `sparsity` fraction of all their weights
 * with the smallest |w| is pruned, so layers with small weights lose more of them.
 */
export function globalMagnitudeMasks(tensors: readonly Float32Array[], sparsity: number): Uint8Array[] {
  const total = tensors.reduce((s, t) => s + t.length, 0);
  const all = new Float32Array(total);
  let offset = 0;
  for (const t of tensors) {
    for (let i = 0; i < t.length; i++) all[offset + i] = Math.abs(t[i]!);
    offset += t.length;
  }
  const mask = topKMask(all, keepCount(total, sparsity));
  offset = 0;
  return tensors.map((t) => {
    const part = mask.slice(offset, offset + t.length);
    offset += t.length;
    return part;
  });
}

/** The largest |w| a mask prunes (0 when it prunes nothing): the effective threshold. */
export function maskThreshold(values: Float32Array, mask: Uint8Array): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) if (!mask[i]) max = Math.max(max, Math.abs(values[i]!));
  return max;
}

/**
 * Block sparsity: the kernel is viewed as a matrix [rows = product of all but the last axis,
 * cols = last axis] and tiled into `blockRows`×`blockCols` blocks (edge blocks may be partial);
 * blocks are ranked by the pooled |w| of their weights and the weakest `sparsity` fraction of
 * blocks is zeroed as a whole. Pooling: mean |w| (tfmot AVG), max |w| (tfmot MAX), or l2 (root
 * mean square, so partial edge blocks are not penalized for being small).
 */
export function blockMask(
  values: Float32Array,
  shape: readonly number[],
  blockRows: number,
  blockCols: number,
  sparsity: number,
  pooling: BlockPooling = 'mean',
): Uint8Array {
  checkShape(values, shape);
  usageCheck(Number.isInteger(blockRows) && blockRows >= 1 && Number.isInteger(blockCols) && blockCols >= 1,
    () => `block size must be positive integers, got ${blockRows}x${blockCols}`);
  const cols = shape[shape.length - 1] ?? 1;
  const rows = values.length / Math.max(cols, 1);
  const gridRows = Math.ceil(rows / blockRows);
  const gridCols = Math.ceil(cols / blockCols);
  const pooled = new Float32Array(gridRows * gridCols);
  const counts = new Uint32Array(gridRows * gridCols);
  for (let r = 0; r < rows; r++) {
    const br = Math.floor(r / blockRows);
    for (let c = 0; c < cols; c++) {
      const b = br * gridCols + Math.floor(c / blockCols);
      const a = Math.abs(values[r * cols + c]!);
      if (pooling === 'max') pooled[b] = Math.max(pooled[b]!, a);
      else pooled[b] += pooling === 'l2' ? a * a : a;
      counts[b]++;
    }
  }
  if (pooling !== 'max') {
    for (let b = 0; b < pooled.length; b++) {
      const mean = pooled[b]! / counts[b]!;
      pooled[b] = pooling === 'l2' ? Math.sqrt(mean) : mean;
    }
  }
  const keepBlocks = topKMask(pooled, keepCount(pooled.length, sparsity));
  const mask = new Uint8Array(values.length);
  for (let r = 0; r < rows; r++) {
    const br = Math.floor(r / blockRows);
    for (let c = 0; c < cols; c++) mask[r * cols + c] = keepBlocks[br * gridCols + Math.floor(c / blockCols)]!;
  }
  return mask;
}

/** Whether N:M grouping works for a kernel: M divides its input-channel axis. */
export function nmFits(shape: readonly number[], m: number): boolean {
  const axis = shape.length - 2;
  return axis >= 0 && shape[axis]! % m === 0;
}

/**
 * N:M sparsity: in every group of M consecutive weights along the input-channel axis (rank − 2),
 * for each position of the other axes, keep the N largest |w| (2:4 → at most 2 nonzeros per 4).
 * M must divide the axis length.
 */
export function nmMask(values: Float32Array, shape: readonly number[], n: number, m: number): Uint8Array {
  checkShape(values, shape);
  checkNM(n, m);
  usageCheck(shape.length >= 2, () => `N:M sparsity needs a kernel with an input-channel axis, got shape [${shape.join(', ')}]`);
  const axis = shape.length - 2;
  const length = shape[axis]!;
  usageCheck(length % m === 0,
    () => `N:M sparsity needs M (${m}) to divide the input-channel axis (${length}) of shape [${shape.join(', ')}]`);
  const inner = shape[shape.length - 1]!;
  const outer = product(shape.slice(0, axis));
  const mask = new Uint8Array(values.length);
  const order = new Array<number>(m);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      for (let g = 0; g < length; g += m) {
        const base = (o * length + g) * inner + j;
        // Rank the group's M members by |w| (stable: earlier position wins a tie); keep the first N.
        for (let k = 0; k < m; k++) order[k] = k;
        order.sort((a, b) => Math.abs(values[base + b * inner]!) - Math.abs(values[base + a * inner]!) || a - b);
        for (let k = 0; k < n; k++) mask[base + order[k]! * inner] = 1;
      }
    }
  }
  return mask;
}

/** Validate an N:M pattern: 1 ≤ N < M. */
export function checkNM(n: number, m: number): void {
  usageCheck(Number.isInteger(m) && m >= 2, () => `N:M sparsity needs an integer M ≥ 2, got ${m}`);
  usageCheck(Number.isInteger(n) && n >= 1 && n < m, () => `N:M sparsity needs an integer N in [1, M), got ${n}:${m}`);
}

/** Norm of each output channel (last axis) over all other axes. */
export function filterNorms(values: Float32Array, shape: readonly number[], norm: FilterNorm = 'l1'): Float32Array {
  checkShape(values, shape);
  const channels = shape[shape.length - 1] ?? 1;
  const sums = new Float64Array(channels);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    sums[i % channels] += norm === 'l1' ? Math.abs(v) : v * v;
  }
  return Float32Array.from(sums, (s) => (norm === 'l2' ? Math.sqrt(s) : s));
}

/** Which output channels survive structured pruning at `sparsity` (fraction of channels removed). */
export function filterKeep(values: Float32Array, shape: readonly number[], sparsity: number, norm: FilterNorm = 'l1'): Uint8Array {
  const norms = filterNorms(values, shape, norm);
  return topKMask(norms, keepCount(norms.length, sparsity));
}

/** Expand a per-output-channel keep vector into an element mask for a kernel of `shape`. */
export function channelMask(keep: Uint8Array, shape: readonly number[]): Uint8Array {
  const channels = shape[shape.length - 1] ?? 1;
  usageCheck(keep.length === channels, () => `channel mask has ${keep.length} entries for ${channels} channels`);
  const mask = new Uint8Array(product(shape));
  for (let i = 0; i < mask.length; i++) mask[i] = keep[i % channels]!;
  return mask;
}

/** Indices of the channels whose weights (last axis of `shape`) are all exactly zero. */
export function zeroChannels(values: Float32Array, shape: readonly number[]): number[] {
  checkShape(values, shape);
  const channels = shape[shape.length - 1] ?? 1;
  const alive = new Uint8Array(channels);
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) alive[i % channels] = 1;
  const dead: number[] = [];
  for (let c = 0; c < channels; c++) if (!alive[c]) dead.push(c);
  return dead;
}
