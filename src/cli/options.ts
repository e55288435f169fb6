/**
 * Flag parsers shared by every command. Each throws UsageError naming the flag and the bad value,
 * so a typo is one line and exit code 2, before any work starts.
 */
import { Option } from 'commander';
import { UsageError } from '../errors.js';

export function positiveInt(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
      throw new UsageError(`${flag} must be a positive integer, got ${JSON.stringify(value)}`);
    }
    return n;
  };
}

export function nonNegativeInt(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n)) {
      throw new UsageError(`${flag} must be a non-negative integer, got ${JSON.stringify(value)}`);
    }
    return n;
  };
}

export function positiveNumber(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
      throw new UsageError(`${flag} must be a positive number, got ${JSON.stringify(value)}`);
    }
    return n;
  };
}

/** A number in [min, max) or [min, max]. */
export function numberInRange(flag: string, min: number, max: number, maxInclusive = false): (value: string) => number {
  return (value) => {
    const n = Number(value);
    const ok = value.trim() !== '' && Number.isFinite(n) && n >= min && (maxInclusive ? n <= max : n < max);
    if (!ok) throw new UsageError(`${flag} must be in [${min}, ${max}${maxInclusive ? ']' : ')'}, got ${JSON.stringify(value)}`);
    return n;
  };
}

export function oneOf<T extends string>(flag: string, allowed: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(allowed as readonly string[]).includes(value)) {
      throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
    }
    return value as T;
  };
}

/** Options every command accepts. */
export interface CommonOptions {
  json?: boolean;
  seed?: number;
  debug?: boolean;
  backend?: 'wasm' | 'cpu';
}

/**
 * An option with a fixed set of values: --help lists them ("choices: …") and a bad value fails with
 * our one-line message ("--init must be one of …, got …") rather than commander's.
 */
export function choiceOption<T extends string>(flags: string, description: string, allowed: readonly T[]): Option {
  const flag = flags.split(/[ ,]/).find((f) => f.startsWith('--'))!;
  return new Option(flags, description).choices(allowed).argParser(oneOf(flag, allowed));
}

/**
 * An option whose default is not a fixed value (it depends on other flags or the model), shown as
 * "(default: text)" like commander's fixed defaults.
 */
export function optionWithDefaultText(flags: string, description: string, text: string, parse?: (value: string) => unknown): Option {
  const option = new Option(flags, description);
  if (parse) option.argParser(parse);
  option.defaultValueDescription = text;
  return option;
}
