/** Plain-JS im2col and depthwise convolution, NHWC (fallback and reference for the wasm kernels). */
import { clampValue, type Views } from './views.js';

export function convKernels(v: Views) {
  return {
    im2col(
      x: number, h: number, w: number, c: number, kh: number, kw: number, sh: number, sw: number,
      padT: number, padL: number, outH: number, outW: number, m0: number, count: number, dst: number,
    ): void {
      const f = v.f32;
      const K = kh * kw * c;
      const perImage = outH * outW;
      for (let r = 0; r < count; r++) {
        const m = m0 + r;
        const b = Math.floor(m / perImage);
        const oy = Math.floor((m % perImage) / outW);
        const ox = m % outW;
        let d = (dst >> 2) + r * K;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - padT + ky;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw - padL + kx;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
              f.fill(0, d, d + c);
            } else {
              const s = (x >> 2) + ((b * h + iy) * w + ix) * c;
              f.copyWithin(d, s, s + c);
            }
            d += c;
          }
        }
      }
    },
    depthwise(
      x: number, batch: number, h: number, w: number, c: number, kh: number, kw: number, sh: number, sw: number,
      padT: number, padL: number, outH: number, outW: number, mult: number, weights: number, bias: number,
      y: number, lo: number, hi: number, _scratch: number,
    ): void {
      const f = v.f32;
      const co = c * mult;
      for (let b = 0; b < batch; b++) {
        for (let oy = 0; oy < outH; oy++) {
          for (let ox = 0; ox < outW; ox++) {
            const out = (y >> 2) + ((b * outH + oy) * outW + ox) * co;
            for (let o = 0; o < co; o++) {
              const ci = Math.floor(o / mult);
              let s = 0;
              for (let ky = 0; ky < kh; ky++) {
                const iy = oy * sh - padT + ky;
                if (iy < 0 || iy >= h) continue;
                for (let kx = 0; kx < kw; kx++) {
                  const ix = ox * sw - padL + kx;
                  if (ix < 0 || ix >= w) continue;
                  s += f[(x >> 2) + ((b * h + iy) * w + ix) * c + ci]! * f[(weights >> 2) + (ky * kw + kx) * co + o]!;
                }
              }
              let r = Math.fround(s);
              if (bias !== 0) r = Math.fround(r + f[(bias >> 2) + o]!);
              f[out + o] = clampValue(r, lo, hi);
            }
          }
        }
      }
    },
  };
}
