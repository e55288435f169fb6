import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import {
  FLOAT32, deepCompression, expectedFillersPerNonzero, integerInference, isSparse, parseStorageSpec, specFor,
  tensorBits, tfjsQuantized, validateStorageSpec,
} from './storage.js';

describe('expectedFillersPerNonzero', () => {
  it('is zero for dense tensors', () => {
    expect(expectedFillersPerNonzero(1, 4)).toBe(0);
  });

  it('density 0.5 with 1-bit gaps: Σ 0.25^j = 1/3', () => {
    expect(expectedFillersPerNonzero(0.5, 1)).toBeCloseTo(1 / 3, 12);
  });

  it('equals the series Σ_{j≥1} (1−d)^{j·2^b} it closes', () => {
    const d = 0.08;
    const m = 2 ** 5;
    let series = 0;
    for (let j = 1; j < 10_000; j++) series += Math.pow(1 - d, j * m);
    expect(expectedFillersPerNonzero(d, 5)).toBeCloseTo(series, 12);
  });
});

describe('tensorBits', () => {
  it('dense: values × bits + overhead', () => {
    expect(tensorBits(1000, 1000, { bits: 32 })).toBe(32_000);
    expect(tensorBits(1000, 10, { bits: 8, overheadBits: 64 })).toBe(8064); // zeros stored too
  });

  it('sparse: (value + index bits) per entry, fillers included', () => {
    // 2560 weights, 256 nonzero, 4-bit indexes and values, 16-entry fp32 codebook.
    expect(tensorBits(2560, 256, { bits: 4, indexBits: 4, overheadBits: 512 })).toBeCloseTo(256 * (1 + 0.22744872723462592) * 8 + 512, 9);
    expect(tensorBits(100, 100, { bits: 5, indexBits: 3 })).toBe(800);
    expect(tensorBits(100, 0, { bits: 5, indexBits: 3, overheadBits: 7 })).toBe(7);
  });
});

describe('storage presets', () => {
  it('FLOAT32 is dense fp32 everywhere', () => {
    expect(FLOAT32).toEqual({ kernel: { bits: 32 }, aux: { bits: 32 }, arithmetic: { type: 'float', bits: 32 } });
    expect(isSparse(FLOAT32)).toBe(false);
  });

  it('tfjsQuantized: uint8/uint16 carry scale+min per tensor, float16 none; arithmetic stays fp32', () => {
    expect(tfjsQuantized('uint8')).toEqual({
      kernel: { bits: 8, overheadBits: 64 }, aux: { bits: 8, overheadBits: 64 }, arithmetic: { type: 'float', bits: 32 },
    });
    expect(tfjsQuantized('uint16').kernel.bits).toBe(16);
    expect(tfjsQuantized('float16').kernel).toEqual({ bits: 16, overheadBits: 0 });
  });

  it('integerInference(8): 8-bit kernels, int32 biases, int8 multiplies', () => {
    const spec = integerInference(8);
    expect(spec.kernel).toEqual({ bits: 8, overheadBits: 64 });
    expect(spec.aux.bits).toBe(32);
    expect(spec.arithmetic).toEqual({ type: 'int', bits: 8 });
  });

  it('deepCompression(32 clusters, 5-bit gaps): 5-bit indexes, 1024-bit codebook, sparse', () => {
    const spec = deepCompression({ clusters: 32, indexBits: 5 });
    expect(spec.kernel).toEqual({ bits: 5, overheadBits: 1024, indexBits: 5 });
    expect(isSparse(spec)).toBe(true);
    expect(deepCompression({ clusters: 20, indexBits: 0 }).kernel.bits).toBe(5); // ceil(log2 20)
    expect(isSparse(deepCompression({ clusters: 4, indexBits: 0 }))).toBe(false);
  });

  it('out-of-range values are UsageErrors naming the field and value', () => {
    expect(() => deepCompression({ clusters: 1, indexBits: 5 })).toThrow('clusters must be an integer >= 2, got 1');
    expect(() => deepCompression({ clusters: 16, indexBits: 5, density: 1.5 })).toThrow('storage.density must be in (0, 1], got 1.5');
    expect(() => integerInference(0)).toThrow(UsageError);
    expect(() => validateStorageSpec({ ...FLOAT32, kernel: { bits: 3.5 } })).toThrow('storage.kernel.bits must be an integer in [1, 64], got 3.5');
    expect(() => validateStorageSpec({ ...FLOAT32, arithmetic: { type: 'float', bits: 8 as 16 } })).toThrow('float bits must be 16 or 32, got 8');
  });
});

describe('specFor', () => {
  it('returns a single spec for every layer, or the plan\'s exception or default', () => {
    const dc = deepCompression({ clusters: 16, indexBits: 4 });
    expect(specFor(FLOAT32, 'fc1')).toBe(FLOAT32);
    const plan = { default: FLOAT32, layers: { fc1: dc } };
    expect(specFor(plan, 'fc1')).toBe(dc);
    expect(specFor(plan, 'conv1')).toBe(FLOAT32);
  });
});

describe('parseStorageSpec', () => {
  it('maps the CLI names to the presets', () => {
    expect(parseStorageSpec('float32')).toBe(FLOAT32);
    expect(parseStorageSpec('uint8')).toEqual(tfjsQuantized('uint8'));
    expect(parseStorageSpec('float16')).toEqual(tfjsQuantized('float16'));
    expect(parseStorageSpec('int4')).toEqual(integerInference(4));
    expect(parseStorageSpec('deep:32:5')).toEqual(deepCompression({ clusters: 32, indexBits: 5 }));
    expect(parseStorageSpec('deep:64:8:0.33')).toEqual(deepCompression({ clusters: 64, indexBits: 8, density: 0.33 }));
  });

  it('anything else is a UsageError listing the forms', () => {
    expect(() => parseStorageSpec('int1')).toThrow(UsageError);
    expect(() => parseStorageSpec('bf16')).toThrow("storage must be one of float32, float16, uint8, uint16, int<BITS>, deep:<CLUSTERS>:<INDEX_BITS>[:<DENSITY>] (int 2..16 bits), got 'bf16'");
    expect(() => parseStorageSpec('deep:32:5:1.5')).toThrow('storage.density must be in (0, 1], got 1.5');
    expect(() => parseStorageSpec('deep:1:5')).toThrow('clusters must be an integer >= 2, got 1');
  });
});
