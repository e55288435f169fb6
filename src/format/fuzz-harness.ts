/**
 * Seeded mutation fuzzing of the .snn reader, shared by src/format/fuzz.test.ts (CI, ≥ 10,000 runs)
 * and scripts/fuzz.ts (long runs). Seeds are small valid files covering every encoding; each run
 * applies 1–3 mutations (bit flips, byte overwrites, truncation, insertion, deletion, huge values
 * written over u8/u16/u32 fields) and, usually, repairs the length field and CRC so the mutation gets
 * past the checksum into the parser. The invariant: decodeSnn returns or throws SnnFormatError —
 * never another exception, never a hang — and whatever it returns re-encodes (without error) to a
 * file that decodes to the same values.
 */
import { mulberry32 } from '../random.js';
import { encodeTensorAuto } from './auto.js';
import { crc32 } from './crc32.js';
import { SnnFormatError } from './errors.js';
import { decodeSnn } from './reader.js';
import { CHECKSUM_BYTES, HEADER_BYTES, type SnnModel, type SnnTensor } from './spec.js';
import { encodeSnn } from './writer.js';

/** Rewrites the length field and CRC of (possibly mutated) file bytes so they pass the envelope checks. */
export function resealSnn(bytes: Uint8Array): Uint8Array {
  if (bytes.length < HEADER_BYTES + CHECKSUM_BYTES) return bytes;
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  view.setUint32(12, out.length, true);
  view.setUint32(out.length - CHECKSUM_BYTES, crc32(out, 0, out.length - CHECKSUM_BYTES), true);
  return out;
}

/** Small valid .snn files (a few hundred bytes each) covering every encoding combination. */
export function fuzzSeeds(): Uint8Array[] {
  const random = mulberry32(20160201);
  const seeds: Uint8Array[] = [];
  const centroids = Float32Array.of(-0.75, -0.25, 0.125, 0.5, 1.5);
  const pruned = (n: number, keep: number, pick: () => number): Float32Array =>
    Float32Array.from({ length: n }, () => (random() < keep ? pick() : 0));
  const normal = (): number => random() * 2 - 1;
  const hints = [
    {},
    { float16: true },
    { bits: 3 },
    { bits: 5, perChannel: true },
    { codebook: centroids },
    { codebook: centroids.subarray(0, 1) },
  ];
  for (const hint of hints) {
    for (const sparse of [false, true]) {
      for (const huffman of [false, true]) {
        const pick = hint.codebook ? () => hint.codebook[Math.floor(random() * hint.codebook.length)]! : normal;
        const tensors: SnnTensor[] = [
          encodeTensorAuto('conv/kernel', pruned(48, sparse ? 0.3 : 1, pick), [2, 2, 3, 4], { ...hint, sparse, huffman, gapBits: sparse ? 2 : 'auto' }),
          encodeTensorAuto('conv/bias', Float32Array.of(0.5, 0, -1, 2), [4], { sparse: false }),
        ];
        const model: SnnModel = {
          topology: huffman ? { class_name: 'Sequential', config: { layers: [] } } : null,
          metadata: sparse ? { recipe: 'fuzz' } : null,
          tensors,
        };
        seeds.push(encodeSnn(model));
      }
    }
  }
  return seeds;
}

const HUGE_U32 = [0xffffffff, 0x80000000, 0x7fffffff, 0xe8d4a510 /* 10^12 mod 2^32 */, 1e9, 1 << 20, 65536, 0];
const HUGE_SMALL = [0xff, 0x80, 0x7f, 0x11, 0x10, 0x09, 0x08, 0x03, 0x02, 0x01, 0x00];

