// AssemblyScript. The sparse kernel as a convolution: im2col fused into the transposed 32-row tile of sparse.ts, then
// the same tile32 over the CSC weights.

import { TILE, tile32, transpose4 } from './sparse';

/**
 * Sparse convolution, one tile of 32 output rows (pixels m0 … m0+31 of the batch), im2col and the transpose fused:
 * each group of four rows whose windows lie inside the image is copied straight into the transposed tile
 * (4×4 register transposes of each kernel row's kw·c contiguous floats), other rows element by element (zeros for
 * padding). Saves writing and re-reading the row-major im2col tile (LeNet-5's conv2: k = 500). The window origins go
 * into a table first, so that the tile is filled four k at a time across all row groups, front to back (as transposeTile
 * does for tiles larger than L1; LeNet-5's conv2 tile is 64 KB).
 */
export function spmmConv(x: usize, h: i32, w: i32, c: i32, kh: i32, kw: i32, sh: i32, sw: i32, padT: i32, padL: i32,
                         outH: i32, outW: i32, m0: i32, k: i32, counts: usize, rowsIdx: usize, values: usize, n: i32,
                         bias: usize, out: usize, ldc: i32, lo: f32, hi: f32, scratch: usize): void {
  const cBytes = <usize>c << 2;
  const rowBytes = <usize>w * cBytes;
  const imageBytes = <usize>h * rowBytes;
  const run = kw * c;
  const step = <usize>TILE << 2;
  const perImage = outH * outW;
  const ot = scratch + (<usize>k << 7);
  // Window origin of each row (0 when its window crosses the border), after the output tile.
  const origins = ot + 512;
  // Coordinates of row m0 by division, then stepped row by row.
  const b0 = m0 / perImage;
  const rem0 = m0 - b0 * perImage;
  let oy = rem0 / outW;
  let ox = rem0 - oy * outW;
  let image = x + <usize>b0 * imageBytes;
  // Bit g set: all four rows of group g lie inside (the vector path).
  let insideGroups = 0;
  for (let r = 0; r < TILE; r++) {
    const iy0 = oy * sh - padT, ix0 = ox * sw - padL;
    const ok = iy0 >= 0 && iy0 + kh <= h && ix0 >= 0 && ix0 + kw <= w;
    store<u32>(origins + (<usize>r << 2), ok ? <u32>(image + <usize>iy0 * rowBytes + <usize>ix0 * cBytes) : 0);
    if (!ok) {
      // Element by element, zeros outside the image.
      let d = scratch + (<usize>r << 2);
      for (let ky = 0; ky < kh; ky++) {
        const iy = iy0 + ky;
        for (let kx = 0; kx < kw; kx++) {
          const ix = ix0 + kx;
          const valid = iy >= 0 && iy < h && ix >= 0 && ix < w;
          const src = image + (<usize>(valid ? iy : 0) * <usize>w + <usize>(valid ? ix : 0)) * cBytes;
          for (let ci = 0; ci < c; ci++) {
            store<f32>(d, valid ? load<f32>(src + (<usize>ci << 2)) : 0);
            d += step;
          }
        }
      }
    }
    if (++ox == outW) {
      ox = 0;
      if (++oy == outH) {
        oy = 0;
        image += imageBytes;
      }
    }
  }
  for (let g = 0; g < TILE / 4; g++) {
    const o = origins + (<usize>g << 4);
    const inside = load<u32>(o) != 0 && load<u32>(o, 4) != 0 && load<u32>(o, 8) != 0 && load<u32>(o, 12) != 0;
    if (inside) {
      insideGroups |= 1 << g;
      continue;
    }
    // Rows inside a group that is not all inside: one at a time (the element path wrote only border rows).
    for (let j = 0; j < 4; j++) {
      const p = <usize>load<u32>(o + (<usize>j << 2));
      if (p == 0) continue;
      let d = scratch + (<usize>(4 * g + j) << 2);
      for (let ky = 0; ky < kh; ky++) {
        const src = p + <usize>ky * rowBytes;
        for (let e: usize = 0; e < <usize>run; e++) {
          store<f32>(d, load<f32>(src + (e << 2)));
          d += step;
        }
      }
    }
  }
  const run4 = run & ~3;
  for (let ky = 0; ky < kh; ky++) {
    const off = <usize>ky * rowBytes;
    const kRow = scratch + <usize>(ky * run) * step;
    for (let e = 0; e < run4; e += 4) {
      const eo = off + (<usize>e << 2);
      const d = kRow + <usize>e * step;
      for (let g = 0; g < TILE / 4; g++) {
        if ((insideGroups & (1 << g)) == 0) continue;
        const o = origins + (<usize>g << 4);
        transpose4(<usize>load<u32>(o) + eo, <usize>load<u32>(o, 4) + eo, <usize>load<u32>(o, 8) + eo, <usize>load<u32>(o, 12) + eo, d + (<usize>g << 4), step);
      }
    }
    for (let g = 0; g < TILE / 4; g++) {
      if ((insideGroups & (1 << g)) == 0) continue;
      const o = origins + (<usize>g << 4);
      const s0 = <usize>load<u32>(o) + off, s1 = <usize>load<u32>(o, 4) + off, s2 = <usize>load<u32>(o, 8) + off, s3 = <usize>load<u32>(o, 12) + off;
      let d = kRow + <usize>run4 * step + (<usize>g << 4);
      for (let e = run4; e < run; e++) {
        const eo = <usize>e << 2;
        store<f32>(d, load<f32>(s0 + eo));
        store<f32>(d, load<f32>(s1 + eo), 4);
        store<f32>(d, load<f32>(s2 + eo), 8);
        store<f32>(d, load<f32>(s3 + eo), 12);
        d += step;
      }
    }
  }
  tile32(scratch, step, counts, rowsIdx, values, n, bias, out, ldc, lo, hi, ot);
}
