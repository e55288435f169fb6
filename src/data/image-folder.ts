/**
 * Your own labelled images: a folder with one subfolder per class, as Keras'
 * `image_dataset_from_directory` reads it — classes are the subfolder names in sorted order (class
 * index = position), every PNG or JPEG below a class folder is one image of that class, and a seeded
 * shuffle holds out the last `validationSplit` of the images for validation.
 *
 * The folder is untrusted input: every file is checked by its header before its pixels are decoded
 * (PNG/JPEG by content, the pixel limit), the decoded dataset's size is checked before it is
 * allocated, and a bad file — unreadable, not an image, or of another size than the rest — is a
 * RuntimeError naming it, or with `skipBad` a warning and the file is left out. Images are converted
 * to the requested channels (luminance or gray→RGB) and resized bilinearly to the requested size.
 */
import { lstat, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { RuntimeError, usageCheck } from '../errors.js';
import { convertChannels, readImageFile, type DecodedImage } from './image.js';
import { permutation } from '../random.js';
import { subset, type Dataset, type ImageShape, type Split } from './split.js';

/** Decoded images held at most, in bytes (float32), unless the caller allows more. */
export const DEFAULT_MAX_FOLDER_BYTES = 2 ** 31;
/** Files a folder may list (before any is read). */
export const MAX_FOLDER_FILES = 5_000_000;

export interface ImageFolderOptions {
  /** Every image is resized to this [height, width, channels] (channels 1 or 3). */
  shape: ImageShape;
  /** Fraction of the images held out for validation, in [0, 1) (default 0.2, as Keras examples use). */
  validationSplit?: number;
  /** Seeds the shuffle that picks the validation images (default 1). */
  seed?: number;
  /** Leave out bad files and empty classes with a warning instead of failing (default false). */
  skipBad?: boolean;
  /** Pixels 0..255 (HWC, `channels` per pixel) → what the model takes; default x / 255, i.e. [0, 1]. */
  preprocess?: (pixels: Float32Array, channels: number) => Float32Array;
  /** Where warnings go (skipped files); default: dropped. */
  warn?: (message: string) => void;
  /** Most bytes of decoded float32 images to hold (default 2 GiB). */
  maxBytes?: number;
}

export interface ImageFolder extends Dataset {
  /** Class names (the subfolder names), by class index. */
  classNames: readonly string[];
  /** The training images (all of them with validationSplit 0). */
  train: Split;
  /** The validation images (empty with validationSplit 0). */
  test: Split;
  /** Files left out with `skipBad`, with the reason. */
  skipped: Array<{ file: string; reason: string }>;
}

const HIDDEN = /^\./;

async function listDirectory(dir: string, what: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((name) => !HIDDEN.test(name)).sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new RuntimeError(`cannot read ${what} ${dir}: ${code === 'ENOENT' ? 'no such directory' : code === 'ENOTDIR' ? 'not a directory' : code ?? (error as Error).message}`);
  }
}

/**
 * Every file below `dir` (recursively, sorted, hidden entries skipped). Symbolic links to folders
 * are not followed (Keras' default, follow_links=False): a link to `/` or to the folder itself in a
 * downloaded dataset would otherwise walk the whole disk or loop; links to files are read as files.
 */
async function filesBelow(dir: string, found: string[]): Promise<void> {
  for (const name of await listDirectory(dir, 'class folder')) {
    const full = path.join(dir, name);
    const own = await lstat(full).catch(() => undefined);
    const info = own?.isSymbolicLink() ? await stat(full).catch(() => undefined) : own;
    if (info?.isDirectory()) {
      if (!own!.isSymbolicLink()) await filesBelow(full, found);
    } else found.push(full);
    if (found.length > MAX_FOLDER_FILES) throw new RuntimeError(`${dir} holds more than ${MAX_FOLDER_FILES.toLocaleString('en-US')} files`);
  }
}

/** The class folders of `dir` and the files of each. */
async function listClasses(dir: string): Promise<Array<{ name: string; files: string[] }>> {
  const classes: Array<{ name: string; files: string[] }> = [];
  for (const name of await listDirectory(dir, 'data folder')) {
    const full = path.join(dir, name);
    // Loose files at the top are not images of a class; nor is a link to a folder (not followed, as below).
    if (!(await lstat(full).catch(() => undefined))?.isDirectory()) continue;
    const files: string[] = [];
    await filesBelow(full, files);
    classes.push({ name, files });
  }
  if (classes.length === 0) {
    throw new RuntimeError(`data folder ${dir} has no class subfolders (expected one subfolder of images per class, e.g. ${path.join(dir, 'cat')}/…)`);
  }
  if (classes.length > 65_535) throw new RuntimeError(`data folder ${dir} has ${classes.length} class folders, more than 65,535`);
  return classes;
}

