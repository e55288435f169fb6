import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../random.js';
import { bestGapBits, encodeTensorAuto } from './auto.js';
import { SnnFormatError } from './errors.js';
import { decodeSnn } from './reader.js';
import { nonzeroPositions } from './sparse.js';
import type { SnnTensor } from './spec.js';
import { encodeSnn, encodeSnnWithReport, planTensor } from './writer.js';

const centroids = Float32Array.of(-0.31, -0.12, -0.05, 0.04, 0.09, 0.2, 0.33, 0.5);

/** A Deep Compression-like layer: ~8% of weights kept, each equal to a centroid. */
function prunedClustered(n: number, keep: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  return Float32Array.from({ length: n }, () => (random() < keep ? centroids[Math.floor(random() ** 2 * centroids.length)]! : 0));
}

/** Bitwise equality without vitest's per-element deep-equal (slow on large typed arrays). */
function expectSameBits(a: Float32Array | Uint32Array, b: Float32Array | Uint32Array): void {
  expect(a.length).toBe(b.length);
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  let mismatches = 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) mismatches++;
  expect(mismatches).toBe(0);
}

const recordBytes = (t: SnnTensor): number => encodeSnnWithReport({ topology: null, metadata: null, tensors: [t] }).report.tensors[0]!.recordBytes;

