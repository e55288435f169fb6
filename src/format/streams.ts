/**
 * Symbol streams (affine q, codebook indexes, sparse gaps) as stored in a tensor record:
 *   [Huffman table, only when Huffman-coded] u32 payloadLength, payload
 * The payload is either fixed-width LSB-first bit packing (bitpack.ts) or a canonical Huffman bit
 * stream (huffman.ts). The writer side measures both codings so callers can pick and report.
 */
import { packBits, packedByteLength, unpackBits } from './bitpack.js';
import type { ByteReader, ByteWriter } from './bytes.js';
import { SnnFormatError } from './errors.js';
import { buildDecodeTable, huffmanCodeLengths, huffmanDecode, huffmanEncode, huffmanPayloadBytes } from './huffman.js';
import { huffmanTableBytes, readHuffmanTable, writeHuffmanTable } from './huffman-table.js';
import { MAX_CODE_LENGTH } from './spec.js';

/** Fixed index width for an alphabet of `alphabet` symbols: ⌈log2 alphabet⌉ (0 for a single symbol). */
export function indexBits(alphabet: number): number {
  return alphabet <= 1 ? 0 : Math.ceil(Math.log2(alphabet));
}

export interface SymbolStreamPlan {
  symbols: Uint16Array;
  alphabet: number;
  fixedBits: number;
  huffman: boolean;
  /** Huffman code lengths over the alphabet; null when Huffman coding does not apply. */
  lengths: Uint8Array | null;
  fixedBytes: number;
  /** Table + payload bytes with Huffman coding; null when it does not apply. */
  huffmanBytes: number | null;
  /** Bytes in the file: table (if Huffman) + 4-byte length + payload. */
  storedBytes: number;
}

/**
 * How to code a symbol stream: true = Huffman (throws if more than 2^15 distinct symbols; an empty
 * stream stays fixed-width), false = fixed width, 'auto' = Huffman only when strictly smaller,
 * 'possible' = Huffman whenever possible.
 */
export type HuffmanChoice = boolean | 'auto' | 'possible';

/** Measures a symbol stream and decides its coding. */
export function planSymbolStream(
  symbols: Uint16Array,
  alphabet: number,
  fixedBits: number,
  huffman: HuffmanChoice,
  what: string,
): SymbolStreamPlan {
  const fixedBytes = packedByteLength(symbols.length, fixedBits);
  let lengths: Uint8Array | null = null;
  let huffmanBytes: number | null = null;
  // Huffman is always measured (callers report sizes with and without it), used only as chosen.
  if (symbols.length > 0) {
    const freqs = new Uint32Array(alphabet);
    let distinct = 0;
    for (let i = 0; i < symbols.length; i++) {
      const s = symbols[i]!;
      if (s >= alphabet) throw new SnnFormatError(`${what}: symbol ${s} is not below alphabet size ${alphabet}`);
      if (freqs[s]++ === 0) distinct++;
    }
    if (distinct <= 2 ** MAX_CODE_LENGTH) {
      lengths = huffmanCodeLengths(freqs, MAX_CODE_LENGTH);
      huffmanBytes = huffmanTableBytes(lengths) + huffmanPayloadBytes(freqs, lengths);
    }
  }
  if (huffman === true && lengths === null && symbols.length > 0) {
    throw new SnnFormatError(
      `${what}: cannot Huffman-code more than ${2 ** MAX_CODE_LENGTH} distinct symbols`,
    );
  }
  // An empty stream is always stored fixed-width (0 bytes): the format has no empty Huffman stream.
  const useHuffman =
    (huffman === true && lengths !== null) ||
    (huffman === 'possible' && lengths !== null) ||
    (huffman === 'auto' && huffmanBytes !== null && huffmanBytes < fixedBytes);
  return {
    symbols,
    alphabet,
    fixedBits,
    huffman: useHuffman,
    lengths,
    fixedBytes,
    huffmanBytes,
    storedBytes: 4 + (useHuffman ? huffmanBytes! : fixedBytes),
  };
}

export function writeSymbolStream(w: ByteWriter, plan: SymbolStreamPlan): void {
  if (plan.huffman) {
    writeHuffmanTable(w, plan.lengths!);
    const payload = huffmanEncode(plan.symbols, plan.lengths!);
    w.u32(payload.length);
    w.bytes(payload);
    return;
  }
  w.u32(plan.fixedBytes);
  if (plan.fixedBits > 0) w.bytes(packBits(plan.symbols, plan.fixedBits));
}

/**
 * Reads `count` symbols of an `alphabet`-symbol stream. Fixed-width payloads must be exactly
 * ⌈count·fixedBits/8⌉ bytes and every symbol must be below `alphabet` (a 4-bit index into a
 * 12-entry codebook can say 13); Huffman payloads must hold ≥ 1 bit per symbol, checked before
 * `count` symbols are allocated, and decode exactly (huffmanDecode).
 */
export function readSymbolStream(
  r: ByteReader,
  count: number,
  alphabet: number,
  fixedBits: number,
  huffman: boolean,
  what: string,
): Uint16Array {
  if (huffman) {
    if (count === 0) throw new SnnFormatError(`${what}: Huffman flag set on an empty stream`);
    const lengths = readHuffmanTable(r, alphabet, `${what} Huffman table`);
    const length = r.u32(`${what} length`);
    const payload = r.take(length, what);
    if (count > 8 * length) {
      throw new SnnFormatError(`${what}: ${count} symbols cannot fit in ${length} bytes`);
    }
    return huffmanDecode(payload, buildDecodeTable(lengths, `${what} Huffman table`), count, new Uint16Array(count), what);
  }
  const length = r.u32(`${what} length`);
  const expected = packedByteLength(count, fixedBits);
  if (length !== expected) {
    throw new SnnFormatError(`${what}: ${count} symbols of ${fixedBits} bits need ${expected} bytes, length field says ${length}`);
  }
  const payload = r.take(length, what);
  const out = new Uint16Array(count);
  if (fixedBits === 0) return out;
  unpackBits(payload, fixedBits, count, out);
  if (alphabet < 2 ** fixedBits) {
    for (let i = 0; i < count; i++) {
      if (out[i]! >= alphabet) throw new SnnFormatError(`${what}: symbol ${out[i]} at ${i} is not below ${alphabet}`);
    }
  }
  // Padding bits of the last byte must be zero, so every file has one canonical byte form.
  const usedBits = count * fixedBits;
  if (usedBits % 8 !== 0 && payload[length - 1]! >>> usedBits % 8 !== 0) {
    throw new SnnFormatError(`${what}: padding bits are not zero`);
  }
  return out;
}
