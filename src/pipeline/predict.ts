/**
 * Classifying image files with a model, as Keras' `model.predict(preprocess_input(x))` +
 * `decode_predictions`: images are converted to the model's channels (luminance for gray models,
 * inverted when the background is light: MNIST digits are white on black),
 * resized bilinearly to its input, preprocessed for its family (Keras' modes for the ImageNet zoo,
 * [0, 1] for LeNet-style digit models), and the top-k classes are named by the given labels, else
 * ImageNet names for 1000-class outputs, else class indexes.
 */
import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { RuntimeError, UsageError } from '../errors.js';
import { digitImage, imageForModel, readImageFile, type DecodedImage } from '../data/image.js';
import { imageInputOf, outputClasses } from '../models/image-input.js';
import { FAMILY_MODES, imagenetClasses, preprocessInput, topK, type ModelFamily, type Prediction, type PreprocessMode } from '../models/imagenet.js';
import { outputsProbabilities } from '../restructure/distill.js';

export interface ImagePredictions {
  /** The image's path (or the name it was given under). */
  image: string;
  top: Prediction[];
  /** A gray (digit) model's input had a light background and was inverted to white-on-black. */
  inverted?: boolean;
}

export interface PredictOptions {
  /** Classes listed per image (default 5). */
  top?: number;
  /** Class names, one per output class (default: ImageNet names for 1000 classes, else indexes). */
  labels?: readonly string[] | null;
  /** Input preprocessing (default: from `family`, else [0, 1] scaling). */
  preprocess?: ModelFamily | PreprocessMode;
  /** The model's family, when known (openModel reports it). */
  family?: ModelFamily;
  /** Notes for a human; default: dropped. */
  log?: (message: string) => void;
  /**
   * Runs one preprocessed NHWC image in place of `model.predict` and returns its scores (the smallnets
   * runtime on a .snn file); `model` still describes the input and output.
   */
  forward?: (x: Float32Array) => Float32Array;
}

/** An image to classify: a file path, or an already decoded image with a name. */
export type ImageSource = string | { path: string; image: DecodedImage };

/**
 * Top-k predictions of `model` for each image (one forward pass per image). Images given as paths
 * are read and checked (header, pixel limit) before any is run.
 *
 * @example
 * const [result] = await predictImages(model, ['digit.png'], { top: 3 });
 * console.log(result.top[0].label, result.top[0].probability);
 */
export async function predictImages(model: tfl.LayersModel, images: readonly ImageSource[], options: PredictOptions = {}): Promise<ImagePredictions[]> {
  const decoded: Array<{ path: string; image: DecodedImage }> = [];
  for (const source of images) decoded.push(typeof source === 'string' ? { path: source, image: await readImageFile(source) } : source);
  const { height, width, channels } = imageInputOf(model);
  const classes = outputClasses(model);
  const labels = options.labels !== undefined && options.labels !== null ? options.labels : classes === 1000 ? imagenetClasses() : null;
  if (labels !== null && labels.length !== classes) throw new UsageError(`\`labels\` has ${labels.length} names but the model has ${classes} classes`, { option: 'labels' });
  const preprocess = options.preprocess ?? options.family ?? 'unit';
  if (options.preprocess === undefined && options.family === undefined && channels === 3) {
    options.log?.(`note: unknown model family, scaling pixels to [0, 1]; pass \`preprocess\` (e.g. ${FAMILY_MODES.mobilenet} for MobileNets)`);
  }
  const top = options.top ?? 5;
  const probabilities = outputsProbabilities(model);
  return decoded.map(({ path, image: original }) => {
    // Gray models are digit models (MNIST: white strokes on black): dark-on-light images are inverted.
    const digit = channels === 1 ? digitImage(original) : undefined;
    const image = digit?.image ?? original;
    if (digit?.inverted) options.log?.(`note: ${path} has a light background; inverted to white-on-black, as MNIST digits are`);
    const scores = tf.tidy(() => {
      const x = preprocessInput(tf.expandDims(imageForModel(image, height, width, channels), 0), preprocess);
      const y = options.forward ? tf.tensor2d(options.forward(x.dataSync() as Float32Array), [1, classes]) : (model.predict(x) as tf.Tensor);
      return probabilities ? y : tf.softmax(y);
    });
    const values = scores.dataSync();
    scores.dispose();
    return { image: path, top: topK(values, classes, top, labels)[0]!, ...(digit ? { inverted: digit.inverted } : {}) };
  });
}

/**
 * Class names from a file: a JSON array of strings, or one name per line; `classes` names must be there.
 *
 * @example
 * const labels = await readLabels('labels.txt', 10);
 */
export async function readLabels(file: string, classes: number): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new RuntimeError(`cannot read labels file ${file}: ${code === 'ENOENT' ? 'no such file' : code ?? (error as Error).message}`);
  }
  let labels: string[];
  if (text.trimStart().startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new RuntimeError(`labels file ${file} is not valid JSON: ${(error as Error).message}`);
    }
    if (!Array.isArray(parsed) || !parsed.every((s) => typeof s === 'string')) throw new RuntimeError(`labels file ${file} must be a JSON array of strings`);
    labels = parsed as string[];
  } else {
    labels = text.replace(/\r/g, '').replace(/\n+$/, '').split('\n');
  }
  if (labels.length !== classes) throw new UsageError(`\`labels\` ${file} has ${labels.length} names but the model has ${classes} classes`, { option: 'labels' });
  return labels;
}
