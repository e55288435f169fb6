/**
 * The .snn writer. Every stored stream is derived from each tensor's dense `values` and its
 * `encoding`: sparse positions are the non-±0 values, affine/codebook indexes are the nearest grid
 * points. The writer validates exactly what the reader validates, so anything it writes reads back.
 * Layout: docs/format.md.
 */
import { ByteWriter, LITTLE_ENDIAN } from './bytes.js';
import { crc32 } from './crc32.js';
import { SnnFormatError, quoteName } from './errors.js';
import { float16Table, float32BitsToFloat16 } from './float16.js';
import {
  CHECKSUM_BYTES,
  DTYPE_CODES,
  FLAG_GAPS_HUFFMAN,
  FLAG_SPARSE,
  FLAG_VALUES_HUFFMAN,
  MAX_ABS_ZERO_POINT,
  MAX_AFFINE_BITS,
  MAX_CODEBOOK_SIZE,
  MAX_GAP_BITS,
  MAX_NAME_BYTES,
  MAX_RANK,
  SNN_MAGIC,
  SNN_VERSION,
  VALUE_ENCODING_CODES,
  type SnnModel,
  type SnnReport,
  type SnnTensor,
  type StreamReport,
  type TensorReport,
} from './spec.js';
import { writeJsonSection } from './json-section.js';
import { encodeGaps, nonzeroPositions } from './sparse.js';
import { indexBits, planSymbolStream, writeSymbolStream, type HuffmanChoice, type SymbolStreamPlan } from './streams.js';
import { codebookIndexer, dequantizeAffine, quantizeAffine } from './values.js';

const utf8 = new TextEncoder();

/**
 * Serializes `model` to .snn bytes.
 * @example
 * const bytes = encodeSnn({ topology: null, metadata: null, tensors: [encodeTensorAuto('w', values, [4, 4])] });
 */
export function encodeSnn(model: SnnModel): Uint8Array {
  return encodeSnnWithReport(model).bytes;
}

/**
 * encodeSnn plus the per-tensor size breakdown (Deep Compression stages, stream sizes with and
 * without Huffman coding, exactness) for the caller's report.
 * @example
 * const { bytes, report } = encodeSnnWithReport(model);
 * for (const t of report.tensors) console.log(t.name, t.stages.dense, t.stages.pruned, t.stages.quantized, t.stages.huffman);
 */
export function encodeSnnWithReport(model: SnnModel): { bytes: Uint8Array; report: SnnReport } {
  const w = new ByteWriter();
  w.bytes(SNN_MAGIC);
  w.u16(SNN_VERSION);
  w.u16(0); // flags: reserved
  w.u32(0); // file length, patched below
  const topologyBytes = writeJsonSection(w, model.topology, 'topology');
  const metadataBytes = writeJsonSection(w, model.metadata, 'metadata');
  w.u32(model.tensors.length);
  const seen = new Set<string>();
  const tensors: TensorReport[] = [];
  for (const t of model.tensors) {
    if (seen.has(t.name)) throw new SnnFormatError(`duplicate tensor name ${quoteName(t.name)}`);
    seen.add(t.name);
    tensors.push(writeTensor(w, t));
  }
  const fileBytes = w.length + CHECKSUM_BYTES;
  if (fileBytes > 0xffffffff) throw new SnnFormatError(`model needs ${fileBytes} bytes; .snn files are limited to 4 GiB`);
  w.patchU32(12, fileBytes);
  w.u32(0); // CRC placeholder, filled in once the covered bytes are final
  const bytes = w.finish();
  new DataView(bytes.buffer).setUint32(fileBytes - CHECKSUM_BYTES, crc32(bytes, 0, fileBytes - CHECKSUM_BYTES), true);
  return { bytes, report: { fileBytes, topologyBytes, metadataBytes, tensors } };
}

