import { describe, expect, it } from 'vitest';
import { onnxQuantAxis, onnxWeightShape, toOnnxLayout, transpose } from './weight-layout.js';

/** Keras kernel whose value encodes its own index: v = 1000·kh + 100·kw + 10·in + out. */
function indexed(shape: number[]): Float32Array {
  const [a, b, c, d] = shape as [number, number, number, number];
  const out = new Float32Array(a * b * c * d);
  let i = 0;
  for (let x = 0; x < a; x++) for (let y = 0; y < b; y++) for (let z = 0; z < c; z++) for (let w = 0; w < d; w++) out[i++] = 1000 * x + 100 * y + 10 * z + w;
  return out;
}

describe('weight layouts', () => {
  it('transpose [2,3] by [1,0] is the matrix transpose', () => {
    expect([...transpose(Float32Array.of(1, 2, 3, 4, 5, 6), [2, 3], [1, 0])]).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('conv kernel [kh,kw,in,out]=[2,3,4,5] becomes OIHW [5,4,2,3]', () => {
    const shape = [2, 3, 4, 5];
    const onnx = toOnnxLayout('conv', indexed(shape), shape);
    expect(onnxWeightShape('conv', shape)).toEqual([5, 4, 2, 3]);
    // OIHW element [o, i, h, w] at ((o·4 + i)·2 + h)·3 + w holds Keras [h, w, i, o].
    for (const [o, i, h, w] of [[0, 0, 0, 0], [4, 3, 1, 2], [2, 1, 0, 1]] as const) {
      expect(onnx[((o * 4 + i) * 2 + h) * 3 + w]).toBe(1000 * h + 100 * w + 10 * i + o);
    }
  });

  it('depthwise kernel [kh,kw,in,mult]=[3,3,2,3] becomes [in·mult,1,kh,kw] with o = c·mult + m', () => {
    const shape = [3, 3, 2, 3];
    const onnx = toOnnxLayout('depthwise', indexed(shape), shape);
    expect(onnxWeightShape('depthwise', shape)).toEqual([6, 1, 3, 3]);
    for (const [c, m, h, w] of [[1, 2, 2, 0], [0, 1, 1, 1]] as const) {
      expect(onnx[((c * 3 + m) * 3 + h) * 3 + w]).toBe(1000 * h + 100 * w + 10 * c + m);
    }
  });

  it('dense and vector weights keep their layout', () => {
    const data = Float32Array.of(1, 2, 3, 4, 5, 6);
    expect([...toOnnxLayout('dense', data, [2, 3])]).toEqual([...data]);
    expect(onnxWeightShape('dense', [2, 3])).toEqual([2, 3]);
    expect(onnxWeightShape('vector', [6])).toEqual([6]);
  });

  it('per-axis parameters map conv out→0, in→1, dense axes unchanged', () => {
    const s = Float32Array.of(1, 2);
    expect(onnxQuantAxis('conv', [3, 3, 4, 2], 3, s).axis).toBe(0);
    expect(onnxQuantAxis('conv', [3, 3, 2, 4], 2, s).axis).toBe(1);
    expect(onnxQuantAxis('dense', [5, 2], 1, s).axis).toBe(1);
    expect(onnxQuantAxis('vector', [2], 0, s).axis).toBe(0);
  });

  it('depthwise per-axis scales on in repeat and on mult tile to in·mult entries', () => {
    const perIn = onnxQuantAxis('depthwise', [3, 3, 2, 3], 2, Float32Array.of(1, 2));
    expect(perIn.axis).toBe(0);
    expect([...perIn.params]).toEqual([1, 1, 1, 2, 2, 2]);
    const perMult = onnxQuantAxis('depthwise', [3, 3, 2, 3], 3, Int8Array.of(-1, 0, 1));
    expect(perMult.params).toBeInstanceOf(Int8Array);
    expect([...perMult.params]).toEqual([-1, 0, 1, -1, 0, 1]);
  });

  it('rejects a weight of the wrong rank', () => {
    expect(() => onnxWeightShape('conv', [3, 3])).toThrow(/rank 4/);
  });
});
