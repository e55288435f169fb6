/**
 * The .snn container contract shared by the writer and the reader: constants, enum codes, limits and
 * the in-memory types. docs/format.md specifies the same things byte by byte; change both together.
 */

/** `\x89SNN\r\n\x1a\n`: a non-ASCII first byte and CR/LF/EOF bytes expose text-mode transfer damage (as PNG). */
export const SNN_MAGIC: Readonly<Uint8Array> = Uint8Array.of(0x89, 0x53, 0x4e, 0x4e, 0x0d, 0x0a, 0x1a, 0x0a);
/** The version the writer produces. Any layout change bumps it. */
export const SNN_VERSION = 2;
/** Versions the reader accepts: 1 stored the JSON sections as plain text, 2 deflates them. */
export const SNN_READABLE_VERSIONS: readonly number[] = [1, 2];
/** magic(8) + version u16 + flags u16 + file length u32. */
export const HEADER_BYTES = 16;
/** The trailing CRC-32. */
export const CHECKSUM_BYTES = 4;

// ---- limits (the reader rejects anything outside them; the writer refuses to produce it) ----
export const MAX_RANK = 8;
/** Longest topology or metadata JSON text (16 MiB; a MobileNet topology is ~60 KB). */
export const MAX_JSON_BYTES = 1 << 24;
export const MAX_NAME_BYTES = 0xffff;
export const MAX_AFFINE_BITS = 16;
export const MAX_CODEBOOK_SIZE = 1 << 16;
export const MAX_GAP_BITS = 16;
/** Longest canonical Huffman code; 15 keeps every length in a nibble and decode tables ≤ 32768 entries. */
export const MAX_CODE_LENGTH = 15;
/** |zeroPoint| bound: keeps (q − zeroPoint) · scale exact in a double, so dequantization rounds once. */
export const MAX_ABS_ZERO_POINT = 1 << 24;
/** Smallest possible tensor record (1-byte name, rank 0, float32, dense, empty value stream). */
export const MIN_TENSOR_RECORD_BYTES = 2 + 1 + 1 + 1 + 1 + 1 + 4;
/** Default decoded-element budget: 1024 × file size, at least 2^20, at most 2^28 (1 GiB of float32). */
export function defaultMaxElements(fileBytes: number): number {
  return Math.min(2 ** 28, Math.max(2 ** 20, 1024 * fileBytes));
}

// ---- enum codes ----
export type SnnDType = 'float32' | 'int32' | 'bool';
export const DTYPE_CODES: readonly SnnDType[] = ['float32', 'int32', 'bool'];

export type ValueEncodingKind = 'float32' | 'float16' | 'affine' | 'codebook';
export const VALUE_ENCODING_CODES: readonly ValueEncodingKind[] = ['float32', 'float16', 'affine', 'codebook'];

export const FLAG_SPARSE = 1;
export const FLAG_VALUES_HUFFMAN = 2;
export const FLAG_GAPS_HUFFMAN = 4;
export const KNOWN_FLAGS = FLAG_SPARSE | FLAG_VALUES_HUFFMAN | FLAG_GAPS_HUFFMAN;

/** Huffman table layouts: every symbol's length in a nibble, or a list of (symbol, length) pairs. */
export const TABLE_NIBBLES = 0;
export const TABLE_LIST = 1;

// ---- JSON ----
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

// ---- in-memory model ----

/** How stored values are represented. */
export type SnnValueEncoding =
  | { kind: 'float32' }
  | { kind: 'float16' }
  | {
      kind: 'affine';
      /** Index width b, 1..16: q ∈ [0, 2^b − 1]. */
      bits: number;
      /** true: one scale/zero point per slice of the last axis (output channel); false: one for the tensor. */
      perChannel: boolean;
      /** Positive finite float32 scales, one per channel (length 1 when per-tensor). */
      scales: Float32Array;
      /** Integer zero points, |z| ≤ 2^24. value = fround((q − z) · scale). */
      zeroPoints: Int32Array;
    }
  | {
      kind: 'codebook';
      /** k = 1..65536 float32 centroids; stored indexes use ceil(log2 k) bits. */
      centroids: Float32Array;
    };

export interface SnnEncoding {
  values: SnnValueEncoding;
  /** Deep Compression relative-index storage of the non-zero positions, or null for dense storage. */
  sparse: { gapBits: number } | null;
  /** Canonical Huffman coding of the index stream (affine/codebook only; an empty stream stays fixed-width). */
  huffmanValues: boolean;
  /** Canonical Huffman coding of the gap stream (sparse only; an empty stream stays fixed-width). */
  huffmanGaps: boolean;
}

export interface SnnTensor {
  name: string;
  shape: number[];
  /** The dtype the tensor had in the model (values are always carried as float32). */
  dtype: SnnDType;
  /** Dense values, length = product(shape). The writer derives every stored stream from these. */
  values: Float32Array;
  encoding: SnnEncoding;
  /**
   * Sparse only: ascending flat positions of the stored values (row-major). Set by the reader and by
   * encodeTensorAuto so an engine can run on the compressed form; the writer ignores it.
   */
  positions?: Uint32Array | null;
  /** Set by the reader: the bytes this tensor's record takes in the file (header, parameters, streams). The writer ignores it. */
  recordBytes?: number;
  /** Affine q or codebook index of each stored value (same order as positions); null for float encodings. */
  indexes?: Uint16Array | null;
}

export interface SnnModel {
  /** The Keras/TF.js `modelTopology` object, stored opaquely; null when absent. */
  topology: JsonObject | null;
  /** Free-form metadata (provenance, recipe, accuracy); null when absent. */
  metadata: JsonObject | null;
  tensors: SnnTensor[];
}

export interface DecodeOptions {
  /** Upper bound on the sum of all tensors' element counts (default: defaultMaxElements(file size)). */
  maxElements?: number;
}

// ---- size report (what the writer tells its caller) ----

export interface StreamReport {
  /** Symbols in the stream: stored values/indexes, or gap entries (fillers included). */
  symbols: number;
  /** Payload bytes with fixed-width packing (raw bytes for float32/float16 values). */
  fixedBytes: number;
  /** Table + payload bytes with canonical Huffman coding; null when it does not apply. */
  huffmanBytes: number | null;
  /** Whether the file stores the stream Huffman-coded. */
  huffman: boolean;
  /** Bytes of this stream in the file: table, u32 length field and payload. */
  storedBytes: number;
}

export interface TensorReport {
  name: string;
  elements: number;
  /** Values present in the value stream (= elements when dense). */
  storedValues: number;
  /** Gap entries that only skip zeros. */
  fillers: number;
  /** The whole tensor record in the file, header included. */
  recordBytes: number;
  /** Codebook, or scales + zero points. */
  paramBytes: number;
  values: StreamReport;
  gaps: StreamReport | null;
  /** Deep Compression stages in bytes (payload + parameters, no record header). */
  stages: {
    /** elements · 4. */
    dense: number;
    /** Sparse float32 values + fixed-width gaps (= dense when not sparse). */
    pruned: number;
    /** Parameters + fixed-width value/index stream + fixed-width gaps. */
    quantized: number;
    /** Parameters + streams as stored (Huffman where the file uses it). */
    huffman: number;
  };
  /** Every decoded value equals the input bit for bit (+0 and −0 count as equal). */
  exact: boolean;
  /** Largest |decoded − input| over finite inputs. */
  maxAbsError: number;
}

export interface SnnReport {
  fileBytes: number;
  topologyBytes: number;
  metadataBytes: number;
  tensors: TensorReport[];
}
