/**
 * The stored form of a canonical Huffman code: its code lengths, in whichever of two layouts is
 * smaller (ties pick the nibble layout):
 *   TABLE_NIBBLES (0): u8 0, then ⌈A/2⌉ bytes; symbol 2i's length in the low nibble of byte i,
 *                      symbol 2i+1's in the high nibble (0 = no code). Cheap for small alphabets.
 *   TABLE_LIST (1):    u8 1, u16 count, then count × (u16 symbol, u8 length), symbols strictly
 *                      increasing, lengths 1..15. Cheap when few of many symbols occur.
 * The reader validates the layout and then the code itself (validateCodeLengths).
 */
import type { ByteReader, ByteWriter } from './bytes.js';
import { SnnFormatError } from './errors.js';
import { validateCodeLengths } from './huffman.js';
import { MAX_CODE_LENGTH, TABLE_LIST, TABLE_NIBBLES } from './spec.js';

function usedSymbols(lengths: Uint8Array): number {
  let used = 0;
  for (let s = 0; s < lengths.length; s++) if (lengths[s] !== 0) used++;
  return used;
}

/** Bytes the smaller layout takes for `lengths` (alphabet size = lengths.length). */
export function huffmanTableBytes(lengths: Uint8Array): number {
  return 1 + Math.min(Math.ceil(lengths.length / 2), 2 + 3 * usedSymbols(lengths));
}

/** Appends the table for `lengths` in the smaller layout. */
export function writeHuffmanTable(w: ByteWriter, lengths: Uint8Array): void {
  const alphabet = lengths.length;
  const used = usedSymbols(lengths);
  if (Math.ceil(alphabet / 2) <= 2 + 3 * used) {
    w.u8(TABLE_NIBBLES);
    for (let s = 0; s < alphabet; s += 2) w.u8(lengths[s]! | ((s + 1 < alphabet ? lengths[s + 1]! : 0) << 4));
    return;
  }
  w.u8(TABLE_LIST);
  w.u16(used);
  for (let s = 0; s < alphabet; s++) {
    if (lengths[s] === 0) continue;
    w.u16(s);
    w.u8(lengths[s]!);
  }
}

/**
 * Reads a table for an alphabet of `alphabet` symbols and validates it as a prefix code.
 * Allocates only `alphabet` bytes, after checking the table's own bytes are present.
 */
export function readHuffmanTable(r: ByteReader, alphabet: number, what: string): Uint8Array {
  const layout = r.u8(`${what} layout`);
  let lengths: Uint8Array;
  if (layout === TABLE_NIBBLES) {
    const packed = r.take(Math.ceil(alphabet / 2), what);
    lengths = new Uint8Array(alphabet);
    for (let s = 0; s < alphabet; s++) lengths[s] = (packed[s >>> 1]! >>> ((s & 1) * 4)) & 15;
    if (alphabet & 1 && packed[packed.length - 1]! >>> 4 !== 0) {
      throw new SnnFormatError(`${what}: unused high nibble is not zero`);
    }
  } else if (layout === TABLE_LIST) {
    const count = r.u16(`${what} symbol count`);
    if (count === 0 || count > alphabet) {
      throw new SnnFormatError(`${what}: symbol count ${count} is outside [1, ${alphabet}]`);
    }
    const entries = r.take(3 * count, what);
    lengths = new Uint8Array(alphabet);
    let previous = -1;
    for (let i = 0; i < count; i++) {
      const symbol = entries[3 * i]! | (entries[3 * i + 1]! << 8);
      const length = entries[3 * i + 2]!;
      if (symbol <= previous || symbol >= alphabet) {
        throw new SnnFormatError(`${what}: symbol ${symbol} is out of order or not below alphabet size ${alphabet}`);
      }
      if (length < 1 || length > MAX_CODE_LENGTH) {
        throw new SnnFormatError(`${what}: code length ${length} is outside [1, ${MAX_CODE_LENGTH}]`);
      }
      lengths[symbol] = length;
      previous = symbol;
    }
  } else {
    throw new SnnFormatError(`${what}: unknown table layout ${layout}`);
  }
  validateCodeLengths(lengths, what);
  return lengths;
}
