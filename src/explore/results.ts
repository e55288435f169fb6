/**
 * What an exploration directory shows besides its log (CONTRACTS.md): `pareto.json` (the fronts of
 * accuracy vs .snn bytes, vs MACs, vs latency), `trials.csv`, and three SVG charts — the talk's
 * bubble chart (MACs on a log axis, accuracy, area = bytes), accuracy vs bytes and accuracy vs
 * latency with their fronts. Every file is written atomically and can be rebuilt from the log.
 */
import path from 'node:path';
import { writeFileAtomic } from '../models/atomic-write.js';
import { chartSvg, type ChartPoint, type ChartRule } from './charts.js';
import { cheapestWithin, paretoFront, type ParetoPoint } from './pareto.js';
import { KNOBS, normalizeConfig, trialLabel } from './trial-config.js';
import type { TrialMetrics, TrialRecord } from './trial-record.js';

export interface Fronts {
  accuracyVsBytes: string[];
  accuracyVsMacs: string[];
  accuracyVsLatency: string[];
}

export interface Best {
  key: string;
  label: string;
  ratio: number;
  bytes: number;
  testAccuracy: number;
  recipe?: string;
}

export interface ExplorationSummary {
  trials: number;
  done: number;
  failed: number;
  pareto: Fronts;
  /** The smallest trial (by .snn bytes) within the accuracy budget, if any. */
  best?: Best;
  baselineAccuracy: number;
  /** Accuracy floor: baseline − maxDrop points. */
  floor: number;
}

type Done = TrialRecord & { metrics: TrialMetrics };

export function doneTrials(records: readonly TrialRecord[]): Done[] {
  return records.filter((r): r is Done => r.status === 'done' && r.metrics !== undefined);
}

/** A record's short label (its config normalized; the key if the config is not one we know). */
export function recordLabel(record: TrialRecord): string {
  try {
    return trialLabel(normalizeConfig(record.config));
  } catch {
    return record.key;
  }
}

function front(done: Done[], cost: (m: TrialMetrics) => number): string[] {
  return paretoFront(done.map((r) => ({ key: r.key, cost: cost(r.metrics), value: r.metrics.testAccuracy })));
}

/**
 * Fronts, counts and the best trial within `maxDropPoints` of `baselineAccuracy`.
 *
 * @example
 * const s = summarizeTrials(store.records(), 0.987, 0.2); s.best?.ratio;
 */
export function summarizeTrials(records: readonly TrialRecord[], baselineAccuracy: number, maxDropPoints: number): ExplorationSummary {
  const done = doneTrials(records);
  const floor = baselineAccuracy - maxDropPoints / 100 - 1e-9;
  const points: ParetoPoint[] = done.map((r) => ({ key: r.key, cost: r.metrics.snnBytes, value: r.metrics.testAccuracy }));
  const bestKey = cheapestWithin(points, floor);
  const bestRecord = done.find((r) => r.key === bestKey);
  return {
    trials: records.length,
    done: done.length,
    failed: records.length - done.length,
    pareto: {
      accuracyVsBytes: front(done, (m) => m.snnBytes),
      accuracyVsMacs: front(done, (m) => m.macs),
      accuracyVsLatency: front(done, (m) => m.latencyMs),
    },
    ...(bestRecord
      ? {
          best: {
            key: bestRecord.key,
            label: recordLabel(bestRecord),
            ratio: bestRecord.metrics.ratio,
            bytes: bestRecord.metrics.snnBytes,
            testAccuracy: bestRecord.metrics.testAccuracy,
            ...(bestRecord.recipe ? { recipe: bestRecord.recipe } : {}),
          },
        }
      : {}),
    baselineAccuracy,
    floor: baselineAccuracy - maxDropPoints / 100,
  };
}

