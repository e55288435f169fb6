import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { decodeSnn, type SnnModel } from '../format/index.js';
import { decodeOnnx } from './onnx-builder.js';
import { exportOnnx } from './onnx.js';
import { snnWeightQuantization } from './snn-model.js';
import { snnToLayersModel } from '../models/snn-model.js';
import { compareWithTfjs, randomizeAuxWeights } from './onnx.test-util.js';
import { smallConvNet, toSnnBytes } from './snn.test-util.js';

describe('.snn → tf.layers model and ONNX', () => {
  let snn: SnnModel;
  let model: tfl.LayersModel;

  beforeAll(async () => {
    await initBackend('cpu');
    const original = smallConvNet(3);
    randomizeAuxWeights(original, 9);
    snn = decodeSnn(await toSnnBytes(original));
    model = await snnToLayersModel(snn);
  });

  it('snnToLayersModel rebuilds the topology with the decoded weights bit for bit', () => {
    expect(model.layers.map((l) => l.name)).toEqual(['conv1', 'pool1', 'flatten', 'fc1', 'fc2']);
    for (const t of snn.tensors) {
      const w = model.weights.find((v) => v.originalName === t.name)!;
      expect(Buffer.from((w.read().dataSync() as Float32Array).buffer).equals(Buffer.from(t.values.buffer, t.values.byteOffset, t.values.byteLength))).toBe(true);
    }
  });

  it('maps affine and evenly spaced codebooks to int8 DequantizeLinear, float16 and learned codebooks to float32', () => {
    const { quantization, mapping } = snnWeightQuantization(snn);
    expect(Object.fromEntries(mapping.map((m) => [m.name, `${m.snn} → ${m.onnx}`]))).toEqual({
      'conv1/kernel': 'affine 8-bit per-channel → int8 DequantizeLinear',
      'conv1/bias': 'float32 → float32',
      'fc1/kernel': 'codebook k=8 sparse → int8 DequantizeLinear',
      'fc1/bias': 'float16 → float32',
      'fc2/kernel': 'affine 4-bit per-tensor → int8 DequantizeLinear',
      'fc2/bias': 'codebook k=3 → float32',
    });
    expect(quantization.get('conv1/kernel')!.axis).toBe(3);
  });

  it('the ONNX export with the .snn quantization stores int8 and matches the .snn model within 1e-4 (values are exact)', async () => {
    const { quantization } = snnWeightQuantization(snn);
    const bytes = exportOnnx(model, { weightQuantization: quantization });
    const graph = decodeOnnx(bytes).graph!;
    expect(graph.node!.filter((n) => n.opType === 'DequantizeLinear').map((n) => n.output![0])).toEqual(['conv1/kernel', 'fc1/kernel', 'fc2/kernel']);
    const diff = await compareWithTfjs(bytes, model, tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 12));
    expect(diff).toBeLessThan(1e-4);
  });

  it('a .snn without topology cannot be rebuilt', async () => {
    await expect(snnToLayersModel({ ...snn, topology: null })).rejects.toThrow(/no model topology/);
  });
});
