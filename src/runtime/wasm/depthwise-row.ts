// AssemblyScript. Depthwise 3×3 over one output row whose windows lie wholly inside the image (all three kernel
// rows and columns): the MobileNets' interior. Channel groups outside, pixels inside: the nine weight vectors of a
// group are loaded once per row instead of once per four pixels, and the pixel loop has no bounds tests and no
// call per pixel (the per-four-pixel call and its window clipping cost as much as the multiply-adds at 8–32
// channels).

import { madd } from './madd';

@inline function clampv(v: v128, lo: v128, hi: v128): v128 {
  return f32x4.pmin(f32x4.pmax(v, lo), hi);
}

/**
 * `count` output pixels starting at out (stride c floats), the first window's top-left input pixel at p0, input
 * rows rowBytes apart, horizontal stride sw; weights [3, 3, c], channels a multiple of 4.
 */
export function depthwise3x3Row(p0: usize, rowBytes: usize, c: i32, sw: i32, count: i32, weights: usize, bias: usize,
                                out: usize, vlo: v128, vhi: v128): void {
  const cB = <usize>c << 2;
  const step = <usize>sw * cB;
  for (let off: usize = 0; off < cB; off += 16) {
    const q = weights + off;
    const bv = bias != 0 ? v128.load(bias + off) : f32x4.splat(0);
    let p = p0 + off;
    let o = out + off;
    let j = 0;
    // The stride-2 loop of four pixels loads each kernel row's three weight vectors per step (from L1): beside four
    // accumulators and the inputs, all nine would not stay in registers. (Eight pixels per step at stride 1, written
    // the same way, measured no faster than the four below.)
    if (sw == 2) {
      // Four pixels: each kernel row spans nine input pixels, each loaded once (the shared ones used twice).
      for (; j + 4 <= count; j += 4) {
        let a0 = bv, a1 = bv, a2 = bv, a3 = bv;
        let r = p;
        let wq = q;
        for (let ky = 0; ky < 3; ky++) {
          const wa = v128.load(wq), wb = v128.load(wq + cB), wc = v128.load(wq + 2 * cB);
          let x = v128.load(r); a0 = madd(x, wa, a0);
          x = v128.load(r + cB); a0 = madd(x, wb, a0);
          x = v128.load(r + 2 * cB); a1 = madd(x, wa, a1); a0 = madd(x, wc, a0);
          x = v128.load(r + 3 * cB); a1 = madd(x, wb, a1);
          x = v128.load(r + 4 * cB); a2 = madd(x, wa, a2); a1 = madd(x, wc, a1);
          x = v128.load(r + 5 * cB); a2 = madd(x, wb, a2);
          x = v128.load(r + 6 * cB); a3 = madd(x, wa, a3); a2 = madd(x, wc, a2);
          x = v128.load(r + 7 * cB); a3 = madd(x, wb, a3);
          x = v128.load(r + 8 * cB); a3 = madd(x, wc, a3);
          r += rowBytes;
          wq += 3 * cB;
        }
        v128.store(o, clampv(a0, vlo, vhi));
        v128.store(o + cB, clampv(a1, vlo, vhi));
        v128.store(o + 2 * cB, clampv(a2, vlo, vhi));
        v128.store(o + 3 * cB, clampv(a3, vlo, vhi));
        p += 4 * step;
        o += 4 * cB;
      }
    }
    const w00 = v128.load(q), w01 = v128.load(q + cB), w02 = v128.load(q + 2 * cB);
    const w10 = v128.load(q + 3 * cB), w11 = v128.load(q + 4 * cB), w12 = v128.load(q + 5 * cB);
    const w20 = v128.load(q + 6 * cB), w21 = v128.load(q + 7 * cB), w22 = v128.load(q + 8 * cB);
    if (sw == 1) {
      // Four pixels: each kernel row spans six input pixels, each loaded once.
      for (; j + 4 <= count; j += 4) {
        let a0 = bv, a1 = bv, a2 = bv, a3 = bv;
        let r = p;
        let x0 = v128.load(r), x1 = v128.load(r + cB), x2 = v128.load(r + 2 * cB);
        let x3 = v128.load(r + 3 * cB), x4 = v128.load(r + 4 * cB), x5 = v128.load(r + 5 * cB);
        a0 = madd(x0, w00, a0); a1 = madd(x1, w00, a1); a2 = madd(x2, w00, a2); a3 = madd(x3, w00, a3);
        a0 = madd(x1, w01, a0); a1 = madd(x2, w01, a1); a2 = madd(x3, w01, a2); a3 = madd(x4, w01, a3);
        a0 = madd(x2, w02, a0); a1 = madd(x3, w02, a1); a2 = madd(x4, w02, a2); a3 = madd(x5, w02, a3);
        r += rowBytes;
        x0 = v128.load(r); x1 = v128.load(r + cB); x2 = v128.load(r + 2 * cB);
        x3 = v128.load(r + 3 * cB); x4 = v128.load(r + 4 * cB); x5 = v128.load(r + 5 * cB);
        a0 = madd(x0, w10, a0); a1 = madd(x1, w10, a1); a2 = madd(x2, w10, a2); a3 = madd(x3, w10, a3);
        a0 = madd(x1, w11, a0); a1 = madd(x2, w11, a1); a2 = madd(x3, w11, a2); a3 = madd(x4, w11, a3);
        a0 = madd(x2, w12, a0); a1 = madd(x3, w12, a1); a2 = madd(x4, w12, a2); a3 = madd(x5, w12, a3);
        r += rowBytes;
        x0 = v128.load(r); x1 = v128.load(r + cB); x2 = v128.load(r + 2 * cB);
        x3 = v128.load(r + 3 * cB); x4 = v128.load(r + 4 * cB); x5 = v128.load(r + 5 * cB);
        a0 = madd(x0, w20, a0); a1 = madd(x1, w20, a1); a2 = madd(x2, w20, a2); a3 = madd(x3, w20, a3);
        a0 = madd(x1, w21, a0); a1 = madd(x2, w21, a1); a2 = madd(x3, w21, a2); a3 = madd(x4, w21, a3);
        a0 = madd(x2, w22, a0); a1 = madd(x3, w22, a1); a2 = madd(x4, w22, a2); a3 = madd(x5, w22, a3);
        v128.store(o, clampv(a0, vlo, vhi));
        v128.store(o + cB, clampv(a1, vlo, vhi));
        v128.store(o + 2 * cB, clampv(a2, vlo, vhi));
        v128.store(o + 3 * cB, clampv(a3, vlo, vhi));
        p += 4 * cB;
        o += 4 * cB;
      }
    } else if (sw == 2) {
      // Two pixels: each kernel row spans five input pixels, the middle one shared.
      for (; j + 2 <= count; j += 2) {
        let a0 = bv, a1 = bv;
        let r = p;
        let x0 = v128.load(r), x1 = v128.load(r + cB), x2 = v128.load(r + 2 * cB), x3 = v128.load(r + 3 * cB), x4 = v128.load(r + 4 * cB);
        a0 = madd(x0, w00, a0); a1 = madd(x2, w00, a1);
        a0 = madd(x1, w01, a0); a1 = madd(x3, w01, a1);
        a0 = madd(x2, w02, a0); a1 = madd(x4, w02, a1);
        r += rowBytes;
        x0 = v128.load(r); x1 = v128.load(r + cB); x2 = v128.load(r + 2 * cB); x3 = v128.load(r + 3 * cB); x4 = v128.load(r + 4 * cB);
        a0 = madd(x0, w10, a0); a1 = madd(x2, w10, a1);
        a0 = madd(x1, w11, a0); a1 = madd(x3, w11, a1);
        a0 = madd(x2, w12, a0); a1 = madd(x4, w12, a1);
        r += rowBytes;
        x0 = v128.load(r); x1 = v128.load(r + cB); x2 = v128.load(r + 2 * cB); x3 = v128.load(r + 3 * cB); x4 = v128.load(r + 4 * cB);
        a0 = madd(x0, w20, a0); a1 = madd(x2, w20, a1);
        a0 = madd(x1, w21, a0); a1 = madd(x3, w21, a1);
        a0 = madd(x2, w22, a0); a1 = madd(x4, w22, a1);
        v128.store(o, clampv(a0, vlo, vhi));
        v128.store(o + cB, clampv(a1, vlo, vhi));
        p += 2 * step;
        o += 2 * cB;
      }
    }
    for (; j < count; j++) {
      let a = bv;
      let d = f32x4.splat(0);
      a = madd(v128.load(p), w00, a); d = madd(v128.load(p + cB), w01, d); a = madd(v128.load(p + 2 * cB), w02, a);
      const r1 = p + rowBytes;
      d = madd(v128.load(r1), w10, d); a = madd(v128.load(r1 + cB), w11, a); d = madd(v128.load(r1 + 2 * cB), w12, d);
      const r2 = r1 + rowBytes;
      a = madd(v128.load(r2), w20, a); d = madd(v128.load(r2 + cB), w21, d); a = madd(v128.load(r2 + 2 * cB), w22, a);
      v128.store(o, clampv(f32x4.add(a, d), vlo, vhi));
      p += step;
      o += cB;
    }
  }
}
