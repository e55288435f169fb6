/**
 * Tables: the one renderer every report uses, so numbers look the same everywhere. Three forms:
 * - `table` (terminals, cli-table3): at most 120 columns (wide text columns wrap, notes go below the
 *   table), a rule under the header and none between rows, integers with thousands separators,
 *   columns of numbers right-aligned;
 * - `markdown`: a GitHub table, the same formatted cells;
 * - `csv` (csv-stringify): raw numbers without separators, for spreadsheets and scripts.
 */
import Table from 'cli-table3';
import { stringify } from 'csv-stringify/sync';

export type Cell = string | number | null | undefined;

/** A column: a header, or a header with how to show its numbers. */
export interface ColumnSpec {
  header: string;
  /** Decimals for this column's non-integer numbers (default: 4 significant digits, 1 decimal from 100). */
  digits?: number;
  /** Default: right when every cell is a number or reads as one ("98.70", "12.3×", "–"). */
  align?: 'left' | 'right';
  /**
   * In `table` form the column's text is moved below the table as numbered notes (the row's first
   * cell gets the note's number), so long explanations never widen the table.
   */
  footnote?: boolean;
}

export type Column = string | ColumnSpec;

export const TABLE_FORMATS = ['table', 'markdown', 'csv'] as const;
export type TableFormat = (typeof TABLE_FORMATS)[number];

export interface RenderOptions {
  format?: TableFormat;
  /** Widest `table` output in terminal columns (default 120). */
  maxWidth?: number;
  /** Lines printed under the table (in `csv` form: dropped, a CSV file holds only the table). */
  notes?: readonly string[];
}

export const DEFAULT_TABLE_WIDTH = 120;
/** Narrowest a wrapped text column gets. */
const MIN_WRAP_WIDTH = 12;
const NUMERIC = /^[-+−]?(\d{1,3}(,\d{3})*|\d+)?(\.\d+)?(e[-+]?\d+)?\s?(%|×|x|s|ms)?$/i;

/**
 * Render rows under their column headers.
 *
 * @example
 * renderTable(['layer', { header: 'acc %', digits: 2 }], [['conv1', 98.7], ['fc', 97.25]]);
 * renderTable(['layer', 'params'], [['conv1', 500]], { format: 'csv' }); // "layer,params\nconv1,500\n"
 */
export function renderTable(columns: readonly Column[], rows: readonly Cell[][], options: RenderOptions = {}): string {
  const specs = columns.map((c): ColumnSpec => (typeof c === 'string' ? { header: c } : c));
  const format = options.format ?? 'table';
  if (format === 'csv') {
    const records = rows.map((row) => specs.map((_, i) => csvCell(row[i])));
    return stringify([specs.map((s) => s.header), ...records]).replace(/\n$/, '');
  }
  const text = rows.map((row) => specs.map((spec, i) => formatCell(row[i], spec)));
  const aligns = specs.map((spec, i) => spec.align ?? (rows.length > 0 && rows.every((r) => readsAsNumber(r[i])) ? 'right' : 'left'));
  if (format === 'markdown') return withNotes(markdown(specs, text, aligns), options.notes);
  return renderTerminal(specs, text, aligns, options);
}

function renderTerminal(specs: ColumnSpec[], text: string[][], aligns: Array<'left' | 'right'>, options: RenderOptions): string {
  const footnotes: string[] = [];
  const kept = specs.map((s, i) => (s.footnote ? -1 : i)).filter((i) => i >= 0);
  const cells = text.map((row) => {
    const notes = specs.map((s, i) => (s.footnote ? row[i]! : '')).filter((n) => n !== '');
    const out = kept.map((i) => row[i]!);
    if (notes.length > 0) {
      footnotes.push(`[${footnotes.length + 1}] ${notes.join('; ')}`);
      out[0] = `${out[0]} [${footnotes.length}]`;
    }
    return out;
  });
  const head = kept.map((i) => specs[i]!.header);
  const colAligns = kept.map((i) => aligns[i]!);
  const widths = fitWidths(head, cells, colAligns, options.maxWidth ?? DEFAULT_TABLE_WIDTH);
  const table = new Table({
    head,
    style: { head: [], border: [], compact: true },
    colAligns,
    colWidths: widths,
    wordWrap: true,
    wrapOnWordBoundary: true,
  });
  for (const row of cells) table.push(row);
  const maxWidth = options.maxWidth ?? DEFAULT_TABLE_WIDTH;
  return withNotes(table.toString(), [...footnotes, ...(options.notes ?? [])].map((n) => wrapLine(n, maxWidth)));
}

