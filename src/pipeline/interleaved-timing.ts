/**
 * Timing several engines side by side on a shared machine. Timing them one after another (all of A, then all of
 * B) lets a burst of load from elsewhere land on one engine only: on this 2-core VM the same ONNX Runtime model
 * measured 0.50 and 0.88 ms a minute apart, which flipped runtime-vs-ORT ratios between runs. Here the engines
 * take turns in short blocks over several rounds (the in a fresh seeded order each round), so a burst spreads over all of
 * them, and each median is taken over samples from every round. The order is a fresh (seeded) permutation
 * each round: rotating one fixed order would keep every runner behind the same neighbour, and a neighbour's
 * lingering threads (ONNX Runtime's pool spins after a run) or cache footprint would always land on it.
 */
import { UsageError } from '../errors.js';
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
  /** Seeds the order of each round (default 1): pass something that differs between the timings of one run. */
  seed?: number;
  /** Called as each block starts (runner index, round): the schedule, for logs and tests. */
  onBlock?: (runner: number, round: number) => void;
  /**
   * Per runner, milliseconds to sit idle after its warm-up and each of its blocks: an engine whose idle threads keep
   * spinning (onnxruntime-node's intra-op pool on 2 threads spins ~30–40 ms after its last run here) would otherwise
   * take a core from whatever runs next — the runtime's LeNet-5 batch 64 on 2 threads measured 3.2 ms right after ORT,
   * 1.56 ms 40 ms later and 1.51 ms with no ORT session in the process.
   */
  lingerMs?: readonly number[];
}

export interface Timing {
  medianMs: number;
  p90Ms: number;
  /** Timed calls behind the figures. */
  samples: number;
}

/**
 * A runner whose calls take less than this starts each block with untimed calls for at least SETTLE_MS (one call at
 * least): another engine's just-finished threads (ours spin 0.2 ms, ORT's pool spins too) and its cache footprint
 * would otherwise land on the first timed calls.
 */
const SETTLE_BELOW_MS = 20;
const SETTLE_MS = 0.5;

const now = (): number => performance.now();
const idle = (ms: number): Promise<void> => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve());

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
  const { warmup, warmupMs, rounds, maxRuns, budgetMs, seed = 1, lingerMs = [] } = options;
  const count = (name: string, v: number, min: number, max: number) => {
    if (!Number.isInteger(v) || v < min || v > max) throw new UsageError(`\`${name}\` must be an integer in [${min}, ${max}], got ${v}`);
  };
  count('warmup', warmup, 0, 1e6);
  count('rounds', rounds, 1, 1000);
  count('maxRuns', maxRuns, 1, 1e7);
  count('seed', seed, 0, 2 ** 31);
  if (!(warmupMs >= 0 && warmupMs <= 60_000)) throw new UsageError(`\`warmupMs\` must be in [0, 60000], got ${warmupMs}`);
  if (!(budgetMs > 0 && budgetMs <= 3_600_000)) throw new UsageError(`\`budgetMs\` must be in (0, 3600000], got ${budgetMs}`);
  if (!lingerMs.every((ms) => ms >= 0 && ms <= 10_000)) throw new UsageError(`\`lingerMs\` must hold values in [0, 10000], got ${lingerMs.join(', ')}`);
  const typical: number[] = [];
  for (const [r, run] of runners.entries()) {
    const until = now() + warmupMs;
    const warm: number[] = [];
    for (let i = 0; i < warmup || now() < until; i++) warm.push(await call(run));
    warm.sort((a, b) => a - b);
    typical.push(warm.length > 0 ? quantile(warm, 0.5) : 0);
    await idle(lingerMs[r] ?? 0);
  }
  const samples: number[][] = runners.map(() => []);
  const perBlockRuns = Math.max(1, Math.ceil(maxRuns / rounds));
  const perBlockMs = budgetMs / rounds;
  for (let round = 0; round < rounds; round++) {
    for (const i of permutation(runners.length, seed * 1009 + round + 1)) {
      const run = runners[i]!;
      const mine = samples[i]!;
      if (mine.length >= maxRuns) continue;
      options.onBlock?.(i, round);
      if (typical[i]! < SETTLE_BELOW_MS) {
        const settled = now() + SETTLE_MS;
        do await call(run);
        while (now() < settled);
      }
      const blockStart = now();
      for (let n = 0; n < perBlockRuns && mine.length < maxRuns; n++) {
        mine.push(await call(run));
        if (now() - blockStart >= perBlockMs) break;
      }
      await idle(lingerMs[i] ?? 0);
    }
  }
  return samples.map((values) => {
    const sorted = [...values].sort((a, b) => a - b);
    return { medianMs: quantile(sorted, 0.5), p90Ms: quantile(sorted, 0.9), samples: sorted.length };
  });
}
