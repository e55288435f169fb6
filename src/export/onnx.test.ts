import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { lenet300, lenet5 } from '../models/lenet.js';
import { decodeOnnx, onnx } from './onnx-builder.js';
import { applyWeightQuantization, exportOnnx, int8WeightQuantization } from './onnx.js';
import type { WeightQuantizationMap } from './onnx-quant.js';
import { cloneModel, compareWithTfjs, randomizeAuxWeights } from './onnx.test-util.js';

type Sym = tfl.SymbolicTensor;

/** Functional model with every layer kind in the allowlist, two outputs. */
function kitchenSink(): tfl.LayersModel {
  const L = tfl.layers;
  const init = (seed: number) => ({ kernelInitializer: tfl.initializers.glorotUniform({ seed }) });
  const image = tfl.input({ shape: [13, 12, 3], name: 'image' });
  const padded = L.zeroPadding2d({ padding: [[1, 2], [0, 1]], name: 'pad' }).apply(image) as Sym;
  const c1 = L.conv2d({ filters: 8, kernelSize: 3, strides: 2, activation: 'relu', name: 'c1', ...init(1) }).apply(padded) as Sym;
  const bn = L.batchNormalization({ name: 'bn' }).apply(c1) as Sym;
  const dw = L.depthwiseConv2d({ kernelSize: 3, padding: 'same', depthMultiplier: 2, name: 'dw', depthwiseInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }).apply(bn) as Sym;
  const a = L.reLU({ maxValue: 6, name: 'relu6' }).apply(dw) as Sym;
  const b = L.conv2d({ filters: 16, kernelSize: 1, activation: 'relu6', name: 'c2', ...init(3) }).apply(bn) as Sym;
  const sum = L.add({ name: 'sum' }).apply([a, b]) as Sym;
  const sep = L.separableConv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'tanh', name: 'sep', depthwiseInitializer: tfl.initializers.glorotUniform({ seed: 4 }), pointwiseInitializer: tfl.initializers.glorotUniform({ seed: 5 }) }).apply(sum) as Sym;
  const mp = L.maxPooling2d({ poolSize: 2, strides: 1, padding: 'same', name: 'mp' }).apply(sep) as Sym;
  const side = L.conv2d({ filters: 4, kernelSize: 1, activation: 'sigmoid', name: 'side', ...init(6) }).apply(sum) as Sym;
  const cat = L.concatenate({ name: 'cat' }).apply([mp, side]) as Sym;
  const ap = L.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same', name: 'ap' }).apply(cat) as Sym;
  const gap = L.globalAveragePooling2d({ name: 'gap' }).apply(ap) as Sym;
  const drop = L.dropout({ rate: 0.5, name: 'drop' }).apply(gap) as Sym;
  const probs = L.dense({ units: 10, activation: 'softmax', name: 'probs', ...init(7) }).apply(drop) as Sym;
  const flat = L.flatten({ name: 'flat' }).apply(ap) as Sym;
  const fc = L.dense({ units: 6, name: 'fc', ...init(8) }).apply(flat) as Sym;
  const act = L.activation({ activation: 'tanh', name: 'act' }).apply(fc) as Sym;
  const grid = L.reshape({ targetShape: [2, 3], name: 'grid' }).apply(act) as Sym;
  const rows = L.softmax({ axis: -1, name: 'rows' }).apply(grid) as Sym;
  return tfl.model({ inputs: image, outputs: [probs, rows], name: 'kitchen_sink' });
}

