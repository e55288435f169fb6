// AssemblyScript. im2col tiles for the GEMM path, and depthwise convolution NHWC with channels in f32x4 lanes.

import { madd } from './madd';
import { depthwise3x3Row } from './depthwise-row';

/** ../kernels/api.ts DEPTHWISE_PAD_MAX_PIXELS. */
const DEPTHWISE_PAD_MAX_PIXELS: i32 = 64;

export function im2col(x: usize, h: i32, w: i32, c: i32, kh: i32, kw: i32, sh: i32, sw: i32, padT: i32, padL: i32,
                       outH: i32, outW: i32, m0: i32, count: i32, dst: usize): void {
  const cBytes = <usize>c << 2;
  const perImage = outH * outW;
  let d = dst;
  // The first row's (image, oy, ox) by division, the rest by stepping: two divisions per row cost as much as
  // copying a 27-float row (MobileNet's first conv).
  let b = m0 / perImage;
  const rem0 = m0 - b * perImage;
  let oy = rem0 / outW;
  let ox = rem0 - oy * outW - 1;
  const imageBytes = <usize>h * <usize>w * cBytes;
  let image = x + <usize>b * imageBytes;
  for (let r = 0; r < count; r++) {
    if (++ox == outW) {
      ox = 0;
      if (++oy == outH) {
        oy = 0;
        image += imageBytes;
      }
    }
    const ix0 = ox * sw - padL;
    // The kw taps of one kernel row are kw·c contiguous floats in NHWC when the row is inside the image.
    const inside = ix0 >= 0 && ix0 + kw <= w;
    const run = <usize>kw * cBytes;
    for (let ky = 0; ky < kh; ky++) {
      const iy = oy * sh - padT + ky;
      const rowOk = iy >= 0 && iy < h;
      if (rowOk && inside) {
        copyFloats(d, image + (<usize>iy * <usize>w + <usize>ix0) * cBytes, run);
        d += run;
        continue;
      }
      for (let kx = 0; kx < kw; kx++) {
        const ix = ix0 + kx;
        if (rowOk && ix >= 0 && ix < w) copyFloats(d, image + (<usize>iy * <usize>w + <usize>ix) * cBytes, cBytes);
        else zeroFloats(d, cBytes);
        d += cBytes;
      }
    }
  }
}

/** Short copies inline (a memory.copy call costs more than copying a few floats); long ones use memory.copy. */
@inline function copyFloats(dst: usize, src: usize, bytes: usize): void {
  if (bytes < 64) {
    if (bytes >= 16) {
      // Whole vectors, then one more ending exactly at the end (overlapping what was copied): no scalar tail.
      let j: usize = 0;
      for (; j + 16 <= bytes; j += 16) v128.store(dst + j, v128.load(src + j));
      if (j < bytes) v128.store(dst + bytes - 16, v128.load(src + bytes - 16));
      return;
    }
    for (let j: usize = 0; j < bytes; j += 4) store<f32>(dst + j, load<f32>(src + j));
  } else {
    memory.copy(dst, src, bytes);
  }
}

@inline function zeroFloats(dst: usize, bytes: usize): void {
  if (bytes < 64) {
    for (let j: usize = 0; j < bytes; j += 4) store<f32>(dst + j, 0);
  } else {
    memory.fill(dst, 0, bytes);
  }
}

@inline function clampv(v: v128, lo: v128, hi: v128): v128 {
  return f32x4.pmin(f32x4.pmax(v, lo), hi);
}

