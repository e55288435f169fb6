/**
 * Reading an exploration directory (CONTRACTS.md: `smallnets explore --out DIR` writes
 * trials.jsonl and pareto.json) or a `smallnets demo --json` result into chart points. The files
 * are untrusted: each line is checked field by field, a half-written last line is ignored (the log
 * is append-only and may be read while a run writes it), and other bad lines are counted, not fatal.
 *
 * The TrialRecord type mirrors the contract; src/explore/trial-record.ts (branch `explore`) will own
 * it with its own validating parser. parseTrialLine has that parser's signature (a record, or
 * undefined for a line that is not one), and nothing else here parses lines (demo results are built
 * as records), so switching is importing explore's parseTrialLine and TrialRecord in its place.
 */

export interface TrialMetrics {
  testAccuracy: number;
  params: number;
  nonzeroParams: number;
  macs: number;
  snnBytes: number;
  ratio: number;
  energyMicrojoules: number;
  latencyMs: number;
  latencyEngine: string;
}

export interface LayerSummary {
  name: string;
  className: string;
  params: number;
  nonzero: number;
  macs: number;
  bytes: number;
}

export interface TrialRecord {
  key: string;
  config: Record<string, unknown>;
  status: 'done' | 'failed';
  error?: string;
  metrics?: TrialMetrics;
  layers?: LayerSummary[];
  artifact?: string;
  recipe?: string;
  seconds: number;
  startedAt: string;
  finishedAt: string;
}

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

function parseMetrics(v: unknown): TrialMetrics | null {
  if (!isObject(v)) return null;
  const numbers = ['testAccuracy', 'params', 'nonzeroParams', 'macs', 'snnBytes', 'ratio', 'energyMicrojoules', 'latencyMs'] as const;
  if (!numbers.every((k) => finite(v[k]))) return null;
  if ((v.testAccuracy as number) < 0 || (v.testAccuracy as number) > 1 || typeof v.latencyEngine !== 'string') return null;
  return v as unknown as TrialMetrics;
}

function parseLayers(v: unknown): LayerSummary[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const ok = v.every((l) => isObject(l) && typeof l.name === 'string' && typeof l.className === 'string' && ['params', 'nonzero', 'macs', 'bytes'].every((k) => finite(l[k])));
  return ok ? (v as LayerSummary[]) : undefined;
}

/** One line of trials.jsonl → a record, or undefined when it is not one. */
export function parseTrialLine(line: string): TrialRecord | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObject(v) || typeof v.key !== 'string' || !isObject(v.config) || (v.status !== 'done' && v.status !== 'failed')) return undefined;
  const metrics = v.metrics === undefined ? undefined : parseMetrics(v.metrics);
  if (metrics === null || (v.status === 'done' && !metrics)) return undefined;
  const layers = parseLayers(v.layers);
  return {
    key: v.key,
    config: v.config,
    status: v.status,
    ...(typeof v.error === 'string' ? { error: v.error } : {}),
    ...(metrics ? { metrics } : {}),
    ...(layers ? { layers } : {}),
    ...(typeof v.artifact === 'string' ? { artifact: v.artifact } : {}),
    ...(typeof v.recipe === 'string' ? { recipe: v.recipe } : {}),
    seconds: finite(v.seconds) ? v.seconds : 0,
    startedAt: typeof v.startedAt === 'string' ? v.startedAt : '',
    finishedAt: typeof v.finishedAt === 'string' ? v.finishedAt : '',
  };
}

/** Parse trials.jsonl; a later line with the same key replaces an earlier one (a resumed run). */
export function parseTrials(text: string): { trials: TrialRecord[]; skipped: number } {
  const lines = text.split('\n');
  const halfWritten = !text.endsWith('\n') && lines.length > 0;
  const byKey = new Map<string, TrialRecord>();
  let skipped = 0;
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const record = parseTrialLine(line);
    if (record) byKey.set(record.key, record);
    else if (!(halfWritten && i === lines.length - 1)) skipped++;
  });
  return { trials: [...byKey.values()], skipped };
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
  // A demo's variants are its keys; a later row with the same name replaces an earlier one, as in a trial log.
  return fromTrials(name, [...new Map(trials.map((t) => [t.key, t])).values()], 0, {});
}
