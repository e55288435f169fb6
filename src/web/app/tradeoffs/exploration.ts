/**
 * Reading an exploration directory (CONTRACTS.md: `smallnets explore --out DIR` writes
 * trials.jsonl and pareto.json) or a `smallnets demo --json` result into chart points. The files
 * are untrusted: the lines are parsed by explore's own validating parser (src/explore/trial-record.ts,
 * the one the trial store resumes with), so the page and the store agree on every rule: each field
 * checked, a half-written last line ignored (the log is append-only and may be read while a run
 * writes it), other bad lines counted, not fatal, and the first record of a key is the one kept.
 */
import { parseTrialLine, parseTrialLog, type TrialLayer, type TrialMetrics, type TrialRecord } from '../../../explore/trial-record.js';

export { parseTrialLine, type TrialMetrics, type TrialRecord };
/** A trial's per-layer row (explore's TrialLayer). */
export type LayerSummary = TrialLayer;

export type Axis = 'snnBytes' | 'macs' | 'latencyMs';
export type ParetoFronts = Partial<Record<'accuracyVsBytes' | 'accuracyVsMacs' | 'accuracyVsLatency', string[]>>;

export interface Exploration {
  name: string;
  trials: TrialRecord[];
  /** Lines that were not valid trial records (the last line, if half-written, is not counted). */
  skipped: number;
  pareto: ParetoFronts;
  /** Axes every done trial has a finite value for. */
  axes: Axis[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Parse trials.jsonl with explore's rule: invalid lines are skipped and counted, a key seen again
 * is skipped too (the first record of a key wins, as the store never reruns a finished key), and a
 * half-written last line is ignored without being counted.
 */
export function parseTrials(text: string): { trials: TrialRecord[]; skipped: number } {
  const log = parseTrialLog(text);
  return { trials: log.records, skipped: log.skipped - (log.tornTail ? 1 : 0) };
}

/** pareto.json → the fronts it lists (unknown or malformed entries are dropped). */
export function parsePareto(text: string): ParetoFronts {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return {};
  }
  if (!isObject(v)) return {};
  const fronts: ParetoFronts = {};
  for (const name of ['accuracyVsBytes', 'accuracyVsMacs', 'accuracyVsLatency'] as const) {
    const keys = v[name];
    if (Array.isArray(keys) && keys.every((k) => typeof k === 'string')) fronts[name] = keys as string[];
  }
  return fronts;
}

export const FRONT_OF: Record<Axis, keyof ParetoFronts> = { snnBytes: 'accuracyVsBytes', macs: 'accuracyVsMacs', latencyMs: 'accuracyVsLatency' };

/** Keys of the trials no other trial beats on both accuracy (higher) and `axis` (lower). */
export function paretoKeys(trials: readonly TrialRecord[], axis: Axis): string[] {
  const done = trials.filter((t) => t.status === 'done' && t.metrics && finite(t.metrics[axis]) && t.metrics[axis] > 0);
  return done
    .filter((t) => !done.some((o) => o !== t && o.metrics![axis] <= t.metrics![axis] && o.metrics!.testAccuracy >= t.metrics!.testAccuracy && (o.metrics![axis] < t.metrics![axis] || o.metrics!.testAccuracy > t.metrics!.testAccuracy)))
    .map((t) => t.key);
}

/** An exploration from its two files' text (pareto.json may be missing: the fronts are computed). */
export function exploration(name: string, trialsText: string, paretoText: string | null): Exploration {
  const { trials, skipped } = parseTrials(trialsText);
  return fromTrials(name, trials, skipped, paretoText === null ? {} : parsePareto(paretoText));
}

/** Chart axes and fronts for validated trials (fronts missing from `pareto` are computed). */
function fromTrials(name: string, trials: TrialRecord[], skipped: number, pareto: ParetoFronts): Exploration {
  const done = trials.filter((t) => t.status === 'done');
  const axes = (['snnBytes', 'macs', 'latencyMs'] as const).filter((a) => done.length > 0 && done.every((t) => t.metrics![a] > 0));
  for (const axis of axes) pareto[FRONT_OF[axis]] ??= paretoKeys(trials, axis);
  return { name, trials, skipped, pareto, axes };
}

/**
 * A `smallnets demo --json` result (its rows: one per variant) as an exploration with one axis,
 * bytes. Throws a readable error when the JSON is neither.
 */
export function demoExploration(name: string, text: string): Exploration {
  let v: unknown;
  try {
    v = JSON.parse(text.trim().split('\n').pop() ?? '');
  } catch (error) {
    throw new Error(`${name} is not JSON (${(error as Error).message})`);
  }
  if (!isObject(v) || !Array.isArray(v.rows)) throw new Error(`${name} is neither an exploration's trials.jsonl nor a \`smallnets demo --json\` result (no rows)`);
  const trials: TrialRecord[] = v.rows
    .filter((r): r is Record<string, unknown> => isObject(r) && typeof r.variant === 'string' && finite(r.testAccuracy) && r.testAccuracy >= 0 && r.testAccuracy <= 1 && finite(r.bytes) && finite(r.params))
    .map((r) => ({
      key: r.variant as string,
      config: { variant: r.variant, ...(typeof r.notes === 'string' && r.notes ? { notes: r.notes } : {}) },
      status: 'done' as const,
      metrics: {
        testAccuracy: r.testAccuracy as number, params: r.params as number, nonzeroParams: finite(r.nonzeroParams) ? r.nonzeroParams : (r.params as number),
        macs: 0, snnBytes: r.bytes as number, ratio: 0, energyMicrojoules: finite(r.energyMicrojoules) ? r.energyMicrojoules : 0, latencyMs: 0, latencyEngine: '',
      },
      seconds: finite(r.seconds) ? r.seconds : 0, startedAt: '', finishedAt: '',
    }));
  if (trials.length === 0) throw new Error(`${name} has no demo rows with accuracy, params and bytes`);
  // A demo's variants are its keys; the first row of a name is kept, as in a trial log.
  const seen = new Set<string>();
  return fromTrials(name, trials.filter((t) => !seen.has(t.key) && seen.add(t.key)), 0, {});
}
