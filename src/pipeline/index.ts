/**
 * The pipeline: open any model (`openModel`), the Deep Compression pipeline (`compress` → .snn),
 * classify images (`predictImages`), summarize a model where it lies (`summaryOf`), and the three
 * weight techniques in their one shared shape (`pruning`, `quantization`, `clustering`), accuracy
 * (`accuracyOn`, .snn files on the smallnets runtime) and inference latency across engines (`benchInference`).
 */
export {
  openModel, openLayersModel, familyFromName, MAX_ONNX_FILE_BYTES,
  type OpenedModel, type OpenedLayersModel, type ModelFormat,
} from './open-model.js';
export { compress, DEFAULT_RECIPE, type CompressOptions, type CompressResult } from './compress.js';
export { compressionSizes, type CompressionSizes, type TensorSizes } from './compression-sizes.js';
export { predictImages, readLabels, type ImagePredictions, type ImageSource, type PredictOptions } from './predict.js';
export { summaryOf, type SummaryOptions } from './summary.js';
export {
  DATA_SOURCES, describeData, loadData, requireTrainingData, takesMnistDigits, trainingDataFor,
  type DataOptions, type DataSource, type LoadedData,
} from './training-data.js';
export { clustering, pruning, quantization, type Technique } from './techniques.js';
export { accuracyOn, type AccuracyResult, type EvaluateEngine } from './evaluate.js';
export { benchInference, BENCH_ENGINES, type BenchEngine, type BenchOptions, type BenchReport, type BenchRow } from './bench-inference.js';
