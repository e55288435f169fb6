/**
 * encodeTensorAuto: turns a weight tensor and a few hints into a concrete SnnTensor whose encoding is
 * the smallest the hints allow — sparse or dense storage, the best gap width, Huffman or fixed width
 * per stream — measured on the real streams, not estimated.
 */
import { SnnFormatError, quoteName } from './errors.js';
import { huffmanCodeLengths, huffmanPayloadBytes } from './huffman.js';
import { huffmanTableBytes } from './huffman-table.js';
import { MAX_CODE_LENGTH, MAX_GAP_BITS, type SnnDType, type SnnEncoding, type SnnTensor, type SnnValueEncoding } from './spec.js';
import { gapSymbolFrequencies, nonzeroPositions, zeroRuns } from './sparse.js';
import type { HuffmanChoice } from './streams.js';
import { affineParams, codebookIndexer, dequantizeAffine, quantizeAffine } from './values.js';
import { planTensor, type TensorPlan } from './writer.js';

export interface EncodingHint {
  /** The tensor's dtype in the model (default 'float32'). */
  dtype?: SnnDType;
  /** Codebook encoding with these centroids (values are mapped to the nearest one). */
  codebook?: Float32Array;
  /** Affine encoding with this many index bits (1..16). */
  bits?: number;
  /** Affine: one scale/zero point per slice of the last axis (default false). */
  perChannel?: boolean;
  /** Affine: an explicit grid (e.g. from quantization-aware training); default min/max of the values. */
  scales?: Float32Array;
  zeroPoints?: Int32Array;
  /** Without codebook/bits: store values as float16 instead of float32. */
  float16?: boolean;
  /** Relative-index sparse storage: 'auto' (default) = when smaller, or when only sparse keeps zeros exact. */
  sparse?: 'auto' | boolean;
  /** Gap width in bits (1..16) or 'auto' (default): the width giving the smallest gap stream. */
  gapBits?: 'auto' | number;
  /** Huffman coding of index and gap streams: 'auto' (default) = when smaller, true = whenever possible. */
  huffman?: 'auto' | boolean;
}

function valueEncoding(values: Float32Array, shape: readonly number[], hint: EncodingHint, label: string): SnnValueEncoding {
  if (hint.codebook !== undefined && hint.bits !== undefined) {
    throw new SnnFormatError(`${label}: choose either a codebook or affine bits, not both`);
  }
  if (hint.codebook !== undefined) return { kind: 'codebook', centroids: hint.codebook };
  if (hint.bits !== undefined) {
    const perChannel = hint.perChannel ?? false;
    if (!Number.isInteger(hint.bits) || hint.bits < 1 || hint.bits > 16) {
      throw new SnnFormatError(`${label}: affine bits must be an integer in [1, 16], got ${hint.bits}`);
    }
    if ((hint.scales === undefined) !== (hint.zeroPoints === undefined)) {
      throw new SnnFormatError(`${label}: give both scales and zero points, or neither`);
    }
    const grid = hint.scales && hint.zeroPoints ? { scales: hint.scales, zeroPoints: hint.zeroPoints } : affineParams(values, shape, hint.bits, perChannel);
    return { kind: 'affine', bits: hint.bits, perChannel, ...grid };
  }
  return { kind: hint.float16 ? 'float16' : 'float32' };
}

/** Whether 0 survives the value encoding exactly (if not, pruned zeros need sparse storage). */
function zeroIsExact(v: SnnValueEncoding): boolean {
  if (v.kind === 'float32' || v.kind === 'float16') return true;
  if (v.kind === 'codebook') return v.centroids[codebookIndexer(v.centroids)(0)] === 0;
  const qmax = 2 ** v.bits - 1;
  for (let c = 0; c < v.scales.length; c++) {
    const s = v.scales[c]!;
    const z = v.zeroPoints[c]!;
    if (dequantizeAffine(quantizeAffine(0, s, z, qmax), s, z) !== 0) return false;
  }
  return true;
}

