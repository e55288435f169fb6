import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { mulberry32 } from '../random.js';
import {
  blockMask, channelMask, filterKeep, filterNorms, globalMagnitudeMasks, keepCount, magnitudeMask,
  maskThreshold, nmMask, topKMask, zeroChannels,
} from './masks.js';
import { countNonzero } from '../analysis/nonzero.js';
import { foldConstantsIntoBias, inputRowsOf, sliceAxis } from './shrink.js';

function randomValues(n: number, seed: number, scale = 1): Float32Array {
  const random = mulberry32(seed);
  return Float32Array.from({ length: n }, () => (random() * 2 - 1) * scale);
}

describe('topKMask / magnitudeMask', () => {
  it('keeps exactly the k largest, ties broken by position', () => {
    expect([...topKMask(Float32Array.from([0, 0, 0, 0]), 2)]).toEqual([1, 1, 0, 0]);
    expect([...topKMask(Float32Array.from([1, 3, 2, 3]), 2)]).toEqual([0, 1, 0, 1]);
    expect([...topKMask(Float32Array.from([5, 1]), 0)]).toEqual([0, 0]);
    expect([...topKMask(Float32Array.from([5, 1]), 9)]).toEqual([1, 1]);
  });

  it('keepCount follows tfmot: round(n(1 − s)), at least one', () => {
    expect(keepCount(1000, 0.92)).toBe(80);
    expect(keepCount(3, 0.99)).toBe(1);
    expect(keepCount(0, 0.5)).toBe(0);
    expect(() => keepCount(10, 1)).toThrow(UsageError);
  });

  it('prunes the smallest |w| first (negative weights by magnitude)', () => {
    const w = Float32Array.from([0.1, -0.9, 0.3, -0.05, 0.5, -0.2]);
    expect([...magnitudeMask(w, 0.5)]).toEqual([0, 1, 1, 0, 1, 0]);
  });

  it('hits the requested sparsity exactly even when many weights are already zero', () => {
    const w = randomValues(1000, 1);
    w.fill(0, 0, 400);
    const mask = magnitudeMask(w, 0.9);
    expect(countNonzero(mask)).toBe(100);
    for (let i = 0; i < 400; i++) expect(mask[i]).toBe(0);
  });
});

describe('global vs per-layer thresholds', () => {
  // Layer a has large weights, layer b small ones: one threshold across both prunes b harder.
  const a = randomValues(1000, 2, 1);
  const b = randomValues(1000, 3, 0.1);

  it('per-layer: each tensor reaches the sparsity on its own', () => {
    expect(countNonzero(magnitudeMask(a, 0.8))).toBe(200);
    expect(countNonzero(magnitudeMask(b, 0.8))).toBe(200);
  });

  it('global: total sparsity is exact, a single threshold separates kept from pruned everywhere', () => {
    const [ma, mb] = globalMagnitudeMasks([a, b], 0.8);
    expect(countNonzero(ma!) + countNonzero(mb!)).toBe(400);
    expect(countNonzero(mb!)).toBeLessThan(countNonzero(ma!));
    const threshold = Math.max(maskThreshold(a, ma!), maskThreshold(b, mb!));
    const smallestKept = Math.min(...[...a].filter((_, i) => ma![i]).map(Math.abs), ...[...b].filter((_, i) => mb![i]).map(Math.abs));
    expect(smallestKept).toBeGreaterThanOrEqual(threshold);
  });

  it('global equals per-layer when there is one tensor', () => {
    expect(globalMagnitudeMasks([a], 0.7)[0]).toEqual(magnitudeMask(a, 0.7));
  });
});

describe('block masks', () => {
  it('1x4 blocks of a [2, 8] kernel are kept or zeroed as a whole, weakest by mean |w|', () => {
    const w = Float32Array.from([
      1, 1, 1, 1, 0.1, 0.1, 0.1, 0.1,
      0.2, 0.2, 0.2, 0.2, 3, 3, 3, 3,
    ]);
    expect([...blockMask(w, [2, 8], 1, 4, 0.5)]).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
  });

  it('every 1x4 block of a conv kernel is all-zero or all-kept; partial edge blocks allowed', () => {
    const shape = [3, 3, 4, 10]; // 10 outputs: blocks of 4, 4, 2
    const w = randomValues(3 * 3 * 4 * 10, 4);
    const mask = blockMask(w, shape, 1, 4, 0.75, 'l2');
    for (let r = 0; r < 36; r++) {
      for (const [start, len] of [[0, 4], [4, 4], [8, 2]] as const) {
        const vals = Array.from({ length: len }, (_, k) => mask[r * 10 + start + k]);
        expect(new Set(vals).size).toBe(1);
      }
    }
    expect(countNonzero(mask) / mask.length).toBeGreaterThan(0.15);
    expect(countNonzero(mask) / mask.length).toBeLessThan(0.35);
  });
});

