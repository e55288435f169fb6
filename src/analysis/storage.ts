/**
 * How a layer's weights are stored and computed with: enough to estimate its encoded size and the
 * energy of one inference, and small enough that a .snn encoding (exact sizes per layer) or a
 * TF.js weights manifest (uint8/uint16/float16 per tensor, manifest.ts) can be turned into one.
 *
 * Sparse storage follows Deep Compression §2: only nonzero kernel values are stored, each with a
 * relative index (gap) of `indexBits`; a gap longer than 2^indexBits inserts a filler zero entry.
 */
import { UsageError, usageCheck } from '../errors.js';

/** Storage of one class of tensors (a layer's kernels, or its biases/BN values). */
export interface TensorStorage {
  /** Bits per stored value: 32 fp32, 16 fp16/uint16, 8 uint8, log2(k) for k shared weights. */
  bits: number;
  /** Fixed bits per tensor on top of the values: affine scale+min (64), a k-entry fp32 codebook (32k). */
  overheadBits?: number;
  /** Sparse storage: bits of each entry's relative index. Absent or 0: dense (every value stored). */
  indexBits?: number;
}

/** The precision the multiply-adds run at. */
export type Arithmetic = { type: 'float'; bits: 16 | 32 } | { type: 'int'; bits: number };

export interface StorageSpec {
  /** Conv/dense kernels: the weights the MACs read. */
  kernel: TensorStorage;
  /** Biases, batch-norm parameters and other per-channel values. */
  aux: TensorStorage;
  arithmetic: Arithmetic;
  /** Fraction of kernel values that are nonzero, in (0, 1]; default: measured from the weights. */
  density?: number;
  /** The layer's exact encoded size in bits when known (e.g. from a .snn section): replaces the estimate. */
  exactBits?: number;
}

/** A spec for every layer, with per-layer exceptions by layer name. */
export interface StoragePlan {
  default: StorageSpec;
  layers?: Record<string, StorageSpec>;
}

const FP32_ARITHMETIC: Arithmetic = { type: 'float', bits: 32 };

/** Plain TF.js / Keras float32 weights, float32 arithmetic. */
export const FLOAT32: Readonly<StorageSpec> = Object.freeze({
  kernel: { bits: 32 }, aux: { bits: 32 }, arithmetic: FP32_ARITHMETIC,
});

/**
 * A TF.js converter-quantized model (`--quantize_uint8/uint16/float16`): every tensor stored at the
 * dtype, uint8/uint16 with a float32 scale and min each. TF.js dequantizes at load, so the
 * arithmetic stays float32.
 */
export function tfjsQuantized(dtype: 'uint8' | 'uint16' | 'float16'): StorageSpec {
  const bits = dtype === 'uint8' ? 8 : 16;
  const overheadBits = dtype === 'float16' ? 0 : 64;
  return { kernel: { bits, overheadBits }, aux: { bits, overheadBits }, arithmetic: FP32_ARITHMETIC };
}

/**
 * Integer inference (e.g. int8 after quantization-aware training): b-bit kernels with a float32
 * scale and zero point per tensor, int32 biases, b-bit integer multiplies.
 */
export function integerInference(bits: number): StorageSpec {
  const spec: StorageSpec = {
    kernel: { bits, overheadBits: 64 }, aux: { bits: 32 }, arithmetic: { type: 'int', bits },
  };
  validateStorageSpec(spec);
  return spec;
}

export interface DeepCompressionOptions {
  /** Shared weights per layer (k); kernels store log2(k)-bit indexes plus a k-entry fp32 codebook. */
  clusters: number;
  /** Bits per relative index of the sparse kernels (paper: 8 conv, 5 fc); 0 keeps them dense. */
  indexBits: number;
  /** Kernel density override; default measured from the (pruned) weights. */
  density?: number;
  /** Arithmetic on the decoded weights; default float32 (the codebook holds fp32 centroids). */
  arithmetic?: Arithmetic;
}

/** Pruned + weight-shared storage as in Deep Compression (before Huffman coding). */
export function deepCompression(options: DeepCompressionOptions): StorageSpec {
  const { clusters, indexBits, density, arithmetic = FP32_ARITHMETIC } = options;
  usageCheck(Number.isInteger(clusters) && clusters >= 2, () => `clusters must be an integer >= 2, got ${clusters}`);
  const spec: StorageSpec = {
    kernel: { bits: Math.ceil(Math.log2(clusters)), overheadBits: 32 * clusters, indexBits },
    aux: { bits: 32 },
    arithmetic,
    ...(density === undefined ? {} : { density }),
  };
  validateStorageSpec(spec);
  return spec;
}

function checkTensorStorage(t: TensorStorage, where: string): void {
  usageCheck(Number.isInteger(t.bits) && t.bits >= 1 && t.bits <= 64, () => `${where}.bits must be an integer in [1, 64], got ${t.bits}`);
  const overhead = t.overheadBits ?? 0;
  usageCheck(Number.isFinite(overhead) && overhead >= 0, () => `${where}.overheadBits must be >= 0, got ${overhead}`);
  const index = t.indexBits ?? 0;
  usageCheck(Number.isInteger(index) && index >= 0 && index <= 32, () => `${where}.indexBits must be an integer in [0, 32], got ${index}`);
}

