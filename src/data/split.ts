/**
 * A set of labelled images as training and evaluation take them: `count` images, row-major
 * height × width × channels float32 each, and a class index per image. MNIST is the default shape
 * (28×28×1, 10 classes); an image folder (image-folder.ts) gives any shape and class count.
 */
import { usageCheck } from '../errors.js';

export type ImageShape = readonly [height: number, width: number, channels: number];

/** MNIST's image shape and classes, the defaults of a Split that does not say. */
export const MNIST_SHAPE: ImageShape = [28, 28, 1];
export const MNIST_CLASSES = 10;

export interface Split {
  /** `count` images, each `height·width·channels` values, row-major (HWC). */
  images: Float32Array;
  /** The class index of each image, in [0, classes). */
  labels: Uint8Array | Uint16Array;
  count: number;
  /** [height, width, channels] of each image (default 28×28×1, MNIST). */
  shape?: ImageShape;
  /** How many classes the labels index into (default 10). */
  classes?: number;
}

/** Training data and the split accuracy is measured on (MNIST's test set, or a folder's validation split). */
export interface Dataset {
  train: Split;
  test: Split;
  /** Class names by index, when the data has them (a folder's subfolder names). */
  classNames?: readonly string[];
}

/** The image shape of a split. */
export function imageShape(split: Pick<Split, 'shape'>): ImageShape {
  return split.shape ?? MNIST_SHAPE;
}

/** Values per image (height · width · channels). */
export function imageSize(split: Pick<Split, 'shape'>): number {
  const [h, w, c] = imageShape(split);
  return h * w * c;
}

/** How many classes a split's labels index into. */
export function classCount(split: Pick<Split, 'classes'>): number {
  return split.classes ?? MNIST_CLASSES;
}

/** The shape and class count of `split`, to give a split made from it. */
function geometry(split: Pick<Split, 'shape' | 'classes'>): Pick<Split, 'shape' | 'classes'> {
  return { ...(split.shape ? { shape: split.shape } : {}), ...(split.classes !== undefined ? { classes: split.classes } : {}) };
}

/**
 * The images at `indices`, in that order.
 *
 * @example
 * const firstTen = subset(loadMnist().test, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
 */
export function subset(source: Omit<Split, 'count'>, indices: ArrayLike<number>): Split {
  const size = imageSize(source);
  const count = indices.length;
  const images = new Float32Array(count * size);
  const labels = source.labels instanceof Uint16Array ? new Uint16Array(count) : new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const from = indices[i]!;
    images.set(source.images.subarray(from * size, (from + 1) * size), i * size);
    labels[i] = source.labels[from]!;
  }
  return { images, labels, count, ...geometry(source) };
}

/**
 * The first `count` images of a split (for quick runs and tests); shares the split's memory.
 *
 * @example
 * const quick = head(loadMnist().train, 1000);
 */
export function head(split: Split, count: number): Split {
  const n = Math.min(count, split.count);
  return { images: split.images.subarray(0, n * imageSize(split)), labels: split.labels.subarray(0, n), count: n, ...geometry(split) };
}

/**
 * The per-example input a model takes for a split's images: its shape as given ([h, w, c]), or
 * flat ([h·w·c]) — anything whose size matches. A UsageError names both otherwise.
 */
export function inputShapeFor(split: Pick<Split, 'shape'>, modelInput: readonly (number | null)[]): number[] {
  const dims = modelInput.slice(1);
  const size = dims.reduce<number>((p, d) => p * (d ?? -1), 1);
  const [h, w, c] = imageShape(split);
  usageCheck(size === imageSize(split),
    () => `the data holds ${h}×${w}×${c} images but the model takes [${dims.join(', ')}]`, 'data');
  return dims as number[];
}

/** Labels must index classes the model outputs: a UsageError names the first that does not. */
export function checkLabels(split: Split, outputs: number): void {
  const classes = classCount(split);
  usageCheck(classes <= outputs, () => `the data has ${classes} classes but the model outputs ${outputs}`, 'data');
  for (let i = 0; i < split.count; i++) {
    const label = split.labels[i]!;
    usageCheck(label < outputs, () => `label ${label} of image ${i} is not one of the model's ${outputs} classes`, 'data');
  }
}
