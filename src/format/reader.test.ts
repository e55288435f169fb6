/**
 * Every way a .snn file can be bad. Crafted files start from a valid hand-built record and change one
 * field, then get a correct length and CRC (resealSnn) so the defect reaches the parser.
 */
import { describe, expect, it } from 'vitest';
import { RuntimeError } from '../errors.js';
import { encodeTensorAuto } from './auto.js';
import { ByteWriter } from './bytes.js';
import { SnnFormatError } from './errors.js';
import { resealSnn } from './fuzz-harness.js';
import { rejects, sealedFile } from './crafted.test-util.js';
import { decodeSnn } from './reader.js';
import { encodeSnn } from './writer.js';

interface Record {
  name?: string | Uint8Array;
  dtype?: number;
  shape?: number[];
  rank?: number;
  kind?: number;
  flags?: number;
  params?: (w: ByteWriter) => void;
  sparse?: (w: ByteWriter) => void;
  values?: (w: ByteWriter) => void;
}

function writeRecord(w: ByteWriter, r: Record): void {
  const name = typeof r.name === 'object' ? r.name : new TextEncoder().encode(r.name ?? 'w');
  w.u16(name.length);
  w.bytes(name);
  w.u8(r.dtype ?? 0);
  const shape = r.shape ?? [4];
  w.u8(r.rank ?? shape.length);
  for (const d of shape) w.u32(d);
  w.u8(r.kind ?? 0);
  w.u8(r.flags ?? 0);
  r.params?.(w);
  r.sparse?.(w);
  if (r.values) r.values(w);
  else {
    const n = shape.reduce((a, b) => a * b, 1);
    w.u32(4 * n);
    w.bytes(new Uint8Array(4 * n));
  }
}

const tensors = (...records: Record[]): Uint8Array =>
  sealedFile((w) => {
    w.u32(0);
    w.u32(0);
    w.u32(records.length);
    for (const r of records) writeRecord(w, r);
  });

function validFile(): Uint8Array {
  const random = (i: number): number => Math.sin(i * 12.9898) * 0.5;
  const cb = Float32Array.of(-0.5, -0.1, 0.2, 0.7);
  const pruned = Float32Array.from({ length: 60 }, (_, i) => (i % 4 === 0 ? cb[i % 3]! : 0));
  return encodeSnn({
    topology: { class_name: 'Sequential' },
    metadata: { note: 'valid' },
    tensors: [
      encodeTensorAuto('fc/kernel', pruned, [12, 5], { codebook: cb, sparse: true, huffman: true }),
      encodeTensorAuto('fc/bias', Float32Array.from({ length: 5 }, (_, i) => random(i)), [5], { bits: 4 }),
    ],
  });
}

// Affine 2-bit per-tensor params: bits, granularity, scale 0.5, zero point 1.
const affineParams = (w: ByteWriter, scale = 0.5, zp = 1, bits = 2, granularity = 0): void => {
  w.u8(bits);
  w.u8(granularity);
  w.float32Array(Float32Array.of(scale));
  w.int32Array(Int32Array.of(zp));
};

