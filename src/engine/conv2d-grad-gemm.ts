/**
 * The Conv2D input gradient as one matrix product and a scatter (col2im.ts), for the shapes where
 * that beats rewriting it as a forward convolution (conv2d-grad.ts).
 *
 * The forward-conv form correlates the padded, zero-upsampled dy with the flipped filter at every
 * *input* position: H·W/(OH·OW) times the multiply-adds the gradient needs — 2.25× for LeNet-5's
 * conv2 (12×12 → 8×8), 4× for a stride-2 layer. dy·Wᵀ costs exactly OH·OW positions, and col2im
 * adds the overlapping taps in one pass. For stride-1 `same` layers the two forms do the same work
 * and the convolution is faster, so the rule below keeps it there.
 *
 * Measured on this machine, batch 32, ms (forward-conv form → GEMM form; `npm run bench:conv-grad`):
 * LeNet-5 conv1 13.8 → 4.7, conv2 18.0 → 12.2, 3×3 stride-2 same 20.4 → 8.2, but 3×3 stride-1
 * same 10.8 → 24.4. The filter gradient has no such waste; its GEMM form (im2col + product) lost
 * on every shape we tried (e.g. conv2 9.4 → 18.8 ms), so it stays a convolution.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { ConvGeometry } from './conv-geometry.js';
import { col2im, patchMatrixShape } from './col2im.js';
import { KernelCalls, scoped } from './kernel-calls.js';

/** 2^24 floats = 64 MiB for the patch matrix; larger gradients use the forward-conv form. */
export const PATCH_BUDGET = 1 << 24;

/** Work ratio (forward-conv form over GEMM form) from which the GEMM form is used. */
const WASTE_THRESHOLD = 1.25;

/** 'auto' picks per shape; 'conv' and 'gemm' force one form (tests check both, benchmarks time both). */
export type ConvGradStrategy = 'auto' | 'conv' | 'gemm';
let strategy: ConvGradStrategy = 'auto';

/** Set the input-gradient strategy; returns the previous one. */
export function setConvGradStrategy(next: ConvGradStrategy): ConvGradStrategy {
  const previous = strategy;
  strategy = next;
  return previous;
}

/** Whether the input gradient should take the GEMM + col2im path. */
export function useGemmForInputGrad(calls: KernelCalls, g: ConvGeometry): boolean {
  if (strategy === 'conv' || !calls.hasHeap || g.dilationHeight !== 1 || g.dilationWidth !== 1) return false;
  const [rows, taps] = patchMatrixShape(g);
  if (rows * taps > PATCH_BUDGET) return false;
  const waste = (g.inHeight * g.inWidth) / (g.outHeight * g.outWidth);
  return strategy === 'gemm' || waste >= WASTE_THRESHOLD;
}

/** dx = col2im(dy · Wᵀ). dy: [N, OH, OW, Cout]; filter: [kh, kw, Cin, Cout] → [N, H, W, Cin]. */
export function inputGradGemm(calls: KernelCalls, dy: TensorInfo, filter: TensorInfo, g: ConvGeometry): TensorInfo {
  const [rows, taps] = patchMatrixShape(g);
  const cout = filter.shape[3]!;
  const cols = scoped(calls, (keep) => {
    const dy2 = keep(calls.reshape(dy, [1, rows, cout]));
    const w2 = keep(calls.reshape(filter, [taps, cout]));
    const wT = keep(calls.reshape(keep(calls.transpose(w2, [1, 0])), [1, cout, taps]));
    return keep(calls.run('BatchMatMul', { a: dy2, b: wT }, { transposeA: false, transposeB: false }));
  });
  try {
    // Allocate before taking views: allocation may grow the heap and detach them.
    const dx = calls.makeFloat32([g.batch, g.inHeight, g.inWidth, g.inChannels]);
    const dxView = calls.heapView(dx);
    dxView.fill(0);
    col2im(calls.heapView(cols), g, dxView);
    return dx;
  } finally {
    calls.release(cols);
  }
}