/** Multiplier 1: every output channel reads its own input channel, four channels per f32x4. */
function depthwise1(x: usize, batch: i32, h: i32, w: i32, c: i32, kh: i32, kw: i32, sh: i32, sw: i32, padT: i32, padL: i32,
                    outH: i32, outW: i32, weights: usize, bias: usize, y: usize, lo: f32, hi: f32): void {
  const vlo = f32x4.splat(lo), vhi = f32x4.splat(hi);
  const cBytes = <usize>c << 2;
  const c4 = c & ~3;
  let out = y;
  for (let b = 0; b < batch; b++) {
    const image = x + <usize>b * <usize>h * <usize>w * cBytes;
    for (let oy = 0; oy < outH; oy++) {
      const iy0 = oy * sh - padT;
      const ky0 = max(0, -iy0), ky1 = min(kh, h - iy0);
      // 3×3 rows with all three kernel rows inside the image: the pixels whose windows are inside the row
      // [oxA, oxB) in one call (depthwise-row.ts); the border pixels below.
      const rowKernel = kh == 3 && kw == 3 && (c & 3) == 0 && ky0 == 0 && ky1 == 3 && w + padL >= 3;
      const oxA = (padL + sw - 1) / sw;
      const oxB = min(outW, (w - 3 + padL) / sw + 1);
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * sw - padL;
        if (rowKernel && ox == oxA && oxB > oxA) {
          depthwise3x3Row(image + <usize>iy0 * <usize>w * cBytes + <usize>ix0 * cBytes, <usize>w * cBytes, c, sw, oxB - oxA, weights, bias, out, vlo, vhi);
          out += <usize>(oxB - oxA) * cBytes;
          ox = oxB - 1;
          continue;
        }
        // 3-wide kernels (MobileNets): taps unrolled, four pixels (or one) whose windows lie inside the row.
        if (kw == 3 && (c & 3) == 0 && ix0 >= 0 && ix0 + 3 <= w) {
          if (ox + 4 <= outW && ix0 + 3 * sw + 3 <= w) {
            depthwise3wide4px(image + <usize>ix0 * cBytes, w, c, sw, iy0, ky0, ky1, weights, bias, out, vlo, vhi);
            out += 4 * cBytes;
            ox += 3;
          } else {
            depthwise3wide1px(image + <usize>ix0 * cBytes, w, c, iy0, ky0, ky1, weights, bias, out, vlo, vhi);
            out += cBytes;
          }
          continue;
        }
        // Four output pixels whose windows lie inside the row: each weight vector is loaded once for all four.
        if ((c & 3) == 0 && ox + 4 <= outW && ix0 >= 0 && ix0 + 3 * sw + kw <= w) {
          depthwise4px(image + <usize>ix0 * cBytes, w, c, kw, sw, iy0, ky0, ky1, weights, bias, out, vlo, vhi);
          out += 4 * cBytes;
          ox += 3;
          continue;
        }
        depthwisePixel(image, w, c, kh, kw, iy0, ix0, ky0, ky1, weights, bias, out, lo, hi);
        out += cBytes;
      }
    }
  }
}


/** One output pixel, any kernel, window rows [ky0, ky1) inside the image, columns clipped here. */
function depthwisePixel(image: usize, w: i32, c: i32, kh: i32, kw: i32, iy0: i32, ix0: i32, ky0: i32, ky1: i32,
                        weights: usize, bias: usize, out: usize, lo: f32, hi: f32): void {
  const vlo = f32x4.splat(lo), vhi = f32x4.splat(hi);
  const cBytes = <usize>c << 2;
  const c4 = c & ~3;
  const kx0 = max(0, -ix0), kx1 = min(kw, w - ix0);
  let ch = 0;
  // Eight channels at a time: two independent accumulators hide the add latency.
  for (; ch + 8 <= c4; ch += 8) {
    const off = <usize>ch << 2;
    let acc0 = bias != 0 ? v128.load(bias + off) : f32x4.splat(0);
    let acc1 = bias != 0 ? v128.load(bias + off, 16) : f32x4.splat(0);
    for (let ky = ky0; ky < ky1; ky++) {
      const row = image + (<usize>(iy0 + ky) * <usize>w) * cBytes + off;
      const wrow = weights + <usize>(ky * kw) * cBytes + off;
      for (let kx = kx0; kx < kx1; kx++) {
        const p = row + <usize>(ix0 + kx) * cBytes;
        const q = wrow + <usize>kx * cBytes;
        acc0 = madd(v128.load(p), v128.load(q), acc0);
        acc1 = madd(v128.load(p, 16), v128.load(q, 16), acc1);
      }
    }
    v128.store(out + off, clampv(acc0, vlo, vhi));
    v128.store(out + off, clampv(acc1, vlo, vhi), 16);
  }
  for (; ch < c4; ch += 4) {
    const off = <usize>ch << 2;
    let acc = bias != 0 ? v128.load(bias + off) : f32x4.splat(0);
    for (let ky = ky0; ky < ky1; ky++) {
      const row = image + (<usize>(iy0 + ky) * <usize>w) * cBytes + off;
      const wrow = weights + <usize>(ky * kw) * cBytes + off;
      for (let kx = kx0; kx < kx1; kx++) {
        acc = madd(v128.load(row + <usize>(ix0 + kx) * cBytes), v128.load(wrow + <usize>kx * cBytes), acc);
      }
    }
    v128.store(out + off, clampv(acc, vlo, vhi));
  }
  for (; ch < c; ch++) {
    const off = <usize>ch << 2;
    let acc: f32 = bias != 0 ? load<f32>(bias + off) : 0;
    for (let ky = ky0; ky < ky1; ky++) {
      for (let kx = kx0; kx < kx1; kx++) {
        acc += load<f32>(image + (<usize>(iy0 + ky) * <usize>w + <usize>(ix0 + kx)) * cBytes + off) * load<f32>(weights + <usize>(ky * kw + kx) * cBytes + off);
      }
    }
    store<f32>(out + off, min(max(acc, lo), hi));
  }
}

