/**
 * Which data a command that trains, fine-tunes or evaluates uses: the built-in MNIST split
 * (`mnist`, the default for models that take 28×28×1 digits), your own image folder (a directory
 * with one subfolder per class, read as Keras' image_dataset_from_directory reads it, resized to
 * the model's input and preprocessed for its family, with a seeded validation split), or none
 * (`none`: data-free, where a command allows it).
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { RuntimeError, UsageError } from '../errors.js';
import { loadMnist } from '../data/mnist.js';
import { loadImageFolder } from '../data/image-folder.js';
import { MNIST_SHAPE, head, type Dataset, type ImageShape } from '../data/split.js';
import { preprocessPixels, type ModelFamily, type PreprocessMode } from '../models/imagenet.js';
import { familyFromName } from './open-model.js';

/** The data sources named by a keyword; any other value is an image folder. */
export const DATA_SOURCES = ['mnist', 'none'] as const;
export type DataSource = (typeof DATA_SOURCES)[number] | (string & {});

export interface DataOptions {
  /** With a folder: the fraction held out for validation, in [0, 1) (default 0.2). */
  validationSplit?: number;
  /** With a folder: seeds the validation shuffle (default 1). */
  seed?: number;
  /** With a folder: leave out bad files and empty classes with a warning instead of failing. */
  skipBad?: boolean;
  /** How a folder's pixels are scaled for the model (default: its family's mode, else [0, 1]). */
  preprocess?: ModelFamily | PreprocessMode;
  /** Warnings (skipped files); default: dropped. */
  warn?: (message: string) => void;
  /** Use only the first `train` training and `test` test/validation images (quick tries); default: all. */
  limit?: { train: number; test: number };
}

/** Data loaded for a model, and what its `test` split is. */
export interface LoadedData extends Dataset {
  /** `mnist`, or the folder's path. */
  source: string;
  /** `test` for MNIST's held-out 2,000 digits, `validation` for a folder's validation split. */
  evaluatedOn: 'test' | 'validation';
}

/** Whether a model input ([batch, …]) takes 28×28×1 digits ([28, 28, 1] or flat [784]). */
export function takesMnistDigits(input: tfl.LayersModel | readonly (number | null)[]): boolean {
  const shape = Array.isArray(input) ? input : (input as tfl.LayersModel).inputs[0]!.shape;
  const dims = shape.slice(1);
  return (dims.length === 3 && dims[0] === 28 && dims[1] === 28 && dims[2] === 1) || (dims.length === 1 && dims[0] === 784);
}

/** The [height, width, channels] image a model input takes, or a UsageError for inputs that are not images. */
function imageShapeOf(input: readonly (number | null)[], source: string): ImageShape {
  const [, h, w, c] = input;
  if (input.length === 4 && h && w && (c === 1 || c === 3)) return [h, w, c];
  if (takesMnistDigits(input)) return MNIST_SHAPE;
  throw new UsageError(`\`data\` ${source}: the model input [${input.slice(1).join(', ')}] is not an image [height, width, 1 or 3]`, { option: 'data' });
}

/**
 * Load `source` for a model whose input is `input` ([batch, …], e.g. `model.inputs[0].shape`):
 * `mnist` (the fixed 8,000 / 2,000 split) or an image folder.
 *
 * @example
 * const data = await loadData('photos', [null, 28, 28, 1], { validationSplit: 0.2 });
 * console.log(data.classNames, data.train.count, data.test.count);
 */
export async function loadData(source: string, input: readonly (number | null)[], options: DataOptions = {}): Promise<LoadedData> {
  const data = await loadAll(source, input, options);
  const limit = options.limit;
  if (limit === undefined) return data;
  return { ...data, train: head(data.train, limit.train), test: head(data.test, limit.test) };
}

async function loadAll(source: string, input: readonly (number | null)[], options: DataOptions): Promise<LoadedData> {
  if (source === 'none') throw new UsageError('this needs training data: give `data` (mnist or an image folder)', { option: 'data' });
  if (source === 'mnist') {
    if (!takesMnistDigits(input)) {
      throw new UsageError(`\`data\` mnist needs a model taking 28×28×1 images; this one takes [${input.slice(1).join(', ')}] (give an image folder instead)`, { option: 'data' });
    }
    return { ...loadMnist(), source: 'mnist', evaluatedOn: 'test' };
  }
  const shape = imageShapeOf(input, source);
  const mode = options.preprocess ?? 'unit';
  const folder = await loadImageFolder(source, {
    shape,
    ...(options.validationSplit === undefined ? {} : { validationSplit: options.validationSplit }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.skipBad === undefined ? {} : { skipBad: options.skipBad }),
    ...(options.warn ? { warn: options.warn } : {}),
    preprocess: (pixels, channels) => preprocessPixels(pixels, mode, channels),
  });
  return { train: folder.train, test: folder.test, classNames: folder.classNames, source, evaluatedOn: 'validation' };
}

/**
 * The data for `model`: `source` as given, by default MNIST when the model takes digits and none
 * (null) otherwise; an image folder is checked against the model's outputs.
 *
 * @example
 * const data = await trainingDataFor(model);            // loadMnist() for a LeNet, null for a MobileNet
 * const mine = await trainingDataFor(model, 'photos');  // your folder, resized to the model's input
 */
export async function trainingDataFor(model: tfl.LayersModel, source?: DataSource, options: DataOptions = {}): Promise<LoadedData | null> {
  const input = model.inputs[0]!.shape;
  const chosen = source ?? (takesMnistDigits(input) ? 'mnist' : 'none');
  if (chosen === 'none') return null;
  const data = await loadData(chosen, input, { preprocess: familyFromName(model.name) ?? 'unit', ...options });
  const outputs = model.outputs[0]!.shape[1];
  const classes = data.classNames?.length;
  if (classes !== undefined && typeof outputs === 'number' && classes > outputs) {
    throw new RuntimeError(`data folder ${chosen} has ${classes} classes but the model outputs ${outputs}`);
  }
  return data;
}

/** `trainingDataFor`, for commands that cannot run without data: none is a UsageError naming `data`. */
export async function requireTrainingData(model: tfl.LayersModel, source?: DataSource, options: DataOptions = {}): Promise<LoadedData> {
  const data = await trainingDataFor(model, source, options);
  if (data) return data;
  throw new UsageError(
    `this needs data, and the model takes [${model.inputs[0]!.shape.slice(1).join(', ')}], not 28×28×1 digits: ` +
      'give `data` (an image folder with one subfolder of images per class)', { option: 'data' });
}

/** What a command's JSON says about its data. */
export function describeData(data: LoadedData | null): Record<string, unknown> | null {
  if (!data) return null;
  return {
    source: data.source, evaluatedOn: data.evaluatedOn, train: data.train.count, test: data.test.count,
    classes: data.classNames?.length ?? data.train.classes ?? 10,
  };
}
