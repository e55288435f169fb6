/**
 * State shared by the layer converters while a Keras graph becomes an ONNX graph: value layouts,
 * weights (float32 initializers, or int8 initializers feeding DequantizeLinear), activations.
 *
 * Layouts. Keras tensors are channels-last (NHWC); ONNX's Conv/Pool/BatchNormalization/Pad are
 * channels-first (NCHW). A rank-4 value carries where it lives: 'keras' (NHWC, as Keras sees it) or
 * 'nchw' (transposed). Spatial ops ask for `nchw(v)`, shape ops (Flatten, Reshape, Dense on rank 4,
 * graph outputs) ask for `keras(v)`; each Transpose is emitted once per value. So a Flatten after
 * convolutions flattens in Keras's H·W·C order, and the next Dense's kernel is used unchanged.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { RuntimeError, UsageError } from '../errors.js';
import type { OnnxGraphBuilder } from './onnx-builder.js';
import { quantizeWeight, resolveQuantization, type WeightQuantization, type WeightQuantizationMap } from './onnx-quant.js';
import { onnxQuantAxis, onnxWeightShape, toOnnxLayout, type WeightKind } from './weight-layout.js';

export type Layer = tfl.SymbolicTensor['sourceLayer'];
export type KerasShape = (number | null)[];

export interface OnnxValue {
  /** ONNX value name. */
  name: string;
  /** The Keras shape (batch first, channels last), whatever the ONNX layout. */
  shape: KerasShape;
  /** 'nchw' only for rank-4 values stored channels-first. */
  layout: 'keras' | 'nchw';
}

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];
/** Keras (NHWC) axis → NCHW axis. */
export const NCHW_AXIS = [0, 2, 3, 1];

