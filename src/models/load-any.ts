/**
 * One entry point for every model file smallnets understands, dispatched on how the path looks.
 * Formats are imported lazily so that loading a TF.js model never pulls in the others.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Split } from '../data/mnist.js';
import { evaluateAccuracy } from '../training/evaluate.js';
import { loadModel } from './io.js';

export interface LoadedModel {
  /** A tf.layers model when the format has one (TF.js, .snn); undefined for runtimes like ONNX. */
  model?: tfl.LayersModel;
  params: number;
  evaluate(split: Split): Promise<number>;
}

export function layersLoaded(model: tfl.LayersModel): LoadedModel {
  return { model, params: model.countParams(), evaluate: async (split) => evaluateAccuracy(model, split) };
}

export async function loadAnyModel(location: string): Promise<LoadedModel> {
  if (/\.snn$/i.test(location)) {
    const { loadSnnModel } = await import('../pipeline/snn-model.js');
    return layersLoaded(await loadSnnModel(location));
  }
  if (location.toLowerCase().endsWith('.onnx')) return (await import('../export/onnx-run.js')).loadOnnxModel(location);
  return layersLoaded(await loadModel(location));
}
