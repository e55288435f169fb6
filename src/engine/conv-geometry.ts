/**
 * Geometry shared by the gradient kernels: the forward convolution's padding and output size, and
 * the padding/cropping that turns a gradient into another forward convolution.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
}

type PadAttr = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

/** The forward op's geometry, computed by tfjs itself so padding rules can never diverge. */
export function forwardGeometry(
  xShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  strides: number | [number, number],
  dilations: number | [number, number],
  pad: PadAttr,
  dimRoundingMode: Rounding,
  depthwise: boolean,
): ConvGeometry {
  const info = tf.backend_util.computeConv2DInfo(
    xShape, filterShape, strides, dilations, pad, dimRoundingMode, depthwise, 'channelsLast',
  );
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/**
 * For the filter gradient, the input rows a forward conv actually reads span
 * E = (OH−1)·s + (K−1)·d + 1 padded rows starting at −padTop. Returns how many input rows to keep
 * (rows past them were never read, e.g. `valid` with a stride remainder) and how many zero rows to
 * add at the far end so that the gradient convolution's output is exactly K.
 */
export function filterGradExtent(
  inSize: number, outSize: number, filterSize: number, stride: number, dilation: number, padBefore: number,
): { keep: number; padAfter: number } {
  const extent = (outSize - 1) * stride + (filterSize - 1) * dilation + 1;
  const available = inSize + padBefore;
  return extent <= available
    ? { keep: extent - padBefore, padAfter: 0 }
    : { keep: inSize, padAfter: extent - available };
}

/**
 * For the input gradient, a full correlation of the zero-upsampled dy (length (O−1)·s+1) with the
 * flipped, dilated filter (extent (K−1)·d+1) yields I values when padded by `before`/`after`.
 * Either may be negative when the forward padding exceeded the filter extent; callers crop then.
 */
export function inputGradPadding(
  inSize: number, outSize: number, filterSize: number, stride: number, dilation: number, padBefore: number,
): { before: number; after: number } {
  const extent = (filterSize - 1) * dilation + 1;
  const upsampled = (outSize - 1) * stride + 1;
  const before = extent - 1 - padBefore;
  const after = inSize + extent - 1 - upsampled - before;
  return { before, after };
}
