/**
 * Activation memory for one thread: every value slot gets a byte range, and values whose lifetimes
 * overlap never share bytes (greedy by size, as TFLite's arena planner: largest first, each at the
 * lowest offset free of every overlapping value already placed). Scratch follows the values.
 */
import { RuntimeError } from '../errors.js';
import type { Plan } from './plan.js';

export interface ArenaLayout {
  /** Batch the layout holds. */
  batch: number;
  /** Byte offset of each value slot from the arena start. */
  offsets: Int32Array;
  im2col: number;
  transposed: number;
  panel: number;
  bytes: number;
}

/** Largest arena (bytes) one thread may use: wasm32 memories end at 4 GiB, weights need room too. */
export const MAX_ARENA_BYTES = 2 ** 31;

const align64 = (n: number): number => Math.ceil(n / 64) * 64;

/**
 * Lay out the value slots of `plan` for `batch` samples.
 * @example const layout = layoutArena(plan, 64);
 */
export function layoutArena(plan: Plan, batch: number): ArenaLayout {
  const sizes = plan.valueSizes.map((s) => align64(4 * s * batch));
  const order = sizes.map((_, i) => i).sort((a, b) => sizes[b]! - sizes[a]! || a - b);
  const placed: number[] = [];
  const offsets = new Int32Array(sizes.length);
  let end = 0;
  for (const v of order) {
    const [start, stop] = plan.lifetimes[v]!;
    const conflicts = placed
      .filter((u) => plan.lifetimes[u]![0] <= stop && start <= plan.lifetimes[u]![1])
      .map((u) => [offsets[u]!, offsets[u]! + sizes[u]!] as const)
      .sort((p, q) => p[0] - q[0]);
    let offset = 0;
    for (const [lo, hi] of conflicts) {
      if (offset + sizes[v]! <= lo) break;
      offset = Math.max(offset, hi);
    }
    offsets[v] = offset;
    placed.push(v);
    end = Math.max(end, offset + sizes[v]!);
  }
  const im2col = end;
  const transposed = im2col + align64(4 * plan.scratchFloats.im2col);
  const panel = transposed + align64(4 * plan.scratchFloats.transposed);
  const bytes = panel + align64(4 * plan.scratchFloats.panel);
  if (bytes > MAX_ARENA_BYTES) {
    throw new RuntimeError(`batch ${batch} needs ${bytes} bytes of activations, more than the runtime's limit of ${MAX_ARENA_BYTES}; use a smaller batch`);
  }
  return { batch, offsets, im2col, transposed, panel, bytes };
}