/**
 * kw = 3, four horizontally adjacent output pixels whose windows lie inside the row (rows [ky0, ky1) of the
 * window inside the image): the three taps of a kernel row unrolled, each weight vector loaded once for the
 * four pixels, four independent accumulators. The loop overhead of the general kernel (a kx loop of three)
 * was most of its time at 8–32 channels.
 */
function depthwise3wide4px(row0: usize, w: i32, c: i32, sw: i32, iy0: i32, ky0: i32, ky1: i32, weights: usize, bias: usize,
                           out: usize, vlo: v128, vhi: v128): void {
  const cBytes = <usize>c << 2;
  const step = <usize>sw * cBytes;
  const rowBytes = <usize>w * cBytes;
  const wRow = <usize>3 * cBytes;
  if (sw == 1) {
    // Stride 1: the four windows of a kernel row span six input pixels; each is loaded once.
    for (let off: usize = 0; off < cBytes; off += 16) {
      const b = bias != 0 ? v128.load(bias + off) : f32x4.splat(0);
      let a0 = b, a1 = b, a2 = b, a3 = b;
      let p = row0 + <usize>(iy0 + ky0) * rowBytes + off;
      let q = weights + <usize>ky0 * wRow + off;
      for (let ky = ky0; ky < ky1; ky++) {
        const w0 = v128.load(q), w1 = v128.load(q + cBytes), w2 = v128.load(q + 2 * cBytes);
        const x0 = v128.load(p), x1 = v128.load(p + cBytes), x2 = v128.load(p + 2 * cBytes);
        a0 = madd(x0, w0, a0);
        a1 = madd(x1, w0, a1);
        a0 = madd(x1, w1, a0);
        a2 = madd(x2, w0, a2);
        a1 = madd(x2, w1, a1);
        a0 = madd(x2, w2, a0);
        const x3 = v128.load(p + 3 * cBytes), x4 = v128.load(p + 4 * cBytes), x5 = v128.load(p + 5 * cBytes);
        a3 = madd(x3, w0, a3);
        a2 = madd(x3, w1, a2);
        a1 = madd(x3, w2, a1);
        a3 = madd(x4, w1, a3);
        a2 = madd(x4, w2, a2);
        a3 = madd(x5, w2, a3);
        p += rowBytes;
        q += wRow;
      }
      v128.store(out + off, clampv(a0, vlo, vhi));
      v128.store(out + cBytes + off, clampv(a1, vlo, vhi));
      v128.store(out + 2 * cBytes + off, clampv(a2, vlo, vhi));
      v128.store(out + 3 * cBytes + off, clampv(a3, vlo, vhi));
    }
    return;
  }
  for (let off: usize = 0; off < cBytes; off += 16) {
    const b = bias != 0 ? v128.load(bias + off) : f32x4.splat(0);
    let a0 = b, a1 = b, a2 = b, a3 = b;
    let p = row0 + <usize>(iy0 + ky0) * rowBytes + off;
    let q = weights + <usize>ky0 * wRow + off;
    for (let ky = ky0; ky < ky1; ky++) {
      const w0 = v128.load(q), w1 = v128.load(q + cBytes), w2 = v128.load(q + 2 * cBytes);
      const p1 = p + step, p2 = p1 + step, p3 = p2 + step;
      a0 = madd(v128.load(p), w0, a0);
      a1 = madd(v128.load(p1), w0, a1);
      a2 = madd(v128.load(p2), w0, a2);
      a3 = madd(v128.load(p3), w0, a3);
      a0 = madd(v128.load(p + cBytes), w1, a0);
      a1 = madd(v128.load(p1 + cBytes), w1, a1);
      a2 = madd(v128.load(p2 + cBytes), w1, a2);
      a3 = madd(v128.load(p3 + cBytes), w1, a3);
      a0 = madd(v128.load(p + 2 * cBytes), w2, a0);
      a1 = madd(v128.load(p1 + 2 * cBytes), w2, a1);
      a2 = madd(v128.load(p2 + 2 * cBytes), w2, a2);
      a3 = madd(v128.load(p3 + 2 * cBytes), w2, a3);
      p += rowBytes;
      q += wRow;
    }
    v128.store(out + off, clampv(a0, vlo, vhi));
    v128.store(out + cBytes + off, clampv(a1, vlo, vhi));
    v128.store(out + 2 * cBytes + off, clampv(a2, vlo, vhi));
    v128.store(out + 3 * cBytes + off, clampv(a3, vlo, vhi));
  }
}

