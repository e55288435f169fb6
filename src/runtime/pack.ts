/**
 * A matmul's kernel tensor (K × N, Keras layout) → the resident form its kernel reads, built straight
 * from the stored encoding: dense f32 panels, u8 codebook panels + table, i8 panels + column scales,
 * or CSC sparse columns. Which form a layer gets is chooseForm's decision (stored encoding + shape).
 */
import type { SnnTensor } from '../format/spec.js';
import { PANEL } from './kernels/api.js';

export type WeightForm = 'dense' | 'codebook' | 'q8' | 'i8' | 'sparse';

export type PackedWeights =
  | { form: 'dense'; panels: Float32Array }
  | { form: 'codebook'; panels: Uint8Array; table: Float32Array }
  | { form: 'q8'; panels: Uint8Array; zeroPoint: Float32Array; columnScale: Float32Array }
  | { form: 'i8'; panels: Int8Array; columnScale: Float32Array }
  | { form: 'sparse'; counts: Int32Array; rows: Int32Array; values: Float32Array };

/**
 * Throughputs of the wasm kernels (relaxed-SIMD build, one core of the 2-core Xeon this was measured on), in
 * multiply-adds or floats per nanosecond. Only their ratios matter: they decide dense vs sparse per layer
 * (sparseWins). Fitted (least squares on relative error) to the per-step times of bench/profile-layers.ts on
 * MobileNet v1 0.25/128 and MobileNetV2 0.35/128 /pruned90 (batch 1) and LeNet-5 (batch 64): sparse steps within
 * ~8% median, dense within ~2%; checked against spmm vs gemm at 10–55% random density on MobileNet shapes, where
 * sparse stays ahead up to ~50% (it loads one A vector per multiply-add, the dense 4×8 tile 0.75).
 */
export const KERNEL_COST = {
  /** Dense GEMM, 4×8 register tiles (padded columns count). */
  denseMacsPerNs: 18,
  /** Dense GEMM epilogue (bias, clamp, stores) per 4×8 tile, ns. */
  denseTileNs: 5,
  /** A single row (batch-1 Dense): two accumulator pairs over k, bound by reading the weights. */
  denseRowMacsPerNs: 10,
  /** Sparse tiles of 32 rows: one broadcast and eight multiply-adds per nonzero. */
  sparseMacsPerNs: 11,
  /** Transposing A into the sparse tiles. */
  transposeFloatsPerNs: 6,
  /**
   * Per output column and 32-row tile: bias, clamp, eight vector stores into an output tile, and a quarter of the
   * 4×4 transposes that move four columns of it into C, ns (12 when each output was a lane extract and a scalar store).
   */
  sparseColumnNs: 8,
  /** A single row: a scalar gather per nonzero. */
  sparseRowNonzerosPerNs: 2,
  /** Depthwise 3×3 (12–26 GFLOP/s measured): only for the per-sample work estimate that gates threads. */
  depthwiseMacsPerNs: 8,
} as const;

/**
 * Whether the sparse kernel is modelled faster than the dense GEMM for a K × N layer with `nonzeros` stored
 * weights over `rows` rows per sample (the batch-1 latency case). Replaces a fixed 30% density threshold: the
 * break-even moves with the shape — ~50–60% for MobileNet's 1×1 convolutions, ~20% for a batch-1 Dense layer,
 * and a layer with few rows and few nonzeros per column pays the per-column stores more than it saves.
 */
export function sparseWins(rows: number, k: number, n: number, nonzeros: number): boolean {
  return modelledMatmulNs('sparse', rows, k, n, nonzeros) < modelledMatmulNs('dense', rows, k, n, k * n);
}

/**
 * Modelled nanoseconds of one K × N matrix product over `rows` rows (KERNEL_COST): the sparse kernel on `nonzeros`
 * stored weights, or the dense tile (codebook, affine and int8 panels counted as dense).
 */
export function modelledMatmulNs(form: 'sparse' | 'dense', rows: number, k: number, n: number, nonzeros: number): number {
  const c = KERNEL_COST;
  const padded = Math.ceil(n / PANEL) * PANEL;
  if (form === 'sparse') {
    if (rows === 1) return nonzeros / c.sparseRowNonzerosPerNs;
    return (rows * nonzeros) / c.sparseMacsPerNs + (rows * k) / c.transposeFloatsPerNs + Math.ceil(rows / 32) * n * c.sparseColumnNs;
  }
  if (rows === 1) return (k * padded) / c.denseRowMacsPerNs;
  return (rows * k * padded) / c.denseMacsPerNs + Math.ceil(rows / 4) * (padded / PANEL) * c.denseTileNs;
}

export interface FormOptions {
  /** 'dense' forces the dense GEMM everywhere (the baseline); 'auto' picks by encoding. */
  kernels: 'auto' | 'dense';
  /** Run int8-weight layers as integer dot products on activations quantized per row to 15 bits. */
  quantizeActivations?: boolean;
}

