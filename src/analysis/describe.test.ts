import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { RuntimeError } from '../errors.js';
import { initBackend } from '../engine/backend.js';
import { lenet300, lenet5 } from '../models/lenet.js';
import { describeModel, registerLayerCost, summarize } from './describe.js';
import { deepCompression } from './storage.js';

function apply(layer: tfl.layers.Layer, x: tfl.SymbolicTensor | tfl.SymbolicTensor[]): tfl.SymbolicTensor {
  return layer.apply(x) as tfl.SymbolicTensor;
}

/** Every MAC-bearing class plus the zero-cost plumbing, on a 10×10×3 input. */
function zooOfLayers(): tfl.LayersModel {
  const input = tfl.input({ shape: [10, 10, 3], name: 'in' });
  const c1 = apply(tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'c1' }), input);
  const bn = apply(tfl.layers.batchNormalization({ name: 'bn' }), c1);
  const pad = apply(tfl.layers.zeroPadding2d({ padding: [[0, 1], [0, 1]], name: 'pad' }), bn);
  const dw = apply(tfl.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, depthMultiplier: 2, name: 'dw' }), pad);
  const sep = apply(tfl.layers.separableConv2d({ filters: 6, kernelSize: 3, padding: 'same', name: 'sep' }), dw);
  const tr = apply(tfl.layers.conv2dTranspose({ filters: 2, kernelSize: 2, strides: 2, name: 'tr' }), sep);
  const cat = apply(tfl.layers.concatenate({ name: 'cat' }), [c1, tr]);
  const c2 = apply(tfl.layers.conv2d({ filters: 6, kernelSize: 1, name: 'c2' }), c1);
  const add = apply(tfl.layers.add({ name: 'add' }), [cat, c2]);
  const pool = apply(tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool' }), add);
  const d3 = apply(tfl.layers.dense({ units: 3, name: 'd3' }), pool);
  const flat = apply(tfl.layers.flatten({ name: 'flat' }), d3);
  const out = apply(tfl.layers.dense({ units: 2, activation: 'softmax', name: 'out' }), flat);
  return tfl.model({ inputs: input, outputs: out, name: 'zoo_of_layers' });
}

beforeAll(async () => {
  await initBackend('cpu');
});