describe('N:M masks', () => {
  it('2:4 on a conv kernel: every group of 4 consecutive input channels has ≤ 2 nonzeros, for each (kh, kw, out)', () => {
    const shape = [3, 3, 8, 5];
    const w = randomValues(3 * 3 * 8 * 5, 5);
    const mask = nmMask(w, shape, 2, 4);
    for (let kh = 0; kh < 3; kh++) for (let kw = 0; kw < 3; kw++) for (let o = 0; o < 5; o++) {
      for (let g = 0; g < 8; g += 4) {
        let kept = 0;
        for (let i = g; i < g + 4; i++) kept += mask[((kh * 3 + kw) * 8 + i) * 5 + o]!;
        expect(kept).toBe(2);
      }
    }
  });

  it('keeps the two largest |w| of each group (dense [in=4, out=1])', () => {
    expect([...nmMask(Float32Array.from([0.1, -0.7, 0.3, 0.2]), [4, 1], 2, 4)]).toEqual([0, 1, 1, 0]);
  });

  it('M that does not divide the input-channel axis is a UsageError naming the sizes', () => {
    expect(() => nmMask(new Float32Array(5 * 5 * 1 * 20), [5, 5, 1, 20], 2, 4)).toThrow(/M \(4\) to divide the input-channel axis \(1\)/);
    expect(() => nmMask(new Float32Array(8), [8, 1], 4, 4)).toThrow(UsageError);
  });
});

describe('filter (structured) masks', () => {
  // Dense [in=3, out=4]: column norms L1 = [0.6, 3, 0.3, 1.5]
  const w = Float32Array.from([0.2, 1, 0.1, -0.5, -0.2, 1, 0.1, 0.5, 0.2, -1, 0.1, 0.5]);

  it('L1 and L2 norms per output channel', () => {
    expect([...filterNorms(w, [3, 4], 'l1')].map((x) => +x.toFixed(5))).toEqual([0.6, 3, 0.3, 1.5]);
    expect(filterNorms(w, [3, 4], 'l2')[1]).toBeCloseTo(Math.sqrt(3), 6);
  });

  it('removes the weakest half of the channels and expands to whole columns', () => {
    const keep = filterKeep(w, [3, 4], 0.5, 'l1');
    expect([...keep]).toEqual([0, 1, 0, 1]);
    const mask = channelMask(keep, [3, 4]);
    expect(zeroChannels(Float32Array.from(w, (v, i) => v * mask[i]!), [3, 4])).toEqual([0, 2]);
  });
});

describe('structured removal arithmetic', () => {
  it('sliceAxis keeps channels in order along any axis', () => {
    const v = Float32Array.from({ length: 12 }, (_, i) => i); // [2, 3, 2]
    expect([...sliceAxis(v, [2, 3, 2], 1, [0, 2]).values]).toEqual([0, 1, 4, 5, 6, 7, 10, 11]);
    expect(sliceAxis(v, [2, 3, 2], 2, [1]).shape).toEqual([2, 3, 1]);
  });

  it('flattened channel c feeds rows p·C + c', () => {
    expect(inputRowsOf(1, 3, 2)).toEqual([1, 4]);
    expect(inputRowsOf(2, 3, undefined)).toEqual([2]);
  });

  it('a constant input v adds v·Σ kernel over its rows (and kernel positions) to the bias', () => {
    // conv kernel [kh=1, kw=2, in=2, out=1]: rows for input 1 are at k=0 and k=1
    const kernel = Float32Array.from([1, 2, 3, 4]);
    const folded = foldConstantsIntoBias(kernel, [1, 2, 2, 1], Float32Array.from([0.5]), new Map([[1, 10]]));
    expect(folded[0]).toBeCloseTo(0.5 + 10 * (2 + 4), 5);
  });
});