/** Validates the tensor's header fields; returns its element count. */
function checkTensorHeader(t: SnnTensor, label: string): number {
  if (!DTYPE_CODES.includes(t.dtype)) throw new SnnFormatError(`${label}: unknown dtype ${String(t.dtype)}`);
  if (t.shape.length > MAX_RANK) throw new SnnFormatError(`${label}: rank ${t.shape.length} exceeds ${MAX_RANK}`);
  let n = 1;
  for (const d of t.shape) {
    if (!Number.isInteger(d) || d < 0 || d > 0xffffffff) throw new SnnFormatError(`${label}: bad dimension ${d}`);
    n *= d;
  }
  if (!(t.values instanceof Float32Array) || t.values.length !== n) {
    throw new SnnFormatError(`${label}: shape [${t.shape.join(', ')}] needs ${n} values, got ${t.values?.length}`);
  }
  const e = t.encoding;
  const v = e.values;
  if (!VALUE_ENCODING_CODES.includes(v.kind)) throw new SnnFormatError(`${label}: unknown value encoding ${String(v.kind)}`);
  if (v.kind === 'affine') {
    if (!Number.isInteger(v.bits) || v.bits < 1 || v.bits > MAX_AFFINE_BITS) {
      throw new SnnFormatError(`${label}: affine bits must be in [1, ${MAX_AFFINE_BITS}], got ${v.bits}`);
    }
    const channels = v.perChannel ? t.shape[t.shape.length - 1] ?? 0 : 1;
    if (channels < 1) throw new SnnFormatError(`${label}: per-channel quantization needs a non-empty last axis`);
    if (v.scales.length !== channels || v.zeroPoints.length !== channels) {
      throw new SnnFormatError(`${label}: ${channels} channels need ${channels} scales and zero points, got ${v.scales.length} and ${v.zeroPoints.length}`);
    }
    for (let c = 0; c < channels; c++) {
      const s = v.scales[c]!;
      const z = v.zeroPoints[c]!;
      if (!(s > 0 && Number.isFinite(s))) throw new SnnFormatError(`${label}: scale ${s} must be positive and finite`);
      if (Math.abs(z) > MAX_ABS_ZERO_POINT) throw new SnnFormatError(`${label}: |zero point| ${z} exceeds 2^24`);
    }
  } else if (v.kind === 'codebook') {
    if (v.centroids.length < 1 || v.centroids.length > MAX_CODEBOOK_SIZE) {
      throw new SnnFormatError(`${label}: codebook size must be in [1, ${MAX_CODEBOOK_SIZE}], got ${v.centroids.length}`);
    }
  }
  if (e.sparse !== null) {
    const g = e.sparse.gapBits;
    if (!Number.isInteger(g) || g < 1 || g > MAX_GAP_BITS) throw new SnnFormatError(`${label}: gap bits must be in [1, ${MAX_GAP_BITS}], got ${g}`);
  }
  if (e.huffmanValues && (v.kind === 'float32' || v.kind === 'float16')) {
    throw new SnnFormatError(`${label}: Huffman coding applies to affine and codebook indexes, not ${v.kind} values`);
  }
  if (e.huffmanGaps && e.sparse === null) throw new SnnFormatError(`${label}: Huffman-coded gaps need sparse storage`);
  return n;
}

/** The value stream: raw float payload or a planned index stream, plus what it decodes to. */
export interface ValueStream {
  raw: Uint8Array | null;
  plan: SymbolStreamPlan | null;
  indexes: Uint16Array | null;
  decoded: Float32Array;
}

/** The little-endian bytes of `words` (a view when the platform is little-endian). */
function littleEndianBytes(words: Uint32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(words.buffer, words.byteOffset, 4 * words.length);
  const out = new Uint8Array(4 * words.length);
  const view = new DataView(out.buffer);
  for (let i = 0; i < words.length; i++) view.setUint32(4 * i, words[i]!, true);
  return out;
}

