import { describe, expect, it } from 'vitest';
import { timeInterleaved } from './interleaved-timing.js';

const busyWait = (ms: number): void => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe('timeInterleaved', () => {
  it('runners take turns in blocks, in a fresh order each round, after each is warmed up', async () => {
    const log: string[] = [];
    const names = ['a', 'b', 'c', 'd'];
    const runners = names.map((name) => () => void log.push(name));
    const rounds = 8;
    const timings = await timeInterleaved(runners, { warmup: 1, warmupMs: 0, rounds, maxRuns: rounds, budgetMs: 1000 });
    expect(log.slice(0, 4).join('')).toBe('abcd');
    // Then per round one settle call and one timed call per runner (fast calls are settled): pairs.
    const blocks = log.slice(4);
    expect(blocks).toHaveLength(rounds * names.length * 2);
    const order: string[] = [];
    for (let i = 0; i < blocks.length; i += 2) {
      expect(blocks[i + 1]).toBe(blocks[i]);
      order.push(blocks[i]!);
    }
    const perRound = Array.from({ length: rounds }, (_, r) => order.slice(r * 4, r * 4 + 4).join(''));
    for (const round of perRound) expect([...round].sort().join('')).toBe('abcd');
    // No runner always follows the same one (a rotated fixed order would put 'a' behind 'd' every time).
    const before = new Set(perRound.map((round) => round[(round.indexOf('a') + 3) % 4]));
    expect(before.size).toBeGreaterThan(1);
    expect(timings.map((t) => t.samples)).toEqual([rounds, rounds, rounds, rounds]);
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
