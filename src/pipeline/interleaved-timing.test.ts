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
    const schedule: string[][] = Array.from({ length: rounds }, () => []);
    const timings = await timeInterleaved(runners, { warmup: 1, warmupMs: 0, rounds, maxRuns: rounds, budgetMs: 1000, onBlock: (i, r) => schedule[r]!.push(names[i]!) });
    expect(log.slice(0, 4).join('')).toBe('abcd');
    // Every round holds one block per runner; each block is untimed settle calls then one timed call.
    for (const round of schedule) expect([...round].sort().join('')).toBe('abcd');
    expect(log.length - 4).toBeGreaterThanOrEqual(2 * rounds * names.length);
    // No runner always sits behind the same one (a rotated fixed order would put 'a' behind 'd' every time).
    const before = new Set(schedule.map((round) => round[(round.indexOf('a') + 3) % 4]));
    expect(before.size).toBeGreaterThan(1);
    expect(timings.map((t) => t.samples)).toEqual([rounds, rounds, rounds, rounds]);
  });

  it('the seed changes the orders; the same seed repeats them', async () => {
    const orderOf = async (seed: number) => {
      const schedule: number[] = [];
      await timeInterleaved([0, 1, 2].map(() => () => {}), { warmup: 0, warmupMs: 0, rounds: 6, maxRuns: 6, budgetMs: 1000, seed, onBlock: (i) => schedule.push(i) });
      return schedule.join('');
    };
    expect(await orderOf(3)).toBe(await orderOf(3));
    expect(await orderOf(3)).not.toBe(await orderOf(4));
  });

  it('a runner with lingerMs is followed by that much idle time before the next block', async () => {
    const starts: Array<{ runner: number; at: number }> = [];
    const ends: number[] = [0, 0];
    const runners = [0, 1].map((i) => () => void (ends[i] = performance.now()));
    await timeInterleaved(runners, {
      warmup: 1, warmupMs: 0, rounds: 4, maxRuns: 4, budgetMs: 1000, lingerMs: [15, 0],
      onBlock: (runner) => starts.push({ runner, at: performance.now() }),
    });
    // Every block that follows one of runner 0's starts ≥ 15 ms after runner 0's last call.
    let followed = 0;
    for (let j = 1; j < starts.length; j++) {
      if (starts[j - 1]!.runner !== 0) continue;
      followed++;
      expect(starts[j]!.at - starts[j - 1]!.at).toBeGreaterThanOrEqual(14.5);
    }
    expect(followed).toBeGreaterThan(0);
  });

  it('bad options are usage errors naming the option, before anything runs', async () => {
    const options = { warmup: 1, warmupMs: 0, rounds: 2, maxRuns: 2, budgetMs: 10 };
    const runs: string[] = [];
    const runner = () => void runs.push('x');
    await expect(timeInterleaved([runner], { ...options, maxRuns: 0 })).rejects.toThrow(/`maxRuns` must be an integer/);
    await expect(timeInterleaved([runner], { ...options, rounds: Infinity })).rejects.toThrow(/`rounds`/);
    await expect(timeInterleaved([runner], { ...options, budgetMs: Number.NaN })).rejects.toThrow(/`budgetMs`/);
    expect(runs).toEqual([]);
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
    expect(timings[1]!.samples).toBe(5); // one timed 4 ms call per 1 ms block
    expect(timings[0]!.samples).toBeLessThanOrEqual(50);
    expect(timings[0]!.samples).toBeGreaterThanOrEqual(5);
  });
});
