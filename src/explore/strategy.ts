/**
 * Strategies propose trials; the exploration loop runs the ones the store does not hold yet and
 * asks again, until a strategy proposes nothing new. Because a strategy only sees the store,
 * a resumed run replays the same decisions from the stored results and continues where it stopped.
 */
import type { TrialRecord } from './trial-record.js';
import type { TrialConfig } from './trial-config.js';
import { gridConfigs, randomConfigs, type SearchSpace } from './space.js';

export type StrategyName = 'grid' | 'random' | 'auto';
export const STRATEGIES: readonly StrategyName[] = ['grid', 'random', 'auto'];

export interface Strategy {
  /**
   * The next trials to run, given every finished trial by key (configs already finished are skipped
   * by the caller). An empty list ends the exploration. `parallelism` is how many can run at once.
   */
  next(finished: ReadonlyMap<string, TrialRecord>, parallelism: number): Promise<TrialConfig[]>;
  /** A note for the end of the run (e.g. why auto stopped). */
  summary?(): string | undefined;
}

/** Every grid point (the first `limit` if given), proposed at once. */
export function gridStrategy(space: SearchSpace, limit?: number): Strategy {
  const all = gridConfigs(space);
  const configs = limit === undefined ? all : all.slice(0, limit);
  return { next: async () => configs };
}

/** `count` seeded random draws (see randomConfigs), proposed at once. */
export function randomStrategy(space: SearchSpace, count: number, seed: number): Strategy {
  const configs = randomConfigs(space, count, seed);
  return { next: async () => configs };
}
