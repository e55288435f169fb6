// AssemblyScript. A dense convolution without im2col, for convolutions whose output has at most a few panels of
// columns (MobileNet's first 3×3/2 over 3 channels: k = 27, n = 8). im2col wrote (and the GEMM then re-read)
// k floats per output pixel, half of that layer's time; here the GEMM's 4×8 register tile reads A straight
// from the NHWC image: the kw taps of one kernel row are kw·c contiguous floats, which is also the order of
// the panel's k rows, so four horizontally adjacent pixels whose windows lie inside the row are four pointers
// a fixed stride apart. Kernel rows outside the image are skipped (their B rows too); pixels whose window
// crosses the left or right border are copied into one im2col row in scratch and run as a single row.

import { madd } from './madd';
import { epilogue, storeCols } from './gemm';
import { im2col } from './conv';

const PANEL: i32 = 8;

/** Four pixels a `step` apart: kernel rows [ky0, ky1) of `run` floats each, over panel rows starting at bp. */
function tile4(p: usize, step: usize, rowBytes: usize, run: i32, rows: i32, bp: usize, out: usize, ldcBytes: usize,
               bias0: v128, bias1: v128, vlo: v128, vhi: v128, cols: i32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let b = bp;
  const runBytes = <usize>run << 2;
  const s2 = step << 1, s3 = s2 + step;
  for (let r = 0; r < rows; r++) {
    const end = p + runBytes;
    for (let a = p; a < end; a += 4) {
      const b0 = v128.load(b);
      const b1 = v128.load(b, 16);
      const x0 = v128.load32_splat(a);
      const x1 = v128.load32_splat(a + step);
      c00 = madd(x0, b0, c00);
      c01 = madd(x0, b1, c01);
      const x2 = v128.load32_splat(a + s2);
      c10 = madd(x1, b0, c10);
      c11 = madd(x1, b1, c11);
      const x3 = v128.load32_splat(a + s3);
      c20 = madd(x2, b0, c20);
      c21 = madd(x2, b1, c21);
      c30 = madd(x3, b0, c30);
      c31 = madd(x3, b1, c31);
      b += 32;
    }
    p += rowBytes;
  }
  const sc = f32x4.splat(1);
  storeCols(out, epilogue(c00, bias0, sc, vlo, vhi, false), epilogue(c01, bias1, sc, vlo, vhi, false), cols);
  storeCols(out + ldcBytes, epilogue(c10, bias0, sc, vlo, vhi, false), epilogue(c11, bias1, sc, vlo, vhi, false), cols);
  storeCols(out + 2 * ldcBytes, epilogue(c20, bias0, sc, vlo, vhi, false), epilogue(c21, bias1, sc, vlo, vhi, false), cols);
  storeCols(out + 3 * ldcBytes, epilogue(c30, bias0, sc, vlo, vhi, false), epilogue(c31, bias1, sc, vlo, vhi, false), cols);
}

/** One pixel: `rows` runs of `run` floats, `rowBytes` apart, over panel rows starting at bp. */
function tile1(p: usize, rowBytes: usize, run: i32, rows: i32, bp: usize, out: usize,
               bias0: v128, bias1: v128, vlo: v128, vhi: v128, cols: i32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), d00 = f32x4.splat(0), d01 = f32x4.splat(0);
  let b = bp;
  const runBytes = <usize>run << 2;
  for (let r = 0; r < rows; r++) {
    const end = p + runBytes;
    let a = p;
    for (; a + 8 <= end; a += 8) {
      const x0 = v128.load32_splat(a);
      const x1 = v128.load32_splat(a, 4);
      c00 = madd(x0, v128.load(b), c00);
      c01 = madd(x0, v128.load(b, 16), c01);
      d00 = madd(x1, v128.load(b, 32), d00);
      d01 = madd(x1, v128.load(b, 48), d01);
      b += 64;
    }
    if (a < end) {
      const x0 = v128.load32_splat(a);
      c00 = madd(x0, v128.load(b), c00);
      c01 = madd(x0, v128.load(b, 16), c01);
      b += 32;
    }
    p += rowBytes;
  }
  const sc = f32x4.splat(1);
  storeCols(out, epilogue(f32x4.add(c00, d00), bias0, sc, vlo, vhi, false), epilogue(f32x4.add(c01, d01), bias1, sc, vlo, vhi, false), cols);
}

