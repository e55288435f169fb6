import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../random.js';
import { roundToFloat16 } from './float16.js';
import { decodeSnn } from './reader.js';
import type { SnnEncoding, SnnModel, SnnTensor, SnnValueEncoding } from './spec.js';
import { dequantizeAffine } from './values.js';
import { encodeSnn, encodeSnnWithReport, planTensor } from './writer.js';

const bits = (a: Float32Array): Uint32Array => new Uint32Array(a.buffer, a.byteOffset, a.length);
const fromBits = (...b: number[]): Float32Array => new Float32Array(Uint32Array.from(b).buffer);

/** Values exactly representable in `v`, with about `zeroFraction` of them +0. */
function onGrid(v: SnnValueEncoding, shape: number[], zeroFraction: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  const channels = shape[shape.length - 1]!;
  for (let i = 0; i < n; i++) {
    if (random() < zeroFraction) continue;
    if (v.kind === 'float32') out[i] = (random() - 0.5) * 10 ** Math.floor(random() * 12 - 6);
    else if (v.kind === 'float16') out[i] = roundToFloat16((random() - 0.5) * 8);
    else if (v.kind === 'codebook') out[i] = v.centroids[Math.floor(random() * v.centroids.length)]!;
    else {
      const c = v.perChannel ? i % channels : 0;
      out[i] = dequantizeAffine(Math.floor(random() * 2 ** v.bits), v.scales[c]!, v.zeroPoints[c]!);
    }
  }
  return out;
}

const SHAPE = [6, 5, 8];
const valueEncodings: Record<string, SnnValueEncoding> = {
  float32: { kind: 'float32' },
  float16: { kind: 'float16' },
  'affine 5-bit per-tensor': { kind: 'affine', bits: 5, perChannel: false, scales: Float32Array.of(0.0173), zeroPoints: Int32Array.of(9) },
  'affine 3-bit per-channel': {
    kind: 'affine',
    bits: 3,
    perChannel: true,
    scales: Float32Array.from({ length: 8 }, (_, c) => 0.01 * (c + 1)),
    zeroPoints: Int32Array.from({ length: 8 }, (_, c) => c % 8),
  },
  'codebook k=12': { kind: 'codebook', centroids: Float32Array.from({ length: 12 }, (_, i) => Math.fround((i - 5.5) / 7)) },
};

function expectBitExact(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  const a = bits(actual);
  const e = bits(expected);
  let mismatches = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== e[i]) mismatches++;
  expect(mismatches).toBe(0);
}

