import { describe, expect, it } from 'vitest';
import { allocate, allocationOf, autoStrategy, configOf, firstTolerance, moves, TOLERANCES } from './auto.js';
import type { SensitivityProfile } from './layer-profile.js';
import { trialKey } from './trial-key.js';
import type { TrialRecord } from './trial-record.js';
import type { TrialConfig } from './trial-config.js';

/** Two layers: fc1 big and robust, fc2 small and sensitive (accuracy in [0, 1] by setting). */
const profile: SensitivityProfile = {
  baseline: 0.98,
  images: 1000,
  layers: [
    {
      name: 'fc1', className: 'Dense', weights: 100_000,
      prune: { '0.5': 0.98, '0.7': 0.979, '0.8': 0.978, '0.9': 0.975, '0.93': 0.97, '0.95': 0.96, '0.97': 0.94, '0.98': 0.9, '0.99': 0.8, '0.995': 0.6 },
      filters: { '0.1': 0.979, '0.2': 0.975, '0.3': 0.96, '0.5': 0.9, '0.7': 0.7 },
      clusters: { '64': 0.98, '32': 0.98, '16': 0.979, '8': 0.975, '4': 0.95, '2': 0.6 },
    },
    {
      name: 'fc2', className: 'Dense', weights: 1_000,
      prune: { '0.5': 0.975, '0.7': 0.96, '0.8': 0.94, '0.9': 0.9, '0.93': 0.85, '0.95': 0.8, '0.97': 0.7, '0.98': 0.6, '0.99': 0.4, '0.995': 0.2 },
      clusters: { '64': 0.98, '32': 0.979, '16': 0.978, '8': 0.97, '4': 0.9, '2': 0.5 },
    },
  ],
};
const epochs = { epochs: 2, fineTuneEpochs: 1 };

/** A stand-in for training: accuracy falls with how much is removed; bytes from kept weights. */
function fakeTrial(config: TrialConfig): TrialRecord {
  const a = allocationOf(config, profile);
  const kept = (n: string, w: number) => w * (1 - a[n]!.sparsity) * (1 - a[n]!.filters);
  const bytes = Math.round((kept('fc1', 100_000) * Math.log2(a['fc1']!.clusters) + kept('fc2', 1_000) * Math.log2(a['fc2']!.clusters)) / 8) + 500;
  const damage = a['fc1']!.sparsity ** 8 * 3 + a['fc2']!.sparsity ** 2 * 2 + a['fc1']!.filters * 2 + 4 / a['fc1']!.clusters + 1 / a['fc2']!.clusters;
  return {
    key: trialKey(config), config: { ...config }, status: 'done', seconds: 1, startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:01Z',
    metrics: { testAccuracy: 0.985 - damage / 100, params: 0, nonzeroParams: 0, macs: 0, snnBytes: bytes, ratio: 1, energyMicrojoules: 0, latencyMs: 0, latencyEngine: 'test' },
  };
}

