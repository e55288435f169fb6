/**
 * The `summary` table: one row per layer (Keras-summary style) and a totals row, rendered by
 * text-table (terminal, markdown or CSV). Rows are plain data so other reports can reuse them.
 */
import { renderTable, type Cell, type TableFormat } from './text-table.js';
import type { Shape } from './description.js';
import type { ModelSummary } from './summary.js';

export const SUMMARY_HEAD: readonly string[] = ['Layer (type)', 'Output shape', 'Params', 'MACs', 'Bytes', 'Energy (µJ)'];

export interface SummaryTableOptions {
  /** Also list layers with neither weights nor MACs (activations, padding, …); default false. */
  all?: boolean;
  /** How to render (default: terminal table). */
  format?: TableFormat;
}

/** Keras-style shape text: `(None, 112, 112, 32)`. */
export function formatShape(shape: Shape | Shape[]): string {
  const one = (s: Shape) => `(${s.map((d) => (d === null ? 'None' : String(d))).join(', ')})`;
  return shape.length > 0 && Array.isArray(shape[0]) ? (shape as Shape[]).map(one).join(' ') : one(shape as Shape);
}

function integer(n: number): string {
  return n.toLocaleString('en-US');
}

function energy(uj: number): string {
  if (uj === 0) return '0';
  return uj >= 100 ? uj.toFixed(1) : uj.toPrecision(3);
}

/** Table rows (strings, already formatted) ending with a totals row. */
export function summaryRows(summary: ModelSummary, options: SummaryTableOptions = {}): string[][] {
  const rows = summary.layers
    .filter((l) => options.all === true || l.params > 0 || l.macs > 0)
    .map((l) => [
      `${l.name} (${l.className})`, formatShape(l.outputShape), integer(l.params), integer(l.macs), integer(l.bytes),
      energy(l.energyMicrojoules),
    ]);
  rows.push(['Total', '', integer(summary.params), integer(summary.macs), integer(summary.bytes), energy(summary.energyMicrojoules)]);
  return rows;
}

/** The table plus a line saying where the weights were assumed to live. */
export function renderSummaryTable(summary: ModelSummary, options: SummaryTableOptions = {}): string {
  const format = options.format ?? 'table';
  const hidden = options.all === true ? 0 : summary.layers.filter((l) => l.params === 0 && l.macs === 0).length;
  const kib = (b: number) => `${(b / 1024).toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} KiB`;
  const where = summary.weightMemory === 'sram'
    ? `weights fit in on-chip SRAM (${kib(summary.bytes)} <= ${kib(summary.sramBytes)})`
    : `weights read from DRAM (${kib(summary.bytes)} > ${kib(summary.sramBytes)} SRAM budget)`;
  const notes = [`${summary.name}: ${where}; energy per inference from the 45 nm table (docs/energy.md)`];
  if (hidden > 0) notes.push(`${hidden} layers without weights or MACs not shown`);
  const columns = SUMMARY_HEAD.map((header, i) => ({ header, align: i < 2 ? ('left' as const) : ('right' as const) }));
  if (format === 'csv') return renderTable(columns, summaryNumbers(summary, options), { format });
  return renderTable(columns, summaryRows(summary, options), { format, notes });
}

/** The same rows with raw numbers (for CSV). */
function summaryNumbers(summary: ModelSummary, options: SummaryTableOptions): Cell[][] {
  const rows: Cell[][] = summary.layers
    .filter((l) => options.all === true || l.params > 0 || l.macs > 0)
    .map((l) => [`${l.name} (${l.className})`, formatShape(l.outputShape), l.params, l.macs, l.bytes, Number(l.energyMicrojoules.toPrecision(6))]);
  rows.push(['Total', '', summary.params, summary.macs, summary.bytes, Number(summary.energyMicrojoules.toPrecision(6))]);
  return rows;
}
