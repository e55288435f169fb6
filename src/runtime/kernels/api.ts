/**
 * The kernel contract shared by the WebAssembly module (src/runtime/wasm/*.ts, AssemblyScript) and the
 * pure-JS fallback (src/runtime/kernels/js/): the same names, the same integer/float arguments, the
 * same memory layouts. Every pointer is a byte offset into the engine's linear memory; every stride
 * (`lda`, `ldc`) counts float elements. `lo`/`hi` is the fused activation clamp (±Infinity = none).
 * A pointer argument of 0 means "absent" (bias, scale); byte 0..15 of the memory is never allocated.
 *
 * Weight layouts built by ../pack.ts:
 * - dense panels: N split into panels of PANEL (8) columns; panel p holds K rows × 8 floats
 *   (k-major), the last panel zero-padded. Keras kernels [kh, kw, cin, cout] flatten to K × N.
 * - codebook panels: the same order, one u8 index per weight — two per byte (low nibble first) when the
 *   table has ≤ 16 entries — plus a table blob: 256 f32 entries, the first 16 again as four byte planes
 *   (64 bytes, for i8x16.swizzle decoding), the entry count (i32).
 * - q8 panels: the same order, one u8 q per weight, a zero point per column (f32, padded to whole
 *   panels); the required per-column `scale` multiplies Σ a·(q − zeroPoint).
 * - int8 panels (for gemmI8): K padded to a multiple of 8, columns in panels of 4; panel p holds, for each
 *   block of 8 k, 4 columns × 8 int8 values q − zeroPoint; `scale` per column (padded to 4) is required.
 * - sparse columns (CSC): per output column n a nonzero count (i32), then for all nonzeros in
 *   column order the input row k (i32) and the value (f32).
 */

/** Output rows per spmmConv call (the sparse kernel's tile). */
export const SPMM_CONV_ROWS = 32;

/**
 * Scratch floats spmm and spmmConv need for `k` inputs: a transposed tile of 32 rows × k, an output tile of
 * 4 columns × 32 rows (written as vectors, transposed into C every four columns), and spmmConv's 32 window origins.
 */
export const spmmScratchFloats = (k: number): number => SPMM_CONV_ROWS * k + 5 * SPMM_CONV_ROWS;
/** Output columns per packed panel (two f32x4 registers). */
export const PANEL = 8;
/** Fewest rows of A one im2col tile holds (bounded scratch, reused for every tile). */
export const TILE_ROWS = 64;
/** Floats of one im2col tile (128 KB: L2-resident; the GEMM walks it in L1-sized row blocks). */
export const IM2COL_TILE_FLOATS = 32768;

/**
 * Rows per im2col tile for a conv with `k` = kh·kw·cin: as many as fit IM2COL_TILE_FLOATS (a multiple of
 * 32, at least TILE_ROWS). Few long tiles amortize what each tile repeats — the GEMM's per-call setup and,
 * for codebook and affine weights, decoding every panel again — which dominated small-k convs (LeNet-5's
 * first conv at batch 64: k = 25, 576 tiles of 64 rows).
 */
export function im2colTileRows(k: number): number {
  return Math.max(TILE_ROWS, Math.min(4096, Math.floor(IM2COL_TILE_FLOATS / Math.max(k, 1) / 32) * 32));
}

/**
 * Dense convolutions with at most this many output channels read the image in the GEMM tile (convDense) instead of
 * going through an im2col tile: with up to three panels the image is re-read at most three times, while the im2col
 * copy was half of MobileNet's first conv (k = 27, n = 8) and of LeNet-5's (k = 25, n = 20). Wider outputs keep
 * im2col + the L1-blocked GEMM.
 */
export const DIRECT_CONV_MAX_N = 24;

/** Whether a conv with weights in `form` and `n` output channels runs convDense. */
export function usesDirectConv(form: string, n: number): boolean {
  return form === 'dense' && n <= DIRECT_CONV_MAX_N;
}

/**
 * Depthwise 3×3 convolutions (stride 1, multiplier 1, channels a multiple of 4) with padding and at most this many
 * output pixels per image run on a zero-padded copy of each image, so that every output row is an interior row
 * (depthwise-row.ts): at 8×8 and 4×4 (MobileNets' last stages) the clipped border
 * windows had been most pixels and ran at half the interior's speed. At stride 2 the copy (about half the
 * multiply-adds' count in floats) cost more than it saved. The plan passes the scratch only for finite weights
 * (0·∞ on the zero border would be NaN where the clipped window skips the tap).
 */
export const DEPTHWISE_PAD_MAX_PIXELS = 64;

/** Floats of the padded image a depthwise conv needs in scratch (0: it runs on the image as it is). */
export function depthwisePaddedFloats(g: { h: number; w: number; c: number; kh: number; kw: number; sh: number; sw: number; padT: number; padL: number; outH: number; outW: number }, mult: number): number {
  if (mult !== 1 || g.kh !== 3 || g.kw !== 3 || g.sh !== 1 || g.sw !== 1 || g.c % 4 !== 0 || g.outH * g.outW > DEPTHWISE_PAD_MAX_PIXELS) return 0;
  const ph = (g.outH - 1) * g.sh + 3, pw = (g.outW - 1) * g.sw + 3;
  const padded = g.padT > 0 || g.padL > 0 || ph - g.padT > g.h || pw - g.padL > g.w;
  return padded ? ph * pw * g.c : 0;
}

