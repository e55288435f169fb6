/**
 * Canonical Huffman coding over a dense alphabet 0..A−1 (A ≤ 65536):
 *  - optimal length-limited code lengths by package-merge (Larmore & Hirschberg 1990),
 *  - canonical code assignment as in DEFLATE (RFC 1951 §3.2.2): shorter codes first, then by symbol,
 *  - an MSB-first bit stream (the first code bit is the most significant bit of the first byte),
 *  - a table-driven decoder: one lookup of the next `maxLength` bits yields symbol and length.
 * A code is stored as its lengths alone, so the reader validates them (validateCodeLengths) before use.
 */
import { SnnFormatError } from './errors.js';
import { MAX_CODE_LENGTH } from './spec.js';

/**
 * Optimal prefix-code lengths for `freqs` with no code longer than `maxLength`. Unused symbols
 * (frequency 0) get length 0. One used symbol gets length 1; otherwise the Kraft sum is exactly 1.
 * @example huffmanCodeLengths([5, 1, 1, 2]) // Uint8Array [1, 3, 3, 2]
 */
export function huffmanCodeLengths(freqs: ArrayLike<number>, maxLength: number = MAX_CODE_LENGTH): Uint8Array {
  const lengths = new Uint8Array(freqs.length);
  const used: number[] = [];
  for (let s = 0; s < freqs.length; s++) if (freqs[s]! > 0) used.push(s);
  const n = used.length;
  if (n === 0) return lengths;
  if (n === 1) {
    lengths[used[0]!] = 1;
    return lengths;
  }
  if (n > 2 ** maxLength) {
    throw new SnnFormatError(`${n} distinct symbols cannot get prefix codes of at most ${maxLength} bits`);
  }
  // Leaves sorted by (frequency, symbol): ties resolve the same way on every run and platform.
  used.sort((a, b) => freqs[a]! - freqs[b]! || a - b);
  const leafWeights = new Float64Array(n);
  for (let i = 0; i < n; i++) leafWeights[i] = freqs[used[i]!]!;

  // Package-merge. Level 1 is the leaves; level d merges the leaves with the pairs ("packages") of
  // level d−1's list. isLeaf[d] records, per list position, whether the item is a leaf, which is all
  // the backward pass needs: a prefix of a merged list holds the lightest leaves and lightest packages.
  const isLeaf: Uint8Array[] = [];
  let prevWeights = leafWeights;
  isLeaf.push(new Uint8Array(n).fill(1));
  for (let level = 2; level <= maxLength; level++) {
    const packages = prevWeights.length >>> 1;
    const size = n + packages;
    const weights = new Float64Array(size);
    const leafFlags = new Uint8Array(size);
    let li = 0;
    let pi = 0;
    for (let k = 0; k < size; k++) {
      const pw = pi < packages ? prevWeights[2 * pi]! + prevWeights[2 * pi + 1]! : Infinity;
      if (li < n && leafWeights[li]! <= pw) {
        weights[k] = leafWeights[li++]!;
        leafFlags[k] = 1;
      } else {
        weights[k] = pw;
        pi++;
      }
    }
    isLeaf.push(leafFlags);
    prevWeights = weights;
  }
  // Select the 2n−2 lightest items of the last level; every selected leaf at any level adds one bit
  // to its symbol's length, and each selected package selects its two children one level down.
  let take = 2 * n - 2;
  for (let level = maxLength; level >= 1 && take > 0; level--) {
    const flags = isLeaf[level - 1]!;
    let leaves = 0;
    for (let k = 0; k < take; k++) leaves += flags[k]!;
    for (let i = 0; i < leaves; i++) lengths[used[i]!]++;
    take = 2 * (take - leaves);
  }
  return lengths;
}

