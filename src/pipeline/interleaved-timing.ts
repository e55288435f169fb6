/**
 * Timing several engines side by side on a shared machine. Timing them one after another (all of A, then all of
 * B) lets a burst of load from elsewhere land on one engine only: on this 2-core VM the same ONNX Runtime model
 * measured 0.50 and 0.88 ms a minute apart, which flipped runtime-vs-ORT ratios between runs. Here the engines
 * take turns in short blocks over several rounds (the in a fresh seeded order each round), so a burst spreads over all of
 * them, and each median is taken over samples from every round. The order is a fresh (seeded) permutation
 * each round: rotating one fixed order would keep every runner behind the same neighbour, and a neighbour's
 * lingering threads (ONNX Runtime's pool spins after a run) or cache footprint would always land on it.
 */
import { permutation } from '../random.js';

/** One call of the thing timed; awaited when it returns a promise (onnxruntime-node sessions). */
export type TimedCall = () => void | Promise<void>;

export interface InterleaveOptions {
  /** Calls before timing (each runner), and at least `warmupMs` of them: V8 must reach steady state. */
  warmup: number;
  warmupMs: number;
  /** Rounds of blocks; each runner gets one block per round. */
  rounds: number;
  /** Timed calls per runner, at most (cut short by the budget; at least one per round). */
  maxRuns: number;
  /** Timed milliseconds per runner, spread evenly over the rounds (a call longer than its block still runs once per round). */
  budgetMs: number;
}

export interface Timing {
  medianMs: number;
  p90Ms: number;
  /** Timed calls behind the figures. */
  samples: number;
}

/**
 * Below this a call gets one untimed call at the start of each block: another engine's just-finished threads
 * (ours spin 0.2 ms, ORT's pool spins too) and its cache footprint would land on the first timed call.
 */
const SETTLE_BELOW_MS = 20;

const now = (): number => performance.now();

async function call(run: TimedCall): Promise<number> {
  const t = now();
  const pending = run();
  if (pending !== undefined) await pending;
  return now() - t;
}

/** The q-quantile (nearest rank, as the earlier benchmarks reported) of sorted values. */
function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/**
 * Median and p90 of each runner's calls, timed in interleaved rounds.
 * @example
 * const [a, b] = await timeInterleaved([() => netA.predict(x, 1), () => session.run(feeds).then(() => {})],
 *   { warmup: 5, warmupMs: 100, rounds: 10, maxRuns: 200, budgetMs: 1500 });
 */
export async function timeInterleaved(runners: readonly TimedCall[], options: InterleaveOptions): Promise<Timing[]> {
  const { warmup, warmupMs, maxRuns, budgetMs } = options;
  const rounds = Math.max(1, Math.floor(options.rounds));
  const typical: number[] = [];
  for (const run of runners) {
    const until = now() + warmupMs;
    const warm: number[] = [];
    for (let i = 0; i < warmup || now() < until; i++) warm.push(await call(run));
    warm.sort((a, b) => a - b);
    typical.push(quantile(warm, 0.5));
  }
  const samples: number[][] = runners.map(() => []);
  const perBlockRuns = Math.max(1, Math.ceil(maxRuns / rounds));
  const perBlockMs = budgetMs / rounds;
  for (let round = 0; round < rounds; round++) {
    for (const i of permutation(runners.length, round + 1)) {
      const run = runners[i]!;
      const mine = samples[i]!;
      if (mine.length >= maxRuns) continue;
      if (typical[i]! < SETTLE_BELOW_MS) await call(run);
      const blockStart = now();
      for (let n = 0; n < perBlockRuns && mine.length < maxRuns; n++) {
        mine.push(await call(run));
        if (now() - blockStart >= perBlockMs) break;
      }
    }
  }
  return samples.map((values) => {
    const sorted = [...values].sort((a, b) => a - b);
    return { medianMs: quantile(sorted, 0.5), p90Ms: quantile(sorted, 0.9), samples: sorted.length };
  });
}
