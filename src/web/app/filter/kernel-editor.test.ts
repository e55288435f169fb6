import { describe, expect, it } from 'vitest';
import { formatWeight, parseWeight } from './kernel-editor.js';

describe('parseWeight', () => {
  it('reads decimals, signs, exponents and fractions', () => {
    expect(parseWeight('-2')).toBe(-2);
    expect(parseWeight(' 0.5 ')).toBe(0.5);
    expect(parseWeight('.25')).toBe(0.25);
    expect(parseWeight('1/9')).toBeCloseTo(1 / 9, 12);
    expect(parseWeight('-1/16')).toBe(-1 / 16);
    expect(parseWeight('1e-2')).toBe(0.01);
  });

  it('refuses what is not a number (so a half-typed "-" does not become 0)', () => {
    for (const bad of ['', '-', '1/', '1/0', 'abc', '1..2', '2*3']) expect(parseWeight(bad), bad).toBeNaN();
  });

  it('formats weights short', () => {
    expect([formatWeight(-2), formatWeight(1 / 9), formatWeight(1 / 256)]).toEqual(['-2', '0.111', '0.00391']);
  });
});
