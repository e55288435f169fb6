/**
 * Per-layer fractions as the command line writes them: `0.9` (every eligible layer) or
 * `conv1:0.6,fc1:0.97` (only the named layers). Used by `compress --sparsity` / `--remove-filters`
 * and by the recipes `explore` prints, so a printed recipe parses back to the same settings.
 */
import { UsageError } from '../errors.js';

/** One fraction for every eligible layer, or one per layer name (only those layers). */
export type LayerFractions = number | Record<string, number>;

/**
 * Parse `0.9` or `conv1:0.6,fc1:0.97`; each fraction must be in [0, `max`). Errors name the option
 * as `name` (default: the library option in backticks; the CLI passes the flag the user typed).
 *
 * @example
 * parseLayerFractions('fc1:0.97,fc2:0.9', 'prune'); // { fc1: 0.97, fc2: 0.9 }
 */
export function parseLayerFractions(text: string, option: string, max = 1, name = `\`${option}\``): LayerFractions {
  const bad = (why: string) => new UsageError(`${name} ${why}, got ${JSON.stringify(text)}`, { option });
  const fraction = (s: string): number => {
    const v = Number(s);
    if (s.trim() === '' || !Number.isFinite(v) || v < 0 || v >= max) throw bad(`must be in [0, ${max}) or a list like fc1:0.9,fc2:0.8`);
    return v;
  };
  const trimmed = text.trim();
  if (!trimmed.includes(':')) return fraction(trimmed);
  const out: Record<string, number> = {};
  for (const part of trimmed.split(',')) {
    const m = /^\s*([^:\s,]+)\s*:\s*([^\s,]+)\s*$/.exec(part);
    if (!m) throw bad('must be a fraction or a list like fc1:0.9,fc2:0.8');
    if (out[m[1]!] !== undefined) throw bad(`names layer ${m[1]} twice`);
    out[m[1]!] = fraction(m[2]!);
  }
  return out;
}

/**
 * The text form parseLayerFractions reads back (layers in the given order, shortest exact decimals).
 *
 * @example
 * formatLayerFractions({ fc1: 0.97, fc2: 0.9 }); // 'fc1:0.97,fc2:0.9'
 */
export function formatLayerFractions(f: LayerFractions): string {
  return typeof f === 'number' ? String(f) : Object.entries(f).map(([layer, v]) => `${layer}:${v}`).join(',');
}