/** One random mutation of `bytes`; returns the new bytes and a short description. */
export function mutate(bytes: Uint8Array, random: () => number): { bytes: Uint8Array; kind: string } {
  const int = (n: number): number => Math.floor(random() * n);
  const at = int(Math.max(bytes.length, 1));
  switch (int(8)) {
    case 0: {
      const out = bytes.slice();
      if (out.length > 0) out[at] ^= 1 << int(8);
      return { bytes: out, kind: 'flip-bit' };
    }
    case 1: {
      const out = bytes.slice();
      if (out.length > 0) out[at] = int(256);
      return { bytes: out, kind: 'set-byte' };
    }
    case 2:
      return { bytes: bytes.slice(0, int(bytes.length + 1)), kind: 'truncate' };
    case 3: {
      const extra = Uint8Array.from({ length: 1 + int(8) }, () => int(256));
      const out = new Uint8Array(bytes.length + extra.length);
      out.set(bytes.subarray(0, at));
      out.set(extra, at);
      out.set(bytes.subarray(at), at + extra.length);
      return { bytes: out, kind: 'insert' };
    }
    case 4: {
      const count = Math.min(1 + int(8), bytes.length - at);
      const out = new Uint8Array(bytes.length - count);
      out.set(bytes.subarray(0, at));
      out.set(bytes.subarray(at + count), at);
      return { bytes: out, kind: 'delete' };
    }
    case 5: {
      const out = bytes.slice();
      if (at + 4 <= out.length) new DataView(out.buffer).setUint32(at, HUGE_U32[int(HUGE_U32.length)]!, true);
      return { bytes: out, kind: 'huge-u32' };
    }
    case 6: {
      const out = bytes.slice();
      if (at + 2 <= out.length) new DataView(out.buffer).setUint16(at, int(2) ? 0xffff : HUGE_SMALL[int(HUGE_SMALL.length)]!, true);
      return { bytes: out, kind: 'huge-u16' };
    }
    default: {
      const out = bytes.slice();
      if (out.length > 0) out[at] = HUGE_SMALL[int(HUGE_SMALL.length)]!;
      return { bytes: out, kind: 'small-u8' };
    }
  }
}

export interface FuzzFailure {
  iteration: number;
  kind: string;
  error: string;
}

export interface FuzzResult {
  iterations: number;
  decoded: number;
  rejected: number;
  failures: FuzzFailure[];
  slowestMs: number;
  /** Rejection messages with numbers stripped, and how often each occurred. */
  messages: Map<string, number>;
}

function sameValues(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const ab = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const bb = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < a.length; i++) {
    if (ab[i] === bb[i] || (a[i] === 0 && b[i] === 0) || (Number.isNaN(a[i]!) && Number.isNaN(b[i]!))) continue;
    return false;
  }
  return true;
}

/** Runs `iterations` mutated decodes from `seed`; deterministic for a given (iterations, seed). */
export function runFuzz(iterations: number, seed: number): FuzzResult {
  const seeds = fuzzSeeds();
  const random = mulberry32(seed);
  const result: FuzzResult = { iterations, decoded: 0, rejected: 0, failures: [], slowestMs: 0, messages: new Map() };
  for (let it = 0; it < iterations; it++) {
    let bytes = seeds[Math.floor(random() * seeds.length)]!;
    const kinds: string[] = [];
    const rounds = 1 + Math.floor(random() * 3);
    for (let k = 0; k < rounds; k++) {
      const m = mutate(bytes, random);
      bytes = m.bytes;
      kinds.push(m.kind);
    }
    if (random() < 0.75) {
      bytes = resealSnn(bytes);
      kinds.push('reseal');
    }
    const kind = kinds.join('+');
    const start = performance.now();
    try {
      const model = decodeSnn(bytes);
      result.decoded++;
      try {
        const again = decodeSnn(encodeSnn(model));
        if (!model.tensors.every((t, i) => sameValues(t.values, again.tensors[i]!.values))) {
          result.failures.push({ iteration: it, kind, error: 're-encoded values differ' });
        }
      } catch (e) {
        // Whatever the reader accepts, the writer must accept too (their validations agree).
        result.failures.push({ iteration: it, kind, error: `re-encode failed: ${String(e)}` });
      }
    } catch (e) {
      if (e instanceof SnnFormatError) {
        result.rejected++;
        const key = e.message.replace(/"[^"]*"/g, '"…"').replace(/\d+/g, 'N');
        result.messages.set(key, (result.messages.get(key) ?? 0) + 1);
        if (e.message.includes('\n')) result.failures.push({ iteration: it, kind, error: `multi-line message: ${e.message}` });
      } else {
        result.failures.push({ iteration: it, kind, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
      }
    }
    result.slowestMs = Math.max(result.slowestMs, performance.now() - start);
  }
  return result;
}
