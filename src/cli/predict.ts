/**
 * `smallnets predict IMAGE... --model MODEL [--top 5] [--labels FILE] [--json]`: classify PNG/JPEG
 * images with a saved model or a zoo model. A thin layer over `predictImages`
 * (src/pipeline/predict.ts); MODEL is anything `openLayersModel` opens (zoo specs: random weights).
 * A .snn model runs on the smallnets runtime unless `--engine tfjs`.
 */
import type { Command } from 'commander';
import { addCommand } from './command.js';
import { oneOf, positiveInt } from './options.js';
import { log, note, printTable } from './output.js';
import { readImageFile, type DecodedImage } from '../data/image.js';
import type { ModelFamily, PreprocessMode } from '../models/imagenet.js';
import { outputClasses } from '../models/image-input.js';
import { openLayersModel, type OpenedLayersModel } from '../pipeline/open-model.js';
import { predictImages, readLabels } from '../pipeline/predict.js';
import { ZOO_SPEC_FORMS } from '../models/zoo.js';
import { loadRuntimeModel } from '../runtime/index.js';

const PREPROCESS_CHOICES = ['tf', 'caffe', 'torch', 'unit', 'mobilenet', 'mobilenet_v2', 'squeezenet', 'lenet'] as const;
type PreprocessChoice = (typeof PREPROCESS_CHOICES)[number];

interface PredictFlags {
  model: string;
  engine: 'runtime' | 'tfjs';
  top: number;
  labels?: string;
  preprocess?: PreprocessChoice;
}

/** A model location or zoo spec → a tf.layers model (zoo specs: random weights, with a note). */
export async function resolvePredictModel(location: string): Promise<OpenedLayersModel> {
  const opened = await openLayersModel(location);
  if (opened.format === 'zoo' && !opened.pretrained) log(`${location}: zoo model with freshly initialized weights (add :imagenet to a mobilenet_v1 spec for the pretrained ones)`);
  return opened;
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
          oneOf('--preprocess', PREPROCESS_CHOICES))
        .option('--engine <name>', '.snn models: run on the smallnets runtime or on TF.js', oneOf('--engine', ['runtime', 'tfjs'] as const), 'runtime'),
    async (paths, flags) => {
      // Images first: a bad image fails fast, before a large model is built.
      const images: Array<{ path: string; image: DecodedImage }> = [];
      for (const path of paths) images.push({ path, image: await readImageFile(path) });
      const opened = await resolvePredictModel(flags.model);
      try {
        const labels = flags.labels === undefined ? null : await readLabels(flags.labels, outputClasses(opened.layers));
        const net = opened.format === 'snn' && flags.engine === 'runtime' ? await loadRuntimeModel(flags.model) : null;
        const predictions = await predictImages(opened.layers, images, {
          top: flags.top, labels, family: opened.family, log: note,
          ...(net ? { forward: (x: Float32Array) => net.predict(x, 1) } : {}),
          ...(flags.preprocess === undefined ? {} : { preprocess: flags.preprocess as ModelFamily | PreprocessMode }),
        }).finally(() => net?.dispose());
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