describe('auto strategy', () => {
  it('when even the gentlest tolerance misses the budget, it steps back one layer at a time until a trial fits', async () => {
    // Floor 98.35%: the gentlest rung (τ = 0.1) lands at 98.19% in fakeTrial; two steps back fit.
    const tight = { profile, baselineAccuracy: 0.984, maxDrop: 0.05, trials: 30, ...epochs };
    const floor = 0.984 - 0.0005;
    const strategy = autoStrategy(tight);
    const finished = new Map<string, TrialRecord>();
    for (let round = 0; round < 30; round++) {
      const configs = await strategy.next(finished, 2);
      if (configs.length === 0) break;
      for (const c of configs) finished.set(trialKey(c), fakeTrial(c));
    }
    const ladder = new Set(TOLERANCES.map((t) => trialKey(configOf(allocate(profile, t), epochs))));
    const within = [...finished.values()].filter((r) => r.metrics!.testAccuracy >= floor - 1e-9);
    expect([...ladder].filter((k) => finished.has(k)).every((k) => finished.get(k)!.metrics!.testAccuracy < floor)).toBe(true);
    expect(within.length).toBeGreaterThan(0);
  });

  it('a larger tolerance never allocates less compression; clusters stay ≥ 4 on pruned layers', () => {
    let previous = allocate(profile, 0);
    for (const t of TOLERANCES) {
      const a = allocate(profile, t);
      for (const name of ['fc1', 'fc2']) {
        expect(a[name]!.sparsity).toBeGreaterThanOrEqual(previous[name]!.sparsity);
        expect(a[name]!.filters).toBeGreaterThanOrEqual(previous[name]!.filters);
        if (a[name]!.sparsity > 0) expect(a[name]!.clusters).toBeGreaterThanOrEqual(4);
      }
      expect(a['fc2']!.filters).toBe(0); // the output layer cannot lose units
      previous = a;
    }
    expect(allocate(profile, 4)).toEqual({ fc1: { sparsity: 0.95, filters: 0.2, clusters: 8 }, fc2: { sparsity: 0.7, filters: 0, clusters: 16 } });
  });

  it('configs and allocations convert both ways; moves go one step on one layer, biggest saving first', () => {
    const a = allocate(profile, 4);
    expect(allocationOf(configOf(a, epochs), profile)).toEqual(a);
    const next = moves(profile, a);
    expect(next.length).toBeGreaterThan(0);
    for (const m of next) expect(['fc1', 'fc2'].filter((n) => JSON.stringify(m[n]) !== JSON.stringify(a[n]))).toHaveLength(1);
    expect(next[0]!['fc1']).not.toEqual(a['fc1']); // fc1 holds almost all the bytes
  });

  it('brackets, then refines to a smaller model within the budget; proposals never repeat; replays identically', async () => {
    const budget = { profile, baselineAccuracy: 0.98, maxDrop: 1, trials: 14, ...epochs };
    const strategy = autoStrategy(budget);
    const finished = new Map<string, TrialRecord>();
    const proposed: string[] = [];
    for (;;) {
      const configs = await strategy.next(finished, 2);
      if (configs.length === 0) break;
      expect(configs.length).toBeLessThanOrEqual(2);
      for (const c of configs) {
        const r = fakeTrial(c);
        expect(finished.has(r.key)).toBe(false);
        proposed.push(r.key);
        finished.set(r.key, r);
      }
      // Replaying the same store gives the same decision.
      expect((await autoStrategy(budget).next(finished, 2)).map(trialKey)).toEqual((await strategy.next(finished, 2)).map(trialKey));
    }
    expect(finished.size).toBeLessThanOrEqual(14);
    const within = [...finished.values()].filter((r) => r.metrics!.testAccuracy >= 0.97 - 1e-9);
    expect(within.length).toBeGreaterThan(0);
    const ladder = new Set(TOLERANCES.map((t) => trialKey(configOf(allocate(profile, t), epochs))));
    const refined = proposed.filter((k) => !ladder.has(k));
    expect(refined.length).toBeGreaterThan(0);
    const best = (keys: string[]) => Math.min(...keys.map((k) => finished.get(k)!).filter((r) => r.metrics!.testAccuracy >= 0.97 - 1e-9).map((r) => r.metrics!.snnBytes));
    expect(best(refined)).toBeLessThan(best(proposed.filter((k) => ladder.has(k))));
    expect(strategy.summary?.()).toMatch(/^auto: /);
  });

  it('the bracket starts at the budget (and the next rung up) and climbs rung by rung while trials pass; distill carries into every config', async () => {
    expect(TOLERANCES[firstTolerance(0.2)]).toBe(0.1);
    expect(TOLERANCES[firstTolerance(1)]).toBe(1);
    expect(TOLERANCES[firstTolerance(0.01)]).toBe(TOLERANCES[0]);
    const first = await autoStrategy({ profile, baselineAccuracy: 0.98, maxDrop: 0.2, trials: 10, ...epochs, distill: true }).next(new Map(), 2);
    expect(first.map(trialKey)).toEqual([0.1, 0.25].map((t) => trialKey(configOf(allocate(profile, t), { ...epochs, distill: true }))));
    expect(first.every((c) => c.distill)).toBe(true);
    // Both within budget: climb the next two rungs, not the middle of the ladder.
    const passed = new Map(first.map((c) => {
      const r = fakeTrial(c);
      return [r.key, { ...r, metrics: { ...r.metrics!, testAccuracy: 0.99 } }] as const;
    }));
    const second = await autoStrategy({ profile, baselineAccuracy: 0.98, maxDrop: 0.2, trials: 10, ...epochs, distill: true }).next(passed, 2);
    expect(second.map(trialKey)).toEqual([0.5, 1].map((t) => trialKey(configOf(allocate(profile, t), { ...epochs, distill: true }))));
  });
});
