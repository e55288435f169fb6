/** Plain-JS sparse × dense product over CSC weight columns (fallback and reference for the wasm spmm). */
import { clampValue, type Views } from './views.js';

export function sparseKernels(v: Views) {
  return {
    spmm(
      a: number, lda: number, m: number, _k: number, counts: number, rows: number, values: number, n: number,
      bias: number, c: number, ldc: number, lo: number, hi: number, _scratch: number,
    ): void {
      const { f32: f, i32 } = v;
      for (let i = 0; i < m; i++) {
        const row = (a >> 2) + i * lda;
        let nz = 0;
        for (let col = 0; col < n; col++) {
          const count = i32[(counts >> 2) + col]!;
          let s = 0;
          for (let e = 0; e < count; e++, nz++) s += f[row + i32[(rows >> 2) + nz]!]! * f[(values >> 2) + nz]!;
          let y = Math.fround(s);
          if (bias !== 0) y = Math.fround(y + f[(bias >> 2) + col]!);
          f[(c >> 2) + i * ldc + col] = clampValue(y, lo, hi);
        }
      }
    },
  };
}
