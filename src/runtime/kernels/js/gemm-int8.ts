/**
 * Plain-JS integer GEMM for int8 weights with activations quantized per row to 15 bits — the same integer
 * arithmetic as the wasm gemmI8 (round half to even, i32 block sums of 2048 k, f32 epilogue), so both
 * engines give the same bits. Layout: ../api.ts.
 */
import { clampValue, type Views } from './views.js';

const Q = 16383;
const TILE = 64;
const BLOCK_K = 2048;

/** Round half to even, as f32x4.nearest. */
function nearest(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function int8Kernels(v: Views) {
  let q = new Int32Array(0);
  const scales = new Float32Array(TILE);
  return {
    gemmI8(
      a: number, lda: number, m: number, k: number, w: number, n: number, bias: number, scale: number,
      c: number, ldc: number, lo: number, hi: number, _scratch: number,
    ): void {
      const { f32, i8 } = v;
      const k8 = (k + 7) & ~7;
      if (q.length < TILE * k8) q = new Int32Array(TILE * k8);
      for (let i0 = 0; i0 < m; i0 += TILE) {
        const rows = Math.min(TILE, m - i0);
        for (let r = 0; r < rows; r++) {
          const src = (a >> 2) + (i0 + r) * lda;
          let mx = 0;
          let nan = false;
          for (let kk = 0; kk < k; kk++) {
            const x = Math.abs(f32[src + kk]!);
            if (x !== x) nan = true;
            else if (x > mx) mx = x;
          }
          scales[r] = nan || mx === Infinity ? NaN : Math.fround(mx / Q);
          const inv = mx > 0 && mx < Infinity && !nan ? Math.fround(Q / mx) : 0;
          for (let kk = 0; kk < k8; kk++) q[r * k8 + kk] = kk < k ? nearest(Math.fround(f32[src + kk]! * inv)) : 0;
        }
        for (let col = 0; col < n; col++) {
          const p = col >> 2;
          const lane = col & 3;
          const colScale = f32[(scale >> 2) + col]!;
          for (let r = 0; r < rows; r++) {
            let total = 0;
            for (let k0 = 0; k0 < k8; k0 += BLOCK_K) {
              let block = 0;
              for (let kk = k0; kk < Math.min(k8, k0 + BLOCK_K); kk++) block += q[r * k8 + kk]! * i8[w + p * (k8 / 8) * 32 + (kk >> 3) * 32 + lane * 8 + (kk & 7)]!;
              total = Math.fround(total + Math.fround(block));
            }
            let y = Math.fround(total * Math.fround(scales[r]! * colScale));
            if (bias !== 0) y = Math.fround(y + f32[(bias >> 2) + col]!);
            f32[(c >> 2) + (i0 + r) * ldc + col] = clampValue(y, lo, hi);
          }
        }
      }
    },
  };
}