function csvCell(v: unknown): string {
  const text = v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const METRIC_COLUMNS = ['testAccuracy', 'params', 'nonzeroParams', 'macs', 'snnBytes', 'ratio', 'energyMicrojoules', 'latencyMs', 'latencyEngine'] as const;

/** trials.csv: one row per trial, config knobs then metrics. */
export function trialsCsv(records: readonly TrialRecord[]): string {
  const head = ['key', 'label', 'status', ...KNOBS, ...METRIC_COLUMNS, 'seconds', 'artifact', 'recipe', 'error'];
  const rows = records.map((r) => [
    r.key, recordLabel(r), r.status,
    ...KNOBS.map((k) => r.config[k]),
    ...METRIC_COLUMNS.map((k) => r.metrics?.[k]),
    r.seconds, r.artifact, r.recipe, r.error,
  ]);
  return [head, ...rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}

function pointsOf(done: Done[], x: (m: TrialMetrics) => number, onFront: Set<string>, size?: (m: TrialMetrics) => number): ChartPoint[] {
  return done.map((r) => ({
    x: x(r.metrics),
    y: r.metrics.testAccuracy,
    label: recordLabel(r),
    group: onFront.has(r.key) ? 'Pareto front' : 'trial',
    labelled: onFront.has(r.key) || done.length <= 20,
    ...(size ? { size: size(r.metrics) } : {}),
  }));
}

/** Write pareto.json, trials.csv and the three charts into `dir`. */
export async function writeResults(dir: string, records: readonly TrialRecord[], summary: ExplorationSummary, model: string): Promise<void> {
  const done = doneTrials(records);
  await writeFileAtomic(path.join(dir, 'pareto.json'), `${JSON.stringify(summary.pareto, null, 2)}\n`);
  await writeFileAtomic(path.join(dir, 'trials.csv'), trialsCsv(records));
  const rules: ChartRule[] = [
    { y: summary.baselineAccuracy, label: `base ${(summary.baselineAccuracy * 100).toFixed(2)}%` },
    { y: summary.floor, label: `budget ${(summary.floor * 100).toFixed(2)}%` },
  ];
  const byKey = new Map(done.map((r) => [r.key, r]));
  const frontPoints = (keys: string[], x: (m: TrialMetrics) => number): ChartPoint[] =>
    keys.map((k) => byKey.get(k)!).map((r) => ({ x: x(r.metrics), y: r.metrics.testAccuracy, label: recordLabel(r) }));
  const bytesFront = new Set(summary.pareto.accuracyVsBytes);
  const latencyFront = new Set(summary.pareto.accuracyVsLatency);
  const charts: Array<[string, Promise<string>]> = [
    ['bubble.svg', chartSvg(pointsOf(done, (m) => m.macs, bytesFront, (m) => m.snnBytes), {
      title: `${model}: accuracy vs multiply-adds (bubble area = .snn bytes)`,
      xTitle: 'multiply-adds per inference (log)', yTitle: 'test accuracy', sizeTitle: '.snn bytes', xLog: true, rules,
    })],
    ['accuracy-vs-bytes.svg', chartSvg(pointsOf(done, (m) => m.snnBytes, bytesFront), {
      title: `${model}: accuracy vs .snn bytes, Pareto front in red`,
      xTitle: '.snn file bytes (log)', yTitle: 'test accuracy', xLog: true, rules, front: frontPoints(summary.pareto.accuracyVsBytes, (m) => m.snnBytes),
    })],
    ['accuracy-vs-latency.svg', chartSvg(pointsOf(done, (m) => m.latencyMs, latencyFront), {
      title: `${model}: accuracy vs batch-1 latency (${done[0]?.metrics.latencyEngine ?? 'tfjs-wasm'}), Pareto front in red`,
      xTitle: 'latency ms (log)', yTitle: 'test accuracy', xLog: true, rules, front: frontPoints(summary.pareto.accuracyVsLatency, (m) => m.latencyMs),
    })],
  ];
  for (const [name, svg] of charts) await writeFileAtomic(path.join(dir, name), await svg);
}
