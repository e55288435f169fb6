/**
 * `--strategy auto`: the smallest model (by .snn bytes) within the accuracy budget, guided by
 * per-layer sensitivity as NetAdapt and AMC do, combining units/filters removed, per-layer
 * unstructured sparsity, per-layer shared values (clusters) and Huffman coding.
 *
 * 1. Bracket. One tolerance τ (points of accuracy a layer may lose alone, before retraining) turns
 *    the sensitivity profile into a per-layer allocation: each layer takes the most aggressive
 *    setting whose one-shot loss stays under τ (filters under τ/2, clustering under τ/4 — they
 *    recover less in retraining). τ starts at the budget and climbs the ladder one rung at a time
 *    while trials stay within budget; once a rung fails, it is bisected between the two.
 * 2. Refine (NetAdapt). From the smallest trial within budget so far, each move pushes one layer
 *    one step further (sparsity, filters or clusters); the moves with the largest estimated saving
 *    run next (as many as run at once). The smallest result within budget becomes the new start.
 *    If no trial is within budget yet (even the gentlest tolerance lost too much), the moves go the
 *    other way first: one layer one step gentler, from the most accurate trial, cheapest first.
 *
 * The strategy only reads the store, so a resumed run replays the same decisions. It stops when
 * the trial budget is spent or no move from the best trial is left untried.
 */
import { CLUSTER_LADDER, FILTER_LADDER, SPARSITY_LADDER, type SensitivityProfile } from './layer-profile.js';
import { normalizeConfig, type TrialConfig } from './trial-config.js';
import { trialKey } from './trial-key.js';
import type { TrialRecord } from './trial-record.js';
import type { Strategy } from './strategy.js';

/** Tolerances tried in the bracket phase, in points of one-shot accuracy loss per layer. */
export const TOLERANCES: readonly number[] = [0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64];
/** Shared values a pruned layer keeps at least (zero plus three values). */
const MIN_CLUSTERS_PRUNED = 4;

export interface LayerSetting {
  sparsity: number;
  filters: number;
  clusters: number;
}

export type Allocation = Record<string, LayerSetting>;

export interface AutoOptions {
  profile: SensitivityProfile;
  /** Test accuracy of the base model, and the budget below it in points. */
  baselineAccuracy: number;
  maxDrop: number;
  /** Total trials in the store at which the search stops. */
  trials: number;
  epochs: number;
  fineTuneEpochs: number;
  /** Retrain every trial by distillation from the base model. */
  distill?: boolean;
}

const loss = (profile: SensitivityProfile, accuracy: number | undefined) => (accuracy === undefined ? Infinity : (profile.baseline - accuracy) * 100);

/** The per-layer allocation for tolerance τ. */
export function allocate(profile: SensitivityProfile, tolerance: number): Allocation {
  const allocation: Allocation = {};
  for (const layer of profile.layers) {
    const sparsity = [...SPARSITY_LADDER].reverse().find((s) => loss(profile, layer.prune[String(s)]) <= tolerance) ?? 0;
    const filters = layer.filters ? ([...FILTER_LADDER].reverse().find((f) => loss(profile, layer.filters![String(f)]) <= tolerance / 2) ?? 0) : 0;
    const fit = [...CLUSTER_LADDER].reverse().find((k) => loss(profile, layer.clusters[String(k)]) <= tolerance / 4) ?? CLUSTER_LADDER[0]!;
    const clusters = sparsity > 0 ? Math.max(fit, MIN_CLUSTERS_PRUNED) : fit;
    allocation[layer.name] = { sparsity, filters, clusters };
  }
  return allocation;
}

/** The trial config of an allocation (only layers with a setting appear in each map). */
export function configOf(allocation: Allocation, options: Pick<AutoOptions, 'epochs' | 'fineTuneEpochs' | 'distill'>): TrialConfig {
  const entries = Object.entries(allocation);
  const map = (pick: (s: LayerSetting) => number) => {
    const m = Object.fromEntries(entries.filter(([, s]) => pick(s) > 0).map(([n, s]) => [n, pick(s)]));
    return Object.keys(m).length > 0 ? m : 0;
  };
  return normalizeConfig({
    sparsity: map((s) => s.sparsity),
    filterPrune: map((s) => s.filters),
    clusters: entries.map(([n, s]) => `${n}:${s.clusters}`).join(','),
    epochs: options.epochs,
    fineTuneEpochs: options.fineTuneEpochs,
    huffman: true,
    distill: options.distill ?? false,
  });
}

