/**
 * Conv2D gradients built from forward kernels only (NHWC), so any backend with a fast forward
 * convolution (wasm/XNNPACK) can train conv nets.
 *
 *  filter gradient: dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·s+kh−pt, ow·s+kw−pl, ci] · dy[n,oh,ow,co]
 *    = conv2d(x as [Cin,H,W,N], dy as filter [OH,OW,N,Cout], dilation = stride) → [Cin,kh,kw,Cout]
 *  input gradient:  dx = conv2d(zero-upsampled dy, spatially flipped W with in/out swapped), padded
 *    so the output is exactly H×W.
 * Where a matrix product does less work for the input gradient, conv2d-grad-gemm.ts takes over.
 */
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { KernelCalls, explicitPad, scoped } from './kernel-calls.js';
import { filterGradExtent, forwardGeometry, inputGradPadding } from './conv-geometry.js';
import { checkNhwc, padAttr, roundingAttr, upsampleAndPad } from './grad-support.js';
import { inputGradGemm, useGemmForInputGrad } from './conv2d-grad-gemm.js';

type Shape4 = [number, number, number, number];

/** Conv2DBackpropFilter: inputs {x, dy}; attrs {strides, pad, dataFormat, dimRoundingMode, filterShape}. */
export function conv2dBackpropFilter(calls: KernelCalls, inputs: NamedTensorInfoMap, attrs: NamedAttrMap): TensorInfo {
  const x = inputs['x']!;
  const dy = inputs['dy']!;
  checkNhwc('Conv2DBackpropFilter', attrs);
  const filterShape = attrs['filterShape'] as unknown as Shape4;
  const g = forwardGeometry(
    x.shape as Shape4, filterShape, attrs['strides'] as unknown as [number, number], 1,
    padAttr(attrs), roundingAttr(attrs), false,
  );
  const rows = filterGradExtent(g.inHeight, g.outHeight, g.filterHeight, g.strideHeight, 1, g.padTop);
  const cols = filterGradExtent(g.inWidth, g.outWidth, g.filterWidth, g.strideWidth, 1, g.padLeft);
  return scoped(calls, (keep) => {
    let xs = x;
    if (rows.keep < g.inHeight || cols.keep < g.inWidth) {
      xs = keep(calls.slice(x, [0, 0, 0, 0], [g.batch, rows.keep, cols.keep, g.inChannels]));
    }
    const xT = keep(calls.transpose(xs, [3, 1, 2, 0])); // [Cin, H, W, N]
    const dyT = keep(calls.transpose(dy, [1, 2, 0, 3])); // [OH, OW, N, Cout]
    const grad = keep(
      calls.conv2d(xT, dyT, [1, 1], [g.strideHeight, g.strideWidth], explicitPad(g.padTop, rows.padAfter, g.padLeft, cols.padAfter)),
    ); // [Cin, kh, kw, Cout]
    return keep(calls.transpose(grad, [1, 2, 0, 3]));
  });
}

/** Conv2DBackpropInput: inputs {dy, filter}; attrs {strides, pad, dataFormat, dimRoundingMode, inputShape}. */
export function conv2dBackpropInput(calls: KernelCalls, inputs: NamedTensorInfoMap, attrs: NamedAttrMap): TensorInfo {
  const dy = inputs['dy']!;
  const filter = inputs['filter']!;
  checkNhwc('Conv2DBackpropInput', attrs);
  const inputShape = attrs['inputShape'] as unknown as Shape4;
  const g = forwardGeometry(
    inputShape, filter.shape as Shape4, attrs['strides'] as unknown as [number, number], 1,
    padAttr(attrs), roundingAttr(attrs), false,
  );
  if (useGemmForInputGrad(calls, g)) return inputGradGemm(calls, dy, filter, g);
  const rows = inputGradPadding(g.inHeight, g.outHeight, g.filterHeight, g.strideHeight, 1, g.padTop);
  const cols = inputGradPadding(g.inWidth, g.outWidth, g.filterWidth, g.strideWidth, 1, g.padLeft);
  return scoped(calls, (keep) => {
    const flipped = keep(calls.reverse(filter, [0, 1]));
    const swapped = keep(calls.transpose(flipped, [0, 1, 3, 2])); // [kh, kw, Cout, Cin]
    const padded = upsampleAndPad(calls, keep, dy, g.strideHeight, g.strideWidth, rows, cols);
    return keep(calls.conv2d(padded, swapped, [1, 1], [1, 1], explicitPad(0, 0, 0, 0)));
  });
}
