import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../random.js';
import { ByteReader, ByteWriter } from './bytes.js';
import { SnnFormatError } from './errors.js';
import {
  buildDecodeTable,
  canonicalCodes,
  huffmanCodeLengths,
  huffmanDecode,
  huffmanEncode,
  validateCodeLengths,
} from './huffman.js';
import { huffmanTableBytes, readHuffmanTable, writeHuffmanTable } from './huffman-table.js';

const kraft = (lengths: ArrayLike<number>): number => Array.from(lengths).reduce((s, l) => (l ? s + 2 ** -l : s), 0);
const cost = (freqs: ArrayLike<number>, lengths: ArrayLike<number>): number =>
  Array.from(freqs).reduce((s, f, i) => s + f * lengths[i]!, 0);

/** Unlimited Huffman cost by repeated merging of the two lightest weights (the textbook algorithm). */
function textbookHuffmanCost(freqs: number[]): number {
  const w = freqs.filter((f) => f > 0).sort((a, b) => a - b);
  if (w.length === 1) return w[0]!;
  let total = 0;
  while (w.length > 1) {
    const merged = w.shift()! + w.shift()!;
    total += merged;
    w.splice(w.findIndex((x) => x >= merged) === -1 ? w.length : w.findIndex((x) => x >= merged), 0, merged);
  }
  return total;
}

/** Minimum cost over every length vector in [1, limit]^n with Kraft sum ≤ 1 (brute force). */
function bruteForceLimitedCost(freqs: number[], limit: number): number {
  let best = Infinity;
  const lengths = new Array<number>(freqs.length).fill(1);
  const visit = (i: number): void => {
    if (i === freqs.length) {
      if (kraft(lengths) <= 1) best = Math.min(best, cost(freqs, lengths));
      return;
    }
    for (let l = 1; l <= limit; l++) {
      lengths[i] = l;
      visit(i + 1);
    }
  };
  visit(0);
  return best;
}

describe('huffmanCodeLengths', () => {
  it('known distribution [5, 1, 1, 2] → lengths [1, 3, 3, 2]', () => {
    expect([...huffmanCodeLengths([5, 1, 1, 2])]).toEqual([1, 3, 3, 2]);
  });

  it('CLRS example a:45 b:13 c:12 d:16 e:9 f:5 → lengths 1,3,3,3,4,4 (224 bits)', () => {
    const freqs = [45, 13, 12, 16, 9, 5];
    const lengths = huffmanCodeLengths(freqs);
    expect([...lengths]).toEqual([1, 3, 3, 3, 4, 4]);
    expect(cost(freqs, lengths)).toBe(224);
  });

  it('unused symbols get length 0 and a single used symbol gets length 1', () => {
    expect([...huffmanCodeLengths([0, 7, 0])]).toEqual([0, 1, 0]);
    expect([...huffmanCodeLengths([0, 0])]).toEqual([0, 0]);
  });

  it('random distributions: Kraft sum exactly 1 and cost equal to textbook Huffman when the limit does not bind', () => {
    const random = mulberry32(3);
    for (let trial = 0; trial < 50; trial++) {
      const n = 2 + Math.floor(random() * 60);
      const freqs = Array.from({ length: n }, () => (random() < 0.2 ? 0 : 1 + Math.floor(random() * 1000)));
      freqs[0] = 1;
      freqs[1] = 2;
      const lengths = huffmanCodeLengths(freqs);
      expect(kraft(lengths)).toBe(1);
      expect(cost(freqs, lengths)).toBe(textbookHuffmanCost(freqs));
    }
  });

  it('Fibonacci frequencies (a 39-deep Huffman tree) are limited to 15 bits, Kraft sum 1', () => {
    const freqs = [1, 1];
    while (freqs.length < 40) freqs.push(freqs[freqs.length - 1]! + freqs[freqs.length - 2]!);
    const lengths = huffmanCodeLengths(freqs, 15);
    expect(Math.max(...lengths)).toBe(15);
    expect(kraft(lengths)).toBe(1);
    expect(cost(freqs, lengths)).toBeGreaterThan(textbookHuffmanCost(freqs));
  });

  it('length-limited codes are optimal: equal to brute force for 6 symbols limited to 3 bits', () => {
    const random = mulberry32(11);
    for (let trial = 0; trial < 20; trial++) {
      const freqs = Array.from({ length: 6 }, () => 1 + Math.floor(random() * 100));
      const lengths = huffmanCodeLengths(freqs, 3);
      expect(Math.max(...lengths)).toBeLessThanOrEqual(3);
      expect(cost(freqs, lengths)).toBe(bruteForceLimitedCost(freqs, 3));
    }
  });

  it('refuses more symbols than 2^limit', () => {
    expect(() => huffmanCodeLengths([1, 1, 1, 1, 1], 2)).toThrow(SnnFormatError);
  });
});

describe('canonical codes', () => {
  it('RFC 1951 example: lengths (3,3,3,3,3,2,4,4) → 010 011 100 101 110 00 1110 1111', () => {
    expect([...canonicalCodes([3, 3, 3, 3, 3, 2, 4, 4])]).toEqual([0b010, 0b011, 0b100, 0b101, 0b110, 0b00, 0b1110, 0b1111]);
  });

  it('encodes MSB-first: symbols [0, 1, 3] with lengths [1, 2, 3, 3] → 0 10 111 → 0b01011100', () => {
    expect([...huffmanEncode([0, 1, 3], [1, 2, 3, 3])]).toEqual([0b01011100]);
  });
});

