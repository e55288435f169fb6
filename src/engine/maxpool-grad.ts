/**
 * MaxPoolGrad on typed arrays. wasm's own MaxPoolGrad takes ~15 ms for one LeNet-5 pooling layer
 * at batch 64 (a fifth of a training step); routing each output's gradient to its window's first
 * maximum is a single pass over the input, a few milliseconds in plain JS on the wasm heap.
 *
 * Semantics match TensorFlow and the tfjs cpu backend: within each window the first maximum in
 * row-major order receives the gradient (ties do not split it); padding never wins.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelCalls } from './kernel-calls.js';

export interface PoolGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  channels: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
}

/** dx (zero-filled by the caller) += dy routed to each window's first maximum of x. NHWC. */
export function maxPoolBackprop(x: Float32Array, dy: Float32Array, g: PoolGeometry, dx: Float32Array): void {
  const { inHeight: H, inWidth: W, channels: C, outHeight: OH, outWidth: OW } = g;
  const best = new Float32Array(C);
  const bestAt = new Int32Array(C);
  for (let n = 0; n < g.batch; n++) {
    const xBase = n * H * W * C;
    for (let oh = 0; oh < OH; oh++) {
      const r0 = oh * g.strideHeight - g.padTop;
      const rStart = Math.max(0, r0);
      const rEnd = Math.min(H, r0 + g.filterHeight);
      for (let ow = 0; ow < OW; ow++) {
        const c0 = ow * g.strideWidth - g.padLeft;
        const cStart = Math.max(0, c0);
        const cEnd = Math.min(W, c0 + g.filterWidth);
        best.fill(Number.NEGATIVE_INFINITY);
        bestAt.fill(-1);
        // Channels innermost: contiguous reads, one running max per channel.
        for (let r = rStart; r < rEnd; r++) {
          for (let c = cStart; c < cEnd; c++) {
            const base = xBase + (r * W + c) * C;
            for (let ch = 0; ch < C; ch++) {
              const v = x[base + ch]!;
              if (v > best[ch]!) {
                best[ch] = v;
                bestAt[ch] = base + ch;
              }
            }
          }
        }
        const dyBase = ((n * OH + oh) * OW + ow) * C;
        for (let ch = 0; ch < C; ch++) {
          const at = bestAt[ch]!;
          if (at >= 0) dx[at] = dx[at]! + dy[dyBase + ch]!;
        }
      }
    }
  }
}

/** MaxPoolGrad kernel: inputs {dy, input, output}; attrs {filterSize, strides, pad, dimRoundingMode}. */
export function maxPoolGradKernel(calls: KernelCalls, inputs: NamedTensorInfoMap, attrs: NamedAttrMap): TensorInfo {
  const x = inputs['input']!;
  const dy = inputs['dy']!;
  if (x.dtype !== 'float32') throw new Error(`MaxPoolGrad: dtype ${x.dtype} is not supported (float32 only)`);
  const info = tf.backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    attrs['filterSize'] as unknown as [number, number],
    attrs['strides'] as unknown as [number, number],
    1,
    attrs['pad'] as unknown as 'valid' | 'same' | number,
    (attrs['dimRoundingMode'] ?? undefined) as 'floor' | 'round' | 'ceil' | undefined,
  );
  // Allocation may grow the wasm heap, which detaches older views: allocate first, then view.
  const out = calls.makeFloat32(x.shape);
  const dx = calls.heapView(out);
  dx.fill(0);
  maxPoolBackprop(calls.heapView(x), calls.heapView(dy), {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    channels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  }, dx);
  return out;
}
