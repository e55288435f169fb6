/**
 * DepthwiseConv2dNative gradients from forward kernels only (NHWC, channel multiplier m).
 *
 *  filter gradient: fold the batch into channels — x as [1,H,W,N·C], dy as a depthwise filter
 *    [OH,OW,N·C,m] — one depthwise conv with dilation = stride gives [1,kh,kw,N·C·m]; sum over N.
 *  input gradient: for each multiplier index q, a depthwise conv of the zero-upsampled, padded
 *    dy[..., c·m+q] with the flipped filter W[..., q]; the m results are summed.
 */
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { KernelCalls, explicitPad, scoped } from './kernel-calls.js';
import { filterGradExtent, forwardGeometry, inputGradPadding } from './conv-geometry.js';
import { checkDilations, checkNhwc, padAttr, roundingAttr, upsampleAndPad } from './grad-support.js';

type Shape4 = [number, number, number, number];

function checkStridesOrDilations(kernel: string, strides: [number, number], dilations: [number, number]): void {
  if ((strides[0] > 1 || strides[1] > 1) && (dilations[0] > 1 || dilations[1] > 1)) {
    throw new Error(`${kernel}: strides ${strides} with dilations ${dilations} is not supported (one of them must be 1)`);
  }
}

/** inputs {x, dy}; attrs {strides, dilations, pad, dimRoundingMode, filterShape}. */
export function depthwiseBackpropFilter(calls: KernelCalls, inputs: NamedTensorInfoMap, attrs: NamedAttrMap): TensorInfo {
  const x = inputs['x']!;
  const dy = inputs['dy']!;
  checkNhwc('DepthwiseConv2dNativeBackpropFilter', attrs);
  const filterShape = attrs['filterShape'] as unknown as Shape4;
  const strides = normalizePair(attrs['strides']);
  const dilations = checkDilations('DepthwiseConv2dNativeBackpropFilter', attrs['dilations']);
  checkStridesOrDilations('DepthwiseConv2dNativeBackpropFilter', strides, dilations);
  const g = forwardGeometry(x.shape as Shape4, filterShape, strides, dilations, padAttr(attrs), roundingAttr(attrs), true);
  const [kh, kw, c, m] = filterShape;
  const rows = filterGradExtent(g.inHeight, g.outHeight, kh, g.strideHeight, g.dilationHeight, g.padTop);
  const cols = filterGradExtent(g.inWidth, g.outWidth, kw, g.strideWidth, g.dilationWidth, g.padLeft);
  const n = g.batch;
  return scoped(calls, (keep) => {
    let xs = x;
    if (rows.keep < g.inHeight || cols.keep < g.inWidth) {
      xs = keep(calls.slice(x, [0, 0, 0, 0], [n, rows.keep, cols.keep, c]));
    }
    const xT = keep(calls.transpose(xs, [1, 2, 0, 3])); // [H, W, N, C]
    const xFolded = keep(calls.reshape(xT, [1, rows.keep, cols.keep, n * c]));
    const dy5 = keep(calls.reshape(dy, [n, g.outHeight, g.outWidth, c, m]));
    const dyT = keep(calls.transpose(dy5, [1, 2, 0, 3, 4])); // [OH, OW, N, C, m]
    const dyFilter = keep(calls.reshape(dyT, [g.outHeight, g.outWidth, n * c, m]));
    const grad = keep(
      calls.depthwiseConv2d(
        xFolded, dyFilter, [g.dilationHeight, g.dilationWidth], [g.strideHeight, g.strideWidth],
        explicitPad(g.padTop, rows.padAfter, g.padLeft, cols.padAfter),
      ),
    ); // [1, kh, kw, N·C·m]
    const perBatch = keep(calls.reshape(grad, [kh, kw, n, c * m]));
    const summed = keep(calls.sum(perBatch, [2]));
    return keep(calls.reshape(summed, [kh, kw, c, m]));
  });
}

/** inputs {dy, filter}; attrs {strides, dilations, pad, dimRoundingMode, inputShape}. */
export function depthwiseBackpropInput(calls: KernelCalls, inputs: NamedTensorInfoMap, attrs: NamedAttrMap): TensorInfo {
  const dy = inputs['dy']!;
  const filter = inputs['filter']!;
  checkNhwc('DepthwiseConv2dNativeBackpropInput', attrs);
  const inputShape = attrs['inputShape'] as unknown as Shape4;
  const strides = normalizePair(attrs['strides']);
  const dilations = checkDilations('DepthwiseConv2dNativeBackpropInput', attrs['dilations']);
  checkStridesOrDilations('DepthwiseConv2dNativeBackpropInput', strides, dilations);
  const g = forwardGeometry(inputShape, filter.shape as Shape4, strides, dilations, padAttr(attrs), roundingAttr(attrs), true);
  const [kh, kw, c, m] = filter.shape as Shape4;
  const rows = inputGradPadding(g.inHeight, g.outHeight, kh, g.strideHeight, g.dilationHeight, g.padTop);
  const cols = inputGradPadding(g.inWidth, g.outWidth, kw, g.strideWidth, g.dilationWidth, g.padLeft);
  const n = g.batch;
  return scoped(calls, (keep) => {
    const flipped = keep(calls.reverse(filter, [0, 1]));
    let dys: TensorInfo[] = [dy];
    let filters: TensorInfo[] = [flipped];
    if (m > 1) {
      // Split the multiplier out: channel c·m+q of dy pairs with W[..., c, q].
      const dy5 = keep(calls.reshape(dy, [n, g.outHeight, g.outWidth, c, m]));
      const f4 = flipped;
      dys = [];
      filters = [];
      for (let q = 0; q < m; q++) {
        const part = keep(calls.slice(dy5, [0, 0, 0, 0, q], [n, g.outHeight, g.outWidth, c, 1]));
        dys.push(keep(calls.reshape(part, [n, g.outHeight, g.outWidth, c])));
        filters.push(keep(calls.slice(f4, [0, 0, 0, q], [kh, kw, c, 1])));
      }
    }
    let total: TensorInfo | undefined;
    for (let q = 0; q < dys.length; q++) {
      const padded = upsampleAndPad(calls, keep, dys[q]!, g.strideHeight, g.strideWidth, rows, cols);
      const part = keep(
        calls.depthwiseConv2d(padded, filters[q]!, [1, 1], [g.dilationHeight, g.dilationWidth], explicitPad(0, 0, 0, 0)),
      );
      total = total === undefined ? part : keep(calls.add(total, part));
    }
    return total!;
  });
}

function normalizePair(value: unknown): [number, number] {
  return typeof value === 'number' ? [value, value] : (value as [number, number]);
}