/** Layout corner cases: Reshape back to an image, Concatenate on H, Dense on rank 4, GlobalMaxPooling, softmax over NCHW channels. */
function layoutCases(): tfl.LayersModel {
  const L = tfl.layers;
  const x = tfl.input({ shape: [48], name: 'flat_in' });
  const img = L.reshape({ targetShape: [4, 4, 3], name: 'to_image' }).apply(x) as Sym;
  const conv = L.conv2d({ filters: 5, kernelSize: 2, padding: 'same', name: 'conv', kernelInitializer: tfl.initializers.glorotUniform({ seed: 9 }) }).apply(img) as Sym;
  const tall = L.concatenate({ axis: 1, name: 'tall' }).apply([conv, conv]) as Sym;
  const perPixel = L.dense({ units: 3, activation: 'softmax', name: 'per_pixel', kernelInitializer: tfl.initializers.glorotUniform({ seed: 10 }) }).apply(tall) as Sym;
  const gmp = L.globalMaxPooling2d({ name: 'gmp' }).apply(tall) as Sym;
  const channelSoftmax = L.conv2d({ filters: 4, kernelSize: 1, activation: 'softmax', name: 'channel_softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 11 }) }).apply(tall) as Sym;
  return tfl.model({ inputs: x, outputs: [perPixel, gmp, channelSoftmax], name: 'layouts' });
}

function initializerTypes(bytes: Uint8Array): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const t of decodeOnnx(bytes).graph!.initializer!) {
    const name = onnx.TensorProto.DataType[t.dataType!]!;
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

function opCount(bytes: Uint8Array, op: string): number {
  return decodeOnnx(bytes).graph!.node!.filter((n) => n.opType === op).length;
}

describe('ONNX export (float32), checked against TF.js on the cpu backend', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('LeNet-5: onnxruntime matches within 1e-4 on a random batch of 5 (Flatten in Keras order)', async () => {
    const model = lenet5(21);
    randomizeAuxWeights(model, 1);
    const bytes = exportOnnx(model);
    const diff = await compareWithTfjs(bytes, model, tf.randomUniform([5, 28, 28, 1], 0, 1, 'float32', 2));
    expect(diff).toBeLessThan(1e-4);
    const graph = decodeOnnx(bytes).graph!;
    expect(graph.input![0]!.name).toBe('conv1_input');
    expect(graph.input![0]!.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['N', 28, 28, 1]);
    expect(graph.output![0]!.name).toBe('fc2');
    // One Transpose after the input, one back before Flatten.
    expect(opCount(bytes, 'Transpose')).toBe(2);
    expect(Number(decodeOnnx(bytes).opsetImport![0]!.version)).toBe(13);
  });

  it('LeNet-300-100: onnxruntime matches within 1e-4 with no Transpose at all', async () => {
    const model = lenet300(22);
    randomizeAuxWeights(model, 2);
    const bytes = exportOnnx(model);
    expect(await compareWithTfjs(bytes, model, tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 3))).toBeLessThan(1e-4);
    expect(opCount(bytes, 'Transpose')).toBe(0);
  });

  it('functional model with ZeroPadding, BatchNorm, Depthwise, Separable, ReLU6, Add, Concatenate, pools, GAP, Reshape, Softmax: both outputs within 1e-4', async () => {
    const model = kitchenSink();
    randomizeAuxWeights(model, 3);
    const bytes = exportOnnx(model);
    expect(await compareWithTfjs(bytes, model, tf.randomUniform([3, 13, 12, 3], -1, 1, 'float32', 4))).toBeLessThan(1e-4);
  });

  it('layout corner cases (Reshape to an image, Concatenate on H, Dense on rank 4, GlobalMaxPooling, conv softmax) within 1e-4', async () => {
    const model = layoutCases();
    randomizeAuxWeights(model, 4);
    const bytes = exportOnnx(model);
    expect(await compareWithTfjs(bytes, model, tf.randomUniform([2, 48], -1, 1, 'float32', 5))).toBeLessThan(1e-4);
  });

  it('an unsupported layer fails naming the layer and its class', () => {
    const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 3, name: 'd' }), tfl.layers.leakyReLU({ name: 'leaky' })] });
    expect(() => exportOnnx(model)).toThrow(/layer leaky \(LeakyReLU\) is not supported/);
  });

  it('an unsupported activation fails naming it', () => {
    const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 3, activation: 'elu', name: 'd' })] });
    expect(() => exportOnnx(model)).toThrow(/activation "elu" of layer d/);
  });
});

describe('ONNX export with int8 weights (DequantizeLinear)', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it("'int8' on LeNet-5: 4 DequantizeLinear, int8 kernels, ~4× smaller, matches the dequantized TF.js model within 1e-4", async () => {
    const model = lenet5(23);
    randomizeAuxWeights(model, 5);
    const float = exportOnnx(model);
    const bytes = exportOnnx(model, { weightQuantization: 'int8' });
    expect(opCount(bytes, 'DequantizeLinear')).toBe(4);
    expect(initializerTypes(bytes)['INT8']).toBe(8); // 4 kernels + 4 per-channel zero points
    expect(bytes.byteLength).toBeLessThan(float.byteLength * 0.27);
    const dequantized = await cloneModel(model);
    applyWeightQuantization(dequantized, int8WeightQuantization(model));
    expect(await compareWithTfjs(bytes, dequantized, tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 6))).toBeLessThan(1e-4);
  });

  it("'int8' on the functional model (depthwise multiplier 2: per-axis scales expanded) matches the dequantized model within 1e-4", async () => {
    const model = kitchenSink();
    randomizeAuxWeights(model, 6);
    const bytes = exportOnnx(model, { weightQuantization: 'int8' });
    // c1, c2, side, dw, sep (depthwise + pointwise), probs, fc.
    expect(opCount(bytes, 'DequantizeLinear')).toBe(8);
    const dequantized = await cloneModel(model);
    applyWeightQuantization(dequantized, int8WeightQuantization(model));
    expect(await compareWithTfjs(bytes, dequantized, tf.randomUniform([2, 13, 12, 3], -1, 1, 'float32', 7))).toBeLessThan(1e-4);
  });

  it('an explicit map: per-tensor int8 with a zero point, per-axis on a conv input axis, int32 for a bias', async () => {
    const model = lenet5(24);
    randomizeAuxWeights(model, 7);
    const map: WeightQuantizationMap = new Map([
      ['conv1/kernel', { scale: Float32Array.of(0.004), zeroPoint: Int8Array.of(-7) }],
      ['conv2/kernel', { scale: Float32Array.from({ length: 20 }, (_, i) => 0.001 + i * 1e-4), zeroPoint: new Int8Array(20).fill(3), axis: 2 }],
      ['fc1/bias', { scale: Float32Array.of(1e-5), zeroPoint: Int32Array.of(100) }],
    ]);
    const bytes = exportOnnx(model, { weightQuantization: map });
    expect(opCount(bytes, 'DequantizeLinear')).toBe(3);
    expect(initializerTypes(bytes)['INT32']).toBe(1);
    const dequantized = await cloneModel(model);
    applyWeightQuantization(dequantized, map);
    expect(await compareWithTfjs(bytes, dequantized, tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 8))).toBeLessThan(1e-4);
  });

  it('a map naming a weight the model lacks is a usage error', () => {
    const map: WeightQuantizationMap = new Map([['nope/kernel', { scale: Float32Array.of(1), zeroPoint: Int8Array.of(0) }]]);
    expect(() => exportOnnx(lenet300(1), { weightQuantization: map })).toThrow(/"nope\/kernel", which is not a weight/);
  });
});
