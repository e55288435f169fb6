/**
 * The training loop every technique reuses: pruning re-applies masks in `afterStep`, QAT and
 * clustering train their own wrapper weights, distillation swaps the loss.
 *
 * A custom loop rather than `model.fit`: the data stay on the backend as one tensor and each batch
 * is a gather, `afterStep` runs after every optimizer step, the loss is pluggable, and the
 * shuffling is our seeded PRNG, so a run is reproducible from `seed`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { checkLabels, imageShape as dataImageShape, inputShapeFor, type Split } from '../data/split.js';
import { mulberry32, shuffleInPlace } from '../random.js';
import { shiftedBatch } from '../data/augment.js';
import { epochProgress } from './progress.js';
import { GradientWorker } from './data-parallel.js';
import { usageCheck } from '../errors.js';
import { chainHooks, stepHooksOf } from './step-hooks.js';
import { crossEntropyLoss, type LossFn } from './losses.js';

export { crossEntropyLoss, type LossFn };

import { TRAIN_DEFAULTS, type OptimizerName } from './defaults.js';

export { TRAIN_DEFAULTS, type OptimizerName };

export interface TrainOptions {
  epochs: number;
  batchSize?: number;
  learningRate?: number;
  /** Learning-rate schedule over the whole run: constant, or cosine decay to 0. */
  schedule?: 'constant' | 'cosine';
  optimizer?: OptimizerName;
  seed?: number;
  /** Runs after every optimizer step, with the 1-based global step (after the model's own step hooks). */
  afterStep?: (step: number) => void;
  /** Runs before every optimizer step (after the model's own step hooks, e.g. pruning's mask updates). */
  beforeStep?: (step: number) => void;
  loss?: LossFn;
  /** Show per-epoch progress on stderr (default true). */
  progress?: boolean;
  /** Prefix for progress lines, e.g. the technique name. */
  label?: string;
  /** Random translations of up to `maxShift` pixels per training image (0 = none). */
  augment?: { maxShift: number };
  /**
   * A started data-parallel worker (./data-parallel.ts): each batch is split between this thread and
   * the worker. Only for stock-layer models with the default loss.
   */
  parallel?: GradientWorker;
  /**
   * 2: split each batch with a worker thread started for this run (./data-parallel.ts) when the
   * worker can rebuild the model and the loss, else train on one thread. Default: `trainingThreads()`.
   */
  threads?: 1 | 2;
}

export interface TrainResult {
  seconds: number;
  imagesPerSecond: number;
  steps: number;
  /** Mean training loss and accuracy per epoch. */
  history: Array<{ loss: number; accuracy: number }>;
  /** Threads the run trained on. */
  threads: 1 | 2;
}


let defaultThreads: 1 | 2 = 1;

/**
 * Set the threads `trainModel` uses when its options do not say (the CLI sets 2, from --threads).
 *
 * @example
 * setTrainingThreads(2); // every later trainModel call splits batches with a worker thread
 */
export function setTrainingThreads(threads: 1 | 2): void {
  usageCheck(threads === 1 || threads === 2, () => `\`threads\` must be 1 or 2, got ${threads}`, 'threads');
  defaultThreads = threads;
}

/** The threads `trainModel` uses by default. */
export function trainingThreads(): 1 | 2 {
  return defaultThreads;
}

export function makeOptimizer(name: OptimizerName, learningRate: number): tf.Optimizer {
  switch (name) {
    case 'adam':
      return tf.train.adam(learningRate);
    case 'sgd':
      return tf.train.sgd(learningRate);
    case 'momentum':
      return tf.train.momentum(learningRate, 0.9);
  }
}

export function validateTrainOptions(options: TrainOptions): void {
  usageCheck(Number.isInteger(options.epochs) && options.epochs >= 1, () => `\`epochs\` must be a positive integer, got ${options.epochs}`, 'epochs');
  const batch = options.batchSize ?? TRAIN_DEFAULTS.batchSize;
  usageCheck(Number.isInteger(batch) && batch >= 1, () => `\`batchSize\` must be a positive integer, got ${batch}`, 'batchSize');
  const lr = options.learningRate ?? TRAIN_DEFAULTS.learningRate;
  usageCheck(Number.isFinite(lr) && lr > 0, () => `\`learningRate\` must be a positive number, got ${lr}`, 'learningRate');
}

