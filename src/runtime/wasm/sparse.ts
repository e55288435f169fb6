// AssemblyScript. Sparse weights × dense activations, XNNPACK-style: weights stored by output column (CSC: per column
// a nonzero count, then input rows and values), activations transposed tile by tile so that 32 rows of A sit side by
// side in 8 f32x4 registers; each nonzero is one broadcast and 8 multiply-adds. Rows left over use 4-row tiles, and a
// single row (batch-1 Dense) a scalar gather with four partial sums.

import { madd } from './madd';

export const TILE: i32 = 32;
/** Columns with at least this many nonzeros run a 32-row tile as two 16-row passes (tile32). */
const SPLIT_COUNT: usize = 16;
/**
 * Tiles up to this many k (32 KB at 32 rows) are filled row group by row group; larger ones four k at a time across
 * all row groups, front to back (see transposeTile).
 */
const L1_TILE_K: i32 = 256;

@inline function clampv(v: v128, lo: v128, hi: v128): v128 {
  return f32x4.pmin(f32x4.pmax(v, lo), hi);
}

/** A 4×4 block: four rows of four floats at s0 … s3 → four columns of four floats at d, d + step, … (registers). */
@inline export function transpose4(s0: usize, s1: usize, s2: usize, s3: usize, d: usize, step: usize): void {
  const x0 = v128.load(s0), x1 = v128.load(s1), x2 = v128.load(s2), x3 = v128.load(s3);
  const t0 = i32x4.shuffle(x0, x1, 0, 4, 1, 5), t1 = i32x4.shuffle(x2, x3, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(x0, x1, 2, 6, 3, 7), t3 = i32x4.shuffle(x2, x3, 2, 6, 3, 7);
  v128.store(d, i64x2.shuffle(t0, t1, 0, 2));
  v128.store(d + step, i64x2.shuffle(t0, t1, 1, 3));
  v128.store(d + 2 * step, i64x2.shuffle(t2, t3, 0, 2));
  v128.store(d + 3 * step, i64x2.shuffle(t2, t3, 1, 3));
}

/**
 * scratch[kk·tile + r] = A[i0 + r, kk] for r < rows (rows ≤ tile): 4×4 blocks transposed in registers (four
 * loads, eight shuffles, four 16-byte stores), scalar edges. Scalar strided stores cost ~20× more. Row group by row
 * group while the tile fits L1 (reading four rows of A front to back); a larger tile (k = 500: 64 KB) lost each of
 * its lines between the eight row passes that fill it (3.7× slower), so it is filled four k at a time across all
 * row groups instead (2.9× faster there, ~25% slower than row groups for tiles that fit).
 */
function transposeTile(a: usize, lda: i32, i0: i32, rows: i32, k: i32, tile: i32, scratch: usize): void {
  const rowBytes = <usize>lda << 2;
  const step = <usize>tile << 2;
  const rows4 = rows & ~3;
  const k4 = k & ~3;
  const first = a + <usize>i0 * rowBytes;
  if (k > L1_TILE_K) {
    for (let kk = 0; kk < k4; kk += 4) {
      const off = <usize>kk << 2;
      const d = scratch + <usize>kk * step;
      for (let r = 0; r < rows4; r += 4) {
        const s0 = first + <usize>r * rowBytes + off;
        transpose4(s0, s0 + rowBytes, s0 + 2 * rowBytes, s0 + 3 * rowBytes, d + (<usize>r << 2), step);
      }
    }
  }
  for (let r = 0; r < rows4; r += 4) {
    const s0 = first + <usize>r * rowBytes, s1 = s0 + rowBytes, s2 = s1 + rowBytes, s3 = s2 + rowBytes;
    let d = scratch + (<usize>r << 2);
    let kk = 0;
    if (k <= L1_TILE_K) {
      for (; kk < k4; kk += 4) {
        const off = <usize>kk << 2;
        transpose4(s0 + off, s1 + off, s2 + off, s3 + off, d, step);
        d += 4 * step;
      }
    } else {
      kk = k4;
      d += <usize>k4 * step;
    }
    for (; kk < k; kk++) {
      const off = <usize>kk << 2;
      store<f32>(d, load<f32>(s0 + off));
      store<f32>(d, load<f32>(s1 + off), 4);
      store<f32>(d, load<f32>(s2 + off), 8);
      store<f32>(d, load<f32>(s3 + off), 12);
      d += step;
    }
  }
  for (let r = rows4; r < rows; r++) {
    const src = first + <usize>r * rowBytes;
    let dst = scratch + (<usize>r << 2);
    for (let kk: usize = 0; kk < <usize>k; kk++) {
      store<f32>(dst, load<f32>(src + (kk << 2)));
      dst += step;
    }
  }
}

@inline function storeLanes(c: usize, cBytes: usize, v: v128, lanes: i32): void {
  store<f32>(c, f32x4.extract_lane(v, 0));
  if (lanes > 1) store<f32>(c + cBytes, f32x4.extract_lane(v, 1));
  if (lanes > 2) store<f32>(c + 2 * cBytes, f32x4.extract_lane(v, 2));
  if (lanes > 3) store<f32>(c + 3 * cBytes, f32x4.extract_lane(v, 3));
}

/**
 * Four columns of four rows each (v_j = column j, rows in lanes) → four rows of four columns at c, c + cBytes, …:
 * a 4×4 register transpose and four 16-byte stores instead of sixteen lane extracts and scalar stores.
 */
@inline function storeTransposed(c: usize, cBytes: usize, v0: v128, v1: v128, v2: v128, v3: v128): void {
  const t0 = i32x4.shuffle(v0, v1, 0, 4, 1, 5), t1 = i32x4.shuffle(v2, v3, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(v0, v1, 2, 6, 3, 7), t3 = i32x4.shuffle(v2, v3, 2, 6, 3, 7);
  v128.store(c, i64x2.shuffle(t0, t1, 0, 2));
  v128.store(c + cBytes, i64x2.shuffle(t0, t1, 1, 3));
  v128.store(c + 2 * cBytes, i64x2.shuffle(t2, t3, 0, 2));
  v128.store(c + 3 * cBytes, i64x2.shuffle(t2, t3, 1, 3));
}

/**
 * Rows `rows` (16 or 32) of output tile `ot` ([4 columns][rows] floats, column-major, as the accumulators left it)
 * → C rows 0 … rows−1, columns col … col+3: 4×4 blocks transposed in registers.
 */
@inline function flushTile(ot: usize, rows: i32, c: usize, cBytes: usize): void {
  const colBytes = <usize>rows << 2;
  for (let r = 0; r < rows; r += 4) {
    const s = ot + (<usize>r << 2);
    storeTransposed(c + <usize>r * cBytes, cBytes, v128.load(s), v128.load(s + colBytes), v128.load(s + 2 * colBytes), v128.load(s + 3 * colBytes));
  }
}

/** A column tail (fewer than four columns): `rows` floats of `ot` (column-major) to C column by column. */
function flushColumns(ot: usize, rows: i32, cols: i32, c: usize, cBytes: usize): void {
  for (let j = 0; j < cols; j++) {
    for (let r = 0; r < rows; r++) store<f32>(c + <usize>r * cBytes + (<usize>j << 2), load<f32>(ot + (<usize>(j * rows + r) << 2)));
  }
}

/**
 * Sixteen rows of one output column: `bv` (the bias) + Σ over nonzeros e … end−1 of value × the tile's row (rows 0–15
 * from `base`, four accumulators), clamped and stored as four vectors at `o`. tile16's columns, and each half of
 * tile32's columns with many nonzeros.
 */
@inline function column16(base: usize, kBytes: usize, e: usize, end: usize, rowsIdx: usize, values: usize, bv: v128,
                          vlo: v128, vhi: v128, o: usize): void {
  let a0 = bv, a1 = bv, a2 = bv, a3 = bv;
  for (let f = e; f < end; f++) {
    const w = v128.load32_splat(values + (f << 2));
    const t = base + <usize>load<i32>(rowsIdx + (f << 2)) * kBytes;
    a0 = madd(w, v128.load(t), a0);
    a1 = madd(w, v128.load(t, 16), a1);
    a2 = madd(w, v128.load(t, 32), a2);
    a3 = madd(w, v128.load(t, 48), a3);
  }
  v128.store(o, clampv(a0, vlo, vhi));
  v128.store(o, clampv(a1, vlo, vhi), 16);
  v128.store(o, clampv(a2, vlo, vhi), 32);
  v128.store(o, clampv(a3, vlo, vhi), 48);
}

/**
 * Output tiles of 32 rows: each column's eight accumulators (rows in lanes) are clamped and stored as eight vectors
 * into `ot` ([4][32] floats); every four columns the tile is transposed into C. With few nonzeros per column
 * (MobileNet's 90%-pruned 1×1 convolutions: ~1–15) the 32 scalar stores per column had cost more than the
 * multiply-adds.
 */
export function tile32(scratch: usize, kBytes: usize, counts: usize, rowsIdx: usize, values: usize, n: i32, bias: usize, c: usize, ldc: i32, lo: f32, hi: f32, ot: usize): void {
  const vlo = f32x4.splat(lo), vhi = f32x4.splat(hi);
  const cBytes = <usize>ldc << 2;
  let e: usize = 0;
  for (let col0 = 0; col0 < n; col0 += 4) {
    const cols = min(4, n - col0);
    for (let j = 0; j < cols; j++) {
      const col = col0 + j;
      const count = <usize>load<i32>(counts + (<usize>col << 2));
      const b = bias != 0 ? load<f32>(bias + (<usize>col << 2)) : 0;
      const end = e + count;
      const o = ot + (<usize>j << 7);
      if (count >= SPLIT_COUNT) {
        // Many nonzeros: rows 0–15, then rows 16–31 over the same nonzeros. With eight accumulators in one pass a
        // nonzero took 3.2 ns per tile, with four in each of two passes 2.5 (LeNet-5's conv2: ~64 a column); with few
        // nonzeros the second pass's setup costs more (MobileNetV2 pruned90 5% slower overall).
        const bv = f32x4.splat(b);
        column16(scratch, kBytes, e, end, rowsIdx, values, bv, vlo, vhi, o);
        column16(scratch + 64, kBytes, e, end, rowsIdx, values, bv, vlo, vhi, o + 64);
        e = end;
        continue;
      }
      let a0 = f32x4.splat(b), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
      for (; e < end; e++) {
        const w = v128.load32_splat(values + (e << 2));
        const t = scratch + <usize>load<i32>(rowsIdx + (e << 2)) * kBytes;
        a0 = madd(w, v128.load(t), a0);
        a1 = madd(w, v128.load(t, 16), a1);
        a2 = madd(w, v128.load(t, 32), a2);
        a3 = madd(w, v128.load(t, 48), a3);
        a4 = madd(w, v128.load(t, 64), a4);
        a5 = madd(w, v128.load(t, 80), a5);
        a6 = madd(w, v128.load(t, 96), a6);
        a7 = madd(w, v128.load(t, 112), a7);
      }
      v128.store(o, clampv(a0, vlo, vhi));
      v128.store(o, clampv(a1, vlo, vhi), 16);
      v128.store(o, clampv(a2, vlo, vhi), 32);
      v128.store(o, clampv(a3, vlo, vhi), 48);
      v128.store(o, clampv(a4, vlo, vhi), 64);
      v128.store(o, clampv(a5, vlo, vhi), 80);
      v128.store(o, clampv(a6, vlo, vhi), 96);
      v128.store(o, clampv(a7, vlo, vhi), 112);
    }
    const dst = c + (<usize>col0 << 2);
    if (cols == 4) flushTile(ot, 32, dst, cBytes);
    else flushColumns(ot, 32, cols, dst, cBytes);
  }
}

/** As tile32 for 16 rows (four accumulators): MobileNet's 4×4 feature maps at batch 1 had run as four 4-row tiles. */
function tile16(scratch: usize, kBytes: usize, counts: usize, rowsIdx: usize, values: usize, n: i32, bias: usize, c: usize, ldc: i32, lo: f32, hi: f32, ot: usize): void {
  const vlo = f32x4.splat(lo), vhi = f32x4.splat(hi);
  const cBytes = <usize>ldc << 2;
  let e: usize = 0;
  for (let col0 = 0; col0 < n; col0 += 4) {
    const cols = min(4, n - col0);
    for (let j = 0; j < cols; j++) {
      const col = col0 + j;
      const count = <usize>load<i32>(counts + (<usize>col << 2));
      const b = bias != 0 ? load<f32>(bias + (<usize>col << 2)) : 0;
      const end = e + count;
      column16(scratch, kBytes, e, end, rowsIdx, values, f32x4.splat(b), vlo, vhi, ot + (<usize>j << 6));
      e = end;
    }
    const dst = c + (<usize>col0 << 2);
    if (cols == 4) flushTile(ot, 16, dst, cBytes);
    else flushColumns(ot, 16, cols, dst, cBytes);
  }
}

/** One column of a 4-row tile: bias + Σ over its nonzeros (two partial sums), clamped; rows in lanes. */
@inline function column4(scratch: usize, kBytes: usize, e: usize, end: usize, rowsIdx: usize, values: usize, b: f32, vlo: v128, vhi: v128): v128 {
  let a0 = f32x4.splat(b), a1 = f32x4.splat(0);
  for (; e + 1 < end; e += 2) {
    const t0 = scratch + <usize>load<i32>(rowsIdx + (e << 2)) * kBytes;
    const t1 = scratch + <usize>load<i32>(rowsIdx + (e << 2), 4) * kBytes;
    a0 = madd(v128.load32_splat(values + (e << 2)), v128.load(t0), a0);
    a1 = madd(v128.load32_splat(values + (e << 2), 4), v128.load(t1), a1);
  }
  if (e < end) {
    const t0 = scratch + <usize>load<i32>(rowsIdx + (e << 2)) * kBytes;
    a0 = madd(v128.load32_splat(values + (e << 2)), v128.load(t0), a0);
  }
  return clampv(f32x4.add(a0, a1), vlo, vhi);
}

/** Tiles of 2–4 rows; full 4-row tiles store four columns at a time through a register transpose. */
function tile4(scratch: usize, kBytes: usize, rows: i32, counts: usize, rowsIdx: usize, values: usize, n: i32, bias: usize, c: usize, ldc: i32, lo: f32, hi: f32): void {
  const vlo = f32x4.splat(lo), vhi = f32x4.splat(hi);
  const cBytes = <usize>ldc << 2;
  let e: usize = 0;
  let col = 0;
  if (rows == 4) {
    for (; col + 4 <= n; col += 4) {
      const p = counts + (<usize>col << 2);
      const e1 = e + <usize>load<i32>(p), e2 = e1 + <usize>load<i32>(p, 4), e3 = e2 + <usize>load<i32>(p, 8), e4 = e3 + <usize>load<i32>(p, 12);
      const bp = bias + (<usize>col << 2);
      const v0 = column4(scratch, kBytes, e, e1, rowsIdx, values, bias != 0 ? load<f32>(bp) : 0, vlo, vhi);
      const v1 = column4(scratch, kBytes, e1, e2, rowsIdx, values, bias != 0 ? load<f32>(bp, 4) : 0, vlo, vhi);
      const v2 = column4(scratch, kBytes, e2, e3, rowsIdx, values, bias != 0 ? load<f32>(bp, 8) : 0, vlo, vhi);
      const v3 = column4(scratch, kBytes, e3, e4, rowsIdx, values, bias != 0 ? load<f32>(bp, 12) : 0, vlo, vhi);
      storeTransposed(c + (<usize>col << 2), cBytes, v0, v1, v2, v3);
      e = e4;
    }
  }
  for (; col < n; col++) {
    const end = e + <usize>load<i32>(counts + (<usize>col << 2));
    const b = bias != 0 ? load<f32>(bias + (<usize>col << 2)) : 0;
    storeLanes(c + (<usize>col << 2), cBytes, column4(scratch, kBytes, e, end, rowsIdx, values, b, vlo, vhi), rows);
    e = end;
  }
}

function row1(a: usize, counts: usize, rowsIdx: usize, values: usize, n: i32, bias: usize, c: usize, lo: f32, hi: f32): void {
  // Four f32 partial sums in the lanes of one vector (nonzero e into lane e mod 4 of its column's run, the rest into
  // lane 0), multiplied and added separately (no fused multiply-add): the same bits as the scalar four-sum loop this
  // replaced. The JS fallback sums in float64 and rounds once, so the two differ in the last bits (tests allow 1e-5).
  // Per four nonzeros two vector loads (rows, values) and four lane loads of A, instead of twelve scalar loads.
  let e: usize = 0;
  for (let col = 0; col < n; col++) {
    const end = e + <usize>load<i32>(counts + (<usize>col << 2));
    let acc = f32x4.splat(0);
    for (; e + 4 <= end; e += 4) {
      const at = i32x4.shl(v128.load(rowsIdx + (e << 2)), 2);
      let g = v128.load32_zero(a + <usize>i32x4.extract_lane(at, 0));
      g = v128.load32_lane(a + <usize>i32x4.extract_lane(at, 1), g, 1);
      g = v128.load32_lane(a + <usize>i32x4.extract_lane(at, 2), g, 2);
      g = v128.load32_lane(a + <usize>i32x4.extract_lane(at, 3), g, 3);
      acc = f32x4.add(acc, f32x4.mul(g, v128.load(values + (e << 2))));
    }
    let s0 = f32x4.extract_lane(acc, 0);
    for (; e < end; e++) s0 += load<f32>(a + (<usize>load<i32>(rowsIdx + (e << 2)) << 2)) * load<f32>(values + (e << 2));
    let y = (s0 + f32x4.extract_lane(acc, 1)) + (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
    if (bias != 0) y += load<f32>(bias + (<usize>col << 2));
    store<f32>(c + (<usize>col << 2), min(max(y, lo), hi));
  }
}

export function spmm(a: usize, lda: i32, m: i32, k: i32, counts: usize, rowsIdx: usize, values: usize, n: i32,
                     bias: usize, c: usize, ldc: i32, lo: f32, hi: f32, scratch: usize): void {
  const rowBytes = <usize>lda << 2;
  const cBytes = <usize>ldc << 2;
  const ot = scratch + (<usize>k << 7);
  let i = 0;
  for (; i + TILE <= m; i += TILE) {
    transposeTile(a, lda, i, TILE, k, TILE, scratch);
    tile32(scratch, <usize>TILE << 2, counts, rowsIdx, values, n, bias, c + <usize>i * cBytes, ldc, lo, hi, ot);
  }
  if (i + 16 <= m) {
    transposeTile(a, lda, i, 16, k, 16, scratch);
    tile16(scratch, 64, counts, rowsIdx, values, n, bias, c + <usize>i * cBytes, ldc, lo, hi, ot);
    i += 16;
  }
  for (; i + 2 <= m; i += 4) {
    const rows = min(4, m - i);
    transposeTile(a, lda, i, rows, k, 4, scratch);
    tile4(scratch, 16, rows, counts, rowsIdx, values, n, bias, c + <usize>i * cBytes, ldc, lo, hi);
  }
  for (; i < m; i++) row1(a + <usize>i * rowBytes, counts, rowsIdx, values, n, bias, c + <usize>i * cBytes, lo, hi);
}
