/**
 * Weight quantization for ONNX's DequantizeLinear, on plain typed arrays (no TF.js):
 *   value = fround((q − zeroPoint) · scale), q int8 (or int32), per tensor or per axis,
 * which is exactly what onnxruntime computes (an int converted to float, one float multiply).
 *
 * Parameters are given in the Keras layout of the weight (axis counts Keras axes); weight-layout.ts
 * maps them onto the ONNX layout.
 */

/** DequantizeLinear parameters of one weight. `axis` (Keras layout) is required when there is more than one scale. */
export interface WeightQuantization {
  /** Positive finite scales: one (per tensor) or one per slice of `axis`. */
  scale: Float32Array;
  /** Zero points, same length as `scale`: Int8Array → int8 weights; Int32Array → int32 weights. */
  zeroPoint: Int8Array | Int32Array;
  /** The Keras axis the scales run along (default: the last axis when there are several scales). */
  axis?: number;
}

/** Weight quantization keyed by the weight's manifest name, e.g. `conv1/kernel`. */
export type WeightQuantizationMap = Map<string, WeightQuantization>;

const INT8 = { min: -128, max: 127 };
const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

/** Validated per-element access to the parameters: which slice each flat index belongs to. */
export interface ResolvedQuantization {
  axis: number | null;
  channels: number;
  /** Elements between consecutive indexes along `axis` (product of the later dimensions). */
  inner: number;
}

export function resolveQuantization(name: string, shape: readonly number[], q: WeightQuantization): ResolvedQuantization {
  const n = q.scale.length;
  if (n === 0 || q.zeroPoint.length !== n) {
    throw new Error(`quantization of ${name}: ${n} scales but ${q.zeroPoint.length} zero points`);
  }
  for (const s of q.scale) {
    if (!(s > 0) || !Number.isFinite(s)) throw new Error(`quantization of ${name}: scales must be positive and finite, got ${s}`);
  }
  // One scale is per tensor whatever the axis says (a size-1 axis or a broadcast scale: same values).
  if (n === 1) return { axis: null, channels: 1, inner: 1 };
  const axis = q.axis ?? shape.length - 1;
  if (!Number.isInteger(axis) || axis < 0 || axis >= shape.length) {
    throw new Error(`quantization of ${name}: axis ${axis} is outside shape [${shape.join(', ')}]`);
  }
  if (shape[axis] !== n) throw new Error(`quantization of ${name}: ${n} scales for axis ${axis} of size ${shape[axis]}`);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  return { axis, channels: n, inner };
}

function channelOf(r: ResolvedQuantization, i: number): number {
  return r.channels === 1 ? 0 : Math.floor(i / r.inner) % r.channels;
}

/** Nearest integer, ties to even (ONNX QuantizeLinear's rounding). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Quantize `values` (Keras layout) to the integer type of the zero points, saturating. */
export function quantizeWeight(name: string, values: Float32Array, shape: readonly number[], q: WeightQuantization): Int8Array | Int32Array {
  const r = resolveQuantization(name, shape, q);
  const range = q.zeroPoint instanceof Int8Array ? INT8 : INT32;
  const out = q.zeroPoint instanceof Int8Array ? new Int8Array(values.length) : new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const c = channelOf(r, i);
    const v = values[i]!;
    const x = Number.isNaN(v) ? 0 : roundHalfEven(v / q.scale[c]!) + q.zeroPoint[c]!;
    out[i] = Math.min(Math.max(x, range.min), range.max);
  }
  return out;
}

/** The float32 values DequantizeLinear produces from `quantized`. */
export function dequantizeWeight(quantized: Int8Array | Int32Array, shape: readonly number[], q: WeightQuantization): Float32Array {
  const r = resolveQuantization('weight', shape, q);
  const out = new Float32Array(quantized.length);
  for (let i = 0; i < quantized.length; i++) {
    const c = channelOf(r, i);
    out[i] = Math.fround((quantized[i]! - q.zeroPoint[c]!) * q.scale[c]!);
  }
  return out;
}

/**
 * Symmetric int8 parameters (zero point 0, scale = max|w|/127) per slice of `axis`, or per tensor
 * when axis is null. All-zero slices get scale 1.
 */