describe('container round trips, bit-exact', () => {
  let seed = 1;
  for (const [label, values] of Object.entries(valueEncodings)) {
    const indexed = values.kind === 'affine' || values.kind === 'codebook';
    for (const sparse of [null, { gapBits: 3 }]) {
      for (const huffmanValues of indexed ? [false, true] : [false]) {
        for (const huffmanGaps of sparse ? [false, true] : [false]) {
          const name = `${label}, ${sparse ? 'sparse g=3' : 'dense'}, Huffman values=${huffmanValues} gaps=${huffmanGaps}`;
          const s = seed++;
          it(name, () => {
            const encoding: SnnEncoding = { values, sparse, huffmanValues, huffmanGaps };
            // Dense codebook storage can only hold zeros that are centroids (this codebook has none).
            const zeros = sparse ? 0.8 : values.kind === 'codebook' ? 0 : 0.2;
            const tensor: SnnTensor = { name: 'layer/kernel', shape: SHAPE, dtype: 'float32', values: onGrid(values, SHAPE, zeros, s), encoding };
            const bytes = encodeSnn({ topology: { class_name: 'Sequential' }, metadata: null, tensors: [tensor] });
            const back = decodeSnn(bytes).tensors[0]!;
            expectBitExact(back.values, tensor.values);
            expect(back.encoding).toEqual(encoding);
            expect(back.shape).toEqual(SHAPE);
            const plan = planTensor(tensor);
            expect(back.positions).toEqual(plan.positions);
            expect(back.indexes).toEqual(plan.indexes);
            expect(plan.exact).toBe(true);
            // Files the writer produces are canonical: re-encoding the decoded model gives the same bytes.
            expect(encodeSnn(decodeSnn(bytes))).toEqual(bytes);
          });
        }
      }
    }
  }

  it('dense float32 keeps NaN payloads, signalling NaNs, ±∞, −0, subnormals and the largest float', () => {
    const values = fromBits(0x7fc01234, 0x7f800001, 0xff800000, 0x7f800000, 0x80000000, 0x00000001, 0x7f7fffff, 0x3f800000);
    const bytes = encodeSnn({ topology: null, metadata: null, tensors: [tensorOf(values, { values: { kind: 'float32' }, sparse: null, huffmanValues: false, huffmanGaps: false })] });
    expectBitExact(decodeSnn(bytes).tensors[0]!.values, values);
  });

  it('sparse storage treats −0 as a pruned zero and decodes it as +0', () => {
    const values = Float32Array.of(-0, 1, 0, -0, 2);
    const bytes = encodeSnn({ topology: null, metadata: null, tensors: [tensorOf(values, { values: { kind: 'float32' }, sparse: { gapBits: 2 }, huffmanValues: false, huffmanGaps: false })] });
    const back = decodeSnn(bytes).tensors[0]!;
    expect([...bits(back.values)]).toEqual([0, 0x3f800000, 0, 0, 0x40000000]);
    expect([...back.positions!]).toEqual([1, 4]);
  });

  it('topology and metadata JSON round trip (unicode included); null stays null', () => {
    const topology = { class_name: 'Sequential', config: { name: 'lenet-5 ✓', layers: [{ units: 10, use_bias: true }] } };
    const metadata = { recipe: { prune: 0.92, clusters: 'conv:16,dense:4' }, accuracy: 0.991, note: 'ünïcødé 🧠' };
    const model = decodeSnn(encodeSnn({ topology, metadata, tensors: [] }));
    expect(model).toEqual({ topology, metadata, tensors: [] });
    expect(decodeSnn(encodeSnn({ topology: null, metadata: null, tensors: [] }))).toEqual({ topology: null, metadata: null, tensors: [] });
  });

  it('edge shapes and dtypes: scalar, empty [0, 3], int32, bool, rank 8', () => {
    const dense: SnnEncoding = { values: { kind: 'float32' }, sparse: null, huffmanValues: false, huffmanGaps: false };
    const tensors: SnnTensor[] = [
      { name: 'scalar', shape: [], dtype: 'float32', values: Float32Array.of(3.5), encoding: dense },
      { name: 'empty', shape: [0, 3], dtype: 'float32', values: new Float32Array(0), encoding: { ...dense, sparse: { gapBits: 4 } } },
      { name: 'steps', shape: [3], dtype: 'int32', values: Float32Array.of(1, -7, 2 ** 24), encoding: dense },
      { name: 'mask', shape: [4], dtype: 'bool', values: Float32Array.of(1, 0, 0, 1), encoding: { ...dense, sparse: { gapBits: 1 } } },
      { name: 'deep', shape: [1, 1, 1, 1, 1, 1, 2, 1], dtype: 'float32', values: Float32Array.of(1, 2), encoding: dense },
    ];
    const back = decodeSnn(encodeSnn({ topology: null, metadata: null, tensors }));
    back.tensors.forEach((t, i) => {
      expect(t.name).toBe(tensors[i]!.name);
      expect(t.shape).toEqual(tensors[i]!.shape);
      expect(t.dtype).toBe(tensors[i]!.dtype);
      expectBitExact(t.values, tensors[i]!.values);
    });
  });

  it('codebook of one centroid stores 0-bit indexes (empty index stream), dense and sparse', () => {
    const centroids = Float32Array.of(0.25);
    const values = Float32Array.of(0.25, 0, 0, 0.25, 0.25);
    for (const sparse of [null, { gapBits: 2 }]) {
      const enc: SnnEncoding = { values: { kind: 'codebook', centroids }, sparse, huffmanValues: false, huffmanGaps: false };
      const { bytes, report } = encodeSnnWithReport({ topology: null, metadata: null, tensors: [tensorOf(sparse ? values : values.map(() => 0.25), enc)] });
      expect(report.tensors[0]!.values.fixedBytes).toBe(0);
      const back = decodeSnn(bytes).tensors[0]!;
      expectBitExact(back.values, sparse ? values : new Float32Array(5).fill(0.25));
    }
  });

  it('extreme widths: 16-bit and 1-bit affine, 16-bit Huffman-coded gaps', () => {
    const a16: SnnValueEncoding = { kind: 'affine', bits: 16, perChannel: false, scales: Float32Array.of(2 ** -10), zeroPoints: Int32Array.of(32768) };
    const a1: SnnValueEncoding = { kind: 'affine', bits: 1, perChannel: false, scales: Float32Array.of(0.5), zeroPoints: Int32Array.of(0) };
    for (const v of [a16, a1]) {
      const values = onGrid(v, [50, 40], 0.9, 77);
      values[1999] = dequantizeAffine(1, v.kind === 'affine' ? v.scales[0]! : 1, v.kind === 'affine' ? v.zeroPoints[0]! : 0);
      const t = tensorOf(values, { values: v, sparse: { gapBits: 16 }, huffmanValues: true, huffmanGaps: true }, [50, 40]);
      expectBitExact(decodeSnn(encodeSnn({ topology: null, metadata: null, tensors: [t] })).tensors[0]!.values, values);
    }
  });

  it('the report adds up: records + topology/metadata + header/count/CRC = file size; stages shrink', () => {
    const v = valueEncodings['codebook k=12']!;
    const t = tensorOf(onGrid(v, [100, 30], 0.92, 5), { values: v, sparse: { gapBits: 5 }, huffmanValues: true, huffmanGaps: true }, [100, 30]);
    const model: SnnModel = { topology: { a: 1 }, metadata: { b: 2 }, tensors: [t, { ...t, name: 'second' }] };
    const { bytes, report } = encodeSnnWithReport(model);
    expect(report.fileBytes).toBe(bytes.length);
    const records = report.tensors.reduce((s, r) => s + r.recordBytes, 0);
    expect(16 + report.topologyBytes + report.metadataBytes + 4 + records + 4).toBe(bytes.length);
    const r = report.tensors[0]!;
    expect(r.elements).toBe(3000);
    expect(r.stages.dense).toBe(12_000);
    expect(r.stages.pruned).toBe(4 * r.storedValues + r.gaps!.fixedBytes);
    expect(r.stages.quantized).toBe(r.paramBytes + r.values.fixedBytes + r.gaps!.fixedBytes);
    expect(r.stages.huffman).toBe(r.paramBytes + r.values.huffmanBytes! + r.gaps!.huffmanBytes!);
    expect(r.stages.dense).toBeGreaterThan(r.stages.pruned);
    expect(r.stages.pruned).toBeGreaterThan(r.stages.quantized);
    expect(r.fillers).toBe(r.gaps!.symbols - r.storedValues);
  });

  it('reports lossy encodings: values off the grid are quantized, with their max error', () => {
    const enc: SnnEncoding = { values: { kind: 'codebook', centroids: Float32Array.of(-1, 1) }, sparse: null, huffmanValues: false, huffmanGaps: false };
    const { bytes, report } = encodeSnnWithReport({ topology: null, metadata: null, tensors: [tensorOf(Float32Array.of(-0.9, 0.75, 1), enc)] });
    expect(report.tensors[0]!.exact).toBe(false);
    expect(report.tensors[0]!.maxAbsError).toBeCloseTo(0.25, 6);
    expect([...decodeSnn(bytes).tensors[0]!.values]).toEqual([-1, 1, 1]);
  });

  it('the writer refuses duplicate names, mismatched value counts and invalid parameters', () => {
    const dense: SnnEncoding = { values: { kind: 'float32' }, sparse: null, huffmanValues: false, huffmanGaps: false };
    const t = tensorOf(Float32Array.of(1, 2), dense);
    const write = (tensors: SnnTensor[]): Uint8Array => encodeSnn({ topology: null, metadata: null, tensors });
    expect(() => write([t, t])).toThrow(/duplicate tensor name/);
    expect(() => write([{ ...t, shape: [3] }])).toThrow(/needs 3 values/);
    expect(() => write([{ ...t, name: '' }])).toThrow(/name must be/);
    expect(() => write([{ ...t, encoding: { ...dense, huffmanValues: true } }])).toThrow(/Huffman coding applies/);
    expect(() => write([{ ...t, encoding: { ...dense, huffmanGaps: true } }])).toThrow(/need sparse/);
    expect(() => write([{ ...t, encoding: { ...dense, sparse: { gapBits: 17 } } }])).toThrow(/gap bits/);
    const affine = (scale: number, zp: number, b = 4): SnnTensor => ({
      ...t,
      encoding: { ...dense, values: { kind: 'affine', bits: b, perChannel: false, scales: Float32Array.of(scale), zeroPoints: Int32Array.of(zp) } },
    });
    expect(() => write([affine(-1, 0)])).toThrow(/scale/);
    expect(() => write([affine(1, 2 ** 25)])).toThrow(/zero point/);
    expect(() => write([affine(1, 0, 17)])).toThrow(/bits/);
  });
});

function tensorOf(values: Float32Array, encoding: SnnEncoding, shape = [values.length]): SnnTensor {
  return { name: 'w', shape, dtype: 'float32', values, encoding };
}

describe('names', () => {
  it('unicode names, a leading byte-order mark and 65,535-byte names round trip exactly', () => {
    const dense: SnnEncoding = { values: { kind: 'float32' }, sparse: null, huffmanValues: false, huffmanGaps: false };
    const names = ['conv2d_1/kernel:0', 'κέρνελ/重み', '\uFEFFbom', 'x'.repeat(65535)];
    const model: SnnModel = { topology: null, metadata: null, tensors: names.map((name) => ({ ...tensorOf(Float32Array.of(1), dense), name })) };
    const bytes = encodeSnn(model);
    expect(decodeSnn(bytes).tensors.map((t) => t.name)).toEqual(names);
    expect(encodeSnn(decodeSnn(bytes))).toEqual(bytes);
    expect(() => encodeSnn({ ...model, tensors: [{ ...model.tensors[0]!, name: 'x'.repeat(65536) }] })).toThrow(/name must be 1\.\.65535/);
  });
});
