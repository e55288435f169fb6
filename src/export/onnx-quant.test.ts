import { describe, expect, it } from 'vitest';
import { dequantizeWeight, exactInt8, findInt8Grid, quantizeWeight, roundHalfEven, symmetricInt8 } from './onnx-quant.js';

describe('onnx weight quantization', () => {
  it('roundHalfEven rounds ties to even like numpy and QuantizeLinear', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, -2, 2, 3]);
  });

  it('per-tensor int8: q = round(v/s) + zp, saturating at [-128, 127]', () => {
    const q = quantizeWeight('w', Float32Array.of(0, 0.1, -0.1, 100, -100), [5], { scale: Float32Array.of(0.1), zeroPoint: Int8Array.of(3) });
    expect(q).toBeInstanceOf(Int8Array);
    expect([...q]).toEqual([3, 4, 2, 127, -128]);
  });

  it('per-axis int8 on the last axis uses each column its own scale', () => {
    const values = Float32Array.of(1, 10, -1, -10); // shape [2, 2]: column 0 scale 1, column 1 scale 10
    const params = { scale: Float32Array.of(1, 10), zeroPoint: Int8Array.of(0, 0), axis: 1 };
    const q = quantizeWeight('w', values, [2, 2], params);
    expect([...q]).toEqual([1, 1, -1, -1]);
    expect([...dequantizeWeight(q, [2, 2], params)]).toEqual([1, 10, -1, -10]);
  });

  it('per-axis on axis 0 of [2, 3] groups rows', () => {
    const params = { scale: Float32Array.of(1, 2), zeroPoint: Int8Array.of(0, 1), axis: 0 };
    const q = quantizeWeight('w', Float32Array.of(1, 2, 3, 2, 4, 6), [2, 3], params);
    expect([...q]).toEqual([1, 2, 3, 2, 3, 4]);
  });

  it('int32 zero points give int32 values without saturating at int8', () => {
    const q = quantizeWeight('w', Float32Array.of(1000, -1000), [2], { scale: Float32Array.of(1), zeroPoint: Int32Array.of(5) });
    expect(q).toBeInstanceOf(Int32Array);
    expect([...q]).toEqual([1005, -995]);
  });

  it('rejects mismatched scales, bad axes and non-positive scales, naming the weight', () => {
    expect(() => quantizeWeight('fc/kernel', new Float32Array(6), [2, 3], { scale: Float32Array.of(1, 1), zeroPoint: Int8Array.of(0) })).toThrow(/fc\/kernel/);
    expect(() => quantizeWeight('w', new Float32Array(6), [2, 3], { scale: Float32Array.of(1, 1), zeroPoint: Int8Array.of(0, 0) })).toThrow(/axis 1 of size 3/);
    expect(() => quantizeWeight('w', new Float32Array(6), [2, 3], { scale: Float32Array.of(0), zeroPoint: Int8Array.of(0) })).toThrow(/positive/);
  });

  it('symmetricInt8 per channel: scale max|w|/127, zero point 0, error ≤ scale/2', () => {
    const values = Float32Array.from({ length: 24 }, (_, i) => Math.sin(i * 1.7) * (1 + (i % 4)));
    const params = symmetricInt8(values, [6, 4], 1);
    expect(params.axis).toBe(1);
    expect([...params.zeroPoint]).toEqual([0, 0, 0, 0]);
    const back = dequantizeWeight(quantizeWeight('w', values, [6, 4], params), [6, 4], params);
    for (let i = 0; i < values.length; i++) expect(Math.abs(back[i]! - values[i]!)).toBeLessThanOrEqual(params.scale[i % 4]! / 2 + 1e-7);
    expect(symmetricInt8(new Float32Array(4), [4], null).scale[0]).toBe(1);
  });

  it('exactInt8 reproduces values already on an affine grid bit for bit, even with a uint8-style zero point', () => {
    const scale = Math.fround(0.0123);
    // A uint8 grid with zero point 200: d = q − 200 ranges over [−200, 55].
    const values = Float32Array.from([0, 17, 200, 255, 100], (q) => Math.fround((q - 200) * scale));
    const params = exactInt8(values, [5], Float32Array.of(scale), null)!;
    expect(params).not.toBeNull();
    const q = quantizeWeight('w', values, [5], params);
    expect([...dequantizeWeight(q, [5], params)]).toEqual([...values]);
  });

  it('exactInt8 refuses off-grid values and spans wider than 256 steps', () => {
    expect(exactInt8(Float32Array.of(0.5, 0.25, 0.3), [3], Float32Array.of(0.25), null)).toBeNull();
    expect(exactInt8(Float32Array.of(-200, 100), [2], Float32Array.of(1), null)).toBeNull();
  });

  it('findInt8Grid finds an evenly spaced codebook and rejects a learned one', () => {
    const step = Math.fround(0.037);
    const centroids = [-3, -1, 0, 2, 5].map((k) => Math.fround(k * step));
    const values = Float32Array.from({ length: 40 }, (_, i) => centroids[i % 5]!);
    const grid = findInt8Grid(values, [40])!;
    expect(grid).not.toBeNull();
    expect([...dequantizeWeight(quantizeWeight('w', values, [40], grid), [40], grid)]).toEqual([...values]);
    expect(findInt8Grid(Float32Array.of(0.1, 0.31, -0.277, 0), [4])).toBeNull();
  });
});
