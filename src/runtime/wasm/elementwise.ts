// AssemblyScript. Elementwise kernels (f32x4 bodies, scalar tails), softmax, row copies and zero padding.

@inline function clampv(v: v128, lo: v128, hi: v128): v128 {
  return f32x4.pmin(f32x4.pmax(v, lo), hi);
}

export function add(a: usize, b: usize, n: i32, y: usize, lo: f32, hi: f32): void {
  const vlo = f32x4.splat(lo), vhi = f32x4.splat(hi);
  let i: usize = 0;
  const n4 = <usize>(n & ~3);
  for (; i < n4; i += 4) v128.store(y + (i << 2), clampv(f32x4.add(v128.load(a + (i << 2)), v128.load(b + (i << 2))), vlo, vhi));
  for (; i < <usize>n; i++) store<f32>(y + (i << 2), min(max(load<f32>(a + (i << 2)) + load<f32>(b + (i << 2)), lo), hi));
}

export function channelAffine(x: usize, rows: i32, c: i32, scale: usize, shift: usize, y: usize, lo: f32, hi: f32): void {
  const vlo = f32x4.splat(lo), vhi = f32x4.splat(hi);
  const cBytes = <usize>c << 2;
  const c4 = c & ~3;
  for (let r = 0; r < rows; r++) {
    const src = x + <usize>r * cBytes, dst = y + <usize>r * cBytes;
    let ch = 0;
    for (; ch < c4; ch += 4) {
      const off = <usize>ch << 2;
      v128.store(dst + off, clampv(f32x4.add(f32x4.mul(v128.load(src + off), v128.load(scale + off)), v128.load(shift + off)), vlo, vhi));
    }
    for (; ch < c; ch++) {
      const off = <usize>ch << 2;
      store<f32>(dst + off, min(max(load<f32>(src + off) * load<f32>(scale + off) + load<f32>(shift + off), lo), hi));
    }
  }
}

export function clamp(x: usize, n: i32, y: usize, lo: f32, hi: f32): void {
  const vlo = f32x4.splat(lo), vhi = f32x4.splat(hi);
  let i: usize = 0;
  const n4 = <usize>(n & ~3);
  for (; i < n4; i += 4) v128.store(y + (i << 2), clampv(v128.load(x + (i << 2)), vlo, vhi));
  for (; i < <usize>n; i++) store<f32>(y + (i << 2), min(max(load<f32>(x + (i << 2)), lo), hi));
}

/**
 * exp(x) for x ≤ 0 without lookup tables (AssemblyScript's Math.exp keeps a 2 KB table in a data segment,
 * which would sit inside memory the engine owns): x = k·ln2 + r, |r| ≤ ln2/2, exp(r) by its Taylor series to
 * degree 13 (error below 1e-16), 2^k by exponent bits.
 */
function expNonPositive(x: f64): f64 {
  if (x != x) return x;
  if (x < -745) return 0;
  const k = Math.floor(x * 1.4426950408889634 + 0.5);
  const r = x - k * 0.6931471805599453;
  let p: f64 = 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  const e = <i64>k;
  if (e < -1022) return p * reinterpret<f64>((e + 1022 + 1023) << 52) * reinterpret<f64>(<i64>1 << 52);
  return p * reinterpret<f64>((e + 1023) << 52);
}

/**
 * e^x for x ≤ 0 (and NaN) in f32 lanes: x = k·ln 2 + r with |r| ≤ ln 2 / 2 (Cody–Waite split of ln 2), e^r by its
 * degree-7 Taylor polynomial (truncation error < 1e-8 relative, below f32 rounding), 2^k built in the exponent
 * bits. Below −87 (where 2^k leaves the normal range) the result is 0; NaN stays NaN (its k converts to 0).
 */
@inline function expNonPositive4(x: v128): v128 {
  const kf = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.4426950408889634)));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(kf, f32x4.splat(0.693359375))), f32x4.mul(kf, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(<f32>(1.0 / 5040.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>(1.0 / 720.0)));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>(1.0 / 120.0)));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>(1.0 / 24.0)));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>(1.0 / 6.0)));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(0.5));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(kf), i32x4.splat(127)), 23);
  return v128.bitselect(f32x4.splat(0), f32x4.mul(p, scale), f32x4.lt(x, f32x4.splat(-87)));
}

/**
 * Softmax over each row: four lanes at a time (a 1000-class row took 16 µs with a scalar f64 exp, as long as
 * MobileNet's last 1×1 convolution when pruned), the row's tail scalar. NaN anywhere in a row makes the row NaN.
 */
export function softmax(x: usize, rows: i32, c: i32, y: usize): void {
  const c4 = <usize>(c & ~3);
  for (let r = 0; r < rows; r++) {
    const src = x + ((<usize>r * <usize>c) << 2), dst = y + ((<usize>r * <usize>c) << 2);
    let vmx = f32x4.splat(-Infinity);
    let j: usize = 0;
    for (; j < c4; j += 4) vmx = f32x4.max(vmx, v128.load(src + (j << 2)));
    let mx: f32 = max(max(f32x4.extract_lane(vmx, 0), f32x4.extract_lane(vmx, 1)), max(f32x4.extract_lane(vmx, 2), f32x4.extract_lane(vmx, 3)));
    for (j = c4; j < <usize>c; j++) mx = max(mx, load<f32>(src + (j << 2)));
    const m4 = f32x4.splat(mx);
    let vsum = f32x4.splat(0);
    for (j = 0; j < c4; j += 4) {
      const e = expNonPositive4(f32x4.sub(v128.load(src + (j << 2)), m4));
      v128.store(dst + (j << 2), e);
      vsum = f32x4.add(vsum, e);
    }
    let sum: f64 = <f64>f32x4.extract_lane(vsum, 0) + <f64>f32x4.extract_lane(vsum, 1) + <f64>f32x4.extract_lane(vsum, 2) + <f64>f32x4.extract_lane(vsum, 3);
    for (; j < <usize>c; j++) {
      const e = expNonPositive(<f64>load<f32>(src + (j << 2)) - <f64>mx);
      store<f32>(dst + (j << 2), <f32>e);
      sum += e;
    }
    const inv = f32x4.splat(<f32>sum);
    for (j = 0; j < c4; j += 4) v128.store(dst + (j << 2), f32x4.div(v128.load(dst + (j << 2)), inv));
    for (; j < <usize>c; j++) store<f32>(dst + (j << 2), <f32>(<f64>load<f32>(dst + (j << 2)) / sum));
  }
}

export function copyRows(src: usize, rows: i32, cols: i32, srcStride: i32, dst: usize, dstStride: i32): void {
  const bytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) memory.copy(dst + ((<usize>r * <usize>dstStride) << 2), src + ((<usize>r * <usize>srcStride) << 2), bytes);
}

export function zeroPad(x: usize, batch: i32, h: i32, w: i32, c: i32, t: i32, b: i32, l: i32, r: i32, y: usize): void {
  const ow = w + l + r, oh = h + t + b;
  const cBytes = <usize>c << 2;
  memory.fill(y, 0, <usize>batch * <usize>oh * <usize>ow * cBytes);
  for (let n = 0; n < batch; n++) {
    for (let iy = 0; iy < h; iy++) {
      memory.copy(y + <usize>((n * oh + iy + t) * ow + l) * cBytes, x + <usize>((n * h + iy) * w) * cBytes, <usize>w * cBytes);
    }
  }
}
