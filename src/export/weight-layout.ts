/**
 * Keras weight layouts → ONNX weight layouts, on plain typed arrays.
 *
 *   kind        Keras shape              ONNX shape                 used by
 *   conv        [kh, kw, in, out]        [out, in, kh, kw] (OIHW)   Conv2D, SeparableConv2D pointwise
 *   depthwise   [kh, kw, in, mult]       [in·mult, 1, kh, kw]       DepthwiseConv2D, separable depthwise (group = in)
 *   dense       [in, out]                [in, out]                  Dense (Gemm/MatMul B)
 *   vector      [n]                      [n]                        biases, BatchNormalization
 *
 * A per-axis quantization given on a Keras axis maps to one ONNX axis: conv's out → 0, in → 1;
 * dense keeps its axis; depthwise's in and mult axes both become ONNX axis 0 (o = c·mult + m), so
 * their scales are repeated (in) or tiled (mult) to in·mult entries. Spatial axes map to 2 and 3.
 */

export type WeightKind = 'conv' | 'depthwise' | 'dense' | 'vector';

type Typed = Float32Array | Int8Array | Int32Array;

/** ONNX shape of a Keras weight of `kind`. */
export function onnxWeightShape(kind: WeightKind, shape: readonly number[]): number[] {
  checkRank(kind, shape);
  const [kh, kw, cin, last] = shape as [number, number, number, number];
  if (kind === 'conv') return [last, cin, kh, kw];
  if (kind === 'depthwise') return [cin * last, 1, kh, kw];
  return [...shape];
}

/** Reorder a Keras weight into its ONNX layout (a new array of the same type). */
export function toOnnxLayout<T extends Typed>(kind: WeightKind, data: T, shape: readonly number[]): T {
  checkRank(kind, shape);
  if (kind === 'dense' || kind === 'vector') return data.slice() as T;
  // conv: OIHW = transpose [3, 2, 0, 1]; depthwise: [in, mult, kh, kw] = transpose [2, 3, 0, 1], then a reshape.
  return transpose(data, shape, kind === 'conv' ? [3, 2, 0, 1] : [2, 3, 0, 1]);
}

/** Per-axis parameters on a Keras axis → the ONNX axis and per-ONNX-slice parameters. */
export function onnxQuantAxis<S extends Float32Array | Int8Array | Int32Array>(
  kind: WeightKind,
  shape: readonly number[],
  kerasAxis: number,
  params: S,
): { axis: number; params: S } {
  checkRank(kind, shape);
  if (kind === 'dense' || kind === 'vector') return { axis: kerasAxis, params };
  if (kind === 'conv') return { axis: [2, 3, 1, 0][kerasAxis]!, params };
  const [, , cin, mult] = shape as [number, number, number, number];
  if (kerasAxis === 0 || kerasAxis === 1) return { axis: kerasAxis + 2, params };
  const expanded = new (params.constructor as new (n: number) => S)(cin * mult);
  for (let c = 0; c < cin; c++) {
    for (let m = 0; m < mult; m++) expanded[c * mult + m] = params[kerasAxis === 2 ? c : m]!;
  }
  return { axis: 0, params: expanded };
}

/** Row-major transpose: output axis i is input axis perm[i]. */
export function transpose<T extends Typed>(data: T, shape: readonly number[], perm: readonly number[]): T {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]!);
  const inStrides = strides(shape);
  const out = new (data.constructor as new (n: number) => T)(data.length);
  const index = new Array<number>(rank).fill(0);
  for (let o = 0; o < data.length; o++) {
    let src = 0;
    for (let i = 0; i < rank; i++) src += index[i]! * inStrides[perm[i]!]!;
    out[o] = data[src]!;
    for (let i = rank - 1; i >= 0; i--) {
      if (++index[i]! < outShape[i]!) break;
      index[i] = 0;
    }
  }
  return out;
}

function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}

function checkRank(kind: WeightKind, shape: readonly number[]): void {
  const rank = { conv: 4, depthwise: 4, dense: 2, vector: 1 }[kind];
  if (shape.length !== rank) throw new Error(`a ${kind} weight has rank ${rank}, got shape [${shape.join(', ')}]`);
}
