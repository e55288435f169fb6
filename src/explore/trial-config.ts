/**
 * One point of a search space: the knobs a trial turns, normalized so that equal settings have equal
 * keys. The key is what makes trials resumable and idempotent: a store never runs a key twice, and
 * a queue job is named by it. Standard library only (the web playground reads configs too).
 */
import { UsageError } from '../errors.js';

/** Per-layer fractions: one for every eligible layer, or one per layer name. */
export type Fractions = number | Record<string, number>;

export interface TrialConfig {
  /** Width multiplier α in (0, 1] for hidden layers (MobileNet's thinning; 1 = unchanged). */
  width: number;
  /** Conv layers made depthwise-separable: 'none', 'all' or comma-separated names. */
  separable: string;
  /** k×k convs replaced by stacked 3×3s: 'none', 'all' or comma-separated names. */
  factorize: string;
  /** Fraction of filters / units physically removed (L1, retrained), globally or per layer. */
  filterPrune: Fractions;
  /** Unstructured sparsity: one global magnitude threshold, or per layer. */
  sparsity: Fractions;
  /** Quantization-aware training at this many bits per kernel weight (2–8), or null. */
  bits: number | null;
  /** k-means shared values per layer kind or name (`conv:16,dense:4`), or null. */
  clusters: string | null;
  /** Epochs of distillation (restructured trials) and of retraining after removal/pruning. */
  epochs: number;
  /** Epochs of centroid fine-tuning / QAT. */
  fineTuneEpochs: number;
  /** Huffman coding of index and gap streams. */
  huffman: boolean;
  /** Retrain by distillation from the base model (compress's `distill`) instead of on the labels alone. */
  distill: boolean;
}

export type KnobName = keyof TrialConfig;

/** The knobs in the order they are applied and listed. */
export const KNOBS: readonly KnobName[] = [
  'width', 'separable', 'factorize', 'filterPrune', 'sparsity', 'bits', 'clusters', 'epochs', 'fineTuneEpochs', 'huffman', 'distill',
];

/**
 * Knobs added after stores existed: left out of the canonical form at their default, so a config
 * that does not use one keeps the key it always had (a store from before the knob still resumes).
 */
const LATER_KNOBS: Partial<Record<KnobName, unknown>> = { distill: false };

/** What an unset knob means: the base model, unchanged. */
export const DEFAULT_TRIAL: Readonly<TrialConfig> = {
  width: 1, separable: 'none', factorize: 'none', filterPrune: 0, sparsity: 0, bits: null, clusters: null, epochs: 1, fineTuneEpochs: 1, huffman: true,
  distill: false,
};

const LAYER_NAME = /^[A-Za-z0-9_.\-/]+$/;

function fail(field: string, why: string, value: unknown): never {
  throw new UsageError(`${field} ${why}, got ${JSON.stringify(value)}`);
}

function fraction(field: string, value: unknown, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value >= max) fail(field, `must be a number in [0, ${max})`, value);
  return value;
}

function fractions(field: string, value: unknown, max: number): Fractions {
  if (typeof value === 'number') return fraction(field, value, max);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(field, 'must be a number or a map of layer name to number', value);
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) fail(field, 'must name at least one layer', value);
  const out: Record<string, number> = {};
  for (const [layer, v] of entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!LAYER_NAME.test(layer)) fail(`${field}.${layer}`, 'is not a layer name', layer);
    out[layer] = fraction(`${field}.${layer}`, v, max);
  }
  return out;
}

function selection(field: string, value: unknown): string {
  if (value === false || value === null) return 'none';
  if (value === true) return 'all';
  const names = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',').map((s) => s.trim()) : undefined;
  if (names === undefined || names.length === 0) fail(field, "must be 'none', 'all' or layer names", value);
  if (names.length === 1 && (names[0] === 'none' || names[0] === 'all')) return names[0];
  for (const n of names) if (typeof n !== 'string' || !LAYER_NAME.test(n)) fail(field, "must be 'none', 'all' or layer names", value);
  return [...new Set(names as string[])].sort().join(',');
}

function integer(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) fail(field, `must be an integer in [${min}, ${max}]`, value);
  return value;
}

/** `conv:16,dense:4`, `16`, {conv: 16} → the canonical text form (keys sorted), or null. */
function clusterSpec(field: string, value: unknown): string | null {
  if (value === null) return null;
  let entries: Array<[string, unknown]>;
  if (typeof value === 'number') return String(integer(field, value, 2, 256));
  if (typeof value === 'string') {
    if (/^\s*\d+\s*$/.test(value)) return String(integer(field, Number(value), 2, 256));
    entries = value.split(',').map((part) => {
      const m = /^\s*([^:\s]+)\s*:\s*(\d+)\s*$/.exec(part);
      if (!m) fail(field, 'must be null, a number or a spec like conv:16,dense:4', value);
      return [m[1]!, Number(m[2])];
    });
  } else if (typeof value === 'object' && !Array.isArray(value)) {
    entries = Object.entries(value as Record<string, unknown>);
  } else {
    fail(field, 'must be null, a number or a spec like conv:16,dense:4', value);
  }
  if (entries.length === 0) fail(field, 'must name at least one layer kind or layer', value);
  return entries
    .map(([key, k]) => {
      if (!LAYER_NAME.test(key)) fail(field, 'must be null, a number or a spec like conv:16,dense:4', value);
      return [key, integer(`${field}.${key}`, k, 2, 256)] as const;
    })
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, k]) => `${key}:${k}`)
    .join(',');
}