function buildValueStream(
  t: SnnTensor,
  positions: Uint32Array | null,
  count: number,
  huffman: HuffmanChoice,
  label: string,
): ValueStream {
  const v = t.encoding.values;
  const at = (j: number): number => (positions === null ? j : positions[j]!);
  const decoded = new Float32Array(count);
  const decodedBits = new Uint32Array(decoded.buffer);
  const inputBits = new Uint32Array(t.values.buffer, t.values.byteOffset, t.values.length);
  if (v.kind === 'float32') {
    for (let j = 0; j < count; j++) decodedBits[j] = inputBits[at(j)]!;
    return { raw: littleEndianBytes(decodedBits), plan: null, indexes: null, decoded };
  }
  if (v.kind === 'float16') {
    const halves = new Uint16Array(count);
    const table = float16Table();
    for (let j = 0; j < count; j++) {
      halves[j] = float32BitsToFloat16(inputBits[at(j)]!);
      decodedBits[j] = table[halves[j]!]!;
    }
    const raw = new Uint8Array(2 * count);
    for (let j = 0; j < count; j++) {
      raw[2 * j] = halves[j]! & 0xff;
      raw[2 * j + 1] = halves[j]! >>> 8;
    }
    return { raw, plan: null, indexes: null, decoded };
  }
  const indexes = new Uint16Array(count);
  let alphabet: number;
  if (v.kind === 'affine') {
    alphabet = 2 ** v.bits;
    const channels = v.scales.length;
    for (let j = 0; j < count; j++) {
      const c = channels === 1 ? 0 : at(j) % channels;
      const q = quantizeAffine(t.values[at(j)]!, v.scales[c]!, v.zeroPoints[c]!, alphabet - 1);
      indexes[j] = q;
      decoded[j] = dequantizeAffine(q, v.scales[c]!, v.zeroPoints[c]!);
    }
  } else {
    alphabet = v.centroids.length;
    const nearest = codebookIndexer(v.centroids);
    const centroidBits = new Uint32Array(v.centroids.buffer, v.centroids.byteOffset, v.centroids.length);
    for (let j = 0; j < count; j++) {
      const i = nearest(t.values[at(j)]!);
      indexes[j] = i;
      decodedBits[j] = centroidBits[i]!;
    }
  }
  const fixedBits = v.kind === 'affine' ? v.bits : indexBits(alphabet);
  const plan = planSymbolStream(indexes, alphabet, fixedBits, huffman, `${label} index stream`);
  return { raw: null, plan, indexes, decoded };
}

/** Stored streams of a tensor under its encoding, measured but not yet written. */
export interface TensorPlan {
  n: number;
  positions: Uint32Array | null;
  indexes: Uint16Array | null;
  gaps: SymbolStreamPlan | null;
  values: ValueStream;
  paramBytes: number;
  exact: boolean;
  maxAbsError: number;
}

/**
 * Derives and measures every stream of `t` without writing anything. `huffman` overrides the
 * encoding's concrete Huffman flags (encodeTensorAuto plans with 'auto' and reads the decisions).
 */
export function planTensor(
  t: SnnTensor,
  huffman: { values: HuffmanChoice; gaps: HuffmanChoice } = { values: t.encoding.huffmanValues, gaps: t.encoding.huffmanGaps },
): TensorPlan {
  const label = `tensor ${quoteName(t.name)}`;
  const n = checkTensorHeader(t, label);
  const e = t.encoding;
  let positions: Uint32Array | null = null;
  let gaps: SymbolStreamPlan | null = null;
  if (e.sparse !== null) {
    positions = nonzeroPositions(t.values);
    const g = e.sparse.gapBits;
    gaps = planSymbolStream(encodeGaps(positions, g).symbols, 2 ** g, g, huffman.gaps, `${label} gap stream`);
  }
  const count = positions === null ? n : positions.length;
  const values = buildValueStream(t, positions, count, huffman.values, label);
  // Exactness: stored values compare bit for bit (±0 equal); unstored ones are ±0 by construction.
  const inBits = new Uint32Array(t.values.buffer, t.values.byteOffset, n);
  const outBits = new Uint32Array(values.decoded.buffer);
  let exact = true;
  let maxAbsError = 0;
  for (let j = 0; j < count; j++) {
    const i = positions === null ? j : positions[j]!;
    if (inBits[i] === outBits[j] || (t.values[i] === 0 && values.decoded[j] === 0)) continue;
    exact = false;
    if (!Number.isFinite(t.values[i]!)) continue;
    const err = Math.abs(values.decoded[j]! - t.values[i]!);
    maxAbsError = Number.isNaN(err) ? Infinity : Math.max(maxAbsError, err);
  }
  const v = e.values;
  const paramBytes = v.kind === 'affine' ? 2 + 8 * v.scales.length : v.kind === 'codebook' ? 4 + 4 * v.centroids.length : 0;
  return { n, positions, indexes: values.indexes, gaps, values, paramBytes, exact, maxAbsError };
}

