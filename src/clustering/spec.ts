/** Cluster counts as values and as the spec text the CLI takes, and the defaults (no TF.js here). */
import { UsageError } from '../errors.js';
import type { ClusterInit } from './kmeans-init.js';

export type ClusterSpec = number | Record<string, number>;

export const CLUSTER_DEFAULTS = { init: 'linear' as ClusterInit, preserveSparsity: false, seed: 1 };

/** Centroid fine-tuning that brings LeNet-5 conv:16,dense:4 within 0.2 points (docs/quantization.md). */
export const CLUSTER_FINE_TUNE_DEFAULTS = { epochs: 1, learningRate: 1e-4 };

/**
 * Parse `16` or `conv:16,dense:4` (kinds or layer names) into a ClusterSpec.
 *
 * @example
 * parseClusterSpec('conv:16,dense:4'); // { conv: 16, dense: 4 }
 */
export function parseClusterSpec(text: string): ClusterSpec {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const spec: Record<string, number> = {};
  for (const part of trimmed.split(',')) {
    const match = /^\s*([^:\s]+)\s*:\s*(\d+)\s*$/.exec(part);
    if (!match) throw new UsageError(`\`clusters\` must be a number or a list like conv:16,dense:4, got ${JSON.stringify(text)}`, { option: 'clusters' });
    spec[match[1]!] = Number(match[2]);
  }
  return spec;
}

/**
 * The text form of a ClusterSpec that parseClusterSpec reads back (`separator` between entries).
 *
 * @example
 * formatClusterSpec({ conv: 16, dense: 8 }); // 'conv:16,dense:8'
 */
export function formatClusterSpec(spec: ClusterSpec, separator = ','): string {
  return typeof spec === 'number' ? String(spec) : Object.entries(spec).map(([kind, k]) => `${kind}:${k}`).join(separator);
}
