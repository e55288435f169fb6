import { describe, expect, it } from 'vitest';
import { depthwiseOutputs, flattenedIndices, gatherAxis, outputL1Norms, scaledCount, strongest } from './width-math.js';

describe('width multiplier math', () => {
  it('scaledCount rounds α·n and keeps at least one unit', () => {
    expect(scaledCount(20, 0.5)).toBe(10);
    expect(scaledCount(50, 0.25)).toBe(13);
    expect(scaledCount(3, 0.1)).toBe(1);
    expect(scaledCount(500, 1)).toBe(500);
  });

  it('outputL1Norms sums |w| per last-axis unit', () => {
    // shape [2, 3]: rows are inputs, columns outputs
    expect(Array.from(outputL1Norms([1, -2, 3, -4, 5, 0], 3))).toEqual([5, 7, 3]);
  });

  it('strongest keeps the k largest norms in index order, ties to the lower index', () => {
    expect(Array.from(strongest([5, 7, 3, 7], 2))).toEqual([1, 3]);
    expect(Array.from(strongest([1, 1, 1], 2))).toEqual([0, 1]);
  });

  it('gatherAxis slices any axis of a row-major array', () => {
    const values = Array.from({ length: 24 }, (_, i) => i); // shape [2, 3, 4]
    expect(Array.from(gatherAxis(values, [2, 3, 4], 0, [1]))).toEqual(values.slice(12));
    expect(Array.from(gatherAxis(values, [2, 3, 4], 1, [0, 2]))).toEqual([0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 20, 21, 22, 23]);
    expect(Array.from(gatherAxis(values, [2, 3, 4], 2, [3]))).toEqual([3, 7, 11, 15, 19, 23]);
  });

  it('flattenedIndices maps kept channels through a channels-last Flatten', () => {
    // 2 positions × 3 channels, keep channels 0 and 2 → flat 0, 2, 3, 5
    expect(Array.from(flattenedIndices(2, 3, [0, 2]))).toEqual([0, 2, 3, 5]);
  });

  it('depthwiseOutputs expands kept input channels by the depth multiplier', () => {
    expect(Array.from(depthwiseOutputs([1, 3], 2))).toEqual([2, 3, 6, 7]);
  });
});
