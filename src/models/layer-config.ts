/**
 * Reading one layer's config from an untrusted Keras/TF.js topology the way TF.js will read it
 * (keys and string values in camelCase, last duplicate key wins, numbers or n-tuples for sizes),
 * with every value checked: a bad value is a one-line RuntimeError naming the layer and the field,
 * never a default silently taken.
 */
import { RuntimeError } from '../errors.js';

/** Largest integer accepted for a size in a layer config (units, filters, kernel size, stride …). */
export const MAX_CONFIG_INT = 2 ** 24;

/** TF.js's snake_case → camelCase (generic_utils.toCamelCase), so we read keys as TF.js does. */
export function toCamelCase(identifier: string): string {
  if (identifier.length <= 1 || !identifier.includes('_')) return identifier;
  return identifier.replace(/[_]+(\w|$)/g, (_m, p1: string) => p1.toUpperCase());
}

/** The keys of `object` as TF.js's convertPythonicToTs names them (one level; later duplicates win). */
export function camelKeys(object: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(object)) out[toCamelCase(key)] = object[key];
  return out;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Typed, checked access to a layer config; `where` names the layer in messages. */
export class LayerConfig {
  readonly values: Record<string, unknown>;

  constructor(
    config: Record<string, unknown>,
    readonly where: string,
  ) {
    this.values = camelKeys(config);
  }

  fail(message: string): never {
    throw new RuntimeError(`${this.where}: ${message}`);
  }

  has(key: string): boolean {
    const v = this.values[key];
    return v !== undefined && v !== null;
  }

  /** An integer in [min, MAX_CONFIG_INT]; `fallback` when absent or null. */
  int(key: string, fallback?: number, min = 1): number {
    const v = this.values[key];
    if (v === undefined || v === null) {
      if (fallback === undefined) this.fail(`\`${key}\` is missing`);
      return fallback;
    }
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > MAX_CONFIG_INT) {
      this.fail(`\`${key}\` must be an integer from ${min} to ${MAX_CONFIG_INT}, got ${JSON.stringify(v)}`);
    }
    return v;
  }

  /** A size given as one integer or an n-tuple of integers (TF.js normalizeArray). */
  ints(key: string, n: number, fallback: number[] | undefined, min = 1): number[] {
    const v = this.values[key];
    if (v === undefined || v === null) {
      if (fallback === undefined) this.fail(`\`${key}\` is missing`);
      return fallback;
    }
    const list = typeof v === 'number' ? Array<number>(n).fill(v) : v;
    if (!Array.isArray(list) || list.length !== n || !list.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= min && d <= MAX_CONFIG_INT)) {
      this.fail(`\`${key}\` must be an integer or ${n} integers from ${min} to ${MAX_CONFIG_INT}, got ${JSON.stringify(v)}`);
    }
    return list as number[];
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.values[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') this.fail(`\`${key}\` must be true or false, got ${JSON.stringify(v)}`);
    return v;
  }

  /** One of `choices` (compared in camelCase, as TF.js converts string values). */
  choice<T extends string>(key: string, choices: readonly T[], fallback: T): T {
    const v = this.values[key];
    if (v === undefined || v === null) return fallback;
    const converted = typeof v === 'string' ? toCamelCase(v) : v;
    if (!choices.includes(converted as T)) this.fail(`\`${key}\` must be one of ${choices.join(', ')}, got ${JSON.stringify(v)}`);
    return converted as T;
  }

  /** `dataFormat`: channelsLast (default) or channelsFirst. */
  channelsFirst(): boolean {
    return this.choice('dataFormat', ['channelsLast', 'channelsFirst'] as const, 'channelsLast') === 'channelsFirst';
  }

  /** `padding` of a 2-D convolution or pooling. */
  padding(): 'valid' | 'same' {
    return this.choice('padding', ['valid', 'same'] as const, 'valid');
  }
}
