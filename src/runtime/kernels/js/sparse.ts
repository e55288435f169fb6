/** Plain-JS sparse × dense product over CSC weight columns (fallback and reference for the wasm spmm). */
import { clampValue, type Views } from './views.js';

export function sparseKernels(v: Views) {
  /** C rows from A given by (row i, input k) → float index. */
  function run(at: (i: number, k: number) => number, m: number, counts: number, rows: number, values: number, n: number, bias: number, c: number, ldc: number, lo: number, hi: number): void {
    const { f32: f, i32 } = v;
    for (let i = 0; i < m; i++) {
      let nz = 0;
      for (let col = 0; col < n; col++) {
        const count = i32[(counts >> 2) + col]!;
        let s = 0;
        for (let e = 0; e < count; e++, nz++) s += f[at(i, i32[(rows >> 2) + nz]!)]! * f[(values >> 2) + nz]!;
        let y = Math.fround(s);
        if (bias !== 0) y = Math.fround(y + f[(bias >> 2) + col]!);
        f[(c >> 2) + i * ldc + col] = clampValue(y, lo, hi);
      }
    }
  }
  return {
    spmm(
      a: number, lda: number, m: number, _k: number, counts: number, rows: number, values: number, n: number,
      bias: number, c: number, ldc: number, lo: number, hi: number, _scratch: number,
    ): void {
      run((i, kk) => (a >> 2) + i * lda + kk, m, counts, rows, values, n, bias, c, ldc, lo, hi);
    },
  };
}