/**
 * Checks that `lengths` (0 = unused, 1..MAX_CODE_LENGTH) form a usable prefix code: at least one
 * symbol, and either a complete code (Kraft sum exactly 1) or a single symbol of length 1.
 * Returns the longest length. Throws SnnFormatError naming the defect.
 * @example validateCodeLengths([1, 1, 1]) // throws: over-subscribed (Kraft sum > 1), not a prefix code
 */
export function validateCodeLengths(lengths: ArrayLike<number>, what = 'Huffman table'): number {
  let kraft = 0; // Σ 2^(MAX − l), compared with 2^MAX: integer arithmetic, no rounding
  let used = 0;
  let maxLen = 0;
  for (let s = 0; s < lengths.length; s++) {
    const l = lengths[s]!;
    if (l === 0) continue;
    if (!(Number.isInteger(l) && l >= 1 && l <= MAX_CODE_LENGTH)) {
      throw new SnnFormatError(`${what}: code length ${l} for symbol ${s} is outside [1, ${MAX_CODE_LENGTH}]`);
    }
    used++;
    kraft += 1 << (MAX_CODE_LENGTH - l);
    if (l > maxLen) maxLen = l;
  }
  const full = 1 << MAX_CODE_LENGTH;
  if (used === 0) throw new SnnFormatError(`${what}: no symbol has a code`);
  if (kraft > full) throw new SnnFormatError(`${what}: code lengths are over-subscribed (Kraft sum > 1), not a prefix code`);
  if (kraft < full && !(used === 1 && maxLen === 1)) {
    throw new SnnFormatError(`${what}: code lengths are incomplete (Kraft sum < 1)`);
  }
  return maxLen;
}

/**
 * Canonical codes (RFC 1951 §3.2.2) for valid `lengths`; codes[s] holds lengths[s] bits, MSB first.
 * @example canonicalCodes([2, 1, 3, 3]) // Uint32Array [0b10, 0b0, 0b110, 0b111]
 */
export function canonicalCodes(lengths: ArrayLike<number>): Uint32Array {
  const count = new Uint32Array(MAX_CODE_LENGTH + 1);
  for (let s = 0; s < lengths.length; s++) count[lengths[s]!]++;
  count[0] = 0;
  const next = new Uint32Array(MAX_CODE_LENGTH + 2);
  for (let l = 1; l <= MAX_CODE_LENGTH; l++) next[l + 1] = (next[l]! + count[l]!) << 1;
  const codes = new Uint32Array(lengths.length);
  for (let s = 0; s < lengths.length; s++) {
    const l = lengths[s]!;
    if (l !== 0) codes[s] = next[l]!++;
  }
  return codes;
}

/** Payload bytes of `freqs`-distributed symbols under `lengths`. */
export function huffmanPayloadBytes(freqs: ArrayLike<number>, lengths: ArrayLike<number>): number {
  let bits = 0;
  for (let s = 0; s < freqs.length; s++) bits += freqs[s]! * lengths[s]!;
  return Math.ceil(bits / 8);
}

/**
 * Encodes `symbols` with the canonical code of `lengths` (every symbol must have a code).
 * @example huffmanEncode([0, 1, 3], [1, 2, 3, 3]) // Uint8Array [0b01011100]: 0 10 111 + zero padding
 */
export function huffmanEncode(symbols: ArrayLike<number>, lengths: ArrayLike<number>): Uint8Array {
  const codes = canonicalCodes(lengths);
  let bits = 0;
  for (let i = 0; i < symbols.length; i++) {
    const l = lengths[symbols[i]!];
    if (!l) throw new SnnFormatError(`symbol ${symbols[i]} at index ${i} has no Huffman code`);
    bits += l;
  }
  const out = new Uint8Array(Math.ceil(bits / 8));
  let acc = 0; // holds accBits < 8 pending bits plus the new code: at most 7 + 15 bits
  let accBits = 0;
  let p = 0;
  for (let i = 0; i < symbols.length; i++) {
    const s = symbols[i]!;
    const l = lengths[s]!;
    acc = (acc << l) | codes[s]!;
    accBits += l;
    while (accBits >= 8) {
      accBits -= 8;
      out[p++] = (acc >>> accBits) & 0xff;
    }
    acc &= (1 << accBits) - 1;
  }
  if (accBits > 0) out[p] = (acc << (8 - accBits)) & 0xff; // zero padding in the low bits
  return out;
}