/** Activations the exporter maps one to one onto ONNX operators. */
export const SUPPORTED_ACTIVATIONS = ['linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'softmax'] as const;

export class ExportContext {
  private readonly transposed = new Map<string, OnnxValue>();
  private readonly constants = new Map<string, string>();
  /** Names of the weights that were emitted quantized. */
  readonly quantized = new Set<string>();

  constructor(
    readonly graph: OnnxGraphBuilder,
    private readonly quantization: WeightQuantizationMap,
  ) {}

  /** The value in NCHW layout (rank 4 only). */
  nchw(v: OnnxValue): OnnxValue {
    if (v.shape.length !== 4) throw new RuntimeError(`expected a rank-4 (image) tensor, got shape ${fmt(v.shape)}`);
    return v.layout === 'nchw' ? v : this.transpose(v, 'nchw');
  }

  /** The value in its Keras layout. */
  keras(v: OnnxValue): OnnxValue {
    return v.layout === 'keras' ? v : this.transpose(v, 'keras');
  }

  private transpose(v: OnnxValue, to: OnnxValue['layout']): OnnxValue {
    const key = `${v.name}->${to}`;
    let out = this.transposed.get(key);
    if (!out) {
      const name = this.graph.op('Transpose', [v.name], `${v.name}_${to}`, { perm: to === 'nchw' ? TO_NCHW : TO_NHWC });
      out = { name, shape: v.shape, layout: to };
      this.transposed.set(key, out);
      // Transposing back returns the original value, not a second Transpose.
      this.transposed.set(`${name}->${v.layout}`, v);
    }
    return out;
  }

  /**
   * The ONNX input carrying weight `suffix` of `layer` (e.g. 'kernel'): a float32 initializer in
   * the ONNX layout, or, when the weight is quantized, an int8/int32 initializer + DequantizeLinear.
   */
  weight(layer: Layer, suffix: string, kind: WeightKind): string {
    const variable = findWeight(layer, suffix);
    const name = variable.originalName;
    const shape = variable.shape as number[];
    if (variable.dtype !== 'float32') throw new RuntimeError(`weight ${name} has dtype ${variable.dtype}; only float32 weights export`);
    const values = variable.read().dataSync() as Float32Array;
    const q = this.quantization.get(name);
    if (!q) return this.graph.initializer(name, 'float32', onnxWeightShape(kind, shape), toOnnxLayout(kind, values, shape));
    this.quantized.add(name);
    return this.dequantized(name, values, shape, kind, q);
  }

  private dequantized(name: string, values: Float32Array, shape: number[], kind: WeightKind, q: WeightQuantization): string {
    const g = this.graph;
    let ints = quantizeWeight(name, values, shape, q);
    const r = resolveQuantization(name, shape, q);
    const int8 = ints instanceof Int8Array;
    if (!int8) {
      // int32 DequantizeLinear takes no zero point: store q − z instead (exact in integers).
      for (let i = 0; i < ints.length; i++) {
        const c = r.channels === 1 ? 0 : Math.floor(i / r.inner) % r.channels;
        ints[i] = ints[i]! - q.zeroPoint[c]!;
      }
    }
    ints = toOnnxLayout(kind, ints, shape);
    const qName = g.initializer(`${name}_quantized`, int8 ? 'int8' : 'int32', onnxWeightShape(kind, shape), ints);
    let inputs: string[];
    let attrs: Record<string, number> = {};
    if (r.axis === null) {
      inputs = [qName, g.initializer(`${name}_scale`, 'float32', [], q.scale.subarray(0, 1))];
      if (int8) inputs.push(g.initializer(`${name}_zero_point`, 'int8', [], q.zeroPoint.subarray(0, 1) as Int8Array));
    } else {
      const scale = onnxQuantAxis(kind, shape, r.axis, q.scale);
      inputs = [qName, g.initializer(`${name}_scale`, 'float32', [scale.params.length], scale.params)];
      if (int8) {
        const zp = onnxQuantAxis(kind, shape, r.axis, q.zeroPoint as Int8Array);
        inputs.push(g.initializer(`${name}_zero_point`, 'int8', [zp.params.length], zp.params));
      }
      attrs = { axis: scale.axis };
    }
    return g.op('DequantizeLinear', inputs, name, attrs);
  }

  /** A float32 constant vector (e.g. BatchNormalization's gamma when the layer has no scale). */
  constant(base: string, values: Float32Array): string {
    return this.graph.initializer(base, 'float32', [values.length], values);
  }

  private scalar(value: number): string {
    const key = `f${value}`;
    let name = this.constants.get(key);
    if (!name) {
      name = this.graph.scalar(`const_${value}`, value);
      this.constants.set(key, name);
    }
    return name;
  }

  /** Clip(v, lo, hi) — ReLU6 and ReLU with a max value. */
  clip(v: OnnxValue, lo: number, hi: number, base: string): OnnxValue {
    return { ...v, name: this.graph.op('Clip', [v.name, this.scalar(lo), this.scalar(hi)], base) };
  }

  /** Apply a Keras activation by name; `linear` emits nothing. */
  activation(v: OnnxValue, activation: string, base: string, layerName: string): OnnxValue {
    const g = this.graph;
    switch (activation) {
      case 'linear':
        return v;
      case 'relu':
        return { ...v, name: g.op('Relu', [v.name], base) };
      case 'relu6':
        return this.clip(v, 0, 6, base);
      case 'sigmoid':
        return { ...v, name: g.op('Sigmoid', [v.name], base) };
      case 'tanh':
        return { ...v, name: g.op('Tanh', [v.name], base) };
      case 'softmax':
        return this.softmax(v, -1, base);
      default:
        throw new RuntimeError(
          `activation ${JSON.stringify(activation)} of layer ${layerName} is not supported by the ONNX export (supported: ${SUPPORTED_ACTIVATIONS.join(', ')})`,
        );
    }
  }

  /** Softmax along Keras axis `axis` (opset 13 normalizes along that one axis). */
  softmax(v: OnnxValue, axis: number, base: string): OnnxValue {
    const a = normalizeAxis(axis, v.shape.length);
    const onnxAxis = v.layout === 'nchw' ? NCHW_AXIS[a]! : a;
    return { ...v, name: this.graph.op('Softmax', [v.name], base, { axis: onnxAxis }) };
  }

  /** Fail on quantization entries naming weights the model does not have. */
  checkAllQuantizationUsed(): void {
    for (const name of this.quantization.keys()) {
      if (!this.quantized.has(name)) throw new UsageError(`weight quantization names ${JSON.stringify(name)}, which is not a weight of the model`);
    }
  }
}

/** The variable of `layer` whose name ends in `/suffix`. */
export function findWeight(layer: Layer, suffix: string): tfl.LayerVariable {
  const found = layer.weights.find((w) => w.originalName === `${layer.name}/${suffix}` || w.originalName.split('/').pop() === suffix);
  if (!found) throw new RuntimeError(`layer ${layer.name} (${layer.getClassName()}) has no ${suffix} weight`);
  return found;
}

export function hasWeight(layer: Layer, suffix: string): boolean {
  return layer.weights.some((w) => w.originalName.split('/').pop() === suffix);
}

export function normalizeAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) throw new RuntimeError(`axis ${axis} is out of range for rank ${rank}`);
  return a;
}

export function fmt(shape: KerasShape): string {
  return `[${shape.map((d) => (d === null ? 'null' : d)).join(', ')}]`;
}
