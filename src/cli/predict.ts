/**
 * `smallnets predict IMAGE... --model MODEL [--top 5] [--labels FILE] [--json]`: classify PNG/JPEG
 * images with a saved model or a zoo model, as Keras' `model.predict(preprocess_input(x))` +
 * `decode_predictions`.
 *
 * MODEL: a TF.js directory / model.json / http(s) URL, a .snn file (anything openLayersModel opens), or a
 * zoo spec (random weights: the machines are offline). Images are decoded after a header check
 * (pixel limit), converted to the model's channels (luminance for gray models), resized
 * bilinearly to its input, and preprocessed for its family: Keras' modes for the ImageNet zoo,
 * [0, 1] for LeNet-style digit models. Labels: --labels file, else ImageNet names for 1000-class
 * outputs, else class indexes.
 */
import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Command } from 'commander';
import { addCommand } from './command.js';
import { RuntimeError, UsageError } from '../errors.js';
import { oneOf, positiveInt } from './options.js';
import { log, printTable } from './output.js';
import { imageForModel, readImageFile, type DecodedImage } from '../data/image.js';
import { FAMILY_MODES, imagenetClasses, preprocessInput, topK, type ModelFamily, type Prediction, type PreprocessMode } from '../models/imagenet.js';
import { openLayersModel, type OpenedLayersModel } from '../pipeline/open-model.js';
import { ZOO_SPEC_FORMS } from '../models/zoo.js';
import { outputsProbabilities } from '../restructure/distill.js';

const PREPROCESS_CHOICES = ['tf', 'caffe', 'torch', 'unit', 'mobilenet', 'mobilenet_v2', 'squeezenet', 'lenet'] as const;
type PreprocessChoice = (typeof PREPROCESS_CHOICES)[number];

interface PredictFlags {
  model: string;
  top: number;
  labels?: string;
  preprocess?: PreprocessChoice;
}

export interface ImagePredictions {
  image: string;
  top: Prediction[];
}

/** A model location or zoo spec → a tf.layers model (zoo specs: random weights, with a note). */
export async function resolvePredictModel(location: string): Promise<OpenedLayersModel> {
  const opened = await openLayersModel(location);
  if (opened.format === 'zoo') log(`${location}: zoo model with freshly initialized weights (no pretrained weights are downloaded)`);
  return opened;
}

/** The [height, width, channels] image input a model takes. */
export function imageInput(model: tfl.LayersModel): { height: number; width: number; channels: 1 | 3 } {
  const shape = model.inputs[0]!.shape;
  const [, height, width, channels] = shape;
  if (model.inputs.length !== 1 || shape.length !== 4 || !height || !width || (channels !== 1 && channels !== 3)) {
    throw new RuntimeError(`model input ${JSON.stringify(shape)} is not an image input [batch, height, width, 1 or 3]`);
  }
  return { height, width, channels };
}

/** Class names from a file: a JSON array of strings, or one name per line. */
export async function readLabels(file: string, classes: number): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new RuntimeError(`cannot read --labels ${file}: ${code === 'ENOENT' ? 'no such file' : code ?? (error as Error).message}`);
  }
  let labels: string[];
  if (text.trimStart().startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new RuntimeError(`--labels ${file} is not valid JSON: ${(error as Error).message}`);
    }
    if (!Array.isArray(parsed) || !parsed.every((s) => typeof s === 'string')) throw new RuntimeError(`--labels ${file} must be a JSON array of strings`);
    labels = parsed as string[];
  } else {
    labels = text.replace(/\r/g, '').replace(/\n+$/, '').split('\n');
  }
  if (labels.length !== classes) throw new UsageError(`--labels ${file} has ${labels.length} names but the model has ${classes} classes`);
  return labels;
}

/** Which preprocessing applies: the flag, else the model's family, else [0, 1] scaling. */
function preprocessFor(flag: PreprocessChoice | undefined, family: ModelFamily | undefined): ModelFamily | PreprocessMode {
  return flag ?? family ?? 'unit';
}

/** Top-k predictions of a model for decoded images (one forward pass per image). */
export function predictImages(
  model: tfl.LayersModel,
  images: Array<{ path: string; image: DecodedImage }>,
  options: { top: number; labels: readonly string[] | null; preprocess: ModelFamily | PreprocessMode },
): ImagePredictions[] {
  const { height, width, channels } = imageInput(model);
  const output = model.outputs[0]!.shape;
  if (output.length !== 2 || !output[1]) throw new RuntimeError(`model output ${JSON.stringify(output)} is not a [batch, classes] classifier output`);
  const classes = output[1];
  const probabilities = outputsProbabilities(model);
  return images.map(({ path, image }) => {
    const scores = tf.tidy(() => {
      const x = preprocessInput(tf.expandDims(imageForModel(image, height, width, channels), 0), options.preprocess);
      const y = model.predict(x) as tf.Tensor;
      return probabilities ? y : tf.softmax(y);
    });
    const values = scores.dataSync();
    scores.dispose();
    return { image: path, top: topK(values, classes, options.top, options.labels)[0]! };
  });
}

export function register(program: Command): void {
  addCommand<PredictFlags>(
    program,
    'predict',
    (cmd) =>
      cmd
        .description('classify PNG/JPEG images: top-k labels and probabilities')
        .argument('<images...>', 'PNG or JPEG files')
        .requiredOption('--model <model>', `model directory, model.json, URL, or zoo spec: ${ZOO_SPEC_FORMS.join(', ')}`)
        .option('--top <k>', 'how many classes to list per image', positiveInt('--top'), 5)
        .option('--labels <file>', 'class names: JSON array or one per line (default: ImageNet names for 1000 classes, else indexes)')
        .option('--preprocess <mode>', `input preprocessing (default: from the model family, else unit = [0, 1]): ${PREPROCESS_CHOICES.join(', ')}`,
          oneOf('--preprocess', PREPROCESS_CHOICES)),
    async (paths, flags) => {
      // Images first: a bad image fails fast, before a large model is built.
      const images: Array<{ path: string; image: DecodedImage }> = [];
      for (const path of paths) images.push({ path, image: await readImageFile(path) });
      const opened = await resolvePredictModel(flags.model);
      const { layers: model, family } = opened;
      try {
        const { channels } = imageInput(model);
        const classes = model.outputs[0]!.shape[1] ?? 0;
        const labels = flags.labels !== undefined ? await readLabels(flags.labels, classes) : classes === 1000 ? imagenetClasses() : null;
        const preprocess = preprocessFor(flags.preprocess, family);
        if (flags.preprocess === undefined && family === undefined && channels === 3) {
          log(`note: unknown model family, scaling pixels to [0, 1]; pass --preprocess (e.g. ${FAMILY_MODES.mobilenet} for MobileNets)`);
        }
        const predictions = predictImages(model, images, { top: flags.top, labels, preprocess });
        printTable(
          ['image', 'rank', 'label', 'index', 'probability'],
          predictions.flatMap((p) => p.top.map((t, i) => [i === 0 ? p.image : '', i + 1, t.label, t.index, `${(t.probability * 100).toFixed(2)}%`])),
        );
        return { command: 'predict', predictions };
      } finally {
        opened.dispose();
      }
    },
  );
}
