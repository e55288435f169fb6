/**
 * The two kinds of failure a user can cause. The CLI maps them to exit codes (usage → 2,
 * runtime → 1) and prints only the one-line message; anything else is a bug and keeps its stack
 * under `--debug`. This file has no imports so that standard-library-only modules (the .snn reader)
 * can share these classes.
 */

/** A bad flag, option or config value: the message names the value. CLI exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Bad input data or an environment failure (missing file, corrupt model). CLI exit code 1. */
export class RuntimeError extends Error {
  override readonly name = 'RuntimeError';
}

/** Shorthand for validating a user-supplied value in one line. */
export function usageCheck(condition: boolean, message: () => string): asserts condition {
  if (!condition) throw new UsageError(message());
}
