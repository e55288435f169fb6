/**
 * Validation of a TF.js weights manifest read from an untrusted model.json: shapes must be small
 * non-negative integers, dtypes known, quantization fields well-formed, and the byte total is
 * computed before any shard is trusted.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { RuntimeError } from '../errors.js';

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };
const QUANT_BYTES: Record<string, number> = { uint8: 1, uint16: 2, float16: 2 };
/** No single weight tensor we accept has more elements than this (4 GiB of float32). */
const MAX_ELEMENTS = 2 ** 30;

export interface ManifestGroup {
  paths: string[];
  weights: tf.io.WeightsManifestEntry[];
}

export function parseWeightsManifest(manifest: unknown, where: string): ManifestGroup[] {
  if (manifest === undefined) return [];
  if (!Array.isArray(manifest)) throw new RuntimeError(`${where}: weightsManifest is not a list`);
  return manifest.map((group, g) => {
    if (typeof group !== 'object' || group === null) throw new RuntimeError(`${where}: weightsManifest[${g}] is not an object`);
    const { paths, weights } = group as { paths?: unknown; weights?: unknown };
    if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string')) {
      throw new RuntimeError(`${where}: weightsManifest[${g}].paths must be a list of file names`);
    }
    if (!Array.isArray(weights)) throw new RuntimeError(`${where}: weightsManifest[${g}].weights is not a list`);
    return { paths: paths as string[], weights: weights.map((w, i) => checkEntry(w, `${where}: weight ${g}.${i}`)) };
  });
}

function checkEntry(entry: unknown, where: string): tf.io.WeightsManifestEntry {
  if (typeof entry !== 'object' || entry === null) throw new RuntimeError(`${where} is not an object`);
  const e = entry as Record<string, unknown>;
  if (typeof e['name'] !== 'string') throw new RuntimeError(`${where} has no name`);
  const name = e['name'];
  if (typeof e['dtype'] !== 'string' || !(e['dtype'] in DTYPE_BYTES)) {
    throw new RuntimeError(`${where} (${name}) has unsupported dtype ${JSON.stringify(e['dtype'])}`);
  }
  const shape = e['shape'];
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0 && d <= MAX_ELEMENTS)) {
    throw new RuntimeError(`${where} (${name}) has an invalid shape ${JSON.stringify(shape)}`);
  }
  if (elementCount(shape as number[]) > MAX_ELEMENTS) throw new RuntimeError(`${where} (${name}) declares too many elements`);
  const q = e['quantization'];
  if (q !== undefined) {
    if (typeof q !== 'object' || q === null) throw new RuntimeError(`${where} (${name}) has invalid quantization`);
    const qd = (q as Record<string, unknown>)['dtype'];
    if (typeof qd !== 'string' || !(qd in QUANT_BYTES)) {
      throw new RuntimeError(`${where} (${name}) has unsupported quantization dtype ${JSON.stringify(qd)}`);
    }
    if (qd !== 'float16') {
      const { scale, min } = q as Record<string, unknown>;
      if (typeof scale !== 'number' || typeof min !== 'number' || !Number.isFinite(scale) || !Number.isFinite(min)) {
        throw new RuntimeError(`${where} (${name}) quantization needs finite scale and min`);
      }
    }
  }
  return entry as tf.io.WeightsManifestEntry;
}

function elementCount(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Values these entries hold once loaded (quantized weights are dequantized to float32). */
export function expectedElements(weights: tf.io.WeightsManifestEntry[]): number {
  return weights.reduce((sum, w) => sum + elementCount(w.shape), 0);
}

/** Bytes the shards of a group must hold for these entries. */
export function expectedShardBytes(weights: tf.io.WeightsManifestEntry[]): number {
  let total = 0;
  for (const w of weights) {
    const per = w.quantization ? QUANT_BYTES[w.quantization.dtype]! : DTYPE_BYTES[w.dtype]!;
    total += elementCount(w.shape) * per;
  }
  return total;
}