/** Four pixel vectors of one channel each (lanes = pixels) → four pixels' rows of four channels, + bias, clamped. */
@inline function storePixels(o: usize, ldcBytes: usize, v0: v128, v1: v128, v2: v128, v3: v128, bv: v128, vlo: v128, vhi: v128): void {
  const t0 = i32x4.shuffle(v0, v1, 0, 4, 1, 5), t1 = i32x4.shuffle(v2, v3, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(v0, v1, 2, 6, 3, 7), t3 = i32x4.shuffle(v2, v3, 2, 6, 3, 7);
  v128.store(o, f32x4.pmin(f32x4.pmax(f32x4.add(i64x2.shuffle(t0, t1, 0, 2), bv), vlo), vhi));
  v128.store(o + ldcBytes, f32x4.pmin(f32x4.pmax(f32x4.add(i64x2.shuffle(t0, t1, 1, 3), bv), vlo), vhi));
  v128.store(o + 2 * ldcBytes, f32x4.pmin(f32x4.pmax(f32x4.add(i64x2.shuffle(t2, t3, 0, 2), bv), vlo), vhi));
  v128.store(o + 3 * ldcBytes, f32x4.pmin(f32x4.pmax(f32x4.add(i64x2.shuffle(t2, t3, 1, 3), bv), vlo), vhi));
}

/**
 * One input channel at stride 1 (LeNet-5's first conv): eight horizontally adjacent output pixels in the lanes of two
 * vectors (unaligned loads of the image row), four output channels at a time: per tap two image loads and four weight
 * broadcasts for eight multiply-adds, and no lane spent on the zero padding of a partial last panel (n = 20 ran as
 * three panels of 8: 24 lanes for 20 channels). A 4×4 transpose per four pixels puts the results in NHWC rows.
 * Kernel rows [0, rows) from p (rowBytes apart), weights from panel row bRow on; n a multiple of 4.
 */
function c1Tile8(p: usize, rowBytes: usize, kw: i32, rows: i32, bRow: usize, panelBytes: usize, n: i32, bias: usize,
                 out: usize, ldcBytes: usize, vlo: v128, vhi: v128): void {
  const kwBytes = <usize>kw << 2;
  for (let j0 = 0; j0 < n; j0 += 4) {
    let wq = bRow + <usize>(j0 >> 3) * panelBytes + (<usize>(j0 & 7) << 2);
    let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
    let row = p;
    for (let r = 0; r < rows; r++) {
      const end = row + kwBytes;
      for (let q = row; q < end; q += 4) {
        const x0 = v128.load(q), x1 = v128.load(q, 16);
        let wv = v128.load32_splat(wq);
        a0 = madd(x0, wv, a0);
        b0 = madd(x1, wv, b0);
        wv = v128.load32_splat(wq, 4);
        a1 = madd(x0, wv, a1);
        b1 = madd(x1, wv, b1);
        wv = v128.load32_splat(wq, 8);
        a2 = madd(x0, wv, a2);
        b2 = madd(x1, wv, b2);
        wv = v128.load32_splat(wq, 12);
        a3 = madd(x0, wv, a3);
        b3 = madd(x1, wv, b3);
        wq += 32;
      }
      row += rowBytes;
    }
    const bv = bias != 0 ? v128.load(bias + (<usize>j0 << 2)) : f32x4.splat(0);
    const o = out + (<usize>j0 << 2);
    storePixels(o, ldcBytes, a0, a1, a2, a3, bv, vlo, vhi);
    storePixels(o + 4 * ldcBytes, ldcBytes, b0, b1, b2, b3, bv, vlo, vhi);
  }
}

/** convDense for c = 1, stride-1 columns, n a multiple of 4: c1Tile8 where eight windows lie inside the row. */
function convDenseC1(x: usize, h: i32, w: i32, kh: i32, kw: i32, sh: i32, padT: i32, padL: i32, outH: i32, outW: i32,
                     m0: i32, count: i32, b: usize, n: i32, bias: usize, out: usize, ldc: i32, lo: f32, hi: f32, scratch: usize): void {
  const vlo = f32x4.splat(lo), vhi = f32x4.splat(hi);
  const rowBytes = <usize>w << 2;
  const imageBytes = <usize>h * rowBytes;
  const k = kh * kw;
  const panelBytes = <usize>k << 5;
  const ldcBytes = <usize>ldc << 2;
  const perImage = outH * outW;
  let m = m0;
  const mEnd = m0 + count;
  while (m < mEnd) {
    const img = m / perImage;
    const rem = m - img * perImage;
    const oy = rem / outW;
    let ox = rem - oy * outW;
    const rowEnd = min(mEnd, m - ox + outW);
    const image = x + <usize>img * imageBytes;
    const iy0 = oy * sh - padT;
    const ky0 = max(0, -iy0), ky1 = min(kh, h - iy0);
    const rowStart = image + <usize>(iy0 + ky0) * rowBytes;
    const bRow = b + (<usize>(ky0 * kw) << 5);
    let o = out + <usize>(m - m0) * ldcBytes;
    while (m < rowEnd) {
      const ix0 = ox - padL;
      if (ix0 >= 0 && m + 8 <= rowEnd && ix0 + 7 + kw <= w) {
        c1Tile8(rowStart + (<usize>ix0 << 2), rowBytes, kw, ky1 - ky0, bRow, panelBytes, n, bias, o, ldcBytes, vlo, vhi);
        m += 8; ox += 8; o += 8 * ldcBytes;
        continue;
      }
      // Any other pixel: each panel as convDense does it.
      const inside = ix0 >= 0 && ix0 + kw <= w;
      if (!inside) im2col(x, h, w, 1, kh, kw, sh, 1, padT, padL, outH, outW, m, 1, scratch);
      for (let col = 0; col < n; col += PANEL) {
        const bp = b + <usize>(col / PANEL) * panelBytes;
        let bias0 = f32x4.splat(0), bias1 = f32x4.splat(0);
        if (bias != 0) { bias0 = v128.load(bias + (<usize>col << 2)); bias1 = v128.load(bias + (<usize>col << 2), 16); }
        const cols = min(PANEL, n - col);
        if (inside) tile1(rowStart + (<usize>ix0 << 2), rowBytes, kw, ky1 - ky0, bp + (<usize>(ky0 * kw) << 5), o + (<usize>col << 2), bias0, bias1, vlo, vhi, cols);
        else tile1(scratch, 0, k, 1, bp, o + (<usize>col << 2), bias0, bias1, vlo, vhi, cols);
      }
      m++; ox++; o += ldcBytes;
    }
  }
}

/**
 * Output rows m0 … m0+count−1 (NHWC pixels in order) of clamp(conv(x, B) + bias), B in dense panels over
 * k = kh·kw·c; row r goes to out + r·ldc floats. `scratch` holds k floats.
 */
export function convDense(x: usize, h: i32, w: i32, c: i32, kh: i32, kw: i32, sh: i32, sw: i32, padT: i32, padL: i32,
                          outH: i32, outW: i32, m0: i32, count: i32, b: usize, n: i32, bias: usize, out: usize, ldc: i32,
                          lo: f32, hi: f32, scratch: usize): void {
  if (c == 1 && sw == 1 && (n & 3) == 0) {
    convDenseC1(x, h, w, kh, kw, sh, padT, padL, outH, outW, m0, count, b, n, bias, out, ldc, lo, hi, scratch);
    return;
  }
  const vlo = f32x4.splat(lo), vhi = f32x4.splat(hi);
  const cBytes = <usize>c << 2;
  const rowBytes = <usize>w * cBytes;
  const imageBytes = <usize>h * rowBytes;
  const run = kw * c;
  const k = kh * run;
  const panelBytes = <usize>k << 5;
  const ldcBytes = <usize>ldc << 2;
  const step = <usize>sw * cBytes;
  const perImage = outH * outW;
  for (let p = 0; p * PANEL < n; p++) {
    const col = p * PANEL;
    const cols = min(PANEL, n - col);
    const bp = b + <usize>p * panelBytes;
    let bias0 = f32x4.splat(0), bias1 = f32x4.splat(0);
    if (bias != 0) { bias0 = v128.load(bias + (<usize>col << 2)); bias1 = v128.load(bias + (<usize>col << 2), 16); }
    let m = m0;
    const mEnd = m0 + count;
    while (m < mEnd) {
      const img = m / perImage;
      const rem = m - img * perImage;
      const oy = rem / outW;
      let ox = rem - oy * outW;
      const rowEnd = min(mEnd, m - ox + outW);
      const image = x + <usize>img * imageBytes;
      const iy0 = oy * sh - padT;
      const ky0 = max(0, -iy0), ky1 = min(kh, h - iy0);
      const rowStart = image + <usize>(iy0 + ky0) * rowBytes;
      const bRow = bp + (<usize>(ky0 * run) << 5);
      let o = out + <usize>(m - m0) * ldcBytes + (<usize>col << 2);
      while (m < rowEnd) {
        const ix0 = ox * sw - padL;
        if (ix0 >= 0 && m + 4 <= rowEnd && ix0 + 3 * sw + kw <= w) {
          tile4(rowStart + <usize>ix0 * cBytes, step, rowBytes, run, ky1 - ky0, bRow, o, ldcBytes, bias0, bias1, vlo, vhi, cols);
          m += 4; ox += 4; o += 4 * ldcBytes;
          continue;
        }
        if (ix0 >= 0 && ix0 + kw <= w) {
          tile1(rowStart + <usize>ix0 * cBytes, rowBytes, run, ky1 - ky0, bRow, o, bias0, bias1, vlo, vhi, cols);
        } else {
          im2col(x, h, w, c, kh, kw, sh, sw, padT, padL, outH, outW, m, 1, scratch);
          tile1(scratch, 0, k, 1, bp, o, bias0, bias1, vlo, vhi, cols);
        }
        m++; ox++; o += ldcBytes;
      }
    }
  }
}
