/**
 * Deep Compression's relative-index sparse storage (Han et al., ICLR 2016, §3 / Fig. 2), with g-bit
 * gap symbols and M = 2^g − 1:
 *   symbol s < M : skip s zeros, then the next position holds the next stored value;
 *   symbol s = M : a filler — skip M zeros and store nothing.
 * A run of G zeros before a stored value therefore costs ⌊G/M⌋ fillers plus one symbol (G mod M).
 * Zeros after the last stored value are implicit. Unlike the paper, a filler carries no zero value:
 * the reserved symbol marks it, so the value stream holds only real stored values.
 */
import { SnnFormatError } from './errors.js';

/**
 * Ascending positions of the values that are not ±0 (NaN counts as non-zero).
 * @example nonzeroPositions(Float32Array.of(0, 2, -0, 3)) // Uint32Array [1, 3]
 */
export function nonzeroPositions(values: Float32Array): Uint32Array {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) count++;
  const out = new Uint32Array(count);
  for (let i = 0, j = 0; j < count; i++) if (values[i] !== 0) out[j++] = i;
  return out;
}

/** Zeros skipped before each stored value (the gaps before filler splitting). */
export function zeroRuns(positions: Uint32Array): Uint32Array {
  const runs = new Uint32Array(positions.length);
  let next = 0;
  for (let j = 0; j < positions.length; j++) {
    runs[j] = positions[j]! - next;
    next = positions[j]! + 1;
  }
  return runs;
}

/** Gap-symbol frequencies (length 2^g) and entry count for `runs` at width g. */
export function gapSymbolFrequencies(runs: Uint32Array, gapBits: number): { freqs: Uint32Array; entries: number } {
  const filler = 2 ** gapBits - 1;
  const freqs = new Uint32Array(filler + 1);
  let fillers = 0;
  for (let j = 0; j < runs.length; j++) {
    const g = runs[j]!;
    const f = Math.floor(g / filler);
    fillers += f;
    freqs[g - f * filler]++;
  }
  freqs[filler] += fillers;
  return { freqs, entries: runs.length + fillers };
}

/**
 * Gap symbols for ascending `positions`.
 * @example encodeGaps(Uint32Array.of(40), 3).symbols // [7, 7, 7, 7, 7, 5]: 5 fillers of 7 zeros, then 5 zeros
 */
export function encodeGaps(positions: Uint32Array, gapBits: number): { symbols: Uint16Array; fillers: number } {
  if (!Number.isInteger(gapBits) || gapBits < 1 || gapBits > 16) {
    throw new SnnFormatError(`gap bits must be an integer in [1, 16], got ${gapBits}`);
  }
  const runs = zeroRuns(positions);
  const { entries } = gapSymbolFrequencies(runs, gapBits);
  const filler = 2 ** gapBits - 1;
  const symbols = new Uint16Array(entries);
  let k = 0;
  for (let j = 0; j < runs.length; j++) {
    let g = runs[j]!;
    while (g >= filler) {
      symbols[k++] = filler;
      g -= filler;
    }
    symbols[k++] = g;
  }
  return { symbols, fillers: entries - positions.length };
}

/**
 * Positions from gap symbols, validated: exactly `valueCount` stored values, every position below
 * `size`, fillers never running past `size`. `valueCount` must already be known to be ≤ size.
 * @example decodeGaps(Uint16Array.of(7, 7, 7, 7, 7, 5), 3, 41, 1) // Uint32Array [40]
 */
export function decodeGaps(
  symbols: Uint16Array,
  gapBits: number,
  size: number,
  valueCount: number,
  what = 'gap stream',
): Uint32Array {
  const filler = 2 ** gapBits - 1;
  const out = new Uint32Array(valueCount);
  let pos = 0;
  let v = 0;
  for (let k = 0; k < symbols.length; k++) {
    const s = symbols[k]!;
    if (s === filler) {
      pos += filler;
      if (pos > size) throw new SnnFormatError(`${what} runs past the tensor size ${size} at entry ${k}`);
      continue;
    }
    pos += s;
    if (pos >= size) throw new SnnFormatError(`${what} runs past the tensor size ${size} at entry ${k}`);
    if (v === valueCount) throw new SnnFormatError(`${what} holds more than the declared ${valueCount} stored values`);
    out[v++] = pos++;
  }
  if (v !== valueCount) throw new SnnFormatError(`${what} holds ${v} stored values, header declares ${valueCount}`);
  return out;
}
