/**
 * `smallnets predict IMAGE... --model MODEL [--top 5] [--labels FILE] [--json]`: classify PNG/JPEG
 * images with a saved model or a zoo model. A thin layer over `predictImages`
 * (src/pipeline/predict.ts); MODEL is anything `openLayersModel` opens (zoo specs: random weights).
 * A .snn model runs on the smallnets runtime unless `--engine tfjs`.
 */
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { addCommand, examples } from './command.js';
import { choiceOption, oneOf, optionWithDefaultText, positiveInt } from './options.js';
import { log, note, printTable } from './output.js';
import type { DecodedImage } from '../data/image.js';
import type { ModelFamily, PreprocessMode } from '../models/imagenet.js';
import type { OpenedLayersModel } from '../pipeline/open-model.js';
import { ZOO_SPEC_FORMS } from '../models/zoo-forms.js';

const PREPROCESS_CHOICES = ['tf', 'caffe', 'torch', 'unit', 'mobilenet', 'mobilenet_v2', 'squeezenet', 'lenet'] as const;
type PreprocessChoice = (typeof PREPROCESS_CHOICES)[number];
const ENGINES = ['runtime', 'tfjs'] as const;

interface PredictFlags {
  model: string;
  top: number;
  labels?: string;
  preprocess?: PreprocessChoice;
  engine: (typeof ENGINES)[number];
}

/** A model location or zoo spec → a tf.layers model (zoo specs: random weights, with a note). */
export async function resolvePredictModel(location: string): Promise<OpenedLayersModel> {
  const { openLayersModel } = await import('../pipeline/open-model.js');
  const opened = await openLayersModel(location);
  if (opened.format === 'zoo' && !opened.pretrained) log(`${location}: zoo model with freshly initialized weights (add :imagenet to a mobilenet_v1 spec for the pretrained ones)`);
  return opened;
}

export function register(program: Command): void {
  addCommand<PredictFlags>(
    program,
    'predict',
    (cmd) =>
      examples(cmd, [
        'predict out/lenet5 examples/digits/7.png',
        'predict out/lenet5 examples/digits/*.png --top 1 --format csv',
      ])
        .description('classify PNG/JPEG images: top-k labels and probabilities')
        .argument('[images...]', 'PNG or JPEG files')
        .option('--top <k>', 'how many classes to list per image', positiveInt('--top'), 5)
        .addOption(optionWithDefaultText('--labels <file>', 'class names: JSON array or one per line', 'ImageNet names for 1000 classes, else indexes'))
        .addOption(optionWithDefaultText('--preprocess <mode>', 'input preprocessing', 'from the model family, else unit = [0, 1]').choices(PREPROCESS_CHOICES).argParser(oneOf('--preprocess', PREPROCESS_CHOICES)))
        .addOption(choiceOption('--engine <name>', '.snn models: run on the smallnets runtime or on TF.js', ENGINES).default('runtime')),
    async (paths, flags) => {
      const { readImageFile } = await import('../data/image.js');
      const { outputClasses } = await import('../models/image-input.js');
      const { predictImages, readLabels } = await import('../pipeline/predict.js');
      if (paths.length === 0) throw new UsageError('no images: give image files after the model');
      // Images first: a bad image fails fast, before a large model is built.
      const images: Array<{ path: string; image: DecodedImage }> = [];
      for (const path of paths) images.push({ path, image: await readImageFile(path) });
      const opened = await resolvePredictModel(flags.model);
      try {
        const labels = flags.labels === undefined ? null : await readLabels(flags.labels, outputClasses(opened.layers));
        const net = opened.format === 'snn' && flags.engine === 'runtime' ? await (await import('../runtime/index.js')).loadRuntimeModel(flags.model) : null;
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
    { table: true, model: `model directory, model.json, URL, .snn, or zoo spec: ${ZOO_SPEC_FORMS.join(', ')}` },
  );
}
