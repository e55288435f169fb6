// AssemblyScript (compiled by scripts/build-wasm.mjs into kernels.wasm). The GEMM family: C = clamp((A·B) ⊙ scale + bias)
// over B packed in panels of 8 columns (K rows × 8 floats, k-major; ../kernels/api.ts). A 4×8 register tile: 8 f32x4
// accumulators, per k two panel loads and four broadcast loads of A (v128.load32_splat). Codebook and affine panels
// are decoded one panel at a time into an L1-sized scratch and then run through the same tile, so resident weights
// stay 1 byte each while the arithmetic is the dense kernel's.

import { madd } from './madd';

const PANEL: i32 = 8;

@inline export function epilogue(acc: v128, bias: v128, scale: v128, lo: v128, hi: v128, scaled: bool): v128 {
  // Dense and sparse weights have any BatchNormalization scale folded in: no multiply by 1 for them.
  const v = scaled ? madd(acc, scale, bias) : f32x4.add(acc, bias);
  return f32x4.pmin(f32x4.pmax(v, lo), hi);
}

/** Store the first `cols` (1..8) lanes of v0|v1 at p. */
@inline export function storeCols(p: usize, v0: v128, v1: v128, cols: i32): void {
  if (cols == 8) {
    v128.store(p, v0);
    v128.store(p, v1, 16);
    return;
  }
  if (cols >= 4) {
    v128.store(p, v0);
    if (cols > 4) store<f32>(p + 16, f32x4.extract_lane(v1, 0));
    if (cols > 5) store<f32>(p + 20, f32x4.extract_lane(v1, 1));
    if (cols > 6) store<f32>(p + 24, f32x4.extract_lane(v1, 2));
    return;
  }
  store<f32>(p, f32x4.extract_lane(v0, 0));
  if (cols > 1) store<f32>(p + 4, f32x4.extract_lane(v0, 1));
  if (cols > 2) store<f32>(p + 8, f32x4.extract_lane(v0, 2));
}

