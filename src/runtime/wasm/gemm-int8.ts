// AssemblyScript. Integer GEMM for int8 weights: C = clamp(Σ a·w̃ · (sa·sw) + bias) where each row of A is quantized on
// the fly to 15-bit integers (sa = max|row| / 16383, round to nearest) and w̃ = q − zeroPoint is int8. i32x4.dot_i16x8_s
// multiplies 8 pairs and adds neighbours: one instruction per 8 multiply-adds, twice the f32x4 mul+add rate.
// Products ≤ 2^21, pair sums ≤ 2^22: 256 steps of 8 fit an i32, so K is summed in blocks of 2048 and each block added
// in f32. A row with a non-finite value gives NaN outputs (its scale is not finite). Layout (../pack.ts): K padded to
// a multiple of 8, columns in panels of 4; panel p holds, for each block of 8 k, 4 columns × 8 int8.

const Q: f32 = 16383;
const TILE: i32 = 64;
const BLOCK: i32 = 256; // 8-k steps per i32 block

/** Quantize rows [i0, i0+rows) of A into scratch (rows × k8 i16, zero-padded) and their scales after them. */
function quantizeRows(a: usize, lda: i32, i0: i32, rows: i32, k: i32, k8: i32, q: usize, scales: usize): void {
  for (let r = 0; r < rows; r++) {
    const src = a + (<usize>(i0 + r) * <usize>lda << 2);
    let mx = f32x4.splat(0);
    let kk = 0;
    for (; kk + 4 <= k; kk += 4) mx = f32x4.max(mx, f32x4.abs(v128.load(src + (<usize>kk << 2))));
    let m: f32 = max(max(f32x4.extract_lane(mx, 0), f32x4.extract_lane(mx, 1)), max(f32x4.extract_lane(mx, 2), f32x4.extract_lane(mx, 3)));
    for (; kk < k; kk++) m = max(m, abs(load<f32>(src + (<usize>kk << 2))));
    // f32x4.max propagates NaN; an infinite max gives an infinite scale: both make the row's outputs NaN.
    const scale: f32 = m / Q;
    store<f32>(scales + (<usize>r << 2), m == Infinity ? NaN : scale);
    const inv = f32x4.splat(m > 0 && m < Infinity ? Q / m : 0);
    const dst = q + (<usize>r * <usize>k8 << 1);
    kk = 0;
    for (; kk + 8 <= k; kk += 8) {
      const lo = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(src + (<usize>kk << 2)), inv)));
      const hi = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(src + (<usize>kk << 2), 16), inv)));
      v128.store(dst + (<usize>kk << 1), i16x8.narrow_i32x4_s(lo, hi));
    }
    const invs = f32x4.extract_lane(inv, 0);
    for (; kk < k8; kk++) store<i16>(dst + (<usize>kk << 1), kk < k ? <i16>(<i32>nearest<f32>(load<f32>(src + (<usize>kk << 2)) * invs)) : 0);
  }
}

/** The four lane sums of a, b, c, d as one vector [Σa, Σb, Σc, Σd]. */
@inline function sum4(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = i32x4.add(i32x4.shuffle(a, b, 0, 1, 4, 5), i32x4.shuffle(a, b, 2, 3, 6, 7)); // a01 a23 b01 b23
  const cd = i32x4.add(i32x4.shuffle(c, d, 0, 1, 4, 5), i32x4.shuffle(c, d, 2, 3, 6, 7));
  return i32x4.add(i32x4.shuffle(ab, cd, 0, 2, 4, 6), i32x4.shuffle(ab, cd, 1, 3, 5, 7));
}

@inline function finish(acc: v128, rowScale: f32, colScale: v128, bias: v128, lo: v128, hi: v128): v128 {
  return f32x4.pmin(f32x4.pmax(f32x4.add(f32x4.mul(acc, f32x4.mul(f32x4.splat(rowScale), colScale)), bias), lo), hi);
}

@inline function storeCols(p: usize, v: v128, cols: i32): void {
  if (cols == 4) { v128.store(p, v); return; }
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (cols > 1) store<f32>(p + 4, f32x4.extract_lane(v, 1));
  if (cols > 2) store<f32>(p + 8, f32x4.extract_lane(v, 2));
}

