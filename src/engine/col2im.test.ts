import { describe, expect, it } from 'vitest';
import { col2im, patchMatrixShape, type PatchGeometry } from './col2im.js';

/** The definition, one entry at a time: dx[n, oh·s+i−pt, ow·s+j−pl, ci] += cols[(n,oh,ow), (i,j,ci)]. */
function naiveCol2im(cols: Float32Array, g: PatchGeometry): Float64Array {
  const dx = new Float64Array(g.batch * g.inHeight * g.inWidth * g.inChannels);
  const [, taps] = patchMatrixShape(g);
  let row = 0;
  for (let n = 0; n < g.batch; n++) for (let oh = 0; oh < g.outHeight; oh++) for (let ow = 0; ow < g.outWidth; ow++, row++) {
    for (let i = 0; i < g.filterHeight; i++) for (let j = 0; j < g.filterWidth; j++) for (let ci = 0; ci < g.inChannels; ci++) {
      const r = oh * g.strideHeight - g.padTop + i;
      const c = ow * g.strideWidth - g.padLeft + j;
      if (r < 0 || r >= g.inHeight || c < 0 || c >= g.inWidth) continue;
      dx[((n * g.inHeight + r) * g.inWidth + c) * g.inChannels + ci]! += cols[row * taps + (i * g.filterWidth + j) * g.inChannels + ci]!;
    }
  }
  return dx;
}

const geometry = (o: Partial<PatchGeometry>): PatchGeometry => ({
  batch: 2, inHeight: 6, inWidth: 7, inChannels: 3, outHeight: 4, outWidth: 5, filterHeight: 3, filterWidth: 3,
  strideHeight: 1, strideWidth: 1, padTop: 0, padLeft: 0, ...o,
});

describe('col2im', () => {
  const cases: Array<[string, PatchGeometry]> = [
    ['valid, stride 1', geometry({})],
    ['same padding, stride 1', geometry({ outHeight: 6, outWidth: 7, padTop: 1, padLeft: 1 })],
    ['stride 2 with padding', geometry({ outHeight: 3, outWidth: 4, strideHeight: 2, strideWidth: 2, padTop: 1, padLeft: 1 })],
    // Padding wider than the filter: whole patches and whole filter rows fall outside the image.
    ['padding beyond the filter reach', geometry({ inHeight: 3, inWidth: 3, outHeight: 5, outWidth: 6, padTop: 4, padLeft: 5, strideHeight: 2, strideWidth: 2 })],
    ['one input channel, 5×5 (LeNet conv1 shape)', geometry({ inHeight: 8, inWidth: 8, inChannels: 1, outHeight: 4, outWidth: 4, filterHeight: 5, filterWidth: 5 })],
  ];
  for (const [name, g] of cases) {
    it(`matches the definition: ${name}`, () => {
      const [rows, taps] = patchMatrixShape(g);
      const cols = Float32Array.from({ length: rows * taps }, (_, k) => ((k * 7919) % 97) / 97 - 0.5);
      const dx = new Float32Array(g.batch * g.inHeight * g.inWidth * g.inChannels);
      col2im(cols, g, dx);
      const expected = naiveCol2im(cols, g);
      for (let k = 0; k < dx.length; k++) expect(dx[k]).toBeCloseTo(expected[k]!, 5);
    });
  }

  it('accumulates into dx rather than overwriting it', () => {
    const g = geometry({});
    const [rows, taps] = patchMatrixShape(g);
    const dx = new Float32Array(g.batch * g.inHeight * g.inWidth * g.inChannels).fill(1);
    col2im(new Float32Array(rows * taps), g, dx);
    expect(dx.every((v) => v === 1)).toBe(true);
  });
});
