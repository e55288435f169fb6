import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../random.js';
import { SnnFormatError } from './errors.js';
import { decodeGaps, encodeGaps, gapSymbolFrequencies, nonzeroPositions, zeroRuns } from './sparse.js';

describe('relative-index gaps', () => {
  it('a gap of 40 zeros with g=3 becomes 5 fillers of 7 plus a gap of 5', () => {
    const { symbols, fillers } = encodeGaps(Uint32Array.of(40), 3);
    expect([...symbols]).toEqual([7, 7, 7, 7, 7, 5]);
    expect(fillers).toBe(5);
    expect([...decodeGaps(symbols, 3, 41, 1)]).toEqual([40]);
  });

  it('a gap of exactly 2^g − 1 needs one filler and a zero gap', () => {
    expect([...encodeGaps(Uint32Array.of(7), 3).symbols]).toEqual([7, 0]);
    expect([...encodeGaps(Uint32Array.of(6), 3).symbols]).toEqual([6]);
  });

  it('g=1: every zero is a filler', () => {
    const { symbols } = encodeGaps(Uint32Array.of(3, 4), 1);
    expect([...symbols]).toEqual([1, 1, 1, 0, 0]);
    expect([...decodeGaps(symbols, 1, 5, 2)]).toEqual([3, 4]);
  });

  it('all-zero tensor: no positions, no symbols; all-nonzero: one zero gap per value', () => {
    const zeros = new Float32Array(100);
    expect(nonzeroPositions(zeros).length).toBe(0);
    expect(encodeGaps(nonzeroPositions(zeros), 4).symbols.length).toBe(0);
    expect(decodeGaps(new Uint16Array(0), 4, 100, 0).length).toBe(0);
    const full = new Float32Array(10).fill(1.5);
    const { symbols } = encodeGaps(nonzeroPositions(full), 4);
    expect([...symbols]).toEqual(new Array(10).fill(0));
    expect([...decodeGaps(symbols, 4, 10, 10)]).toEqual([...Array(10).keys()]);
  });

  it('−0 counts as zero and NaN as non-zero', () => {
    expect([...nonzeroPositions(Float32Array.of(-0, NaN, 0, 2))]).toEqual([1, 3]);
  });

  it('round trips random 90%-sparse positions for every gap width 1..16', () => {
    const random = mulberry32(9);
    const values = Float32Array.from({ length: 3000 }, () => (random() < 0.1 ? 1 : 0));
    const positions = nonzeroPositions(values);
    for (let g = 1; g <= 16; g++) {
      const { symbols, fillers } = encodeGaps(positions, g);
      const { freqs, entries } = gapSymbolFrequencies(zeroRuns(positions), g);
      expect(entries).toBe(symbols.length);
      expect(freqs[2 ** g - 1]).toBe(fillers);
      expect(decodeGaps(symbols, g, values.length, positions.length)).toEqual(positions);
    }
  });

  it('rejects gap streams that run past the tensor or disagree with the stored-value count', () => {
    expect(() => decodeGaps(Uint16Array.of(5), 3, 5, 1)).toThrow(/runs past/);
    expect(() => decodeGaps(Uint16Array.of(7, 7), 3, 10, 0)).toThrow(/runs past/);
    expect(() => decodeGaps(Uint16Array.of(0, 0), 3, 10, 1)).toThrow(/more than the declared/);
    expect(() => decodeGaps(Uint16Array.of(0), 3, 10, 2)).toThrow(SnnFormatError);
    expect(() => encodeGaps(Uint32Array.of(1), 17)).toThrow(SnnFormatError);
  });
});
