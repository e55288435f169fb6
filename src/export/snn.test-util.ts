/** A small MNIST-shaped conv net and its .snn encoding with every value encoding (for export tests). */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { encodeSnn, encodeTensorAuto, type EncodingHint, type JsonObject } from '../format/index.js';
import { modelArtifacts } from '../models/io.js';

/** A small MNIST-shaped conv net. */
export function smallConvNet(seed: number): tfl.LayersModel {
  const init = (s: number) => tfl.initializers.glorotUniform({ seed: seed + s });
  return tfl.sequential({
    name: 'small',
    layers: [
      tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, strides: 2, activation: 'relu', name: 'conv1', kernelInitializer: init(1) }),
      tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }),
      tfl.layers.flatten({ name: 'flatten' }),
      tfl.layers.dense({ units: 32, activation: 'relu', name: 'fc1', kernelInitializer: init(2) }),
      tfl.layers.dense({ units: 10, activation: 'softmax', name: 'fc2', kernelInitializer: init(3) }),
    ],
  });
}

const STEP = Math.fround(0.01);
/** Per-tensor encodings covering every .snn value encoding and both ONNX outcomes. */
export const HINTS: Record<string, EncodingHint> = {
  'conv1/kernel': { bits: 8, perChannel: true }, // → int8 per axis
  'conv1/bias': {}, // float32
  'fc1/kernel': { codebook: Float32Array.from([-3, -2, -1, 0, 1, 2, 3, 4], (k) => Math.fround(k * STEP)) }, // evenly spaced → int8
  'fc1/bias': { float16: true }, // float32 in ONNX
  'fc2/kernel': { bits: 4 }, // → int8 per tensor
  'fc2/bias': { codebook: Float32Array.of(0.013, -0.271, 0.0521) }, // learned → float32
};

/** Encode `model` as .snn bytes with HINTS, pruning fc1 to 20% first (sparse storage). */
export async function toSnnBytes(model: tfl.LayersModel): Promise<Uint8Array> {
  const artifacts = await modelArtifacts(model);
  const data = new Float32Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData!));
  let offset = 0;
  const tensors = artifacts.weightSpecs!.map((spec) => {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const values = data.slice(offset, offset + count);
    offset += count;
    if (spec.name === 'fc1/kernel') values.forEach((v, i) => (values[i] = i % 5 === 0 ? v : 0));
    return encodeTensorAuto(spec.name, values, spec.shape, HINTS[spec.name] ?? {});
  });
  return encodeSnn({ topology: artifacts.modelTopology as JsonObject, metadata: null, tensors });
}