function streamReport(plan: SymbolStreamPlan): StreamReport {
  const { fixedBytes, huffmanBytes, huffman, storedBytes } = plan;
  return { symbols: plan.symbols.length, fixedBytes, huffmanBytes, huffman, storedBytes };
}

/** The size breakdown of a planned tensor; `recordBytes` is the full record size. */
export function tensorReport(t: SnnTensor, p: TensorPlan, recordBytes: number): TensorReport {
  const values: StreamReport = p.values.plan
    ? streamReport(p.values.plan)
    : { symbols: p.values.decoded.length, fixedBytes: p.values.raw!.length, huffmanBytes: null, huffman: false, storedBytes: 4 + p.values.raw!.length };
  const gaps = p.gaps ? streamReport(p.gaps) : null;
  const stored = p.values.decoded.length;
  const payload = (s: StreamReport): number => s.storedBytes - 4;
  return {
    name: t.name,
    elements: p.n,
    storedValues: stored,
    fillers: gaps ? gaps.symbols - stored : 0,
    recordBytes,
    paramBytes: p.paramBytes,
    values,
    gaps,
    stages: {
      dense: 4 * p.n,
      pruned: gaps ? 4 * stored + gaps.fixedBytes : 4 * p.n,
      quantized: p.paramBytes + values.fixedBytes + (gaps ? gaps.fixedBytes : 0),
      huffman: p.paramBytes + payload(values) + (gaps ? payload(gaps) : 0),
    },
    exact: p.exact,
    maxAbsError: p.maxAbsError,
  };
}

function writeTensor(w: ByteWriter, t: SnnTensor): TensorReport {
  const label = `tensor ${quoteName(t.name)}`;
  const name = utf8.encode(t.name);
  if (name.length < 1 || name.length > MAX_NAME_BYTES) {
    throw new SnnFormatError(`${label}: name must be 1..${MAX_NAME_BYTES} UTF-8 bytes, got ${name.length}`);
  }
  const p = planTensor(t);
  const e = t.encoding;
  const v = e.values;
  const start = w.length;
  w.u16(name.length);
  w.bytes(name);
  w.u8(DTYPE_CODES.indexOf(t.dtype));
  w.u8(t.shape.length);
  for (const d of t.shape) w.u32(d);
  w.u8(VALUE_ENCODING_CODES.indexOf(v.kind));
  w.u8((e.sparse ? FLAG_SPARSE : 0) | (p.values.plan?.huffman ? FLAG_VALUES_HUFFMAN : 0) | (p.gaps?.huffman ? FLAG_GAPS_HUFFMAN : 0));
  if (v.kind === 'affine') {
    w.u8(v.bits);
    w.u8(v.perChannel ? 1 : 0);
    w.float32Array(v.scales);
    w.int32Array(v.zeroPoints);
  } else if (v.kind === 'codebook') {
    w.u32(v.centroids.length);
    w.float32Array(v.centroids);
  }
  if (e.sparse && p.gaps) {
    w.u8(e.sparse.gapBits);
    w.u32(p.values.decoded.length);
    w.u32(p.gaps.symbols.length);
    writeSymbolStream(w, p.gaps);
  }
  if (p.values.plan) writeSymbolStream(w, p.values.plan);
  else {
    w.u32(p.values.raw!.length);
    w.bytes(p.values.raw!);
  }
  return tensorReport(t, p, w.length - start);
}