describe('decodeSnn on crafted files', () => {
  it('the hand-built baselines are valid (so each failure below is caused by its one change)', () => {
    expect(decodeSnn(tensors({})).tensors[0]!.shape).toEqual([4]);
    const affine = decodeSnn(tensors({ kind: 2, params: (w) => affineParams(w), values: (w) => (w.u32(1), w.u8(0b11100100)) }));
    expect([...affine.tensors[0]!.values]).toEqual([-0.5, 0, 0.5, 1]);
    expect(decodeSnn(validFile()).tensors.length).toBe(2);
  });

  it('wrong magic, empty input and a non-Uint8Array are rejected', () => {
    const bytes = validFile();
    bytes[1] = 0x50;
    rejects(bytes, /^not an \.snn file \(bad magic\)$/);
    rejects(new TextEncoder().encode('{"modelTopology": {}}'), /bad magic/);
    rejects(new Uint8Array(0), /empty file/);
    expect(() => decodeSnn([1, 2] as unknown as Uint8Array)).toThrow(SnnFormatError);
  });

  it('a future version gives "unsupported .snn version 9; this reader supports 1 and 2"', () => {
    const bytes = validFile();
    bytes[8] = 9;
    rejects(bytes, /^unsupported \.snn version 9; this reader supports 1 and 2$/);
  });

  it('unknown file flags are rejected', () => {
    const bytes = validFile();
    bytes[10] = 1;
    rejects(resealSnn(bytes), /unknown file flags 0x1/);
  });

  it('every truncation of a valid file is rejected', () => {
    const bytes = validFile();
    for (let n = 1; n < bytes.length; n++) rejects(bytes.subarray(0, n), n < 20 ? /truncated/ : /truncated: header declares/);
  });

  it('trailing bytes after the checksum are rejected', () => {
    const bytes = validFile();
    const longer = new Uint8Array(bytes.length + 3);
    longer.set(bytes);
    rejects(longer, /length mismatch: header declares \d+ bytes, file has \d+/);
  });

  it('every single flipped byte is detected; outside magic/version/length it is a checksum mismatch', () => {
    const bytes = validFile();
    for (let i = 0; i < bytes.length; i++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const bad = bytes.slice();
        bad[i] ^= mask;
        const envelope = i < 10 || (i >= 12 && i < 16); // magic, version, length: see docs/format.md §9
        rejects(bad, envelope ? /bad magic|unsupported \.snn version|truncated|length mismatch/ : /^checksum mismatch: stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}/);
      }
    }
  });

  it('10^12 declared elements fail fast with a one-line error, whatever the element limit', () => {
    const huge = tensors({ shape: [1_000_000, 1_000_000], values: (w) => w.u32(0) });
    const start = performance.now();
    rejects(huge, /tensor "w": 1000000000000 elements exceed the reader's limit/);
    rejects(huge, /1000000000000 float32 values need 4000000000000 bytes, length field says 0/, { maxElements: 1e13 });
    const sparseHuge = tensors({ shape: [1_000_000, 1_000_000], flags: 1, sparse: (w) => (w.u8(8), w.u32(1e9), w.u32(1e9), w.u32(0)), values: (w) => w.u32(0) });
    rejects(sparseHuge, /needs 1000000000 bytes|cannot fit|need \d+ bytes/, { maxElements: 1e13 });
    expect(performance.now() - start).toBeLessThan(2000); // no allocation or loop proportional to 10^12: milliseconds, with room for a busy machine
  });

  it('shape products beyond 2^53 and ranks above 8 are rejected', () => {
    rejects(tensors({ shape: new Array(8).fill(0xffffffff), values: (w) => w.u32(0) }), /shape overflows/);
    rejects(tensors({ shape: new Array(9).fill(1) }), /rank 9 exceeds 8/);
  });

  it('sizes past the end of the file are rejected before allocating', () => {
    rejects(sealedFile((w) => w.u32(0xffffffff)), /truncated: topology needs 4294967295 bytes at offset 20/);
    rejects(sealedFile((w) => (w.u32(0), w.u32(0), w.u32(0xffffffff))), /tensor count 4294967295 cannot fit/);
    rejects(tensors({ values: (w) => w.u32(16) }), /truncated: tensor "w" value stream needs 16 bytes/);
    rejects(tensors({ kind: 3, params: (w) => w.u32(65536), values: (w) => w.u32(0) }), /truncated: tensor "w" codebook needs 262144 bytes/);
  });

  it('the element budget (maxElements) caps the sum over tensors', () => {
    const two = tensors({ name: 'a', shape: [600] }, { name: 'b', shape: [600] });
    expect(decodeSnn(two, { maxElements: 1200 }).tensors.length).toBe(2);
    rejects(two, /tensor "b": 600 elements exceed the reader's limit \(1199 elements in total, 599 left/, { maxElements: 1199 });
  });

  it('unknown or out-of-range enum values are rejected', () => {
    rejects(tensors({ dtype: 3 }), /unknown dtype code 3/);
    rejects(tensors({ kind: 4 }), /unknown value encoding code 4/);
    rejects(tensors({ flags: 0x08 }), /unknown flag bits 0x8/);
    rejects(tensors({ kind: 2, params: (w) => affineParams(w, 0.5, 1, 2, 2) }), /unknown affine granularity 2/);
    rejects(tensors({ kind: 2, params: (w) => affineParams(w, 0.5, 1, 0) }), /affine bits 0 outside \[1, 16\]/);
    rejects(tensors({ kind: 2, params: (w) => affineParams(w, 0.5, 1, 17) }), /affine bits 17 outside/);
    rejects(tensors({ kind: 3, params: (w) => w.u32(0) }), /codebook size 0 outside/);
    rejects(tensors({ kind: 3, params: (w) => w.u32(65537) }), /codebook size 65537 outside/);
    rejects(tensors({ flags: 1, sparse: (w) => (w.u8(0), w.u32(0), w.u32(0), w.u32(0)) }), /gap bits 0 outside/);
    rejects(tensors({ flags: 1, sparse: (w) => (w.u8(17), w.u32(0), w.u32(0), w.u32(0)) }), /gap bits 17 outside/);
    rejects(tensors({ flags: 2 }), /Huffman flag set on float32 values/);
    rejects(tensors({ flags: 4 }), /gap Huffman flag set on a dense tensor/);
    rejects(tensors({ kind: 2, shape: [2, 0], params: (w) => affineParams(w, 0.5, 1, 2, 1) }), /non-empty last axis/);
  });

  it('bad affine parameters: non-positive, NaN or infinite scales and zero points beyond 2^24', () => {
    for (const scale of [0, -0.5, NaN, Infinity]) {
      rejects(tensors({ kind: 2, params: (w) => affineParams(w, scale) }), /scale .* must be positive and finite/);
    }
    rejects(tensors({ kind: 2, params: (w) => affineParams(w, 0.5, 2 ** 24 + 1) }), /zero point 16777217 for channel 0 exceeds 2\^24/);
  });

  it('a Huffman table that is not a prefix code is rejected', () => {
    // Index stream Huffman-coded; 2-bit alphabet; nibble table lengths 1,1,1,0 (Kraft sum 3/2).
    const table = (lengths: number[]) => (w: ByteWriter) => (w.u8(0), w.u8(lengths[0]! | (lengths[1]! << 4)), w.u8(lengths[2]! | (lengths[3]! << 4)));
    const huff = (lengths: number[]): Record => ({ kind: 2, flags: 2, params: (w) => affineParams(w), values: (w) => (table(lengths)(w), w.u32(1), w.u8(0)) });
    expect(decodeSnn(tensors(huff([1, 2, 3, 3]))).tensors[0]!.indexes).toEqual(new Uint16Array(4));
    rejects(tensors(huff([1, 1, 1, 0])), /over-subscribed \(Kraft sum > 1\), not a prefix code/);
    rejects(tensors(huff([1, 2, 0, 0])), /incomplete/);
    rejects(tensors({ ...huff([1, 2, 3, 3]), values: (w) => (table([1, 2, 3, 3])(w), w.u32(0)) }), /4 symbols cannot fit in 0 bytes/);
  });

  it('an index ≥ k is rejected (2-bit indexes into a 3-entry codebook)', () => {
    const codebook = (w: ByteWriter): void => (w.u32(3), w.float32Array(Float32Array.of(1, 2, 3)));
    expect([...decodeSnn(tensors({ kind: 3, params: codebook, values: (w) => (w.u32(1), w.u8(0b10010010)) })).tensors[0]!.values]).toEqual([3, 1, 2, 3]);
    rejects(tensors({ kind: 3, params: codebook, values: (w) => (w.u32(1), w.u8(0b11000000)) }), /symbol 3 at 3 is not below 3/);
  });

  it('gap streams that run past the tensor size or disagree with the counts are rejected', () => {
    // n = 4, g = 2 (filler = 3); values: stored float32.
    const sparse = (stored: number, symbols: number[]): Record => ({
      flags: 1,
      sparse: (w) => {
        w.u8(2);
        w.u32(stored);
        w.u32(symbols.length);
        const packed = new Uint8Array(Math.ceil(symbols.length / 4));
        symbols.forEach((s, i) => (packed[i >> 2] |= s << (2 * (i & 3))));
        w.u32(packed.length);
        w.bytes(packed);
      },
      values: (w) => (w.u32(4 * stored), w.bytes(new Uint8Array(4 * stored))),
    });
    expect([...decodeSnn(tensors(sparse(1, [3, 0]))).tensors[0]!.positions!]).toEqual([3]);
    rejects(tensors(sparse(2, [2, 2])), /gap stream runs past the tensor size 4 at entry 1/);
    rejects(tensors(sparse(0, [3, 3])), /runs past the tensor size/);
    rejects(tensors(sparse(5, [0, 0, 0, 0, 0])), /5 stored values exceed its 4 elements/);
    rejects(tensors(sparse(2, [0])), /2 stored values need at least as many gap entries, got 1/);
    rejects(tensors(sparse(1, [0, 0])), /holds more than the declared 1 stored values/);
    rejects(tensors(sparse(2, [3, 0])), /holds 1 stored values, header declares 2/);
  });

  it('bad names, bad JSON and duplicate tensors are rejected', () => {
    rejects(tensors({ name: Uint8Array.of(0xc3, 0x28) }), /tensor 0 name is not valid UTF-8/);
    rejects(tensors({ name: new Uint8Array(0) }), /tensor 0 has an empty name/);
    const json = (text: string) => sealedFile((w) => {
      const b = new TextEncoder().encode(text);
      w.u32(b.length);
      w.bytes(b);
      w.u32(0);
      w.u32(0);
    });
    rejects(json('{"a": '), /topology is not valid UTF-8 JSON/);
    rejects(json('[1, 2]'), /topology must be a JSON object/);
    rejects(json('null'), /topology must be a JSON object/);
    rejects(tensors({ name: 'same' }, { name: 'same' }), /duplicate tensor name "same"/);
    rejects(tensors({ name: 'line\nbreak', dtype: 9 }), /tensor "line\\nbreak": unknown dtype code 9/);
  });

  it('float value streams must have exactly 4 (float32) or 2 (float16) bytes per stored value', () => {
    rejects(tensors({ values: (w) => (w.u32(15), w.bytes(new Uint8Array(15))) }), /4 float32 values need 16 bytes, length field says 15/);
    rejects(tensors({ kind: 1, values: (w) => (w.u32(16), w.bytes(new Uint8Array(16))) }), /4 float16 values need 8 bytes/);
  });

  it('errors are SnnFormatError, a RuntimeError (CLI exit code 1)', () => {
    try {
      decodeSnn(new Uint8Array(3));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SnnFormatError);
      expect(e).toBeInstanceOf(RuntimeError);
      expect((e as Error).name).toBe('SnnFormatError');
    }
  });
});