describe('huffman encode/decode', () => {
  it('round trips 10,000 skewed symbols over a 300-symbol alphabet', () => {
    const random = mulberry32(5);
    const symbols = Uint16Array.from({ length: 10_000 }, () => Math.floor(300 * random() ** 3));
    const freqs = new Uint32Array(300);
    for (const s of symbols) freqs[s]++;
    const lengths = huffmanCodeLengths(freqs);
    const bytes = huffmanEncode(symbols, lengths);
    expect(bytes.length).toBe(Math.ceil(cost(freqs, lengths) / 8));
    expect(huffmanDecode(bytes, buildDecodeTable(lengths), symbols.length)).toEqual(symbols);
  });

  it('degenerate single-symbol stream: one bit per symbol, decodes back', () => {
    const lengths = huffmanCodeLengths([0, 0, 100]);
    const symbols = new Uint16Array(100).fill(2);
    const bytes = huffmanEncode(symbols, lengths);
    expect(bytes.length).toBe(13);
    expect([...bytes].every((b) => b === 0)).toBe(true);
    expect(huffmanDecode(bytes, buildDecodeTable(lengths), 100)).toEqual(symbols);
    // Bit pattern 1 is not a code of a single-symbol table.
    expect(() => huffmanDecode(Uint8Array.of(0x80), buildDecodeTable(lengths), 1)).toThrow(/invalid code/);
  });

  it('rejects truncated streams, trailing bytes and non-zero padding without hanging', () => {
    const lengths = [1, 2, 3, 3];
    const symbols = Uint16Array.from({ length: 40 }, (_, i) => i % 4);
    const bytes = huffmanEncode(symbols, lengths);
    const table = buildDecodeTable(lengths);
    expect(() => huffmanDecode(bytes.subarray(0, bytes.length - 1), table, 40)).toThrow(/truncated/);
    expect(() => huffmanDecode(new Uint8Array(1), table, 1e9)).toThrow(/truncated/);
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    expect(() => huffmanDecode(longer, table, 40)).toThrow(/unused bytes/);
    const dirty = bytes.slice();
    const padBits = bytes.length * 8 - cost([10, 10, 10, 10], lengths);
    expect(padBits).toBeGreaterThan(0);
    dirty[dirty.length - 1] |= 1;
    expect(() => huffmanDecode(dirty, table, 40)).toThrow(/padding/);
  });
});

describe('code length validation', () => {
  it('accepts complete codes and the single-symbol code', () => {
    expect(validateCodeLengths([1, 2, 3, 3])).toBe(3);
    expect(validateCodeLengths([0, 1, 0])).toBe(1);
  });

  it('rejects over-subscribed, incomplete, empty and too-long tables', () => {
    expect(() => validateCodeLengths([1, 1, 1])).toThrow(/over-subscribed/);
    expect(() => validateCodeLengths([1, 2, 2, 3])).toThrow(/over-subscribed/);
    expect(() => validateCodeLengths([1, 2])).toThrow(/incomplete/);
    expect(() => validateCodeLengths([2])).toThrow(/incomplete/);
    expect(() => validateCodeLengths([0, 0])).toThrow(/no symbol/);
    expect(() => validateCodeLengths([16, 1])).toThrow(/outside/);
  });
});

describe('stored Huffman tables', () => {
  const roundTrip = (lengths: Uint8Array): { bytes: number; back: Uint8Array } => {
    const w = new ByteWriter();
    writeHuffmanTable(w, lengths);
    const bytes = w.finish();
    expect(bytes.length).toBe(huffmanTableBytes(lengths));
    const r = new ByteReader(bytes, 0, bytes.length);
    const back = readHuffmanTable(r, lengths.length, 'table');
    expect(r.remaining).toBe(0);
    return { bytes: bytes.length, back };
  };

  it('nibble layout for a dense small alphabet round trips (16 symbols → 9 bytes)', () => {
    const lengths = huffmanCodeLengths(Array.from({ length: 16 }, (_, i) => i + 1));
    const { bytes, back } = roundTrip(lengths);
    expect(bytes).toBe(9);
    expect(back).toEqual(lengths);
  });

  it('list layout for 3 used symbols of 65,536 round trips (12 bytes)', () => {
    const freqs = new Uint32Array(65536);
    freqs[0] = 10;
    freqs[700] = 5;
    freqs[65535] = 5;
    const lengths = huffmanCodeLengths(freqs);
    const { bytes, back } = roundTrip(lengths);
    expect(bytes).toBe(1 + 2 + 9);
    expect(back.every((l, i) => l === lengths[i])).toBe(true); // (toEqual on 65,536 elements is slow)
  });

  const read = (bytes: number[], alphabet: number): Uint8Array =>
    readHuffmanTable(new ByteReader(Uint8Array.from(bytes), 0, bytes.length), alphabet, 'table');

  it('rejects unknown layouts, bad lists, dirty nibbles, over-subscribed and truncated tables', () => {
    expect(() => read([2, 0x11], 2)).toThrow(/unknown table layout/);
    expect(() => read([1, 0, 0], 4)).toThrow(/symbol count 0/);
    expect(() => read([1, 2, 0, 1, 0, 1, 0, 0, 1], 4)).toThrow(/out of order/);
    expect(() => read([1, 1, 0, 9, 0, 1], 4)).toThrow(/not below alphabet/);
    expect(() => read([1, 1, 0, 0, 0, 0], 4)).toThrow(/code length 0/);
    expect(() => read([0, 0x11, 0x10], 3)).toThrow(/high nibble/);
    expect(() => read([0, 0x11, 0x01], 4)).toThrow(/over-subscribed/);
    expect(() => read([1, 5, 0], 8)).toThrow(/truncated/);
    expect(() => read([0, 0x11], 4)).toThrow(/truncated/);
  });
});
