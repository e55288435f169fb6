/**
 * Exports: TF.js LayersModel files with the converter's weight quantization, ONNX (opset 13, float32
 * or int8 weights through DequantizeLinear), and running/evaluating .onnx files with onnxruntime-node
 * (a development dependency, loaded only when a model is run).
 */
export { exportTfjs, tfjsFiles, saveTfjs, type TfjsExportOptions, type TfjsFiles } from './tfjs.js';
export { quantizeLikeConverter, dequantizeLikeTfjs, TFJS_QUANTIZATIONS, type TfjsQuantization, type QuantizedWeight } from './tfjs-quantize.js';
export { exportOnnx, int8WeightQuantization, applyWeightQuantization, ONNX_LAYERS, type OnnxExportOptions } from './onnx.js';
export {
  quantizeWeight,
  dequantizeWeight,
  symmetricInt8,
  exactInt8,
  findInt8Grid,
  type WeightQuantization,
  type WeightQuantizationMap,
} from './onnx-quant.js';
export { LAYER_CONVERTERS, QUANTIZABLE_KERNELS } from './onnx-layers.js';
export { ONNX_OPSET, decodeOnnx } from './onnx-builder.js';
export { evaluateOnnx, runOnnx, onnxModelInfo, OnnxRunner, EXACT_SESSION_OPTIONS, type OnnxModelInfo } from './onnx-run.js';
export { snnWeightQuantization, type SnnOnnxMapping } from './snn-model.js';
export { snnToArtifacts, snnToLayersModel } from '../models/snn-model.js';
export {
  exportToFile,
  checkExportOptions,
  EXPORT_FORMATS,
  type ExportFormat,
  type ExportFileOptions,
  type ExportSource,
} from './export-file.js';