/** kw = 3, one output pixel whose window lies inside the row: taps unrolled, two channel groups per step. */
function depthwise3wide1px(row0: usize, w: i32, c: i32, iy0: i32, ky0: i32, ky1: i32, weights: usize, bias: usize,
                           out: usize, vlo: v128, vhi: v128): void {
  const cBytes = <usize>c << 2;
  const rowBytes = <usize>w * cBytes;
  const wRow = <usize>3 * cBytes;
  for (let off: usize = 0; off < cBytes; off += 16) {
    let a = bias != 0 ? v128.load(bias + off) : f32x4.splat(0);
    let d = f32x4.splat(0);
    let p = row0 + <usize>(iy0 + ky0) * rowBytes + off;
    let q = weights + <usize>ky0 * wRow + off;
    for (let ky = ky0; ky < ky1; ky++) {
      a = madd(v128.load(p), v128.load(q), a);
      d = madd(v128.load(p + cBytes), v128.load(q + cBytes), d);
      a = madd(v128.load(p + 2 * cBytes), v128.load(q + 2 * cBytes), a);
      p += rowBytes;
      q += wRow;
    }
    v128.store(out + off, clampv(f32x4.add(a, d), vlo, vhi));
  }
}

/** Four horizontally adjacent output pixels (windows fully inside the row), four channels per f32x4. */
function depthwise4px(row0: usize, w: i32, c: i32, kw: i32, sw: i32, iy0: i32, ky0: i32, ky1: i32, weights: usize, bias: usize,
                      out: usize, vlo: v128, vhi: v128): void {
  const cBytes = <usize>c << 2;
  const step = <usize>sw * cBytes;
  const rowBytes = <usize>w * cBytes;
  for (let ch = 0; ch < c; ch += 4) {
    const off = <usize>ch << 2;
    const b = bias != 0 ? v128.load(bias + off) : f32x4.splat(0);
    let a0 = b, a1 = b, a2 = b, a3 = b;
    for (let ky = ky0; ky < ky1; ky++) {
      let p = row0 + <usize>(iy0 + ky) * rowBytes + off;
      let q = weights + <usize>(ky * kw) * cBytes + off;
      for (let kx = 0; kx < kw; kx++) {
        const wv = v128.load(q);
        a0 = madd(v128.load(p), wv, a0);
        a1 = madd(v128.load(p + step), wv, a1);
        a2 = madd(v128.load(p + 2 * step), wv, a2);
        a3 = madd(v128.load(p + 3 * step), wv, a3);
        p += cBytes;
        q += cBytes;
      }
    }
    v128.store(out + off, f32x4.pmin(f32x4.pmax(a0, vlo), vhi));
    v128.store(out + cBytes + off, f32x4.pmin(f32x4.pmax(a1, vlo), vhi));
    v128.store(out + 2 * cBytes + off, f32x4.pmin(f32x4.pmax(a2, vlo), vhi));
    v128.store(out + 3 * cBytes + off, f32x4.pmin(f32x4.pmax(a3, vlo), vhi));
  }
}

/** Multiplier > 1: output channel ci·mult + j reads input channel ci (scalar; rare in practice). */
function depthwiseMult(x: usize, batch: i32, h: i32, w: i32, c: i32, kh: i32, kw: i32, sh: i32, sw: i32, padT: i32, padL: i32,
                       outH: i32, outW: i32, mult: i32, weights: usize, bias: usize, y: usize, lo: f32, hi: f32): void {
  const co = c * mult;
  let out = y;
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outH; oy++) {
      const iy0 = oy * sh - padT;
      const ky0 = max(0, -iy0), ky1 = min(kh, h - iy0);
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * sw - padL;
        const kx0 = max(0, -ix0), kx1 = min(kw, w - ix0);
        for (let o = 0; o < co; o++) {
          const ci = o / mult;
          let acc: f32 = bias != 0 ? load<f32>(bias + (<usize>o << 2)) : 0;
          for (let ky = ky0; ky < ky1; ky++) {
            for (let kx = kx0; kx < kx1; kx++) {
              const xv = load<f32>(x + ((<usize>((b * h + iy0 + ky) * w + ix0 + kx) * <usize>c + <usize>ci) << 2));
              acc += xv * load<f32>(weights + ((<usize>((ky * kw + kx) * co + o)) << 2));
            }
          }
          store<f32>(out + (<usize>o << 2), min(max(acc, lo), hi));
        }
        out += <usize>co << 2;
      }
    }
  }
}