/**
 * Validate and normalize one knob's value; `field` names it in errors (e.g. `space.knobs.width[1]`).
 *
 * @example
 * normalizeKnob('clusters', { dense: 4, conv: 16 }, 'clusters'); // 'conv:16,dense:4'
 */
export function normalizeKnob<K extends KnobName>(knob: K, value: unknown, field: string): TrialConfig[K] {
  const v = ((): unknown => {
    switch (knob) {
      case 'width':
        if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 1) fail(field, 'must be a number in (0, 1]', value);
        return value;
      case 'separable':
      case 'factorize':
        return selection(field, value);
      case 'filterPrune':
        return fractions(field, value, 0.99);
      case 'sparsity':
        return fractions(field, value, 0.999);
      case 'bits':
        return value === null ? null : integer(field, value, 2, 8);
      case 'clusters':
        return clusterSpec(field, value);
      case 'epochs':
        return integer(field, value, 1, 100);
      case 'fineTuneEpochs':
        return integer(field, value, 0, 100);
      case 'huffman':
      case 'distill':
        if (typeof value !== 'boolean') fail(field, 'must be true or false', value);
        return value;
      default:
        return fail(field, `is not a knob (knobs: ${KNOBS.join(', ')})`, knob);
    }
  })();
  return v as TrialConfig[K];
}

/**
 * A complete, normalized config from a partial one (unset knobs take DEFAULT_TRIAL), or a UsageError
 * naming the bad field. Combinations that cannot run together are refused here too.
 */
export function normalizeConfig(partial: Record<string, unknown>, field = 'config'): TrialConfig {
  const config: Record<string, unknown> = { ...DEFAULT_TRIAL };
  for (const [knob, value] of Object.entries(partial)) {
    if (!(KNOBS as readonly string[]).includes(knob)) fail(`${field}.${knob}`, `is not a knob (knobs: ${KNOBS.join(', ')})`, knob);
    config[knob] = normalizeKnob(knob as KnobName, value, `${field}.${knob}`);
  }
  const c = config as unknown as TrialConfig;
  const conflict = configConflict(c);
  if (conflict) throw new UsageError(`${field}: ${conflict}`);
  return c;
}

/** Why a normalized config cannot run, or undefined (grid strategies skip such combinations). */
export function configConflict(c: TrialConfig): string | undefined {
  if (c.bits !== null && c.clusters !== null) return 'bits and clusters are exclusive (one weight-sharing method per trial)';
  if (c.separable !== 'none' && c.factorize !== 'none') {
    const s = c.separable.split(',');
    const f = c.factorize.split(',');
    if (c.separable === 'all' || c.factorize === 'all' || s.some((n) => f.includes(n))) return 'a layer cannot be both separable and factorized';
  }
  return undefined;
}

/**
 * Canonical JSON: keys in KNOBS order, maps sorted, so equal configs serialize equally; a later knob
 * at its default is left out (LATER_KNOBS).
 */
export function canonicalConfig(c: TrialConfig): string {
  return JSON.stringify(KNOBS.filter((k) => !(k in LATER_KNOBS) || c[k] !== LATER_KNOBS[k]).map((k) => [k, c[k]]));
}

/** Whether a config changes the network's structure (so `compress` alone cannot reproduce it). */
export function isRestructured(c: TrialConfig): boolean {
  return c.width !== 1 || c.separable !== 'none' || c.factorize !== 'none';
}

function hasAny(f: Fractions): boolean {
  return typeof f === 'number' ? f > 0 : Object.values(f).some((v) => v > 0);
}

/** `0.9`, or per layer `(.97/.9/.7)` in layer-name order. */
function fractionsLabel(f: Fractions): string {
  return typeof f === 'number' ? String(f) : `(${Object.values(f).map((v) => String(v).replace(/^0\./, '.')).join('/')})`;
}

/** `conv:16,dense:4` as is; per-layer-name specs as `(8/4/16)`. */
function clustersLabel(spec: string): string {
  const parts = spec.split(',').map((p) => p.split(':'));
  const byKind = parts.every(([key]) => key === 'conv' || key === 'dense' || key === 'depthwise') || parts.length === 1;
  return byKind ? `=${spec}` : `(${parts.map(([, k]) => k).join('/')})`;
}

/**
 * A short human label for charts and tables, e.g. `w0.5 sep s0.9 k=conv:16,dense:4`.
 *
 * @example
 * trialLabel({ ...DEFAULT_TRIAL, sparsity: 0.9 }); // 's0.9'
 */
export function trialLabel(c: TrialConfig): string {
  const parts: string[] = [];
  if (c.width !== 1) parts.push(`w${c.width}`);
  if (c.separable !== 'none') parts.push(c.separable === 'all' ? 'sep' : `sep(${c.separable})`);
  if (c.factorize !== 'none') parts.push(c.factorize === 'all' ? 'fact' : `fact(${c.factorize})`);
  if (hasAny(c.filterPrune)) parts.push(`f${fractionsLabel(c.filterPrune)}`);
  if (hasAny(c.sparsity)) parts.push(`s${fractionsLabel(c.sparsity)}`);
  if (c.bits !== null) parts.push(`${c.bits}b`);
  if (c.clusters !== null) parts.push(`k${clustersLabel(c.clusters)}`);
  if (c.distill) parts.push('kd');
  return parts.length > 0 ? parts.join(' ') : 'base';
}

/** True when any fraction is above zero. */
export function anyFraction(f: Fractions): boolean {
  return hasAny(f);
}
