/** Shared by the ONNX tests: models with nonzero biases/BN statistics, ORT runs, comparisons. */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import * as ort from 'onnxruntime-node';
import { modelArtifacts } from '../models/io.js';
import { EXACT_SESSION_OPTIONS } from './onnx-run.js';
import { maxAbsDiff } from '../engine/backends.test-util.js';

/** Give biases, BN statistics and gammas seeded random values (initializers leave them trivial). */
export function randomizeAuxWeights(model: tfl.LayersModel, seed: number): void {
  let s = seed;
  for (const layer of model.layers) {
    const weights = layer.weights;
    if (weights.length === 0) continue;
    const values = weights.map((w) => {
      const kind = w.originalName.split('/').pop()!;
      const range: Record<string, [number, number]> = {
        bias: [-0.3, 0.3],
        beta: [-0.5, 0.5],
        gamma: [0.5, 1.5],
        moving_mean: [-0.5, 0.5],
        moving_variance: [0.5, 2],
      };
      const r = range[kind];
      return r ? tf.randomUniform(w.shape as number[], r[0], r[1], 'float32', s++) : w.read().clone();
    });
    layer.setWeights(values);
    values.forEach((v) => v.dispose());
  }
}

export async function cloneModel(model: tfl.LayersModel): Promise<tfl.LayersModel> {
  return tfl.loadLayersModel(tf.io.fromMemory(await modelArtifacts(model)));
}

/** All outputs of an ONNX model for one float32 input. */
export async function runOrt(bytes: Uint8Array, input: tf.Tensor): Promise<Record<string, { data: Float32Array; dims: readonly number[] }>> {
  const session = await ort.InferenceSession.create(bytes, EXACT_SESSION_OPTIONS);
  try {
    const feeds = { [session.inputNames[0]!]: new ort.Tensor('float32', input.dataSync() as Float32Array, input.shape) };
    const result = await session.run(feeds);
    return Object.fromEntries(session.outputNames.map((name) => [name, { data: result[name]!.data as Float32Array, dims: result[name]!.dims }]));
  } finally {
    await session.release();
  }
}

/** Max |ONNX − TF.js| over all outputs, checking output names and shapes match. */
export async function compareWithTfjs(bytes: Uint8Array, model: tfl.LayersModel, input: tf.Tensor): Promise<number> {
  const onnx = await runOrt(bytes, input);
  const predicted = model.predict(input);
  const outputs = Array.isArray(predicted) ? predicted : [predicted];
  const names = model.outputs.map((t) => t.sourceLayer.name);
  let worst = 0;
  outputs.forEach((out, i) => {
    const got = onnx[names[i]!];
    if (!got) throw new Error(`ONNX output ${names[i]} missing (have ${Object.keys(onnx).join(', ')})`);
    if (got.dims.join() !== out.shape.join()) throw new Error(`output ${names[i]}: dims ${got.dims} vs ${out.shape}`);
    worst = Math.max(worst, maxAbsDiff(got.data, out.dataSync()));
  });
  return worst;
}
