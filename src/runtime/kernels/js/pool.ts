/** Plain-JS pooling, NHWC (fallback and reference for the wasm kernels). */
import type { Views } from './views.js';

export function poolKernels(v: Views) {
  return {
    pool(
      mode: number, x: number, batch: number, h: number, w: number, c: number, ph: number, pw: number,
      sh: number, sw: number, padT: number, padL: number, outH: number, outW: number, y: number,
    ): void {
      const f = v.f32;
      for (let b = 0; b < batch; b++) {
        for (let oy = 0; oy < outH; oy++) {
          for (let ox = 0; ox < outW; ox++) {
            const out = (y >> 2) + ((b * outH + oy) * outW + ox) * c;
            for (let ch = 0; ch < c; ch++) {
              let s = mode === 0 ? -Infinity : 0;
              let count = 0;
              let nan = false;
              for (let ky = 0; ky < ph; ky++) {
                const iy = oy * sh - padT + ky;
                if (iy < 0 || iy >= h) continue;
                for (let kx = 0; kx < pw; kx++) {
                  const ix = ox * sw - padL + kx;
                  if (ix < 0 || ix >= w) continue;
                  const val = f[(x >> 2) + ((b * h + iy) * w + ix) * c + ch]!;
                  if (val !== val) nan = true;
                  if (mode === 0) s = val > s ? val : s;
                  else s += val;
                  count++;
                }
              }
              f[out + ch] = nan ? NaN : mode === 0 ? s : count > 0 ? s / count : 0;
            }
          }
        }
      }
    },
    globalPool(mode: number, x: number, batch: number, hw: number, c: number, y: number): void {
      const f = v.f32;
      for (let b = 0; b < batch; b++) {
        for (let ch = 0; ch < c; ch++) {
          let s = mode === 0 ? -Infinity : 0;
          let nan = false;
          for (let p = 0; p < hw; p++) {
            const val = f[(x >> 2) + (b * hw + p) * c + ch]!;
            if (val !== val) nan = true;
            if (mode === 0) s = val > s ? val : s;
            else s += val;
          }
          f[(y >> 2) + b * c + ch] = nan ? NaN : mode === 0 ? s : s / hw;
        }
      }
    },
  };
}