/** The allocation a config encodes (inverse of configOf for the profiled layers). */
export function allocationOf(config: TrialConfig, profile: SensitivityProfile): Allocation {
  const pick = (f: TrialConfig['sparsity'], name: string) => (typeof f === 'number' ? f : (f[name] ?? 0));
  const clusters = new Map((config.clusters ?? '').split(',').filter(Boolean).map((p) => [p.split(':')[0]!, Number(p.split(':')[1])]));
  return Object.fromEntries(profile.layers.map((l) => [l.name, {
    sparsity: pick(config.sparsity, l.name), filters: pick(config.filterPrune, l.name), clusters: clusters.get(l.name) ?? CLUSTER_LADDER[0]!,
  }]));
}

/** Rough stored bits of a layer (nonzeros × (index bits + gap bits)), only to rank moves. */
function estimatedBits(weights: number, s: LayerSetting, inputKept: number): number {
  const nonzero = weights * inputKept * (1 - s.filters) * (1 - s.sparsity);
  const gap = s.sparsity > 0 ? Math.log2(1 / (1 - s.sparsity)) + 1.5 : 0;
  return nonzero * (Math.log2(s.clusters) + gap);
}

function totalBits(profile: SensitivityProfile, allocation: Allocation): number {
  let inputKept = 1;
  let bits = 0;
  for (const layer of profile.layers) {
    const s = allocation[layer.name]!;
    bits += estimatedBits(layer.weights, s, inputKept);
    inputKept = 1 - s.filters;
  }
  return bits;
}

const next = (ladder: readonly number[], value: number) => ladder.find((v) => v > value);

/** Allocations one step more aggressive than `from` on one layer, largest estimated saving first. */
export function moves(profile: SensitivityProfile, from: Allocation): Allocation[] {
  const base = totalBits(profile, from);
  const out: Array<{ allocation: Allocation; saving: number }> = [];
  for (const layer of profile.layers) {
    const s = from[layer.name]!;
    const candidates: LayerSetting[] = [];
    const sparsity = next(SPARSITY_LADDER, s.sparsity);
    if (sparsity !== undefined) candidates.push({ ...s, sparsity, clusters: Math.max(s.clusters, MIN_CLUSTERS_PRUNED) });
    const clusters = CLUSTER_LADDER.find((k) => k < s.clusters);
    if (clusters !== undefined && (s.sparsity === 0 || clusters >= MIN_CLUSTERS_PRUNED)) candidates.push({ ...s, clusters });
    const filters = layer.filters ? next(FILTER_LADDER, s.filters) : undefined;
    if (filters !== undefined) candidates.push({ ...s, filters });
    for (const c of candidates) {
      const allocation = { ...from, [layer.name]: c };
      out.push({ allocation, saving: base - totalBits(profile, allocation) });
    }
  }
  return out.sort((a, b) => b.saving - a.saving).map((m) => m.allocation);
}

const previous = (ladder: readonly number[], value: number) => [...ladder].reverse().find((v) => v < value);

/**
 * Allocations one step gentler than `from` on one layer (less sparsity, fewer filters removed, more
 * shared values), cheapest in estimated bytes first: the way back into the budget when even the
 * gentlest tolerance lost too much.
 */
export function relaxations(profile: SensitivityProfile, from: Allocation): Allocation[] {
  const base = totalBits(profile, from);
  const out: Array<{ allocation: Allocation; cost: number }> = [];
  for (const layer of profile.layers) {
    const s = from[layer.name]!;
    const candidates: LayerSetting[] = [];
    if (s.sparsity > 0) candidates.push({ ...s, sparsity: previous(SPARSITY_LADDER, s.sparsity) ?? 0 });
    if (s.filters > 0) candidates.push({ ...s, filters: previous(FILTER_LADDER, s.filters) ?? 0 });
    const clusters = [...CLUSTER_LADDER].reverse().find((k) => k > s.clusters);
    if (clusters !== undefined) candidates.push({ ...s, clusters });
    for (const c of candidates) {
      const allocation = { ...from, [layer.name]: c };
      out.push({ allocation, cost: totalBits(profile, allocation) - base });
    }
  }
  return out.sort((a, b) => a.cost - b.cost).map((m) => m.allocation);
}

