/**
 * Search spaces: small JSON documents over the knobs a trial turns. Each knob is a list of values
 * or a range:
 *
 * ```json
 * { "name": "mine",
 *   "knobs": { "width": [1, 0.5], "sparsity": { "min": 0.8, "max": 0.95, "steps": 4 },
 *              "clusters": [null, "conv:16,dense:4"], "epochs": [2] } }
 * ```
 *
 * Knobs left out keep the base model's setting (DEFAULT_TRIAL). A grid takes the product of the
 * lists (a range contributes `steps` evenly spaced values); random sampling draws values (a range
 * uniformly between min and max). Everything is checked before any work: an unknown knob, a bad
 * range, an empty list or an empty space is a UsageError naming the field (`space.knobs.width`).
 */
import { readFile, stat } from 'node:fs/promises';
import { RuntimeError, UsageError } from '../errors.js';
import { mulberry32 } from '../random.js';
import { configConflict, DEFAULT_TRIAL, KNOBS, normalizeKnob, type KnobName, type TrialConfig } from './trial-config.js';

/** A knob's domain: discrete values, or a numeric range. */
export type KnobDomain = { values: unknown[] } | { min: number; max: number; steps: number };

export interface SearchSpace {
  name: string;
  description?: string;
  /** Knob → domain, in KNOBS order. */
  knobs: Partial<Record<KnobName, KnobDomain>>;
}

/** Knobs that take a numeric range, and whether their values are integers. */
const RANGE_KNOBS: Partial<Record<KnobName, 'real' | 'integer'>> = {
  width: 'real', filterPrune: 'real', sparsity: 'real', bits: 'integer', epochs: 'integer', fineTuneEpochs: 'integer',
};

/** More grid points than this is a usage error (use random sampling). */
export const MAX_GRID = 10_000;
const MAX_SPACE_FILE_BYTES = 1 << 20;

