/**
 * The two kinds of failure a caller can cause, at the ground of the project: every layer throws
 * them, none of them imports anything. Messages are worded for a library caller and name the option
 * by its library name ("epochs must be a positive integer, got 0"); the CLI maps them to exit codes
 * (usage → 2, runtime → 1) and, through `option`, to its flag ("--epochs must …"). No imports, so
 * standard-library-only modules (the .snn reader, the runtime) share these classes in a browser.
 * Every message is one printable line, whatever names it quotes (see `printable`).
 */

const ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * A message with its control characters written as escapes (`\n`, `\u001b`): names in messages come
 * from files, folders and URLs, and a file named "a\nb.png" or one holding a terminal escape must not
 * break a one-line error or drive the terminal it is printed on (found by fuzzing image folders).
 */
export function printable(message: string): string {
  // eslint-disable-next-line no-control-regex
  return message.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export interface UsageErrorOptions {
  /** The option the message is about, by its library (camelCase) name: `epochs`, `batchSize`, `out`. */
  option?: string;
}

/** A bad option, argument or config value: the message names the value. CLI exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** The option the message starts with, when it is about one (see UsageErrorOptions). */
  readonly option: string | undefined;

  constructor(message: string, options: UsageErrorOptions = {}) {
    super(printable(message));
    this.option = options.option;
  }
}

/** Bad input data or an environment failure (missing file, corrupt model). CLI exit code 1. */
export class RuntimeError extends Error {
  override readonly name = 'RuntimeError';
  /** An option the message names in backticks (e.g. a way around the failure), as for UsageError. */
  readonly option: string | undefined;

  constructor(message: string, options: UsageErrorOptions = {}) {
    super(printable(message));
    this.option = options.option;
  }
}

/**
 * Validate a caller-supplied value in one line. With `option`, the message should start with that
 * option's name so the CLI can show its flag instead.
 */
export function usageCheck(condition: boolean, message: () => string, option?: string): asserts condition {
  if (!condition) throw new UsageError(message(), option === undefined ? {} : { option });
}