/** Train `model` in place on `split`. */
export function trainModel(model: tfl.LayersModel, split: Split, options: TrainOptions): TrainResult {
  validateTrainOptions(options);
  const batchSize = Math.min(options.batchSize ?? TRAIN_DEFAULTS.batchSize, split.count);
  const baseLr = options.learningRate ?? TRAIN_DEFAULTS.learningRate;
  const optimizer = makeOptimizer(options.optimizer ?? TRAIN_DEFAULTS.optimizer, baseLr);
  const random = mulberry32(options.seed ?? TRAIN_DEFAULTS.seed);
  const lossFn = options.loss ?? crossEntropyLoss;
  if (options.parallel && options.loss) throw new Error('a started worker (`parallel`) computes the default loss only; use `threads: 2`');
  const step_ = createTrainStep(model, optimizer, lossFn);
  // A worker of our own for this run (threads: 2), unless the caller brought one.
  const own = !options.parallel && (options.threads ?? defaultThreads) === 2 && split.count >= 2
    ? GradientWorker.startSync(model, batchSize, lossFn)
    : undefined;
  const worker = options.parallel ?? own;
  const parallelStep = worker ? createParallelStep(model, optimizer, worker, lossFn) : undefined;
  const stepsPerEpoch = Math.ceil(split.count / batchSize);
  const totalSteps = stepsPerEpoch * options.epochs;
  const imageShape = inputShapeFor(split, model.inputs[0]!.shape);
  const numClasses = model.outputs[0]!.shape[1] as number;
  checkLabels(split, numClasses);
  const dataShape = dataImageShape(split);
  const maxShift = options.augment?.maxShift ?? 0;
  // Hooks the model carries (pruning's masks) run before the caller's own.
  const carried = stepHooksOf(model);
  const beforeStep = chainHooks(carried?.beforeStep, options.beforeStep);
  const afterStep = chainHooks(carried?.afterStep, options.afterStep);

  const allXs = tf.tensor(split.images, [split.count, ...imageShape]);
  const allYs = tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from(split.labels), 'int32'), numClasses).toFloat());
  const order = Array.from({ length: split.count }, (_, i) => i);
  const history: TrainResult['history'] = [];
  const started = performance.now();
  let step = 0;
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      shuffleInPlace(order, random);
      const bar = epochProgress(epoch, options.epochs, split.count, { enabled: options.progress, label: options.label });
      const epochStart = performance.now();
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      // An error mid-epoch ends the bar's line (so the error starts on its own), without an epoch summary.
      try {
        for (let b = 0; b < stepsPerEpoch; b++) {
          const indices = order.slice(b * batchSize, Math.min((b + 1) * batchSize, split.count));
          step++;
          if (options.schedule === 'cosine') setLearningRate(optimizer, baseLr * 0.5 * (1 + Math.cos((Math.PI * (step - 1)) / totalSteps)));
          beforeStep?.(step);
          const [batchLoss, batchCorrect] = parallelStep
            ? parallelStep(shiftedBatch(split.images, indices, maxShift, random, dataShape), indices.map((i) => split.labels[i]!), imageShape)
            : tf.tidy(() => {
            const idx = tf.tensor1d(indices, 'int32');
            const xs = maxShift > 0
              ? tf.tensor(shiftedBatch(split.images, indices, maxShift, random, dataShape), [indices.length, ...imageShape])
              : tf.gather(allXs, idx);
            const ys = tf.gather(allYs, idx) as tf.Tensor2D;
            return step_(xs, ys);
          });
          afterStep?.(step);
          lossSum += batchLoss * indices.length;
          correct += batchCorrect;
          seen += indices.length;
          bar.update(seen, {
            loss: lossSum / seen,
            accuracy: correct / seen,
            imagesPerSecond: seen / ((performance.now() - epochStart) / 1000),
          });
        }
      } catch (error) {
        bar.abort();
        throw error;
      }
      bar.stop();
      history.push({ loss: lossSum / seen, accuracy: correct / seen });
    }
  } finally {
    allXs.dispose();
    allYs.dispose();
    optimizer.dispose();
    void own?.close();
  }
  const seconds = (performance.now() - started) / 1000;
  return { seconds, imagesPerSecond: (split.count * options.epochs) / seconds, steps: step, history, threads: worker ? 2 : 1 };
}