function usage(field: string, why: string, value?: unknown): UsageError {
  return new UsageError(`${field} ${why}${value === undefined ? '' : `, got ${JSON.stringify(value)}`}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseDomain(knob: KnobName, value: unknown, field: string): KnobDomain {
  if (Array.isArray(value)) {
    if (value.length === 0) throw usage(field, 'is empty (list at least one value)');
    const normalized = value.map((v, i) => normalizeKnob(knob, v, `${field}[${i}]`));
    const unique = [...new Map(normalized.map((v) => [JSON.stringify(v), v])).values()];
    return { values: unique };
  }
  if (isObject(value)) {
    const kind = RANGE_KNOBS[knob];
    if (!kind) throw usage(field, 'takes a list of values, not a range', value);
    for (const k of Object.keys(value)) if (!['min', 'max', 'steps'].includes(k)) throw usage(`${field}.${k}`, 'is not a range field (min, max, steps)');
    for (const end of ['min', 'max']) if (typeof value[end] !== 'number') throw usage(`${field}.${end}`, 'must be a number', value[end]);
    const min = normalizeKnob(knob, value['min'], `${field}.min`) as number;
    const max = normalizeKnob(knob, value['max'], `${field}.max`) as number;
    if (!(min <= max)) throw usage(field, `is a bad range: min ${min} is above max ${max}`);
    const steps = value['steps'] ?? 2;
    if (typeof steps !== 'number' || !Number.isInteger(steps) || steps < 1 || steps > 1000) throw usage(`${field}.steps`, 'must be an integer in [1, 1000]', steps);
    if (min === max && steps > 1) throw usage(field, `is a bad range: min equals max (${min}) but steps is ${steps}`);
    return { min, max, steps };
  }
  throw usage(field, 'must be a list of values or a range {"min", "max", "steps"}', value);
}

/**
 * Validate an untrusted search-space document.
 *
 * @example
 * parseSpace({ name: 's', knobs: { sparsity: [0, 0.9] } }).knobs.sparsity; // { values: [0, 0.9] }
 */
export function parseSpace(doc: unknown, field = 'space'): SearchSpace {
  if (!isObject(doc)) throw usage(field, 'must be a JSON object with "knobs"');
  for (const k of Object.keys(doc)) if (!['name', 'description', 'knobs'].includes(k)) throw usage(`${field}.${k}`, 'is not a space field (name, description, knobs)');
  const name = doc['name'] ?? 'custom';
  if (typeof name !== 'string' || name.length === 0 || name.length > 100) throw usage(`${field}.name`, 'must be a non-empty string', name);
  const description = doc['description'];
  if (description !== undefined && typeof description !== 'string') throw usage(`${field}.description`, 'must be a string', description);
  const knobs = doc['knobs'];
  if (!isObject(knobs)) throw usage(`${field}.knobs`, 'must be an object of knob → values', knobs);
  if (Object.keys(knobs).length === 0) throw usage(`${field}.knobs`, `is empty: an empty space has no trials (knobs: ${KNOBS.join(', ')})`);
  const parsed: Partial<Record<KnobName, KnobDomain>> = {};
  for (const k of Object.keys(knobs)) {
    if (!(KNOBS as readonly string[]).includes(k)) throw usage(`${field}.knobs.${k}`, `is not a knob (knobs: ${KNOBS.join(', ')})`);
  }
  for (const knob of KNOBS) if (knob in knobs) parsed[knob] = parseDomain(knob, knobs[knob], `${field}.knobs.${knob}`);
  const space: SearchSpace = { name, knobs: parsed, ...(description === undefined ? {} : { description }) };
  if (gridSize(space) === 0) throw usage(`${field}.knobs`, 'has no runnable combination (each one mixes bits with clusters or separable with factorize)');
  return space;
}

/** The grid values of a domain (a range contributes `steps` evenly spaced values). */
function gridValues(knob: KnobName, d: KnobDomain): unknown[] {
  if ('values' in d) return d.values;
  if (d.steps === 1) return [d.min];
  const values = Array.from({ length: d.steps }, (_, i) => d.min + ((d.max - d.min) * i) / (d.steps - 1));
  const rounded = values.map((v) => (RANGE_KNOBS[knob] === 'integer' ? Math.round(v) : Number(v.toPrecision(6))));
  return [...new Set(rounded)];
}

/** The runnable grid points of a space, in a fixed order (first knob slowest). */
export function gridConfigs(space: SearchSpace): TrialConfig[] {
  let configs: TrialConfig[] = [{ ...DEFAULT_TRIAL }];
  for (const knob of KNOBS) {
    const d = space.knobs[knob];
    if (!d) continue;
    const values = gridValues(knob, d);
    const next = configs.length * values.length;
    if (next > MAX_GRID * 4) throw new UsageError(`space ${space.name} has more than ${MAX_GRID.toLocaleString('en-US')} grid points; use strategy random with a trial count`);
    configs = configs.flatMap((c) => values.map((v) => ({ ...c, [knob]: v })));
  }
  const runnable = configs.filter((c) => configConflict(c) === undefined);
  if (runnable.length > MAX_GRID) throw new UsageError(`space ${space.name} has ${runnable.length.toLocaleString('en-US')} grid points, more than ${MAX_GRID.toLocaleString('en-US')}; use strategy random with a trial count`);
  return runnable;
}

/** Number of runnable grid points. */
export function gridSize(space: SearchSpace): number {
  try {
    return gridConfigs(space).length;
  } catch {
    return MAX_GRID + 1;
  }
}

/**
 * `count` distinct runnable configs drawn with a seeded PRNG: a list knob picks a value, a range knob
 * a uniform value (3 significant digits; integers rounded). The sequence for a seed is fixed, so
 * asking for more trials later extends the earlier draw (resumable).
 */
export function randomConfigs(space: SearchSpace, count: number, seed: number): TrialConfig[] {
  const random = mulberry32(seed);
  const out = new Map<string, TrialConfig>();
  const maxAttempts = count * 50 + 100;
  for (let attempt = 0; attempt < maxAttempts && out.size < count; attempt++) {
    const c: Record<string, unknown> = { ...DEFAULT_TRIAL };
    for (const knob of KNOBS) {
      const d = space.knobs[knob];
      if (!d) continue;
      if ('values' in d) c[knob] = d.values[Math.floor(random() * d.values.length)];
      else {
        const v = d.min + (d.max - d.min) * random();
        c[knob] = RANGE_KNOBS[knob] === 'integer' ? Math.round(v) : Math.min(d.max, Number(v.toPrecision(3)));
      }
    }
    const config = c as unknown as TrialConfig;
    if (configConflict(config) !== undefined) continue;
    out.set(JSON.stringify(config), config);
  }
  return [...out.values()];
}

/** The space as stored in space.json (normalized, knob order fixed). */
export function spaceJson(space: SearchSpace): Record<string, unknown> {
  const knobs: Record<string, unknown> = {};
  for (const knob of KNOBS) {
    const d = space.knobs[knob];
    if (d) knobs[knob] = 'values' in d ? d.values : { min: d.min, max: d.max, steps: d.steps };
  }
  return { name: space.name, ...(space.description ? { description: space.description } : {}), knobs };
}

/**
 * The built-in spaces. `quick`: 16 trials of one epoch each on LeNet-5 — width, separable convs,
 * pruning and clustering crossed (within 10 minutes on 2 cores). `full`: a wider grid with two
 * epochs per stage, for an overnight run.
 */
export const BUILTIN_SPACES: Readonly<Record<string, SearchSpace>> = {
  quick: parseSpace({
    name: 'quick',
    description: 'width × separable × pruning × clustering, 1 epoch per stage (16 trials)',
    knobs: { width: [1, 0.5], separable: ['none', 'all'], sparsity: [0, 0.9], clusters: [null, 'conv:16,dense:4'], epochs: [1], fineTuneEpochs: [1] },
  }),
  full: parseSpace({
    name: 'full',
    description: 'structure (width, separable, factorized, filters removed) × pruning × weight sharing, 2 epochs per stage',
    knobs: {
      width: [1, 0.75, 0.5, 0.25],
      separable: ['none', 'all'],
      factorize: ['none', 'all'],
      filterPrune: [0, 0.5],
      sparsity: [0, 0.8, 0.9, 0.95],
      clusters: [null, 'conv:16,dense:4', 'conv:8,dense:2'],
      epochs: [2],
      fineTuneEpochs: [2],
    },
  }),
};

/** A built-in space by name, or a space file (read with a size cap, parsed, validated). */
export async function loadSpace(nameOrFile: string): Promise<SearchSpace> {
  const builtin = BUILTIN_SPACES[nameOrFile];
  if (builtin) return builtin;
  let text: string;
  try {
    const info = await stat(nameOrFile);
    if (!info.isFile()) throw new UsageError(`\`space\` ${nameOrFile} is not a file (built-in spaces: ${Object.keys(BUILTIN_SPACES).join(', ')})`, { option: 'space' });
    if (info.size > MAX_SPACE_FILE_BYTES) throw new RuntimeError(`space file ${nameOrFile} is ${info.size} bytes, more than ${MAX_SPACE_FILE_BYTES}`);
    text = await readFile(nameOrFile, 'utf8');
  } catch (error) {
    if (error instanceof UsageError || error instanceof RuntimeError) throw error;
    throw new UsageError(`\`space\` ${nameOrFile} is neither a built-in space (${Object.keys(BUILTIN_SPACES).join(', ')}) nor a readable file`, { option: 'space' });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`space file ${nameOrFile} is not valid JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  return parseSpace(doc);
}