/** Fraction of a tensor's elements that are stored (1 for dense storage). */
export function storedDensity(t: SnnTensor): number {
  const n = t.values.length;
  return t.positions == null || n === 0 ? 1 : t.positions.length / n;
}

/** Codebook table with an exact 0 (needed when the tensor is sparse), or null past 256 entries. */
function codebookTable(t: SnnTensor): { table: Float32Array; zero: number; entries: number } | null {
  if (t.encoding.values.kind !== 'codebook') return null;
  const centroids = t.encoding.values.centroids;
  let zero = centroids.findIndex((c) => c === 0);
  const needZero = t.positions != null && zero < 0;
  const size = centroids.length + (needZero ? 1 : 0);
  if (size > 256) return null;
  // 256 floats, then (for the wasm swizzle decode) the first 16 as four byte planes, then the entry count.
  const table = new Float32Array(256 + 16 + 4);
  table.set(centroids);
  if (needZero) zero = centroids.length;
  const bytes = new Uint8Array(table.buffer);
  for (let i = 0; i < 16; i++) for (let b = 0; b < 4; b++) bytes[1024 + 16 * b + i] = bytes[4 * i + b]!;
  new Int32Array(table.buffer)[272] = size;
  return { table, zero: Math.max(zero, 0), entries: size };
}

/** Affine with ≤ 8-bit q, and (when sparse) every zero point a valid q so unstored zeros are q = z. */
function fitsU8(t: SnnTensor): boolean {
  const v = t.encoding.values;
  if (v.kind !== 'affine' || v.bits > 8 || t.indexes == null) return false;
  return t.positions == null || v.zeroPoints.every((z) => z >= 0 && z <= 255);
}

/** Every stored (q − zeroPoint) is an int8, and unstored zeros are exactly 0 − 0. */
function fitsI8(t: SnnTensor): boolean {
  const v = t.encoding.values;
  if (v.kind !== 'affine' || v.bits > 8 || t.indexes == null) return false;
  const n = t.shape[t.shape.length - 1]!;
  for (let j = 0; j < t.indexes.length; j++) {
    const e = t.positions == null ? j : t.positions[j]!;
    const d = t.indexes[j]! - v.zeroPoints[v.perChannel ? e % n : 0]!;
    if (d < -128 || d > 127) return false;
  }
  return true;
}

/**
 * With `quantizeActivations`, integer dot products run only on layers with at most this many rows per sample.
 * Measured on MobileNet v1 0.25/128 (bench/profile-layers.ts, relaxed build): with many rows, quantizing each
 * row of activations costs more than the int8 products save against u8 panels decoded once per call and run by
 * the FMA tile (m=4096 k=8: 0.27 vs 0.07 ms; m=64 k=128 n=128: 0.073 vs 0.064 ms); with few rows, decoding
 * every panel per call is what costs (m=16 k=256 n=256: 0.057 vs 0.078 ms; the batch-1 classifier m=1 k=256
 * n=1000: 0.018 vs 0.108 ms).
 */
export const I8_MAX_ROWS = 16;

/** Weight matrices with at most this many elements are packed as float32 panels whatever their encoding. */
export const TINY_WEIGHTS = 4096;

/** The resident form for a kernel tensor used as a K × N matrix over `rows` rows per sample. */
export function chooseForm(t: SnnTensor, options: FormOptions, shape: { rows: number; k: number; n: number }): WeightForm {
  if (options.kernels === 'dense') return 'dense';
  if (t.positions != null && sparseWins(shape.rows, shape.k, shape.n, t.positions.length)) return 'sparse';
  if (options.quantizeActivations === true && shape.rows <= I8_MAX_ROWS && fitsI8(t)) return 'i8';
  // Tiny matrices (first convolutions, narrow 1×1 convolutions) resident as float32: at most 16 KB, while decoding
  // codebook or u8 panels on every call costs time and keeps them off the direct convolution.
  if (shape.k * shape.n <= TINY_WEIGHTS) return 'dense';
  if (codebookTable(t) !== null && t.indexes != null) return 'codebook';
  if (fitsU8(t)) return 'q8';
  return 'dense';
}

/** Element e = k·N + n of a K × N matrix → its byte/float index in panel layout. */
const panelIndex = (e: number, k: number, n: number): number => {
  const row = Math.floor(e / n);
  const col = e - row * n;
  const p = Math.floor(col / PANEL);
  return p * k * PANEL + row * PANEL + (col - p * PANEL);
};

export const panelCount = (n: number): number => Math.ceil(n / PANEL);

/** Bytes of int8 panels: K padded to 8, N to 4 (../kernels/api.ts). */
export const int8PanelBytes = (k: number, n: number): number => Math.ceil(n / 4) * Math.ceil(k / 8) * 32;

/**
 * Pack `t` (K × N) into `form`. `columnScale` (a folded BatchNormalization) is multiplied into dense and
 * sparse values; codebook and q8 keep weights shared and apply it per column in the kernel epilogue.
 */
