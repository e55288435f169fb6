/**
 * Keras `imagenet_utils`: per-family input preprocessing and top-k decoding with the 1000 ImageNet
 * class names shipped in `data/imagenet-classes.json` (see data/README.md for their source).
 *
 * Preprocessing modes, exactly as Keras `_preprocess_tensor_input` (channels-last, pixels 0..255):
 * - 'tf'    (MobileNet v1/v2): x / 127.5 − 1, i.e. [−1, 1].
 * - 'caffe' (SqueezeNet, as the Keras port's example uses `imagenet_utils.preprocess_input`'s
 *           default): RGB → BGR, then subtract the BGR means [103.939, 116.779, 123.68]; no scaling.
 * - 'torch': x / 255, then (x − [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225] per RGB channel.
 * - 'unit'  (LeNet, trained on MNIST in [0, 1]): x / 255. Not a Keras mode.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { RuntimeError, UsageError, usageCheck } from '../errors.js';

export type PreprocessMode = 'tf' | 'caffe' | 'torch' | 'unit';
export type ModelFamily = 'mobilenet' | 'mobilenet_v2' | 'squeezenet' | 'lenet';

/** Which Keras preprocessing each family's checkpoints expect. */
export const FAMILY_MODES: Readonly<Record<ModelFamily, PreprocessMode>> = {
  mobilenet: 'tf',
  mobilenet_v2: 'tf',
  squeezenet: 'caffe',
  lenet: 'unit',
};

const MODES: readonly PreprocessMode[] = ['tf', 'caffe', 'torch', 'unit'];
const CAFFE_BGR_MEAN = [103.939, 116.779, 123.68] as const;
const TORCH_MEAN = [0.485, 0.456, 0.406] as const;
const TORCH_STD = [0.229, 0.224, 0.225] as const;

/** Resolve a family name or a mode name to a mode; anything else is a UsageError. */
export function preprocessMode(familyOrMode: ModelFamily | PreprocessMode): PreprocessMode {
  if ((MODES as readonly string[]).includes(familyOrMode)) return familyOrMode as PreprocessMode;
  const mode = (FAMILY_MODES as Record<string, PreprocessMode>)[familyOrMode];
  if (mode === undefined) {
    const known = [...Object.keys(FAMILY_MODES), ...MODES].join(', ');
    throw new UsageError(`preprocessing must be one of ${known}, got ${String(familyOrMode)}`);
  }
  return mode;
}

/**
 * Preprocess channels-last pixels (0..255, interleaved) into a new Float32Array. Pure; the same
 * arithmetic as `preprocessInput`.
 *
 * @example
 * preprocessPixels(new Float32Array([0, 127.5, 255]), 'mobilenet'); // [-1, 0, 1]
 */
export function preprocessPixels(
  pixels: ArrayLike<number>, familyOrMode: ModelFamily | PreprocessMode, channels = 3,
): Float32Array {
  const mode = preprocessMode(familyOrMode);
  checkChannels(mode, channels);
  usageCheck(pixels.length % channels === 0,
    () => `pixel count ${pixels.length} is not a multiple of ${channels} channels`);
  const out = new Float32Array(pixels.length);
  if (mode === 'tf' || mode === 'unit') {
    for (let i = 0; i < pixels.length; i++) out[i] = mode === 'tf' ? pixels[i]! / 127.5 - 1 : pixels[i]! / 255;
    return out;
  }
  for (let i = 0; i < pixels.length; i += 3) {
    const r = pixels[i]!, g = pixels[i + 1]!, b = pixels[i + 2]!;
    if (mode === 'caffe') {
      out[i] = b - CAFFE_BGR_MEAN[0];
      out[i + 1] = g - CAFFE_BGR_MEAN[1];
      out[i + 2] = r - CAFFE_BGR_MEAN[2];
    } else {
      out[i] = (r / 255 - TORCH_MEAN[0]) / TORCH_STD[0];
      out[i + 1] = (g / 255 - TORCH_MEAN[1]) / TORCH_STD[1];
      out[i + 2] = (b / 255 - TORCH_MEAN[2]) / TORCH_STD[2];
    }
  }
  return out;
}

/**
 * Keras `preprocess_input` for a model family: a channels-last image or batch (rank 3 or 4, pixels
 * 0..255) → a float32 tensor of the same shape. The caller owns (and disposes) both tensors.
 *
 * @example
 * const x = preprocessInput(tf.tensor4d([0, 127.5, 255], [1, 1, 1, 3]), 'mobilenet'); // [-1, 0, 1]
 */
