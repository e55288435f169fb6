/**
 * Which layers a restructuring touches: 'all' eligible layers, or a list of names that must each
 * exist and be eligible. Misspelt or ineligible names are UsageErrors naming the layer, so a typo
 * never silently restructures nothing.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { UsageError } from '../errors.js';

/** 'all' eligible layers, or layer names. */
export type LayerSelection = 'all' | readonly string[];

/**
 * Resolve a selection against a model. `eligible` returns undefined for layers the transform can
 * handle, or the reason it cannot.
 */
export function selectLayers(
  model: tfl.LayersModel,
  selection: LayerSelection,
  what: string,
  eligible: (layer: tfl.layers.Layer) => string | undefined,
): Set<string> {
  if (selection === 'all') {
    const names = model.layers.filter((l) => eligible(l) === undefined).map((l) => l.name);
    if (names.length === 0) throw new UsageError(`${what}: model '${model.name}' has no layer it can restructure`);
    return new Set(names);
  }
  if (selection.length === 0) throw new UsageError(`${what}: no layers given`);
  const byName = new Map(model.layers.map((l) => [l.name, l]));
  for (const name of selection) {
    const layer = byName.get(name);
    if (layer === undefined) {
      const candidates = model.layers.filter((l) => eligible(l) === undefined).map((l) => l.name);
      throw new UsageError(`${what}: no layer named '${name}' (eligible: ${candidates.join(', ') || 'none'})`);
    }
    const reason = eligible(layer);
    if (reason !== undefined) throw new UsageError(`${what}: layer '${name}' ${reason}`);
  }
  return new Set(selection);
}

/** Parse a CLI value: `all` or comma-separated names. */
export function parseSelection(flag: string, value: string): LayerSelection {
  const trimmed = value.trim();
  if (trimmed === 'all') return 'all';
  const names = trimmed.split(',').map((s) => s.trim());
  if (names.some((n) => n === '')) throw new UsageError(`${flag} must be 'all' or comma-separated layer names, got ${JSON.stringify(value)}`);
  return names;
}
