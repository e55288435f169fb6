/**
 * The single error class of the .snn reader and writer. It extends the project's RuntimeError (a bad
 * file is bad input data, CLI exit code 1); src/errors.ts has no imports, so the reader still
 * depends on nothing but the standard library and runs in a browser.
 */
import { RuntimeError } from '../errors.js';

/** A malformed, truncated, corrupted or unsupported .snn file, or an unencodable tensor. One-line message. */
export class SnnFormatError extends RuntimeError {
  constructor(message: string) {
    super(message);
    // RuntimeError declares `name` as a readonly literal; keep instances distinguishable in logs.
    Object.defineProperty(this, 'name', { value: 'SnnFormatError', enumerable: false, configurable: true });
  }
}

/** A tensor name quoted (and shortened) for a one-line message; JSON quoting escapes newlines. */
export function quoteName(name: string): string {
  return JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name);
}