/**
 * Where the bracket starts (an index into TOLERANCES): the largest tolerance at which no layer alone
 * loses more than the whole budget, the next one up beside it when two trials run at once. Starting
 * far above the budget (τ = 4 for 0.2 points) spent the first rounds on models that lost whole
 * points, the slowest trials of all to retrain; from here the bisection climbs while trials pass.
 */
export function firstTolerance(maxDrop: number): number {
  let index = 0;
  TOLERANCES.forEach((t, i) => {
    if (t <= maxDrop) index = i;
  });
  return index;
}

export function autoStrategy(options: AutoOptions): Strategy {
  const { profile } = options;
  const floor = options.baselineAccuracy - options.maxDrop / 100 - 1e-9;
  const ladder = TOLERANCES.map((t) => configOf(allocate(profile, t), options));
  let note: string | undefined;
  const within = (r: TrialRecord | undefined) => r?.status === 'done' && r.metrics !== undefined && r.metrics.testAccuracy >= floor;
  return {
    async next(finished, parallelism) {
      if (finished.size >= options.trials) {
        note = `auto: stopped after ${finished.size} trials (the --trials budget)`;
        return [];
      }
      const room = Math.min(Math.max(1, parallelism), options.trials - finished.size);
      // 1. Bracket τ: lo = largest accepted tolerance, hi = smallest rejected one above it.
      const results = ladder.map((c) => finished.get(trialKey(c)));
      let lo = -1;
      results.forEach((r, i) => {
        if (within(r)) lo = Math.max(lo, i);
      });
      let hi = ladder.length;
      results.forEach((r, i) => {
        if (r && !within(r) && i > lo) hi = Math.min(hi, i);
      });
      if (hi - lo > 1) {
        // Nothing tried: start at the budget. Nothing rejected above an accepted rung yet: climb to
        // the next rung (galloping) rather than jump to the middle of the ladder, whose far rungs lose
        // whole points. Otherwise bisect between the accepted and the rejected rung.
        const start = lo < 0 && hi === ladder.length ? firstTolerance(options.maxDrop) : hi === ladder.length ? lo + 1 : Math.floor((lo + hi) / 2);
        const picks = new Set<number>([start]);
        for (let step = 1; picks.size < room && step < ladder.length; step++) {
          for (const i of [start + step, start - step]) if (i > lo && i < hi && picks.size < room && !results[i]) picks.add(i);
        }
        const proposals = [...picks].filter((i) => !results[i]).map((i) => ladder[i]!);
        if (proposals.length > 0) return proposals;
      }
      // 2. Refine from the smallest trial within budget.
      const accepted = [...finished.values()].filter(within).sort((a, b) => a.metrics!.snnBytes - b.metrics!.snnBytes);
      const best = accepted[0];
      if (!best) return relax(finished, room);
      let from: TrialConfig;
      try {
        from = normalizeConfig(best.config);
      } catch {
        note = 'auto: the best trial is not one auto can refine';
        return [];
      }
      const untried = moves(profile, allocationOf(from, profile))
        .map((a) => configOf(a, options))
        .filter((c) => !finished.has(trialKey(c)));
      if (untried.length === 0) {
        note = `auto: no move from the best trial (${best.key}) is left untried`;
        return [];
      }
      return untried.slice(0, room);
    },
    summary: () => note,
  };

  /** Nothing within budget yet: step back, one layer at a time, from the most accurate trial. */
  function relax(finished: ReadonlyMap<string, TrialRecord>, room: number): TrialConfig[] {
    const closest = [...finished.values()]
      .filter((r) => r.status === 'done' && r.metrics !== undefined)
      .sort((a, b) => b.metrics!.testAccuracy - a.metrics!.testAccuracy || a.metrics!.snnBytes - b.metrics!.snnBytes)[0];
    let from: TrialConfig | undefined;
    try {
      from = closest ? normalizeConfig(closest.config) : undefined;
    } catch {
      from = undefined;
    }
    const untried = from
      ? relaxations(profile, allocationOf(from, profile)).map((a) => configOf(a, options)).filter((c) => !finished.has(trialKey(c)))
      : [];
    if (untried.length === 0) {
      note = `auto: no trial stayed within ${options.maxDrop} points, and no gentler step is left to try`;
      return [];
    }
    return untried.slice(0, room);
  }
}
