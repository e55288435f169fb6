/**
 * Per-layer params and MACs before and after a restructuring, from the analysis' model
 * descriptions. New layers are attributed to the original layer they replace by name: `conv1_dw`,
 * `conv1_pw` and `conv1_a` come from `conv1` (the longest original name they extend with `_`).
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { describeModel } from '../analysis/describe.js';
import type { Cell } from '../analysis/text-table.js';

export interface LayerChange {
  /** The original layer. */
  layer: string;
  className: string;
  /** The layers standing in for it (its own name when kept). */
  became: string[];
  paramsBefore: number;
  paramsAfter: number;
  macsBefore: number;
  macsAfter: number;
}

export interface Comparison {
  layers: LayerChange[];
  paramsBefore: number;
  paramsAfter: number;
  macsBefore: number;
  macsAfter: number;
}

/** The original layer a new layer name stands in for, or undefined. */
export function originOf(name: string, originals: readonly string[]): string | undefined {
  if (originals.includes(name)) return name;
  let best: string | undefined;
  for (const o of originals) if (name.startsWith(`${o}_`) && (best === undefined || o.length > best.length)) best = o;
  return best;
}

/**
 * Compare two models layer by layer (only layers with weights or MACs are listed).
 *
 * @example
 * const c = compareModels(lenet5(), separable(lenet5()));
 * c.layers[1]; // { layer: 'conv2', became: ['conv2_dw', 'conv2_pw'], paramsBefore: 25050, paramsAfter: 1550, … }
 */
export function compareModels(before: tfl.LayersModel, after: tfl.LayersModel): Comparison {
  const old = describeModel(before, { measureSparsity: false }).layers;
  const now = describeModel(after, { measureSparsity: false }).layers;
  const names = old.map((l) => l.name);
  const rows = new Map<string, LayerChange>(
    old.map((l) => [l.name, { layer: l.name, className: l.className, became: [], paramsBefore: l.params, paramsAfter: 0, macsBefore: l.macs, macsAfter: 0 }]),
  );
  for (const l of now) {
    const origin = originOf(l.name, names);
    let row = origin === undefined ? undefined : rows.get(origin);
    if (row === undefined) {
      row = { layer: l.name, className: '(new)', became: [], paramsBefore: 0, paramsAfter: 0, macsBefore: 0, macsAfter: 0 };
      rows.set(l.name, row);
    }
    row.became.push(l.name);
    row.paramsAfter += l.params;
    row.macsAfter += l.macs;
  }
  const layers = [...rows.values()].filter((r) => r.paramsBefore + r.paramsAfter + r.macsBefore + r.macsAfter > 0);
  const sum = (f: (r: LayerChange) => number) => layers.reduce((s, r) => s + f(r), 0);
  return {
    layers,
    paramsBefore: sum((r) => r.paramsBefore),
    paramsAfter: sum((r) => r.paramsAfter),
    macsBefore: sum((r) => r.macsBefore),
    macsAfter: sum((r) => r.macsAfter),
  };
}

/** "−61.9%" style change; saving is negative. */
function change(before: number, after: number): string {
  if (before === 0) return after === 0 ? '0%' : 'new';
  const pct = ((after - before) / before) * 100;
  return `${pct > 0 ? '+' : ''}${pct.toFixed(1)}%`;
}

export const COMPARISON_HEAD = ['layer', 'became', 'params before', 'params after', 'Δ params', 'MACs before', 'MACs after', 'Δ MACs'];

/** Table rows (with a total row) for `printTable(COMPARISON_HEAD, …)`. */
export function comparisonRows(c: Comparison): Cell[][] {
  const rows: Cell[][] = c.layers.map((r) => [
    r.layer,
    r.became.join(' + '),
    r.paramsBefore,
    r.paramsAfter,
    change(r.paramsBefore, r.paramsAfter),
    r.macsBefore,
    r.macsAfter,
    change(r.macsBefore, r.macsAfter),
  ]);
  rows.push(['total', '', c.paramsBefore, c.paramsAfter, change(c.paramsBefore, c.paramsAfter), c.macsBefore, c.macsAfter, change(c.macsBefore, c.macsAfter)]);
  return rows;
}
