/**
 * Where the CLI writes. Results a person asked for (tables) go to stdout; progress, notes and
 * warnings to stderr. With --json, stdout holds only the one JSON line, so tables move to stderr.
 * `--format table|markdown|csv` picks how tables are rendered.
 */
import { renderTable, type Cell, type Column, type TableFormat } from '../analysis/text-table.js';
import { messageWithFlags } from './flag-names.js';

/** How the running command prints (set once per invocation by command.ts). */
const settings: { json: boolean; format: TableFormat } = { json: false, format: 'table' };

export function configureOutput(options: { json?: boolean; format?: TableFormat }): void {
  settings.json = options.json === true;
  settings.format = options.format ?? 'table';
}

/** A note for the human on stderr. */
export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** A library's note for the human on stderr: backticked option names become the flags the user typed. */
export function note(message: string): void {
  log(messageWithFlags(message));
}

/** A warning on stderr, marked so it stands out among progress lines. */
export function warn(message: string): void {
  process.stderr.write(`warning: ${message}\n`);
}

/** The command's machine-readable result: exactly one line on stdout. */
export function emitJson(result: object): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** A human-readable result line: stdout, or stderr under --json. */
export function printResult(message: string): void {
  (settings.json ? process.stderr : process.stdout).write(`${message}\n`);
}

/** Print a table in the chosen --format: stdout, or stderr under --json. */
export function printTable(columns: readonly Column[], rows: readonly Cell[][], notes?: readonly string[]): void {
  printResult(renderTable(columns, rows, { format: settings.format, ...(notes ? { notes } : {}) }));
}

/** Points of test accuracy a run may lose against its input before it warns. */
export const ACCURACY_DROP_WARNING_POINTS = 2;

/**
 * The warning for a run that ended more than ACCURACY_DROP_WARNING_POINTS below its input's test
 * accuracy (undefined when it did not, or when either accuracy is unknown).
 */
export function accuracyDropWarning(before: number | null | undefined, after: number | null | undefined, hint: string): string | undefined {
  if (before === null || before === undefined || after === null || after === undefined) return undefined;
  const points = (before - after) * 100;
  if (points <= ACCURACY_DROP_WARNING_POINTS) return undefined;
  return `test accuracy fell ${points.toFixed(2)} points (${(before * 100).toFixed(2)}% → ${(after * 100).toFixed(2)}%), more than ${ACCURACY_DROP_WARNING_POINTS}; ${hint}`;
}

/** Print accuracyDropWarning's line on stderr when there is one. */
export function warnOnAccuracyDrop(before: number | null | undefined, after: number | null | undefined, hint: string): void {
  const line = accuracyDropWarning(before, after, hint);
  if (line) warn(line);
}