export function packWeights(t: SnnTensor, k: number, n: number, form: WeightForm, columnScale: Float32Array | null): PackedWeights {
  const size = panelCount(n) * k * PANEL;
  const scaled = (e: number, value: number) => (columnScale === null ? value : Math.fround(value * columnScale[e % n]!));
  switch (form) {
    case 'dense': {
      const panels = new Float32Array(size);
      const v = t.values;
      for (let e = 0; e < k * n; e++) panels[panelIndex(e, k, n)] = scaled(e, v[e]!);
      return { form, panels };
    }
    case 'codebook': {
      const { table, zero, entries } = codebookTable(t)!;
      const bytes = new Uint8Array(size).fill(zero);
      const idx = t.indexes!;
      const pos = t.positions;
      for (let j = 0; j < idx.length; j++) bytes[panelIndex(pos == null ? j : pos[j]!, k, n)] = idx[j]!;
      if (entries > 16) return { form, panels: bytes, table };
      // ≤ 16 entries: two indexes per byte, low nibble first (panels hold k·8 indexes, an even count).
      const panels = new Uint8Array(size / 2);
      for (let j = 0; j < panels.length; j++) panels[j] = bytes[2 * j]! | (bytes[2 * j + 1]! << 4);
      return { form, panels, table };
    }
    case 'q8': {
      const v = t.encoding.values;
      if (v.kind !== 'affine') throw new Error('q8 needs affine values');
      const zeroPoint = new Float32Array(panelCount(n) * PANEL);
      for (let c = 0; c < n; c++) zeroPoint[c] = v.zeroPoints[v.perChannel ? c : 0]!;
      const panels = new Uint8Array(size);
      if (t.positions != null) for (let e = 0; e < k * n; e++) panels[panelIndex(e, k, n)] = zeroPoint[e % n]!;
      const idx = t.indexes!;
      const pos = t.positions;
      for (let j = 0; j < idx.length; j++) panels[panelIndex(pos == null ? j : pos[j]!, k, n)] = idx[j]!;
      const columnScaleOut = new Float32Array(n);
      for (let c = 0; c < n; c++) columnScaleOut[c] = v.scales[v.perChannel ? c : 0]! * (columnScale === null ? 1 : columnScale[c]!);
      return { form, panels, zeroPoint, columnScale: columnScaleOut };
    }
    case 'i8': {
      const v = t.encoding.values;
      if (v.kind !== 'affine') throw new Error('i8 needs affine values');
      const k8 = Math.ceil(k / 8) * 8;
      const panels = new Int8Array(int8PanelBytes(k, n));
      const idx = t.indexes!;
      const pos = t.positions;
      for (let j = 0; j < idx.length; j++) {
        const e = pos == null ? j : pos[j]!;
        const row = Math.floor(e / n);
        const col = e - row * n;
        panels[(col >> 2) * k8 * 4 + (row >> 3) * 32 + (col & 3) * 8 + (row & 7)] = idx[j]! - v.zeroPoints[v.perChannel ? col : 0]!;
      }
      const columnScaleOut = new Float32Array(Math.ceil(n / 4) * 4);
      for (let c = 0; c < n; c++) columnScaleOut[c] = v.scales[v.perChannel ? c : 0]! * (columnScale === null ? 1 : columnScale[c]!);
      return { form, panels, columnScale: columnScaleOut };
    }
    case 'sparse': {
      const pos = t.positions ?? null;
      const counts = new Int32Array(n);
      const entries: number[] = [];
      if (pos === null) {
        for (let e = 0; e < k * n; e++) if (t.values[e] !== 0) entries.push(e);
      } else {
        for (let j = 0; j < pos.length; j++) entries.push(pos[j]!);
      }
      for (const e of entries) counts[e % n]!++;
      const starts = new Int32Array(n);
      for (let c = 1; c < n; c++) starts[c] = starts[c - 1]! + counts[c - 1]!;
      const rows = new Int32Array(entries.length);
      const values = new Float32Array(entries.length);
      // Positions ascend row-major, so within each column rows come out ascending too.
      for (const e of entries) {
        const c = e % n;
        const at = starts[c]!++;
        rows[at] = (e - c) / n;
        values[at] = scaled(e, t.values[e]!);
      }
      return { form, counts, rows, values };
    }
  }
}

/** Resident bytes of a packed form. */
export function packedBytes(p: PackedWeights): number {
  switch (p.form) {
    case 'dense':
      return p.panels.byteLength;
    case 'codebook':
      return p.panels.byteLength + p.table.byteLength;
    case 'q8':
      return p.panels.byteLength + p.zeroPoint.byteLength + p.columnScale.byteLength;
    case 'i8':
      return p.panels.byteLength + p.columnScale.byteLength;
    case 'sparse':
      return p.counts.byteLength + p.rows.byteLength + p.values.byteLength;
  }
}
