/** Attribute parsing and the zero-upsample-and-pad step shared by the conv gradient kernels. */
import type * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelCalls } from './kernel-calls.js';

type PadAttr = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

export function padAttr(attrs: NamedAttrMap): PadAttr {
  return attrs['pad'] as unknown as PadAttr;
}

export function roundingAttr(attrs: NamedAttrMap): 'floor' | 'round' | 'ceil' | undefined {
  return (attrs['dimRoundingMode'] ?? undefined) as 'floor' | 'round' | 'ceil' | undefined;
}

/** Our kernels are NHWC-only; refuse NCHW loudly rather than compute a wrong answer. */
export function checkNhwc(kernel: string, attrs: NamedAttrMap): void {
  const format = attrs['dataFormat'];
  if (format !== undefined && format !== null && format !== 'NHWC' && format !== 'channelsLast') {
    throw new Error(`${kernel}: dataFormat ${String(format)} is not supported by smallnets kernels (NHWC only)`);
  }
}

export function checkDilations(kernel: string, dilations: unknown): [number, number] {
  const d: [number, number] =
    dilations === undefined || dilations === null
      ? [1, 1]
      : typeof dilations === 'number'
        ? [dilations, dilations]
        : (dilations as [number, number]);
  if (!(d[0] >= 1 && d[1] >= 1 && Number.isInteger(d[0]) && Number.isInteger(d[1]))) {
    throw new Error(`${kernel}: invalid dilations ${JSON.stringify(dilations)}`);
  }
  return d;
}

/**
 * Insert stride−1 zeros between dy's rows and columns, then pad (or crop, for negative amounts) so
 * a stride-1 convolution with the flipped filter produces the input gradient.
 */
export function upsampleAndPad(
  calls: KernelCalls,
  keep: (t: TensorInfo) => TensorInfo,
  dy: TensorInfo,
  strideH: number,
  strideW: number,
  rows: { before: number; after: number },
  cols: { before: number; after: number },
): TensorInfo {
  const [n, oh, ow, c] = dy.shape as [number, number, number, number];
  let up = dy;
  let upH = oh;
  let upW = ow;
  if (strideH > 1 || strideW > 1) {
    // [N,OH,1,OW,1,C] padded to [N,OH,sH,OW,sW,C] is dy with zeros after each row/column.
    const expanded = keep(calls.reshape(dy, [n, oh, 1, ow, 1, c]));
    const spread = keep(calls.pad(expanded, [[0, 0], [0, 0], [0, strideH - 1], [0, 0], [0, strideW - 1], [0, 0]]));
    up = keep(calls.reshape(spread, [n, oh * strideH, ow * strideW, c]));
    upH = oh * strideH;
    upW = ow * strideW;
  }
  // The upsampled tensor carries stride−1 trailing zeros that the geometry did not count.
  const after = { h: rows.after - (upH - ((oh - 1) * strideH + 1)), w: cols.after - (upW - ((ow - 1) * strideW + 1)) };
  const cropTop = Math.max(0, -rows.before);
  const cropLeft = Math.max(0, -cols.before);
  const cropBottom = Math.max(0, -after.h);
  const cropRight = Math.max(0, -after.w);
  if (cropTop || cropLeft || cropBottom || cropRight) {
    up = keep(calls.slice(up, [0, cropTop, cropLeft, 0], [n, upH - cropTop - cropBottom, upW - cropLeft - cropRight, c]));
  }
  const padTop = Math.max(0, rows.before);
  const padLeft = Math.max(0, cols.before);
  const padBottom = Math.max(0, after.h);
  const padRight = Math.max(0, after.w);
  if (padTop || padLeft || padBottom || padRight) {
    up = keep(calls.pad(up, [[0, 0], [padTop, padBottom], [padLeft, padRight], [0, 0]]));
  }
  return up;
}
