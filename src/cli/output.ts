/**
 * Where the CLI writes: humans read stderr (progress bars, tables, notes), programs read stdout
 * (with --json, the last stdout line is one JSON object).
 */
import Table from 'cli-table3';

/** A note for the human on stderr. */
export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** The command's machine-readable result: exactly one line on stdout. */
export function emitJson(result: object): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

export type Cell = string | number | null | undefined;

/** Render a table as a string (right-aligns numbers). */
export function renderTable(head: string[], rows: Cell[][]): string {
  const table = new Table({
    head,
    style: { head: [], border: [] },
    colAligns: head.map((_, i) => (rows.some((r) => typeof r[i] === 'number') ? 'right' : 'left')),
  });
  for (const row of rows) table.push(row.map(formatCell));
  return table.toString();
}

/** Print a table on stderr. */
export function printTable(head: string[], rows: Cell[][]): void {
  log(renderTable(head, rows));
}

function formatCell(cell: Cell): string {
  if (cell === null || cell === undefined) return '–';
  if (typeof cell === 'number') {
    if (Number.isInteger(cell)) return cell.toLocaleString('en-US');
    return Math.abs(cell) >= 100 ? cell.toFixed(1) : cell.toPrecision(4);
  }
  return cell;
}
