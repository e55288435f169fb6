/** Plain-JS elementwise, softmax, copy and padding kernels (fallback and reference for the wasm ones). */
import { clampValue, type Views } from './views.js';

export function elementwiseKernels(v: Views) {
  return {
    add(a: number, b: number, n: number, y: number, lo: number, hi: number): void {
      const f = v.f32;
      for (let i = 0; i < n; i++) f[(y >> 2) + i] = clampValue(Math.fround(f[(a >> 2) + i]! + f[(b >> 2) + i]!), lo, hi);
    },
    channelAffine(x: number, rows: number, c: number, scale: number, shift: number, y: number, lo: number, hi: number): void {
      const f = v.f32;
      for (let r = 0; r < rows; r++) {
        for (let ch = 0; ch < c; ch++) {
          const i = r * c + ch;
          const t = Math.fround(Math.fround(f[(x >> 2) + i]! * f[(scale >> 2) + ch]!) + f[(shift >> 2) + ch]!);
          f[(y >> 2) + i] = clampValue(t, lo, hi);
        }
      }
    },
    clamp(x: number, n: number, y: number, lo: number, hi: number): void {
      const f = v.f32;
      for (let i = 0; i < n; i++) f[(y >> 2) + i] = clampValue(f[(x >> 2) + i]!, lo, hi);
    },
    softmax(x: number, rows: number, c: number, y: number): void {
      const f = v.f32;
      for (let r = 0; r < rows; r++) {
        const src = (x >> 2) + r * c;
        const dst = (y >> 2) + r * c;
        let max = -Infinity;
        for (let j = 0; j < c; j++) max = Math.max(max, f[src + j]!);
        let sum = 0;
        for (let j = 0; j < c; j++) {
          const e = Math.exp(f[src + j]! - max);
          f[dst + j] = e;
          sum += e;
        }
        for (let j = 0; j < c; j++) f[dst + j] = f[dst + j]! / sum;
      }
    },
    copyRows(src: number, rows: number, cols: number, srcStride: number, dst: number, dstStride: number): void {
      const f = v.f32;
      for (let r = 0; r < rows; r++) {
        const s = (src >> 2) + r * srcStride;
        f.copyWithin((dst >> 2) + r * dstStride, s, s + cols);
      }
    },
    zeroPad(x: number, batch: number, h: number, w: number, c: number, t: number, b: number, l: number, r: number, y: number): void {
      const f = v.f32;
      const ow = w + l + r;
      const oh = h + t + b;
      f.fill(0, y >> 2, (y >> 2) + batch * oh * ow * c);
      for (let n = 0; n < batch; n++) {
        for (let iy = 0; iy < h; iy++) {
          const s = (x >> 2) + ((n * h + iy) * w) * c;
          f.copyWithin((y >> 2) + ((n * oh + iy + t) * ow + l) * c, s, s + w * c);
        }
      }
    },
  };
}
