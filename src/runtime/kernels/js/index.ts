/** The pure-JS kernel set over one memory: same contract as the wasm module (../api.ts). */
import type { Kernels } from '../api.js';
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
  return { ...gemmKernels(v), ...int8Kernels(v), ...sparseKernels(v), ...convKernels(v), ...poolKernels(v), ...elementwiseKernels(v) };
}
