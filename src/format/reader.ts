/**
 * The .snn reader, written for untrusted input: browser-safe (plus fflate for the JSON sections), every field
 * validated before it is used, every allocation bounded by bytes already known to be present or by
 * the element budget, every loop bounded by a validated count. Any defect is one SnnFormatError.
 * Check order: magic, size, version, length field, checksum, flags, then the body. Layout: docs/format.md.
 */
import { ByteReader, LITTLE_ENDIAN } from './bytes.js';
import { crc32 } from './crc32.js';
import { readJsonSection } from './json-section.js';
import { SnnFormatError, quoteName } from './errors.js';
import { float16Table } from './float16.js';
import {
  CHECKSUM_BYTES,
  DTYPE_CODES,
  FLAG_GAPS_HUFFMAN,
  FLAG_SPARSE,
  FLAG_VALUES_HUFFMAN,
  HEADER_BYTES,
  KNOWN_FLAGS,
  MAX_ABS_ZERO_POINT,
  MAX_AFFINE_BITS,
  MAX_CODEBOOK_SIZE,
  MAX_GAP_BITS,
  MAX_RANK,
  MIN_TENSOR_RECORD_BYTES,
  SNN_MAGIC,
  SNN_READABLE_VERSIONS,
  VALUE_ENCODING_CODES,
  defaultMaxElements,
  type DecodeOptions,
  type SnnEncoding,
  type SnnModel,
  type SnnTensor,
  type SnnValueEncoding,
} from './spec.js';
import { decodeGaps } from './sparse.js';
import { indexBits, readSymbolStream } from './streams.js';

// fatal: invalid UTF-8 is an error; ignoreBOM: a leading U+FEFF is kept, so names round trip byte for byte.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Parses and validates .snn bytes. Throws SnnFormatError (one line) on any defect.
 * @example const model = decodeSnn(new Uint8Array(await (await fetch('lenet.snn')).arrayBuffer()));
 */
export function decodeSnn(bytes: Uint8Array, options: DecodeOptions = {}): SnnModel {
  if (!(bytes instanceof Uint8Array)) throw new SnnFormatError('decodeSnn expects a Uint8Array');
  const version = checkEnvelope(bytes);
  const maxElements = options.maxElements ?? defaultMaxElements(bytes.length);
  const r = new ByteReader(bytes, HEADER_BYTES, bytes.length - CHECKSUM_BYTES);
  const topology = readJsonSection(r, 'topology', version);
  const metadata = readJsonSection(r, 'metadata', version);
  const count = r.u32('tensor count');
  if (count > r.remaining / MIN_TENSOR_RECORD_BYTES) {
    throw new SnnFormatError(`tensor count ${count} cannot fit in the remaining ${r.remaining} bytes`);
  }
  const budget = { left: maxElements, max: maxElements };
  const names = new Set<string>();
  const tensors: SnnTensor[] = [];
  for (let i = 0; i < count; i++) {
    const start = r.pos;
    const t = readTensor(r, budget, i);
    t.recordBytes = r.pos - start;
    if (names.has(t.name)) throw new SnnFormatError(`duplicate tensor name ${quoteName(t.name)}`);
    names.add(t.name);
    tensors.push(t);
  }
  if (r.remaining !== 0) throw new SnnFormatError(`${r.remaining} unexpected bytes after the last tensor`);
  return { topology, metadata, tensors };
}