const unitScale = (pixels: Float32Array): Float32Array => pixels.map((v) => v / 255);

/** The image as `shape`: channels converted, resized bilinearly (half-pixel centres) when its size differs. */
function toShape(image: DecodedImage, [height, width, channels]: ImageShape): Float32Array {
  const pixels = Float32Array.from(convertChannels(image, channels as 1 | 3));
  if (image.height === height && image.width === width) return pixels;
  return tf.tidy(() => {
    const t = tf.tensor3d(pixels, [image.height, image.width, channels]);
    return tf.image.resizeBilinear(t, [height, width], false, true).dataSync() as Float32Array;
  });
}

/**
 * Read an image folder into training and validation splits of `options.shape` images.
 *
 * @example
 * const { train, test, classNames } = await loadImageFolder('photos', { shape: [28, 28, 1], validationSplit: 0.2 });
 */
export async function loadImageFolder(dir: string, options: ImageFolderOptions): Promise<ImageFolder> {
  const [height, width, channels] = options.shape;
  usageCheck(channels === 1 || channels === 3, () => `an image folder is read as 1 or 3 channels, not ${channels}`);
  const validationSplit = options.validationSplit ?? 0.2;
  usageCheck(Number.isFinite(validationSplit) && validationSplit >= 0 && validationSplit < 1,
    () => `\`validationSplit\` must be in [0, 1), got ${validationSplit}`, 'validationSplit');
  const warn = options.warn ?? (() => undefined);
  const skipped: ImageFolder['skipped'] = [];
  const bad = (file: string, reason: string): void => {
    if (!options.skipBad) throw new RuntimeError(`${reason} (pass \`skipBad\` to leave such files out)`, { option: 'skipBad' });
    skipped.push({ file, reason });
    warn(`skipped ${reason}`);
  };

  const classes = await listClasses(dir);
  for (const c of classes) {
    if (c.files.length === 0) {
      if (!options.skipBad) throw new RuntimeError(`class folder ${path.join(dir, c.name)} has no images (pass \`skipBad\` to allow an empty class)`, { option: 'skipBad' });
      warn(`class ${c.name} (${path.join(dir, c.name)}) has no images`);
    }
  }
  const listed = classes.reduce((s, c) => s + c.files.length, 0);
  const size = height * width * channels;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_FOLDER_BYTES;
  if (listed * size * 4 > maxBytes) {
    throw new RuntimeError(`data folder ${dir} has ${listed.toLocaleString('en-US')} files; as ${height}×${width}×${channels} float32 images that is ` +
      `${(listed * size * 4).toLocaleString('en-US')} bytes, more than the ${maxBytes.toLocaleString('en-US')} allowed`);
  }

  const images = new Float32Array(listed * size);
  const labels = classes.length <= 256 ? new Uint8Array(listed) : new Uint16Array(listed);
  const preprocess = options.preprocess ?? unitScale;
  let reference: { file: string; width: number; height: number } | undefined;
  let count = 0;
  for (const [label, c] of classes.entries()) {
    for (const file of c.files) {
      let image: DecodedImage;
      try {
        image = await readImageFile(file);
      } catch (error) {
        if (!(error instanceof RuntimeError)) throw error;
        bad(file, error.message);
        continue;
      }
      if (!reference) reference = { file, width: image.width, height: image.height };
      else if (image.width !== reference.width || image.height !== reference.height) {
        bad(file, `${file} is ${image.width}×${image.height} but ${reference.file} is ${reference.width}×${reference.height} (the images of a folder share one size)`);
        continue;
      }
      images.set(preprocess(toShape(image, options.shape), channels), count * size);
      labels[count] = label;
      count++;
    }
  }
  if (count === 0) throw new RuntimeError(`data folder ${dir} has no readable PNG or JPEG images`);

  const all: Split = { images: images.subarray(0, count * size), labels: labels.subarray(0, count), count, shape: options.shape, classes: classes.length };
  // Keras: shuffle with the seed, the last `validationSplit` of the images are the validation set.
  const order = permutation(count, options.seed ?? 1);
  const validation = Math.floor(validationSplit * count);
  usageCheck(validationSplit === 0 || (validation >= 1 && validation < count),
    () => `\`validationSplit\` ${validationSplit} of ${count} images leaves ${validation === 0 ? 'no validation' : 'no training'} image`, 'validationSplit');
  return {
    train: subset(all, order.subarray(0, count - validation)),
    test: subset(all, order.subarray(count - validation)),
    classNames: classes.map((c) => c.name),
    skipped,
  };
}
