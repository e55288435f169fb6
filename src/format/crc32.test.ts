import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../random.js';
import { crc32 } from './crc32.js';

/** Bitwise reference CRC-32 (no tables), straight from the definition. */
function referenceCrc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('crc32', () => {
  it('check value: "123456789" → 0xCBF43926', () => {
    expect(crc32(ascii('123456789'))).toBe(0xcbf43926);
  });

  it('known vectors: empty → 0, "a" → 0xE8B7BE43, quick brown fox → 0x414FA339', () => {
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(ascii('a'))).toBe(0xe8b7be43);
    expect(crc32(ascii('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
  });

  it('slice-by-8 matches the bitwise definition for every length 0..80 and unaligned ranges', () => {
    const random = mulberry32(7);
    const data = Uint8Array.from({ length: 100 }, () => Math.floor(random() * 256));
    for (let n = 0; n <= 80; n++) expect(crc32(data.subarray(0, n))).toBe(referenceCrc32(data.subarray(0, n)));
    for (let start = 0; start < 9; start++) expect(crc32(data, start, 97)).toBe(referenceCrc32(data.subarray(start, 97)));
  });

  it('continuing a running checksum equals one pass', () => {
    const data = ascii('relative indexes and codebook indexes, Huffman coded');
    const split = crc32(data, 20, data.length, crc32(data, 0, 20));
    expect(split).toBe(crc32(data));
  });

  it('detects every single-byte change in a 64-byte message', () => {
    const data = Uint8Array.from({ length: 64 }, (_, i) => (i * 37) & 255);
    const good = crc32(data);
    for (let i = 0; i < data.length; i++) {
      for (const delta of [1, 0x80, 0xff]) {
        const bad = data.slice();
        bad[i] ^= delta;
        expect(crc32(bad)).not.toBe(good);
      }
    }
  });
});
