/**
 * The TF.js converter's weight quantization (tensorflowjs/quantization.py), on typed arrays.
 *
 * uint8/uint16, per tensor: scale = (max − min) / qmax over the tensor's values; when the range
 * covers 0 it is "nudged" so 0 is exactly representable (zero point = round(−min / scale),
 * min = −zeroPoint · scale); q = round((clip(v, min, max) − min) / scale) with numpy's
 * round-half-to-even. A constant tensor stores q = 0 with scale 1 and min = that value.
 * TF.js loads value = q · scale + min. float16 stores IEEE half floats (no scale/min).
 * The manifest entry's `quantization` is `{dtype, min, scale, original_dtype}` in that key order,
 * as the converter writes it.
 */
import { float16ToFloat32Bits, float32BitsToFloat16 } from '../format/float16.js';
import { roundHalfEven } from './onnx-quant.js';

export type TfjsQuantization = 'uint8' | 'uint16' | 'float16';
export const TFJS_QUANTIZATIONS: readonly TfjsQuantization[] = ['uint8', 'uint16', 'float16'];

export interface QuantizedWeight {
  /** The stored bytes (little-endian). */
  bytes: Uint8Array;
  /** The manifest's `quantization` field. */
  quantization: { dtype: TfjsQuantization; min?: number; scale?: number; original_dtype: 'float32' };
}

/** Quantize one float32 tensor exactly as the TF.js converter does. */
export function quantizeLikeConverter(values: Float32Array, dtype: TfjsQuantization): QuantizedWeight {
  if (dtype === 'float16') {
    const halves = new Uint16Array(values.length);
    const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
    for (let i = 0; i < values.length; i++) halves[i] = float32BitsToFloat16(bits[i]!);
    return { bytes: littleEndianBytes(halves), quantization: { dtype, original_dtype: 'float32' } };
  }
  const qmax = dtype === 'uint8' ? 255 : 65535;
  const q = dtype === 'uint8' ? new Uint8Array(values.length) : new Uint16Array(values.length);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (values.length === 0 || lo === hi) {
    // numpy's min of an empty array raises; an empty tensor has nothing to store anyway.
    const min = values.length === 0 ? 0 : lo;
    return { bytes: littleEndianBytes(q), quantization: { dtype, min, scale: 1, original_dtype: 'float32' } };
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new Error('cannot quantize a tensor holding NaN or infinite values');
  const scale = (hi - lo) / qmax;
  let min = lo;
  let max = hi;
  if (lo <= 0 && 0 <= hi) {
    const zeroPoint = roundHalfEven((0 - lo) / scale);
    min = -zeroPoint * scale;
    max = qmax * scale + min;
  }
  for (let i = 0; i < values.length; i++) {
    const v = Math.min(Math.max(values[i]!, min), max);
    q[i] = Math.min(Math.max(roundHalfEven((v - min) / scale), 0), qmax);
  }
  // -0 would print as 0 in JSON anyway; keep the manifest number plain.
  return { bytes: littleEndianBytes(q), quantization: { dtype, min: min === 0 ? 0 : min, scale, original_dtype: 'float32' } };
}

/** What TF.js computes at load: value = q · scale + min (uint8/uint16), or the half float widened. */
export function dequantizeLikeTfjs(bytes: Uint8Array, count: number, quantization: QuantizedWeight['quantization']): Float32Array {
  const out = new Float32Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (quantization.dtype === 'float16') {
    for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
    return out;
  }
  const { scale = 1, min = 0 } = quantization;
  for (let i = 0; i < count; i++) {
    const q = quantization.dtype === 'uint8' ? view.getUint8(i) : view.getUint16(2 * i, true);
    out[i] = q * scale + min;
  }
  return out;
}

function halfToFloat(h: number): number {
  return new Float32Array(Uint32Array.of(float16ToFloat32Bits(h)).buffer)[0]!;
}

function littleEndianBytes(a: Uint8Array | Uint16Array): Uint8Array {
  if (a instanceof Uint8Array) return a;
  const out = new Uint8Array(a.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < a.length; i++) view.setUint16(2 * i, a[i]!, true);
  return out;
}
