/**
 * tf.layers model → ONNX (opset 13). The Keras graph is walked from the model outputs back to its
 * inputs (Sequential and functional models alike, shared layers included), each layer node becomes
 * ONNX nodes through the allowlist in onnx-layers.ts.
 *
 * Inputs and outputs keep Keras's NHWC layout and names (batch dimension symbolic, `N`); internally
 * convolutions run NCHW with Transposes where layouts change (see onnx-context.ts).
 *
 * Quantized weights: an int8 initializer feeding DequantizeLinear (per tensor, or per axis with the
 * axis mapped onto ONNX's OIHW / [in, out] layouts) whose output is the op's float weight input. This
 * "weight-only QDQ" form is what onnxruntime runs on every execution provider (opset 13 per-axis
 * DequantizeLinear); activations stay float32, so results equal the dequantized float model's —
 * except that onnxruntime's extended optimizations fuse DequantizeLinear → Gemm/MatMul into
 * MatMulNBits with int8 activations unless the session sets qdq_matmulnbits_accuracy_level = 0
 * (onnx-run.ts's EXACT_SESSION_OPTIONS). QuantizeLinear/DequantizeLinear pairs on activations are
 * not emitted: they would need calibration data and change the float semantics.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { UsageError } from '../errors.js';
import { OnnxGraphBuilder, type Dim } from './onnx-builder.js';
import { ExportContext, findWeight, type Layer, type OnnxValue } from './onnx-context.js';
import { LAYER_CONVERTERS, QUANTIZABLE_KERNELS, converterFor } from './onnx-layers.js';
import { dequantizeWeight, quantizeWeight, symmetricInt8, type WeightQuantizationMap } from './onnx-quant.js';

export interface OnnxExportOptions {
  /**
   * Weights to store as int8 + DequantizeLinear: a map from weight name (as in the TF.js manifest,
   * e.g. `conv1/kernel`) to scales/zero points in the Keras layout, or 'int8' for symmetric
   * per-output-channel int8 kernels (biases and BatchNormalization stay float32).
   */
  weightQuantization?: WeightQuantizationMap | 'int8';
  /** Free text stored as the model's doc_string. */
  docString?: string;
}

const PRODUCER_VERSION = '0.1.0';

/**
 * Export `model` as ONNX bytes.
 * @example
 * const bytes = exportOnnx(lenet5(), { weightQuantization: 'int8' });
 * await writeFileAtomic('lenet5.onnx', bytes);
 */
export function exportOnnx(model: tfl.LayersModel, options: OnnxExportOptions = {}): Uint8Array {
  const quantization =
    options.weightQuantization === 'int8' ? int8WeightQuantization(model) : (options.weightQuantization ?? new Map());
  if (!(quantization instanceof Map)) throw new UsageError(`weightQuantization must be a Map or 'int8'`);
  const graph = new OnnxGraphBuilder();
  const ctx = new ExportContext(graph, quantization);
  const values = new Map<number, OnnxValue>();

  const valueOf = (t: tfl.SymbolicTensor): OnnxValue => {
    const known = values.get(t.id);
    if (known) return known;
    const layer = t.sourceLayer;
    if (layer.getClassName() === 'InputLayer') {
      const name = graph.input(layer.name, dims(t.shape));
      const v: OnnxValue = { name, shape: [...t.shape], layout: 'keras' };
      values.set(t.id, v);
      return v;
    }
    const converter = converterFor(layer);
    const node = layer.inboundNodes[t.nodeIndex];
    if (!node) throw new Error(`layer ${layer.name} has no node ${t.nodeIndex}`);
    if (node.outputTensors.length !== 1) throw new UsageError(`layer ${layer.name} has ${node.outputTensors.length} outputs; only single-output layers export`);
    const inputs = node.inputTensors.map(valueOf);
    const out = converter({ ctx, layer, config: layer.getConfig(), inputs, output: [...node.outputTensors[0]!.shape] });
    values.set(node.outputTensors[0]!.id, out);
    return out;
  };

  // Reserve the output names (Keras output layer names) and declare the inputs first, in model order.
  const outputNames = model.outputs.map((t) => graph.uniqueName(t.sourceLayer.name));
  model.inputs.forEach(valueOf);
  model.outputs.forEach((t, i) => {
    const v = ctx.keras(valueOf(t));
    graph.output(outputNames[i]!, v.name, dims(t.shape));
  });
  ctx.checkAllQuantizationUsed();
  return graph.toBytes({ graphName: model.name, producerVersion: PRODUCER_VERSION, docString: options.docString ?? '' });
}

function dims(shape: (number | null)[]): Dim[] {
  return shape.map((d, i) => (d === null ? (i === 0 ? 'N' : `d${i}`) : d));
}

/** Every layer of the model with its class, converted or not (nested models are not expanded). */
function modelLayers(model: tfl.LayersModel): Layer[] {
  return model.layers as Layer[];
}

/**
 * The 'int8' preset as an explicit map: symmetric int8 per output channel for every kernel listed
 * in QUANTIZABLE_KERNELS (Conv2D, Dense, DepthwiseConv2D, SeparableConv2D).
 */
export function int8WeightQuantization(model: tfl.LayersModel): WeightQuantizationMap {
  const map: WeightQuantizationMap = new Map();
  for (const layer of modelLayers(model)) {
    for (const k of QUANTIZABLE_KERNELS[layer.getClassName()] ?? []) {
      const variable = findWeight(layer, k.weight);
      const values = variable.read().dataSync() as Float32Array;
      map.set(variable.originalName, symmetricInt8(values, variable.shape as number[], k.axis));
    }
  }
  return map;
}

/**
 * Replace the model's weights by what DequantizeLinear yields under `quantization` (in place), so
 * TF.js computes what the quantized ONNX model computes.
 */
export function applyWeightQuantization(model: tfl.LayersModel, quantization: WeightQuantizationMap): void {
  const seen = new Set<string>();
  for (const layer of modelLayers(model)) {
    for (const variable of layer.weights) {
      const q = quantization.get(variable.originalName);
      if (!q) continue;
      seen.add(variable.originalName);
      const shape = variable.shape as number[];
      const values = variable.read().dataSync() as Float32Array;
      const dequantized = dequantizeWeight(quantizeWeight(variable.originalName, values, shape, q), shape, q);
      const tensor = tf.tensor(dequantized, shape, 'float32');
      variable.write(tensor);
      tensor.dispose();
    }
  }
  for (const name of quantization.keys()) {
    if (!seen.has(name)) throw new UsageError(`weight quantization names ${JSON.stringify(name)}, which is not a weight of the model`);
  }
}

/** Layer classes the ONNX export accepts (for docs and errors). */
export const ONNX_LAYERS: readonly string[] = ['InputLayer', ...Object.keys(LAYER_CONVERTERS)];
