/**
 * smallnets' public API: the common entry points of every layer. Each technique also has its own
 * subpath with everything it offers (`smallnets/pruning`, `/quantization`, `/clustering`,
 * `/restructure`, `/export`, `/pipeline`, `/format`). Techniques follow one shape: an apply
 * function returning a trainable model and a `strip…` returning `{ model, report }` with a plain
 * tf.layers model.
 */
export { initBackend, type BackendName } from './engine/backend.js';
export { UsageError, RuntimeError } from './errors.js';

// Data and models
export { loadMnist, splitToTensors, type Mnist, MNIST_SPLIT_SEED } from './data/mnist.js';
export { head, subset, type Split, type Dataset } from './data/split.js';
export { loadImageFolder, type ImageFolderOptions } from './data/image-folder.js';
export { readImageFile, decodeImage, encodePng, imageForModel, type DecodedImage } from './data/image.js';
export { lenet5, lenet300, buildLeNet, type LeNetName } from './models/lenet.js';
export { mobilenetV1 } from './models/mobilenet-v1.js';
export { mobilenetV2 } from './models/mobilenet-v2.js';
export { squeezenet } from './models/squeezenet.js';
export { preprocessInput, decodePredictions, imagenetClasses } from './models/imagenet.js';
export { parseZooSpec, buildZooModel } from './models/zoo.js';
export { saveModel, loadModel } from './models/io.js';
export { encodeModel, loadSnnModel, type EncodingHints } from './models/snn-model.js';
export { fromJson } from './graph/serializable.js';

// Training and measuring
export { trainModel, createTrainStep, crossEntropyLoss, type TrainOptions, type TrainResult, type LossFn } from './training/train.js';
export { evaluateAccuracy, predictClasses } from './training/evaluate.js';
export { summarize, describeModel } from './analysis/index.js';

// The techniques (apply / strip) and their recipes
export { prune, stripPruning, pruneAndRetrain, PruningConfig, constant, polynomialDecay, type SparsityReport } from './pruning/index.js';
export { quantizeAware, stripQuantization, quantizeWeights, quantizeAndFineTune, QuantizationConfig, type QuantizationReport } from './quantization/index.js';
export { clusterWeights, stripClustering, clusterAndFineTune, ClusteringConfig, type ClusteringReport } from './clustering/index.js';
export { restructure, distill, restructureAndDistill, separable, factorize, widthMultiplier, resolution } from './restructure/index.js';

// The pipeline
export {
  openModel, openLayersModel, compress, DEFAULT_RECIPE, predictImages, summaryOf,
  type OpenedModel, type OpenedLayersModel, type ModelFormat, type CompressOptions, type CompressResult,
} from './pipeline/index.js';