export function gemmI8(a: usize, lda: i32, m: i32, k: i32, w: usize, n: i32, bias: usize, scale: usize,
                       c: usize, ldc: i32, lo: f32, hi: f32, scratch: usize): void {
  const k8 = (k + 7) & ~7;
  const steps = k8 >> 3;
  const panelBytes = <usize>steps * 32;
  const scales = scratch + (<usize>TILE * <usize>k8 << 1);
  const vlo = f32x4.splat(lo), vhi = f32x4.splat(hi);
  const cBytes = <usize>ldc << 2;
  const rowBytes = <usize>k8 << 1;
  for (let i0 = 0; i0 < m; i0 += TILE) {
    const rows = min(TILE, m - i0);
    quantizeRows(a, lda, i0, rows, k, k8, scratch, scales);
    for (let p = 0; p * 4 < n; p++) {
      const col = p * 4;
      const cols = min(4, n - col);
      const wp = w + <usize>p * panelBytes;
      const colScale = v128.load(scale + (<usize>col << 2));
      const vbias = bias != 0 ? v128.load(bias + (<usize>col << 2)) : f32x4.splat(0);
      let r = 0;
      for (; r + 2 <= rows; r += 2) {
        const q0 = scratch + <usize>r * rowBytes, q1 = q0 + rowBytes;
        let f0 = f32x4.splat(0), f1 = f32x4.splat(0);
        for (let s0 = 0; s0 < steps; s0 += BLOCK) {
          const s1 = min(steps, s0 + BLOCK);
          let a00 = i32x4.splat(0), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00;
          for (let s = s0; s < s1; s++) {
            const x0 = v128.load(q0 + (<usize>s << 4));
            const x1 = v128.load(q1 + (<usize>s << 4));
            const wb = wp + (<usize>s << 5);
            const w0 = v128.load8x8_s(wb), w1 = v128.load8x8_s(wb, 8), w2 = v128.load8x8_s(wb, 16), w3 = v128.load8x8_s(wb, 24);
            a00 = i32x4.add(a00, i32x4.dot_i16x8_s(x0, w0)); a01 = i32x4.add(a01, i32x4.dot_i16x8_s(x0, w1));
            a02 = i32x4.add(a02, i32x4.dot_i16x8_s(x0, w2)); a03 = i32x4.add(a03, i32x4.dot_i16x8_s(x0, w3));
            a10 = i32x4.add(a10, i32x4.dot_i16x8_s(x1, w0)); a11 = i32x4.add(a11, i32x4.dot_i16x8_s(x1, w1));
            a12 = i32x4.add(a12, i32x4.dot_i16x8_s(x1, w2)); a13 = i32x4.add(a13, i32x4.dot_i16x8_s(x1, w3));
          }
          f0 = f32x4.add(f0, f32x4.convert_i32x4_s(sum4(a00, a01, a02, a03)));
          f1 = f32x4.add(f1, f32x4.convert_i32x4_s(sum4(a10, a11, a12, a13)));
        }
        const out = c + <usize>(i0 + r) * cBytes + (<usize>col << 2);
        storeCols(out, finish(f0, load<f32>(scales + (<usize>r << 2)), colScale, vbias, vlo, vhi), cols);
        storeCols(out + cBytes, finish(f1, load<f32>(scales + (<usize>(r + 1) << 2)), colScale, vbias, vlo, vhi), cols);
      }
      if (r < rows) {
        const q0 = scratch + <usize>r * rowBytes;
        let f0 = f32x4.splat(0);
        for (let s0 = 0; s0 < steps; s0 += BLOCK) {
          const s1 = min(steps, s0 + BLOCK);
          let a00 = i32x4.splat(0), a01 = a00, a02 = a00, a03 = a00;
          for (let s = s0; s < s1; s++) {
            const x0 = v128.load(q0 + (<usize>s << 4));
            const wb = wp + (<usize>s << 5);
            a00 = i32x4.add(a00, i32x4.dot_i16x8_s(x0, v128.load8x8_s(wb)));
            a01 = i32x4.add(a01, i32x4.dot_i16x8_s(x0, v128.load8x8_s(wb, 8)));
            a02 = i32x4.add(a02, i32x4.dot_i16x8_s(x0, v128.load8x8_s(wb, 16)));
            a03 = i32x4.add(a03, i32x4.dot_i16x8_s(x0, v128.load8x8_s(wb, 24)));
          }
          f0 = f32x4.add(f0, f32x4.convert_i32x4_s(sum4(a00, a01, a02, a03)));
        }
        storeCols(c + <usize>(i0 + r) * cBytes + (<usize>col << 2), finish(f0, load<f32>(scales + (<usize>r << 2)), colScale, vbias, vlo, vhi), cols);
      }
    }
  }
}