describe('describeModel', () => {
  it('counts MACs per layer class by hand', () => {
    const d = describeModel(zooOfLayers());
    const macs = Object.fromEntries(d.layers.map((l) => [l.name, l.macs]));
    expect(macs).toEqual({
      in: 0,
      c1: 3 * 3 * 3 * 4 * 100,       // 10,800
      bn: 0, pad: 0,
      dw: 9 * 4 * 2 * 25,            // 11×11 → 5×5, multiplier 2: 1,800
      sep: 9 * 8 * 25 + 8 * 6 * 25,  // depthwise 1,800 + pointwise 1,200
      tr: 4 * 6 * 2 * 25,            // 5×5 input scattered through 2×2×6×2: 1,200
      c2: 4 * 6 * 100,               // 2,400
      cat: 0, add: 0, pool: 0,
      d3: 6 * 3 * 25,                // Dense per position on 5×5×6: 450
      flat: 0,
      out: 75 * 2,                   // 150
    });
  });

  it('reports params, output shapes and weight roles', () => {
    const d = describeModel(zooOfLayers());
    const byName = new Map(d.layers.map((l) => [l.name, l]));
    expect(byName.get('dw')!.outputShape).toEqual([null, 5, 5, 8]);
    expect(byName.get('cat')!.outputShape).toEqual([null, 10, 10, 6]);
    expect(byName.get('bn')!.params).toBe(16);
    expect(byName.get('bn')!.weights.every((w) => w.role === 'aux')).toBe(true);
    expect(byName.get('sep')!.weights.map((w) => [w.name, w.role])).toEqual([
      ['sep/depthwise_kernel', 'kernel'], ['sep/pointwise_kernel', 'kernel'], ['sep/bias', 'aux'],
    ]);
    expect(byName.get('sep')!.params).toBe(72 + 48 + 6);
  });

  it('reads the channel axis from dataFormat', () => {
    const input = tfl.input({ shape: [3, 10, 10] });
    const y = apply(tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', dataFormat: 'channelsFirst', name: 'cf' }), input);
    const d = describeModel(tfl.model({ inputs: input, outputs: y }));
    expect(d.layers.find((l) => l.name === 'cf')!.macs).toBe(10_800);
  });

  it('measures the nonzero kernel values of a pruned layer', () => {
    const model = lenet300(1);
    const fc3 = model.getLayer('fc3');
    const [kernel, bias] = fc3.getWeights();
    const mask = tf.tensor2d(Array.from({ length: 1000 }, (_, i) => (i % 4 === 0 ? 1 : 0)), [100, 10]);
    fc3.setWeights([tf.mul(kernel!, mask), bias!]);
    const w = describeModel(model).layers.find((l) => l.name === 'fc3')!.weights;
    expect(w[0]!.nonzero).toBe(250);
    expect(w[1]!.nonzero).toBeUndefined(); // biases are not measured
    expect(describeModel(model, { measureSparsity: false }).layers.at(-1)!.weights[0]!.nonzero).toBeUndefined();
  });

  it('flattens nested models, counting each call of the inner model', () => {
    const inner = tfl.sequential({ name: 'inner', layers: [tfl.layers.dense({ units: 2, inputShape: [4], name: 'inner_fc' })] });
    const x = tfl.input({ shape: [4] });
    const y = apply(tfl.layers.add({ name: 'sum' }), [inner.apply(x) as tfl.SymbolicTensor, inner.apply(x) as tfl.SymbolicTensor]);
    const d = describeModel(tfl.model({ inputs: x, outputs: y }));
    const fc = d.layers.find((l) => l.name === 'inner/inner_fc')!;
    expect(fc.macs).toBe(2 * 4 * 2);

    const once = tfl.sequential({ name: 'once', layers: [tfl.layers.dense({ units: 2, inputShape: [4], name: 'once_fc' })] });
    const z = tfl.input({ shape: [4] });
    const single = describeModel(tfl.model({ inputs: z, outputs: once.apply(z) as tfl.SymbolicTensor }));
    expect(single.layers.find((l) => l.name === 'once/once_fc')!.macs).toBe(4 * 2);
  });

  it('rejects an unknown layer class by name until its cost is registered', () => {
    class Twice extends tfl.layers.Layer {
      static className = 'Twice';
      override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
        return tf.mul(Array.isArray(inputs) ? inputs[0]! : inputs, 2);
      }
    }
    const x = tfl.input({ shape: [4] });
    const model = tfl.model({ inputs: x, outputs: apply(new Twice({ name: 'twice' }), x) });
    expect(() => describeModel(model)).toThrow(RuntimeError);
    expect(() => describeModel(model)).toThrow("cannot analyze layer 'twice': unsupported layer class Twice");
    registerLayerCost('Twice', { macs: (_layer, { outputShapes }) => outputShapes[0]![1]!, kernels: [] });
    expect(describeModel(model).layers.at(-1)!.macs).toBe(4);
  });
});

describe('summarize', () => {
  it('LeNet-5: 431,080 params, 2,293,000 MACs, 1,724,320 fp32 bytes read from DRAM', () => {
    const s = summarize(lenet5(1));
    expect(s.params).toBe(431_080);
    expect(s.layers.map((l) => [l.name, l.macs])).toEqual([
      ['conv1', 24 * 24 * 20 * 25], ['pool1', 0], ['conv2', 8 * 8 * 50 * 500], ['pool2', 0], ['flatten', 0],
      ['fc1', 800 * 500], ['fc2', 500 * 10],
    ]);
    expect(s.macs).toBe(2_293_000);
    expect(s.bytes).toBe(1_724_320);
    expect(s.weightMemory).toBe('dram');
    expect(s.energyMicrojoules).toBeCloseTo((431_080 * 640 + 2_293_000 * 4.6) / 1e6, 9);
  });

  it('LeNet-300-100: 266,610 params; Deep-Compression storage fits in SRAM', () => {
    const dense = summarize(lenet300(1));
    expect(dense.params).toBe(266_610);
    expect(dense.macs).toBe(266_200);
    const compressed = summarize(lenet300(1), { storage: deepCompression({ clusters: 64, indexBits: 5, density: 0.08 }) });
    expect(compressed.weightMemory).toBe('sram');
    expect(compressed.bytes).toBeLessThan(dense.bytes / 20);
    expect(compressed.energyMicrojoules).toBeLessThan(dense.energyMicrojoules / 100);
  });
});