/** A lookup table over the next `maxLength` bits: entry = symbol << 4 | length (0 = no such code). */
export interface HuffmanDecodeTable {
  maxLength: number;
  entries: Int32Array;
}

/**
 * Validates `lengths` and builds their decode table.
 * @example huffmanDecode(Uint8Array.of(0b01011100), buildDecodeTable([1, 2, 3, 3]), 3) // Uint16Array [0, 1, 3]
 */
export function buildDecodeTable(lengths: ArrayLike<number>, what = 'Huffman table'): HuffmanDecodeTable {
  const maxLength = validateCodeLengths(lengths, what);
  const codes = canonicalCodes(lengths);
  const entries = new Int32Array(1 << maxLength);
  for (let s = 0; s < lengths.length; s++) {
    const l = lengths[s]!;
    if (l === 0) continue;
    // Every maxLength-bit pattern that starts with this code decodes to s.
    const first = codes[s]! << (maxLength - l);
    entries.fill((s << 4) | l, first, first + (1 << (maxLength - l)));
  }
  return { maxLength, entries };
}

/**
 * Decodes exactly `count` symbols from `bytes`, which must be exactly the bytes the codes need, with
 * zero padding bits. The loop runs `count` times (≤ 8 per byte, checked first), so it cannot hang;
 * callers bound `count` by the stream size the same way before allocating `out`.
 * @example huffmanDecode(Uint8Array.of(0b01011100), buildDecodeTable([1, 2, 3, 3]), 3) // Uint16Array [0, 1, 3]
 */
export function huffmanDecode(
  bytes: Uint8Array,
  table: HuffmanDecodeTable,
  count: number,
  out: Uint16Array = new Uint16Array(count),
  what = 'Huffman stream',
): Uint16Array {
  if (count > bytes.length * 8) {
    throw new SnnFormatError(`${what} truncated: ${count} symbols cannot fit in ${bytes.length} bytes`);
  }
  const { maxLength, entries } = table;
  const mask = (1 << maxLength) - 1;
  const n = bytes.length;
  // `acc` holds `bits` unread stream bits in its low end (stale bits above are shifted out or masked).
  // Refilling 16 bits whenever fewer than 16 remain keeps ≥ maxLength (≤ 15) bits available for a
  // single table lookup per symbol. Bytes past the end read as 0; overruns are detected below.
  let acc = 0;
  let bits = 0;
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (bits < 16) {
      acc = (acc << 16) | ((p < n ? bytes[p]! : 0) << 8) | (p + 1 < n ? bytes[p + 1]! : 0);
      p += 2;
      bits += 16;
    }
    const e = entries[(acc >>> (bits - maxLength)) & mask]!;
    if ((e & 15) === 0) throw new SnnFormatError(`${what}: invalid code at symbol ${i}`);
    out[i] = e >>> 4;
    bits -= e & 15;
  }
  const usedBits = p * 8 - bits;
  if (usedBits > n * 8) throw new SnnFormatError(`${what} truncated: ${count} symbols need more than ${n} bytes`);
  const padding = n * 8 - usedBits; // ≤ bits whenever p ≥ n; ≥ 8 (caught first) otherwise
  if (padding >= 8) throw new SnnFormatError(`${what}: ${Math.floor(padding / 8)} unused bytes after the last symbol`);
  if (padding > 0 && ((acc >>> (bits - padding)) & ((1 << padding) - 1)) !== 0) {
    throw new SnnFormatError(`${what}: padding bits are not zero`);
  }
  return out;
}