/** Rows [0, m) of A (row stride lda floats) times one panel bp (k × 8) into columns [col, col+cols) of C. */
function panelRows(a: usize, lda: i32, m: i32, k: i32, bp: usize, bias: usize, scale: usize, col: i32, cols: i32,
                   c: usize, ldc: i32, lo: f32, hi: f32): void {
  const vlo = f32x4.splat(lo);
  const vhi = f32x4.splat(hi);
  let bias0 = f32x4.splat(0), bias1 = f32x4.splat(0), scale0 = f32x4.splat(1), scale1 = f32x4.splat(1);
  if (bias != 0) { bias0 = v128.load(bias + (<usize>col << 2)); bias1 = v128.load(bias + (<usize>col << 2), 16); }
  const scaled = scale != 0;
  if (scaled) { scale0 = v128.load(scale + (<usize>col << 2)); scale1 = v128.load(scale + (<usize>col << 2), 16); }
  const rowBytes = <usize>lda << 2;
  const cBytes = <usize>ldc << 2;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const a0 = a + <usize>i * rowBytes;
    const a1 = a0 + rowBytes, a2 = a1 + rowBytes, a3 = a2 + rowBytes;
    let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
    let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
    let b = bp;
    for (let kk: usize = 0; kk < <usize>k; kk++) {
      const b0 = v128.load(b);
      const b1 = v128.load(b, 16);
      const off = kk << 2;
      const x0 = v128.load32_splat(a0 + off);
      const x1 = v128.load32_splat(a1 + off);
      c00 = madd(x0, b0, c00);
      c01 = madd(x0, b1, c01);
      const x2 = v128.load32_splat(a2 + off);
      c10 = madd(x1, b0, c10);
      c11 = madd(x1, b1, c11);
      const x3 = v128.load32_splat(a3 + off);
      c20 = madd(x2, b0, c20);
      c21 = madd(x2, b1, c21);
      c30 = madd(x3, b0, c30);
      c31 = madd(x3, b1, c31);
      b += 32;
    }
    const out = c + <usize>i * cBytes + (<usize>col << 2);
    storeCols(out, epilogue(c00, bias0, scale0, vlo, vhi, scaled), epilogue(c01, bias1, scale1, vlo, vhi, scaled), cols);
    storeCols(out + cBytes, epilogue(c10, bias0, scale0, vlo, vhi, scaled), epilogue(c11, bias1, scale1, vlo, vhi, scaled), cols);
    storeCols(out + 2 * cBytes, epilogue(c20, bias0, scale0, vlo, vhi, scaled), epilogue(c21, bias1, scale1, vlo, vhi, scaled), cols);
    storeCols(out + 3 * cBytes, epilogue(c30, bias0, scale0, vlo, vhi, scaled), epilogue(c31, bias1, scale1, vlo, vhi, scaled), cols);
  }
  for (; i < m; i++) {
    const a0 = a + <usize>i * rowBytes;
    // Two accumulator pairs over even/odd k: a single row is latency-bound otherwise.
    let c00 = f32x4.splat(0), c01 = f32x4.splat(0), d00 = f32x4.splat(0), d01 = f32x4.splat(0);
    let b = bp;
    let kk: usize = 0;
    for (; kk + 2 <= <usize>k; kk += 2) {
      const x0 = v128.load32_splat(a0 + (kk << 2));
      const x1 = v128.load32_splat(a0 + (kk << 2), 4);
      c00 = madd(x0, v128.load(b), c00);
      c01 = madd(x0, v128.load(b, 16), c01);
      d00 = madd(x1, v128.load(b, 32), d00);
      d01 = madd(x1, v128.load(b, 48), d01);
      b += 64;
    }
    if (kk < <usize>k) {
      const x0 = v128.load32_splat(a0 + (kk << 2));
      c00 = madd(x0, v128.load(b), c00);
      c01 = madd(x0, v128.load(b, 16), c01);
    }
    const out = c + <usize>i * cBytes + (<usize>col << 2);
    storeCols(out, epilogue(f32x4.add(c00, d00), bias0, scale0, vlo, vhi, scaled), epilogue(f32x4.add(c01, d01), bias1, scale1, vlo, vhi, scaled), cols);
  }
}

export function gemm(a: usize, lda: i32, m: i32, k: i32, b: usize, n: i32, bias: usize, scale: usize,
                     c: usize, ldc: i32, lo: f32, hi: f32): void {
  const panelBytes = <usize>k * 32;
  // Rows in blocks whose A slice (≈16 KB) stays in L1 while every panel passes over it.
  const block = max(4, min(m, (4096 / max(k, 1)) & ~3));
  for (let i0 = 0; i0 < m; i0 += block) {
    const rows = min(block, m - i0);
    const ai = a + ((<usize>i0 * <usize>lda) << 2);
    const ci = c + ((<usize>i0 * <usize>ldc) << 2);
    for (let p = 0; p * PANEL < n; p++) {
      const col = p * PANEL;
      panelRows(ai, lda, rows, k, b + <usize>p * panelBytes, bias, scale, col, min(PANEL, n - col), ci, ldc, lo, hi);
    }
  }
}

/** Decode codebook panel (u8 indexes → table floats) into dst, 16 weights per iteration. */
function decodeCodebookPanel(src: usize, count: i32, table: usize, dst: usize): void {
  for (let j: usize = 0; j < <usize>count; j++) {
    store<f32>(dst + (j << 2), load<f32>(table + (<usize>load<u8>(src + j) << 2)));
  }
}

/**
 * Codebooks of at most 16 entries: indexes are stored two per byte, and each byte of the f32 centroids is a
 * 16-entry byte table, so 16 indexes decode with a nibble split, four i8x16.swizzle lookups and a byte
 * interleave (no float copy of the weights exists; resident weights are half a byte each).
 */
