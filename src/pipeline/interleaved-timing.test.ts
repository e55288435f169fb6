import { describe, expect, it } from 'vitest';
import { timeInterleaved } from './interleaved-timing.js';

const busyWait = (ms: number): void => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe('timeInterleaved', () => {
  it('runners take turns in blocks, the order rotating each round, after each is warmed up', async () => {
    const log: string[] = [];
    const runners = ['a', 'b', 'c'].map((name) => () => void log.push(name));
    const timings = await timeInterleaved(runners, { warmup: 1, warmupMs: 0, rounds: 3, maxRuns: 3, budgetMs: 1000 });
    // Warm-up a, b, c; then per round one settle call and one timed call per runner (fast calls are settled).
    expect(log.join('')).toBe(['abc', 'aabbcc', 'bbccaa', 'ccaabb'].join(''));
    expect(timings.map((t) => t.samples)).toEqual([3, 3, 3]);
  });

  it('an asynchronous runner is timed until its promise settles', async () => {
    const sleep = () => new Promise<void>((resolve) => setTimeout(resolve, 5));
    const [t] = await timeInterleaved([sleep], { warmup: 1, warmupMs: 0, rounds: 2, maxRuns: 4, budgetMs: 1000 });
    expect(t!.samples).toBe(4);
    expect(t!.medianMs).toBeGreaterThanOrEqual(4.5);
    expect(t!.p90Ms).toBeGreaterThanOrEqual(t!.medianMs);
  });

  it('each median is its own runner\'s: a 1 ms and a 3 ms call', async () => {
    const [fast, slow] = await timeInterleaved([() => busyWait(1), () => busyWait(3)], { warmup: 1, warmupMs: 0, rounds: 4, maxRuns: 8, budgetMs: 40 });
    expect(fast!.medianMs).toBeGreaterThanOrEqual(1);
    expect(slow!.medianMs).toBeGreaterThanOrEqual(3);
    expect(fast!.medianMs).toBeLessThan(slow!.medianMs);
  });

  it('a call longer than its block still runs once per round, and no runner passes maxRuns', async () => {
    const counts = [0, 0];
    const timings = await timeInterleaved([() => void (counts[0]! += 1), () => busyWait(4)], { warmup: 0, warmupMs: 0, rounds: 5, maxRuns: 50, budgetMs: 5 });
    expect(timings[1]!.samples).toBe(5); // one 4 ms call per 1 ms block
    expect(timings[0]!.samples).toBeLessThanOrEqual(50);
    expect(timings[0]!.samples).toBeGreaterThanOrEqual(5);
  });
});
