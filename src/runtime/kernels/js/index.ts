/** The pure-JS kernel set over one memory: same contract as the wasm module (../api.ts). */
import { SPMM_CONV_ROWS, type Kernels } from '../api.js';
import { convKernels } from './conv.js';
import { elementwiseKernels } from './elementwise.js';
import { gemmKernels } from './gemm.js';
import { int8Kernels } from './gemm-int8.js';
import { poolKernels } from './pool.js';
import { sparseKernels } from './sparse.js';
import { viewsOf } from './views.js';

/**
 * Kernels reading and writing `buffer` (a plain or shared ArrayBuffer). Rebind after the memory grows.
 * @example const k = jsKernels(new ArrayBuffer(1 << 16)); k.clamp(16, 4, 16, 0, 6);
 */
export function jsKernels(buffer: ArrayBufferLike): Kernels {
  const v = viewsOf(buffer);
  const conv = convKernels(v);
  const sparse = sparseKernels(v);
  const gemm = gemmKernels(v);
  return {
    ...gemm, ...int8Kernels(v), ...sparse, ...conv, ...poolKernels(v), ...elementwiseKernels(v),
    // The fused wasm kernel's result, the plain way: the im2col rows into scratch, then the sparse product.
    spmmConv(x, h, w, c, kh, kw, sh, sw, padT, padL, outH, outW, m0, k, counts, rows, values, n, bias, out, ldc, lo, hi, scratch) {
      conv.im2col(x, h, w, c, kh, kw, sh, sw, padT, padL, outH, outW, m0, SPMM_CONV_ROWS, scratch);
      sparse.spmm(scratch, k, SPMM_CONV_ROWS, k, counts, rows, values, n, bias, out, ldc, lo, hi, 0);
    },
    // The direct wasm convolution's result, the plain way: im2col rows into scratch, then the dense GEMM.
    convDense(x, h, w, c, kh, kw, sh, sw, padT, padL, outH, outW, m0, count, b, n, bias, out, ldc, lo, hi, scratch) {
      conv.im2col(x, h, w, c, kh, kw, sh, sw, padT, padL, outH, outW, m0, count, scratch);
      const k = kh * kw * c;
      gemm.gemm(scratch, k, count, k, b, n, bias, 0, out, ldc, lo, hi);
    },
  };
}
