import { describe, expect, it } from 'vitest';
import { convMacs, denseMacs, depthwiseMacs, separableConvMacs, transposedConvMacs } from './macs.js';

describe('MAC formulas', () => {
  it('conv = kh·kw·cin·cout·oh·ow (MobileNet v1 conv_pw_13: 1024·1024·7·7)', () => {
    expect(convMacs([1, 1], 1024, 1024, [7, 7])).toBe(51_380_224);
    expect(convMacs([3, 3], 32, 64, [112, 112])).toBe(231_211_008);
  });

  it('grouped conv divides the input channels by the groups', () => {
    expect(convMacs([3, 3], 32, 64, [10, 10], 4)).toBe(9 * 8 * 64 * 100);
  });

  it('1-D and 3-D convs multiply all spatial dims', () => {
    expect(convMacs([5], 3, 8, [20])).toBe(5 * 3 * 8 * 20);
    expect(convMacs([3, 3, 3], 2, 4, [4, 4, 4])).toBe(27 * 2 * 4 * 64);
  });

  it('depthwise = kh·kw·c·multiplier·oh·ow', () => {
    expect(depthwiseMacs([3, 3], 32, 1, [112, 112])).toBe(3_612_672);
    expect(depthwiseMacs([3, 3], 8, 2, [5, 5])).toBe(9 * 8 * 2 * 25);
  });

  it('separable costs 1/N + 1/Dk² of a standard conv (MobileNet §3.1)', () => {
    const standard = convMacs([3, 3], 64, 128, [14, 14]);
    const separable = separableConvMacs([3, 3], 64, 1, 128, [14, 14]);
    expect(separable / standard).toBeCloseTo(1 / 128 + 1 / 9, 12);
  });

  it('transposed conv scatters each input position through the kernel', () => {
    expect(transposedConvMacs([2, 2], 16, 8, [7, 7])).toBe(4 * 16 * 8 * 49);
  });

  it('dense = in·out, per position', () => {
    expect(denseMacs(800, 500)).toBe(400_000);
    expect(denseMacs(16, 4, 10)).toBe(640);
  });
});
