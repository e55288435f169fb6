/** What pruning zeroes together, as a value and as the spec text the CLI takes (no TF.js here). */
import { UsageError, usageCheck } from '../errors.js';
import { checkNM, type BlockPooling, type FilterNorm } from './masks.js';

/**
 * - unstructured: individual weights by |w|;
 * - block: `rows`×`cols` tiles of the kernel matrix (e.g. 1x4) ranked by pooled |w|;
 * - nm: N:M along the input-channel axis (2:4 keeps 2 of every 4);
 * - filters: whole output channels (conv filters, dense units) ranked by L1 or L2 norm.
 */
export type Granularity =
  | { kind: 'unstructured' }
  | { kind: 'block'; rows: number; cols: number; pooling: BlockPooling }
  | { kind: 'nm'; n: number; m: number }
  | { kind: 'filters'; norm: FilterNorm };

export const GRANULARITY_FORMS = 'unstructured | block:RxC[:mean|max|l2] | N:M | filters[:l1|l2]';

/**
 * Parse a granularity spec: `unstructured`, `block:1x4` (optionally `:mean`, `:max`, `:l2`),
 * `2:4`, `filters` (L1) or `filters:l2`.
 */
export function parseGranularity(spec: string): Granularity {
  const text = spec.trim().toLowerCase();
  const bad = (): UsageError => new UsageError(`unknown granularity ${JSON.stringify(spec)} (expected ${GRANULARITY_FORMS})`);
  if (text === 'unstructured') return { kind: 'unstructured' };
  const block = /^block:(\d+)x(\d+)(?::(mean|max|l2))?$/.exec(text);
  if (block) {
    const rows = Number(block[1]);
    const cols = Number(block[2]);
    usageCheck(rows >= 1 && cols >= 1 && rows * cols >= 2, () => `block size must be at least 2 weights, got ${rows}x${cols}`);
    return { kind: 'block', rows, cols, pooling: (block[3] ?? 'mean') as BlockPooling };
  }
  const nm = /^(\d+):(\d+)$/.exec(text);
  if (nm) {
    const n = Number(nm[1]);
    const m = Number(nm[2]);
    checkNM(n, m);
    return { kind: 'nm', n, m };
  }
  const filters = /^(?:filters|channels)(?::(l1|l2))?$/.exec(text);
  if (filters) return { kind: 'filters', norm: (filters[1] ?? 'l1') as FilterNorm };
  throw bad();
}

/** The canonical spec string of a granularity (parses back to the same value). */
export function formatGranularity(g: Granularity): string {
  switch (g.kind) {
    case 'unstructured':
      return 'unstructured';
    case 'block':
      return `block:${g.rows}x${g.cols}${g.pooling === 'mean' ? '' : `:${g.pooling}`}`;
    case 'nm':
      return `${g.n}:${g.m}`;
    case 'filters':
      return `filters${g.norm === 'l1' ? '' : `:${g.norm}`}`;
  }
}