/** Magic, version, declared length, the CRC over everything before the CRC field, then the flags. */
function checkEnvelope(bytes: Uint8Array): number {
  const min = HEADER_BYTES + CHECKSUM_BYTES;
  if (bytes.length === 0) throw new SnnFormatError('empty file, not an .snn file');
  for (let i = 0; i < SNN_MAGIC.length && i < bytes.length; i++) {
    if (bytes[i] !== SNN_MAGIC[i]) throw new SnnFormatError('not an .snn file (bad magic)');
  }
  if (bytes.length < min) throw new SnnFormatError(`truncated: ${bytes.length} bytes, an .snn file has at least ${min}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(8, true);
  if (!SNN_READABLE_VERSIONS.includes(version)) {
    throw new SnnFormatError(`unsupported .snn version ${version}; this reader supports ${SNN_READABLE_VERSIONS.join(' and ')}`);
  }
  // Only the fields needed to find and trust the checksum come before it: the magic (is this .snn at
  // all?), the version (a future version may lay out everything else differently) and the length
  // (so a cut-off file says "truncated"). Any other corrupted byte is reported as a checksum mismatch.
  const declared = view.getUint32(12, true);
  if (declared > bytes.length) throw new SnnFormatError(`truncated: header declares ${declared} bytes, file has ${bytes.length}`);
  if (declared < bytes.length) {
    throw new SnnFormatError(`file length mismatch: header declares ${declared} bytes, file has ${bytes.length}`);
  }
  const stored = view.getUint32(bytes.length - CHECKSUM_BYTES, true);
  const actual = crc32(bytes, 0, bytes.length - CHECKSUM_BYTES);
  if (stored !== actual) {
    throw new SnnFormatError(`checksum mismatch: stored 0x${hex(stored)}, computed 0x${hex(actual)} (file is corrupted)`);
  }
  const flags = view.getUint16(10, true);
  if (flags !== 0) throw new SnnFormatError(`unknown file flags 0x${flags.toString(16)}`);
  return version;
}

const hex = (v: number): string => v.toString(16).padStart(8, '0');

function readTensor(r: ByteReader, budget: { left: number; max: number }, index: number): SnnTensor {
  const nameLength = r.u16(`tensor ${index} name length`);
  if (nameLength === 0) throw new SnnFormatError(`tensor ${index} has an empty name`);
  let name: string;
  try {
    name = utf8.decode(r.take(nameLength, `tensor ${index} name`));
  } catch (e) {
    if (e instanceof SnnFormatError) throw e;
    throw new SnnFormatError(`tensor ${index} name is not valid UTF-8`);
  }
  const label = `tensor ${quoteName(name)}`;
  const dtypeCode = r.u8(`${label} dtype`);
  const dtype = DTYPE_CODES[dtypeCode];
  if (dtype === undefined) throw new SnnFormatError(`${label}: unknown dtype code ${dtypeCode}`);
  const rank = r.u8(`${label} rank`);
  if (rank > MAX_RANK) throw new SnnFormatError(`${label}: rank ${rank} exceeds ${MAX_RANK}`);
  const shape: number[] = [];
  let n = 1;
  for (let d = 0; d < rank; d++) {
    const dim = r.u32(`${label} shape`);
    shape.push(dim);
    n *= dim;
    if (n > Number.MAX_SAFE_INTEGER) throw new SnnFormatError(`${label}: shape overflows (more than 2^53 elements)`);
  }
  if (n > budget.left) {
    throw new SnnFormatError(
      `${label}: ${n} elements exceed the reader's limit (${budget.max} elements in total, ${budget.left} left; raise maxElements to allow more)`,
    );
  }
  budget.left -= n;
  const kindCode = r.u8(`${label} value encoding`);
  const kind = VALUE_ENCODING_CODES[kindCode];
  if (kind === undefined) throw new SnnFormatError(`${label}: unknown value encoding code ${kindCode}`);
  const flags = r.u8(`${label} flags`);
  if (flags & ~KNOWN_FLAGS) throw new SnnFormatError(`${label}: unknown flag bits 0x${(flags & ~KNOWN_FLAGS).toString(16)}`);
  const huffmanValues = (flags & FLAG_VALUES_HUFFMAN) !== 0;
  const huffmanGaps = (flags & FLAG_GAPS_HUFFMAN) !== 0;
  const sparse = (flags & FLAG_SPARSE) !== 0;
  if (huffmanValues && (kind === 'float32' || kind === 'float16')) {
    throw new SnnFormatError(`${label}: Huffman flag set on ${kind} values`);
  }
  if (huffmanGaps && !sparse) throw new SnnFormatError(`${label}: gap Huffman flag set on a dense tensor`);
  const values = readValueParams(r, kind, shape, label);

  let positions: Uint32Array | null = null;
  let stored = n;
  let gapBits = 0;
  if (sparse) {
    gapBits = r.u8(`${label} gap bits`);
    if (gapBits < 1 || gapBits > MAX_GAP_BITS) throw new SnnFormatError(`${label}: gap bits ${gapBits} outside [1, ${MAX_GAP_BITS}]`);
    stored = r.u32(`${label} stored value count`);
    const entries = r.u32(`${label} gap entry count`);
    if (stored > n) throw new SnnFormatError(`${label}: ${stored} stored values exceed its ${n} elements`);
    if (stored > entries) throw new SnnFormatError(`${label}: ${stored} stored values need at least as many gap entries, got ${entries}`);
    const gaps = readSymbolStream(r, entries, 2 ** gapBits, gapBits, huffmanGaps, `${label} gap stream`);
    positions = decodeGaps(gaps, gapBits, n, stored, `${label} gap stream`);
  }
  // Read the value stream before allocating the output: its length must check out first.
  let out: Float32Array;
  let indexes: Uint16Array | null = null;
  if (values.kind === 'float32' || values.kind === 'float16') {
    const width = values.kind === 'float32' ? 4 : 2;
    const length = r.u32(`${label} value stream length`);
    if (length !== width * stored) {
      throw new SnnFormatError(`${label}: ${stored} ${values.kind} values need ${width * stored} bytes, length field says ${length}`);
    }
    const raw = r.take(length, `${label} value stream`);
    if (values.kind === 'float32' && positions === null && LITTLE_ENDIAN) {
      out = new Float32Array(raw.slice().buffer); // the common dense case: one copy, bits intact
    } else {
      out = new Float32Array(n);
    }
    const outBits = new Uint32Array(out.buffer);
    if (values.kind === 'float32') {
      if (positions !== null || !LITTLE_ENDIAN) {
        const bits = LITTLE_ENDIAN ? new Uint32Array(raw.slice().buffer) : leU32(raw, stored);
        if (positions === null) outBits.set(bits);
        else for (let j = 0; j < stored; j++) outBits[positions[j]!] = bits[j]!;
      }
    } else {
      const table = float16Table();
      for (let j = 0; j < stored; j++) outBits[positions === null ? j : positions[j]!] = table[raw[2 * j]! | (raw[2 * j + 1]! << 8)]!;
    }
  } else {
    const alphabet = values.kind === 'affine' ? 2 ** values.bits : values.centroids.length;
    const bits = values.kind === 'affine' ? values.bits : indexBits(alphabet);
    indexes = readSymbolStream(r, stored, alphabet, bits, huffmanValues, `${label} index stream`);
    out = new Float32Array(n);
    if (values.kind === 'codebook') {
      const outBits = new Uint32Array(out.buffer);
      const cb = new Uint32Array(values.centroids.buffer, values.centroids.byteOffset, values.centroids.length);
      if (positions === null) for (let j = 0; j < stored; j++) outBits[j] = cb[indexes[j]!]!;
      else for (let j = 0; j < stored; j++) outBits[positions[j]!] = cb[indexes[j]!]!;
    } else {
      dequantizeInto(out, indexes, positions, values.scales, values.zeroPoints);
    }
  }
  const encoding: SnnEncoding = { values, sparse: sparse ? { gapBits } : null, huffmanValues, huffmanGaps };
  return { name, shape, dtype, values: out, encoding, positions, indexes };
}