/**
 * One optimizer step on a batch: returns [mean loss, number classified correctly]. Reading the two
 * scalars synchronizes, which on CPU backends costs nothing and keeps step timings honest.
 */
export function createTrainStep(
  model: tfl.LayersModel,
  optimizer: tf.Optimizer,
  lossFn: LossFn = crossEntropyLoss,
): (xs: tf.Tensor, ys: tf.Tensor2D) => [number, number] {
  const variables = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  return (xs, ys) =>
    tf.tidy(() => {
      let outputs: tf.Tensor | undefined;
      const cost = optimizer.minimize(
        () => {
          const result = lossFn(model, xs, ys);
          outputs = tf.keep(result.outputs);
          return result.loss;
        },
        true,
        variables,
      )!;
      const hits = tf.sum(tf.cast(tf.equal(tf.argMax(outputs!, -1), tf.argMax(ys, -1)), 'int32'));
      const values: [number, number] = [cost.dataSync()[0]!, hits.dataSync()[0]!];
      outputs!.dispose();
      return values;
    });
}

/**
 * One optimizer step with the batch split between this thread and a data-parallel worker: both
 * compute gradients of their half's mean loss, the halves are averaged with their sizes as weights
 * (which equals the gradient of the whole batch's mean), and this thread applies the optimizer.
 */
export function createParallelStep(
  model: tfl.LayersModel,
  optimizer: tf.Optimizer,
  worker: GradientWorker,
  lossFn: LossFn = crossEntropyLoss,
): (pixels: Float32Array, labels: number[], imageShape: number[]) => [number, number] {
  const variables = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const sizes = variables.map((v) => v.size);
  const numClasses = model.outputs[0]!.shape[1] as number;
  return (pixels, labels, imageShape) => {
    const n = labels.length;
    const perImage = pixels.length / n;
    const theirs = Math.floor(n / 2);
    const mine = n - theirs;
    worker.publishWeights(model);
    if (theirs > 0) worker.begin(pixels.subarray(mine * perImage), labels.slice(mine));
    return tf.tidy(() => {
      const xs = tf.tensor(pixels.subarray(0, mine * perImage), [mine, ...imageShape]);
      const ys = tf.oneHot(tf.tensor1d(labels.slice(0, mine), 'int32'), numClasses).toFloat() as tf.Tensor2D;
      let outputs: tf.Tensor | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const r = lossFn(model, xs, ys);
        outputs = tf.keep(r.outputs);
        return r.loss;
      }, variables);
      const hits = tf.sum(tf.cast(tf.equal(tf.argMax(outputs!, -1), tf.argMax(ys, -1)), 'int32')).dataSync()[0]!;
      outputs!.dispose();
      const myLoss = value.dataSync()[0]!;
      if (theirs === 0) {
        optimizer.applyGradients(grads);
        return [myLoss, hits];
      }
      const other = worker.finish(sizes);
      const combined: tf.NamedTensorMap = {};
      variables.forEach((v, i) => {
        const own = grads[v.name] ?? tf.zerosLike(v);
        combined[v.name] = tf.add(tf.mul(own, mine / n), tf.mul(tf.tensor(other.grads[i]!, v.shape), theirs / n));
      });
      optimizer.applyGradients(combined);
      return [(myLoss * mine + other.loss * theirs) / n, hits + other.correct];
    });
  };
}

function setLearningRate(optimizer: tf.Optimizer, value: number): void {
  // tfjs optimizers read `learningRate` on every applyGradients call; it is not exposed as settable.
  (optimizer as unknown as { learningRate: number }).learningRate = value;
}

