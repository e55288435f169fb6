/** Pruning's defaults and option values, without loading TF.js (the CLI shows them in --help). */
import { usageCheck } from '../errors.js';
import { TRAIN_DEFAULTS } from '../training/defaults.js';

export type ScheduleKind = 'polynomial' | 'constant';
export const SCHEDULE_KINDS: readonly ScheduleKind[] = ['polynomial', 'constant'];

export const PRUNE_DEFAULTS = {
  epochs: 10,
  learningRate: 1e-3,
  batchSize: TRAIN_DEFAULTS.batchSize,
  schedule: 'polynomial' as ScheduleKind,
  /** Sparsity reaches its target after this fraction of the steps; the rest is recovery. */
  rampFraction: 0.7,
  /** Mask recomputations per epoch. */
  updatesPerEpoch: 4,
  /** Random ±1 px shifts while fine-tuning, as `smallnets train` uses for the baselines. */
  maxShift: 1,
};

export const DEFAULT_SENSITIVITIES: readonly number[] = [0.5, 0.7, 0.8, 0.9, 0.95];

/** Validate a list of sparsities: each in [0, 1), no duplicates. */
export function checkSparsities(sparsities: readonly number[]): void {
  usageCheck(sparsities.length > 0, () => 'sparsities must not be empty');
  const seen = new Set<number>();
  for (const s of sparsities) {
    usageCheck(Number.isFinite(s) && s >= 0 && s < 1, () => `sparsity must be in [0, 1), got ${s}`);
    usageCheck(!seen.has(s), () => `sparsity ${s} is listed twice`);
    seen.add(s);
  }
}
