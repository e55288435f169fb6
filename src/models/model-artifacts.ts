/**
 * A LayersModel's artifacts (topology JSON + weight specs + weight bytes) in memory. No Node APIs:
 * the web playground uses it in the browser to write a .snn file of a model trained in the page.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { RuntimeError } from '../errors.js';

/** The model.json + weights a LayersModel saves to, in memory. */
export async function modelArtifacts(model: tfl.LayersModel): Promise<tf.io.ModelArtifacts> {
  let captured: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  return captured!;
}

/**
 * Build checked artifacts with TF.js; whatever TF.js throws (Errors or not) becomes a one-line
 * RuntimeError naming `where`.
 */
export async function buildLayersModel(artifacts: tf.io.ModelArtifacts, where: string): Promise<tfl.LayersModel> {
  try {
    return await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (error) {
    if (error instanceof RuntimeError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new RuntimeError(`cannot build model from ${where}: ${message.split('\n')[0]}`);
  }
}