export function preprocessInput<T extends tf.Tensor>(x: T, familyOrMode: ModelFamily | PreprocessMode): T {
  const mode = preprocessMode(familyOrMode);
  usageCheck(x.rank === 3 || x.rank === 4, () => `preprocessInput expects a rank-3 or rank-4 image tensor, got rank ${x.rank}`);
  checkChannels(mode, x.shape[x.rank - 1] as number);
  return tf.tidy(() => {
    const f = tf.cast(x, 'float32');
    switch (mode) {
      case 'tf': return tf.sub(tf.div(f, 127.5), 1);
      case 'unit': return tf.div(f, 255);
      case 'caffe': return tf.sub(tf.reverse(f, -1), tf.tensor1d([...CAFFE_BGR_MEAN]));
      case 'torch': return tf.div(tf.sub(tf.div(f, 255), tf.tensor1d([...TORCH_MEAN])), tf.tensor1d([...TORCH_STD]));
    }
  }) as T;
}

function checkChannels(mode: PreprocessMode, channels: number): void {
  if ((mode === 'caffe' || mode === 'torch') && channels !== 3) {
    throw new UsageError(`'${mode}' preprocessing needs 3 (RGB) channels, got ${channels}`);
  }
}

let classes: readonly string[] | undefined;

/** The 1000 ImageNet class names; index = class id. Read once from data/imagenet-classes.json. */
export function imagenetClasses(): readonly string[] {
  if (classes !== undefined) return classes;
  // src/models/ and dist/models/ are both two levels below the package root that holds data/.
  const url = new URL('../../data/imagenet-classes.json', import.meta.url);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(url, 'utf8'));
  } catch (err) {
    throw new RuntimeError(`cannot read the ImageNet class names at ${url.pathname}: ${(err as Error).message}`);
  }
  if (!Array.isArray(parsed) || parsed.length !== 1000 || !parsed.every((s) => typeof s === 'string')) {
    throw new RuntimeError(`${url.pathname} must be a JSON array of 1000 strings`);
  }
  classes = Object.freeze(parsed as string[]);
  return classes;
}

export interface Prediction {
  /** Class index in the model's output. */
  index: number;
  /** Class name, or the index as text when no names are known. */
  label: string;
  /** The model's output for this class (a probability for softmax outputs). */
  probability: number;
}

/**
 * The `top` highest-scoring classes of each row of a batch of predictions, best first (ties: lower
 * index first). Pure.
 */
export function topK(scores: ArrayLike<number>, numClasses: number, top: number, labels: readonly string[] | null): Prediction[][] {
  usageCheck(Number.isInteger(top) && top >= 1, () => `top must be a positive integer, got ${top}`);
  usageCheck(numClasses >= 1 && scores.length % numClasses === 0,
    () => `predictions of length ${scores.length} are not a whole number of ${numClasses}-class rows`);
  usageCheck(labels === null || labels.length === numClasses,
    () => `${labels?.length} labels do not match ${numClasses} output classes`);
  const k = Math.min(top, numClasses);
  const rows: Prediction[][] = [];
  for (let start = 0; start < scores.length; start += numClasses) {
    const order = Array.from({ length: numClasses }, (_, i) => i);
    order.sort((a, b) => scores[start + b]! - scores[start + a]! || a - b);
    rows.push(order.slice(0, k).map((index) => ({
      index, label: labels === null ? String(index) : labels[index]!, probability: scores[start + index]!,
    })));
  }
  return rows;
}

/**
 * Keras `decode_predictions`: for each image of a [N, C] batch (a tensor, or a flat Float32Array of
 * N·C values), the `top` classes with their names. `labels` defaults to the 1000 ImageNet names;
 * pass your own list for other classifiers, or `null` to label classes by index.
 *
 * @example
 * const [best] = decodePredictions(model.predict(x) as tf.Tensor, 1)[0]!;
 * console.log(best.label, best.probability); // e.g. "tabby, tabby cat" 0.83
 */
export function decodePredictions(
  preds: tf.Tensor | Float32Array, top = 5, labels: readonly string[] | null = imagenetClasses(),
): Prediction[][] {
  if (preds instanceof Float32Array) {
    usageCheck(labels !== null, () => 'decodePredictions on a flat Float32Array needs labels to know the class count');
    return topK(preds, labels.length, top, labels);
  }
  usageCheck(preds.rank === 2, () => `decodePredictions expects a [batch, classes] tensor, got shape [${preds.shape.join(', ')}]`);
  return topK(preds.dataSync(), preds.shape[1] as number, top, labels);
}