describe('encodeTensorAuto', () => {
  it('pruned + clustered layer → sparse codebook indexes, exact, positions and indexes filled in', () => {
    const values = prunedClustered(300 * 100, 0.08, 1);
    const t = encodeTensorAuto('fc2/kernel', values, [300, 100], { codebook: centroids });
    expect(t.encoding.values.kind).toBe('codebook');
    expect(t.encoding.sparse).not.toBeNull();
    expectSameBits(t.positions!, nonzeroPositions(values));
    expect(t.indexes!.length).toBe(t.positions!.length);
    const back = decodeSnn(encodeSnn({ topology: null, metadata: null, tensors: [t] })).tensors[0]!;
    expectSameBits(back.values, values);
    expect(back.encoding).toEqual(t.encoding);
  });

  it('a dense tensor without zeros stays dense', () => {
    const random = mulberry32(2);
    const values = Float32Array.from({ length: 500 }, () => random() + 0.1);
    expect(encodeTensorAuto('w', values, [500]).encoding.sparse).toBeNull();
  });

  it('a codebook without 0 keeps pruned zeros exact by going sparse, even when dense would be smaller', () => {
    const values = Float32Array.from({ length: 64 }, (_, i) => (i % 2 ? centroids[i % 8]! : 0));
    const t = encodeTensorAuto('w', values, [64], { codebook: centroids });
    expect(t.encoding.sparse).not.toBeNull();
    expect(planTensor(t).exact).toBe(true);
    const forcedDense = encodeTensorAuto('w', values, [64], { codebook: centroids, sparse: false });
    expect(forcedDense.encoding.sparse).toBeNull();
    expect(planTensor(forcedDense).exact).toBe(false);
  });

  it('sparse: true forces sparse storage of a dense tensor; sparse: false forces dense', () => {
    const values = Float32Array.from({ length: 100 }, (_, i) => i + 1);
    expect(encodeTensorAuto('w', values, [100], { sparse: true }).encoding.sparse).not.toBeNull();
    expect(encodeTensorAuto('w', prunedClustered(1000, 0.05, 3), [1000], { sparse: false }).encoding.sparse).toBeNull();
  });

  it('gapBits auto picks the width with the smallest real record (brute force over 1..16)', () => {
    for (const [keep, huffman] of [[0.08, false], [0.3, false], [0.08, true]] as const) {
      const values = prunedClustered(8000, keep, 4);
      const t = encodeTensorAuto('w', values, [8000], { codebook: centroids, sparse: true, huffman });
      const sizes = Array.from({ length: 16 }, (_, g) =>
        recordBytes(encodeTensorAuto('w', values, [8000], { codebook: centroids, sparse: true, gapBits: g + 1, huffman })),
      );
      expect(recordBytes(t)).toBe(Math.min(...sizes));
      expect(t.encoding.sparse!.gapBits).toBe(bestGapBits(nonzeroPositions(values), huffman ? 'possible' : false));
    }
  });

  it('huffman auto uses Huffman only where it is smaller; false never; true whenever possible', () => {
    const values = prunedClustered(30_000, 0.08, 5);
    const auto = encodeTensorAuto('w', values, [30_000], { codebook: centroids });
    const never = encodeTensorAuto('w', values, [30_000], { codebook: centroids, huffman: false });
    const always = encodeTensorAuto('w', values, [30_000], { codebook: centroids, huffman: true });
    expect(never.encoding.huffmanValues || never.encoding.huffmanGaps).toBe(false);
    expect(always.encoding.huffmanValues && always.encoding.huffmanGaps).toBe(true);
    expect(recordBytes(auto)).toBeLessThanOrEqual(Math.min(recordBytes(never), recordBytes(always)));
    // Skewed index distribution (random()² picks small indexes more often): Huffman pays off.
    expect(auto.encoding.huffmanValues).toBe(true);
    // Uniform 2-symbol indexes at 1 bit each cannot shrink: auto keeps fixed width.
    const flat = Float32Array.from({ length: 4000 }, (_, i) => (i % 2 ? 0.5 : -0.5));
    expect(encodeTensorAuto('w', flat, [4000], { codebook: Float32Array.of(-0.5, 0.5) }).encoding.huffmanValues).toBe(false);
  });

  it('bits → affine grid from min/max with 0 exactly representable, per tensor or per channel', () => {
    const random = mulberry32(6);
    const values = Float32Array.from({ length: 12 * 4 }, (_, i) => (i % 5 === 0 ? 0 : (random() - 0.3) * (1 + (i % 4))));
    for (const perChannel of [false, true]) {
      const t = encodeTensorAuto('w', values, [12, 4], { bits: 6, perChannel });
      const v = t.encoding.values;
      if (v.kind !== 'affine') throw new Error('expected affine');
      expect(v.scales.length).toBe(perChannel ? 4 : 1);
      const plan = planTensor(t);
      expect(plan.exact).toBe(false);
      const maxScale = Math.max(...v.scales);
      expect(plan.maxAbsError).toBeLessThanOrEqual(maxScale / 2 + 1e-7);
      const back = decodeSnn(encodeSnn({ topology: null, metadata: null, tensors: [t] })).tensors[0]!;
      for (let i = 0; i < values.length; i += 5) expect(back.values[i]).toBe(0);
    }
  });

  it('explicit affine grid (from QAT) round trips bit-exactly', () => {
    const scales = Float32Array.of(0.05);
    const zeroPoints = Int32Array.of(128);
    const values = Float32Array.from({ length: 256 }, (_, q) => Math.fround((q - 128) * scales[0]!)); // float32 math, as TF.js does
    const t = encodeTensorAuto('w', values, [256], { bits: 8, scales, zeroPoints });
    const back = decodeSnn(encodeSnn({ topology: null, metadata: null, tensors: [t] })).tensors[0]!;
    expectSameBits(back.values, values);
    expect([...back.indexes!.subarray(0, 3)]).toEqual([0, 1, 2]);
  });

  it('float16 hint stores half precision', () => {
    const t = encodeTensorAuto('w', Float32Array.of(0.1, 2, -3), [3], { float16: true, dtype: 'float32' });
    expect(t.encoding.values.kind).toBe('float16');
    expect(planTensor(t).maxAbsError).toBeLessThan(1e-4);
  });

  it('rejects contradictory or out-of-range hints', () => {
    const v = Float32Array.of(1, 2);
    expect(() => encodeTensorAuto('w', v, [2], { bits: 4, codebook: centroids })).toThrow(SnnFormatError);
    expect(() => encodeTensorAuto('w', v, [2], { bits: 17 })).toThrow(/bits/);
    expect(() => encodeTensorAuto('w', v, [2], { bits: 4, scales: Float32Array.of(1) })).toThrow(/zero points/);
    expect(() => encodeTensorAuto('w', v, [2], { sparse: true, gapBits: 0 })).toThrow(/gap bits/);
  });
});