/** Throws a UsageError naming the first out-of-range field. */
export function validateStorageSpec(spec: StorageSpec, where = 'storage'): void {
  checkTensorStorage(spec.kernel, `${where}.kernel`);
  checkTensorStorage(spec.aux, `${where}.aux`);
  const a = spec.arithmetic;
  if (a.type === 'float') {
    usageCheck(a.bits === 16 || a.bits === 32, () => `${where}.arithmetic float bits must be 16 or 32, got ${a.bits}`);
  } else if (a.type === 'int') {
    usageCheck(Number.isInteger(a.bits) && a.bits >= 1 && a.bits <= 32, () => `${where}.arithmetic int bits must be in [1, 32], got ${a.bits}`);
  } else {
    throw new UsageError(`${where}.arithmetic.type must be 'float' or 'int', got ${String((a as { type: unknown }).type)}`);
  }
  if (spec.density !== undefined) {
    usageCheck(spec.density > 0 && spec.density <= 1, () => `${where}.density must be in (0, 1], got ${spec.density}`);
  }
  if (spec.exactBits !== undefined) {
    usageCheck(Number.isFinite(spec.exactBits) && spec.exactBits >= 0, () => `${where}.exactBits must be >= 0, got ${spec.exactBits}`);
  }
}

/** Whether the spec stores kernels sparsely (and so skips the MACs of zero weights). */
export function isSparse(spec: StorageSpec): boolean {
  return (spec.kernel.indexBits ?? 0) > 0;
}

/**
 * Expected filler entries per nonzero when gaps must fit `indexBits`, with the nonzeros placed
 * independently at `density`: a run of z zeros needs ⌊z / 2^indexBits⌋ fillers and
 * P(run ≥ z) = (1 − d)^z, so E = Σ_{j≥1} q^{jM} = q^M / (1 − q^M) with q = 1 − d, M = 2^indexBits.
 *
 * @example
 * expectedFillersPerNonzero(0.08, 5); // ≈ 0.07 (5-bit gaps, 8% density)
 */
export function expectedFillersPerNonzero(density: number, indexBits: number): number {
  if (density >= 1) return 0;
  const qm = Math.pow(1 - density, 2 ** indexBits);
  return qm / (1 - qm);
}

/**
 * Estimated stored bits of one tensor of `size` values of which `nonzero` are nonzero.
 *
 * @example
 * tensorBits(1000, 1000, { bits: 32 }); // 32,000 (dense fp32)
 * tensorBits(1000, 100, { bits: 4, indexBits: 4, overheadBits: 512 }); // (4+4)·entries + 512
 */
export function tensorBits(size: number, nonzero: number, storage: TensorStorage): number {
  const overhead = size > 0 ? storage.overheadBits ?? 0 : 0;
  const indexBits = storage.indexBits ?? 0;
  if (indexBits === 0) return size * storage.bits + overhead;
  if (nonzero === 0) return overhead;
  const entries = nonzero * (1 + expectedFillersPerNonzero(nonzero / size, indexBits));
  return entries * (storage.bits + indexBits) + overhead;
}

/** The textual storage forms `parseStorageSpec` accepts, for help texts and errors. */
export const STORAGE_FORMS: readonly string[] = ['float32', 'float16', 'uint8', 'uint16', 'int<BITS>', 'deep:<CLUSTERS>:<INDEX_BITS>[:<DENSITY>]'];

/**
 * Parse a storage name as the CLI spells it: `float32`, `float16`/`uint8`/`uint16` (TF.js converter
 * quantization), `int8` (integer inference at any width 2..16), `deep:32:5` (Deep Compression with
 * 32 shared weights and 5-bit sparse indexes; kernel density measured from the weights) or
 * `deep:32:5:0.08` (the same at an assumed 8% density, for what-if estimates of unpruned models).
 *
 * @example
 * parseStorageSpec('deep:32:5'); // deepCompression({ clusters: 32, indexBits: 5 })
 */
export function parseStorageSpec(text: string): StorageSpec {
  if (text === 'float32') return FLOAT32;
  if (text === 'float16' || text === 'uint8' || text === 'uint16') return tfjsQuantized(text);
  const int = /^int(\d+)$/.exec(text);
  if (int !== null && Number(int[1]) >= 2 && Number(int[1]) <= 16) return integerInference(Number(int[1]));
  const deep = /^deep:(\d+):(\d+)(?::(\d*\.?\d+))?$/.exec(text);
  if (deep !== null) {
    const density = deep[3] === undefined ? {} : { density: Number(deep[3]) };
    return deepCompression({ clusters: Number(deep[1]), indexBits: Number(deep[2]), ...density });
  }
  throw new UsageError(`storage must be one of ${STORAGE_FORMS.join(', ')} (int 2..16 bits), got '${text}'`);
}

/** The spec of one layer under a plan (or a single spec for all layers). */
export function specFor(storage: StorageSpec | StoragePlan, layerName: string): StorageSpec {
  if ('kernel' in storage) return storage;
  return storage.layers?.[layerName] ?? storage.default;
}
