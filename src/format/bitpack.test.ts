import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../random.js';
import { packBits, packedByteLength, unpackBits } from './bitpack.js';
import { SnnFormatError } from './errors.js';

describe('bitpack', () => {
  it('packs LSB-first: [1, 2, 3] at 2 bits → 0b00111001', () => {
    expect([...packBits([1, 2, 3], 2)]).toEqual([0b00111001]);
    expect([...unpackBits(Uint8Array.of(0b00111001), 2, 3)]).toEqual([1, 2, 3]);
  });

  it('packs 3-bit values across byte boundaries: [5, 7, 1] → [0x7D, 0x00]', () => {
    // 5 | 7 << 3 | 1 << 6 = 125; the third value's top bit (0) lands in byte 1.
    expect([...packBits([5, 7, 1], 3)]).toEqual([0x7d, 0x00]);
    expect([...packBits([5, 7, 7], 3)]).toEqual([0xfd, 0x01]);
  });

  for (let bits = 1; bits <= 32; bits++) {
    it(`round trips ${bits}-bit values incl. 0 and 2^${bits}−1`, () => {
      const random = mulberry32(bits);
      const max = 2 ** bits - 1;
      const values = [0, max, 1, max - 1, ...Array.from({ length: 61 }, () => Math.floor(random() * (max + 1)))].map((v) =>
        Math.min(Math.max(v, 0), max),
      );
      const packed = packBits(values, bits);
      expect(packed.length).toBe(packedByteLength(values.length, bits));
      expect([...unpackBits(packed, bits, values.length)]).toEqual(values);
      if (bits <= 16) expect([...unpackBits(packed, bits, values.length, new Uint16Array(values.length))]).toEqual(values);
    });
  }

  it('zero-pads the unused high bits of the last byte', () => {
    const packed = packBits([1, 1, 1], 3); // 9 bits
    expect(packed.length).toBe(2);
    expect(packed[1]! >>> 1).toBe(0);
  });

  it('rejects values that do not fit, widths outside 1..32 and short input', () => {
    expect(() => packBits([8], 3)).toThrow(SnnFormatError);
    expect(() => packBits([-1], 3)).toThrow(SnnFormatError);
    expect(() => packBits([1.5], 3)).toThrow(SnnFormatError);
    expect(() => packBits([0], 0)).toThrow(SnnFormatError);
    expect(() => packBits([0], 33)).toThrow(SnnFormatError);
    expect(() => unpackBits(new Uint8Array(1), 3, 3)).toThrow(/truncated/);
    expect(() => unpackBits(new Uint8Array(4), 17, 1, new Uint16Array(1))).toThrow(SnnFormatError);
  });
});