export interface Kernels {
  /** C[m×n] = clamp((A·B) ⊙ scale + bias); B in dense panels. */
  gemm(a: number, lda: number, m: number, k: number, b: number, n: number, bias: number, scale: number, c: number, ldc: number, lo: number, hi: number): void;
  /** As gemm, B as u8 codebook indexes in panels decoded through `table`; `scratch` holds K × 8 floats. */
  gemmCodebook(
    a: number, lda: number, m: number, k: number, idx: number, table: number, n: number,
    bias: number, scale: number, c: number, ldc: number, lo: number, hi: number, scratch: number,
  ): void;
  /** As gemm, B as u8 affine panels with per-column zero points; `scale` (required) multiplies Σ a·(q − z). */
  gemmQ8(
    a: number, lda: number, m: number, k: number, q: number, zero: number, n: number,
    bias: number, scale: number, c: number, ldc: number, lo: number, hi: number, scratch: number,
  ): void;
  /**
   * Integer GEMM: each row of A quantized to 15 bits (scale max|row|/16383), int8 weights, i32 dot products
   * (i32x4.dot_i16x8_s), C = clamp(Σ · rowScale · scale + bias). `scratch`: 64 × K8 int16 + 64 floats.
   */
  gemmI8(
    a: number, lda: number, m: number, k: number, w: number, n: number, bias: number, scale: number,
    c: number, ldc: number, lo: number, hi: number, scratch: number,
  ): void;
  /**
   * C[m×n] = clamp(A·W + bias) with W sparse in CSC columns. `scratch` holds spmmScratchFloats(k) floats (A
   * tiles transposed so that rows of a tile sit side by side in SIMD lanes, and an output tile).
   */
  spmm(
    a: number, lda: number, m: number, k: number, counts: number, rows: number, values: number, n: number,
    bias: number, c: number, ldc: number, lo: number, hi: number, scratch: number,
  ): void;
  /**
   * A sparse convolution over 32 output rows m0 … m0+31 (SPMM_CONV_ROWS): C[32×n] = clamp(im2col(x)·W + bias), W
   * sparse in CSC columns over k = kh·kw·c. `scratch` holds spmmScratchFloats(k) floats.
   */
  spmmConv(
    x: number, h: number, w: number, c: number, kh: number, kw: number, sh: number, sw: number, padT: number, padL: number,
    outH: number, outW: number, m0: number, k: number, counts: number, rows: number, values: number, n: number,
    bias: number, out: number, ldc: number, lo: number, hi: number, scratch: number,
  ): void;
  /**
   * A dense convolution over output rows m0 … m0+count−1: out[count×n] (row stride ldc) = clamp(im2col(x)·B + bias),
   * B in dense panels over k = kh·kw·c, without writing the im2col matrix (the wasm kernel reads the image in its
   * register tile). `scratch` holds count × k floats (the JS fallback composes im2col and gemm there).
   */
  convDense(
    x: number, h: number, w: number, c: number, kh: number, kw: number, sh: number, sw: number, padT: number, padL: number,
    outH: number, outW: number, m0: number, count: number, b: number, n: number, bias: number, out: number, ldc: number,
    lo: number, hi: number, scratch: number,
  ): void;
  /** Rows m0 … m0+count−1 of the im2col matrix of NHWC `x` into dst [count × kh·kw·c]; padding reads 0. */
  im2col(
    x: number, h: number, w: number, c: number, kh: number, kw: number, sh: number, sw: number,
    padT: number, padL: number, outH: number, outW: number, m0: number, count: number, dst: number,
  ): void;
  /**
   * Depthwise conv, NHWC, weights [kh, kw, c, mult] (= [kh, kw, c·mult]); output channel ci·mult + j reads channel ci.
   * `scratch` holds depthwisePaddedFloats(…) floats (0 when that is 0; the JS fallback does not use it).
   */
  depthwise(
    x: number, batch: number, h: number, w: number, c: number, kh: number, kw: number, sh: number, sw: number,
    padT: number, padL: number, outH: number, outW: number, mult: number, weights: number, bias: number,
    y: number, lo: number, hi: number, scratch: number,
  ): void;
  /** Max (mode 0) or average (mode 1, padding excluded from the count) pooling, NHWC. */
  pool(
    mode: number, x: number, batch: number, h: number, w: number, c: number, ph: number, pw: number,
    sh: number, sw: number, padT: number, padL: number, outH: number, outW: number, y: number,
  ): void;
  /** Max (mode 0) or mean (mode 1) over the hw pixels of each sample, per channel. */
  globalPool(mode: number, x: number, batch: number, hw: number, c: number, y: number): void;
  /** y = clamp(a + b), n elements. */
  add(a: number, b: number, n: number, y: number, lo: number, hi: number): void;
  /** y = clamp(x ⊙ scale + shift) per channel of rows × c. */
  channelAffine(x: number, rows: number, c: number, scale: number, shift: number, y: number, lo: number, hi: number): void;
  /** y = clamp(x), n elements. */
  clamp(x: number, n: number, y: number, lo: number, hi: number): void;
  /** Softmax over each row of rows × c. */
  softmax(x: number, rows: number, c: number, y: number): void;
  /** dst[r·dstStride + j] = src[r·srcStride + j] for j < cols (concatenation along channels). */
  copyRows(src: number, rows: number, cols: number, srcStride: number, dst: number, dstStride: number): void;
  /** Zero padding of NHWC x by (t, b, l, r) pixels. */
  zeroPad(x: number, batch: number, h: number, w: number, c: number, t: number, b: number, l: number, r: number, y: number): void;
}

/** Every kernel name, in the order the wasm module exports them (checked when it is instantiated). */
export const KERNEL_NAMES: readonly (keyof Kernels)[] = [
  'gemm', 'gemmCodebook', 'gemmQ8', 'gemmI8', 'spmm', 'spmmConv', 'im2col', 'depthwise', 'pool', 'globalPool', 'add',
  'channelAffine', 'clamp', 'softmax', 'copyRows', 'zeroPad', 'convDense',
];
