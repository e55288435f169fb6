/**
 * The value grids of the quantized encodings, shared by writer, reader and encodeTensorAuto.
 *   affine:   value(q) = fround((q − zeroPoint) · scale), q ∈ [0, 2^b − 1]. With an integer zero point
 *             (|z| ≤ 2^24) the product is exact in a double, so this rounds once — and for the usual
 *             zero points in [0, 2^b − 1] it is the float32 `(q − z) * scale` of TF.js, WebGL or C.
 *   codebook: value(i) = centroids[i], copied bit for bit.
 * Element i (row-major) belongs to channel i mod C, C = last dimension, for per-channel parameters.
 */

/**
 * The affine grid value of `q`.
 * @example dequantizeAffine(12, 0.5, 10) // 1
 */
export function dequantizeAffine(q: number, scale: number, zeroPoint: number): number {
  return Math.fround((q - zeroPoint) * scale);
}

/**
 * The grid index whose value is nearest to `v`; exact (round trips bit for bit) when v is on the grid.
 * @example quantizeAffine(0.9, 0.5, 10, 255) // 12
 */
export function quantizeAffine(v: number, scale: number, zeroPoint: number, qmax: number): number {
  if (Number.isNaN(v)) return Math.min(Math.max(zeroPoint, 0), qmax);
  const q = Math.min(Math.max(Math.round(v / scale) + zeroPoint, 0), qmax);
  // v / scale can round to the neighbour of the exact index; one step either way settles it.
  const err = Math.abs(dequantizeAffine(q, scale, zeroPoint) - v);
  if (err === 0) return q;
  const below = q > 0 ? Math.abs(dequantizeAffine(q - 1, scale, zeroPoint) - v) : Infinity;
  const above = q < qmax ? Math.abs(dequantizeAffine(q + 1, scale, zeroPoint) - v) : Infinity;
  if (below < err && below <= above) return q - 1;
  if (above < err) return q + 1;
  return q;
}

const FLOAT32_MAX = 3.4028234663852886e38;
const FLOAT32_MIN_SUBNORMAL = 2 ** -149;

/**
 * Min/max affine parameters for `bits`-bit indexes: the range [min(0, lo), max(0, hi)] of the finite
 * values of each channel, so 0 is always exactly on the grid (q = zeroPoint). An all-zero channel
 * gets scale 1.
 * @example affineParams(Float32Array.of(-1, 3), [2], 2, false) // { scales: [4/3], zeroPoints: [1] }
 */
export function affineParams(
  values: Float32Array,
  shape: readonly number[],
  bits: number,
  perChannel: boolean,
): { scales: Float32Array; zeroPoints: Int32Array } {
  const channels = perChannel ? shape[shape.length - 1]! : 1;
  const lo = new Float64Array(channels);
  const hi = new Float64Array(channels);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    const c = channels === 1 ? 0 : i % channels;
    if (v < lo[c]!) lo[c] = v;
    if (v > hi[c]!) hi[c] = v;
  }
  const qmax = 2 ** bits - 1;
  const scales = new Float32Array(channels);
  const zeroPoints = new Int32Array(channels);
  for (let c = 0; c < channels; c++) {
    const range = hi[c]! - lo[c]!;
    let scale = range === 0 ? 1 : Math.fround(Math.min(range / qmax, FLOAT32_MAX));
    if (scale === 0) scale = FLOAT32_MIN_SUBNORMAL;
    scales[c] = scale;
    zeroPoints[c] = Math.min(Math.max(Math.round(-lo[c]! / scale), 0), qmax);
  }
  return { scales, zeroPoints };
}

/**
 * Nearest-centroid lookup: binary search over the sorted centroids. Exact matches win (the lowest
 * index among equal centroids), so values that are codebook entries round trip bit for bit.
 * NaN maps to the first NaN centroid, else to index 0.
 * @example codebookIndexer(Float32Array.of(-1, 0, 1))(0.6) // 2
 */
export function codebookIndexer(centroids: Float32Array): (v: number) => number {
  const order: number[] = [];
  let nanIndex = -1;
  for (let i = 0; i < centroids.length; i++) {
    if (Number.isNaN(centroids[i]!)) {
      if (nanIndex < 0) nanIndex = i;
    } else order.push(i);
  }
  order.sort((a, b) => centroids[a]! - centroids[b]! || a - b);
  const sorted = Float64Array.from(order, (i) => centroids[i]!);
  const n = sorted.length;
  return (v: number): number => {
    if (Number.isNaN(v) || n === 0) return nanIndex >= 0 ? nanIndex : 0;
    let a = 0; // first sorted position with sorted[a] >= v
    let b = n;
    while (a < b) {
      const m = (a + b) >>> 1;
      if (sorted[m]! < v) a = m + 1;
      else b = m;
    }
    if (a < n && sorted[a] === v) return order[a]!;
    if (a === 0) return order[0]!;
    if (a === n) return order[n - 1]!;
    return v - sorted[a - 1]! <= sorted[a]! - v ? order[a - 1]! : order[a]!;
  };
}
