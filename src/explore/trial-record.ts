/**
 * One line of `DIR/trials.jsonl` (CONTRACTS.md): a finished trial, its config, key, metrics and
 * artifact. The store and the web playground read these lines from disk, where a killed run may
 * have left a torn last line or a hostile file anything at all, so the parser checks every field's
 * type and range and never trusts a line it did not validate. Standard library only (runs in
 * browsers).
 */
import { RuntimeError } from '../errors.js';

export interface TrialMetrics {
  /** Test accuracy in [0, 1]. */
  testAccuracy: number;
  params: number;
  nonzeroParams: number;
  macs: number;
  snnBytes: number;
  /** fp32 weight bytes of the base model / .snn bytes of this trial. */
  ratio: number;
  energyMicrojoules: number;
  latencyMs: number;
  /** 'runtime' when the smallnets runtime measured it, else 'tfjs-wasm'. */
  latencyEngine: string;
}

export interface TrialLayer {
  name: string;
  className: string;
  params: number;
  nonzero: number;
  macs: number;
  bytes: number;
}

export interface TrialRecord {
  /** Hash of the normalized trial config. */
  key: string;
  config: Record<string, unknown>;
  status: 'done' | 'failed';
  /** When failed. */
  error?: string;
  metrics?: TrialMetrics;
  layers?: TrialLayer[];
  /** Path of the trial's .snn, relative to the exploration directory. */
  artifact?: string;
  /** A `smallnets compress …` command line reproducing the trial, when one exists. */
  recipe?: string;
  seconds: number;
  startedAt: string;
  finishedAt: string;
}

const METRIC_FIELDS = ['testAccuracy', 'params', 'nonzeroParams', 'macs', 'snnBytes', 'ratio', 'energyMicrojoules', 'latencyMs'] as const;
const LAYER_NUMBERS = ['params', 'nonzero', 'macs', 'bytes'] as const;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function bad(why: string): RuntimeError {
  return new RuntimeError(`invalid trial record: ${why}`);
}

/** Deepest nesting a record may have (a real one nests 3 deep: config.sparsity.fc1, layers[0].name). */
export const MAX_RECORD_DEPTH = 16;
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Refuse nesting past MAX_RECORD_DEPTH and keys that reach a prototype, anywhere in the record
 * (iteratively, so the check cannot overflow the stack). A record's config is kept as it was read,
 * and later code serializes it (trials.csv, queue jobs) and copies it: a config 100,000 levels
 * deep would overflow JSON.stringify's stack there, and a `__proto__` key would become a
 * prototype in the first `Object.assign` copy.
 */
function checkTree(value: unknown): void {
  const stack: Array<{ node: unknown; depth: number; at: string }> = [{ node: value, depth: 0, at: '' }];
  while (stack.length > 0) {
    const { node, depth, at } = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth >= MAX_RECORD_DEPTH) throw bad(`nests deeper than ${MAX_RECORD_DEPTH} levels (at ${at.slice(0, 200)})`);
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) stack.push({ node: node[i], depth: depth + 1, at: `${at}[${i}]` });
      continue;
    }
    for (const key of Object.keys(node)) {
      if (PROTOTYPE_KEYS.has(key)) throw bad(`a ${JSON.stringify(key)} key${at ? ` at ${at.slice(0, 200)}` : ''} is not allowed`);
      stack.push({ node: (node as Record<string, unknown>)[key], depth: depth + 1, at: at ? `${at}.${key}` : key });
    }
  }
}

function nonNegative(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw bad(`${field} must be a non-negative number, got ${JSON.stringify(v)}`);
  return v + 0; // -0 (JSON allows it) becomes 0, so a record reads back as it was written
}

function text(v: unknown, field: string, max = 4096): string {
  if (typeof v !== 'string' || v.length > max) throw bad(`${field} must be a string of at most ${max} characters`);
  return v;
}

function timestamp(v: unknown, field: string): string {
  const s = text(v, field, 64);
  if (Number.isNaN(Date.parse(s))) throw bad(`${field} must be an ISO date, got ${JSON.stringify(s)}`);
  return s;
}

/** An artifact path must stay inside the exploration directory. */
function relativePath(v: unknown, field: string): string {
  const s = text(v, field, 512);
  if (s.startsWith('/') || s.includes('\\') || s.split('/').some((part) => part === '..' || part === '') || /^[A-Za-z]:/.test(s)) {
    throw bad(`${field} must be a relative path inside the exploration directory, got ${JSON.stringify(s)}`);
  }
  return s;
}