function decodeSmallCodebookPanel(src: usize, count: i32, planes: usize, dst: usize): void {
  const t0 = v128.load(planes), t1 = v128.load(planes, 16), t2 = v128.load(planes, 32), t3 = v128.load(planes, 48);
  let j: usize = 0;
  for (; j + 16 <= <usize>count; j += 16) {
    // 16 four-bit indexes in 8 bytes: low nibble first.
    const packed = v128.load64_zero(src + (j >> 1));
    const idx = i8x16.shuffle(v128.and(packed, i8x16.splat(0x0f)), i8x16.shr_u(packed, 4), 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const b0 = i8x16.swizzle(t0, idx), b1 = i8x16.swizzle(t1, idx), b2 = i8x16.swizzle(t2, idx), b3 = i8x16.swizzle(t3, idx);
    const lo01 = i8x16.shuffle(b0, b1, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const hi01 = i8x16.shuffle(b0, b1, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    const lo23 = i8x16.shuffle(b2, b3, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const hi23 = i8x16.shuffle(b2, b3, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    const o = dst + (j << 2);
    v128.store(o, i8x16.shuffle(lo01, lo23, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23));
    v128.store(o, i8x16.shuffle(lo01, lo23, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31), 16);
    v128.store(o, i8x16.shuffle(hi01, hi23, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23), 32);
    v128.store(o, i8x16.shuffle(hi01, hi23, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31), 48);
  }
  // count = k·8 is a multiple of 8; a last half vector goes through the scalar table (plane bytes rebuilt).
  for (; j < <usize>count; j++) {
    const i = <usize>((load<u8>(src + (j >> 1)) >> (<u8>(j & 1) << 2)) & 0x0f);
    const bits = <u32>load<u8>(planes + i) | (<u32>load<u8>(planes + 16 + i) << 8) | (<u32>load<u8>(planes + 32 + i) << 16) | (<u32>load<u8>(planes + 48 + i) << 24);
    store<u32>(dst + (j << 2), bits);
  }
}

export function gemmCodebook(a: usize, lda: i32, m: i32, k: i32, idx: usize, table: usize, n: i32, bias: usize, scale: usize,
                             c: usize, ldc: i32, lo: f32, hi: f32, scratch: usize): void {
  const count = k * PANEL;
  const panels = (n + PANEL - 1) / PANEL;
  // The table blob (../pack.ts): 256 floats, then their first 16 as four byte planes, then the entry count;
  // with at most 16 entries the panels hold two indexes per byte.
  const planes = table + 1024;
  const small = load<i32>(table, 1088) <= 16;
  for (let p = 0; p < panels; p++) {
    const src = idx + <usize>p * <usize>(small ? count >> 1 : count);
    if (small) decodeSmallCodebookPanel(src, count, planes, scratch);
    else decodeCodebookPanel(src, count, table, scratch);
    const col = p * PANEL;
    panelRows(a, lda, m, k, scratch, bias, scale, col, min(PANEL, n - col), c, ldc, lo, hi);
  }
}

export function gemmQ8(a: usize, lda: i32, m: i32, k: i32, q: usize, zero: usize, n: i32, bias: usize, scale: usize,
                       c: usize, ldc: i32, lo: f32, hi: f32, scratch: usize): void {
  const count = k * PANEL;
  for (let p = 0; p * PANEL < n; p++) {
    const src = q + <usize>p * <usize>count;
    const z0 = v128.load(zero + (<usize>p << 5));
    const z1 = v128.load(zero + (<usize>p << 5), 16);
    // 8 u8 → two f32x4 per panel row: widen u8 → u16 → u32, convert, subtract the column zero points.
    for (let r: usize = 0; r < <usize>k; r++) {
      const bytes = v128.load64_zero(src + (r << 3));
      const wide = i16x8.extend_low_i8x16_u(bytes);
      const o = scratch + (r << 5);
      v128.store(o, f32x4.sub(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(wide)), z0));
      v128.store(o, f32x4.sub(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(wide)), z1), 16);
    }
    const col = p * PANEL;
    panelRows(a, lda, m, k, scratch, bias, scale, col, min(PANEL, n - col), c, ldc, lo, hi);
  }
}
