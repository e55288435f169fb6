/**
 * smallnets' public API. Techniques follow one shape: an apply function returning a trainable model
 * and a `strip…` returning a plain tf.layers model.
 */
export { initBackend, type BackendName } from './engine/backend.js';
export { loadMnist, head, subset, splitToTensors, type Split, type Mnist, MNIST_SPLIT_SEED } from './data/mnist.js';
export { lenet5, lenet300, buildLeNet, type LeNetName } from './models/lenet.js';
export { mobilenetV1 } from './models/mobilenet-v1.js';
export { mobilenetV2 } from './models/mobilenet-v2.js';
export { squeezenet } from './models/squeezenet.js';
export { preprocessInput, decodePredictions, imagenetClasses } from './models/imagenet.js';
export { parseZooSpec, buildZooModel } from './models/zoo.js';
export { saveModel, loadModel } from './models/io.js';
export { trainModel, createTrainStep, crossEntropyLoss, type TrainOptions, type TrainResult, type LossFn } from './training/train.js';
export { evaluateAccuracy, predictClasses } from './training/evaluate.js';
export { summarize, describeModel } from './analysis/index.js';
export { UsageError, RuntimeError } from './errors.js';
export { openModel, openLayersModel, type OpenedModel, type OpenedLayersModel, type ModelFormat } from './pipeline/open-model.js';