export function symmetricInt8(values: Float32Array, shape: readonly number[], axis: number | null): WeightQuantization {
  const channels = axis === null ? 1 : shape[axis]!;
  const inner = axis === null ? 1 : shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const maxAbs = new Float64Array(channels);
  for (let i = 0; i < values.length; i++) {
    const c = channels === 1 ? 0 : Math.floor(i / inner) % channels;
    const a = Math.abs(values[i]!);
    if (a > maxAbs[c]! && Number.isFinite(a)) maxAbs[c] = a;
  }
  const scale = Float32Array.from(maxAbs, (m) => (m > 0 ? Math.max(Math.fround(m / 127), 2 ** -149) : 1));
  return { scale, zeroPoint: new Int8Array(channels), ...(axis === null ? {} : { axis }) };
}

/**
 * int8 parameters that reproduce `values` exactly when every value already lies on the grid
 * fround(d · scale[c]) (d an integer; c the slice of `axis`, or one scale per tensor) and each slice
 * spans at most 256 grid steps; null otherwise. The zero point is chosen as close to 0 as the span
 * allows.
 */
export function exactInt8(values: Float32Array, shape: readonly number[], scale: Float32Array, axis: number | null): WeightQuantization | null {
  const channels = scale.length;
  const r = resolveQuantization('weight', shape, { scale, zeroPoint: new Int32Array(channels), ...(axis === null ? {} : { axis }) });
  const lo = new Float64Array(channels).fill(Infinity);
  const hi = new Float64Array(channels).fill(-Infinity);
  for (let i = 0; i < values.length; i++) {
    const c = channelOf(r, i);
    const v = values[i]!;
    const d = roundHalfEven(v / scale[c]!);
    if (!Number.isFinite(v) || Math.fround(d * scale[c]!) !== v) return null;
    if (d < lo[c]!) lo[c] = d;
    if (d > hi[c]!) hi[c] = d;
  }
  const zeroPoint = new Int8Array(channels);
  for (let c = 0; c < channels; c++) {
    if (lo[c] === Infinity) continue; // empty tensor
    // x = d + zp must lie in [-128, 127] for every d of the slice, and zp itself too.
    const zMin = Math.max(INT8.min, INT8.min - lo[c]!);
    const zMax = Math.min(INT8.max, INT8.max - hi[c]!);
    if (zMin > zMax) return null;
    zeroPoint[c] = Math.min(Math.max(0, zMin), zMax);
  }
  return { scale: scale.slice(), zeroPoint, ...(r.axis === null ? {} : { axis: r.axis }) };
}

/**
 * A per-tensor int8 grid holding every value of `values` exactly (e.g. a codebook whose centroids
 * are evenly spaced), or null. Candidate scales come from the smallest gap between distinct values.
 */
export function findInt8Grid(values: Float32Array, shape: readonly number[]): WeightQuantization | null {
  const distinct = [...new Set(values)].filter((v) => v !== 0).sort((a, b) => a - b);
  if (distinct.some((v) => !Number.isFinite(v))) return null;
  if (distinct.length === 0) return exactInt8(values, shape, Float32Array.of(1), null);
  if (distinct.length > 255) return null;
  const points = [0, ...distinct].sort((a, b) => a - b);
  let gap = Infinity;
  for (let i = 1; i < points.length; i++) gap = Math.min(gap, points[i]! - points[i - 1]!);
  const span = points[points.length - 1]! - points[0]!;
  const steps = Math.round(span / gap);
  const candidates = new Set<number>();
  for (const base of [gap, span / steps, Math.abs(distinct[0]!) / Math.max(1, Math.round(Math.abs(distinct[0]!) / gap))]) {
    const f = Math.fround(base);
    for (const s of [f, nextFloat32(f, -1), nextFloat32(f, 1)]) if (s > 0 && Number.isFinite(s)) candidates.add(s);
  }
  for (const s of candidates) {
    const grid = exactInt8(values, shape, Float32Array.of(s), null);
    if (grid) return grid;
  }
  return null;
}

function nextFloat32(x: number, direction: 1 | -1): number {
  const bits = new Int32Array(Float32Array.of(x).buffer);
  bits[0] = bits[0]! + (x > 0 ? direction : -direction);
  return new Float32Array(bits.buffer)[0]!;
}