/** Word-wrap one line to `width` columns, continuation lines indented by 4. */
export function wrapLine(line: string, width: number): string {
  const out: string[] = [];
  let current = '';
  for (const word of line.split(' ')) {
    const candidate = current === '' ? word : `${current} ${word}`;
    if (displayWidth(candidate) <= width || current.trim() === '') current = candidate;
    else {
      out.push(current);
      current = `    ${word}`;
    }
  }
  out.push(current);
  return out.join('\n');
}

/**
 * Column widths (cell text + 2 padding) that fit `maxWidth` when they can: the widest
 * left-aligned (text) columns give up width first, down to MIN_WRAP_WIDTH; numbers never wrap.
 */
export function fitWidths(head: readonly string[], rows: readonly string[][], aligns: ReadonlyArray<'left' | 'right'>, maxWidth: number): number[] {
  const widths = head.map((h, i) => 2 + Math.max(displayWidth(h), ...rows.map((r) => maxLineWidth(r[i] ?? ''))));
  const total = () => widths.reduce((a, b) => a + b, 0) + widths.length + 1;
  for (;;) {
    const over = total() - maxWidth;
    if (over <= 0) break;
    const text = widths.map((w, i) => ({ w, i })).filter(({ w, i }) => aligns[i] === 'left' && w > MIN_WRAP_WIDTH + 2);
    if (text.length === 0) break;
    text.sort((a, b) => b.w - a.w);
    const widest = text[0]!;
    const next = text[1]?.w ?? MIN_WRAP_WIDTH + 2;
    widths[widest.i] = Math.max(MIN_WRAP_WIDTH + 2, Math.max(next, widest.w - over));
    if (widths[widest.i] === widest.w) widths[widest.i] = widest.w - 1;
  }
  return widths;
}

function markdown(specs: ColumnSpec[], text: string[][], aligns: Array<'left' | 'right'>): string {
  const escape = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const line = (cells: string[]) => `| ${cells.map(escape).join(' | ')} |`;
  const rule = `|${aligns.map((a) => (a === 'right' ? '---:' : '---')).join('|')}|`;
  return [line(specs.map((s) => s.header)), rule, ...text.map(line)].join('\n');
}

function withNotes(table: string, notes: readonly string[] | undefined): string {
  return notes && notes.length > 0 ? `${table}\n${notes.join('\n')}` : table;
}

/** A cell as shown in `table` and `markdown` forms. */
export function formatCell(cell: Cell, spec: ColumnSpec = { header: '' }): string {
  if (cell === null || cell === undefined) return '–';
  if (typeof cell === 'string') return cell;
  if (!Number.isFinite(cell)) return String(cell);
  if (spec.digits !== undefined) {
    return cell.toLocaleString('en-US', { minimumFractionDigits: spec.digits, maximumFractionDigits: spec.digits });
  }
  if (Number.isInteger(cell)) return cell.toLocaleString('en-US');
  return Math.abs(cell) >= 100 ? cell.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 }) : cell.toPrecision(4);
}

function csvCell(cell: Cell): string | number {
  if (cell === null || cell === undefined) return '';
  return cell;
}

function readsAsNumber(cell: Cell): boolean {
  if (cell === null || cell === undefined || typeof cell === 'number') return true;
  const s = cell.trim();
  return s === '' || s === '–' || NUMERIC.test(s);
}

function displayWidth(s: string): number {
  return [...s].length;
}

function maxLineWidth(s: string): number {
  return Math.max(0, ...s.split('\n').map(displayWidth));
}
