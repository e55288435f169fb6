/**
 * Plain-JS GEMM family over packed panels (the fallback where WebAssembly SIMD is missing, and the
 * reference the wasm kernels are tested against): dense f32, u8 codebook and u8 affine panels. Each decodes
 * one panel of K × 8 weights into a reused float scratch and runs the same inner loop.
 */
import { PANEL } from '../api.js';
import { clampValue, type Views } from './views.js';

const DENSE = 0;
const CODEBOOK = 1;
const Q8 = 2;

export function gemmKernels(v: Views) {
  let panel = new Float32Array(0);
  const sums = new Float64Array(PANEL);

  /** Decode panel p (k rows × 8) of the given weight form into `panel` (`table`: codebook, or q8 zero points). */
  function decode(form: number, w: number, table: number, p: number, k: number): void {
    const count = k * PANEL;
    const start = w + p * count * (form === DENSE ? 4 : 1);
    if (form === DENSE) panel.set(v.f32.subarray(start >> 2, (start >> 2) + count));
    else if (form === CODEBOOK) {
      if (v.i32[(table >> 2) + 272]! <= 16) {
        // Two 4-bit indexes per byte, low nibble first.
        const base = w + p * (count >> 1);
        for (let j = 0; j < count; j++) panel[j] = v.f32[(table >> 2) + ((v.u8[base + (j >> 1)]! >> ((j & 1) << 2)) & 15)]!;
      } else {
        for (let j = 0; j < count; j++) panel[j] = v.f32[(table >> 2) + v.u8[start + j]!]!;
      }
    }
    else for (let j = 0; j < count; j++) panel[j] = v.u8[start + j]! - v.f32[(table >> 2) + p * PANEL + (j % PANEL)]!;
  }

  /** C = clamp((A·B) ⊙ scale + bias), one decoded panel at a time. */
  function run(
    form: number, a: number, lda: number, m: number, k: number, w: number, table: number, n: number,
    bias: number, scale: number, c: number, ldc: number, lo: number, hi: number,
  ): void {
    const f = v.f32;
    if (panel.length < k * PANEL) panel = new Float32Array(k * PANEL);
    for (let p = 0; p * PANEL < n; p++) {
      decode(form, w, table, p, k);
      const cols = Math.min(PANEL, n - p * PANEL);
      for (let i = 0; i < m; i++) {
        const row = (a >> 2) + i * lda;
        sums.fill(0);
        for (let kk = 0, q = 0; kk < k; kk++, q += PANEL) {
          const x = f[row + kk]!;
          for (let j = 0; j < PANEL; j++) sums[j] += x * panel[q + j]!;
        }
        const out = (c >> 2) + i * ldc + p * PANEL;
        for (let j = 0; j < cols; j++) {
          const col = p * PANEL + j;
          let y = Math.fround(sums[j]!);
          if (scale !== 0) y = Math.fround(y * f[(scale >> 2) + col]!);
          if (bias !== 0) y = Math.fround(y + f[(bias >> 2) + col]!);
          f[out + j] = clampValue(y, lo, hi);
        }
      }
    }
  }

  return {
    gemm(a: number, lda: number, m: number, k: number, b: number, n: number, bias: number, scale: number, c: number, ldc: number, lo: number, hi: number): void {
      run(DENSE, a, lda, m, k, b, 0, n, bias, scale, c, ldc, lo, hi);
    },
    gemmCodebook(
      a: number, lda: number, m: number, k: number, idx: number, table: number, n: number,
      bias: number, scale: number, c: number, ldc: number, lo: number, hi: number, _scratch: number,
    ): void {
      run(CODEBOOK, a, lda, m, k, idx, table, n, bias, scale, c, ldc, lo, hi);
    },
    gemmQ8(
      a: number, lda: number, m: number, k: number, q: number, zero: number, n: number,
      bias: number, scale: number, c: number, ldc: number, lo: number, hi: number, _scratch: number,
    ): void {
      run(Q8, a, lda, m, k, q, zero, n, bias, scale, c, ldc, lo, hi);
    },
  };
}
