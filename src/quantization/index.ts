/** Quantization: fake quantization with a straight-through estimator, QAT, post-training quantization. */
export {
  MIN_BITS,
  MAX_BITS,
  validateBits,
  codeRange,
  gridFromRange,
  gridLimits,
  quantizeCode,
  dequantizeCode,
  fakeQuantValue,
  fakeQuantArray,
  quantizeCodes,
  channelMinMax,
  type AffineGrid,
  type GridOptions,
} from './fake-quant.js';
export { RANGE_METHODS, weightGrids, gridsWithRatios, searchClipRatios, type RangeMethod, type WeightGridOptions } from './ranges.js';
export { fakeQuant, fakeQuantWithGrids, type FakeQuantOptions } from './fake-quant-op.js';
export { QuantizationConfig, QUANTIZE_DEFAULTS, qatTrainingDefaults, type QuantizeOptions } from './config.js';
export { QuantizeWrapper } from './quantize-wrapper.js';
export { quantizeAware, stripQuantization, quantizeWrappers } from './qat.js';
export { quantizeWeights, calibrateActivations, DEFAULT_CALIBRATION_SAMPLES, type PtqOptions } from './ptq.js';
export {
  readQuantizationMetadata,
  type QuantizedModel,
  type QuantizationReport,
  type QuantizedWeight,
  type ActivationRange,
  type QuantizationMetadata,
} from './records.js';
export { distinctValuesPerLayer } from '../analysis/distinct.js';
export { quantizeAndFineTune, type QuantizeFineTuneOptions, type QuantizeFineTuneResult } from './fine-tune.js';
export { KERNEL_LAYERS, FLOAT_LAYERS, type KernelLayerKind, type KernelLayerEntry } from '../graph/kernel-layers.js';
