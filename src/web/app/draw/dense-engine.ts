/**
 * The dense engine of the draw view: the model as TF.js loads it (model.json + float32 weights, or a
 * model trained in this page), run by TF.js's cpu backend. Its own chunk, so build.json can say
 * what it costs to download.
 */
import { checkDigitClassifier, openLayers } from '../models/open-model.js';
import type { ModelSource } from '../models/model-sources.js';
import type { DigitClassifier } from './digit-classifier.js';
import { tfjsClassifier } from './tfjs-classifier.js';

export const DENSE_ENGINE = 'TF.js (cpu backend)';

/** Open a TF.js model source as a digit classifier; `bytes` is what opening it read. */
export async function loadDenseClassifier(source: ModelSource): Promise<{ classifier: DigitClassifier; bytes: number; model: import('@tensorflow/tfjs-layers').LayersModel }> {
  const { model, bytes } = await openLayers(source);
  checkDigitClassifier(model, source.label);
  return { classifier: await tfjsClassifier(model, DENSE_ENGINE), bytes, model };
}