function leU32(raw: Uint8Array, count: number): Uint32Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getUint32(4 * i, true);
  return out;
}

function readValueParams(r: ByteReader, kind: SnnValueEncoding['kind'], shape: number[], label: string): SnnValueEncoding {
  if (kind === 'float32' || kind === 'float16') return { kind };
  if (kind === 'codebook') {
    const k = r.u32(`${label} codebook size`);
    if (k < 1 || k > MAX_CODEBOOK_SIZE) throw new SnnFormatError(`${label}: codebook size ${k} outside [1, ${MAX_CODEBOOK_SIZE}]`);
    return { kind, centroids: r.float32Array(k, `${label} codebook`) };
  }
  const bits = r.u8(`${label} affine bits`);
  if (bits < 1 || bits > MAX_AFFINE_BITS) throw new SnnFormatError(`${label}: affine bits ${bits} outside [1, ${MAX_AFFINE_BITS}]`);
  const granularity = r.u8(`${label} affine granularity`);
  if (granularity > 1) throw new SnnFormatError(`${label}: unknown affine granularity ${granularity}`);
  const perChannel = granularity === 1;
  const channels = perChannel ? (shape.length > 0 ? shape[shape.length - 1]! : 0) : 1;
  if (channels < 1) throw new SnnFormatError(`${label}: per-channel quantization needs a non-empty last axis`);
  const scales = r.float32Array(channels, `${label} scales`);
  const zeroPoints = r.int32Array(channels, `${label} zero points`);
  for (let c = 0; c < channels; c++) {
    const s = scales[c]!;
    if (!(s > 0 && Number.isFinite(s))) throw new SnnFormatError(`${label}: scale ${s} for channel ${c} must be positive and finite`);
    const z = zeroPoints[c]!;
    if (Math.abs(z) > MAX_ABS_ZERO_POINT) throw new SnnFormatError(`${label}: zero point ${z} for channel ${c} exceeds 2^24 in magnitude`);
  }
  return { kind, bits, perChannel, scales, zeroPoints };
}

/** value = fround((q − z) · scale): the product is exact in a double, the Float32Array store rounds once. */
function dequantizeInto(
  out: Float32Array,
  q: Uint16Array,
  positions: Uint32Array | null,
  scales: Float32Array,
  zeroPoints: Int32Array,
): void {
  const channels = scales.length;
  if (channels === 1) {
    const s = scales[0]!;
    const z = zeroPoints[0]!;
    if (positions === null) for (let j = 0; j < q.length; j++) out[j] = (q[j]! - z) * s;
    else for (let j = 0; j < q.length; j++) out[positions[j]!] = (q[j]! - z) * s;
    return;
  }
  for (let j = 0; j < q.length; j++) {
    const i = positions === null ? j : positions[j]!;
    const c = i % channels;
    out[i] = (q[j]! - zeroPoints[c]!) * scales[c]!;
  }
}
