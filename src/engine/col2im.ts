/**
 * col2im for NHWC convolutions (dilation 1), on plain typed arrays.
 *
 * A patch matrix has one row per output position (n, oh, ow) and one column per filter tap
 * (i, j, ci), in the filter's [kh, kw, Cin] order, so a convolution is patches · W[kh·kw·Cin, Cout]
 * and its input gradient is dy · Wᵀ scattered back: dx[n, oh·sh+i−pt, ow·sw+j−pl, ci] sums the
 * (n,oh,ow),(i,j,ci) entries of every patch covering that pixel. Taps in the padding are dropped.
 */
import type { ConvGeometry } from './conv-geometry.js';

/** A convolution's geometry without dilation (col2im handles dilation 1 only). */
export type PatchGeometry = Omit<ConvGeometry, 'dilationHeight' | 'dilationWidth'>;

/** Rows × columns of the patch matrix. */
export function patchMatrixShape(g: PatchGeometry): [number, number] {
  return [g.batch * g.outHeight * g.outWidth, g.filterHeight * g.filterWidth * g.inChannels];
}

/** The filter columns [start, end) of a patch starting at column c0 that fall inside a row of W. */
function insideTaps(c0: number, KW: number, W: number): [number, number] {
  const start = Math.min(KW, Math.max(0, -c0));
  return [start, Math.max(start, Math.min(KW, W - c0))];
}

/** dx (zero-filled by the caller) += every patch row of `cols` scattered back to its taps. */
export function col2im(cols: Float32Array, g: PatchGeometry, dx: Float32Array): void {
  const { inHeight: H, inWidth: W, inChannels: C, filterHeight: KH, filterWidth: KW } = g;
  const rowLength = KH * KW * C;
  let row = 0;
  for (let n = 0; n < g.batch; n++) {
    const xBatch = n * H * W * C;
    for (let oh = 0; oh < g.outHeight; oh++) {
      const r0 = oh * g.strideHeight - g.padTop;
      for (let ow = 0; ow < g.outWidth; ow++, row++) {
        const c0 = ow * g.strideWidth - g.padLeft;
        const [jStart, jEnd] = insideTaps(c0, KW, W);
        if (jEnd === jStart) continue;
        // The taps of one filter row that land inside the image are one contiguous run of dx.
        const count = (jEnd - jStart) * C;
        for (let i = 0; i < KH; i++) {
          const r = r0 + i;
          if (r < 0 || r >= H) continue;
          const src = row * rowLength + (i * KW + jStart) * C;
          const dst = xBatch + (r * W + c0 + jStart) * C;
          for (let k = 0; k < count; k++) dx[dst + k] = dx[dst + k]! + cols[src + k]!;
        }
      }
    }
  }
}
