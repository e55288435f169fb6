import { describe, expect, it } from 'vitest';
import { dequantizeLikeTfjs, quantizeLikeConverter } from './tfjs-quantize.js';

describe('TF.js converter quantization', () => {
  it("uint8 of [0, -0.1, 1.2] matches the converter's documented example (nudged min, q = [20, 0, 255])", () => {
    const q = quantizeLikeConverter(Float32Array.of(0, -0.1, 1.2), 'uint8');
    expect([...q.bytes]).toEqual([20, 0, 255]);
    expect(q.quantization.dtype).toBe('uint8');
    expect(q.quantization.min).toBeCloseTo(-0.10196078817, 10);
    expect(q.quantization.scale).toBeCloseTo(0.00509803940852, 12);
    expect(Object.keys(q.quantization)).toEqual(['dtype', 'min', 'scale', 'original_dtype']);
    // 0 stays exactly representable after nudging.
    expect(dequantizeLikeTfjs(q.bytes, 3, q.quantization)[0]).toBe(0);
  });

  it('uint16 error is at most half a step per value', () => {
    const values = Float32Array.from({ length: 1000 }, (_, i) => Math.cos(i) * 0.3 + 0.05);
    const q = quantizeLikeConverter(values, 'uint16');
    expect(q.bytes.byteLength).toBe(2000);
    const back = dequantizeLikeTfjs(q.bytes, values.length, q.quantization);
    for (let i = 0; i < values.length; i++) expect(Math.abs(back[i]! - values[i]!)).toBeLessThanOrEqual(q.quantization.scale! / 2 + 1e-7);
  });

  it('a range not covering 0 is not nudged: min is the tensor minimum', () => {
    const q = quantizeLikeConverter(Float32Array.of(1, 2, 3), 'uint8');
    expect(q.quantization.min).toBe(1);
    expect(q.quantization.scale).toBeCloseTo(2 / 255, 15);
    expect([...q.bytes]).toEqual([0, 128, 255]); // 127.5 rounds to even
  });

  it('a constant tensor stores zeros with scale 1 and min = the value', () => {
    const q = quantizeLikeConverter(Float32Array.of(0.25, 0.25), 'uint8');
    expect(q.quantization).toEqual({ dtype: 'uint8', min: 0.25, scale: 1, original_dtype: 'float32' });
    expect([...q.bytes]).toEqual([0, 0]);
  });

  it('float16 stores half floats with no scale or min', () => {
    const q = quantizeLikeConverter(Float32Array.of(1, -2.5, 65504, 1e-8), 'float16');
    expect(q.quantization).toEqual({ dtype: 'float16', original_dtype: 'float32' });
    expect([...dequantizeLikeTfjs(q.bytes, 4, q.quantization)]).toEqual([1, -2.5, 65504, 0]);
  });
});