/**
 * Small padded 3×3 depthwise convs (see DEPTHWISE_PAD_MAX_PIXELS in ../kernels/api.ts): each image is copied into
 * scratch with its zero border, (outH−1)·sh+3 rows of (outW−1)·sw+3 pixels, and every output row runs as an
 * interior row. The padded taps add exact zeros (0·w = 0 for finite weights), so results match the clipped windows.
 */
function depthwisePadded(x: usize, batch: i32, h: i32, w: i32, c: i32, sh: i32, sw: i32, padT: i32, padL: i32,
                         outH: i32, outW: i32, weights: usize, bias: usize, y: usize, lo: f32, hi: f32, scratch: usize): void {
  const vlo = f32x4.splat(lo), vhi = f32x4.splat(hi);
  const cBytes = <usize>c << 2;
  const ph = (outH - 1) * sh + 3, pw = (outW - 1) * sw + 3;
  const pRowBytes = <usize>pw * cBytes;
  const imageBytes = <usize>h * <usize>w * cBytes;
  // Columns [cx0, cx1) of a padded row hold image columns cx − padL; the rest are zeros.
  const cx0 = min(padL, pw), cx1 = max(cx0, min(pw, w + padL));
  const leftBytes = <usize>cx0 * cBytes, midBytes = <usize>(cx1 - cx0) * cBytes;
  let out = y;
  for (let b = 0; b < batch; b++) {
    const image = x + <usize>b * imageBytes;
    let d = scratch;
    for (let py = 0; py < ph; py++) {
      const iy = py - padT;
      if (iy < 0 || iy >= h) {
        for (let j: usize = 0; j < pRowBytes; j += 16) v128.store(d + j, f32x4.splat(0));
      } else {
        for (let j: usize = 0; j < leftBytes; j += 16) v128.store(d + j, f32x4.splat(0));
        const src = image + <usize>iy * <usize>w * cBytes + (<usize>(cx0 - padL) * cBytes);
        for (let j: usize = 0; j < midBytes; j += 16) v128.store(d + leftBytes + j, v128.load(src + j));
        for (let j = leftBytes + midBytes; j < pRowBytes; j += 16) v128.store(d + j, f32x4.splat(0));
      }
      d += pRowBytes;
    }
    for (let oy = 0; oy < outH; oy++) {
      depthwise3x3Row(scratch + <usize>(oy * sh) * pRowBytes, pRowBytes, c, sw, outW, weights, bias, out, vlo, vhi);
      out += <usize>outW * cBytes;
    }
  }
}

export function depthwise(x: usize, batch: i32, h: i32, w: i32, c: i32, kh: i32, kw: i32, sh: i32, sw: i32, padT: i32, padL: i32,
                          outH: i32, outW: i32, mult: i32, weights: usize, bias: usize, y: usize, lo: f32, hi: f32, scratch: usize): void {
  // The same rule as depthwisePaddedFloats (../kernels/api.ts), which sized the scratch.
  if (scratch != 0 && mult == 1 && kh == 3 && kw == 3 && sh == 1 && sw == 1 && (c & 3) == 0 && outH * outW <= DEPTHWISE_PAD_MAX_PIXELS) {
    const ph = (outH - 1) * sh + 3, pw = (outW - 1) * sw + 3;
    if (padT > 0 || padL > 0 || ph - padT > h || pw - padL > w) {
      depthwisePadded(x, batch, h, w, c, sh, sw, padT, padL, outH, outW, weights, bias, y, lo, hi, scratch);
      return;
    }
  }
  if (mult == 1) depthwise1(x, batch, h, w, c, kh, kw, sh, sw, padT, padL, outH, outW, weights, bias, y, lo, hi);
  else depthwiseMult(x, batch, h, w, c, kh, kw, sh, sw, padT, padL, outH, outW, mult, weights, bias, y, lo, hi);
}
