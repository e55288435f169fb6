/**
 * Plain-text tables for terminals (cli-table3): the one renderer every report uses, so numbers
 * look the same everywhere — integers with thousands separators, right-aligned.
 */
import Table from 'cli-table3';

export type Cell = string | number | null | undefined;

/** Render a table as a string (right-aligns columns holding numbers). */
export function renderTable(head: readonly string[], rows: readonly Cell[][]): string {
  const table = new Table({
    head: [...head],
    style: { head: [], border: [] },
    colAligns: head.map((_, i) => (rows.some((r) => typeof r[i] === 'number') ? 'right' : 'left')),
  });
  for (const row of rows) table.push(row.map(formatCell));
  return table.toString();
}

function formatCell(cell: Cell): string {
  if (cell === null || cell === undefined) return '–';
  if (typeof cell === 'number') {
    if (Number.isInteger(cell)) return cell.toLocaleString('en-US');
    return Math.abs(cell) >= 100 ? cell.toFixed(1) : cell.toPrecision(4);
  }
  return cell;
}
