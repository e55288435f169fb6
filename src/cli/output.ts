/**
 * Where the CLI writes: humans read stderr (progress bars, tables, notes), programs read stdout
 * (with --json, the last stdout line is one JSON object).
 */
import { renderTable, type Cell } from '../analysis/text-table.js';
import { messageWithFlags } from './flag-names.js';

/** A note for the human on stderr. */
export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** A library's note for the human on stderr: backticked option names become the flags the user typed. */
export function note(message: string): void {
  log(messageWithFlags(message));
}

/** The command's machine-readable result: exactly one line on stdout. */
export function emitJson(result: object): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Print a table on stderr. */
export function printTable(head: readonly string[], rows: readonly Cell[][]): void {
  log(renderTable(head, rows));
}