/** Gap width with the smallest gap stream (table + payload); ties pick the narrower width. */
export function bestGapBits(positions: Uint32Array, huffman: HuffmanChoice): number {
  const runs = zeroRuns(positions);
  let best = 1;
  let bestBytes = Infinity;
  for (let g = 1; g <= MAX_GAP_BITS; g++) {
    const { freqs, entries } = gapSymbolFrequencies(runs, g);
    const fixed = Math.ceil((entries * g) / 8);
    let bytes = fixed;
    if (huffman !== false && entries > 0) {
      let distinct = 0;
      for (let s = 0; s < freqs.length; s++) if (freqs[s]! > 0) distinct++;
      if (distinct <= 2 ** MAX_CODE_LENGTH) {
        const lengths = huffmanCodeLengths(freqs, MAX_CODE_LENGTH);
        const coded = huffmanTableBytes(lengths) + huffmanPayloadBytes(freqs, lengths);
        bytes = huffman === 'auto' ? Math.min(fixed, coded) : coded;
      }
    }
    if (bytes < bestBytes) {
      bestBytes = bytes;
      best = g;
    }
  }
  return best;
}

/** Bytes a planned tensor adds beyond its name and shape: parameters, sparse header, streams. */
function plannedBytes(p: TensorPlan): number {
  const values = p.values.plan ? p.values.plan.storedBytes : 4 + p.values.raw!.length;
  return p.paramBytes + values + (p.gaps ? 9 + p.gaps.storedBytes : 0);
}

/**
 * Picks the smallest encoding the hint allows and returns the tensor ready for encodeSnn, with its
 * stored positions and indexes filled in.
 * @example
 * // 16 clusters, pruned: sparse codebook indexes, best gap width, Huffman where it pays.
 * const t = encodeTensorAuto('fc1/kernel', weights, [784, 300], { codebook: centroids });
 */
export function encodeTensorAuto(name: string, values: Float32Array, shape: readonly number[], hint: EncodingHint = {}): SnnTensor {
  const label = `tensor ${quoteName(name)}`;
  const v = valueEncoding(values, shape, hint, label);
  const huffman: HuffmanChoice = hint.huffman === true ? 'possible' : hint.huffman === false ? false : 'auto';
  const base = { name, shape: [...shape], dtype: hint.dtype ?? 'float32', values };
  const withEncoding = (sparse: SnnEncoding['sparse']): SnnTensor => ({
    ...base,
    encoding: { values: v, sparse, huffmanValues: false, huffmanGaps: false },
  });

  const sparseHint = hint.sparse ?? 'auto';
  const candidates: SnnTensor[] = [];
  let hasZero = false;
  for (let i = 0; i < values.length && !hasZero; i++) hasZero = values[i] === 0;
  const denseAllowed = sparseHint === false || (sparseHint === 'auto' && (!hasZero || zeroIsExact(v)));
  if (denseAllowed) candidates.push(withEncoding(null));
  if (sparseHint !== false) {
    const gapHint = hint.gapBits ?? 'auto';
    const gapBits = gapHint === 'auto' ? bestGapBits(nonzeroPositions(values), huffman) : gapHint;
    candidates.push(withEncoding({ gapBits }));
  }

  let best: { tensor: SnnTensor; plan: TensorPlan; bytes: number } | null = null;
  for (const tensor of candidates) {
    const plan = planTensor(tensor, { values: huffman, gaps: huffman });
    const bytes = plannedBytes(plan);
    if (best === null || bytes < best.bytes) best = { tensor, plan, bytes };
  }
  const { tensor, plan } = best!;
  return {
    ...tensor,
    encoding: {
      ...tensor.encoding,
      huffmanValues: plan.values.plan?.huffman ?? false,
      huffmanGaps: plan.gaps?.huffman ?? false,
    },
    positions: plan.positions,
    indexes: plan.indexes,
  };
}
