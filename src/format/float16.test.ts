import { describe, expect, it } from 'vitest';
import { float16Table, float16ToFloat32Bits, float32BitsToFloat16, roundToFloat16 } from './float16.js';

const bitsOf = (v: number): number => new Uint32Array(Float32Array.of(v).buffer)[0]!;
const toHalf = (v: number): number => float32BitsToFloat16(bitsOf(v));
const fromBits = (b: number): number => new Float32Array(Uint32Array.of(b).buffer)[0]!;

describe('float16', () => {
  it('known values: 1 → 0x3C00, −2 → 0xC000, 65504 → 0x7BFF, 2^-24 → 0x0001, ∞ → 0x7C00', () => {
    expect(toHalf(1)).toBe(0x3c00);
    expect(toHalf(-2)).toBe(0xc000);
    expect(toHalf(65504)).toBe(0x7bff);
    expect(toHalf(2 ** -24)).toBe(0x0001);
    expect(toHalf(Infinity)).toBe(0x7c00);
    expect(toHalf(-0)).toBe(0x8000);
  });

  it('rounds to nearest, ties to even', () => {
    expect(toHalf(1 + 2 ** -11)).toBe(0x3c00); // tie → even (down)
    expect(toHalf(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie → even (up)
    expect(toHalf(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01); // above the tie
    expect(toHalf(65520)).toBe(0x7c00); // rounds up past the largest finite half
    expect(toHalf(65519)).toBe(0x7bff);
    expect(toHalf(2 ** -25)).toBe(0x0000); // half of the smallest subnormal: tie → 0
    expect(toHalf(3 * 2 ** -26)).toBe(0x0001);
    expect(toHalf(1e-10)).toBe(0);
  });

  it('every half bit pattern converts to float32 and back unchanged (NaNs stay NaN)', () => {
    const table = float16Table();
    const bad: string[] = []; // one expect at the end: 65,536 expect() calls would take a second
    for (let h = 0; h < 65536; h++) {
      const f = table[h]!;
      const back = float32BitsToFloat16(f);
      const isNaN = (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
      const ok = isNaN ? Number.isNaN(fromBits(f)) && (back & 0x7c00) === 0x7c00 && (back & 0x3ff) !== 0 : back === h;
      if (!ok || f !== float16ToFloat32Bits(h)) bad.push(`0x${h.toString(16)} → 0x${f.toString(16)} → 0x${back.toString(16)}`);
    }
    expect(bad).toEqual([]);
  });

  it('subnormal halves decode to their exact value m · 2^-24', () => {
    for (const m of [1, 2, 3, 511, 1023]) expect(fromBits(float16ToFloat32Bits(m))).toBe(m * 2 ** -24);
  });

  it('roundToFloat16 is what a float16 tensor decodes to', () => {
    expect(roundToFloat16(0.1)).toBe(0.0999755859375);
    expect(roundToFloat16(1e6)).toBe(Infinity);
  });
});