function parseMetrics(v: unknown): TrialMetrics {
  if (!isObject(v)) throw bad('metrics must be an object');
  const m: Record<string, unknown> = {};
  for (const f of METRIC_FIELDS) m[f] = nonNegative(v[f], `metrics.${f}`);
  if ((m['testAccuracy'] as number) > 1) throw bad(`metrics.testAccuracy must be in [0, 1], got ${String(m['testAccuracy'])}`);
  m['latencyEngine'] = text(v['latencyEngine'], 'metrics.latencyEngine', 64);
  return m as unknown as TrialMetrics;
}

function parseLayers(v: unknown): TrialLayer[] {
  if (!Array.isArray(v) || v.length > 100_000) throw bad('layers must be an array');
  return v.map((l, i) => {
    if (!isObject(l)) throw bad(`layers[${i}] must be an object`);
    const layer: Record<string, unknown> = { name: text(l['name'], `layers[${i}].name`, 256), className: text(l['className'], `layers[${i}].className`, 256) };
    for (const f of LAYER_NUMBERS) layer[f] = nonNegative(l[f], `layers[${i}].${f}`);
    return layer as unknown as TrialLayer;
  });
}

/**
 * Validate an untrusted value as a TrialRecord (throws a RuntimeError naming the bad field).
 *
 * @example
 * const record = parseTrialRecord(JSON.parse(line));
 */
export function parseTrialRecord(value: unknown): TrialRecord {
  if (!isObject(value)) throw bad('not an object');
  checkTree(value);
  const key = text(value['key'], 'key', 128);
  if (!/^[0-9a-f]{8,128}$/.test(key)) throw bad(`key must be lowercase hex, got ${JSON.stringify(key)}`);
  if (!isObject(value['config'])) throw bad('config must be an object');
  const status = value['status'];
  if (status !== 'done' && status !== 'failed') throw bad(`status must be 'done' or 'failed', got ${JSON.stringify(status)}`);
  const record: TrialRecord = {
    key,
    config: value['config'],
    status,
    seconds: nonNegative(value['seconds'], 'seconds'),
    startedAt: timestamp(value['startedAt'], 'startedAt'),
    finishedAt: timestamp(value['finishedAt'], 'finishedAt'),
  };
  if (value['error'] !== undefined) record.error = text(value['error'], 'error');
  if (value['metrics'] !== undefined) record.metrics = parseMetrics(value['metrics']);
  if (value['layers'] !== undefined) record.layers = parseLayers(value['layers']);
  if (value['artifact'] !== undefined) record.artifact = relativePath(value['artifact'], 'artifact');
  if (value['recipe'] !== undefined) record.recipe = text(value['recipe'], 'recipe');
  if (status === 'done' && record.metrics === undefined) throw bad('a done trial must have metrics');
  if (status === 'failed' && record.error === undefined) throw bad('a failed trial must say why (error)');
  return record;
}

/**
 * Parse one line of trials.jsonl: the record, or undefined for a line that is not a valid record
 * (a torn write, a hand edit). Callers count what they skip.
 */
export function parseTrialLine(line: string): TrialRecord | undefined {
  if (line.trim() === '' || line.length > 16 * 1024 * 1024) return undefined;
  try {
    return parseTrialRecord(JSON.parse(line));
  } catch {
    return undefined;
  }
}

/**
 * Every valid record of a trials.jsonl text, first occurrence of each key only, and how many lines
 * were skipped (invalid or duplicate). A last line without its newline is a torn write: skipped. A
 * leading byte-order mark is ignored.
 */
export function parseTrialLog(text: string): { records: TrialRecord[]; skipped: number; tornTail: boolean } {
  // A byte-order mark (an editor saved the file) would make the first record unreadable.
  const lines = (text.startsWith('\uFEFF') ? text.slice(1) : text).split('\n');
  const tornTail = lines[lines.length - 1] !== '';
  const complete = lines.slice(0, -1);
  const seen = new Set<string>();
  const records: TrialRecord[] = [];
  let skipped = tornTail ? 1 : 0;
  for (const line of complete) {
    if (line.trim() === '') continue;
    const record = parseTrialLine(line);
    if (!record || seen.has(record.key)) {
      skipped++;
      continue;
    }
    seen.add(record.key);
    records.push(record);
  }
  return { records, skipped, tornTail };
}
