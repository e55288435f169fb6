/**
 * Fuzz target `onnx`: the .onnx reader used by `evaluate` and export round trips
 * (export/onnx-run.ts onnxModelInfo over onnx-builder's decodeOnnx). Seeds are small models written
 * by smallnets' own exporter (float and int8 with DequantizeLinear); mutations work on the protobuf
 * wire format (./mutate-protobuf.ts), so changed dims, data types, lengths and fields reach the
 * reader's checks with every enclosing length still consistent.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../../engine/backend.js';
import { RuntimeError } from '../../errors.js';
import { exportOnnx } from '../../export/onnx.js';
import { onnxModelInfo } from '../../export/onnx-run.js';
import { mutateProtobuf } from '../mutate-protobuf.js';
import type { FuzzTarget } from '../target.js';

async function seeds(): Promise<Uint8Array[]> {
  await initBackend('cpu');
  const init = (seed: number) => tfl.initializers.glorotUniform({ seed });
  const dense = tfl.sequential({
    layers: [
      tfl.layers.flatten({ inputShape: [28, 28, 1] }),
      tfl.layers.dense({ units: 2, activation: 'relu', name: 'fc1', kernelInitializer: init(1) }),
      tfl.layers.dense({ units: 10, activation: 'softmax', name: 'fc2', kernelInitializer: init(2) }),
    ],
  });
  const conv = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 2, kernelSize: 5, strides: 4, activation: 'relu', name: 'conv', kernelInitializer: init(3) }),
      tfl.layers.batchNormalization({ name: 'bn' }),
      tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool' }),
      tfl.layers.flatten({ name: 'flatten' }),
      tfl.layers.dense({ units: 10, activation: 'softmax', name: 'out', kernelInitializer: init(4) }),
    ],
  });
  const out = [exportOnnx(dense), exportOnnx(conv), exportOnnx(conv, { weightQuantization: 'int8' })];
  dense.dispose();
  conv.dispose();
  return out;
}

export const onnxTarget: FuzzTarget = {
  name: 'onnx',
  description: 'ONNX reader for evaluate/export round trips (export/onnx-run.ts onnxModelInfo, decodeOnnx)',
  seeds,
  mutate: mutateProtobuf,
  run: (input) => onnxModelInfo(input, 'model.onnx'),
  isRefusal: (error) => error instanceof RuntimeError,
};
